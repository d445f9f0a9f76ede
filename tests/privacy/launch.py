"""`python launch.py ARGS...` runs `segroi ARGS...` exactly as the console script does
(`engine.cli.main`), with every log record of every library, DEBUG level included, and every
Python warning written to the file named by $SEGROI_AUDIT_LOG, so the audit can search them."""

import logging
import os
import sys
import warnings

logging.basicConfig(
    level=logging.DEBUG,
    filename=os.environ["SEGROI_AUDIT_LOG"],
    format="%(asctime)s %(name)s %(levelname)s %(message)s",
)
logging.captureWarnings(True)
warnings.simplefilter("always")

from engine.cli import main  # noqa: E402  (logging first, so import-time records are kept too)

sys.argv = ["segroi", *sys.argv[1:]]
sys.exit(main(sys.argv[1:]))

"""Start Streamlit on dashboard/app.py with st.navigation in charge from the very first request.

Streamlit treats a `pages/` folder beside the main script as an old-style multipage app until
`st.navigation` has run once; a first visit straight to /scenario would then skip app.py (no
language switch, no login). Setting the flag before the server starts avoids that.
Usage: python -m dashboard.serve run dashboard/app.py [streamlit options]
"""

import sys


def main() -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", *sys.argv[1:]]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())

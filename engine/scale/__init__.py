"""Archive scale on an existing engine: Ray, for batch work past one machine.

`segroi segment --ray`, `segroi evaluate --ray` and `segroi profile --ray` run here; segroi writes
no scheduler of its own. Ray is an optional dependency (`pip install 'segroi[ray]'`): nothing in
segroi imports it unless `--ray` is given, and then `require_ray` says in one line how to get it.

* cluster.py    join or start a cluster (`local`, `auto`, `HOST:PORT`, `ray://HOST:PORT`), what it holds
* inference.py  segment/evaluate as a Ray Data pipeline: files listed on the driver, decoded in a
                CPU stage, labelled in an actor pool (one GPU per actor, or CPU actors), label maps
                written and frames scored by CPU workers, results back to the driver
* nodes.py      one profile job per node (or per GPU model), rows tagged with host and device
"""

from __future__ import annotations

from engine.errors import SegroiError

INSTALL_HINT = "pip install 'segroi[ray]'"


def require_ray():
    """The `ray` module, or a one-line SegroiError saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise SegroiError(
            f"--ray needs Ray, which is not installed here ({exc.name or 'ray'} is missing): {INSTALL_HINT}"
        ) from None
    return ray

"""Ray for the scale tests: one local Ray (2 CPUs) for the whole session, two nodes on this machine
for a module, and small shared data (helpers in scale_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scale_helpers import export_ray_env, unet_weights

from engine.data.phantom import make_phantom, write_phantom


@pytest.fixture(scope="session")
def ray_local():
    """A local Ray with 2 CPUs, shared by every test of the session; its GCS address."""
    import ray

    export_ray_env()
    if not ray.is_initialized():
        # address="local": a new cluster of its own, never one another test (or a `ray start`) left running
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def two_nodes():
    """Two Ray nodes on this machine (2 CPUs and 1 logical GPU each, loopback); the head's address.

    The nodes are started from this process without connecting it to them: the commands join with
    --ray HOST:PORT from subprocesses, as from another machine.
    """
    from ray.cluster_utils import Cluster

    export_ray_env()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "num_gpus": 1})
    cluster.add_node(num_cpus=2, num_gpus=1)
    try:
        yield cluster.address
    finally:
        cluster.shutdown()


@pytest.fixture(scope="session")
def phantom(tmp_path_factory) -> Path:
    """Five phantom studies (20 frames, 96 px) with truth/ beside them."""
    out = tmp_path_factory.mktemp("scale") / "phantom"
    write_phantom(make_phantom(5, seed=3, size=96), out)
    return out


@pytest.fixture(scope="session")
def weights(tmp_path_factory) -> Path:
    return unet_weights(tmp_path_factory.mktemp("w") / "tiny.pt")

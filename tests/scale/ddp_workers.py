"""Spawned ranks for the DDP tests (a module of its own: spawned processes import their function by name)."""

from __future__ import annotations

import os


def tiny_data(n: int = 12, size: int = 32):
    import torch

    g = torch.Generator().manual_seed(1)
    return torch.randn(n, 1, size, size, generator=g), torch.randint(0, 5, (n, size, size), generator=g)


def fit_tiny(ranks, batch_size: int, out: str) -> None:
    """One epoch of the tiny U-Net on fixed random data; rank 0 (or the one process) saves the weights."""
    import torch

    from engine.models.ssl.train import TrainConfig, fit
    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    torch.manual_seed(0)
    torch.set_num_threads(1)
    segmenter = SslSegmenter(UNet(width=4, levels=3), input_size=32, device="cpu", roi="frame")
    images, targets = tiny_data()
    config = TrainConfig(
        image_size=32, width=4, levels=3, epochs=1, batch_size=batch_size, lr=1e-2, min_epoch_steps=1
    )  # one pass over the 12 frames
    losses: list[float] = []
    fit(segmenter, images, targets, config, lambda r, e, loss: losses.append(loss), ranks=ranks)
    if ranks is None or ranks.lead:
        torch.save({"losses": losses, "state": segmenter.net.state_dict()}, out)


def rank(local_rank: int, world: int, port: int, batch_size: int, out: str) -> None:
    os.environ.update(
        RANK=str(local_rank),
        LOCAL_RANK=str(local_rank),
        WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        GLOO_SOCKET_IFNAME="lo",
        TORCHELASTIC_USE_AGENT_STORE="True",
    )  # the test hosts the store
    from engine.scale import ddp

    group = ddp.join("cpu")
    try:
        fit_tiny(group, batch_size, out)
    finally:
        group.close()


def failing_share(local_rank: int, world: int, port: int, out: str) -> None:
    """Rank 1's pseudo-labelling raises; every rank must stop with the same one-line error."""
    os.environ.update(
        RANK=str(local_rank),
        LOCAL_RANK=str(local_rank),
        WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        GLOO_SOCKET_IFNAME="lo",
        TORCHELASTIC_USE_AGENT_STORE="True",
    )
    from engine.errors import SegroiError
    from engine.models.ssl.train import _per_cine
    from engine.scale import ddp

    group = ddp.join("cpu")

    def work(cine):
        if group.rank == 1:
            raise ValueError("a frame rank 1 could not label")
        return [f"label {i}" for i in cine]

    try:
        _per_cine([[0, 1], [2], [3, 4, 5]], work, group, "pseudo-labelling")
        message = "no error"
    except SegroiError as exc:
        message = str(exc)
    with open(f"{out}.{local_rank}", "w") as fh:
        fh.write(message)
    group.close()

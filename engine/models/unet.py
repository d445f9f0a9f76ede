"""The SSL segmenter's network: a plain 5-level U-Net (32 -> 512 channels at the default width)."""

from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    """U-Net with `levels` resolutions; channels width, 2*width, ... (32..512 by default).

    Input (N, in_channels, H, W) with H and W divisible by 2**(levels-1); output logits
    (N, classes, H, W). Classes: 0 background, 1 LV, 2 LA, 3 RV, 4 RA.
    """

    def __init__(self, in_channels: int = 1, classes: int = 5, width: int = 32, levels: int = 5):
        super().__init__()
        chans = [width * 2**i for i in range(levels)]
        self.config = {"in_channels": in_channels, "classes": classes, "width": width, "levels": levels}
        self.down = nn.ModuleList()
        cin = in_channels
        for c in chans:
            self.down.append(_block(cin, c))
            cin = c
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.up_blocks = nn.ModuleList()
        for c_hi, c_lo in zip(reversed(chans[1:]), reversed(chans[:-1])):
            self.up.append(nn.ConvTranspose2d(c_hi, c_lo, 2, stride=2))
            self.up_blocks.append(_block(2 * c_lo, c_lo))
        self.head = nn.Conv2d(chans[0], classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            x = block(x)
            if i < len(self.down) - 1:
                skips.append(x)
                x = self.pool(x)
        for up, block in zip(self.up, self.up_blocks):
            x = up(x)
            x = block(torch.cat([x, skips.pop()], dim=1))
        return self.head(x)

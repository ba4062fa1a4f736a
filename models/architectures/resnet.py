"""V-20 ResNet-34 and V-21 ResNet for CIFAR (depth 6n+2).

Source: V-20: HOA ch. 4, section *ResNet* (34 layers, mostly 3x3 convs, stride-2 downsampling,
global average pooling, FC 1000); PDL ch. 3, section *ResNet* (y = F(x) + x). V-21 and the stage
tables *(from the original paper)*: He, Zhang, Ren, Sun (2016), "Deep residual learning for image
recognition" (ImageNet table and the CIFAR-10 experiments).

ResNet-34: conv1 7x7/2 64 + BN + ReLU -> max-pool 3x3/2 pad 1 -> [3, 4, 6, 3] basic blocks of
[64, 128, 256, 512] (first block of stages 2-4 stride 2) -> global average pool -> FC 1000.
CIFAR ResNet: conv 3x3 16 + BN + ReLU -> n blocks each of 16, 32, 64 (stride 2 into stages 2, 3)
-> global average pool -> FC 10; depth 6n + 2 (n = 3: ResNet-20), option-A shortcuts.

Switches: ``shortcut="B"`` (1x1 conv + BN projection, default for ResNet-34) | ``"A"`` (zero
padded identity, default for the CIFAR net); ``block="standard"`` | ``"pdl"`` (PDL's block:
conv -> ReLU -> conv, add, no BN). Init He normal (fan-in), BN gamma 1, beta 0.

Parameter names follow torchvision (``conv1``, ``bn1``, ``layer1.0.conv1`` ...,
``layer2.0.downsample.0``, ``fc``) so torchvision state_dicts saved as npz load directly.
"""
from minigrad import nn

from .blocks import BasicBlock, GlobalAvgPool2d, init_weights, scale_width

__all__ = ["ResNet", "CifarResNet", "resnet34", "cifar_resnet", "CONFIGS", "CIFAR_CONFIGS"]


def _stage(in_channels, out_channels, blocks, stride, shortcut, block):
    layers = [BasicBlock(in_channels, out_channels, stride, shortcut, block)]
    layers += [BasicBlock(out_channels, out_channels, 1, shortcut, block) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


class ResNet(nn.Module):
    """ImageNet-style ResNet with basic blocks (V-20). ``ResNet(layers=(3, 4, 6, 3),
    widths=(64, 128, 256, 512), num_classes=1000, shortcut="B", block="standard")``."""

    def __init__(self, layers=(3, 4, 6, 3), widths=(64, 128, 256, 512), num_classes=1000,
                 shortcut="B", block="standard", in_channels=3):
        super().__init__()
        stem = widths[0]
        bn = block == "standard"
        self.conv1 = nn.Conv2d(in_channels, stem, 7, stride=2, padding=3, bias=not bn)
        self.bn1 = nn.BatchNorm2d(stem) if bn else nn.Identity()
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        c = stem
        for i, (n, w) in enumerate(zip(layers, widths)):
            setattr(self, f"layer{i + 1}", _stage(c, w, n, 1 if i == 0 else 2, shortcut, block))
            c = w
        self.num_stages = len(layers)
        self.avgpool = GlobalAvgPool2d()
        self.fc = nn.Linear(c, num_classes)
        init_weights(self, "he", (nn.Conv2d,))

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.avgpool(x)

    def forward(self, x):
        return self.fc(self.features(x))


class CifarResNet(nn.Module):
    """CIFAR ResNet of depth 6n + 2 (V-21). ``CifarResNet(n=3, widths=(16, 32, 64),
    num_classes=10, shortcut="A")``; input ``[N, 3, 32, 32]``."""

    def __init__(self, n=3, widths=(16, 32, 64), num_classes=10, shortcut="A", block="standard",
                 in_channels=3):
        super().__init__()
        bn = block == "standard"
        self.conv1 = nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=not bn)
        self.bn1 = nn.BatchNorm2d(widths[0]) if bn else nn.Identity()
        self.relu = nn.ReLU()
        c = widths[0]
        for i, w in enumerate(widths):
            setattr(self, f"layer{i + 1}", _stage(c, w, n, 1 if i == 0 else 2, shortcut, block))
            c = w
        self.num_stages = len(widths)
        self.depth = 6 * n + 2
        self.avgpool = GlobalAvgPool2d()
        self.fc = nn.Linear(c, num_classes)
        init_weights(self, "he", (nn.Conv2d,))

    def features(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.avgpool(x)

    def forward(self, x):
        return self.fc(self.features(x))


CONFIGS = {
    "book": dict(layers=(3, 4, 6, 3), widths=(64, 128, 256, 512), num_classes=1000),
    "tiny": dict(layers=(3, 4, 6, 3), widths=tuple(scale_width(w, 8, 4) for w in (64, 128, 256, 512)),
                 num_classes=10),
}

CIFAR_CONFIGS = {
    "book": dict(n=3, widths=(16, 32, 64), num_classes=10),           # ResNet-20
    "resnet32": dict(n=5, widths=(16, 32, 64), num_classes=10),
    "resnet44": dict(n=7, widths=(16, 32, 64), num_classes=10),
    "resnet56": dict(n=9, widths=(16, 32, 64), num_classes=10),
    "tiny": dict(n=1, widths=(4, 8, 16), num_classes=10),
}


def resnet34(config="book", **overrides):
    """Build V-20 (``"book"``: ResNet-34 at 224, ``"tiny"``: widths /8 for 32x32 tests)."""
    model = ResNet(**{**CONFIGS[config], **overrides})
    model.input_shape = (3, 224, 224) if config == "book" else (3, 32, 32)
    return model


def cifar_resnet(config="book", **overrides):
    """Build V-21 (``"book"``: ResNet-20; ``"resnet32"`` ... ``"resnet56"``; ``"tiny"``: n = 1)."""
    model = CifarResNet(**{**CIFAR_CONFIGS[config], **overrides})
    model.input_shape = (3, 32, 32)
    return model

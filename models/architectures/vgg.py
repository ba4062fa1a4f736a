"""V-19 VGG16 (configuration D) and VGG19 (configuration E).

Source: PDL ch. 3, section *VGG16*; HOA ch. 4, section *VGGNet*; configuration *(from the original
paper)*: Simonyan & Zisserman (2015), "Very deep convolutional networks for large-scale image
recognition".

Five stages of 3x3 convs (stride 1, pad 1, bias, ReLU), each closed by a 2x2/2 max-pool:
D = [64 x2, 128 x2, 256 x3, 512 x3, 512 x3], E = [64 x2, 128 x2, 256 x4, 512 x4, 512 x4]; head
FC 4096 + ReLU + dropout 0.5, FC 4096 + ReLU + dropout 0.5, FC 1000 (softmax in the loss).
224x224 -> 7x7x512 -> 25,088 features.

Parameter names follow torchvision (``features.{i}``, ``classifier.{0,3,6}``) so a torchvision
state_dict saved as npz loads directly (:mod:`models.transfer.weights`).

Errata: PDL says every conv is followed by max pooling (pooling closes each block) and "three
FC of 4096" (the head is 4096-4096-1000).
"""
from minigrad import nn

from .blocks import scale_width

__all__ = ["VGG", "vgg", "VGG_STAGES", "CONFIGS"]

VGG_STAGES = {
    11: ((64, 1), (128, 1), (256, 2), (512, 2), (512, 2)),
    13: ((64, 2), (128, 2), (256, 2), (512, 2), (512, 2)),
    16: ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)),
    19: ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4)),
}


class VGG(nn.Module):
    """``VGG(depth=16, num_classes=1000, width_divisor=1, hidden=4096, dropout=0.5,
    input_size=224, batch_norm=False)``; input ``[N, 3, input_size, input_size]``
    (``input_size`` divisible by 32). ``width_divisor`` scales the conv widths (min 4)."""

    def __init__(self, depth=16, num_classes=1000, width_divisor=1, hidden=4096, dropout=0.5,
                 input_size=224, batch_norm=False, in_channels=3):
        super().__init__()
        if depth not in VGG_STAGES:
            raise ValueError(f"VGG: depth must be one of {sorted(VGG_STAGES)}, got {depth}")
        if input_size % 32:
            raise ValueError(f"VGG: input_size must be divisible by 32 (five 2x2 pools), got {input_size}")
        layers, c = [], in_channels
        for width, repeats in VGG_STAGES[depth]:
            width = scale_width(width, width_divisor, 4)
            for _ in range(repeats):
                layers.append(nn.Conv2d(c, width, 3, padding=1))
                if batch_norm:
                    layers.append(nn.BatchNorm2d(width))
                layers.append(nn.ReLU())
                c = width
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        side = input_size // 32
        # torchvision's AdaptiveAvgPool2d((7, 7)): the identity at the design size, lets other
        # input sizes reach the same head (no parameters, state_dict unchanged)
        self.avgpool = nn.AdaptiveAvgPool2d((side, side))
        self.flatten = nn.Flatten()
        self.input_shape = (in_channels, input_size, input_size)
        self.classifier = nn.Sequential(
            nn.Linear(c * side * side, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes))
        self.depth, self.feature_dim = depth, hidden

    def forward(self, x):
        return self.classifier(self.flatten(self.avgpool(self.features(x))))

    def fc7(self, x):
        """FC7 activations (after ReLU, before its dropout): the 4096-d transfer features
        of PDL Listing 3-9."""
        h = self.flatten(self.avgpool(self.features(x)))
        for layer in list(self.classifier)[:5]:
            h = layer(h)
        return h


CONFIGS = {
    "book": dict(depth=16, num_classes=1000),
    "vgg19": dict(depth=19, num_classes=1000),
    # CIFAR-size variant (specs V-19 minigrad recipe): full widths on 32x32, head 512-512-10, BN
    "cifar": dict(depth=16, num_classes=10, input_size=32, hidden=512, batch_norm=True),
    "tiny": dict(depth=16, num_classes=10, input_size=32, width_divisor=8,
                 hidden=scale_width(4096, 16, 16)),
}


def vgg(config="book", **overrides):
    """Build V-19 with a preset: ``"book"`` (VGG16), ``"vgg19"``, ``"cifar"``, ``"tiny"``."""
    return VGG(**{**CONFIGS[config], **overrides})

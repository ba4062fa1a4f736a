"""V-25 source model "VGG-S" *(minigrad choice, specs V-25 stand-in protocol)*: a small VGG-style
network that stands in for the ImageNet-pretrained VGG16 / InceptionV3 / MobileNet of PDL
Listings 3-8, 3-9 and HOA ch. 5, which cannot be downloaded here.

conv blocks [32, 32, M, 64, 64, M, 128, 128, M] (3x3 convs, pad 1, BN + ReLU, 2x2 max-pools)
-> global average pool -> FC 128 + ReLU -> FC K (the replaceable head ``head``).
Children: ``features.0 / .1 / .2`` (the three conv blocks), ``pool``, ``fc``, ``head``.
"""
from minigrad import nn

from ..architectures.blocks import GlobalAvgPool2d, scale_width

__all__ = ["VGGS", "vgg_s", "CONFIGS"]


def _block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2, 2))


class VGGS(nn.Module):
    """``VGGS(num_classes=5, widths=(32, 64, 128), hidden=128, in_channels=1)``."""

    def __init__(self, num_classes=5, widths=(32, 64, 128), hidden=128, in_channels=1):
        super().__init__()
        blocks, c = [], in_channels
        for w in widths:
            blocks.append(_block(c, w))
            c = w
        self.features = nn.Sequential(*blocks)
        self.pool = GlobalAvgPool2d()
        self.fc = nn.Sequential(nn.Linear(c, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, num_classes)
        self.hidden = hidden
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")

    def embed(self, x):
        """The penultimate features (input of ``head``)."""
        return self.fc(self.pool(self.features(x)))

    def forward(self, x):
        return self.head(self.embed(x))


CONFIGS = {
    "book": dict(num_classes=5, widths=(32, 64, 128), hidden=128),
    "tiny": dict(num_classes=5, widths=tuple(scale_width(w, 8, 4) for w in (32, 64, 128)),
                 hidden=scale_width(128, 16, 16)),
}


def vgg_s(config="book", **overrides):
    return VGGS(**{**CONFIGS[config], **overrides})

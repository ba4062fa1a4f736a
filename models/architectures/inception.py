"""V-22 Inception module and GoogLeNet.

Source: PDL ch. 3, section on InceptionV3 (1x1, 3x3 and 5x5 convs and max-pool merged by filter
concatenation; 1x1 convs for dimensionality reduction); HOA ch. 4, section *InceptionNet*.
GoogLeNet table *(from the original paper)*: Szegedy et al. (2015), "Going deeper with
convolutions".

GoogLeNet (224x224x3): conv 7x7/2 64 -> max-pool 3x3/2 -> LRN -> conv 1x1 64 -> conv 3x3 192 ->
LRN -> max-pool -> 3a, 3b -> max-pool -> 4a ... 4e -> max-pool -> 5a, 5b -> global 7x7 average
pool -> dropout 0.4 -> FC 1000. Max-pools are 3x3 stride 2 with one cell of -inf padding (the
output sizes of TF SAME: 112 -> 56 -> 28 -> 14 -> 7). Auxiliary classifiers on 4a and 4d
(avg-pool 5x5/3 -> 1x1 conv 128 + ReLU -> FC 1024 + ReLU -> dropout 0.7 -> FC 1000), weight 0.3
each in the loss (:func:`googlenet_loss`), unused at inference. Init He normal *(minigrad
choice; the paper does not fix one)*.
"""
import minigrad as mg
from minigrad import nn

from .blocks import GlobalAvgPool2d, InceptionModule, LocalResponseNorm, init_weights, scale_width

__all__ = ["InceptionModule", "GoogLeNet", "CifarGoogLeNet", "googlenet", "googlenet_loss",
           "GOOGLENET_MODULES", "CONFIGS"]

# (#1x1, #3x3red, #3x3, #5x5red, #5x5, pool proj) per module (paper table 1)
GOOGLENET_MODULES = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def _scaled(spec, divisor):
    return tuple(scale_width(c, divisor, 4) for c in spec)


class AuxClassifier(nn.Module):
    """GoogLeNet auxiliary head: avg-pool 5x5/3 -> 1x1 conv (128) + ReLU -> FC (1024) + ReLU
    -> dropout 0.7 -> FC (classes)."""

    def __init__(self, in_channels, side, num_classes, conv=128, hidden=1024, dropout=0.7):
        super().__init__()
        pooled = (side - 5) // 3 + 1
        self.pool = nn.AvgPool2d(5, stride=3)
        self.conv = nn.Conv2d(in_channels, conv, 1)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(conv * pooled * pooled, hidden)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.flatten(self.relu(self.conv(self.pool(x))))
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class GoogLeNet(nn.Module):
    """GoogLeNet (V-22). ``GoogLeNet(num_classes=1000, width_divisor=1, hidden_divisor=1,
    aux_logits=True, input_size=224)``. ``forward`` returns the main logits;
    :meth:`forward_with_aux` returns ``(main, aux1, aux2)`` (aux only in training mode)."""

    def __init__(self, num_classes=1000, width_divisor=1, hidden_divisor=1, aux_logits=True,
                 input_size=224, dropout=0.4, lrn=True, in_channels=3):
        super().__init__()
        if input_size % 32:
            raise ValueError(f"GoogLeNet: input_size must be divisible by 32, got {input_size}")
        w = lambda c: scale_width(c, width_divisor, 4)          # noqa: E731
        norm = (lambda: LocalResponseNorm(5, 1e-4, 0.75, 2.0)) if lrn else nn.Identity
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, w(64), 7, stride=2, padding=3), nn.ReLU(),
            nn.MaxPool2d(3, 2, padding=1), norm(),
            nn.Conv2d(w(64), w(64), 1), nn.ReLU(),
            nn.Conv2d(w(64), w(192), 3, padding=1), nn.ReLU(), norm(),
            nn.MaxPool2d(3, 2, padding=1))
        c = w(192)
        for name in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"):
            module = InceptionModule(c, *_scaled(GOOGLENET_MODULES[name], width_divisor))
            setattr(self, f"inception{name}", module)
            c = module.out_channels
            if name in ("3b", "4e"):
                setattr(self, f"maxpool{name[0]}", nn.MaxPool2d(3, 2, padding=1))
        self.aux_logits = aux_logits
        if aux_logits:
            side4 = input_size // 16
            self.aux1 = AuxClassifier(self.inception4a.out_channels, side4, num_classes,
                                      w(128), scale_width(1024, hidden_divisor, 16))
            self.aux2 = AuxClassifier(self.inception4d.out_channels, side4, num_classes,
                                      w(128), scale_width(1024, hidden_divisor, 16))
        self.avgpool = GlobalAvgPool2d()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(c, num_classes)
        self.input_shape = (in_channels, input_size, input_size)
        self._aux = ()
        init_weights(self, "he")

    def forward_with_aux(self, x):
        x = self.stem(x)
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux_logits and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux_logits and self.training else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        return self.fc(self.dropout(self.avgpool(x))), aux1, aux2

    def forward(self, x):
        """Main logits. In training mode the auxiliary logits are kept for :meth:`loss`."""
        main, aux1, aux2 = self.forward_with_aux(x)
        self.__dict__["_aux"] = tuple(a for a in (aux1, aux2) if a is not None)
        return main

    def loss(self, logits, target):
        """Softmax CE of ``logits`` plus 0.3 x CE of each auxiliary head of the forward pass
        that produced them (training mode); consumes the kept auxiliary logits."""
        aux, self.__dict__["_aux"] = self.__dict__.get("_aux", ()), ()
        if aux and aux[0].shape[0] != logits.shape[0]:
            aux = ()
        return googlenet_loss((logits,) + tuple(aux), target)


class CifarGoogLeNet(nn.Module):
    """The 3-module CIFAR-size variant (specs V-22 minigrad recipe): conv 3x3 192 + ReLU -> 3a
    -> 3b -> max-pool 3x3/2 -> 4a -> global average pool -> dropout 0.4 -> FC; 32x32 input."""

    def __init__(self, num_classes=10, width_divisor=1, dropout=0.4, in_channels=3):
        super().__init__()
        w = lambda c: scale_width(c, width_divisor, 4)          # noqa: E731
        self.stem = nn.Sequential(nn.Conv2d(in_channels, w(192), 3, padding=1), nn.ReLU())
        self.inception3a = InceptionModule(w(192), *_scaled(GOOGLENET_MODULES["3a"], width_divisor))
        self.inception3b = InceptionModule(self.inception3a.out_channels,
                                           *_scaled(GOOGLENET_MODULES["3b"], width_divisor))
        self.maxpool3 = nn.MaxPool2d(3, 2, padding=1)
        self.inception4a = InceptionModule(self.inception3b.out_channels,
                                           *_scaled(GOOGLENET_MODULES["4a"], width_divisor))
        self.avgpool = GlobalAvgPool2d()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(self.inception4a.out_channels, num_classes)
        self.input_shape = (in_channels, 32, 32)
        init_weights(self, "he")

    def forward(self, x):
        x = self.maxpool3(self.inception3b(self.inception3a(self.stem(x))))
        return self.fc(self.dropout(self.avgpool(self.inception4a(x))))


def googlenet_loss(outputs, target, aux_weight=0.3):
    """Softmax CE of the main logits + ``aux_weight`` x CE of each auxiliary head present.
    ``outputs`` is a logits tensor or the tuple of :meth:`GoogLeNet.forward_with_aux`."""
    if isinstance(outputs, mg.Tensor):
        return nn.functional.cross_entropy(outputs, target)
    main, *aux = outputs
    loss = nn.functional.cross_entropy(main, target)
    for a in aux:
        if a is not None:
            loss = loss + aux_weight * nn.functional.cross_entropy(a, target)
    return loss


CONFIGS = {
    "book": dict(num_classes=1000),
    # widths /8, FC /16, 96x96 input: 4a/4d maps are 6x6, so the 5x5/3 aux pools still apply
    "tiny": dict(num_classes=10, width_divisor=8, hidden_divisor=16, input_size=96),
}

CIFAR_CONFIGS = {"book": dict(num_classes=10), "tiny": dict(num_classes=10, width_divisor=8)}


def googlenet(config="book", **overrides):
    """Build V-22: ``"book"`` (GoogLeNet 224), ``"tiny"`` (widths /8 at 96x96), ``"cifar"``
    (the 3-module CIFAR variant, :class:`CifarGoogLeNet`), ``"cifar_tiny"``."""
    if config.startswith("cifar"):
        return CifarGoogLeNet(**{**CIFAR_CONFIGS["tiny" if config == "cifar_tiny" else "book"],
                                 **overrides})
    return GoogLeNet(**{**CONFIGS[config], **overrides})

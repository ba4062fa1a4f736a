"""V-18 AlexNet.

Source: PDL ch. 3, section *AlexNet* (HOA ch. 4 mention); details *(from the original paper)*:
Krizhevsky, Sutskever, Hinton (2012), "ImageNet classification with deep convolutional neural
networks".

Input 227x227x3. conv1 96@11x11/4 VALID + ReLU -> LRN -> max-pool 3x3/2 -> conv2 256@5x5 pad 2
**groups 2** + ReLU -> LRN -> max-pool -> conv3 384@3x3 (groups 1, the cross-GPU layer) ->
conv4 384@3x3 groups 2 -> conv5 256@3x3 groups 2 -> max-pool -> FC6 4096 + ReLU + dropout 0.5 ->
FC7 4096 + ReLU + dropout 0.5 -> FC8 1000 (softmax in the loss).
LRN k 2, n 5, alpha 1e-4, beta 0.75 (paper form; ``lrn_alpha_over_n=True`` for Caffe's alpha/n).
Init *(paper)*: W ~ N(0, 0.01^2); biases 1 in conv2, conv4, conv5, FC6, FC7, 0 elsewhere.

Errata: the text's "three fully connected layers" are FC 4096, FC 4096 and the 1000-way output;
the text's 224 input gives (224 - 11)/4 + 1 = 54.25 -> 227 is used.
"""
from minigrad import nn

from .blocks import LocalResponseNorm, scale_width

__all__ = ["AlexNet", "alexnet", "CONFIGS"]


class AlexNet(nn.Module):
    """``AlexNet(num_classes=1000, widths=(96, 256, 384, 384, 256), hidden=4096, groups=2,
    lrn=True, dropout=0.5, input_size=227)``; input ``[N, 3, input_size, input_size]``."""

    def __init__(self, num_classes=1000, widths=(96, 256, 384, 384, 256), hidden=4096, groups=2,
                 lrn=True, lrn_alpha_over_n=False, dropout=0.5, in_channels=3, input_size=227):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        self.input_shape = (in_channels, input_size, input_size)
        def norm():
            return (LocalResponseNorm(5, 1e-4, 0.75, 2.0, alpha_over_n=lrn_alpha_over_n) if lrn
                    else nn.Identity())
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, 11, stride=4), nn.ReLU(), norm(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c1, c2, 5, padding=2, groups=groups), nn.ReLU(), norm(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c2, c3, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c3, c4, 3, padding=1, groups=groups), nn.ReLU(),
            nn.Conv2d(c4, c5, 3, padding=1, groups=groups), nn.ReLU(), nn.MaxPool2d(3, 2))
        side = input_size
        side = (side - 11) // 4 + 1
        for _ in range(3):
            side = (side - 3) // 2 + 1
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(c5 * side * side, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes))
        self.reset_parameters()

    def reset_parameters(self):
        """W ~ N(0, 0.01^2); biases 1 in conv2, conv4, conv5, FC6, FC7, else 0 *(paper)*."""
        convs = [m for m in self.features if isinstance(m, nn.Conv2d)]
        fcs = [m for m in self.classifier if isinstance(m, nn.Linear)]
        ones = {id(convs[1]), id(convs[3]), id(convs[4]), id(fcs[0]), id(fcs[1])}
        for layer in convs + fcs:
            nn.init.normal_(layer.weight, 0.0, 0.01)
            nn.init.constant_(layer.bias, 1.0 if id(layer) in ones else 0.0)

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))


def _tiny():
    widths = tuple(scale_width(c, 8, 4) for c in (96, 256, 384, 384, 256))
    return dict(num_classes=10, widths=widths, hidden=scale_width(4096, 16, 16))


CONFIGS = {
    "book": dict(num_classes=1000),
    "tiny": _tiny(),                    # widths /8, FC /16, still 227x227 (groups need even widths)
}


def alexnet(config="book", **overrides):
    """Build V-18 with a preset (``"book"`` or ``"tiny"``)."""
    return AlexNet(**{**CONFIGS[config], **overrides})

"""V-23 MobileNet V1 and V-24 MobileNet V2.

Source: V-23: HOA ch. 5, sections *Architecture of MobileNets*, *Structure of MobileNet*,
*MobileNet with Keras*; width and resolution multipliers *(from the original paper)*: Howard et
al. (2017), "MobileNets". V-24: HOA ch. 5, sections *MobileNetV2*, *Linear bottleneck layer*,
*Expansion layer*, *Inverted residual block*, *Overall architecture*; block details *(from the
original paper)*: Sandler et al. (2018), "MobileNetV2: inverted residuals and linear bottlenecks".

V1: conv 3x3/2 32 + BN + ReLU6, then 13 depthwise-separable blocks (:class:`DepthwiseSeparable`)
64, 128/2, 128, 256/2, 256, 512/2, 5 x 512, 1024/2, 1024 -> global average pool -> dropout 0.001
-> FC (the Keras head's 1x1 conv on the 1x1x1024 map is the same affine map). Width multiplier
alpha: every channel count M -> floor(alpha M), the first conv included; resolution multiplier
rho: input 224 rho, architecture unchanged.

V2: conv 3x3/2 32 -> 17 inverted-residual blocks (t, c, n, s) = (1, 16, 1, 1), (6, 24, 2, 2),
(6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1) -> conv 1x1 1280 ->
global average pool -> classifier (k classes). Width: channels x alpha rounded to a multiple of 8,
the last conv stays 1280 when alpha < 1. Parameter names follow torchvision (``features.{i}``,
``classifier.1``) so torchvision state_dicts saved as npz load directly.

Both: no conv biases (BN follows), glorot-uniform init *(Keras default)*, BN gamma 1 / beta 0.
Padding: symmetric 1 for the 3x3 convs (PyTorch convention); TF SAME puts the odd padding cell of
stride-2 layers bottom/right instead - the output shapes are identical.

Errata (V-23): the text's table prints the last depthwise conv with stride 2 (must be 1 to stay
at 7x7 - the original paper's typo); the text counts "30 layers" (28 counting dw and pw
separately); it says separable convs have "nine times more parameters" - they need about 8-9x
*fewer* multiplications. (V-24): the text's "19 blocks" are 17 bottlenecks (19 counts all
layers); "all kernels 3x3" holds only for the depthwise convs; the first bottleneck has t = 1.
"""
from minigrad import nn

from .blocks import (ConvBNAct, DepthwiseSeparable, GlobalAvgPool2d, InvertedResidual, init_weights,
                     make_divisible)

__all__ = ["MobileNetV1", "MobileNetV2", "mobilenet_v1", "mobilenet_v2", "V1_BLOCKS",
           "V2_SETTINGS", "separable_cost", "V1_CONFIGS", "V2_CONFIGS"]

# (output channels, stride) of the 13 depthwise-separable blocks
V1_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
             (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))

# (t, c, n, s) rows of the V2 table
V2_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
               (6, 160, 3, 2), (6, 320, 1, 1))


def separable_cost(kernel, in_channels, out_channels, feature_size, alpha=1.0, rho=1.0):
    """Multiply-adds of one depthwise-separable layer (paper eq. 5 with both multipliers):
    D_K^2 alpha M (rho D_F)^2 + alpha M alpha N (rho D_F)^2; and its ratio to a standard conv,
    1/N + 1/D_K^2 (for alpha = rho = 1). Returns ``(madds, ratio)``."""
    m, n, f = int(alpha * in_channels), int(alpha * out_channels), rho * feature_size
    madds = kernel * kernel * m * f * f + m * n * f * f
    standard = kernel * kernel * m * n * f * f
    return int(round(madds)), madds / standard


class MobileNetV1(nn.Module):
    """MobileNet V1 (V-23). ``MobileNetV1(num_classes=1000, alpha=1.0, dropout=1e-3)``; any
    input size divisible by 32 (224 rho for the resolution multiplier)."""

    def __init__(self, num_classes=1000, alpha=1.0, dropout=1e-3, in_channels=3):
        super().__init__()
        width = lambda c: max(1, int(c * alpha))               # noqa: E731  floor(alpha M)
        c = width(32)
        layers = [ConvBNAct(in_channels, c, 3, stride=2)]
        for out, stride in V1_BLOCKS:
            layers.append(DepthwiseSeparable(c, width(out), stride))
            c = width(out)
        self.features = nn.Sequential(*layers)
        self.pool = GlobalAvgPool2d()
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(c, num_classes))
        self.alpha, self.last_channel = alpha, c
        init_weights(self, "glorot")

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


class MobileNetV2(nn.Module):
    """MobileNet V2 (V-24). ``MobileNetV2(num_classes=1000, width_mult=1.0, round_nearest=8,
    last_channel=None, dropout=0.0)``; ``last_channel`` defaults to 1280 x max(1, alpha)."""

    def __init__(self, num_classes=1000, width_mult=1.0, round_nearest=8, last_channel=None,
                 dropout=0.0, in_channels=3):
        super().__init__()
        c = make_divisible(32 * width_mult, round_nearest)
        if last_channel is None:
            last_channel = make_divisible(1280 * max(1.0, width_mult), round_nearest)
        layers = [ConvBNAct(in_channels, c, 3, stride=2)]
        for t, ch, n, s in V2_SETTINGS:
            out = make_divisible(ch * width_mult, round_nearest)
            for i in range(n):
                layers.append(InvertedResidual(c, out, s if i == 0 else 1, t))
                c = out
        layers.append(ConvBNAct(c, last_channel, 1))
        self.features = nn.Sequential(*layers)
        self.pool = GlobalAvgPool2d()
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last_channel, num_classes))
        self.width_mult, self.last_channel = width_mult, last_channel
        init_weights(self, "glorot")

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


V1_CONFIGS = {
    "book": dict(num_classes=1000, alpha=1.0),
    "tiny": dict(num_classes=10, alpha=0.125),        # widths /8 (4 ... 128), 32x32 input
}
V2_CONFIGS = {
    "book": dict(num_classes=1000, width_mult=1.0),
    # widths /4 rounded to multiples of 4 (8 ... 80), last conv 1280/16: 32x32 input
    "tiny": dict(num_classes=10, width_mult=0.25, round_nearest=4, last_channel=80),
}

# Input sizes of the presets (the resolution multiplier picks others: 224 rho).
INPUT_SIZES = {"book": 224, "tiny": 32}


def mobilenet_v1(config="book", **overrides):
    """Build V-23 with a preset (``"book"``: alpha 1 at 224; ``"tiny"``: alpha 1/8 at 32)."""
    model = MobileNetV1(**{**V1_CONFIGS[config], **overrides})
    model.input_shape = (3, INPUT_SIZES[config], INPUT_SIZES[config])
    return model


def mobilenet_v2(config="book", **overrides):
    """Build V-24 with a preset (``"book"``: alpha 1 at 224; ``"tiny"``: 32x32 test size)."""
    model = MobileNetV2(**{**V2_CONFIGS[config], **overrides})
    model.input_shape = (3, INPUT_SIZES[config], INPUT_SIZES[config])
    return model

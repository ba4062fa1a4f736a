"""Building blocks of the vision zoo (V-17 ... V-26) that ``minigrad.nn`` does not provide.

Every block is an ``nn.Module`` composed of existing differentiable minigrad ops, so autograd
derives its backward; the forward math is in each docstring (engine-ops E-3, E-4, E-15).

=========================  ======================================================  ==========
block                      math                                                    used by
=========================  ======================================================  ==========
ScaledTanh                 f(a) = 1.7159 tanh(2a/3)                                V-17
Subsample                  y = act(c_m * sum_{2x2} x + b_m), per map m             V-17
RBFOutput                  y_i = sum_j (x_j - w_ij)^2, prototypes w a buffer       V-17
LocalResponseNorm          b_c = a_c (k + alpha' sum_{c' in W(c)} a_c'^2)^-beta     V-18, V-22
ConvBNAct                  conv (no bias) -> BN -> activation (torchvision naming)  V-23, V-24
BasicBlock                 relu(BN(conv(relu(BN(conv x)))) + shortcut(x))         V-20, V-21
InceptionModule            concat(1x1, 1x1->3x3, 1x1->5x5, pool->1x1) on channels  V-22
DepthwiseSeparable         dw3x3 -> BN -> ReLU6 -> pw1x1 -> BN -> ReLU6           V-23
InvertedResidual           [1x1 expand] -> dw3x3 -> 1x1 linear project (+ x)      V-24
GlobalAvgPool2d            mean over H, W                                          V-20 ...
=========================  ======================================================  ==========
"""

import numpy as np

import minigrad as mg
from minigrad import nn

__all__ = ["ScaledTanh", "Subsample", "RBFOutput", "LocalResponseNorm", "ConvBNAct",
           "BasicBlock", "InceptionModule", "DepthwiseSeparable", "InvertedResidual",
           "GlobalAvgPool2d", "make_divisible", "scale_width", "digit_prototypes", "init_weights"]


def init_weights(module, scheme, layers=None):
    """Initialise every conv / dense layer of ``module`` (or only those of the ``layers``
    types): ``scheme="he"`` - He normal N(0, 2/fan_in), ``"glorot"`` - Glorot uniform
    U(+-sqrt(6/(fan_in + fan_out))); zero biases; batch norm gamma 1, beta 0."""
    layers = layers or (nn.Conv2d, nn.Linear)
    for m in module.modules():
        if isinstance(m, layers):
            if scheme == "he":
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            elif scheme == "glorot":
                nn.init.xavier_uniform_(m.weight)
            else:
                raise ValueError(f"init_weights: scheme must be 'he' or 'glorot', got {scheme!r}")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    return module


def scale_width(channels, divisor, minimum):
    """Preset width rule (specs/README.md): ``channels // divisor``, at least ``minimum``."""
    return max(minimum, int(channels) // int(divisor))


def make_divisible(value, divisor=8, min_value=None):
    """MobileNet width rounding (reference implementation): nearest multiple of ``divisor``,
    at least ``min_value`` (default ``divisor``), never more than 10 % below ``value``."""
    min_value = divisor if min_value is None else min_value
    new = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new < 0.9 * value:
        new += divisor
    return new


class ScaledTanh(nn.Module):
    """LeNet-5 squashing function f(a) = A tanh(S a), A = 1.7159, S = 2/3 (LeCun et al. 1998):
    f(1) ~ 1, f(-1) ~ -1, maximal second derivative at +-1."""

    def __init__(self, amplitude=1.7159, slope=2.0 / 3.0):
        super().__init__()
        self.amplitude, self.slope = amplitude, slope

    def forward(self, x):
        return (x * self.slope).tanh() * self.amplitude

    def extra_repr(self):
        return f"amplitude={self.amplitude}, slope={self.slope:.4g}"


def _activation(name):
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "scaled_tanh":
        return ScaledTanh()
    if name in (None, "linear", "identity"):
        return nn.Identity()
    raise ValueError(f"unknown activation {name!r}: expected 'sigmoid', 'scaled_tanh' or 'linear'")


class Subsample(nn.Module):
    """LeNet-5 trainable subsampling (S2, S4; engine-ops E-4):

    z_m = c_m * sum_{2x2 block} x_m + b_m,   y = act(z)     (one coefficient c_m, bias b_m per map)

    Backward (E-15): dz = dy act'(z); dc_m = sum dz * block sum; db_m = sum dz; dx = c_m dz spread
    over the block. ``activation="sigmoid"`` (PDL text) or ``"scaled_tanh"`` (paper)."""

    def __init__(self, channels, kernel_size=2, activation="sigmoid"):
        super().__init__()
        self.channels, self.kernel_size, self.activation_name = channels, kernel_size, activation
        self.weight = nn.Parameter(mg.ones(channels))
        self.bias = nn.Parameter(mg.zeros(channels))
        self.act = _activation(activation)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 2.4 / (self.kernel_size ** 2)           # LeCun U(+-2.4/F_in), F_in = 4 inputs
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        n, c, h, w = x.shape
        k = self.kernel_size
        if h % k or w % k:
            raise ValueError(f"Subsample: input {h}x{w} is not divisible by the {k}x{k} block")
        s = x.reshape(n, c, h // k, k, w // k, k).sum(dim=(3, 5))
        z = s * self.weight.reshape(1, c, 1, 1) + self.bias.reshape(1, c, 1, 1)
        return self.act(z)

    def extra_repr(self):
        return f"{self.channels}, kernel_size={self.kernel_size}, activation={self.activation_name!r}"


_DIGIT_FALLBACK_SEED = 1998


def digit_prototypes(num_classes=10, features=84, seed=_DIGIT_FALLBACK_SEED):
    """Fixed RBF prototypes for LeNet-5 (V-17) as a float32 array ``[num_classes, features]``.

    With ``features == 84`` the digits 0-9 are rendered with Pillow's default bitmap font onto a
    7x12 (width x height) canvas and mapped to +-1 (ink +1, paper -1), as the paper's stylised
    7x12 bitmaps. Otherwise (or if Pillow is missing) seeded random +-1 vectors."""
    rng = np.random.Generator(np.random.PCG64(seed))
    fallback = np.where(rng.random((num_classes, features)) < 0.5, -1.0, 1.0).astype(np.float32)
    if features != 84 or num_classes > 10:
        return fallback
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:                                   # pragma: no cover
        return fallback
    font = ImageFont.load_default()
    out = []
    for d in range(num_classes):
        big = Image.new("L", (28, 48), 0)
        draw = ImageDraw.Draw(big)
        box = draw.textbbox((0, 0), str(d), font=font)
        draw.text((-box[0], -box[1]), str(d), fill=255, font=font)
        glyph = big.crop((0, 0, max(box[2] - box[0], 1), max(box[3] - box[1], 1)))
        glyph = glyph.resize((7, 12), Image.BILINEAR)
        bitmap = np.where(np.asarray(glyph, np.float32) > 64, 1.0, -1.0)
        out.append(bitmap.reshape(-1))
    protos = np.stack(out).astype(np.float32)
    if len({p.tobytes() for p in protos}) < num_classes:   # degenerate font: stay distinct
        return fallback
    return protos


class RBFOutput(nn.Module):
    """Euclidean RBF output units (LeNet-5 output layer, engine-ops E-4):

    y_i = sum_j (x_j - w_ij)^2,    dy/dx_j = 2 sum_i dy_i (x_j - w_ij).

    The prototypes ``w`` (``[out_features, in_features]``) are a **buffer** (fixed, not trained,
    saved in ``state_dict``). Smaller y means a better match: predict argmin y."""

    def __init__(self, in_features, out_features, prototypes=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        if prototypes is None:
            prototypes = digit_prototypes(out_features, in_features)
        prototypes = np.asarray(prototypes, np.float32)
        if prototypes.shape != (out_features, in_features):
            raise ValueError(f"RBFOutput: prototypes must have shape {(out_features, in_features)}, "
                             f"got {prototypes.shape}")
        self.register_buffer("prototypes", mg.tensor(prototypes))

    def forward(self, x):
        protos = self.prototypes.to(dtype=x.dtype) if self.prototypes.dtype != x.dtype else self.prototypes
        diff = x.unsqueeze(1) - protos.unsqueeze(0)          # [N, out, in]
        return (diff * diff).sum(dim=2)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, prototypes fixed"


class LocalResponseNorm(nn.Module):
    """Local response normalisation across channels (AlexNet, GoogLeNet; engine-ops E-3):

    b_c = a_c (k + alpha' sum_{c' in W(c)} a_c'^2)^(-beta),  W(c) = [c - n//2, c + (n-1)//2]

    with alpha' = alpha (paper form, ``alpha_over_n=False``, the default) or alpha/n (Caffe and
    ``torch.nn.LocalResponseNorm``). The window sum is a 1-D convolution with a ones kernel over
    the channel axis (zero padded at the ends); autograd gives E-15's backward
    da_j = db_j D_j^-beta - 2 alpha' beta a_j sum_{c: j in W(c)} db_c a_c D_c^(-beta-1)."""

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=2.0, alpha_over_n=False):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)
        self.alpha_over_n = bool(alpha_over_n)

    def forward(self, x):
        n, c, h, w = x.shape
        sq = (x * x).reshape(n, 1, c, h * w)
        ones = mg.ones((1, 1, self.size, 1), dtype=x.dtype, device=x.device)
        window = nn.functional.conv2d(sq, ones, padding=(self.size // 2, (self.size - 1) // 2, 0, 0))
        alpha = self.alpha / self.size if self.alpha_over_n else self.alpha
        denom = (window.reshape(n, c, h, w) * alpha + self.k) ** self.beta
        return x / denom

    def extra_repr(self):
        return (f"size={self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}, "
                f"alpha_over_n={self.alpha_over_n}")


class GlobalAvgPool2d(nn.Module):
    """Global average pool ``[N, C, H, W] -> [N, C]`` (dX = dY / (H W) broadcast)."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class ConvBNAct(nn.Sequential):
    """``conv (no bias) -> BatchNorm2d -> activation`` as a Sequential (children ``0``, ``1``,
    ``2``: torchvision's ``Conv2dNormActivation`` naming, so its state_dict keys load)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 activation="relu6"):
        if padding is None:
            padding = (kernel_size - 1) // 2
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                            groups=groups, bias=False), nn.BatchNorm2d(out_channels)]
        if activation == "relu6":
            layers.append(nn.ReLU6())
        elif activation == "relu":
            layers.append(nn.ReLU())
        elif activation not in (None, "linear"):
            raise ValueError(f"ConvBNAct: activation must be 'relu6', 'relu' or None, got {activation!r}")
        super().__init__(*layers)


class _ShortcutA(nn.Module):
    """ResNet option-A shortcut: stride-s subsampled identity, channels zero padded at the end."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride

    def forward(self, x):
        s = self.stride
        if s != 1:
            x = x[:, :, ::s, ::s]
        extra = self.out_channels - self.in_channels
        if extra:
            n, _, h, w = x.shape
            x = mg.cat([x, mg.zeros((n, extra, h, w), dtype=x.dtype, device=x.device)], dim=1)
        return x

    def extra_repr(self):
        return f"{self.in_channels} -> {self.out_channels}, stride={self.stride} (option A, zero pad)"


class BasicBlock(nn.Module):
    """ResNet basic block (V-20, V-21; He et al. 2016):

    ``block="standard"``: y = relu(BN(conv3x3(relu(BN(conv3x3_s(x))))) + shortcut(x))
    ``block="pdl"`` (PDL ch. 3): y = relu(conv(relu(conv_s(x))) + shortcut(x)), convs with bias,
    no BN.

    Shortcut: identity when shapes match; otherwise ``shortcut="B"`` (1x1 conv stride s + BN,
    child ``downsample`` as in torchvision) or ``"A"`` (subsampled identity, zero-padded
    channels). Child names ``conv1, bn1, conv2, bn2, downsample`` follow torchvision."""
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1, shortcut="B", block="standard"):
        super().__init__()
        if shortcut not in ("A", "B"):
            raise ValueError(f"BasicBlock: shortcut must be 'A' or 'B', got {shortcut!r}")
        if block not in ("standard", "pdl"):
            raise ValueError(f"BasicBlock: block must be 'standard' or 'pdl', got {block!r}")
        bn = block == "standard"
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=not bn)
        self.bn1 = nn.BatchNorm2d(out_channels) if bn else nn.Identity()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=not bn)
        self.bn2 = nn.BatchNorm2d(out_channels) if bn else nn.Identity()
        self.relu = nn.ReLU()
        if stride == 1 and in_channels == out_channels:
            self.downsample = None
        elif shortcut == "A":
            self.downsample = _ShortcutA(in_channels, out_channels, stride)
        else:
            layers = [nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=not bn)]
            if bn:
                layers.append(nn.BatchNorm2d(out_channels))
            self.downsample = nn.Sequential(*layers)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class _ConvReLU(nn.Sequential):
    """conv (with bias) -> ReLU; children ``0`` (conv) and ``1``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__(nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                                   padding=padding), nn.ReLU())


class InceptionModule(nn.Module):
    """GoogLeNet inception module (V-22; Szegedy et al. 2015), stride 1, SAME, ReLU after every
    conv, the four branches concatenated on channels:

    b1: 1x1 (#1x1);  b2: 1x1 (#3x3red) -> 3x3 (#3x3);  b3: 1x1 (#5x5red) -> 5x5 (#5x5);
    b4: 3x3 max-pool stride 1 -> 1x1 (pool proj).   Output depth = #1x1 + #3x3 + #5x5 + pool proj.

    ``InceptionModule(in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)``: the
    paper's tuple order."""

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = _ConvReLU(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(_ConvReLU(in_channels, ch3x3red, 1),
                                     _ConvReLU(ch3x3red, ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(_ConvReLU(in_channels, ch5x5red, 1),
                                     _ConvReLU(ch5x5red, ch5x5, 5, padding=2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1),
                                     _ConvReLU(in_channels, pool_proj, 1))
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    def forward(self, x):
        return mg.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


class DepthwiseSeparable(nn.Module):
    """MobileNet V1 depthwise-separable block (V-23):

    3x3 depthwise conv (groups = C_in, stride s, no bias) -> BN -> ReLU6
    -> 1x1 pointwise conv (no bias) -> BN -> ReLU6.

    Cost (multiply-adds) D_K^2 M D_F^2 + M N D_F^2 against D_K^2 M N D_F^2 for a standard conv:
    ratio 1/N + 1/D_K^2."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.depthwise = ConvBNAct(in_channels, in_channels, 3, stride=stride, groups=in_channels)
        self.pointwise = ConvBNAct(in_channels, out_channels, 1)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class InvertedResidual(nn.Module):
    """MobileNet V2 inverted residual (bottleneck) block (V-24), expansion t, stride s:

    [1x1 conv C_in -> t C_in, BN, ReLU6 (skipped if t = 1)] -> 3x3 depthwise stride s, BN, ReLU6
    -> 1x1 conv t C_in -> C_out, BN, **linear**;  + x when s = 1 and C_in = C_out.

    The layers sit in ``self.conv`` (a Sequential) exactly as torchvision names them
    (``conv.0.0.weight`` ... ``conv.3.running_var``)."""

    def __init__(self, in_channels, out_channels, stride, expand_ratio):
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"InvertedResidual: stride must be 1 or 2, got {stride}")
        hidden = int(round(in_channels * expand_ratio))
        self.use_res_connect = stride == 1 and in_channels == out_channels
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNAct(in_channels, hidden, 1))
        layers += [ConvBNAct(hidden, hidden, 3, stride=stride, groups=hidden),
                   nn.Conv2d(hidden, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels)]
        self.conv = nn.Sequential(*layers)
        self.in_channels, self.out_channels, self.stride, self.expand_ratio = (
            in_channels, out_channels, stride, expand_ratio)

    def forward(self, x):
        out = self.conv(x)
        return x + out if self.use_res_connect else out

    def extra_repr(self):
        return (f"{self.in_channels} -> {self.out_channels}, stride={self.stride}, "
                f"t={self.expand_ratio}, residual={self.use_res_connect}")


def _register_madds():
    """Multiply-add counters (E-13) for the blocks that own parameters."""
    from minigrad.nn.summary import register_madds

    register_madds(Subsample, lambda m, inputs, out: int(np.prod(out.shape[1:])))
    register_madds(RBFOutput, lambda m, inputs, out: m.in_features * m.out_features)


_register_madds()

"""Every activation of ``minigrad.functional`` as a module (``nn.ReLU()``, ``nn.Softmax(dim=1)``).

The math (forward and backward) is in the functional ops' docstrings."""
from .. import functional as F
from .module import Module

__all__ = ["Identity", "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "Sigmoid", "Tanh",
           "Softmax", "LogSoftmax", "Softplus", "Hardtanh", "HardSigmoid"]


class Identity(Module):
    """Returns its input unchanged (accepts and ignores constructor arguments, as PyTorch)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class _Simple(Module):
    """An activation without options: forward is ``F.<_fn>(input)``."""
    _fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace        # accepted for PyTorch compatibility; ops are out of place

    def forward(self, input):
        return getattr(F, self._fn)(input)


class ReLU(_Simple):
    """max(x, 0)."""
    _fn = "relu"


class ReLU6(_Simple):
    """min(max(x, 0), 6)."""
    _fn = "relu6"


class SELU(_Simple):
    """scale·ELU(x, alpha) with the self-normalising constants."""
    _fn = "selu"


class Sigmoid(_Simple):
    """1/(1 + e^-x)."""
    _fn = "sigmoid"


class Tanh(_Simple):
    """tanh x."""
    _fn = "tanh"


class LeakyReLU(Module):
    """x if x > 0 else negative_slope·x."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x if x > 0 else alpha·(e^x - 1)."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class GELU(Module):
    """x·Phi(x) (``approximate="tanh"`` for the tanh form)."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(beta x))/beta, linear above ``threshold``."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """clip(x, min_val, max_val)."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if min_val >= max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must be less than max_val ({max_val})")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class HardSigmoid(Module):
    """Keras hard sigmoid clip(slope·x + offset, 0, 1) (slope 0.2, offset 0.5).

    Note: ``torch.nn.Hardsigmoid`` uses slope 1/6; this follows the Keras form the books use."""

    def __init__(self, slope=0.2, offset=0.5):
        super().__init__()
        self.slope, self.offset = slope, offset

    def forward(self, input):
        return F.hard_sigmoid(input, self.slope, self.offset)

    def extra_repr(self):
        return f"slope={self.slope}, offset={self.offset}"


class _DimActivation(Module):
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        dim = self.dim
        if dim is None:              # PyTorch's legacy implicit choice
            dim = 0 if input.ndim in (0, 1, 3) else 1
        return getattr(F, self._fn)(input, dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_DimActivation):
    """e^x / sum e^x along ``dim``."""
    _fn = "softmax"


class LogSoftmax(_DimActivation):
    """x - logsumexp(x) along ``dim``."""
    _fn = "log_softmax"

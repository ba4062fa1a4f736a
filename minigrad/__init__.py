"""minigrad: a small, readable reverse-mode autograd engine on NumPy (CPU) and CuPy (GPU).

    import minigrad as mg
    x = mg.randn(3, 4, requires_grad=True)
    loss = (x.tanh() * 2).sum()
    loss.backward()          # x.grad now holds d loss / d x

``import minigrad`` never needs CuPy or a GPU; ``minigrad.device("cuda")`` explains what is
missing when they are absent.
"""
from . import memory
memory.apply_from_env()      # keep big freed blocks for the next step (see minigrad/memory.py)
from . import autograd  # noqa: F401  (must come before tensor)
from .autograd import (Function, detect_anomaly, enable_grad, is_grad_enabled, no_grad,
                       set_grad_enabled)
from .backend import DeviceError, cuda_available, set_default_device
from .backend import normalize_device as device
from .creation import (arange, as_tensor, bernoulli, empty, empty_like, eye, from_dlpack,
                       from_numpy, full, full_like, linspace, normal, ones, ones_like, rand,
                       rand_like, randint, randn, randn_like, randperm, tensor, uniform, zeros,
                       zeros_like)
from .dtypes import (bool, double, float, float16, float32, float64, half, int, int8, int16,  # noqa: A004
                     int32, int64, long, uint8)
from .gradcheck import GradcheckError, NondifferentiableError, gradcheck
from .random import Generator, default_generator, get_rng_state, manual_seed, set_rng_state
from .tensor import Tensor
from . import functional  # noqa: F401
from . import signal  # noqa: F401  (minigrad.signal: SciPy-compatible convolve2d, correlate2d)
from .functional import *  # noqa: F401,F403  (mg.exp, mg.matmul, mg.cat, ... as torch.*)
from . import nn, optim, data  # noqa: E402,F401
from .nn.summary import summary  # noqa: E402,F401
from .io import load, save  # noqa: E402,F401
from . import training  # noqa: E402,F401

__version__ = "0.1.0"

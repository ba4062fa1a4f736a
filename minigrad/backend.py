"""Array backends: NumPy on the CPU, CuPy on the GPU.

This is the only module that imports CuPy. Everything else asks it for the array module of an
array (``get_array_module``), moves arrays between devices (``to_device``) and names devices
(``device_of``). ``import minigrad`` never fails because CuPy or a GPU is missing; asking for
``"cuda"`` without them raises :class:`DeviceError` saying what is missing and how to install it.
"""
import os

import numpy as np

_CUPY = None          # the cupy module once imported and checked, False if unusable
_CUPY_REASON = ""     # why CuPy is unusable


class DeviceError(RuntimeError):
    """Raised for an unavailable device or for an op that mixes devices."""


def _load_cupy():
    """Import CuPy once and check that it can allocate on a GPU."""
    global _CUPY, _CUPY_REASON
    if _CUPY is None:
        try:
            import cupy
        except ImportError as e:
            _CUPY, _CUPY_REASON = False, (
                f"CuPy is not installed ({e}). Install it with `pip install -e .[gpu]` "
                "(or `pip install cupy-cuda13x` matching your CUDA version).")
        else:
            try:
                cupy.zeros(1)           # import works without a GPU; allocation does not
                _CUPY = cupy
            except Exception as e:      # CUDARuntimeError, CUDADriverError, ...
                _CUPY, _CUPY_REASON = False, (
                    f"CuPy is installed but no usable CUDA device was found ({type(e).__name__}: {e}). "
                    "Run on a machine with an NVIDIA GPU and driver, or use device='cpu'.")
    return _CUPY


def cuda_available():
    """True when CuPy is importable and a CUDA device can allocate memory."""
    return bool(_load_cupy())


def cupy():
    """The cupy module, or a :class:`DeviceError` explaining why it cannot be used."""
    cp = _load_cupy()
    if not cp:
        raise DeviceError(f"device 'cuda' is unavailable: {_CUPY_REASON}")
    return cp


def normalize_device(device):
    """Map ``None``/``"cpu"``/``"cuda"``/``"cuda:0"``/a Device to ``"cpu"`` or ``"cuda"``."""
    if device is None:
        return default_device()
    name = str(device)
    if name == "cpu":
        return "cpu"
    if name == "cuda" or name.startswith("cuda:"):
        cupy()                          # raises with install advice when unusable
        return "cuda"
    raise DeviceError(f"unknown device {device!r}: expected 'cpu' or 'cuda'")


_DEFAULT_DEVICE = None


def default_device():
    """The device new tensors go to: ``minigrad.set_default_device`` or ``MINIGRAD_DEVICE``."""
    global _DEFAULT_DEVICE
    if _DEFAULT_DEVICE is None:
        _DEFAULT_DEVICE = normalize_device(os.environ.get("MINIGRAD_DEVICE", "cpu"))
    return _DEFAULT_DEVICE


def set_default_device(device):
    """Make ``device`` the default for factories and ``minigrad.tensor``."""
    global _DEFAULT_DEVICE
    _DEFAULT_DEVICE = normalize_device(device)


def is_cupy_array(a):
    """True for a CuPy ndarray (checked without importing CuPy)."""
    return type(a).__module__.startswith("cupy")


def get_array_module(a):
    """``numpy`` or ``cupy``, whichever owns array ``a``."""
    if isinstance(a, np.ndarray) or not is_cupy_array(a):
        return np
    return cupy()


def xp_for(device):
    """The array module for a normalised device name."""
    return np if device == "cpu" else cupy()


def device_of(a):
    """``"cpu"`` or ``"cuda"`` for an array."""
    if type(a) is np.ndarray:
        return "cpu"
    return "cuda" if is_cupy_array(a) else "cpu"


def to_device(a, device):
    """Copy array ``a`` to ``device`` (no copy when it is already there)."""
    device = normalize_device(device)
    if device_of(a) == device:
        return a
    if device == "cpu":
        return a.get()
    return cupy().asarray(a)


def to_numpy(a):
    """A NumPy array for any backend array."""
    return a if isinstance(a, np.ndarray) else to_device(a, "cpu")


def special(a):
    """``scipy.special`` or ``cupyx.scipy.special`` for array ``a`` (erf, expit, ...)."""
    if device_of(a) == "cpu":
        import scipy.special
        return scipy.special
    cupy()
    import cupyx.scipy.special
    return cupyx.scipy.special


def scatter_add(target, index, values):
    """``target[index] += values`` with repeated indices accumulating (``np.add.at``)."""
    if device_of(target) == "cpu":
        np.add.at(target, index, values)
    else:
        cupy()
        import cupyx
        cupyx.scatter_add(target, index, values)
    return target


def from_dlpack_array(obj):
    """Import a DLPack-capable object as a NumPy (CPU) or CuPy (CUDA) array without copying."""
    dev_type = obj.__dlpack_device__()[0] if hasattr(obj, "__dlpack_device__") else 1
    if dev_type == 1:                   # kDLCPU
        return np.from_dlpack(obj)
    return cupy().from_dlpack(obj)

"""Array-level hot loops, no autograd: ``kernels.cpu`` (Numba) and ``kernels.gpu`` (CuPy).

Layout: ``kernels/cpu/<topic>.py`` holds, side by side, the plain NumPy reference of each
kernel (``<name>_ref``) and its Numba version (``@njit(cache=True)``); ``kernels/gpu/<topic>.py``
holds the CuPy version (ElementwiseKernel / RawKernel). Ops in ``minigrad.functional`` call
:func:`dispatch` to pick one for the array's device. ``MINIGRAD_NUMBA=0`` selects the NumPy
references on the CPU (every kernel is tested against its reference).
"""
import os


def numba_enabled():
    """False when MINIGRAD_NUMBA=0 (use the NumPy references)."""
    return os.environ.get("MINIGRAD_NUMBA", "1") != "0"


def dispatch(array, reference, numba_kernel=None, gpu_kernel=None):
    """The implementation for ``array``'s device: the CuPy kernel for GPU arrays (the reference,
    which then runs through CuPy's NumPy API, if there is none), the Numba kernel on the CPU
    unless MINIGRAD_NUMBA=0, otherwise the NumPy reference."""
    if type(array).__module__.startswith("cupy"):
        return gpu_kernel or reference
    if numba_kernel is not None and numba_enabled():
        return numba_kernel
    return reference

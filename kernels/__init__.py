"""Array-level hot loops, no autograd: ``kernels.cpu`` (Numba) and ``kernels.gpu`` (CuPy).

Every kernel has a plain NumPy reference it is tested against. ``MINIGRAD_NUMBA=0`` makes the
CPU dispatchers use the references instead of the Numba kernels.
"""
import os


def numba_enabled():
    """False when MINIGRAD_NUMBA=0 (use the NumPy references)."""
    return os.environ.get("MINIGRAD_NUMBA", "1") != "0"

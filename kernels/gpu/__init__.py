"""CuPy kernels, compiled lazily on first use (importing these modules needs no GPU)."""
from minigrad.backend import cupy


def elementwise_kernels(sources, prefix):
    """A getter ``get(name)`` that compiles ``sources[name] = (params, out, body)`` into a
    ``cupy.ElementwiseKernel`` named ``prefix + name`` on first use and caches it."""
    cache = {}

    def get(name):
        if name not in cache:
            params, out, body = sources[name]
            cache[name] = cupy().ElementwiseKernel(params, out, body, prefix + name)
        return cache[name]
    return get

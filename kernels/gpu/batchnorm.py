"""CuPy versions of the batch-norm kernels (same signatures and math as
``kernels/cpu/batchnorm.py``, which documents them): per-channel sums with CuPy reductions over
the ``[N, C, L]`` view, then one ElementwiseKernel launch that normalises (forward) or combines
dy, x^ and the channel sums into dx (backward). Kernels compile on first use, so importing this
module needs no CuPy."""
from minigrad.backend import cupy

_KERNELS = {}


def _kernel(name):
    if name not in _KERNELS:
        cp = cupy()
        if name == "forward":
            _KERNELS[name] = cp.ElementwiseKernel(
                "T x, raw T mean, raw T inv, raw T gamma, raw T beta, int32 C, int32 L",
                "T y, T xhat",
                "int c = (i / L) % C; T h = (x - mean[c]) * inv[c]; xhat = h; "
                "y = h * gamma[c] + beta[c];",
                "minigrad_bn_forward")
        else:
            _KERNELS[name] = cp.ElementwiseKernel(
                "T dy, T xhat, raw T k, raw T mb, raw T mg, int32 C, int32 L",
                "T dx",
                "int c = (i / L) % C; dx = k[c] * (dy - mb[c] - xhat * mg[c]);",
                "minigrad_bn_backward")
    return _KERNELS[name]


def batchnorm_forward_cupy(x, gamma, beta, eps, std_plus_eps):
    cp = cupy()
    x = cp.ascontiguousarray(x)
    n, c, l = x.shape
    m = n * l
    mean = x.sum(axis=(0, 2)) / m
    xc = x - mean[:, None]
    var = (xc * xc).sum(axis=(0, 2)) / m
    s = cp.sqrt(var) + eps if std_plus_eps else cp.sqrt(var + eps)
    y, xhat = _kernel("forward")(x, mean, 1 / s, gamma.astype(x.dtype), beta.astype(x.dtype),
                                 c, l)
    return y, xhat, mean, var, s


def batchnorm_backward_cupy(dy, xhat, k, corr):
    cp = cupy()
    dy = cp.ascontiguousarray(dy)
    n, c, l = dy.shape
    m = n * l
    dbeta = dy.sum(axis=(0, 2))
    dgamma = (dy * xhat).sum(axis=(0, 2))
    dx = _kernel("backward")(dy, xhat, k.astype(dy.dtype), dbeta / m,
                             (corr * dgamma / m).astype(dy.dtype), c, l)
    return dx, dgamma, dbeta

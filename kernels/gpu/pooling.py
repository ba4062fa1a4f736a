"""CuPy versions of the max-pooling kernels (same signatures and math as
``kernels/cpu/pooling.py``): the forward keeps the first maximum of each window (strict ``>``
in row-major tap order); the backward is gather-shaped (one thread per input cell sums the
gradients of the windows whose argmax it is), so it needs no atomics and is deterministic.
Kernels compile on first use; importing this module needs no CuPy."""
from kernels.gpu.conv import gather
from kernels.gpu import elementwise_kernels
from minigrad.backend import cupy


_SOURCES = {
    "forward": ("raw T x, int32 HP, int32 WP, int32 OH, int32 OW, int32 KH, int32 KW, int32 SH, "
                "int32 SW, int32 DH, int32 DW", "T y, int32 arg", """
        int ox = i % OW, oy = i / OW % OH;
        long long nc = i / (OH * OW);
        const T* xp = &x[nc * HP * WP];
        T best = xp[oy * SH * WP + ox * SW];
        int at = 0;
        for (int a = 0; a < KH; ++a)
            for (int b = 0; b < KW; ++b) {
                T v = xp[(oy * SH + a * DH) * WP + ox * SW + b * DW];
                if (v > best) { best = v; at = a * KW + b; }
            }
        y = best;
        arg = at;"""),
    "backward": ("raw T g, raw int32 arg, int32 HP, int32 WP, int32 OH, int32 OW, int32 KH, "
                 "int32 KW, int32 SH, int32 SW, int32 DH, int32 DW", "T dx", gather("""
        int x = i % WP, y = i / WP % HP;
        long long nc = i / (HP * WP);
        T acc = 0;""", """long long o = (nc * OH + oy) * OW + ox;
                if (arg[o] == a * KW + b) acc += g[o];""", """
        dx = acc;""")),
}


_kernel = elementwise_kernels(_SOURCES, "minigrad_maxpool_")


def max_pool2d(x, kh, kw, sh, sw, dh, dw, oh, ow):
    cp = cupy()
    x = cp.ascontiguousarray(x)
    n, c, hp, wp = x.shape
    y = cp.empty((n, c, oh, ow), dtype=x.dtype)
    arg = cp.empty((n, c, oh, ow), dtype=cp.int32)
    return _kernel("forward")(x, hp, wp, oh, ow, kh, kw, sh, sw, dh, dw, y, arg)


def max_pool2d_backward(g, arg, hp, wp, kh, kw, sh, sw, dh, dw):
    cp = cupy()
    g, arg = cp.ascontiguousarray(g), cp.ascontiguousarray(arg, dtype=cp.int32)
    n, c, oh, ow = g.shape
    dx = cp.empty((n, c, hp, wp), dtype=g.dtype)
    return _kernel("backward")(g, arg, hp, wp, oh, ow, kh, kw, sh, sw, dh, dw, dx)

"""CuPy versions of the convolution kernels (same signatures and math as
``kernels/cpu/conv.py``, which documents them). Each kernel is *gather*-shaped: one thread per
output cell sums everything that lands there, so there are no atomics and the result is
deterministic. The GEMMs of the convolution run on cuBLAS through ``cupy.matmul`` in
``minigrad/functional/conv.py``. Kernels compile on first use; importing this module needs no
CuPy."""
from kernels.cpu.conv import depthwise_conv_grad_weight_ref
from kernels.gpu import elementwise_kernels
from minigrad.backend import cupy


# The gather loop shared by every backward-shaped kernel: for output-gradient cell (y, x) of a
# [HP, WP] image, visit each tap (a, b) and the window (oy, ox) that read (y, x) through it.
TAPS_READING = """
        for (int a = 0; a < KH; ++a) {
            int oy = y - a * DH;
            if (oy < 0 || oy % SH != 0 || oy / SH >= OH) continue;
            oy /= SH;
            for (int b = 0; b < KW; ++b) {
                int ox = x - b * DW;
                if (ox < 0 || ox % SW != 0 || ox / SW >= OW) continue;
                ox /= SW;
                BODY
            }
        }"""


def gather(prologue, body, epilogue):
    return prologue + TAPS_READING.replace("BODY", body) + epilogue


_SOURCES = {
    # img[nc, y, x] = sum of col[nc, ky, kx, oy, ox] over the taps that read (y, x)
    "col2im": ("raw T col, int32 H, int32 W, int32 OH, int32 OW, int32 KH, int32 KW, "
               "int32 SH, int32 SW, int32 DH, int32 DW", "T img", gather("""
        int nc = i / (H * W), y = i / W % H, x = i % W;
        T acc = 0;""", "acc += col[(((long long)nc * KH + a) * KW + b) * OH * OW + oy * OW + ox];", """
        img = acc;""")),
    # y[n, c*M + m, oy, ox] = sum_ij w[c, m, i, j] x[n, c, oy*SH + i*DH, ox*SW + j*DW]
    "depthwise": ("raw T x, raw T w, int32 C, int32 M, int32 HP, int32 WP, int32 OH, int32 OW, "
                  "int32 KH, int32 KW, int32 SH, int32 SW, int32 DH, int32 DW", "T y", """
        int ox = i % OW, oy = i / OW % OH, cm = i / (OH * OW) % (C * M), n = i / (OH * OW * C * M);
        int c = cm / M, m = cm % M;
        const T* xp = &x[((long long)n * C + c) * HP * WP];
        T acc = 0;
        for (int a = 0; a < KH; ++a)
            for (int b = 0; b < KW; ++b)
                acc += w[((c * M + m) * KH + a) * KW + b] * xp[(oy * SH + a * DH) * WP + ox * SW + b * DW];
        y = acc;"""),
    # dx[n, c, y, x] = sum over m and the taps that read (y, x) of g * w
    "depthwise_grad_input": ("raw T g, raw T w, int32 C, int32 M, int32 HP, int32 WP, int32 OH, "
                             "int32 OW, int32 KH, int32 KW, int32 SH, int32 SW, int32 DH, int32 DW",
                             "T dx", gather("""
        int x = i % WP, y = i / WP % HP, c = i / (HP * WP) % C, n = i / (HP * WP * C);
        T acc = 0;""", """for (int m = 0; m < M; ++m)
                    acc += w[((c * M + m) * KH + a) * KW + b]
                         * g[(((long long)n * C * M + c * M + m) * OH + oy) * OW + ox];""", """
        dx = acc;""")),
}


_kernel = elementwise_kernels(_SOURCES, "minigrad_")


def col2im(col, hp, wp, sh, sw, dh, dw):
    cp = cupy()
    col = cp.ascontiguousarray(col)
    n, c, kh, kw, oh, ow = col.shape
    img = cp.empty((n, c, hp, wp), dtype=col.dtype)
    return _kernel("col2im")(col, hp, wp, oh, ow, kh, kw, sh, sw, dh, dw, img)


def depthwise_conv(x, w, sh, sw, dh, dw, oh, ow):
    cp = cupy()
    x, w = cp.ascontiguousarray(x), cp.ascontiguousarray(w, dtype=x.dtype)
    n, c, hp, wp = x.shape
    _, m, kh, kw = w.shape
    y = cp.empty((n, c * m, oh, ow), dtype=x.dtype)
    return _kernel("depthwise")(x, w, c, m, hp, wp, oh, ow, kh, kw, sh, sw, dh, dw, y)


def depthwise_conv_grad_input(g, w, hp, wp, sh, sw, dh, dw):
    cp = cupy()
    g, w = cp.ascontiguousarray(g), cp.ascontiguousarray(w, dtype=g.dtype)
    n, _, oh, ow = g.shape
    c, m, kh, kw = w.shape
    dx = cp.empty((n, c, hp, wp), dtype=g.dtype)
    return _kernel("depthwise_grad_input")(g, w, c, m, hp, wp, oh, ow, kh, kw, sh, sw, dh, dw, dx)


# the weight gradient is kh*kw reductions over (N, OH, OW): CuPy's reductions already do it well
depthwise_conv_grad_weight = depthwise_conv_grad_weight_ref

"""Linear algebra: matmul (NumPy/torch 1-D and batched broadcasting rules), outer, einsum,
tensordot and linear (x W^T + b, PyTorch's weight layout).

Backward of Y = A B (E-15): dA = dY B^T, dB = A^T dY, per batch, summed over the batch axes
that broadcasting added or stretched.
"""
import string

import numpy as np

from ..autograd import Function, unbroadcast
from ..backend import get_array_module
from ..tensor import Tensor
from ._util import lift

__all__ = ["matmul", "outer", "einsum", "tensordot", "linear"]


def _check_tensor(op, name, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {name} must be a minigrad Tensor, got {type(t).__name__}")


def _swap(a):
    return a.swapaxes(-1, -2)


# ----------------------------------------------------------------------------- matmul

class MatMul(Function):
    """Y = A B with NumPy's rules: a 1-D A is a row vector (1, n), a 1-D B a column (n, 1), and
    the added axis is removed from Y; leading (batch) axes broadcast.
    dA = dY B^T, dB = A^T dY, each summed over broadcast batch axes and reshaped back to the
    input's shape (one GEMM over the flattened batch when the other operand is a 2-D matrix)."""

    def forward(self, a, b):
        self.a = a2 = a if a.ndim > 1 else a[None, :]
        self.b = b2 = b if b.ndim > 1 else b[:, None]
        self.shapes = a.shape, b.shape
        y = np.matmul(a2, b2)
        if b.ndim == 1:
            y = y[..., 0]
        if a.ndim == 1:
            y = y[..., 0, :] if b.ndim > 1 else y[..., 0]
        return y

    def backward(self, g):
        a, b = self.a, self.b
        (sa, sb), e = self.shapes, self._edges
        if len(sb) == 1:
            g = g[..., None]
        if len(sa) == 1:
            g = g[..., None, :]
        da = db = None
        if e[0] is not None:
            if a.ndim == 2 and g.ndim > 2:           # batched B, one matrix A: one GEMM
                bb = np.broadcast_to(b, g.shape[:-2] + b.shape[-2:])
                gm = np.moveaxis(g, -2, 0).reshape(g.shape[-2], -1)      # (n, batch*m)
                bm = np.moveaxis(bb, -2, 0).reshape(b.shape[-2], -1)     # (k, batch*m)
                da = gm @ bm.T
            else:
                da = np.matmul(g, _swap(b))
            da = unbroadcast(da, a.shape).reshape(sa)
        if e[1] is not None:
            if b.ndim == 2 and a.ndim > 2:           # batched A, one matrix B: one GEMM
                db = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
            else:
                db = unbroadcast(np.matmul(_swap(a), g), b.shape)
            db = db.reshape(sb)
        return da, db


def _matmul_shapes(sa, sb):
    """The result shape of matmul, or a ValueError naming both shapes."""
    def fail(why):
        raise ValueError(f"matmul: shapes {sa} and {sb} are incompatible: {why}")
    if not sa or not sb:
        fail("both operands must have at least 1 dimension (use mul for scalars)")
    k_a, k_b = sa[-1], (sb[0] if len(sb) == 1 else sb[-2])
    if k_a != k_b:
        fail(f"the last dimension of the first ({k_a}) must equal the "
             f"{'only' if len(sb) == 1 else 'second-to-last'} dimension of the second ({k_b})")
    try:
        batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        fail(f"batch dimensions {sa[:-2]} and {sb[:-2]} do not broadcast")
    return batch + (sa[-2:-1] if len(sa) > 1 else ()) + (sb[-1:] if len(sb) > 1 else ())


def matmul(input, other):
    """Matrix product with NumPy/torch semantics:

    * 1-D @ 1-D: dot product (0-d); 2-D @ 1-D: matrix-vector; 1-D @ 2-D: vector-matrix;
    * N-D: batches of matrices in the last two axes, the leading axes broadcast
      ((2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6)); a 1-D operand gets a temporary axis.
    Backward: dA = dY B^T, dB = A^T dY, summed over broadcast batch axes."""
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        other = lift(other, input)              # arrays/lists become constants (x @ ndarray)
    elif isinstance(other, Tensor) and not isinstance(input, Tensor):
        input = lift(input, other)
    _check_tensor("matmul", "input", input)
    _check_tensor("matmul", "other", other)
    _matmul_shapes(input.shape, other.shape)
    return MatMul.apply(input, other)


class Outer(Function):
    """Y_ij = a_i b_j;  da = dY b, db = dY^T a."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a[:, None] * b[None, :]

    def backward(self, g):
        e = self._edges
        return (g @ self.b if e[0] is not None else None,
                self.a @ g if e[1] is not None else None)


def outer(input, vec2):
    """Outer product of two 1-D tensors: Y_ij = a_i b_j (shape (n, m)). da = dY b, db = dY^T a."""
    _check_tensor("outer", "input", input)
    _check_tensor("outer", "vec2", vec2)
    if input.ndim != 1 or vec2.ndim != 1:
        raise ValueError(f"outer: expected two 1-D tensors, got shapes {input.shape} and {vec2.shape}")
    return Outer.apply(input, vec2)


# ----------------------------------------------------------------------------- linear

class Linear(Function):
    """y = x W^T + b (W: (out, in), x: (..., in), b: (out,));
    dx = dy W, dW = dy^T x (summed over all leading axes: one GEMM), db = dy summed over them."""

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        y = x @ w.T
        return y if b is None else y + b

    def backward(self, g):
        x, w, e = self.x, self.w, self._edges
        dx = g @ w if e[0] is not None else None
        dw = db = None
        if e[1] is not None:
            dw = g.reshape(-1, g.shape[-1]).T @ x.reshape(-1, x.shape[-1]) if x.ndim > 1 else \
                g[:, None] * x[None, :]
        if len(e) > 2 and e[2] is not None:
            db = g.reshape(-1, g.shape[-1]).sum(axis=0) if g.ndim > 1 else g
        return (dx, dw) if len(e) == 2 else (dx, dw, db)


def linear(input, weight, bias=None):
    """Affine map with PyTorch's layout: y = x W^T + b, W of shape (out_features, in_features),
    x of shape (..., in_features), b of shape (out_features,) (or anything broadcasting to the
    output). dx = dy W, dW = dy^T x, db = sum of dy over the leading axes."""
    _check_tensor("linear", "input", input)
    _check_tensor("linear", "weight", weight)
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                         f"{weight.shape}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {input.shape} has "
                         f"{input.shape[-1] if input.ndim else 0} features in its last dimension "
                         f"but weight of shape {weight.shape} expects in_features = {weight.shape[1]}")
    if bias is None:
        return Linear.apply(input, weight)
    _check_tensor("linear", "bias", bias)
    out_shape = input.shape[:-1] + (weight.shape[0],)
    try:
        if np.broadcast_shapes(out_shape, bias.shape) != out_shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"linear: bias of shape {bias.shape} does not broadcast to the output "
                         f"shape {out_shape} (expected ({weight.shape[0]},))") from None
    return Linear.apply(input, weight, bias)


# ----------------------------------------------------------------------------- tensordot

class TensorDot(Function):
    """Y = sum over paired axes (A axes ``ia`` with B axes ``ib``) of A * B; Y's axes are A's free
    axes then B's free axes. dA = tensordot(dY, B) over B's free axes, dB = tensordot(A, dY) over
    A's free axes, each transposed back to its operand's axis order."""

    def forward(self, a, b, ia=(), ib=()):
        self.a, self.b, self.ia, self.ib = a, b, ia, ib
        return np.tensordot(a, b, axes=(ia, ib))

    def backward(self, g):
        a, b, ia, ib, e = self.a, self.b, self.ia, self.ib, self._edges
        free_a = [i for i in range(a.ndim) if i not in ia]
        free_b = [i for i in range(b.ndim) if i not in ib]
        na = len(free_a)
        da = db = None
        if e[0] is not None:
            r = np.tensordot(g, b, axes=(list(range(na, g.ndim)), free_b))
            src = free_a + [ia[ib.index(j)] for j in sorted(ib)]
            da = r.transpose(np.argsort(src))
        if e[1] is not None:
            r = np.tensordot(a, g, axes=(free_a, list(range(na))))
            src = [ib[ia.index(i)] for i in sorted(ia)] + free_b
            db = r.transpose(np.argsort(src))
        return da, db


def tensordot(a, b, dims=2):
    """Contract ``a`` and ``b`` over paired axes (as torch.tensordot / np.tensordot):
    ``dims=k`` pairs the last k axes of a with the first k of b; ``dims=(list_a, list_b)`` pairs
    them explicitly. Result axes: a's free axes then b's. Backward: see :class:`TensorDot`."""
    _check_tensor("tensordot", "a", a)
    _check_tensor("tensordot", "b", b)
    if isinstance(dims, (int, np.integer)):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: dims={dims} must be in [0, {min(a.ndim, b.ndim)}] for "
                             f"shapes {a.shape} and {b.shape}")
        ia, ib = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        try:
            ia, ib = ([dims[0]] if isinstance(dims[0], int) else list(dims[0]),
                      [dims[1]] if isinstance(dims[1], int) else list(dims[1]))
        except (TypeError, IndexError):
            raise TypeError(f"tensordot: dims must be an int or a pair of lists of axes, got "
                            f"{dims!r}") from None
        if len(ia) != len(ib):
            raise ValueError(f"tensordot: dims lists {ia} and {ib} have different lengths")
        for name, axes, t in (("a", ia, a), ("b", ib, b)):
            for i in axes:
                if not -t.ndim <= i < t.ndim:
                    raise IndexError(f"tensordot: axis {i} is out of range for {name} of shape {t.shape}")
        ia, ib = [i % a.ndim for i in ia], [i % b.ndim for i in ib]
        if len(set(ia)) != len(ia) or len(set(ib)) != len(ib):
            raise ValueError(f"tensordot: repeated axis in dims {dims!r}")
    for i, j in zip(ia, ib):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: contracted dimension {i} of a (size {a.shape[i]}, shape "
                             f"{a.shape}) does not match dimension {j} of b (size {b.shape[j]}, "
                             f"shape {b.shape})")
    return TensorDot.apply(a, b, ia=tuple(ia), ib=tuple(ib))


# ----------------------------------------------------------------------------- einsum

def _parse_einsum(equation, shapes):
    """Explicit subscripts: (list of letter strings per operand, output letters). Ellipses are
    replaced by fresh letters (right-aligned, broadcasting), the implicit output is the ellipsis
    letters then the letters used exactly once in alphabetical order (as NumPy/torch)."""
    eq = equation.replace(" ", "")

    def fail(why):
        raise ValueError(f"einsum: invalid equation {equation!r} for operand shapes "
                         f"{[tuple(s) for s in shapes]}: {why}")
    lhs, arrow, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        fail(f"{len(terms)} subscript terms but {len(shapes)} operands")
    for t in terms + ([out] if arrow else []):
        rest = t.replace("...", "", 1)
        if "." in rest or not all(c in string.ascii_letters for c in rest):
            fail(f"term {t!r}: subscripts must be letters with at most one '...'")
    used = set(eq) & set(string.ascii_letters)
    fresh = [c for c in string.ascii_letters if c not in used]
    n_ell = 0
    for t, s in zip(terms, shapes):
        n_letters = len(t.replace("...", ""))
        if "..." in t:
            n_ell = max(n_ell, len(s) - n_letters)
            if len(s) < n_letters:
                fail(f"term {t!r} has more subscripts than the operand has dimensions ({len(s)})")
        elif len(s) != n_letters:
            fail(f"term {t!r} has {n_letters} subscripts but the operand has {len(s)} dimensions")
    ell = "".join(fresh[:n_ell])
    subs = []
    for t, s in zip(terms, shapes):
        k = len(s) - len(t.replace("...", ""))
        subs.append(t.replace("...", ell[n_ell - k:]) if "..." in t else t)
    if arrow:
        if out.count("...") == 0 and n_ell:
            out_sub = out                                # ellipsis dims are summed (torch)
        else:
            out_sub = out.replace("...", ell)
        counts = {c: out_sub.count(c) for c in out_sub}
        if any(v > 1 for v in counts.values()):
            fail(f"output subscript {out!r} repeats a letter")
        inputs = set("".join(subs))
        missing = [c for c in out_sub if c not in inputs]
        if missing:
            fail(f"output letter(s) {missing} do not appear in any input")
    else:
        all_letters = "".join(t.replace("...", "") for t in terms)
        out_sub = ell + "".join(sorted(c for c in set(all_letters) if all_letters.count(c) == 1))
    for t, s in zip(subs, shapes):
        for c in set(t):
            dims = {n for d, n in zip(t, s) if d == c}
            if len(dims) > 1:
                fail(f"subscript {c!r} repeats within one operand with different sizes {sorted(dims)}")
    sizes = {}
    for t, s in zip(subs, shapes):
        for c, n in zip(t, s):
            if n != 1 and sizes.get(c, 1) not in (1, n):
                fail(f"subscript {c!r} has size {n} in one operand and {sizes[c]} in another")
            if sizes.get(c, 1) == 1:
                sizes[c] = n
    return subs, out_sub, sizes


class Einsum(Function):
    """Y = einsum(subs -> out, *X) (explicit subscripts, size-1 axes broadcast).

    dX_k = einsum(dY, X_j (j != k) -> letters of X_k): the gradient of a multilinear map is the
    same contraction with X_k replaced by dY. Three details make it general:
    * letters of X_k that appear nowhere else (summed away in X_k only) are absent from the other
      factors, so the gradient is constant along them: broadcast it there;
    * a size-1 axis of X_k that broadcast against a larger size is summed over, then restored;
    * a letter repeated in X_k (a diagonal, e.g. 'ii->i' or a trace 'ii->') gets a fresh letter
      per extra occurrence and the gradient is multiplied by identity matrices linking them, so
      it lands on the diagonal only."""

    def forward(self, *xs, subs=(), out="", sizes=None):
        self.xs, self.subs, self.out, self.sizes = xs, subs, out, sizes
        return np.einsum(",".join(subs) + "->" + out, *xs, optimize=len(xs) > 1)

    def backward(self, g):
        xs, subs, sizes, e = self.xs, self.subs, self.sizes, self._edges
        grads = []
        for k, (x, sub) in enumerate(zip(xs, subs)):
            if e[k] is None:
                grads.append(None)
                continue
            others = [(self.out, g)] + [(s, np.broadcast_to(o, tuple(sizes[c] for c in s)))
                                        for j, (s, o) in enumerate(zip(subs, xs)) if j != k]
            present = set("".join(s for s, _ in others))
            uniq = "".join(dict.fromkeys(sub))
            keep = "".join(c for c in uniq
                           if c in present and x.shape[sub.index(c)] == sizes[c])
            terms = ",".join(s for s, _ in others)
            gk = np.einsum(f"{terms}->{keep}", *[o for _, o in others], optimize=len(others) > 1)
            shape = tuple(x.shape[sub.index(c)] for c in uniq)
            gk = np.broadcast_to(np.expand_dims(gk, tuple(i for i, c in enumerate(uniq) if c not in keep)),
                                 shape)
            if len(uniq) != len(sub):
                gk = self._embed_diagonal(gk, uniq, sub, x.shape)
            grads.append(gk)
        return tuple(grads)

    @staticmethod
    def _embed_diagonal(gk, uniq, sub, shape):
        xp = get_array_module(gk)
        used = set(sub)
        fresh = iter(c for c in string.ascii_letters if c not in used)
        target, eyes, eye_subs, seen = [], [], [], set()
        for c, n in zip(sub, shape):
            if c in seen:
                f = next(fresh)
                target.append(f)
                eyes.append(xp.eye(n, dtype=gk.dtype))
                eye_subs.append(c + f)
            else:
                seen.add(c)
                target.append(c)
        eq = ",".join([uniq] + eye_subs) + "->" + "".join(target)
        return np.einsum(eq, gk, *eyes)


def einsum(equation, *operands):
    """Einstein summation, as ``torch.einsum(equation, *operands)`` (operands may also be given
    as one list). Supports implicit output ('ij,jk'), '...' (broadcasting batch axes; in an
    explicit output without '...' they are summed, as torch), indices summed away, size-1
    broadcasting and repeated indices within an operand (diagonals and traces: 'ii->i', 'ii').
    Backward: see :class:`Einsum`."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the first argument must be the equation string, got "
                        f"{type(equation).__name__}")
    for i, t in enumerate(operands):
        _check_tensor("einsum", f"operand {i}", t)
    subs, out, sizes = _parse_einsum(equation, [t.shape for t in operands])
    return Einsum.apply(*operands, subs=tuple(subs), out=out, sizes=sizes)

"""Shape ops: views (reshape, transpose, squeeze, expand, split, ...) and copies (cat, stack, pad,
flip, roll, repeat, ...), with PyTorch's names, arguments and view semantics.

Views. The ops PyTorch documents as views -- ``view``, ``reshape`` (when no copy is needed),
``flatten``, ``unflatten``, ``transpose``/``permute``/``movedim``, ``squeeze``/``unsqueeze``,
``expand``/``broadcast_to``, ``split``/``chunk``/``unbind`` -- return NumPy views that share memory
*and the version counter* with their input: an in-place write through either (under ``no_grad``)
is seen by both, and autograd's stale-array check notices it. Their backward is the inverse view
of the incoming gradient (reshape back, inverse permutation, slices): nothing is copied. Expand's
backward hands dy back in the expanded shape; the engine sums it to the input's shape
(``autograd.unbroadcast``).

Copies. ``cat``, ``stack``, ``pad``, ``flip``, ``roll``, ``repeat``, ``tile`` and
``repeat_interleave`` return new memory, as in PyTorch, even where NumPy could return a view
(``flip``): writing into their result never changes the input.
"""
import math
import numbers

import numpy as np

from ..autograd import Function
from ..backend import DeviceError, get_array_module, scatter_add, to_numpy
from ..tensor import Tensor
from ._util import as_shape, normalize_dim

__all__ = [
    "reshape", "view", "view_as", "reshape_as", "flatten", "unflatten",
    "transpose", "swapaxes", "swapdims", "permute", "movedim", "moveaxis",
    "squeeze", "unsqueeze", "expand_dims", "expand", "expand_as", "broadcast_to",
    "cat", "concatenate", "concat", "stack", "split", "chunk", "unbind",
    "pad", "flip", "roll", "repeat", "tile", "repeat_interleave",
]


# ----------------------------------------------------------------------------- helpers

def share_version(out, x):
    """Give ``out`` the version counter of ``x`` when its array is a view of ``x``'s memory
    (as PyTorch views share theirs), so in-place writes through either are noticed."""
    a, b = out.data, x.data
    if a.size and b.size:
        xp = get_array_module(a)
        if xp.may_share_memory(a, b):
            out._vc = x._vc
    return out


def _check_tensor(op, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")


def _slices(dim, sl):
    """The index ``[:, :, ..., sl]`` with ``sl`` at position ``dim``."""
    return (slice(None),) * dim + (sl,)


def _views_along(a, sizes, dim):
    """Consecutive slices of ``a`` along ``dim`` with the given sizes (views, no copies)."""
    out, start = [], 0
    for s in sizes:
        out.append(a[_slices(dim, slice(start, start + s))])
        start += s
    return out


# ----------------------------------------------------------------------------- reshape family

class Reshape(Function):
    """y = x with a new shape (same elements in row-major order);  dx = dy reshaped to x's shape.

    Used by reshape, view, flatten, unflatten, squeeze and unsqueeze. Both directions are views
    whenever the memory layout allows (always for squeeze/unsqueeze and contiguous inputs)."""
    save_inputs = False

    def forward(self, x, shape=None):
        self.shape = x.shape
        return x.reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape)


def _infer_shape(op, x, shape):
    """Resolve one ``-1`` in ``shape`` and check the element count against ``x``."""
    n = x.data.size
    if any(s < -1 for s in shape):
        raise ValueError(f"{op}: invalid shape {shape}: sizes must be >= 0, or -1 for one "
                         "inferred dimension")
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise ValueError(f"{op}: only one dimension can be -1 (inferred), got shape {shape}")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or n % known:
            raise ValueError(f"{op}: cannot reshape a tensor of shape {x.shape} ({n} elements) "
                             f"into shape {shape}: the -1 dimension cannot be inferred")
        shape = tuple(n // known if s == -1 else s for s in shape)
    elif known != n:
        raise ValueError(f"{op}: cannot reshape a tensor of shape {x.shape} ({n} elements) into "
                         f"shape {shape} ({known} elements)")
    return shape


def _reshape(x, shape):
    """Apply :class:`Reshape` and share the version counter when the result is a view."""
    return share_version(Reshape.apply(x, shape=tuple(shape)), x)


def reshape(input, *shape):
    """``reshape(x, 2, 3)`` or ``reshape(x, (2, 3))``; one size may be -1 (inferred).

    A view when the layout allows, otherwise a copy (as torch). y = x reshaped; dx = dy reshaped
    back to x's shape."""
    _check_tensor("reshape", input)
    return _reshape(input, _infer_shape("reshape", input, as_shape("reshape", shape)))


def view(input, *shape):
    """Like :func:`reshape` but always a view: raises when the memory layout would need a copy
    (e.g. a transposed tensor), as ``torch.Tensor.view``. dx = dy reshaped back."""
    _check_tensor("view", input)
    shape = _infer_shape("view", input, as_shape("view", shape))
    out = _reshape(input, shape)
    if out._vc is not input._vc and input.data.size:
        raise RuntimeError(f"view: a tensor of shape {input.shape} with strides "
                           f"{tuple(input.data.strides)} (bytes) cannot be viewed as {shape} "
                           "without copying; use .reshape(...) instead")
    return out


def view_as(input, other):
    """``view(input, other.shape)``; dx = dy reshaped back to input's shape."""
    return view(input, tuple(other.shape))


def reshape_as(input, other):
    """``reshape(input, other.shape)``; dx = dy reshaped back to input's shape."""
    return reshape(input, tuple(other.shape))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` (inclusive) into one (a 0-d tensor becomes shape (1,)).

    A view when possible. dx = dy reshaped back."""
    _check_tensor("flatten", input)
    shape = input.shape
    if not shape:
        return _reshape(input, (1,))
    s = normalize_dim(start_dim, len(shape), "flatten")
    e = normalize_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim "
                         f"({end_dim}) for a tensor of shape {shape}")
    return _reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one may be -1), as ``torch.unflatten``.
    dx = dy reshaped back."""
    _check_tensor("unflatten", input)
    shape = input.shape
    d = normalize_dim(dim, len(shape), "unflatten")
    sizes = as_shape("unflatten", (sizes,))
    if not sizes:
        raise ValueError("unflatten: sizes must not be empty")
    try:
        sizes = _infer_shape("unflatten", Tensor(np.empty(shape[d], np.bool_)), sizes)
    except ValueError:
        raise ValueError(f"unflatten: sizes {sizes} do not multiply to {shape[d]}, the size of "
                         f"dim {dim} of a tensor of shape {shape}") from None
    return _reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    """Remove size-1 dims: all of them (``dim=None``), or those among ``dim`` (an int or a tuple);
    a listed dim whose size is not 1 is left alone, as torch. A view; dx = dy reshaped back."""
    _check_tensor("squeeze", input)
    shape = input.shape
    if dim is None:
        drop = set(range(len(shape)))
    else:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        drop = {normalize_dim(int(d), len(shape), "squeeze") for d in dims}
    return _reshape(input, tuple(n for i, n in enumerate(shape) if not (i in drop and n == 1)))


def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim`` (-ndim-1 <= dim <= ndim). A view; dx = dy reshaped back."""
    _check_tensor("unsqueeze", input)
    shape = input.shape
    d = normalize_dim(dim, len(shape) + 1, "unsqueeze")
    return _reshape(input, shape[:d] + (1,) + shape[d:])


expand_dims = unsqueeze


# ----------------------------------------------------------------------------- axis order

class Permute(Function):
    """y = x with its axes reordered: y.shape[i] = x.shape[dims[i]];  dx = dy permuted by the
    inverse permutation argsort(dims). Both are views."""
    save_inputs = False

    def forward(self, x, dims=None):
        self.inverse = tuple(int(i) for i in np.argsort(dims))
        return x.transpose(dims)

    def backward(self, g):
        return g.transpose(self.inverse)


def _permute(x, dims):
    return share_version(Permute.apply(x, dims=tuple(dims)), x)


def permute(input, *dims):
    """``permute(x, 2, 0, 1)`` or ``permute(x, (2, 0, 1))``: reorder the axes. A view;
    dx = dy with the inverse permutation."""
    _check_tensor("permute", input)
    dims = as_shape("permute", dims, "dimensions")
    nd = input.ndim
    norm = tuple(normalize_dim(d, nd, "permute") for d in dims)
    if len(norm) != nd or sorted(norm) != list(range(nd)):
        raise ValueError(f"permute: dims {dims} are not a permutation of the {nd} dims of a "
                         f"tensor of shape {input.shape}")
    return _permute(input, norm)


def transpose(input, dim0, dim1):
    """Swap dims ``dim0`` and ``dim1``. A view; dx = dy with the same two dims swapped back."""
    _check_tensor("transpose", input)
    nd = input.ndim
    perm = list(range(nd))
    a, b = normalize_dim(dim0, nd, "transpose"), normalize_dim(dim1, nd, "transpose")
    if nd:
        perm[a], perm[b] = perm[b], perm[a]
    return _permute(input, perm)


swapaxes = swapdims = transpose


def movedim(input, source, destination):
    """Move dims ``source`` (int or sequence) to positions ``destination``, keeping the order of
    the others (as ``torch.movedim``/``np.moveaxis``). A view; dx = dy permuted back."""
    _check_tensor("movedim", input)
    nd = input.ndim
    src = (source,) if isinstance(source, numbers.Integral) else tuple(source)
    dst = (destination,) if isinstance(destination, numbers.Integral) else tuple(destination)
    if len(src) != len(dst):
        raise ValueError(f"movedim: source {source} and destination {destination} must have the "
                         "same number of dims")
    src = [normalize_dim(int(d), nd, "movedim") for d in src]
    dst = [normalize_dim(int(d), nd, "movedim") for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"movedim: repeated dim in source {source} or destination {destination}")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _permute(input, order)


moveaxis = movedim


# ----------------------------------------------------------------------------- broadcasting

class Expand(Function):
    """y = x broadcast to ``shape`` (a read-only view: stretched dims have stride 0);
    dx = dy summed over the stretched and added dims (done by the engine's unbroadcast)."""
    save_inputs = False

    def forward(self, x, shape=None):
        return get_array_module(x).broadcast_to(x, shape)

    def backward(self, g):
        return g


def expand(input, *sizes):
    """``expand(x, 3, -1, 4)`` or ``expand(x, (3, -1, 4))``: broadcast size-1 dims to larger sizes
    and prepend new dims; -1 keeps a dim's size. A view; dx = dy summed over stretched dims."""
    _check_tensor("expand", input)
    sizes = as_shape("expand", sizes)
    shape = input.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise ValueError(f"expand: the {len(sizes)} sizes {sizes} are fewer than the {len(shape)} "
                         f"dims of the tensor of shape {shape}")
    out = []
    for i, s in enumerate(sizes):
        n = shape[i - lead] if i >= lead else None
        if s == -1 and n is not None:
            s = n
        if s < 0 or (n is not None and n != 1 and n != s):
            why = ("must be >= 0 for a new leading dim" if n is None else
                   f"does not match the existing size {n} (only size-1 dims can grow)")
            raise ValueError(f"expand: cannot expand a tensor of shape {shape} to {sizes}: size "
                             f"{sizes[i]} at dim {i} {why}")
        out.append(s)
    return share_version(Expand.apply(input, shape=tuple(out)), input)


def expand_as(input, other):
    """``expand(input, other.shape)``; dx = dy summed over the stretched and added dims."""
    return expand(input, tuple(other.shape))


def broadcast_to(input, size):
    """Broadcast to ``size`` (as ``torch.broadcast_to``, i.e. :func:`expand`); a read-only view.
    dx = dy summed over the stretched and added dims."""
    return expand(input, as_shape("broadcast_to", (size,)))


# ----------------------------------------------------------------------------- joining

def _check_sequence(op, tensors):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: item {i} is a {type(t).__name__}, expected a Tensor")
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        raise DeviceError(f"{op}: all tensors must be on the same device, got "
                          f"{[t.device for t in tensors]}. Move them with .to(device) first.")


class Cat(Function):
    """y = concatenation of x_1..x_k along ``dim``;  dx_i = the slice of dy that x_i occupies
    (concat backward = split; the slices are views)."""
    save_inputs = False

    def forward(self, *xs, dim=0):
        self.dim, self.sizes = dim, [x.shape[dim] for x in xs]
        return get_array_module(xs[0]).concatenate(xs, axis=dim)

    def backward(self, g):
        return tuple(_views_along(g, self.sizes, self.dim))


def cat(tensors, dim=0):
    """Concatenate along an existing dim ``dim``; shapes must match except in ``dim`` (dtypes
    promote as in torch). dx_i = dy[..., offset_i : offset_i + n_i, ...]."""
    _check_sequence("cat", tensors)
    shapes = [t.shape for t in tensors]
    nd = len(shapes[0])
    if nd == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated (use stack)")
    d = normalize_dim(dim, nd, "cat")
    for i, s in enumerate(shapes):
        if len(s) != nd or s[:d] + s[d + 1:] != shapes[0][:d] + shapes[0][d + 1:]:
            raise ValueError(f"cat: tensor {i} has shape {s} but tensor 0 has shape {shapes[0]}; "
                             f"all sizes must match except in dim {dim}")
    return Cat.apply(*tensors, dim=d)


concatenate = concat = cat


class Stack(Function):
    """y = the x_i stacked along a new dim ``dim``;  dx_i = dy[..., i, ...] (views)."""
    save_inputs = False

    def forward(self, *xs, dim=0):
        self.dim = dim
        return get_array_module(xs[0]).stack(xs, axis=dim)

    def backward(self, g):
        return tuple(g[_slices(self.dim, i)] for i in range(g.shape[self.dim]))


def stack(tensors, dim=0):
    """Stack equally shaped tensors along a new dim ``dim`` (-ndim-1 <= dim <= ndim).
    dx_i = dy[..., i, ...]."""
    _check_sequence("stack", tensors)
    shapes = [t.shape for t in tensors]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise ValueError(f"stack: tensor {i} has shape {s} but tensor 0 has shape "
                             f"{shapes[0]}; all tensors must have the same shape")
    return Stack.apply(*tensors, dim=normalize_dim(dim, len(shapes[0]) + 1, "stack"))


# ----------------------------------------------------------------------------- splitting

class Split(Function):
    """y_1..y_k = consecutive slices of x along ``dim`` (views);  dx = concatenation of the dy_i
    (split backward = concat; outputs without gradient contribute zeros)."""
    save_inputs = False

    def forward(self, x, sizes=None, dim=0):
        self.dim = dim
        return tuple(_views_along(x, sizes, dim))

    def backward(self, *gs):
        return get_array_module(gs[0]).concatenate(gs, axis=self.dim)


def _split(x, sizes, d):
    return tuple(share_version(t, x) for t in Split.apply(x, sizes=tuple(sizes), dim=d))


def split(tensor, split_size_or_sections, dim=0):
    """Split along ``dim`` into pieces of size ``split_size_or_sections`` (an int; the last piece
    may be smaller) or of the listed sizes (which must add up to the dim's size), as
    ``torch.split``. Returns a tuple of views; dx = concatenation of the dy_i."""
    _check_tensor("split", tensor)
    d = normalize_dim(dim, tensor.ndim, "split")
    n = tensor.shape[d]
    s = split_size_or_sections
    if isinstance(s, numbers.Integral):
        if s <= 0 and n:
            raise ValueError(f"split: split_size must be a positive integer, got {s}")
        sizes = [min(s, n - i) for i in range(0, n, s)] if n else [0]
    else:
        sizes = [int(k) for k in s]
        if any(k < 0 for k in sizes) or sum(sizes) != n:
            raise ValueError(f"split: section sizes {sizes} must be >= 0 and sum to {n}, the size "
                             f"of dim {dim} of a tensor of shape {tensor.shape}")
    return _split(tensor, sizes, d)


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces of size ceil(n / chunks) along ``dim`` (fewer pieces when
    they run out), as ``torch.chunk``. Views; dx = concatenation of the dy_i."""
    _check_tensor("chunk", input)
    if not isinstance(chunks, numbers.Integral) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
    d = normalize_dim(dim, input.ndim, "chunk")
    n = input.shape[d]
    if n == 0:
        return _split(input, [0] * chunks, d)
    return split(input, -(-n // chunks), d)


class Unbind(Function):
    """y_i = x[..., i, ...] along ``dim`` (views, the dim removed);  dx = stack of the dy_i."""
    save_inputs = False

    def forward(self, x, dim=0):
        self.dim = dim
        return tuple(x[_slices(dim, i)] for i in range(x.shape[dim]))

    def backward(self, *gs):
        return get_array_module(gs[0]).stack(gs, axis=self.dim)


def unbind(input, dim=0):
    """The slices along ``dim`` as a tuple of views with that dim removed. dx = stack(dy_i)."""
    _check_tensor("unbind", input)
    d = normalize_dim(dim, input.ndim, "unbind")
    return tuple(share_version(t, input) for t in Unbind.apply(input, dim=d))


# ----------------------------------------------------------------------------- padding

class PadConstant(Function):
    """y = x placed in a tensor filled with ``value`` (per dim: ``left`` entries before, ``right``
    after; negative widths crop);  dx = dy over x's region (a view when nothing was cropped,
    else zeros with the kept region filled)."""
    save_inputs = False

    def forward(self, x, widths=None, value=0.0):
        self.shape = x.shape
        self.src, self.dst, out_shape = _pad_regions(x.shape, widths)
        out = get_array_module(x).full(out_shape, value, dtype=x.dtype)
        out[self.dst] = x[self.src]
        return out

    def backward(self, g):
        if all(s.start == 0 and s.stop == n for s, n in zip(self.src, self.shape)):
            return g[self.dst]
        dx = get_array_module(g).zeros(self.shape, g.dtype)
        dx[self.src] = g[self.dst]
        return dx


def _pad_regions(shape, widths):
    """Source slices of x, destination slices of y and y's shape for per-dim (left, right)."""
    src, dst, out = [], [], []
    for n, (l, r) in zip(shape, widths):
        c0, c1 = max(-l, 0), max(-r, 0)
        m = n - c0 - c1
        src.append(slice(c0, c0 + m))
        dst.append(slice(max(l, 0), max(l, 0) + m))
        out.append(m + max(l, 0) + max(r, 0))
    return tuple(src), tuple(dst), tuple(out)


def _pad_map(n, left, right, mode):
    """Source index in x for each output position along one dim: crop (negative widths) first,
    then pad the cropped range by reflection, replication or wrapping, as torch does."""
    c0, c1 = max(-left, 0), max(-right, 0)
    m = n - c0 - c1
    j = np.arange(-max(left, 0), m + max(right, 0))
    if mode == "replicate":
        src = np.clip(j, 0, m - 1)
    elif mode == "circular":
        src = j % m
    else:                                       # reflect: ... 2 1 | 0 1 2 ... m-1 | m-2 m-3 ...
        period = 2 * (m - 1)
        src = np.abs(j) % period if period else np.zeros_like(j)
        src = np.where(src >= m, period - src, src)
    return src + c0


class PadIndexed(Function):
    """y = x gathered along each padded dim d through an index map, y[..., j, ...] =
    x[..., f_d(j), ...] (reflect, replicate and circular padding);  dx = dy scatter-added back
    through the same maps, last dim first: the kept middle block is copied, the edge positions
    are added to their sources (sources read by several outputs accumulate)."""
    save_inputs = False

    def forward(self, x, widths=None, mode=None):
        xp = get_array_module(x)
        self.shape, self.maps = x.shape, []
        for d, (n, (l, r)) in enumerate(zip(x.shape, widths)):
            if l or r:
                f = _pad_map(n, l, r, mode)
                c0 = max(-l, 0)
                self.maps.append((d, xp.asarray(f), max(l, 0), c0, n - c0 - max(-r, 0)))
                x = xp.take(x, self.maps[-1][1], axis=d)
        return x

    def backward(self, g):
        xp = get_array_module(g)
        for d, f, pl, c0, m in reversed(self.maps):
            dx = xp.zeros(g.shape[:d] + (self.shape[d],) + g.shape[d + 1:], g.dtype)
            dx[_slices(d, slice(c0, c0 + m))] = g[_slices(d, slice(pl, pl + m))]
            edges = xp.asarray(np.r_[0:pl, pl + m:f.shape[0]])
            scatter_add(dx, _slices(d, f[edges]), xp.take(g, edges, axis=d))
            g = dx
        return g


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad (or, with negative widths, crop) the last ``len(pad) // 2`` dims, as
    ``torch.nn.functional.pad``:
    ``pad = (left_last, right_last, left_2nd_last, right_2nd_last, ...)``.

    Modes: ``"constant"`` (fill with ``value``, default 0; any float incl. -inf), ``"reflect"``
    (mirror without repeating the edge; widths < size), ``"replicate"`` (repeat the edge),
    ``"circular"`` (wrap around; widths <= size). Negative widths crop first, then the cropped
    tensor is padded. Backward: constant -> dx = dy over x's region; the others -> dy
    scatter-added back through the index maps (repeated sources accumulate)."""
    _check_tensor("pad", input)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; expected one of {_PAD_MODES}")
    pad = tuple(pad)
    if len(pad) % 2 or not all(isinstance(p, numbers.Integral) for p in pad):
        raise ValueError(f"pad: pad must be an even-length sequence of ints (left, right per dim, "
                         f"last dim first), got {pad}")
    k = len(pad) // 2
    shape = input.shape
    if k > len(shape):
        raise ValueError(f"pad: {len(pad)} widths pad {k} dims but the tensor of shape {shape} "
                         f"has only {len(shape)}")
    if mode != "constant" and value is not None:
        raise ValueError(f"pad: mode {mode!r} does not take a value (only 'constant' does)")
    widths = [(0, 0)] * (len(shape) - k) + [(int(pad[2 * i]), int(pad[2 * i + 1]))
                                            for i in reversed(range(k))]
    for d, (n, (l, r)) in enumerate(zip(shape, widths)):
        m = n - max(-l, 0) - max(-r, 0)
        if m < 0 or (m == 0 and mode != "constant" and (l > 0 or r > 0)):
            raise ValueError(f"pad: widths ({l}, {r}) for dim {d} of a tensor of shape {shape} "
                             f"leave {m} elements to pad from")
        if mode == "reflect" and max(l, r) >= m:
            raise ValueError(f"pad: reflect widths ({l}, {r}) for dim {d} must be smaller than "
                             f"the size {m} of that dim (tensor of shape {shape})")
        if mode == "circular" and max(l, r) > m:
            raise ValueError(f"pad: circular widths ({l}, {r}) for dim {d} must not exceed the "
                             f"size {m} of that dim (tensor of shape {shape}): it would wrap "
                             "around more than once")
    if mode == "constant":
        return PadConstant.apply(input, widths=tuple(widths), value=0.0 if value is None else value)
    return PadIndexed.apply(input, widths=tuple(widths), mode=mode)


# ----------------------------------------------------------------------------- reordering copies

class Flip(Function):
    """y = x reversed along ``dims`` (a copy, as torch);  dx = dy reversed along the same dims."""
    save_inputs = False

    def forward(self, x, dims=None):
        self.index = tuple(slice(None, None, -1) if d in dims else slice(None)
                           for d in range(x.ndim))
        return x[self.index].copy()

    def backward(self, g):
        return g[self.index]


def flip(input, *dims):
    """Reverse the order of elements along ``dims`` (``flip(x, (0, 2))`` or ``flip(x, 0, 2)``).
    A copy; dx = dy flipped the same way."""
    _check_tensor("flip", input)
    dims = {normalize_dim(d, input.ndim, "flip") for d in as_shape("flip", dims, "dimensions")}
    return Flip.apply(input, dims=frozenset(dims))


class Roll(Function):
    """y = x shifted cyclically by ``shifts`` along ``dims`` (``dims=None``: the flattened
    tensor);  dx = dy rolled by -shifts."""
    save_inputs = False

    def forward(self, x, shifts=None, dims=None):
        self.shifts, self.dims = shifts, dims
        return get_array_module(x).roll(x, shifts, axis=dims)

    def backward(self, g):
        neg = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        return get_array_module(g).roll(g, neg, axis=self.dims)


def roll(input, shifts, dims=None):
    """Roll elements cyclically (as ``torch.roll``): ``shifts`` and ``dims`` are ints or equally
    long tuples; with ``dims=None`` the tensor is rolled flattened and reshaped back.
    dx = dy rolled by -shifts."""
    _check_tensor("roll", input)
    if dims is None:
        if not isinstance(shifts, numbers.Integral):
            if len(shifts) != 1:
                raise ValueError(f"roll: with dims=None shifts must be one int, got {shifts}")
            shifts = shifts[0]
        return Roll.apply(input, shifts=int(shifts), dims=None)
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    dims = tuple(normalize_dim(d, input.ndim, "roll") for d in dims)
    return Roll.apply(input, shifts=tuple(int(s) for s in shifts), dims=dims)


class Tile(Function):
    """y = x tiled ``reps[i]`` times along dim i (x first viewed with leading 1s to len(reps)
    dims);  dx = dy viewed as (r_0, n_0, r_1, n_1, ...) and summed over the r axes."""
    save_inputs = False

    def forward(self, x, reps=None):
        self.shape, self.reps = x.shape, reps
        return get_array_module(x).tile(x, reps)

    def backward(self, g):
        full = (1,) * (len(self.reps) - len(self.shape)) + self.shape
        split = tuple(v for pair in zip(self.reps, full) for v in pair)
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(self.shape)


def repeat(input, *sizes):
    """``torch.Tensor.repeat``: tile ``sizes[i]`` times along dim i; ``len(sizes)`` must be at
    least ``input.ndim`` (extra sizes add leading dims). dx = sum of dy over the copies."""
    _check_tensor("repeat", input)
    sizes = as_shape("repeat", sizes)
    if len(sizes) < input.ndim:
        raise ValueError(f"repeat: {len(sizes)} repeat sizes {sizes} are fewer than the "
                         f"{input.ndim} dims of the tensor of shape {input.shape}")
    if any(s < 0 for s in sizes):
        raise ValueError(f"repeat: repeat sizes must be >= 0, got {sizes}")
    return Tile.apply(input, reps=sizes)


def tile(input, *dims):
    """``torch.tile``: ``tile(x, (2, 3))`` or ``x.tile(2, 3)``; like :func:`repeat`, but fewer
    ``dims`` than tensor dims are padded with leading 1s. dx = sum of dy over the copies."""
    _check_tensor("tile", input)
    dims = as_shape("tile", dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class RepeatInterleave(Function):
    """y = each slice of x along ``dim`` repeated ``repeats`` times in place (x0 x0 x1 x1 ...);
    dx = dy summed over each element's copies (int repeats: a reshape and a sum; per-element
    repeats: a scatter-add)."""
    save_inputs = False

    def forward(self, x, repeats=None, dim=0):
        self.shape, self.repeats, self.dim = x.shape, repeats, dim
        return get_array_module(x).repeat(x, repeats, axis=dim)

    def backward(self, g):
        d, n, r = self.dim, self.shape[self.dim], self.repeats
        if isinstance(r, int):
            return g.reshape(g.shape[:d] + (n, r) + g.shape[d + 1:]).sum(axis=d + 1)
        xp = get_array_module(g)
        dx = xp.zeros(self.shape, g.dtype)
        return scatter_add(dx, _slices(d, xp.repeat(xp.arange(n), r)), g)


def repeat_interleave(input, repeats, dim=None):
    """Repeat each element ``repeats`` times along ``dim`` (an int, or a 1-D int tensor with one
    count per element); ``dim=None`` works on the flattened tensor, as torch.
    dx = dy summed over each element's copies."""
    _check_tensor("repeat_interleave", input)
    if dim is None:
        input, dim = reshape(input, -1), 0
    d = normalize_dim(dim, input.ndim, "repeat_interleave")
    n = input.shape[d]
    if isinstance(repeats, numbers.Integral):
        if repeats < 0:
            raise ValueError(f"repeat_interleave: repeats must be >= 0, got {repeats}")
        return RepeatInterleave.apply(input, repeats=int(repeats), dim=d)
    r = repeats.data if isinstance(repeats, Tensor) else np.asarray(repeats)
    if r.dtype.kind not in "iu" or r.ndim > 1 or r.size not in (1, n):
        raise ValueError(f"repeat_interleave: repeats must be an int or a 1-D integer tensor "
                         f"with 1 or {n} entries (the size of dim {dim}), got dtype {r.dtype} and "
                         f"shape {tuple(r.shape)}")
    if bool((r < 0).any()):
        raise ValueError("repeat_interleave: repeats must be >= 0")
    if r.size == 1:
        return RepeatInterleave.apply(input, repeats=int(r.reshape(())), dim=d)
    return RepeatInterleave.apply(input, repeats=to_numpy(r).tolist(), dim=d)  # CuPy takes lists

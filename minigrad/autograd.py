"""Reverse-mode automatic differentiation: ``Function``, graph recording and ``backward``.

How it works, in four lines:

1. An op is a :class:`Function` subclass with ``forward(*arrays, **options)`` on raw NumPy/CuPy
   arrays and ``backward(*grad_outputs)`` returning one gradient array (or ``None``) per input.
2. ``Op.apply(*inputs, **options)`` runs ``forward``; when grad mode is on and some input requires
   grad, the Function instance becomes a graph node: it keeps one *edge* per input (the parent
   node, or the leaf tensor to accumulate into) plus whatever ``forward`` stored on ``self`` for
   its backward -- and nothing else, so intermediate arrays are freed as soon as possible.
3. ``backward`` orders the nodes reachable from the root topologically (Kahn's algorithm, no
   recursion: a chain of 100,000 ops is fine), calls each node's ``backward`` once all of its
   consumers have delivered their gradients, sums gradients that meet, undoes broadcasting
   centrally (:func:`unbroadcast`) and accumulates into the leaves' ``.grad``.
4. After backward the graph is released (saved arrays dropped) unless ``retain_graph=True``.

In-place safety: every tensor has a version counter bumped by true in-place writes. A node whose
``forward`` saved its inputs (``save_inputs``) or outputs (``save_outputs``) records their
versions, and backward refuses to run if one changed meanwhile (the arrays it saved are stale).
"""
import functools
import os
import sys
import traceback

from .backend import DeviceError, device_of, get_array_module

_grad_enabled = True
_anomaly = False


# ----------------------------------------------------------------------------- modes

def is_grad_enabled():
    """True when ops record the graph."""
    return _grad_enabled


class _GradMode:
    """Context manager and decorator that sets grad mode to ``self.mode`` and restores it."""
    mode = True

    def __enter__(self):
        global _grad_enabled
        self._prev, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._prev

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Disable graph recording: ``with minigrad.no_grad(): p -= lr * p.grad``, or ``@no_grad()``."""
    mode = False


class enable_grad(_GradMode):
    """Re-enable graph recording inside a ``no_grad`` block (context manager or decorator)."""
    mode = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(flag)``: set grad mode to ``flag`` now (and restore on exit if used in ``with``)."""

    def __init__(self, mode):
        global _grad_enabled
        self._prev, _grad_enabled = _grad_enabled, bool(mode)
        self.mode = bool(mode)

    def __enter__(self):
        pass

    def __call__(self, func):
        raise TypeError("set_grad_enabled(flag) is a context manager, not a decorator")


class detect_anomaly:
    """Check every gradient computed in backward for NaN/inf and raise naming the op.

    Also records where each op was created, so the error points at the forward line.
    Use as ``with minigrad.detect_anomaly(): loss.backward()`` (the forward should be inside too
    for the creation trace)."""

    def __init__(self, enabled=True):
        self.enabled = enabled

    def __enter__(self):
        global _anomaly
        self._prev, _anomaly = _anomaly, self.enabled

    def __exit__(self, *exc):
        global _anomaly
        _anomaly = self._prev


def is_anomaly_enabled():
    return _anomaly


# ----------------------------------------------------------------------------- Function

class Function:
    """Base class of every differentiable op.

    Subclasses implement ``forward(self, *arrays, **options)`` returning an array or a tuple of
    arrays, and ``backward(self, *grad_outputs)`` returning a gradient per ``forward`` input (a
    tuple, or a single array for a one-input op); ``None`` means "no gradient". Gradients may
    have the broadcast shape of the output: the engine reduces them to each input's shape.

    Class attributes:
      ``save_inputs``   forward keeps input arrays for backward (their versions are checked);
      ``save_outputs``  forward keeps output arrays for backward (checked likewise);
      ``nondiff_outputs``  indices of outputs that never carry gradient (e.g. argmax indices).
    """
    __slots__ = ("_edges", "_n_out", "_out_meta", "_versions", "_out_vcs", "_hooks",
                 "_retained", "__dict__", "__weakref__")
    save_inputs = True
    save_outputs = False
    nondiff_outputs = ()

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, *grad_outputs):
        raise NotImplementedError(f"{type(self).__name__} is not differentiable")

    @property
    def name(self):
        return type(self).__name__

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on tensors (non-tensor inputs are constants) and record it if needed."""
        raw = []
        need_grad = False
        array_type = None
        for a in inputs:
            if isinstance(a, Tensor):
                d = a.data
                raw.append(d)
                if a.requires_grad:
                    need_grad = True
                if array_type is None:
                    array_type = type(d)
                elif type(d) is not array_type:
                    _raise_mixed_devices(cls, inputs)
            else:
                raw.append(a)
        fn = object.__new__(cls)
        out = fn.forward(*raw, **options)
        multi = type(out) is tuple
        if not (need_grad and _grad_enabled):
            if multi:
                return tuple(_wrap(o, False, None, 0) for o in out)
            return _wrap(out, False, None, 0)

        edges = []
        for a in inputs:
            if isinstance(a, Tensor) and a.requires_grad:
                node = a._node
                edges.append((a if node is None else node, a._out_idx, a.data.shape, a.data.dtype))
            else:
                edges.append(None)
        fn._edges = edges
        fn._hooks = fn._retained = None
        fn._versions = (tuple((i, a._vc, a._vc[0]) for i, a in enumerate(inputs)
                              if isinstance(a, Tensor)) if cls.save_inputs else None)
        if _anomaly:
            fn.__dict__["_creation_trace"] = _user_frames()
        if not multi:
            fn._n_out = 1
            fn._out_meta = None
            t = _wrap(out, True, fn, 0)
            fn._out_vcs = ((t._vc, 0),) if cls.save_outputs else None
            return t
        fn._n_out = len(out)
        fn._out_meta = [(o.shape, o.dtype) for o in out]
        nondiff = cls.nondiff_outputs
        outs = tuple(_wrap(o, i not in nondiff, fn if i not in nondiff else None, i)
                     for i, o in enumerate(out))
        fn._out_vcs = tuple((t._vc, 0) for t in outs) if cls.save_outputs else None
        return outs

    def _check_versions(self):
        """Refuse to backpropagate with arrays that were modified in place after forward."""
        for i, vc, v in self._versions or ():
            if vc[0] != v:
                raise RuntimeError(
                    f"{self.name}.backward: input {i} was modified by an in-place operation after "
                    f"it was used (version {v} at forward, {vc[0]} now); the gradient would be "
                    "wrong. Use an out-of-place op (x = x + y) or .clone() before modifying.")
        for k, (vc, v) in enumerate(self._out_vcs or ()):
            if vc[0] != v:
                raise RuntimeError(
                    f"{self.name}.backward: its output {k} was modified by an in-place operation "
                    f"(version {vc[0]}, expected {v}); the saved result is stale. Use an "
                    "out-of-place op or .clone() the output before modifying it.")

    def _release(self):
        self.__dict__.clear()
        self._edges = None
        self._hooks = self._retained = None


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frames(keep=4):
    """The innermost stack frames outside minigrad: where the user created an op."""
    frames = [f for f in traceback.extract_stack()[:-2] if not f.filename.startswith(_PACKAGE_DIR)]
    return "".join(traceback.format_list(frames[-keep:]))


def _raise_mixed_devices(cls, inputs):
    devices = [f"input {i}: {device_of(a.data)}" for i, a in enumerate(inputs) if isinstance(a, Tensor)]
    raise DeviceError(f"{cls.__name__}: all tensor inputs must be on the same device, got "
                      f"{', '.join(devices)}. Move them with .to(device) first.")


# ----------------------------------------------------------------------------- backward

def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    Forward ``y = f(broadcast(x))`` copies x along those axes, so ``dx = sum over them of dy``."""
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def _check_finite(fn, grads):
    for i, g in enumerate(grads):
        if g is None or g.dtype.kind != "f":
            continue
        xp = get_array_module(g)
        if not bool(xp.isfinite(g).all()):
            bad = "nan" if bool(xp.isnan(g).any()) else "inf"
            trace = fn.__dict__.get("_creation_trace", "")
            raise FloatingPointError(
                f"detect_anomaly: {fn.name}.backward produced {bad} in the gradient of its input {i} "
                f"(shape {tuple(g.shape)})." + (f"\nThe op was created at:\n{trace}" if trace else ""))


def run_backward(roots, root_grads, retain_graph=False):
    """Backpropagate ``root_grads`` (arrays) from ``roots`` (tensors) to every leaf."""
    # 1. discover the nodes and count, for each, the edges that point at it
    deps = {}
    stack = []
    leaf_grads = {}
    for t, g in zip(roots, root_grads):
        if t._node is None:
            _add_leaf(leaf_grads, t, g)
        elif t._node not in deps:
            deps[t._node] = 0
            stack.append(t._node)
    order = list(stack)
    while stack:
        fn = stack.pop()
        if fn._edges is None:
            raise RuntimeError(
                f"{fn.name}: trying to backward through a graph whose saved arrays were already "
                "freed by an earlier backward(). Call backward(retain_graph=True) the first time "
                "if you need to backpropagate through the same graph twice.")
        for e in fn._edges:
            if e is not None and isinstance(e[0], Function):
                parent = e[0]
                if parent in deps:
                    deps[parent] += 1
                else:
                    deps[parent] = 1
                    stack.append(parent)

    # 2. seed the root gradients, then run nodes whose consumers are all done
    buffers = {}
    for t, g in zip(roots, root_grads):
        if t._node is not None:
            _add_to_buffer(buffers, t._node, t._out_idx, g)
    ready = [fn for fn in dict.fromkeys(order) if deps[fn] == 0]
    anomaly = _anomaly
    while ready:
        fn = ready.pop()
        grads = buffers.pop(fn, None)
        edges = fn._edges
        if grads is not None and any(g is not None for g in grads):
            if fn._hooks or fn._retained:
                _run_node_hooks(fn, grads)
            if fn._n_out > 1:
                xp = get_array_module(next(g for g in grads if g is not None))
                grads = [g if g is not None else xp.zeros(shape, dtype)
                         for g, (shape, dtype) in zip(grads, fn._out_meta)]
            if fn._versions is not None or fn._out_vcs is not None:
                fn._check_versions()
            in_grads = fn.backward(*grads)
            if type(in_grads) is not tuple:
                in_grads = (in_grads,)
            if len(in_grads) != len(edges):
                raise RuntimeError(f"{fn.name}.backward returned {len(in_grads)} gradients for "
                                   f"{len(edges)} inputs")
            if anomaly:
                _check_finite(fn, in_grads)
        else:
            in_grads = (None,) * len(edges)
        for e, g in zip(edges, in_grads):
            if e is None:
                continue
            target, idx, shape, dtype = e
            if g is not None:
                if g.shape != shape:
                    g = unbroadcast(g, shape)
                    if g.shape != shape:
                        raise RuntimeError(f"{fn.name}.backward: gradient of shape {g.shape} "
                                           f"cannot be reduced to the input shape {shape}")
                if g.dtype != dtype:
                    g = g.astype(dtype)
            if not isinstance(target, Function):      # a leaf (Tensor or a subclass such as nn.Parameter)
                if g is not None:
                    _add_leaf(leaf_grads, target, g)
            else:
                if g is not None:
                    _add_to_buffer(buffers, target, idx, g)
                deps[target] -= 1
                if deps[target] == 0:
                    ready.append(target)
        if not retain_graph:
            fn._release()

    grads = in_grads = g = None         # drop loop references so unshared arrays can be stolen
    _accumulate_leaves(leaf_grads)


def _accumulate_leaves(leaf_grads):
    """Run leaf hooks on each summed gradient, then accumulate it into ``leaf.grad``.

    A gradient array that nothing else references (a fresh result of some backward) becomes
    ``.grad`` as it is; one that may be shared (the same array sent to two leaves, a view, the
    caller's own gradient) is copied first, so in-place updates of one ``.grad`` (gradient
    clipping, accumulation) can never leak into another. This is PyTorch's "steal if unique"."""
    while leaf_grads:
        t, g = leaf_grads.popitem()[1]
        if t._hooks:
            for hook in t._hooks:
                r = hook(_wrap(g, False, None, 0))
                if r is not None:
                    g = r.data if isinstance(r, Tensor) else r
        if t.grad is None:
            if g.base is not None or sys.getrefcount(g) > _UNSHARED_REFS or not g.flags.writeable:
                g = g.copy()
            t.grad = _wrap(g, False, None, 0)
        else:
            t.grad.data = t.grad.data + g


_UNSHARED_REFS = 2      # sys.getrefcount of an array held only by the local name (+ the call)


def _add_leaf(leaf_grads, t, g):
    entry = leaf_grads.get(id(t))
    if entry is None:
        leaf_grads[id(t)] = [t, g]
    else:
        entry[1] = entry[1] + g


def _add_to_buffer(buffers, fn, idx, g):
    buf = buffers.get(fn)
    if buf is None:
        buf = buffers[fn] = [None] * fn._n_out
    buf[idx] = g if buf[idx] is None else buf[idx] + g


def _run_node_hooks(fn, grads):
    for idx, hooks in (fn._hooks or {}).items():
        if grads[idx] is None:
            continue
        for hook in hooks:
            r = hook(_wrap(grads[idx], False, None, 0))
            if r is not None:
                grads[idx] = r.data if isinstance(r, Tensor) else r
    for idx, ref in (fn._retained or {}).items():
        t = ref()
        if t is not None and grads[idx] is not None:
            t.grad = _wrap(grads[idx].copy(), False, None, 0)


from .tensor import Tensor, _wrap  # noqa: E402  (tensor.py needs this module first)

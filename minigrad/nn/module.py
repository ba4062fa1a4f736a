"""``Module``: the base class of every layer and model (mirrors ``torch.nn.Module``).

A module owns three ordered dictionaries filled by attribute assignment:

* ``_parameters``: :class:`Parameter` attributes (trainable tensors),
* ``_buffers``: tensors registered with :meth:`Module.register_buffer` (state that is saved but
  not trained, e.g. batch-norm running statistics),
* ``_modules``: sub-modules, which gives the hierarchical names ``encoder.conv1.weight``.

Subclasses implement ``forward``; calling the module runs the forward pre-hooks, ``forward`` and
the forward hooks. ``state_dict``/``load_state_dict`` map those names to arrays (strict key and
shape checks), ``to(device=..., dtype=...)`` converts parameters and buffers in place (the same
Parameter objects keep living, so an optimizer built before ``to`` still holds them).
"""
from collections import OrderedDict, namedtuple

import numpy as np

from ..backend import device_of, get_array_module, to_device
from ..dtypes import as_dtype
from ..tensor import Tensor, _as_array, _wrap
from .parameter import Buffer, Parameter

_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.pop(self._key, None)


def _addindent(text, spaces=2):
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * spaces + ln for ln in lines[1:]])


def _parse_to(args, device, dtype):
    """``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` or keywords."""
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, str) and (a == "cpu" or a.startswith("cuda")):
            device = a
        else:
            dtype = a
    dtype = as_dtype(dtype)
    if dtype is not None and dtype.kind != "f":
        raise TypeError(f"Module.to only accepts floating point dtypes, got {dtype}")
    return device, dtype


class Module:
    """Base class of layers and models; see the module docstring."""
    _version = 1

    def __init__(self):
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward() method")

    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                r = hook(self, args, out)
                if r is not None:
                    out = r
        return out

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() was called "
                                 f"(call super().__init__() first in {type(self).__name__})")
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        if isinstance(value, Parameter):
            self._forget(name)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            modules[name] = value
        elif isinstance(value, Buffer):
            self._forget(name)
            self.register_buffer(name, value, value.persistent)
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to parameter {name!r} "
                                f"of {type(self).__name__}: use nn.Parameter(...) or None")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to sub-module {name!r}: "
                                "expected a Module or None")
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign a {type(value).__name__} to buffer {name!r}: "
                                "expected a Tensor or None")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            d[key].pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            table = d.get(key)
            if table is not None and name in table:
                return table[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if name in d[key]:
                del d[key][name]
                d["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def _check_name(self, name, what):
        if not isinstance(name, str):
            raise TypeError(f"{what} name must be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f"{what} name {name!r} must be non-empty and contain no '.'")
        if hasattr(self, name) and name not in self._parameters and name not in self._buffers \
                and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")

    def register_parameter(self, name, param):
        """Add ``param`` (a :class:`Parameter` or None) under ``name``."""
        self._check_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter({name!r}): expected nn.Parameter or None, got "
                            f"{type(param).__name__}")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add non-trainable state ``tensor`` (or None) under ``name``; non-persistent buffers
        are left out of ``state_dict``."""
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer({name!r}): expected a Tensor or None, got "
                            f"{type(tensor).__name__}")
        if isinstance(tensor, (Parameter, Buffer)):
            tensor = _wrap(tensor.data, False, None, 0)
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Add child ``module`` (or None) under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): {type(module).__name__} is not a Module")
        self._check_name(name, "module")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def register_forward_hook(self, hook):
        """``hook(module, inputs, output)`` after each forward; a returned value replaces output."""
        key = object()
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    def register_forward_pre_hook(self, hook):
        """``hook(module, inputs)`` before each forward; a returned value replaces the inputs."""
        key = object()
        self._forward_pre_hooks[key] = hook
        return RemovableHandle(self._forward_pre_hooks, key)

    # ------------------------------------------------------------------ iteration
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(name, module)`` for this module and every descendant, depth first (shared
        modules once)."""
        memo = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate:
                if id(m) in memo:
                    continue
                memo.add(id(m))
            yield name, m
            children = [(name + ("." if name else "") + k, c) for k, c in m._modules.items()
                        if c is not None]
            stack.extend(reversed(children))

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named_members(self, table, prefix, recurse, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mname, m in mods:
            for k, v in getattr(m, table).items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield mname + ("." if mname else "") + k, v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(name, parameter)`` pairs, hierarchical names; a shared parameter appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target):
        m = self
        for part in target.split(".") if target else []:
            if part not in m._modules:
                raise AttributeError(f"{type(m).__name__} has no sub-module {part!r} "
                                     f"(looking up {target!r})")
            m = m._modules[part]
        return m

    def get_parameter(self, target):
        mod, _, name = target.rpartition(".")
        m = self.get_submodule(mod)
        if name not in m._parameters:
            raise AttributeError(f"{type(m).__name__} has no parameter {name!r}")
        return m._parameters[name]

    # ------------------------------------------------------------------ modes and state
    def train(self, mode=True):
        """Training mode (dropout active, batch statistics in batch norm) for the whole tree."""
        if not isinstance(mode, bool):
            raise ValueError("train(mode): mode must be True or False")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self):
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` of every parameter (freeze with False); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of every parameter (to None, or to zeros in place)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.data = get_array_module(p.grad.data).zeros_like(p.grad.data)

    def apply(self, fn):
        """Call ``fn(m)`` on every sub-module (children first) and on self; returns self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply(self, fn):
        """Replace the array of every parameter, gradient and buffer by ``fn(array)``."""
        for m in self.modules():
            for p in m._parameters.values():
                if p is None:
                    continue
                p.data = fn(p.data)
                if p.grad is not None:
                    p.grad.data = fn(p.grad.data)
            for k, b in m._buffers.items():
                if b is not None:
                    b.data = fn(b.data)
        return self

    def to(self, *args, device=None, dtype=None):
        """``to(device)``, ``to(dtype)`` or both: convert parameters and buffers in place
        (floating ones only change dtype, as in PyTorch); returns self."""
        device, dtype = _parse_to(args, device, dtype)

        def convert(a):
            if dtype is not None and a.dtype.kind == "f" and a.dtype != dtype:
                a = a.astype(dtype)
            if device is not None:
                a = to_device(a, device)
            return a
        return self._apply(convert)

    def double(self):
        return self.to(dtype=np.float64)

    def float(self):
        return self.to(dtype=np.float32)

    def half(self):
        return self.to(dtype=np.float16)

    def cpu(self):
        return self.to(device="cpu")

    def cuda(self, device=None):
        return self.to(device="cuda")

    def type(self, dtype):
        return self.to(dtype=dtype)

    # ------------------------------------------------------------------ state dict
    def _state_entries(self, prefix=""):
        """``(name, tensor)`` for every parameter and persistent buffer (a shared module
        appears under each of its names, as in PyTorch)."""
        for mname, m in self.named_modules(prefix=prefix, remove_duplicate=False):
            pre = mname + "." if mname else ""
            for k, p in m._parameters.items():
                if p is not None:
                    yield pre + k, p
            for k, b in m._buffers.items():
                if b is not None and k not in m._non_persistent:
                    yield pre + k, b

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """Ordered ``name -> tensor`` of every parameter and persistent buffer (detached
        tensors sharing the arrays unless ``keep_vars``)."""
        out = OrderedDict() if destination is None else destination
        for k, t in self._state_entries(prefix.rstrip(".")):
            out[k] = t if keep_vars else _wrap(t.data, False, None, 0)
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy ``state_dict`` values (tensors or arrays) into the parameters and buffers.

        Shapes must match exactly (always checked). ``strict=True`` also requires the keys to
        match exactly and raises a RuntimeError listing missing and unexpected keys; with
        ``strict=False`` those are returned as ``(missing_keys, unexpected_keys)``."""
        if not hasattr(state_dict, "items"):
            raise TypeError(f"load_state_dict expects a mapping, got {type(state_dict).__name__}")
        targets = OrderedDict(self._state_entries())
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        errors = []
        converted = {}
        for k, t in targets.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            arr = v.data if isinstance(v, Tensor) else _as_array(v, t.dtype, None)
            if tuple(arr.shape) != t.shape:
                errors.append(f"size mismatch for {k}: copying a value of shape "
                              f"{tuple(arr.shape)}, the model has shape {t.shape}")
                continue
            converted[k] = arr
        if strict:
            if missing:
                errors.insert(0, "Missing key(s): " + ", ".join(repr(k) for k in missing))
            if unexpected:
                errors.insert(0, "Unexpected key(s): " + ", ".join(repr(k) for k in unexpected))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        for k, arr in converted.items():
            t = targets[k]
            xp = get_array_module(t.data)
            src = to_device(arr, device_of(t.data))
            xp.copyto(t.data, src.astype(t.dtype, copy=False))
            t._vc[0] += 1
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self):
        """One line of constructor arguments shown in ``repr`` (override in layers)."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        children = [f"({k}): " + _addindent(repr(m)) for k, m in self._modules.items()]
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = ([extra] if extra else []) + children
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"

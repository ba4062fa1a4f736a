"""``Optimizer``: parameter groups, per-parameter state, ``step``, ``zero_grad``, state dicts.

Subclasses implement ``_update(p, g, state, group)`` on raw arrays: ``p`` the parameter tensor,
``g`` its gradient array, ``state`` that parameter's dict (empty on the first step) and
``group`` its parameter group's options. ``step`` runs every update under ``no_grad``, writes
``p.data`` in place and bumps the parameter's version counter, so a graph built before the step
refuses to backpropagate with the stale values.

``state_dict()`` holds only arrays and plain numbers (NumPy copies of the state, parameters
referred to by their index in the groups), so it can be saved to ``.npz`` without pickle.
"""
import numbers

import numpy as np

from ..autograd import no_grad
from ..backend import device_of, get_array_module, to_device, to_numpy
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


def zeros_like(a, fill=0.0):
    """A new array like ``a`` (same device and dtype) filled with ``fill``."""
    return get_array_module(a).full_like(a, fill)


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``; ``params`` is an iterable of tensors or of
    dicts ``{"params": [...], "lr": ...}`` (parameter groups with their own options)."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors or "
                            "of dicts, got a single Tensor (wrap it in a list)")
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(g.items()) if k != "params"]
        return "\n".join(lines) + "\n)"

    def add_param_group(self, param_group):
        """Add a group (``{"params": [...], option: value}``); missing options take the
        optimizer's defaults. A parameter may belong to one group only."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group expects a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} can only optimize Tensors, got "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: can't optimize a non-leaf tensor "
                                 f"(shape {p.shape})")
            if p.dtype.kind != "f":
                raise TypeError(f"{type(self).__name__}: parameters must be floating point, got "
                                f"{p.dtype}")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{type(self).__name__}: a parameter group contains duplicate "
                             "parameters")
        group["params"] = params
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"{type(self).__name__}: parameter group didn't specify a value "
                                 f"of required option {k!r}")
            group.setdefault(k, v)
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError(f"{type(self).__name__}: some parameters appear in more than one "
                             "parameter group")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group):
        """Validate a group's options (subclasses raise ValueError for bad values)."""
        if group.get("lr", 0) is not required and group.get("lr", 0) < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {group['lr']}")

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's gradient (to None by default, or to zeros)."""
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad.data = p.grad.data * 0

    def step(self, closure=None):
        """One update of every parameter that has a gradient. ``closure`` (re-evaluating and
        returning the loss, with grad enabled) is called first when given."""
        loss = None
        if closure is not None:
            from ..autograd import enable_grad
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad.data
                    state = self.state.get(p)
                    if state is None:
                        state = self.state[p] = {}
                    self._update(p, g, state, group)
                    p._vc[0] += 1
        return loss

    def _update(self, p, g, state, group):
        raise NotImplementedError

    # ------------------------------------------------------------------ state dicts
    def state_dict(self):
        """``{"state": {index: {name: ndarray | number}}, "param_groups": [{option: value,
        "params": [index, ...]}]}``: arrays are NumPy copies, indices number the parameters
        across the groups in order."""
        index, groups, k = {}, [], 0
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index[id(p)] = k
                ids.append(k)
                k += 1
            groups.append({**{o: v for o, v in g.items() if o != "params"}, "params": ids})
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {n: (to_numpy(v).copy() if hasattr(v, "shape")
                                               and not isinstance(v, numbers.Number) else v)
                                           for n, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state saved by :meth:`state_dict` (groups must have the same
        sizes); arrays are converted to each parameter's dtype and device."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the state has "
                             f"{len(groups)} parameter groups, the optimizer "
                             f"{len(self.param_groups)}")
        params = []
        for saved, g in zip(groups, self.param_groups):
            if len(saved["params"]) != len(g["params"]):
                raise ValueError(f"{type(self).__name__}.load_state_dict: a saved group has "
                                 f"{len(saved['params'])} parameters, the optimizer's group "
                                 f"{len(g['params'])}")
            params.extend(zip(saved["params"], g["params"]))
        self.state = {}
        states = state_dict["state"]
        for idx, p in params:
            st = states.get(idx, states.get(str(idx)))
            if st is None:
                continue
            new = {}
            for n, v in st.items():
                if not hasattr(v, "shape"):
                    new[n] = v                                  # plain number (e.g. step)
                elif np.ndim(v) == 0 and (n == "step" or p.ndim > 0):
                    new[n] = v.item()                           # a number that went through npz
                else:
                    arr = np.asarray(v) if device_of(v) == "cpu" else v
                    new[n] = to_device(arr.astype(p.dtype, copy=True), p.device)
            self.state[p] = new
        for saved, g in zip(groups, self.param_groups):
            for o, v in saved.items():
                if o != "params":
                    g[o] = tuple(v) if isinstance(v, list) else v

"""V-25 transfer-learning mechanics: freezing, head replacement, trainable-parameter selection,
feature caching and a bit-exact snapshot for checking that frozen tensors never change.

Freezing (``freeze(module)``) means three things: every parameter gets ``requires_grad=False``
(no gradient, so no optimizer update), the module is put in eval mode (batch norm uses and keeps
its running statistics, dropout is off), and a forward pre-hook puts it back in eval mode before
every call - so a training loop's ``model.train()`` on the whole model cannot switch the frozen
batch-norm layers back to batch statistics and update their buffers.
"""
from collections import OrderedDict

import numpy as np

import minigrad as mg

__all__ = ["freeze", "unfreeze", "is_frozen", "replace_module", "trainable_parameters",
           "snapshot", "changed_tensors", "cache_features"]


def _keep_eval(module, inputs):
    module.train(False)


def freeze(module):
    """Freeze ``module`` in place (see the module docstring); returns it."""
    module.requires_grad_(False)
    module.train(False)
    if module.__dict__.get("_freeze_handle") is None:
        module.__dict__["_freeze_handle"] = module.register_forward_pre_hook(_keep_eval)
    return module


def unfreeze(module, train=True):
    """Undo :func:`freeze`: parameters trainable again, mode ``train``."""
    handle = module.__dict__.pop("_freeze_handle", None)
    if handle is not None:
        handle.remove()
    module.requires_grad_(True)
    module.train(train)
    return module


def is_frozen(module):
    return module.__dict__.get("_freeze_handle") is not None


def replace_module(model, name, new):
    """Replace the submodule at dotted path ``name`` (e.g. ``"classifier.6"`` or ``"head"``)
    by ``new``; returns the old one."""
    parent_name, _, leaf = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = getattr(parent, leaf) if not leaf.isdigit() else parent[int(leaf)]
    if leaf.isdigit():
        parent[int(leaf)] = new
    else:
        setattr(parent, leaf, new)
    return old


def trainable_parameters(model):
    """The parameters that still require grad (what the optimizer should see)."""
    return [p for p in model.parameters() if p.requires_grad]


def snapshot(module):
    """A copy of every parameter and buffer as NumPy arrays (name -> array)."""
    return OrderedDict((k, np.array(v.numpy(), copy=True)) for k, v in module.state_dict().items())


def changed_tensors(module, before):
    """Names whose current value is not bit-identical to ``before`` (a :func:`snapshot`)."""
    now = snapshot(module)
    return [k for k, v in before.items()
            if k not in now or now[k].shape != v.shape or now[k].tobytes() != v.tobytes()]


def cache_features(backbone, images, batch_size=256, dtype=None):
    """Run a (frozen) ``backbone`` once over ``images`` (array ``[N, ...]``) in eval mode
    without recording a graph; returns the features as a NumPy array (PDL Listing 3-8's
    "bottlenecks")."""
    was_training = backbone.training
    backbone.eval()
    params = list(backbone.parameters())
    device = params[0].device if params else "cpu"
    dtype = dtype or (params[0].dtype if params else np.float32)
    out = []
    with mg.no_grad():
        for s in range(0, len(images), batch_size):
            out.append(backbone(mg.tensor(images[s:s + batch_size], dtype=dtype, device=device)).numpy())
    backbone.train(was_training)
    return np.concatenate(out)

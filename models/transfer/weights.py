"""V-25 weight import: PyTorch state_dicts saved as npz, and TF/Keras kernel layouts.

Pretrained ImageNet weights cannot be downloaded here, but users may have their own. The zoo's
VGG (V-19), ResNet (V-20, V-21) and MobileNet V2 (V-24) use torchvision's parameter names, so a
torchvision state_dict exported with

    np.savez("vgg16.npz", **{k: v.numpy() for k, v in torch_model.state_dict().items()})

loads with :func:`load_torch_npz` (``num_batches_tracked`` counters, which minigrad's batch norm
may not keep, are dropped when the model has no such buffer). Mismatched keys are listed: strict
loading raises, ``strict=False`` returns them.

Keras / TF layouts (engine-ops E-13): conv kernels HWIO ``[kh, kw, C_in, C_out]`` -> OIHW
``[C_out, C_in, kh, kw]``; depthwise ``[kh, kw, C, 1]`` -> ``[C, 1, kh, kw]``; dense
``[in, out]`` -> ``[out, in]``; a dense layer after a Keras ``Flatten`` of an NHWC map reads its
inputs in (h, w, c) order and needs its columns permuted to minigrad's (c, h, w) order
(:func:`dense_after_flatten`).
"""
import os

import numpy as np

import minigrad as mg

__all__ = ["load_torch_npz", "read_npz_state", "conv_hwio_to_oihw", "depthwise_hwc1_to_c1hw",
           "dense_in_out_to_out_in", "dense_after_flatten"]


def read_npz_state(path):
    """A plain ``numpy.savez`` archive (or a minigrad.save file) as ``{name: ndarray}``."""
    with np.load(os.fspath(path), allow_pickle=False) as z:
        if "__minigrad__" in z.files:
            return {k: v.numpy() for k, v in mg.load(path).items()}
        return {k: z[k] for k in z.files}


def load_torch_npz(model, source, strict=True):
    """Load a PyTorch-named state dict (a path to an npz archive or a ``{name: array}``
    mapping) into ``model``. Returns ``(missing_keys, unexpected_keys)``."""
    state = read_npz_state(source) if isinstance(source, (str, os.PathLike)) else dict(source)
    own = set(model.state_dict().keys())
    state = {k: np.asarray(v) for k, v in state.items()
             if not (k.endswith("num_batches_tracked") and k not in own)}
    return model.load_state_dict(state, strict=strict)


def conv_hwio_to_oihw(kernel):
    """TF conv kernel ``[kh, kw, C_in, C_out]`` -> ``[C_out, C_in, kh, kw]``."""
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"conv_hwio_to_oihw: expected a 4-D kernel, got shape {kernel.shape}")
    return np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))


def depthwise_hwc1_to_c1hw(kernel):
    """TF depthwise kernel ``[kh, kw, C, multiplier]`` -> ``[C * multiplier, 1, kh, kw]``
    (output channel c*multiplier + m reads input channel c, as grouped convs order them)."""
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"depthwise_hwc1_to_c1hw: expected a 4-D kernel, got {kernel.shape}")
    kh, kw, c, m = kernel.shape
    return np.ascontiguousarray(kernel.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw))


def dense_in_out_to_out_in(kernel):
    """Keras dense kernel ``[in, out]`` -> ``[out, in]``."""
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError(f"dense_in_out_to_out_in: expected a 2-D kernel, got {kernel.shape}")
    return np.ascontiguousarray(kernel.T)


def dense_after_flatten(kernel, hwc):
    """Keras dense kernel ``[h*w*c, out]`` that follows a Flatten of an NHWC ``hwc`` map ->
    minigrad ``[out, c*h*w]`` for a Flatten of the NCHW map."""
    h, w, c = hwc
    kernel = np.asarray(kernel)
    out = kernel.shape[1]
    return np.ascontiguousarray(kernel.reshape(h, w, c, out).transpose(3, 2, 0, 1).reshape(out, c * h * w))

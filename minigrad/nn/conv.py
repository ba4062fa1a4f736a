"""Convolution layers wrapping ``minigrad.functional`` (PyTorch signatures and weight layouts).

=================  ==================================  =======================================
layer              weight                              op
=================  ==================================  =======================================
Conv1d             [C_out, C_in/groups, k]             F.conv1d
Conv2d             [C_out, C_in/groups, kh, kw]        F.conv2d (``padding="same"``: TF SAME)
ConvTranspose2d    [C_in, C_out/groups, kh, kw]        F.conv_transpose2d (``"same"``: TF form)
=================  ==================================  =======================================

Default initialisation as PyTorch: W ~ kaiming_uniform(a = sqrt(5)) = U(+-1/sqrt(fan_in)),
b ~ U(+-1/sqrt(fan_in)), fan_in = weight.shape[1]·kh·kw. ``padding_mode`` "reflect",
"replicate" or "circular" pads with ``F.pad`` first (as PyTorch)."""
from .. import functional as F
from .linear import make_weight_and_bias, reset_like_torch
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]


def _ntuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _ConvNd(Module):
    _nd = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        name, n = type(self).__name__, self._nd
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"{name}: padding_mode must be 'zeros', 'reflect', 'replicate' or "
                             f"'circular', got {padding_mode!r}")
        if padding_mode != "zeros" and (isinstance(padding, str) or self._transposed):
            raise ValueError(f"{name}: padding_mode {padding_mode!r} needs numeric padding on a "
                             "forward convolution")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride = _ntuple(kernel_size, n), _ntuple(stride, n)
        self.dilation = _ntuple(dilation, n)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.output_padding = (0,) * n
        self.padding_mode = padding_mode
        wshape = ((in_channels, out_channels // groups) if self._transposed
                  else (out_channels, in_channels // groups)) + self.kernel_size
        make_weight_and_bias(self, wshape, out_channels if bias else None, dtype, device)

    def reset_parameters(self):
        reset_like_torch(self.weight, self.bias)

    def forward(self, input):
        x, pad = self._padded(input)
        return getattr(F, self._op)(x, self.weight, self.bias, self.stride, pad, self.dilation,
                                    self.groups)

    def _padded(self, input):
        """(input, padding) with non-zero padding modes applied by F.pad."""
        if self.padding_mode == "zeros":
            return input, self.padding
        pads = []
        for p in reversed(self.padding):       # F.pad lists the last axis first
            pads += [p, p]
        return F.pad(input, tuple(pads), mode=self.padding_mode), 0

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        n = self._nd
        if self.padding != (0,) * n:
            s += f", padding={self.padding!r}" if isinstance(self.padding, str) \
                else f", padding={self.padding}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-D convolution of ``(N, C_in, L)`` inputs."""
    _nd, _op = 1, "conv1d"


class Conv2d(_ConvNd):
    """2-D convolution of ``(N, C_in, H, W)`` inputs (``padding="same"``: TensorFlow SAME)."""
    _nd, _op = 2, "conv2d"


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (the input-gradient map of Conv2d); ``forward(input,
    output_size=None)`` picks ``output_padding`` to reach ``output_size`` as PyTorch does.
    ``padding="same"``: TensorFlow's ``conv2d_transpose(padding="SAME")`` (output in·stride)."""
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)
        self.output_padding = _ntuple(output_padding, 2)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        output_size = tuple(output_size)[-2:]
        out_pad = []
        for a in range(2):
            k, s, d, p = self.kernel_size[a], self.stride[a], self.dilation[a], self.padding[a]
            smallest = (input.shape[2 + a] - 1) * s - 2 * p + d * (k - 1) + 1
            extra = output_size[a] - smallest
            if not 0 <= extra < max(s, d):
                raise ValueError(f"ConvTranspose2d: requested output size {output_size} is not "
                                 f"reachable from input {input.shape[2:]} (axis {a}: between "
                                 f"{smallest} and {smallest + max(s, d) - 1})")
            out_pad.append(extra)
        return tuple(out_pad)

    def forward(self, input, output_size=None):
        if isinstance(self.padding, str):
            if self.padding.lower() != "same":
                raise ValueError(f"ConvTranspose2d: string padding must be 'same', got "
                                 f"{self.padding!r}")
            return F.conv_transpose2d_same(input, self.weight, self.bias, self.stride,
                                           output_size, self.groups, self.dilation)
        out_pad = self._output_padding(input, output_size)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  out_pad, self.groups, self.dilation)



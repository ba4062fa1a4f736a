"""Test support that users can reuse: the op registry (``op_db``) and tensor makers."""
from .opinfo import OpInfo, SampleInput, make_tensor

__all__ = ["OpInfo", "SampleInput", "make_tensor"]

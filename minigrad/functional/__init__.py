"""``minigrad.functional`` (also ``minigrad.nn.functional``, imported as F): every op.

Each family lives in its own module with an explicit ``__all__``; every public op has its
forward and backward math in its docstring.
"""
from . import activation, elementwise
from .activation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403

FAMILIES = [elementwise, activation]
__all__ = sorted({name for family in FAMILIES for name in family.__all__})

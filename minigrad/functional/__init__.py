"""``minigrad.functional`` (also ``minigrad.nn.functional``, imported as F): every op.

Each family lives in its own module with an explicit ``__all__``; every public op has its
forward and backward math in its docstring.
"""
from . import (activation, conv, dropout, elementwise, embedding, indexing, linalg, loss,
               normalization, pooling, recurrent, reduction, shape)

# (before the star imports: the functions dropout/embedding shadow their modules' names)
FAMILIES = [elementwise, activation, reduction, linalg, shape, indexing, loss, conv, pooling,
            normalization, dropout, embedding, recurrent]
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .indexing import _raw_index  # noqa: F401  (private, used by Tensor.__setitem__)
from .linalg import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403

__all__ = sorted({name for family in FAMILIES for name in family.__all__})

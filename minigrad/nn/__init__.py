"""Neural-network building blocks (mirrors ``torch.nn``).

``Module`` and ``Parameter`` (module.py, parameter.py), containers, layers, ``init``,
``utils`` (gradient clipping) and ``summary``. ``minigrad.nn.functional`` is
``minigrad.functional``."""
from .. import functional  # noqa: F401
from . import init, utils  # noqa: F401
from .activation import *  # noqa: F401,F403
from .containers import ModuleDict, ModuleList, Sequential  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .linear import Linear  # noqa: F401
from .module import Module  # noqa: F401
from .parameter import Buffer, Parameter  # noqa: F401
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell, detach_state  # noqa: F401
from .conv import Conv1d, Conv2d, ConvTranspose2d  # noqa: F401
from .dropout import Dropout, Dropout2d  # noqa: F401
from .embedding import Embedding  # noqa: F401
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm  # noqa: F401
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, MaxUnpool2d, Upsample  # noqa: F401
from .summary import summary  # noqa: F401

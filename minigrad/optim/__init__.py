"""Optimizers (exact PyTorch update rules, E-9) and learning-rate schedules (``lr_scheduler``).

Each optimizer updates ``p.data`` in place under ``no_grad`` and bumps the parameter's version
counter; ``state_dict()`` holds arrays and plain numbers only (npz-friendly)."""
from . import lr_scheduler  # noqa: F401
from .adagrad import Adadelta, Adagrad  # noqa: F401
from .adam import Adam, AdamW  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .sgd import SGD  # noqa: F401

"""Neural-network building blocks. ``minigrad.nn.functional`` is ``minigrad.functional``."""
from .. import functional  # noqa: F401

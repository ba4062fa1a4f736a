"""``python -m models`` — see :mod:`models.cli`."""
import sys

from .cli import main

sys.exit(main())

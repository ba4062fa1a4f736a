"""``python -m benchmarks NAME [options]``: run benchmarks/NAME.py through the harness."""
import importlib
import pkgutil
import sys

import benchmarks


def _available():
    return sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)
                  if m.name not in ("harness", "__main__") and not m.name.startswith("_"))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in _available():
        sys.exit(f"usage: python -m benchmarks NAME [options]; NAME is one of {', '.join(_available())}")
    importlib.import_module(f"benchmarks.{sys.argv[1]}").run(sys.argv[2:])

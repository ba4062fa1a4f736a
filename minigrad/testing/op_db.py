"""The op registry: every public differentiable op with its sample inputs.

Each family module in ``minigrad/testing/samples/`` defines ``OPS``, a list of
:class:`~minigrad.testing.opinfo.OpInfo`; this module gathers them into ``op_db``.
"""
import importlib

FAMILIES = ("elementwise", "activation", "reduction", "linalg", "shape", "indexing", "loss",
            "conv", "pooling", "normalization", "dropout", "embedding", "recurrent")

op_db = []
for _family in FAMILIES:
    op_db.extend(importlib.import_module(f"minigrad.testing.samples.{_family}").OPS)

# Public functional names that are deliberately not differentiable (no OpInfo needed).
NON_DIFFERENTIABLE = {
    "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
    "logical_not", "isfinite", "isnan", "isinf", "floor", "ceil", "round", "floor_divide",
    "remainder", "cast", "to_device",
    "argmax", "argmin", "argsort", "all", "any",          # reduction: indices / bools
    "one_hot",                                            # indexing: int64 encoding
}


def registered_names():
    """Every public name the registry covers (op names and their aliases)."""
    names = set()
    for info in op_db:
        names.add(info.name)
        names.update(info.aliases)
    return names

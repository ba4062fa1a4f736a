"""The model registry: every zoo model by ID (``V-11``) and name (``slide-cnn-small``).

    from models import zoo
    zoo.names()                       # ['softmax-regression', ..., 'slide-cnn-small', ...]
    info = zoo.get("V-11")            # ID, name, source, dataset, training recipes
    model = zoo.build("V-11", config="tiny")

A family registers its models with :func:`register` — or exposes an ``ENTRIES`` table (objects
with ``id``, ``name``, ``source``, ``build(config)``, ``training(config)``; see
``models/classifiers/entries.py``) together with a ``load_data(recipe, config)`` function, which
the registry adopts. Families are discovered on first use by importing every package under
``models/`` (and its ``entries`` module, if any); a family that fails to import is reported, not
fatal.

Training recipes are plain dicts (keys documented in ``models/classifiers/entries.py``):
``data``, ``batch_size``, ``steps`` or ``epochs``, ``shuffle``, ``drop_last``, ``optimizer``
(``("sgd", lr)``, ``("adam", lr, eps)``), ``schedule`` (``None``, ``("exp_floor", lr_min, lr_max,
tau)``, ``("exp_floor_add", lr_min, amplitude, tau)``); :func:`make_optimizer` and
:func:`make_scheduler` turn them into minigrad objects.
"""
import importlib
import os
import re
import warnings
from dataclasses import dataclass, field

__all__ = ["ModelInfo", "register", "names", "ids", "get", "build", "all_models",
           "make_optimizer", "make_scheduler", "count_parameters", "slug"]

_REGISTRY = {}            # id -> ModelInfo
_DISCOVERED = [False]
IMPORT_ERRORS = {}        # family -> error message


def slug(name):
    """``"slide CNN, small"`` → ``"slide-cnn-small"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class ModelInfo:
    """One zoo model. ``build_fn(config)`` returns the model for ``"book"`` or ``"tiny"``;
    ``train``/``tiny_train`` are its training recipes; ``load_data(recipe, config)`` returns
    ``((x_train, y_train), (x_test, y_test))`` arrays."""
    id: str
    name: str
    source: str
    build_fn: object
    dataset: str = None
    train: dict = field(default_factory=dict)
    tiny_train: dict = field(default_factory=dict)
    load_data: object = None
    family: str = None

    @property
    def slug(self):
        return slug(self.name)

    def build(self, config="book"):
        if config not in ("book", "tiny"):
            raise ValueError(f"{self.id}: config must be 'book' or 'tiny', got {config!r}")
        return self.build_fn(config)

    def training(self, config="book"):
        """The recipe of ``config``: the book recipe, with the tiny overrides for ``tiny``."""
        return dict(self.train) if config == "book" else {**self.train, **self.tiny_train}


def register(id, name, source, build_fn, dataset=None, train=None, tiny_train=None,
             load_data=None, family=None):
    """Add a model to the registry (re-registering an ID replaces it)."""
    if not re.fullmatch(r"[A-Z]+-\d+[a-z]?", id):
        raise ValueError(f"register: model IDs look like 'V-11' or 'SD-07', got {id!r}")
    train = dict(train or {})
    info = ModelInfo(id, name, source, build_fn, dataset or train.get("data"), train,
                     dict(tiny_train or {}), load_data, family)
    _REGISTRY[id] = info
    return info


def _adopt_entries(module, family):
    entries = getattr(module, "ENTRIES", None)
    if not isinstance(entries, dict):
        return
    load = getattr(module, "load_data", None)
    for e in entries.values():
        book, tiny = e.training("book"), e.training("tiny")
        register(e.id, e.name, e.source, e.build, book.get("data"), book,
                 {k: v for k, v in tiny.items() if book.get(k, object()) != v}, load, family)


def _discover():
    if _DISCOVERED[0]:
        return
    _DISCOVERED[0] = True
    root = os.path.dirname(os.path.abspath(__file__))
    for family in sorted(os.listdir(root)):
        pkg = os.path.join(root, family)
        if not os.path.isdir(pkg) or family.startswith(("_", ".")):
            continue
        for modname in (f"models.{family}", f"models.{family}.entries"):
            if modname.endswith(".entries") and not os.path.exists(os.path.join(pkg, "entries.py")):
                continue
            if not modname.endswith(".entries") and not os.path.exists(
                    os.path.join(pkg, "__init__.py")):
                continue
            try:
                module = importlib.import_module(modname)
            except Exception as e:          # a broken family must not hide the others
                IMPORT_ERRORS[family] = f"{type(e).__name__}: {e}"
                warnings.warn(f"models.zoo: could not import {modname}: {e}", stacklevel=2)
                continue
            _adopt_entries(module, family)


def _sort_key(model_id):
    prefix, num = model_id.split("-", 1)
    digits = re.match(r"\d+", num).group()
    return prefix, int(digits), num


def all_models():
    """Every registered :class:`ModelInfo`, in ID order."""
    _discover()
    return [_REGISTRY[k] for k in sorted(_REGISTRY, key=_sort_key)]


def ids():
    return [m.id for m in all_models()]


def names():
    """The model names (slugs), in ID order."""
    return [m.slug for m in all_models()]


def _normalize_id(text):
    m = re.fullmatch(r"([A-Za-z]+)-?0*(\d+)([a-z]?)", text.strip())
    if not m:
        return None
    return f"{m.group(1).upper()}-{int(m.group(2)):02d}{m.group(3)}"


def get(name):
    """The :class:`ModelInfo` for an ID (``V-11``, ``v11``) or a name (``slide-cnn-small``)."""
    _discover()
    key = _normalize_id(name)
    if key in _REGISTRY:
        return _REGISTRY[key]
    by_slug = {m.slug: m for m in _REGISTRY.values()}
    if slug(name) in by_slug:
        return by_slug[slug(name)]
    close = [m.slug for m in _REGISTRY.values() if slug(name) in m.slug]
    hint = f" Did you mean {', '.join(close[:5])}?" if close else ""
    raise KeyError(f"no model {name!r} in the zoo.{hint} `python -m models list` shows them all")


def build(name, config="book"):
    """The model ``name`` (ID or name) in the ``book`` or ``tiny`` configuration."""
    return get(name).build(config)


def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# ---------------------------------------------------------------------------- recipes
def make_optimizer(spec, params):
    """``("sgd", lr)`` → SGD; ``("adam", lr, eps)`` → Adam with TF's ε placement (the books'
    TF-1/Keras code); ``("adam", lr)`` → Adam ε 1e-8."""
    from minigrad import optim

    kind, lr, *rest = spec
    if kind == "sgd":
        return optim.SGD(params, lr=lr, **(rest[0] if rest and isinstance(rest[0], dict) else {}))
    if kind == "adam":
        eps = rest[0] if rest else 1e-8
        return optim.Adam(params, lr=lr, eps=eps, eps_mode="tf")
    if kind == "rmsprop":
        return optim.RMSprop(params, lr=lr, **(rest[0] if rest else {}))
    raise ValueError(f"make_optimizer: unknown optimizer spec {spec!r}")


def make_scheduler(spec, optimizer):
    """A per-iteration lr schedule from a recipe's ``schedule`` (``None`` → no scheduler)."""
    from minigrad.optim import lr_scheduler

    if spec is None:
        return None
    kind = spec[0]
    if kind == "exp_floor":
        _, lr_min, lr_max, tau = spec
        return lr_scheduler.ExpFloorLR(optimizer, lr_min=lr_min, lr_max=lr_max, decay_speed=tau)
    if kind == "exp_floor_add":
        _, lr_min, amplitude, tau = spec
        return lr_scheduler.ExpFloorLR(optimizer, lr_min=lr_min, amplitude=amplitude,
                                       decay_speed=tau)
    raise ValueError(f"make_scheduler: unknown schedule spec {spec!r}")


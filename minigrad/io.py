"""Saving and loading state dicts and checkpoints as ``.npz`` — never pickle.

``minigrad.save(obj, path)`` accepts nested dicts, lists and tuples of tensors, NumPy arrays,
NumPy scalars, bytes, ints, floats, strings, bools and ``None`` — a model's ``state_dict()``,
an optimizer's, or a whole checkpoint::

    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
             "rng": mg.get_rng_state()}, "ckpt.npz")
    ckpt = mg.load("ckpt.npz")                 # the same structure; tensors on the CPU

Arrays go into the archive as ``a0, a1, ...``; the structure around them is a JSON document
stored as one more (uint8) array, so loading needs ``allow_pickle=False`` only and cannot run
code. Writes go to a temporary file in the target directory which is flushed, fsync'ed and then
atomically renamed over ``path``: a crash mid-write leaves the previous file intact.

:class:`CheckpointManager` adds numbered checkpoints (``prefix-{step}.npz``), an index file
naming the latest, and rotation (``max_to_keep``).
"""
import contextlib
import json
import os
import re
import tempfile
import zipfile

import numpy as np

from .backend import normalize_device, to_device, to_numpy
from .tensor import Tensor

__all__ = ["save", "load", "atomic_open", "CheckpointManager", "latest_checkpoint"]

_META = "__minigrad__"
_FORMAT = 1


@contextlib.contextmanager
def atomic_open(path, mode="wb"):
    """Open a temporary file beside ``path``; on a clean exit, flush, fsync and rename it to
    ``path`` (atomic on POSIX and Windows); on an exception, delete it and leave ``path`` as
    it was."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):          # make the rename itself durable (POSIX)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


# ---------------------------------------------------------------------------- encoding
def _encode(obj, arrays, where):
    """A JSON-able description of ``obj``; arrays are appended to ``arrays``."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)) and not isinstance(obj, np.generic):
        return obj
    if isinstance(obj, Tensor):
        arrays.append(to_numpy(obj.data))
        return {"$tensor": len(arrays) - 1}
    if isinstance(obj, np.ndarray) or hasattr(obj, "__cuda_array_interface__"):
        arr = to_numpy(obj)
        if arr.dtype.hasobject:
            raise TypeError(f"save: {where} is an object array, which would need pickle; "
                            "store numeric arrays, strings or nested containers instead")
        arrays.append(arr)
        return {"$array": len(arrays) - 1}
    if isinstance(obj, np.generic):
        arrays.append(np.asarray(obj))
        return {"$scalar": len(arrays) - 1}
    if isinstance(obj, (bytes, bytearray)):
        arrays.append(np.frombuffer(bytes(obj), np.uint8))
        return {"$bytes": len(arrays) - 1}
    if isinstance(obj, tuple):
        return {"$tuple": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        items = [(k, _encode(v, arrays, f"{where}[{k!r}]")) for k, v in obj.items()]
        if all(isinstance(k, str) and not k.startswith("$") for k in obj):
            return dict(items)
        return {"$dict": [[_encode_key(k, where), v] for k, v in items]}
    raise TypeError(f"save: cannot store {where} of type {type(obj).__name__} (minigrad "
                    "checkpoints hold tensors, arrays, numbers, strings, bytes, None and "
                    "dicts/lists/tuples of them; no pickle)")


def _encode_key(k, where):
    if k is None or isinstance(k, (bool, int, float, str)):
        return k
    if isinstance(k, tuple):
        return {"$tuple": [_encode_key(v, where) for v in k]}
    if isinstance(k, np.integer):
        return int(k)
    raise TypeError(f"save: dict key {k!r} in {where} has type {type(k).__name__}; keys must be "
                    "strings, numbers, bools, None or tuples of them")


def _decode(node, arrays, device):
    if isinstance(node, list):
        return [_decode(v, arrays, device) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (tag, value), = node.items()
        if tag == "$tensor":
            arr = arrays[value]
            return Tensor(arr if device == "cpu" else to_device(arr, device))
        if tag == "$array":
            return arrays[value]
        if tag == "$scalar":
            return arrays[value][()]
        if tag == "$bytes":
            return arrays[value].tobytes()
        if tag == "$tuple":
            return tuple(_decode(v, arrays, device) for v in value)
        if tag == "$dict":
            return {_decode_key(k): _decode(v, arrays, device) for k, v in value}
    return {k: _decode(v, arrays, device) for k, v in node.items()}


def _decode_key(k):
    if isinstance(k, dict) and "$tuple" in k:
        return tuple(_decode_key(v) for v in k["$tuple"])
    return k


# ---------------------------------------------------------------------------- save / load
def save(obj, path, compress=False):
    """Write ``obj`` (nested containers of tensors/arrays/numbers/strings) to ``path`` as npz,
    atomically (``compress=True``: deflate-compressed npz). The file name is used exactly as
    given (no ``.npz`` is appended)."""
    arrays = []
    tree = _encode(obj, arrays, "the object")
    meta = json.dumps({"format": _FORMAT, "tree": tree}, allow_nan=True).encode("utf-8")
    payload = {f"a{i}": a for i, a in enumerate(arrays)}
    payload[_META] = np.frombuffer(meta, np.uint8)
    with atomic_open(path) as f:
        (np.savez_compressed if compress else np.savez)(f, **payload)


def load(path, map_location=None):
    """Read what :func:`save` wrote. Tensors are placed on ``map_location`` (default CPU).

    A plain ``.npz`` written by ``numpy.savez`` loads as a dict of tensors. Pickled content is
    refused (``allow_pickle=False``)."""
    device = "cpu" if map_location is None else normalize_device(map_location)
    path = os.fspath(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            files = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise ValueError(f"load: {path} is not a readable minigrad/npz file ({e})") from None
    if _META not in files:
        return {k: Tensor(v if device == "cpu" else to_device(v, device)) for k, v in files.items()}
    meta = json.loads(files.pop(_META).tobytes().decode("utf-8"))
    if meta.get("format") != _FORMAT:
        raise ValueError(f"load: {path} has format version {meta.get('format')}; this minigrad "
                         f"reads version {_FORMAT}")
    arrays = [files[f"a{i}"] for i in range(len(files))]
    return _decode(meta["tree"], arrays, device)


# ---------------------------------------------------------------------------- checkpoints
_INDEX = "checkpoint.json"


def latest_checkpoint(directory):
    """The path of the newest checkpoint recorded in ``directory``'s index, or ``None``."""
    index = os.path.join(os.fspath(directory), _INDEX)
    if not os.path.exists(index):
        return None
    with open(index, encoding="utf-8") as f:
        latest = json.load(f).get("latest")
    return None if latest is None else os.path.join(os.fspath(directory), latest)


class CheckpointManager:
    """Numbered checkpoints in ``directory``: ``save(obj, step)`` writes ``{prefix}-{step}.npz``
    (and ``{prefix}-{step}.json`` when a JSON-able ``config`` is given), then updates the index
    ``checkpoint.json`` (``latest`` and ``all``) and deletes the oldest files beyond
    ``max_to_keep`` (``None``: keep all). Every file is written atomically, and the index only
    names a checkpoint after it is complete."""

    def __init__(self, directory, prefix="ckpt", max_to_keep=5):
        self.directory = os.fspath(directory)
        self.prefix = prefix
        self.max_to_keep = max_to_keep
        os.makedirs(self.directory, exist_ok=True)

    def _index(self):
        path = os.path.join(self.directory, _INDEX)
        if not os.path.exists(path):
            return {"latest": None, "all": []}
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    @property
    def checkpoints(self):
        """Paths of the kept checkpoints, oldest first."""
        return [os.path.join(self.directory, n) for n in self._index()["all"]]

    @property
    def latest(self):
        return latest_checkpoint(self.directory)

    def save(self, obj, step, config=None):
        name = f"{self.prefix}-{int(step)}.npz"
        save(obj, os.path.join(self.directory, name))
        if config is not None:
            with atomic_open(os.path.join(self.directory, name[:-4] + ".json"), "w") as f:
                json.dump(config, f, indent=2)
        index = self._index()
        kept = [n for n in index["all"] if n != name] + [name]
        dropped = []
        if self.max_to_keep is not None and len(kept) > self.max_to_keep:
            dropped, kept = kept[:-self.max_to_keep], kept[-self.max_to_keep:]
        with atomic_open(os.path.join(self.directory, _INDEX), "w") as f:
            json.dump({"latest": name, "all": kept}, f, indent=2)
        for n in dropped:
            for p in (n, n[:-4] + ".json"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.directory, p))
        return os.path.join(self.directory, name)

    def restore(self, path=None, map_location=None):
        """Load ``path`` or the latest checkpoint; ``None`` when there is none."""
        path = path or self.latest
        return None if path is None else load(path, map_location)

    @staticmethod
    def step_of(path):
        """The step number in a checkpoint file name (``ckpt-1200.npz`` → 1200)."""
        m = re.search(r"-(\d+)\.npz$", os.fspath(path))
        return None if m is None else int(m.group(1))

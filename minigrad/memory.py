"""Host memory policy: keep big freed blocks in the process for the next step.

A training step allocates and frees the same large temporaries on every step: im2col
columns, activations and their gradients (1-12 MB each for the slides' CNN at batch 100).
With its default settings glibc's ``malloc`` serves such blocks with fresh ``mmap`` calls,
or returns them to the OS as soon as the top of the heap holds enough free memory, so the
next step writes to brand-new pages and pays one page fault per 4 KiB page (about 2,800
faults for one 11 MB column buffer). Measured on the V-12 training step (batch 100, one
thread, ``benchmarks/train_step.py``): 45-58 ms per step with glibc's defaults, 25-28 ms
with this policy.

The policy, applied once when ``minigrad`` is imported on a glibc system::

    mallopt(M_MMAP_THRESHOLD, 32 MiB)   # blocks up to 32 MiB come from the heap, not mmap
    mallopt(M_TRIM_THRESHOLD, 1 GiB)    # free heap memory stays in the process (up to 1 GiB)

The cost: the process's resident memory stays near its peak instead of shrinking between
steps (PyTorch's CUDA caching allocator makes the same trade on the GPU). Set the
environment variable ``MINIGRAD_KEEP_FREED_MEMORY=0`` before importing minigrad to keep
glibc's defaults. A process that tunes glibc's malloc itself (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_TOP_PAD_`` or ``glibc.malloc`` in ``GLIBC_TUNABLES``)
keeps its settings. Other C libraries (macOS, musl, Windows) are left alone.
"""
import ctypes
import ctypes.util
import os
import platform

M_TRIM_THRESHOLD = -1          # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 1 << 30
ENV = "MINIGRAD_KEEP_FREED_MEMORY"
GLIBC_MALLOC_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")

_applied = False


def keep_freed_memory(mmap_threshold=MMAP_THRESHOLD, trim_threshold=TRIM_THRESHOLD):
    """Apply the policy (see the module docstring); returns True when glibc accepted both
    settings, False on other C libraries or when glibc refused a value."""
    global _applied
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    ok = (libc.mallopt(M_MMAP_THRESHOLD, int(mmap_threshold)) == 1
          and libc.mallopt(M_TRIM_THRESHOLD, int(trim_threshold)) == 1)
    _applied = _applied or ok
    return ok


def policy_active():
    """Whether this process runs with the policy (applied at import or by a call)."""
    return _applied


def apply_from_env():
    """Called by ``import minigrad``: apply the policy unless ``MINIGRAD_KEEP_FREED_MEMORY``
    is ``0``, ``false`` or ``no``, or the process tunes glibc's malloc through its own
    environment variables."""
    if os.environ.get(ENV, "1").strip().lower() in ("0", "false", "no"):
        return False
    if any(v in os.environ for v in GLIBC_MALLOC_ENV) or \
            "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    return keep_freed_memory()

"""The host memory policy (minigrad/memory.py): a big freed block is reused by the next
allocation instead of being page-faulted in afresh. Measured with the process's minor
page-fault counter in a fresh interpreter, with and without the policy."""
import json
import os
import platform
import subprocess
import sys

import pytest

glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the policy is glibc's mallopt; other C libraries are left alone")

# One round, like one training step: three 20 MB temporaries alive together (60 MB), then all
# freed. Report the minor page faults of the third round. Faulting 60 MB in takes at least 30
# faults (NumPy asks for 2 MiB transparent huge pages on big arrays) and at most 14,649 (4 KiB
# pages); reusing kept memory takes none.
PROBE = """
import json, resource
import numpy as np
import minigrad
from minigrad import memory
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def step():
    arrays = [np.ones(5_000_000, np.float32) for _ in range(3)]
    del arrays
step()
step()
before = faults()
step()
print(json.dumps({"faults": faults() - before, "active": memory.policy_active()}))
"""


def _probe(env_value, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.pop("GLIBC_TUNABLES", None)
    env.update(extra)
    if env_value is None:
        env.pop("MINIGRAD_KEEP_FREED_MEMORY", None)
    else:
        env["MINIGRAD_KEEP_FREED_MEMORY"] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@glibc_only
def test_freed_block_is_reused_without_page_faults():
    on = _probe(None)
    assert on["active"]
    assert on["faults"] < 10, on           # fewer than even one array would need: reused


@glibc_only
def test_opt_out_keeps_glibc_defaults():
    off = _probe("0")
    assert not off["active"]
    # glibc's default: the first free raises the mmap threshold to 20 MB and the trim
    # threshold to 40 MB; each later round grows the heap by 60 MB, which is trimmed again
    # when freed, so every round faults its pages in one by one.
    assert off["faults"] >= 30, off


@glibc_only
def test_process_that_tunes_malloc_itself_keeps_its_settings():
    own = _probe(None, MALLOC_TOP_PAD_="0")
    assert not own["active"]
    assert _probe(None, GLIBC_TUNABLES="glibc.malloc.trim_threshold=1000")["active"] is False

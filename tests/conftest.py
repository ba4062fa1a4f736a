"""Shared fixtures: deterministic seeds, the GPU and slow markers, single-threaded BLAS."""
import os
import sys

# One BLAS thread for the tests: on a loaded 2-core machine OpenBLAS threads spin against each
# other (QR in init.orthogonal_ ran 12x slower with two). Only effective if NumPy is not yet
# imported, which is the case unless a plugin imported it first.
if "numpy" not in sys.modules:
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import minigrad  # noqa: E402


@pytest.fixture(autouse=True)
def _seed():
    minigrad.manual_seed(0)
    np.random.seed(0)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long runs (full trainings, big benchmarks); "
                                       "run with `pytest -m slow`")
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped without one)")


def pytest_collection_modifyitems(config, items):
    """GPU tests skip without a GPU; slow tests (full trainings) run only when selected with
    ``-m slow`` (or any -m expression naming them), so the default suite stays fast."""
    skip_gpu = pytest.mark.skip(reason="no CUDA device / CuPy: GPU tests skipped")
    skip_slow = pytest.mark.skip(reason="slow: run on demand with `python -m pytest -m slow`")
    run_slow = "slow" in (config.option.markexpr or "")
    gpu = minigrad.cuda_available()
    for item in items:
        if "gpu" in item.keywords and not gpu:
            item.add_marker(skip_gpu)
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)

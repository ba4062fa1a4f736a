"""Shared fixtures: deterministic seeds and the GPU marker."""
import numpy as np
import pytest

import minigrad


@pytest.fixture(autouse=True)
def _seed():
    minigrad.manual_seed(0)
    np.random.seed(0)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long runs (full trainings, big benchmarks); "
                                       "run with `pytest -m slow`")
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped without one)")


def pytest_collection_modifyitems(config, items):
    if not minigrad.cuda_available():
        skip = pytest.mark.skip(reason="no CUDA device / CuPy: GPU tests skipped")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)

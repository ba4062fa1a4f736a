"""benchmarks/train_step.py compares like with like: the minigrad and PyTorch models are the
same network (same output for the same weights), every case runs, and the results table is
written whole."""
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad as mg  # noqa: E402
from benchmarks import train_step  # noqa: E402


def test_cnn_twins_compute_the_same_function():
    ours, theirs = train_step._cnn(mg.nn, False), train_step._cnn(torch.nn, True)
    mine = [p for p in ours.parameters()]
    other = [p for p in theirs.parameters()]
    assert [tuple(p.shape) for p in mine] == [tuple(p.shape) for p in other]
    for p, q in zip(mine, other):
        with torch.no_grad():
            q.copy_(torch.from_numpy(p.numpy()))
    ours.eval(), theirs.eval()
    x = np.random.default_rng(0).standard_normal((3, 1, 28, 28)).astype(np.float32)
    with mg.no_grad():
        a = ours(mg.tensor(x)).numpy()
    with torch.no_grad():
        b = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("backend", ["minigrad", "torch"])
def test_every_case_takes_a_step(backend):
    cases = train_step.make_cases(backend, "float32", "cpu")
    assert sorted(cases) == sorted(f"{m} {o}" for m in ("mlp 784-512-10 b64", "cnn V-12 b100")
                                   for o in ("sgd", "adam"))
    for run in cases.values():
        run()


@pytest.mark.parametrize("same_malloc", [False, True])
def test_markdown_table(tmp_path, same_malloc):
    row = lambda r: {"case": "cnn V-12 b100 sgd", "threads": 1, "dtype": "float32",  # noqa: E731
                     "minigrad": {"median_s": 0.02 * r, "min_s": 0.019 * r},
                     "torch": {"median_s": 0.02, "min_s": 0.018},
                     "ratio_minigrad_over_torch": r}
    path = str(tmp_path / "t.md")
    train_step.write_markdown([[row(1.0)], [row(1.5)], [row(0.9)]], path, load=(1, 1, 1),
                              same_malloc=same_malloc)
    text = open(path).read()
    assert "| cnn V-12 b100 sgd | 1 | float32 | 20.00 / 20.00 (1.00) | 30.00 / 20.00 (1.50) " \
           "| 18.00 / 20.00 (0.90) | **1.00** | 0.95 |" in text
    assert ("MALLOC_TRIM_THRESHOLD_" in text) == same_malloc
    assert not os.path.exists(path + ".tmp")

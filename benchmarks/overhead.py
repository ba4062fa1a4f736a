"""Python overhead of the engine, beside PyTorch CPU.

* ``tanh 4x4 fwd+bwd``: forward and backward of tanh on a 4x4 tensor -- almost no arithmetic,
  so this is the per-op cost of the Tensor/Function/graph machinery (PyTorch ~7.6 us here;
  DeZero-style engines ~27 us).
* ``mlp step``: one training step of an MLP 784-1000-1000-10 (ReLU) on a batch of 100, softmax
  cross-entropy, SGD -- dominated by GEMMs, so overhead should vanish.

Run: ``python -m benchmarks overhead`` (1 thread, float32).
"""
import numpy as np

from benchmarks.harness import main


def _tanh_case(lib, dtype):
    x = lib.randn(4, 4, dtype=dtype, requires_grad=True)
    g = lib.ones(4, 4, dtype=dtype)

    def run():
        x.tanh().backward(g)
    return run


def _mlp_case(lib, nn, optim, F, dtype, device):
    rng = np.random.default_rng(0)
    xb = lib.tensor(rng.standard_normal((100, 784)).astype(dtype), device=device)
    yb = lib.tensor(rng.integers(0, 10, 100), device=device)
    model = nn.Sequential(nn.Linear(784, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(),
                          nn.Linear(1000, 10)).to(device=device, dtype=getattr(lib, dtype))
    opt = optim.SGD(model.parameters(), lr=0.01)

    def run():
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    return run


def make_cases(backend, dtype, device):
    if backend == "torch":
        import torch as lib
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
    else:
        import minigrad as lib
        import minigrad.functional as F
        import minigrad.nn as nn
        import minigrad.optim as optim
    tdtype = getattr(lib, dtype)
    cases = {"tanh 4x4 fwd+bwd": _tanh_case(lib, tdtype)}
    if hasattr(nn, "Linear") and hasattr(optim, "SGD"):
        cases["mlp step 784-1000-1000-10 b100"] = _mlp_case(lib, nn, optim, F, dtype, device)
    return cases


def run(argv=None):
    return main("overhead", argv, default_threads=(1,), default_dtypes=("float32",))


if __name__ == "__main__":
    run()

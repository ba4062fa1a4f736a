"""``python -m minigrad.demo``: a first autograd program, printed step by step.

Fits y = 3x - 2 + noise with a hand-written linear model and plain gradient descent, then
proves the gradients against finite differences with ``minigrad.gradcheck``.
"""
import numpy as np

import minigrad as mg


def main():
    mg.manual_seed(0)
    x = mg.linspace(-1, 1, 64).reshape(64, 1)
    y = 3 * x - 2 + 0.1 * mg.randn(64, 1)
    w = mg.zeros(1, 1, requires_grad=True)
    b = mg.zeros(1, requires_grad=True)
    for step in range(201):
        loss = ((x @ w + b - y) ** 2).mean()
        w.grad = b.grad = None
        loss.backward()
        with mg.no_grad():
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        if step % 50 == 0:
            print(f"step {step:3d}  loss {loss.item():.5f}  w {w.item():+.4f}  b {b.item():+.4f}")
    print("fitted y = {:.3f} x {:+.3f} (true: 3x - 2)".format(w.item(), b.item()))
    x64, w64, b64 = x.double(), w.detach().double().requires_grad_(), b.detach().double().requires_grad_()
    ok = mg.gradcheck(lambda w_, b_: ((x64 @ w_ + b_ - y.double()) ** 2).mean(), (w64, b64))
    print("gradcheck against finite differences:", "passed" if ok else "FAILED")
    return 0 if ok and abs(w.item() - 3) < 0.1 and abs(b.item() + 2) < 0.1 else 1


if __name__ == "__main__":
    raise SystemExit(main())

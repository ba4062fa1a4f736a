"""Shared checks for the architecture, transfer and Siamese tests (V-17 ... V-26)."""
import numpy as np

import minigrad as mg


def _trainable(model):
    seen, out = set(), []
    for mod in model.modules():
        for name, p in mod._parameters.items():
            if p is not None and p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                out.append((mod, name, p))
    return out


def gradcheck_model(model, inputs, seed=0, per_tensor=False, spot_checks=3, **tol):
    """float64 gradcheck of ``model(*inputs)`` with respect to every trainable parameter.

    Dropout masks are fixed by reseeding before every call (a deterministic function).
    ``per_tensor=True`` checks each parameter tensor along its own random direction (2 forward
    passes per tensor + spot checks). Otherwise all parameters move together: ``theta`` is one
    flat vector, parameter block i = p_i + theta_i / sqrt(n_i) (so every tensor's block gets a
    perturbation of similar size), checked along one random direction plus ``spot_checks``
    single elements - a whole-model check at the cost of a few forward passes."""
    model.double()
    params = _trainable(model)
    assert params, "model has no trainable parameters"
    # E-16: keep away from kinks. Zero-initialised biases on an all-zero (ReLU-dead) receptive
    # field put a pre-activation exactly at ReLU's kink, so biases get a seeded random offset.
    rng = np.random.default_rng(seed + 12345)
    with mg.no_grad():
        for mod, name, p in params:
            if name == "bias":
                p.data[...] += rng.uniform(0.02, 0.1, p.shape) * rng.choice([-1.0, 1.0], p.shape)
    inputs = tuple(x.double() if isinstance(x, mg.Tensor) and x.dtype.kind == "f" else x
                   for x in inputs)

    def call():
        mg.manual_seed(seed)
        return model(*inputs)

    if per_tensor:
        return mg.gradcheck(lambda *ps: call(), [p for _, _, p in params], fast=True,
                            spot_checks=spot_checks, **tol)
    sizes = [p.numel() for _, _, p in params]
    scale = np.concatenate([np.full(n, 1.0 / np.sqrt(n)) for n in sizes])
    theta = mg.zeros(sum(sizes), dtype=mg.float64, requires_grad=True)
    scale_t = mg.tensor(scale, dtype=mg.float64)

    def fn(theta):
        offset = 0
        try:
            for (mod, name, p), n in zip(params, sizes):
                delta = (theta[offset:offset + n] * scale_t[offset:offset + n]).reshape(p.shape)
                mod._parameters[name] = p + delta
                offset += n
            return call()
        finally:
            for mod, name, p in params:
                mod._parameters[name] = p

    return mg.gradcheck(fn, [theta], fast=True, spot_checks=spot_checks, **tol)


def train_steps(model, x, y, loss_fn, steps=8, lr=1e-3, optimizer="adam"):
    """``steps`` full-batch updates; returns (first loss, last loss) in training mode."""
    from minigrad import optim
    opt = optim.Adam(model.parameters(), lr=lr) if optimizer == "adam" else \
        optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train()
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses[0], losses[-1]


def layer_shapes(summary, types=None):
    """``[(name, type, output_shape)]`` rows of a minigrad.summary table (optionally of the
    given layer types), output shapes per sample as tuples."""
    return [(r.name, r.type, tuple(r.output_shape)) for r in summary.rows
            if types is None or r.type in types]

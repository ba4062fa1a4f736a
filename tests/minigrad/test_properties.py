"""Hypothesis property tests: broadcasting shapes and random strides for the binary ops.

Expected gradients are computed independently of the engine's ``unbroadcast``: every output
element is mapped back to the input element it was broadcast from (via broadcast index arrays)
and the incoming gradient is accumulated with ``np.bincount``.
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

OPS = {
    "add": (mg.add, lambda a, b: (np.ones_like(a * b), np.ones_like(a * b))),
    "sub": (mg.sub, lambda a, b: (np.ones_like(a * b), -np.ones_like(a * b))),
    "mul": (mg.mul, lambda a, b: (b + 0 * a, a + 0 * b)),
    "div": (mg.div, lambda a, b: (1 / b + 0 * a, -a / b ** 2)),
    "maximum": (mg.maximum, lambda a, b: ((a >= b) + 0.0 * b, (a < b) + 0.0 * a)),
}


def scatter_back(shape, out_shape, contrib):
    """Sum ``contrib`` (out_shape) into ``shape`` following NumPy broadcasting."""
    idx = np.arange(int(np.prod(shape))).reshape(shape)
    owner = np.broadcast_to(idx, out_shape)
    return np.bincount(owner.ravel(), weights=contrib.ravel(), minlength=idx.size).reshape(shape)


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4),
       op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_broadcast_forward_and_gradients(shapes, op, seed):
    fn, local_grads = OPS[op]
    sa, sb = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a_np = np.asarray(rng.uniform(0.5, 2.0, sa))              # 0-d arrays, not Python floats
    b_np = np.asarray(rng.uniform(0.5, 2.0, sb) * rng.choice([-1, 1], sb))
    a = mg.tensor(a_np, requires_grad=True)
    b = mg.tensor(b_np, requires_grad=True)
    y = fn(a, b)
    ref = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
           "maximum": np.maximum}[op](a_np, b_np)
    assert y.shape == ref.shape == shapes.result_shape
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-12)
    g = rng.standard_normal(ref.shape)
    y.backward(mg.tensor(g))
    da, db = local_grads(np.broadcast_to(a_np, ref.shape), np.broadcast_to(b_np, ref.shape))
    np.testing.assert_allclose(a.grad.numpy(), scatter_back(sa, ref.shape, g * da), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), scatter_back(sb, ref.shape, g * db), rtol=1e-10, atol=1e-12)


@st.composite
def strided_arrays(draw):
    """A float64 view with random steps, offsets and axis order, plus its contiguous copy."""
    ndim = draw(st.integers(1, 3))
    shape = draw(st.tuples(*[st.integers(1, 4) for _ in range(ndim)]))
    steps = draw(st.tuples(*[st.sampled_from([1, 2, 3, -1, -2]) for _ in range(ndim)]))
    perm = draw(st.permutations(range(ndim)))
    seed = draw(st.integers(0, 2**16))
    big = np.random.default_rng(seed).standard_normal([n * abs(s) + 1 for n, s in zip(shape, steps)])
    view = big[tuple(slice(None, None, s) if s > 0 else slice(None, None, s) for s in steps)]
    view = view[tuple(slice(0, n) for n in shape)].transpose(perm)
    return view, np.ascontiguousarray(view)


@settings(max_examples=60, deadline=None)
@given(pair=strided_arrays(), op=st.sampled_from(["tanh", "exp", "sigmoid", "square", "abs"]),
       binop=st.sampled_from(sorted(OPS)))
def test_random_strides_give_the_same_values_and_gradients(pair, op, binop):
    view, dense = pair
    results = []
    for arr in (view, dense):
        x = mg.from_numpy(arr).requires_grad_()
        y = OPS[binop][0](getattr(mg, op)(x), x)
        y.backward(mg.tensor(np.linspace(-1, 1, y.numel()).reshape(y.shape)))
        results.append((y.numpy(), x.grad.numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-14, atol=1e-15)

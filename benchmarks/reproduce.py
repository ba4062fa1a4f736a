"""Reproduction runs of the book classifiers V-01 … V-16: minigrad vs an identical PyTorch twin.

    python -m benchmarks reproduce V-03 V-10 [--steps N | --epochs N] [--threads 1]
    python -m benchmarks reproduce V-02 --set loss=sigmoid_bce    # a book-faithful switch
    python -m benchmarks reproduce V-08 --steps 843 --set dtype=float64   # rounding diagnostic
    python -m benchmarks.reproduce --table          # rebuild results/reproduce.md only

For each model ID the parent starts two worker processes (NumPy and torch never share one: their
thread pools interfere), with the same thread count pinned before either library is imported:

* **minigrad**: builds the zoo model with ``config="book"`` after ``minigrad.manual_seed(seed)``
  and trains it with the entry's recipe (models/classifiers/entries.py): dataset, optimizer
  (Adam with TF's ε placement, or SGD), per-iteration learning-rate schedule, batch size, length.
* **torch**: builds the same minigrad model with the same seed (so the *initial weights are
  identical*), converts it layer by layer into ``torch.nn`` modules (:func:`torch_twin`) and copies
  every parameter and buffer by name; trains with the same recipe using :class:`TorchAdamTF`
  (the same update rule as ``minigrad.optim.Adam(eps_mode="tf")``) and the same schedule.

Both consume the *same batch order* (seeded ``numpy.random.Generator(PCG64(seed + 1))``
permutations, one per epoch). Only the dropout masks differ (each framework's own generator).
Each worker records test accuracy (eval mode, whole test set), the training-loss curve, wall time
per epoch and memory: the peak resident set size of the process and the peak *growth* of the
resident set during training (sampled every 2 ms by a thread, relative to the RSS right before
the first step — the part that the framework's training allocations cost).

Results: ``benchmarks/results/reproduce-<ID>.json`` (both runs, hardware facts, the exact
settings) and the table ``benchmarks/results/reproduce.md``, rebuilt from every JSON present.
Runs shorter than the book recipe are labelled with their length in the table.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ============================================================================ torch twins
def _torch_modules():
    """The torch twin layer classes (built lazily: torch is imported only in torch workers and
    tests, never by minigrad or the models)."""
    import torch
    import torch.nn.functional as TF

    class SameConv2d(torch.nn.Conv2d):
        """Conv2d with TensorFlow ``SAME`` padding (any stride; extra pad bottom/right)."""

        def forward(self, x):
            pads = []
            for size, k, s in zip(x.shape[-2:], self.kernel_size, self.stride):
                out = -(-size // s)
                total = max((out - 1) * s + k - size, 0)
                pads.append((total // 2, total - total // 2))
            (t, b), (l, r) = pads
            return TF.conv2d(TF.pad(x, (l, r, t, b)), self.weight, self.bias, self.stride)

    return SameConv2d


def torch_twin(model):
    """A ``torch.nn.Sequential`` with the same layers, names and (copied) weights as the minigrad
    :class:`~models.classifiers._book.BookClassifier` ``model`` (float64 if the model is)."""
    import numpy as np
    import torch
    from collections import OrderedDict

    from minigrad import nn

    SameConv2d = _torch_modules()
    layers = OrderedDict()
    for name, m in model.named_children():
        if isinstance(m, nn.Flatten):
            t = torch.nn.Flatten()
        elif isinstance(m, nn.Linear):
            t = torch.nn.Linear(m.in_features, m.out_features, bias=m.bias is not None)
        elif isinstance(m, nn.Conv2d):
            if m.padding != "same" or tuple(m.dilation) != (1, 1) or m.groups != 1:
                raise NotImplementedError(f"torch_twin: conv {name} ({m.padding}) not supported")
            t = SameConv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride,
                           bias=m.bias is not None)
        elif isinstance(m, nn.MaxPool2d):
            t = torch.nn.MaxPool2d(m.kernel_size, m.stride)
        elif isinstance(m, nn.ReLU):
            t = torch.nn.ReLU()
        elif isinstance(m, nn.Sigmoid):
            t = torch.nn.Sigmoid()
        elif isinstance(m, nn.Dropout):
            t = torch.nn.Dropout(m.p)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            t = _book_bn_class()(m)
        else:
            raise NotImplementedError(f"torch_twin: no twin for layer {name} "
                                      f"({type(m).__name__})")
        layers[name] = t
    twin = torch.nn.Sequential(layers)
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in model.state_dict().items()}
    dtype = next(iter(state.values())).dtype if state else torch.float32
    twin.to(dtype)
    missing, unexpected = twin.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not k.endswith("num_batches_tracked")]:
        raise RuntimeError(f"torch_twin: state mismatch, missing {missing}, unexpected "
                           f"{unexpected}")
    return twin


_BN_CLASS = []


def _book_bn_class():
    """torch twin of minigrad's BatchNorm as the DLVR models configure it: optional scale and
    offset, ε inside or outside the square root, TF ``ExponentialMovingAverage`` running
    statistics with ``num_updates`` (d = min(decay, (1 + i)/(10 + i))) or PyTorch momentum."""
    if _BN_CLASS:
        return _BN_CLASS[0]
    import torch

    class BookBN(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.num_features, self.eps, self.eps_mode = m.num_features, m.eps, m.eps_mode
            self.momentum, self.tf_momentum, self.ema_decay = (m.momentum, m.tf_momentum,
                                                               m.ema_decay)
            self.unbiased = m.unbiased_running_var
            shape = (m.num_features,)
            self.weight = torch.nn.Parameter(torch.ones(shape)) if m.weight is not None else None
            self.bias = torch.nn.Parameter(torch.zeros(shape)) if m.bias is not None else None
            self.register_buffer("running_mean", torch.zeros(shape))
            self.register_buffer("running_var", torch.ones(shape))
            self.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.int64))

        def factor(self):
            i = int(self.num_batches_tracked)
            if self.tf_momentum is not None:
                return 1.0 - self.tf_momentum
            if self.ema_decay is not None:
                return 1.0 - min(self.ema_decay, (1.0 + i) / (10.0 + i))
            return 1.0 / (i + 1) if self.momentum is None else self.momentum

        def forward(self, x):
            dims = [0] + list(range(2, x.dim()))
            view = [1, -1] + [1] * (x.dim() - 2)
            if self.training:
                mean = x.mean(dims)
                var = x.var(dims, unbiased=False)
                with torch.no_grad():
                    n = x.numel() // x.shape[1]
                    rv = var * n / max(n - 1, 1) if self.unbiased else var
                    f = self.factor()
                    self.running_mean.mul_(1 - f).add_(f * mean)
                    self.running_var.mul_(1 - f).add_(f * rv)
                    self.num_batches_tracked += 1
            else:
                mean, var = self.running_mean, self.running_var
            if self.eps_mode == "sqrt":
                y = (x - mean.view(view)) / torch.sqrt(var.view(view) + self.eps)
            else:
                y = (x - mean.view(view)) / (torch.sqrt(var.view(view)) + self.eps)
            if self.weight is not None:
                y = y * self.weight.view(view)
            if self.bias is not None:
                y = y + self.bias.view(view)
            return y

    _BN_CLASS.append(BookBN)
    return BookBN


def torch_loss(loss_name):
    """The torch form of a :data:`~models.classifiers._book.LOSSES` entry."""
    import torch.nn.functional as TF

    if loss_name == "softmax_ce":
        return lambda out, y: TF.cross_entropy(out, y)
    if loss_name == "softmax_ce_sum":
        return lambda out, y: TF.cross_entropy(out, y, reduction="sum")
    if loss_name == "softmax_ce_x100":
        return lambda out, y: TF.cross_entropy(out, y) * 100.0
    if loss_name == "sigmoid_bce_onehot":
        return lambda out, y: TF.binary_cross_entropy_with_logits(
            out, TF.one_hot(y, out.shape[1]).to(out.dtype))
    if loss_name == "sigmoid_bce":
        return lambda out, y: TF.binary_cross_entropy_with_logits(out.reshape(-1),
                                                                  y.reshape(-1).to(out.dtype))
    raise ValueError(f"torch_loss: unknown loss {loss_name!r}")


def _torch_adam_tf():
    import torch

    class TorchAdamTF(torch.optim.Optimizer):
        """Adam with TF-1/Keras ε placement (= ``minigrad.optim.Adam(eps_mode="tf")``):
        θ ← θ − lr·√(1 − β2^t)/(1 − β1^t) · m/(√v + ε)."""

        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
            super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

        @torch.no_grad()
        def step(self):
            for group in self.param_groups:
                b1, b2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    st = self.state[p]
                    if not st:
                        st["t"] = 0
                        st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
                    st["t"] += 1
                    t = st["t"]
                    st["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                    st["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                    lr_t = group["lr"] * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                    p.sub_(lr_t * st["m"] / (st["v"].sqrt() + group["eps"]))

    return TorchAdamTF


# ============================================================================ recipe helpers
def lr_at(recipe, i):
    """Learning rate of iteration ``i`` (0-based) under the recipe's optimizer and schedule."""
    base = recipe["optimizer"][1]
    sched = recipe.get("schedule")
    if sched is None:
        return base
    if sched[0] == "exp_floor":
        _, lo, hi, tau = sched
        return lo + (hi - lo) * math.exp(-i / tau)
    if sched[0] == "exp_floor_add":
        _, lo, amp, tau = sched
        return lo + amp * math.exp(-i / tau)
    raise ValueError(f"unknown schedule {sched!r}")


def batch_plan(n, recipe, seed, steps=None, epochs=None):
    """The batch order: a list of epochs, each a list of index arrays; identical for both
    frameworks. ``steps``/``epochs`` override the recipe's length."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(seed + 1))
    bs = recipe["batch_size"]
    if steps is None and epochs is None:
        steps, epochs = recipe.get("steps"), recipe.get("epochs")
    plan, done = [], 0
    while True:
        order = rng.permutation(n) if recipe.get("shuffle", True) else np.arange(n)
        stop = n - n % bs if recipe.get("drop_last") else n
        epoch = [order[s:s + bs] for s in range(0, stop, bs)]
        if steps is not None:
            epoch = epoch[:steps - done]
            done += len(epoch)
        plan.append(epoch)
        if (steps is not None and done >= steps) or (steps is None and len(plan) >= epochs):
            return plan


class _RssSampler:
    """Peak growth of the resident set size above its value at ``start`` (sampled thread)."""

    def __init__(self, interval=0.002):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")

    def rss(self):
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self.page

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval)

    def __enter__(self):
        self.base = self.peak = self.rss()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.rss())


# ============================================================================ workers
def _train(framework, model_id, seed, steps, epochs, eval_batch=1000, switch=None):
    import resource

    import numpy as np

    import minigrad as mg
    from models.classifiers.entries import get_entry, load_data

    entry = get_entry(model_id)
    recipe = entry.training("book")
    over = _overrides(switch)
    dtype = np.dtype(over.pop("dtype", "float32"))   # dtype=float64: the rounding diagnostic
    data = [(x.astype(dtype), y.astype(dtype) if y.dtype.kind == "f" else y)
            for x, y in load_data(recipe)]
    (xtr, ytr), test = data[0], data[-1]
    val = data[1] if len(data) == 3 else None
    mg.manual_seed(seed)
    model = entry.build("book", **over).to(dtype=dtype)
    plan = batch_plan(len(xtr), recipe, seed, steps, epochs)

    opt_name, lr0 = recipe["optimizer"][:2]
    if framework == "minigrad":
        net, loss_fn, as_tensor, no_grad = model, model.loss, mg.tensor, mg.no_grad
        if opt_name == "sgd":
            opt = mg.optim.SGD(net.parameters(), lr=lr0)
        else:
            opt = mg.optim.Adam(net.parameters(), lr=lr0, eps=recipe["optimizer"][2],
                                eps_mode="tf")
    else:
        import torch
        torch.manual_seed(seed)
        net, loss_fn = torch_twin(model), torch_loss(model.loss_name)
        as_tensor, no_grad = torch.from_numpy, torch.no_grad
        if opt_name == "sgd":
            opt = torch.optim.SGD(net.parameters(), lr=lr0)
        else:
            opt = _torch_adam_tf()(net.parameters(), lr=lr0, eps=recipe["optimizer"][2])

    def step(i, xb, yb):
        for g in opt.param_groups:
            g["lr"] = lr_at(recipe, i)
        opt.zero_grad()
        loss = loss_fn(net(as_tensor(xb)), as_tensor(yb))
        loss.backward()
        opt.step()
        return float(loss.item())

    def predict(xb):
        with no_grad():
            return net(as_tensor(xb)).numpy()

    def accuracy(x, y):
        net.eval()
        outs = np.concatenate([predict(x[s:s + eval_batch]) for s in range(0, len(x), eval_batch)])
        net.train()
        pred = (outs.reshape(-1) > 0).astype(np.int64) if entry.cls.binary else outs.argmax(1)
        return float((pred == y.astype(np.int64)).mean())

    net.train()
    epoch_times, epoch_cpu, epoch_losses, i = [], [], [], 0
    with _RssSampler() as mem:
        for epoch in plan:
            t0, c0, losses = time.perf_counter(), time.process_time(), []
            for idx in epoch:
                losses.append(step(i, xtr[idx], ytr[idx]))
                i += 1
            epoch_times.append(time.perf_counter() - t0)
            epoch_cpu.append(time.process_time() - c0)
            epoch_losses.append(float(np.mean(losses)) if losses else float("nan"))
    result = dict(framework=framework, id=model_id, seed=seed, iterations=i,
                  epochs_run=len(plan), batches_per_epoch=[len(e) for e in plan],
                  epoch_times_s=epoch_times, epoch_cpu_s=epoch_cpu,
                  epoch_mean_loss=epoch_losses,
                  final_epoch_loss=epoch_losses[-1], test_accuracy=accuracy(*test),
                  n_train=len(xtr), n_test=len(test[0]),
                  peak_train_rss_growth_mb=(mem.peak - mem.base) / 2 ** 20,
                  peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if val is not None:
        result["val_accuracy"] = accuracy(*val)
    return result


def _overrides(switch):
    """``"loss=sigmoid_bce"`` → ``{"loss": "sigmoid_bce"}`` (a book-faithful switch);
    ``"dtype=float64"`` trains both twins in float64 (is a disagreement float32 rounding?)."""
    import ast

    if not switch:
        return {}
    key, _, value = switch.partition("=")
    try:
        value = ast.literal_eval(value)        # numbers, tuples, booleans
    except (ValueError, SyntaxError):
        pass                                   # a plain string such as sigmoid_bce
    return {key: value}


def _worker(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("framework")
    ap.add_argument("model_id")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--set")
    a = ap.parse_args(argv)
    res = _train(a.framework, a.model_id, a.seed, a.steps, a.epochs, switch=a.set)
    with open(a.out, "w") as f:
        json.dump(res, f)


# ============================================================================ parent
def _spawn(framework, model_id, threads, seed, steps, epochs, switch=None):
    from benchmarks.harness import THREAD_VARS

    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for var in THREAD_VARS:
        env[var] = str(threads)
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    cmd = [sys.executable, "-m", "benchmarks.reproduce", "--worker", framework, model_id, out,
           "--seed", str(seed)]
    if steps:
        cmd += ["--steps", str(steps)]
    if epochs:
        cmd += ["--epochs", str(epochs)]
    if switch:
        cmd += ["--set", switch]
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))[:threads]
        cmd = ["taskset", "-c", ",".join(map(str, cores))] + cmd if _has_taskset() else cmd
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    with open(out) as f:
        res = json.load(f)
    os.unlink(out)
    res["process_wall_s"] = time.perf_counter() - t0
    return res


def _has_taskset():
    from shutil import which
    return which("taskset") is not None


def reproduce(model_id, threads=1, seed=None, steps=None, epochs=None,
              frameworks=("minigrad", "torch"), switch=None):
    """Run both workers for ``model_id`` (with a book-faithful ``switch`` such as
    ``"loss=sigmoid_bce"``); write and return the JSON record."""
    from benchmarks.harness import hardware_facts, write_json_atomic
    from models.classifiers.entries import get_entry

    entry = get_entry(model_id)
    recipe = entry.training("book")
    seed = recipe.get("seed", 0) if seed is None else seed
    runs = {fw: _spawn(fw, entry.id, threads, seed, steps, epochs, switch) for fw in frameworks}
    record = dict(id=entry.id, name=entry.name, source=entry.source, threads=threads,
                  switch=switch,
                  seed=seed, recipe={k: v for k, v in recipe.items()},
                  book_length=dict(steps=recipe.get("steps"), epochs=recipe.get("epochs")),
                  requested_length=dict(steps=steps, epochs=epochs),
                  runs=runs, hardware=hardware_facts())
    os.makedirs(RESULTS, exist_ok=True)
    suffix = f"-{switch}" if switch else ""
    write_json_atomic(os.path.join(RESULTS, f"reproduce-{entry.id}{suffix}.json"), record)
    write_table()
    return record


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")


def _epoch_time(run, key="epoch_times_s"):
    """Median seconds per full epoch; the first epoch of a run with several is a warm-up
    (Numba JIT, allocator) and a last partial one (``--steps``) is not an epoch."""
    times, sizes = run.get(key, []), run["batches_per_epoch"]
    full = [t for t, n in zip(times, sizes) if n == max(sizes)]
    return _median(full[1:] or full)


def _final_loss(run):
    """Mean training loss over the last 10 % of the epochs (at least one): a single epoch's
    mean is too noisy once the loss is tiny or dropout is on."""
    losses = run["epoch_mean_loss"]
    tail = losses[-max(1, len(losses) // 10):]
    return sum(tail) / len(tail)


def _agreement(runs, rtol=1e-3):
    """How long the two training-loss curves (per-epoch means) stay within ``rtol``: "all N"
    epochs, or "k of N" (the first k agree, then float32 rounding differences have grown)."""
    if "minigrad" not in runs or "torch" not in runs:
        return "–"
    a, b = runs["minigrad"]["epoch_mean_loss"], runs["torch"]["epoch_mean_loss"]
    k = 0
    while k < len(a) and abs(a[k] - b[k]) <= rtol * max(abs(a[k]), abs(b[k])):
        k += 1
    return f"all {len(a)}" if k == len(a) else f"{k} of {len(a)}"


def write_table():
    """Rebuild results/reproduce.md from every results/reproduce-*.json."""
    rows, facts, records = [], None, []
    for path in sorted(glob.glob(os.path.join(RESULTS, "reproduce-V-*.json"))):
        with open(path) as f:
            rec = json.load(f)
        records.append(rec)
        facts = rec["hardware"]
        book = rec["book_length"]
        book_len = f"{book['steps']} steps" if book["steps"] else f"{book['epochs']} epochs"
        r = rec["runs"]
        any_run = next(iter(r.values()))
        ran = f"{any_run['iterations']} it / {any_run['epochs_run']} ep"
        name = rec["name"] + (f" (`{rec['switch']}`)" if rec.get("switch") else "")
        cells = [rec["id"], name, book_len, ran]
        for fw in ("minigrad", "torch"):
            run = r.get(fw)
            if run is None:
                cells += ["not run"] * 4
                continue
            cells += [f"{run['test_accuracy']:.4f}", f"{_final_loss(run):.4g}",
                      f"{_epoch_time(run):.2f} / {_epoch_time(run, 'epoch_cpu_s'):.2f}",
                      f"{run['peak_train_rss_growth_mb']:.0f}"
                      f" / {run['peak_rss_mb']:.0f}"]
        cells.append(_agreement(r))
        rows.append("| " + " | ".join(cells) + " |")
    head = ("| ID | model | book length | run length | minigrad test acc | minigrad final "
            "train loss | minigrad s/epoch (wall / CPU) | minigrad MB (train growth / peak RSS) | "
            "torch test acc | torch final train loss | torch s/epoch (wall / CPU) | torch MB "
            "(train growth / peak RSS) | epoch losses agree (0.1 %) |\n" + "|" + "---|" * 13)
    lines = ["# Reproduction runs: minigrad vs an identical PyTorch twin", "",
             'Generated by `python -m benchmarks reproduce ID ...` (benchmarks/reproduce.py): same'
             ' data, same initial weights (copied), same batch order, same optimizer update rule '
             '(Adam with TF ε placement) and LR schedule; only dropout masks differ. Test accuracy'
             ' on the whole test split in eval mode. Final train loss: mean of the per-epoch mean '
             'training losses over the last 10 % of the epochs. s/epoch: median wall-clock and '
             'process CPU time per full epoch (first epoch excluded when there are several); the '
             'CPU time is the fairer figure on a machine shared with other jobs. Memory: peak '
             'growth of the process RSS during training / peak RSS of the whole process (incl. '
             'interpreter, libraries and data). Runs shorter than the book length are marked in '
             '*run length*. The last column: for how many epochs the two per-epoch mean training '
             'losses stay within 0.1 % of each other. Analysis: [reproduce-notes.md](reproduce-'
             'notes.md).', ""]
    if facts:
        lines += [f"Machine: {facts.get('cpu')} ({facts.get('cpu_count')} logical CPUs, shared "
                  f"with other jobs), numpy {facts.get('numpy')}, torch {facts.get('torch')}, "
                  f"numba {facts.get('numba')}; threads per worker: 1.", ""]
    lines += [head] + rows + [""]
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "reproduce.md"), "w") as f:
        f.write("\n".join(lines))
    _chart(records, os.path.join(RESULTS, "reproduce.png"))


def _chart(records, path):
    """Test accuracy of minigrad and its PyTorch twin per run (PNG; skipped without
    matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    recs = [r for r in records if {"minigrad", "torch"} <= set(r["runs"])]
    if not recs:
        return
    labels = [r["id"] + (f"\n{r['switch']}" if r.get("switch") else "") for r in recs]
    xs = range(len(recs))
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(recs)), 4))
    for k, (fw, color) in enumerate((("minigrad", "tab:blue"), ("torch", "tab:orange"))):
        ax.bar([x + (k - 0.5) * 0.38 for x in xs],
               [r["runs"][fw]["test_accuracy"] for r in recs], 0.38, label=fw, color=color)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.set_title("minigrad vs identical PyTorch twin (same init, data, batch order)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        return _worker(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m benchmarks reproduce")
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, help="default: the recipe's seed, else 0")
    ap.add_argument("--steps", type=int, help="iterations (overrides the book length)")
    ap.add_argument("--epochs", type=int, help="epochs (overrides the book length)")
    ap.add_argument("--frameworks", default="minigrad,torch")
    ap.add_argument("--set", metavar="KEY=VALUE", help="a book-faithful switch, e.g. "
                    "loss=sigmoid_bce (V-02), eps_mode=std_plus_eps (V-07, V-13), "
                    "conv_init=zeros (V-15)")
    ap.add_argument("--table", action="store_true", help="only rebuild reproduce.md")
    a = ap.parse_args(argv)
    if a.table or not a.ids:
        write_table()
        return
    for model_id in a.ids:
        rec = reproduce(model_id, a.threads, a.seed, a.steps, a.epochs,
                        tuple(a.frameworks.split(",")), a.set)
        for fw, r in rec["runs"].items():
            print(f"{rec['id']} {fw:8s} test acc {r['test_accuracy']:.4f}  final train loss "
                  f"{_final_loss(r):.4g}  {_epoch_time(r):.2f} s/epoch  "
                  f"{r['iterations']} it", flush=True)


if __name__ == "__main__":
    run()

"""One training step (forward, loss, backward, optimizer step) of two small models, minigrad
beside PyTorch running the identical model in its own process (harness.py: pinned threads,
medians over repeats).

* ``mlp``: 784 -> 512 -> ReLU -> 10, batch 64, softmax cross-entropy.
* ``cnn``: the slides' CNN (V-12, zoo-vision.md): conv 6x6/1 -> 6, 5x5/2 -> 12, 4x4/2 -> 24
  (TF SAME padding, ReLU), flatten 1176, dense 200 + ReLU + dropout 0.25, dense 10;
  batch 100 of 28x28x1. PyTorch gets the same asymmetric SAME pads through ``ZeroPad2d``.

Each model is timed with SGD (momentum 0.9) and with Adam (the book's optimizer).
Run: ``python -m benchmarks train_step [--rounds N]`` (rounds alternate the backend order;
writes results/train_step-cpu.json and results/train_step.md). Target: minigrad <= 1.2x
PyTorch's step time.

``--same-malloc`` gives PyTorch's process minigrad's glibc malloc policy too
(minigrad/memory.py: big freed blocks stay in the process), through glibc's
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` environment variables, and writes
results/train_step-same-malloc.*: the comparison with that advantage taken away.
"""
import argparse
import functools
import importlib
import os

import numpy as np

from benchmarks.harness import (RESULTS, _chart, _format_row, alternating_rounds, hardware_facts,
                                write_json_atomic)
from minigrad import memory

SAME = [((2, 3), (2, 3)), ((1, 2), (1, 2)), ((1, 1), (1, 1))]     # (top, bottom), (left, right)


def _mlp(nn):
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))


def _cnn(nn, torch_pads):
    layers = []
    specs = [(1, 6, 6, 1), (6, 12, 5, 2), (12, 24, 4, 2)]
    for (cin, cout, k, s), ((t, b), (l, r)) in zip(specs, SAME):
        if torch_pads:
            layers += [nn.ZeroPad2d((l, r, t, b)), nn.Conv2d(cin, cout, k, s)]
        else:
            layers += [nn.Conv2d(cin, cout, k, s, padding="same")]
        layers.append(nn.ReLU())
    layers += [nn.Flatten(), nn.Linear(1176, 200), nn.ReLU(), nn.Dropout(0.25), nn.Linear(200, 10)]
    return nn.Sequential(*layers)


def _step(model, optimizer, F, x, y):
    """zero_grad, forward, cross-entropy, backward, update."""
    optimizer.zero_grad()
    F.cross_entropy(model(x), y).backward()
    optimizer.step()


def make_cases(backend, dtype, device):
    lib = importlib.import_module("torch" if backend == "torch" else "minigrad")
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    lib.manual_seed(0)
    rng = np.random.default_rng(0)
    tdtype = getattr(lib, dtype)
    data = {"mlp": (rng.standard_normal((64, 784)), rng.integers(0, 10, 64)),
            "cnn": (rng.standard_normal((100, 1, 28, 28)), rng.integers(0, 10, 100))}
    cases = {}
    for name, build in (("mlp 784-512-10 b64", lambda: _mlp(nn)),
                        ("cnn V-12 b100", lambda: _cnn(nn, backend == "torch"))):
        xs, ys = data[name[:3]]
        x = lib.tensor(xs.astype(dtype), device=device)
        y = lib.tensor(ys, device=device)
        for oname, make_opt in (("sgd", lambda p: optim.SGD(p, lr=0.01, momentum=0.9)),
                                ("adam", lambda p: optim.Adam(p, lr=1e-3))):
            model = build().to(device=device, dtype=tdtype)
            opt = make_opt(model.parameters())
            cases[f"{name} {oname}"] = functools.partial(_step, model, opt, F, x, y)
    return cases


def write_markdown(rounds, path, load=None, same_malloc=False):
    """The results table: each round's times and ratio, and the median ratio over rounds."""
    lines = ["# train_step: one training step, minigrad vs PyTorch"
             + (" (both with minigrad's malloc policy)" if same_malloc else ""),
             "",
             "Each backend runs in its own process (benchmarks/harness.py: pinned threads, median of",
             "repeats). The rounds alternate which backend runs first, because the machine is shared",
             "and its load drifts; the headline is the median ratio over rounds. (Each worker is",
             "pinned to the quietest CPU at its start.)",
             f"Load average at the end of the run: "
             f"{', '.join(f'{v:.1f}' for v in (load or os.getloadavg()))} "
             f"on {os.cpu_count()} cores.", "",
             "ratio = minigrad / PyTorch step time, lower is better; target <= 1.2. The last column",
             "divides the fastest measurement of each backend over all rounds (least disturbed by",
             "other processes).", "",
             ("Both processes ran with glibc's MALLOC_MMAP_THRESHOLD_=%d and "
              "MALLOC_TRIM_THRESHOLD_=%d, the policy minigrad applies to itself at import "
              "(minigrad/memory.py), so neither keeps an allocator advantage."
              % (memory.MMAP_THRESHOLD, memory.TRIM_THRESHOLD) if same_malloc else
              "minigrad's process runs with the glibc malloc policy it applies at import "
              "(minigrad/memory.py); train_step-same-malloc.md gives PyTorch the same policy "
              "(`--same-malloc`)."), "",
             "| case | threads | dtype | " + " | ".join(
                 f"round {i + 1}: minigrad / PyTorch ms (ratio)" for i in range(len(rounds)))
             + " | median ratio | best-time ratio |",
             "|---|---|---|" + "---|" * len(rounds) + "---|---|"]
    for k, row in enumerate(rounds[0]):
        cells, ratios = [], []
        for runs in rounds:
            r = runs[k]
            ratio = r.get("ratio_minigrad_over_torch", float("nan"))
            ratios.append(ratio)
            cells.append(f"{r['minigrad']['median_s'] * 1e3:.2f} / {r['torch']['median_s'] * 1e3:.2f}"
                         f" ({ratio:.2f})")
        best = (min(runs[k]["minigrad"]["min_s"] for runs in rounds)
                / min(runs[k]["torch"]["min_s"] for runs in rounds))
        lines.append(f"| {row['case']} | {row['threads']} | {row['dtype']} | " + " | ".join(cells)
                     + f" | **{float(np.median(ratios)):.2f}** | {best:.2f} |")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def _round_rows(runs, r):
    """Round ``r`` of :func:`alternating_rounds` as result rows (each case, both backends,
    ratio minigrad / PyTorch)."""
    rows = []
    for case, mine in runs["minigrad"][r].items():
        theirs = runs["torch"][r][case]
        rows.append({"case": case, "threads": 1, "dtype": "float32", "device": "cpu",
                     "minigrad": mine, "torch": theirs,
                     "ratio_minigrad_over_torch": mine["median_s"] / theirs["median_s"]})
    return rows


def run(argv=None):
    """``--rounds`` harness rounds alternating the backend order (one pinned thread,
    float32); JSON of every round and the Markdown table under benchmarks/results/."""
    p = argparse.ArgumentParser(prog="python -m benchmarks train_step")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--same-malloc", action="store_true",
                   help="give PyTorch's process minigrad's glibc malloc policy too")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--only", action="append", help="run only cases whose name contains this")
    p.add_argument("--cpus", type=int, nargs="*", default=None, help="pin workers to these CPUs")
    a = p.parse_args(list(argv or []))
    name = "train_step-same-malloc" if a.same_malloc else "train_step"
    if a.same_malloc:                       # inherited by both worker processes
        os.environ.update(MALLOC_MMAP_THRESHOLD_=str(memory.MMAP_THRESHOLD),
                          MALLOC_TRIM_THRESHOLD_=str(memory.TRIM_THRESHOLD))
    runs = alternating_rounds("train_step", 1, "float32", "cpu", a, a.rounds)
    all_runs = [_round_rows(runs, r) for r in range(a.rounds)]
    for rows in all_runs:
        print("\n".join(_format_row(row) for row in rows), flush=True)
    write_json_atomic(os.path.join(RESULTS, f"{name}-cpu.json"),
                      {"benchmark": "train_step", "same_malloc": a.same_malloc,
                       "hardware": hardware_facts(), "load_average": os.getloadavg(),
                       "rounds": all_runs})
    write_markdown(all_runs, os.path.join(RESULTS, f"{name}.md"), same_malloc=a.same_malloc)
    medians = [dict(row, ratio_minigrad_over_torch=float(np.median(
        [rows[k]["ratio_minigrad_over_torch"] for rows in all_runs])))
        for k, row in enumerate(all_runs[0])]
    _chart("train_step", medians, os.path.join(RESULTS, f"{name}-cpu.png"))
    return all_runs


if __name__ == "__main__":
    run()

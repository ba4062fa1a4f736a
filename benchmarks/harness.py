"""Benchmark harness: every backend in its own process, pinned threads, medians with spread.

A benchmark module (``benchmarks/<name>.py``) defines

    def make_cases(backend, dtype, device):
        '''Return {case_name: run} where run() performs ONE iteration of the timed work
        (already set up: data, model, optimizer). backend is "minigrad" or "torch".'''

and calls :func:`main` from its ``if __name__ == "__main__"`` block (or is run with
``python -m benchmarks NAME``). For each (backend, threads, dtype, device) the harness starts a
fresh worker process that sets OMP/MKL/OpenBLAS/Numba thread counts before NumPy or torch is
imported, pins itself to that many cores (the quietest at start, or ``--cpus``), warms up, calibrates an inner loop so that one
measurement lasts at least ``min_time`` seconds, and reports the median, the interquartile range
and the minimum over ``repeats`` measurements (seconds per iteration). NumPy and torch never
share a process (their thread pools interfere).

The parent writes ``benchmarks/results/<name>-<device>.json`` atomically (hardware facts, package
versions, every measurement, and minigrad/torch ratios measured in the same run) and a PNG bar
chart of the ratios when matplotlib is installed.
"""
import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")


# ----------------------------------------------------------------------------- worker side

def _time_case(run, repeats, min_time, warmup, sync):
    for _ in range(warmup):
        run()
    sync()
    inner, elapsed = 1, 0.0
    while True:                                   # calibrate: one measurement >= min_time
        t0 = time.perf_counter()
        for _ in range(inner):
            run()
        sync()
        elapsed = time.perf_counter() - t0
        if elapsed >= min_time or inner >= 1 << 20:
            break
        inner = max(inner * 2, int(inner * min_time / max(elapsed, 1e-9) * 1.2))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            run()
        sync()
        samples.append((time.perf_counter() - t0) / inner)
    samples.sort()
    q = lambda f: samples[min(len(samples) - 1, int(f * (len(samples) - 1) + 0.5))]  # noqa: E731
    return {"median_s": q(0.5), "q25_s": q(0.25), "q75_s": q(0.75), "min_s": samples[0],
            "repeats": repeats, "inner_loops": inner}


def _sync_for(backend, device):
    if device == "cuda":
        if backend == "torch":
            import torch
            return torch.cuda.synchronize
        from minigrad.backend import cupy
        return lambda: cupy().cuda.Device().synchronize()
    return lambda: None


def quietest_cpus(n, interval=0.25):
    """The ``n`` CPUs (of those this process may use) that were least busy over ``interval``
    seconds, read from /proc/stat; the first ``n`` allowed CPUs where that is unavailable."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:
        return list(range(n))

    def busy():
        with open("/proc/stat") as f:
            rows = [line.split() for line in f if line.startswith("cpu") and line[3].isdigit()]
        return {int(r[0][3:]): sum(map(int, r[1:4])) + sum(map(int, r[6:9])) for r in rows}
    try:
        before = busy()
        time.sleep(interval)
        after = busy()
    except (OSError, ValueError, IndexError):
        return allowed[:n]
    return sorted(sorted(allowed, key=lambda c: after.get(c, 0) - before.get(c, 0))[:n])


def worker(bench, backend, threads, dtype, device, repeats, min_time, warmup, only, cpus=None):
    """Run one backend's cases in this process (called in a fresh subprocess), pinned to
    ``cpus`` (default: the ``threads`` quietest CPUs at start)."""
    try:
        os.sched_setaffinity(0, set(cpus or quietest_cpus(threads)))
    except (AttributeError, OSError):
        pass
    if backend == "torch":
        import torch
        torch.set_num_threads(threads)
        torch.manual_seed(0)
    module = importlib.import_module(f"benchmarks.{bench}")
    cases = module.make_cases(backend, dtype, device)
    sync = _sync_for(backend, device)
    out = {}
    for name, run in cases.items():
        if only and not any(o in name for o in only):
            continue
        out[name] = _time_case(run, repeats, min_time, warmup, sync)
    return out


# ----------------------------------------------------------------------------- parent side

def hardware_facts():
    """CPU model, cores, package versions: recorded beside every result."""
    facts = {"machine": platform.machine(), "python": platform.python_version(),
             "cpu_count": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for pkg in ("numpy", "numba", "torch", "cupy"):
        try:
            facts[pkg] = importlib.import_module(pkg).__version__
        except Exception:   # not installed, or cupy without a GPU
            facts[pkg] = None
    try:
        import numpy as np
        cfg = np.show_config(mode="dicts")
        facts["blas"] = cfg.get("Build Dependencies", {}).get("blas", {}).get("name")
    except Exception:
        pass
    try:
        load = os.getloadavg()
        facts["loadavg_1min_at_start"] = round(load[0], 2)
    except OSError:
        pass
    return facts


def _spawn(bench, backend, threads, dtype, device, args):
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    env.setdefault("CI", "")
    cmd = [sys.executable, "-m", "benchmarks.harness", "--worker", bench, "--backend", backend,
           "--threads", str(threads), "--dtype", dtype, "--device", device,
           "--repeats", str(args.repeats), "--min-time", str(args.min_time),
           "--warmup", str(args.warmup)] + sum((["--only", o] for o in getattr(args, "only", None) or []), []) + (
           ["--cpus"] + [str(c) for c in args.cpus[:threads]] if getattr(args, "cpus", None) else [])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker {backend}/{threads}t/{dtype}/{device} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def alternating_rounds(bench, threads, dtype, device, args, rounds, backends=("minigrad", "torch")):
    """Spawn every backend ``rounds`` times, reversing the order each round so that a shared
    machine's load drift hits both alike; returns ``{backend: [per-round {case: stats}]}``."""
    runs = {b: [] for b in backends}
    for r in range(rounds):
        for backend in backends if r % 2 == 0 else tuple(reversed(backends)):
            runs[backend].append(_spawn(bench, backend, threads, dtype, device, args))
    return runs


def write_json_atomic(path, obj):
    """Write JSON to a temporary file in the same directory, then rename over ``path``."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(bench, argv=None, default_threads=(1,), default_dtypes=("float32",),
         backends=("minigrad", "torch"), configs=None):
    """Command line of one benchmark: runs every configuration and writes the results.

    ``configs`` may list explicit (threads, dtype) pairs instead of the full product."""
    p = argparse.ArgumentParser(prog=f"python -m benchmarks {bench}")
    p.add_argument("--threads", type=int, nargs="*", default=None)
    p.add_argument("--dtypes", nargs="*", default=None)
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    p.add_argument("--backends", nargs="*", default=list(backends))
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--only", action="append", help="run only cases whose name contains this")
    p.add_argument("--cpus", type=int, nargs="*", default=None,
                   help="pin workers to these CPUs (default: the quietest ones at each start)")
    p.add_argument("--out", default=None, help="JSON path (default benchmarks/results/<bench>-<device>.json)")
    args = p.parse_args(argv)
    if configs and args.threads is None and args.dtypes is None:
        pairs = list(configs)
    else:
        pairs = [(t, d) for d in (args.dtypes or default_dtypes)
                 for t in (args.threads or default_threads)]
    facts = hardware_facts()
    runs = []
    for threads, dtype in pairs:
        per_backend = {}
        for backend in args.backends:
            per_backend[backend] = _spawn(bench, backend, threads, dtype, args.device, args)
        for case in per_backend[args.backends[0]]:
            row = {"case": case, "threads": threads, "dtype": dtype, "device": args.device}
            for backend, res in per_backend.items():
                if case in res:
                    row[backend] = res[case]
            if "minigrad" in row and "torch" in row:
                row["ratio_minigrad_over_torch"] = row["minigrad"]["median_s"] / row["torch"]["median_s"]
            runs.append(row)
            print(_format_row(row), flush=True)
    out = args.out or os.path.join(RESULTS, f"{bench}-{args.device}.json")
    write_json_atomic(out, {"benchmark": bench, "hardware": facts, "results": runs})
    print(f"wrote {out}")
    _chart(bench, runs, out[:-5] + ".png")
    return runs


def _format_row(row):
    def ms(b):
        return f"{row[b]['median_s'] * 1e3:10.4f} ms" if b in row else " " * 13
    ratio = row.get("ratio_minigrad_over_torch")
    return (f"{row['case']:<40} {row['threads']}t {row['dtype']:<8} minigrad {ms('minigrad')}  "
            f"torch {ms('torch')}  ratio {ratio:.2f}" if ratio else
            f"{row['case']:<40} {row['threads']}t {row['dtype']:<8} minigrad {ms('minigrad')}")


def _chart(bench, runs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    rows = [r for r in runs if "ratio_minigrad_over_torch" in r]
    if not rows:
        return
    labels = [f"{r['case']} ({r['threads']}t {r['dtype']})" for r in rows]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.2))
    ax.barh(range(len(rows)), [r["ratio_minigrad_over_torch"] for r in rows], color="tab:blue")
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("time ratio minigrad / PyTorch (lower is better)")
    ax.set_title(f"{bench}: median time ratio, same run")
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


def _worker_cli():
    p = argparse.ArgumentParser()
    p.add_argument("--worker", required=True)
    p.add_argument("--backend", required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--dtype", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--repeats", type=int, required=True)
    p.add_argument("--min-time", type=float, required=True)
    p.add_argument("--warmup", type=int, required=True)
    p.add_argument("--only", action="append")
    p.add_argument("--cpus", type=int, nargs="*", default=None)
    a = p.parse_args()
    res = worker(a.worker, a.backend, a.threads, a.dtype, a.device, a.repeats, a.min_time,
                 a.warmup, a.only, a.cpus)
    print(json.dumps(res))


if __name__ == "__main__":
    _worker_cli()

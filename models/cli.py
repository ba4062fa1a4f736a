"""``python -m models``: list, summarise and train the zoo's models.

    python -m models list                                  # ID, name, source, parameter count
    python -m models summary V-11                          # per-layer shapes and parameters
    python -m models train V-11 --steps 2000               # train, print test accuracy, plot
    python -m models train V-11 --config tiny --out runs/t --resume
    python -m models reproduce V-03 --steps 2000           # minigrad vs PyTorch twin (needs torch)

``train`` builds the model with ``minigrad.manual_seed(seed)``, trains it with the recipe of its
zoo entry (dataset, optimizer, lr schedule, batch size, length; ``--epochs``/``--steps`` override
the length), shows a progress bar on a terminal, evaluates on the test split after every epoch,
writes ``checkpoints/`` (resumable with ``--resume``), ``history.json``, ``model.npz`` and the
loss/accuracy curve ``loss_curve.png`` into ``--out`` (default ``runs/<name>``) and prints the
test accuracy.
"""
import argparse
import math
import os
import platform
import sys
import time

from . import zoo

# input shape (C, H, W) of each dataset, for `summary`
INPUT_SHAPES = {"mnist": (1, 28, 28), "fashion_mnist": (1, 28, 28), "digits": (1, 28, 28),
                "cifar_shapes": (3, 32, 32), "textures": (3, 64, 64)}


def _fmt_count(n):
    return f"{n:,}"


def cmd_list(args, out=sys.stdout):
    """One row per model, printed as soon as its parameter count is known (building the big
    book models takes a few seconds each)."""
    import minigrad as mg

    models = zoo.all_models()
    header = ("ID", "name", "source", f"params ({args.config})")
    widths = [max([len(header[0])] + [len(m.id) for m in models]),
              max([len(header[1])] + [len(m.slug) for m in models]),
              max([len(header[2])] + [len(m.source) for m in models]), len(header[3]) + 2]
    line = "  ".join("{:<%d}" % w for w in widths[:3]) + "  {:>%d}" % widths[3]
    print(line.format(*header), file=out, flush=True)
    for info in models:
        count = "-"
        if not args.no_params:
            try:
                mg.manual_seed(0)
                count = _fmt_count(zoo.count_parameters(info.build(args.config)))
            except Exception as e:              # a model that cannot be built still lists
                count = "?"
                print(f"warning: building {info.id} failed: {e}", file=sys.stderr)
        print(line.format(info.id, info.slug, info.source, count), file=out, flush=True)
    for family, err in zoo.IMPORT_ERRORS.items():
        print(f"(family {family} not loaded: {err})", file=out)
    return 0


def cmd_summary(args, out=sys.stdout):
    import minigrad as mg

    info = zoo.get(args.name)
    mg.manual_seed(0)
    model = info.build(args.config)
    print(f"{info.id} {info.slug} ({args.config}) — {info.source}", file=out)
    shape = getattr(model, "input_shape", None) or INPUT_SHAPES.get(info.dataset)
    summary = getattr(mg, "summary", None)
    if summary is not None and shape is not None:
        model.eval()
        summary(model, shape, print_fn=lambda s: print(s, file=out))
        return 0
    total = 0
    for name, p in model.named_parameters():
        print(f"  {name:<40} {str(tuple(p.shape)):<20} {p.numel():>12,}", file=out)
        total += p.numel()
    print(f"  total parameters: {total:,}", file=out)
    return 0


def _load_data(info, recipe, config, data):
    """Train/test arrays for the run; ``data`` overrides the recipe's dataset: ``digits``
    (DS-02 as a 28×28 MNIST stand-in) or a path (IDX directory / CSV) for the dataset's
    ``MINIGRAD_DATA_<NAME>`` override."""
    import numpy as np

    if data == "digits":
        from minigrad.data.datasets import load_digits

        parts = [load_digits(s, size=28) for s in ("train", "test")]
        return [(x[:, None].astype(np.float32), y) for x, y in parts]
    if data not in (None, recipe.get("data")):
        if not os.path.exists(data):
            raise SystemExit(f"--data: {data!r} is neither 'digits', the model's dataset "
                             f"{recipe.get('data')!r}, nor an existing path")
        os.environ[f"MINIGRAD_DATA_{recipe['data'].upper()}"] = os.path.abspath(data)
    if info.load_data is None:
        raise SystemExit(f"{info.id} registers no data loader; it cannot be trained from the CLI")
    parts = info.load_data(recipe, config)
    if len(parts) == 3:                      # (train, val, test): the CLI validates on test
        parts = (parts[0], parts[2])
    return parts


def _accuracy_metric(model):
    import minigrad as mg
    from minigrad.training import metrics

    if hasattr(model, "accuracy"):
        return lambda y, out: model.accuracy(mg.as_tensor(out), y)
    return metrics.accuracy


def cmd_train(args, out=sys.stdout):
    import minigrad as mg
    from minigrad.data import DataLoader, TensorDataset
    from minigrad.training import Checkpoint, HistoryLogger, Trainer, plot_history

    info = zoo.get(args.name)
    recipe = info.training(args.config)
    if args.epochs is not None:
        recipe.pop("steps", None)
        recipe["epochs"] = args.epochs
    if args.steps is not None:
        recipe.pop("epochs", None)
        recipe["steps"] = args.steps
    if args.batch_size is not None:
        recipe["batch_size"] = args.batch_size
    outdir = args.out or os.path.join("runs", f"{info.slug}-{args.config}")
    os.makedirs(outdir, exist_ok=True)

    t_start = time.perf_counter()
    (x, y), (xt, yt) = _load_data(info, recipe, args.config, args.data)
    seed = recipe.get("seed", 0) if args.seed is None else args.seed
    mg.manual_seed(seed)
    model = info.build(args.config)
    if args.device:
        model.to(args.device)
    optimizer = zoo.make_optimizer(recipe["optimizer"], model.parameters())
    scheduler = zoo.make_scheduler(recipe.get("schedule"), optimizer)
    bs = recipe["batch_size"]
    train_loader = DataLoader(TensorDataset(x, y), batch_size=bs, shuffle=recipe.get("shuffle", True),
                              drop_last=recipe.get("drop_last", False), seed=seed + 1)
    test_loader = DataLoader(TensorDataset(xt, yt), batch_size=max(bs, 500))
    per_epoch = len(train_loader)
    every = args.checkpoint_every or max(per_epoch, 100)
    loss_fn = model.loss if hasattr(model, "loss") else mg.functional.cross_entropy
    checkpoints = Checkpoint(os.path.join(outdir, "checkpoints"), every_n_steps=every,
                             every_n_epochs=None)
    trainer = Trainer(model, optimizer, loss_fn, train_loader, test_loader, scheduler=scheduler,
                      metrics={"acc": _accuracy_metric(model)}, device=args.device,
                      progress=False if args.no_progress else None,
                      callbacks=[checkpoints, HistoryLogger(os.path.join(outdir, "history.json"))])
    steps = recipe.get("steps")
    epochs = recipe.get("epochs")
    length = f"{steps} steps" if steps else f"{epochs} epochs"
    print(f"{info.id} {info.slug} ({args.config}): {zoo.count_parameters(model):,} parameters; "
          f"{len(x):,} train / {len(xt):,} test samples; batch {bs}, {length} "
          f"({per_epoch} batches per epoch); seed {seed}; device {args.device or 'cpu'}",
          file=out, flush=True)
    if args.resume:
        used = trainer.resume(os.path.join(outdir, "checkpoints"))
        print(f"resumed from {used} (step {trainer.step})" if used else
              "no checkpoint to resume from; starting fresh", file=out, flush=True)
    t_train = time.perf_counter()
    trainer.fit(epochs=epochs, max_steps=steps)
    train_time = time.perf_counter() - t_train
    result = trainer.evaluate(test_loader)
    mg.save(model.state_dict(), os.path.join(outdir, "model.npz"))
    checkpoints.save(trainer)
    curve = plot_history(trainer.history, os.path.join(outdir, "loss_curve.png"),
                         title=f"{info.id} {info.slug} ({args.config}); validation = test split")
    print(f"test accuracy: {result['acc']:.4f} ({len(xt):,} images)   test loss: "
          f"{result['loss']:.4f}", file=out)
    print(f"trained {trainer.step} steps in {train_time:.1f} s (total {time.perf_counter() - t_start:.1f} s, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()})", file=out)
    print(f"wrote {curve}, {os.path.join(outdir, 'model.npz')}, "
          f"{os.path.join(outdir, 'history.json')}", file=out, flush=True)
    if not math.isfinite(result["loss"]):
        return 1
    return 0


def parser():
    p = argparse.ArgumentParser(prog="python -m models", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="every model: ID, name, source, parameter count")
    ls.add_argument("--config", choices=("book", "tiny"), default="book")
    ls.add_argument("--no-params", action="store_true", help="skip building models to count")
    sm = sub.add_parser("summary", help="layer-by-layer summary of one model")
    sm.add_argument("name", help="model ID (V-11) or name")
    sm.add_argument("--config", choices=("book", "tiny"), default="book")
    tr = sub.add_parser("train", help="train one model with its recipe")
    tr.add_argument("name", help="model ID (V-11) or name")
    tr.add_argument("--config", choices=("book", "tiny"), default="book")
    tr.add_argument("--epochs", type=int, help="train this many epochs instead of the recipe")
    tr.add_argument("--steps", type=int, help="train this many steps instead of the recipe")
    tr.add_argument("--batch-size", type=int)
    tr.add_argument("--device", choices=("cpu", "cuda"))
    tr.add_argument("--data", help="'digits' (DS-02 stand-in) or a path to the dataset's files "
                                   "(e.g. a directory with the full MNIST IDX files)")
    tr.add_argument("--out", help="output directory (default runs/<name>-<config>)")
    tr.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    tr.add_argument("--seed", type=int)
    tr.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    rp = sub.add_parser("reproduce", help="train a model and its identical PyTorch twin "
                                          "(benchmarks/reproduce.py; needs torch)")
    rp.add_argument("args", nargs=argparse.REMAINDER,
                    help="IDs and options of `python -m benchmarks reproduce`, e.g. "
                         "V-03 --steps 2000")
    return p


def main(argv=None, out=sys.stdout):
    args = parser().parse_args(argv)
    try:
        if args.command == "list":
            return cmd_list(args, out)
        if args.command == "summary":
            return cmd_summary(args, out)
        if args.command == "reproduce":
            from benchmarks.reproduce import run
            return run(args.args) or 0
        return cmd_train(args, out)
    except KeyError as e:
        print(f"error: {e.args[0]}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:          # DataSourceMissing included: it names the fix
        print(f"error: {e}", file=sys.stderr)
        return 2
    except RuntimeError as e:
        from minigrad import DeviceError

        if not isinstance(e, DeviceError):      # --device cuda without CuPy or a GPU
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2

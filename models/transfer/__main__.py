"""``python -m models.transfer [--pipeline digits|shapes] [--config book|tiny] [--epochs N]``:
run the V-25 stand-in protocol and print one line per (target, strategy)."""
import argparse
import sys

from .protocol import PIPELINES, STRATEGIES, run_protocol


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m models.transfer", description=__doc__)
    p.add_argument("--pipeline", choices=sorted(PIPELINES), default="digits")
    p.add_argument("--config", choices=("book", "tiny"), default="book")
    p.add_argument("--epochs", type=int, default=3, help="source pretraining epochs")
    p.add_argument("--target-epochs", type=int, help="fine-tuning epochs (default: --epochs)")
    p.add_argument("--out", default="runs/V-25")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    r = run_protocol(args.pipeline, args.config, args.out, args.epochs, args.target_epochs,
                     STRATEGIES, args.seed, verbose=True)
    print(f"source {r['source']}: test accuracy {r['source_accuracy']:.4f}; saved {r['checkpoint']}; "
          f"reload bit-identical: {r['reload_identical']}")
    ok = r["reload_identical"]
    for res in r["results"]:
        frozen_ok = not res["frozen_changed"]
        ok &= frozen_ok
        print(f"{res['target']:<12} {res['strategy']:<13} test accuracy {res['accuracy']:.4f}  "
              f"frozen tensors {res['frozen_tensors']:>3} bit-identical: {frozen_ok}  "
              f"optimised tensors {res['optimised_tensors']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

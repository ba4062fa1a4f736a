"""``python -m models.siamese [--config book|tiny] [--data faces|digits] [--protocol clean|book]
[--book-reshape] [--epochs N] [--trials N]``: train V-26 and print the n-way one-shot table
(Siamese network vs the nearest-neighbour baseline)."""
import argparse
import sys

from .run import evaluate_n_way, train


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m models.siamese", description=__doc__)
    p.add_argument("--config", choices=("book", "tiny"), default="book")
    p.add_argument("--data", choices=("faces", "digits"), default="faces")
    p.add_argument("--protocol", choices=("clean", "book"), default="clean")
    p.add_argument("--book-reshape", action="store_true")
    p.add_argument("--held-out", action="store_true",
                   help="train on 3/4 of the subjects, evaluate on the others (n <= 10)")
    p.add_argument("--epochs", type=int)
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    model, trainer, x, subjects = train(args.data, args.config, args.protocol, args.book_reshape,
                                        args.epochs, args.seed, verbose=True,
                                        held_out=args.held_out)
    n_ways = (2, 4, 6, 8, 10) if args.held_out else (4, 9, 16, 25, 36, 40)
    table = evaluate_n_way(model, x, subjects, n_ways=n_ways, trials=args.trials,
                           protocol=args.protocol, seed=args.seed)
    print(f"{'n-way':>6} {'siamese':>9} {'nearest neighbour':>18}")
    for n, (acc, knn) in table.items():
        print(f"{n:>6} {acc:>9.3f} {knn:>18.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks: ``python -m benchmarks NAME`` (overhead, conv, rnn, train_step, ...).

Each backend runs in its own process with pinned threads (see harness.py); results go to
benchmarks/results/ as JSON (with hardware facts) and PNG charts."""

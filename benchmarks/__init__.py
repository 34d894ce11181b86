"""Cadence's benchmark harness: `python -m benchmarks` (or `make bench`)."""

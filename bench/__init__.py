"""Benchmarks and the synthetic plan generator they share (bench.generate.generate)."""

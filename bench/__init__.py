"""Benchmarks at real-world volume: python -m bench --sf 1 (make bench SF=1)."""

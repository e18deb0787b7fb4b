"""Benchmarks of DESIGN.md's performance budget; `bench/run` runs them all."""

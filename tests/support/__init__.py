"""Test support shared across test packages and benchmarks (not tests themselves)."""

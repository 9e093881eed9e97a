"""Fake MT services on 127.0.0.1 speaking the real protocols (tests and benchmarks only)."""

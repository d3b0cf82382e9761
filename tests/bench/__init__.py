"""Tests of the benchmark helpers (short versions of the long runs)."""

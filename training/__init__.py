"""papersieve's evaluation on real data and its benchmarks (see training/README.md)."""

"""Real running pieces for benchmarks and tests: a server process, Chromium + extension, page snapshots."""

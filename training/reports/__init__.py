"""Where results go: named sections of training/RESULTS.md and figure files."""

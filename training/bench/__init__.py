"""Speed and memory benchmarks of the server, the encoder and the extension (each prints numbers)."""

"""Write one named section of training/RESULTS.md, leaving the other scripts' sections alone."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parents[1] / "RESULTS.md"
HEADER = (
    "# papersieve: measured numbers\n\n"
    "Every section below is written by the script it names; rerun it to refresh.\n"
)


def write_section(name: str, markdown: str, path: Path = RESULTS_PATH) -> None:
    """Replace (or append) the block between this section's begin/end markers."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def publish(name: str, markdown: str, write: bool) -> None:
    """Print a script's section and, unless it runs with --no-write, write it to RESULTS.md."""
    print(markdown)
    if write:
        write_section(name, markdown)

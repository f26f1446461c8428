"""What `papersieve eval` prints and writes: its blocks as they finish, then the summary and sections."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from training.reports.results import RESULTS_PATH, write_section

REPO_ROOT = Path(__file__).resolve().parents[2]


class Report:
    """Prints every block as it is ready; at the end (unless --no-write) writes the summary and then
    every block as named sections of RESULTS.md, so a failed run leaves the file as it was."""

    def __init__(
        self, args: argparse.Namespace, command: str, write: Callable[[str, str], None] = write_section
    ) -> None:
        self.args, self.command, self.write_section = args, command, write
        self.sections: list[tuple[str, str, str]] = []
        self.highlights: list[str] = []
        self.revision = model_revision()  # at the start: the code the numbers come from

    def log(self, message: str) -> None:
        print(message, flush=True)

    def section(self, name: str, title: str, markdown: str) -> None:
        print(f"\n## {title}\n\n{markdown}\n", flush=True)
        self.sections.append((name, title, markdown))

    def highlight(self, markdown: str) -> None:
        """A block of the summary section (the headline numbers)."""
        self.highlights.append(markdown)

    def write(self, seconds: float) -> None:
        names = ", ".join(name for name, _, _ in self.sections)
        summary = (
            f"Last run: `{self.command}` (`papersieve eval` takes the same options), "
            f"{seconds:.0f}s on a {os.cpu_count()}-core machine, fixed seeds (a rerun with the same "
            f"libraries reproduces it: {library_versions()}); model code {self.revision}; "
            f"it wrote the sections {names}.\n\n" + "\n\n".join(self.highlights)
        )
        print(f"\n## Summary\n\n{summary}\n", flush=True)
        if self.args.no_write:
            return
        self.write_section("evaluate-summary", f"## papersieve eval: summary\n\n{summary}")
        for name, title, markdown in self.sections:
            self.write_section(name, f"## {title}\n\nCommand: `{self.command}`\n\n{markdown}")

    def plot_path(self, filename: str) -> Path | None:
        return None if self.args.no_write else self.args.out_dir / filename

    def link(self, path: Path | None, label: str) -> str:
        if path is None:
            return ""
        return f"\n\n![{label}]({Path(os.path.relpath(path, RESULTS_PATH.parent)).as_posix()})"


def library_versions() -> str:
    """The libraries the numbers depend on (a newer onnxruntime or BLAS moves the third decimal)."""
    names = ("onnxruntime", "tokenizers", "scikit-learn", "numpy", "scipy")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def model_revision() -> str:
    """The checkout's git commit, noting uncommitted changes to model/'s code (numbers belong to it)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=20, check=True
        ).stdout.strip()

    try:
        head, dirty = (
            git("rev-parse", "--short", "HEAD"),
            git("status", "--porcelain", "--", ":(glob)model/**/*.py"),
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"git {head}" + (" + uncommitted changes in model/" if dirty else "")


def command_line(argv: list[str]) -> str:
    """The command that reproduces this run."""
    return "python -m training.evaluate" + "".join(" " + shlex.quote(a) for a in argv)

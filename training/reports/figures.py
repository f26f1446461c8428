"""Matplotlib figures on the Agg backend (no pyplot, no display), imported only when a plot is drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class PlotsUnavailable(RuntimeError):
    """matplotlib is not installed."""


def new_figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise PlotsUnavailable(
            "plots need matplotlib: pip install 'papersieve[eval]', "
            "or pass --no-write to print the tables only"
        ) from error
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure: Any, path: Path, dpi: int = 100) -> Path:
    """Write a PNG without a timestamp or version in its metadata, so reruns give the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi, metadata={"Software": None})
    return path

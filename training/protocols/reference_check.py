"""Compare our baseline tables with the reference tables printed in citeulike-t/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

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
                    differing.append(f"{metric} {method} {column}: README {reference.loc[method, column]}, "
                                     f"here {table.loc[method, column]}")
    return same, total, differing

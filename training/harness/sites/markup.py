"""Escaping, hard line wrapping and inline JSON, as the snapshot pages need them."""

from __future__ import annotations

import html
import json
import textwrap


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def wrapped(text: str, width: int = 78) -> str:
    """Hard line breaks like arXiv metadata, which HF copies into `paper.title`/`paper.summary`."""
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def inline_json(value: object) -> str:
    """JSON for a <script type="application/json"> body: `<` escaped so no text can close it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace("\u2028", "\\u2028")

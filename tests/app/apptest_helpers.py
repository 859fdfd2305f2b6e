"""Helpers for the AppTest page tests (imported by the tests in this folder)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def unescape(text: str) -> str:
    """Markdown as the reader sees it: the pages escape user text (\\_ -> _)."""
    return re.sub(r"\\(.)", r"\1", text)


def page_text(at) -> str:
    """All markdown, captions and subheaders of a page run, unescaped."""
    parts = [e.value for kind in ("markdown", "caption", "subheader", "title", "info",
                                  "success", "warning", "error")
             for e in at.get(kind)]
    return unescape(" \n".join(str(p) for p in parts))

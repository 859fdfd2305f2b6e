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


def run_kmeans(at, k: int):
    """On the Discover page: k-means with a fixed number of personas, then run."""
    at.selectbox(key="method").set_value("kmeans").run()
    at.checkbox(key="auto_k").set_value(False).run()
    at.number_input(key="k").set_value(k)
    at.button(key="run").click().run()
    return at

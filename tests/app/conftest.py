"""Page tests with Streamlit's AppTest on a small, fast workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from persona_mining import DiscoverConfig, projects
from persona_mining.pipeline import discover

ROOT = Path(__file__).resolve().parents[2]
FAST = DiscoverConfig(method="kmeans", k=4, embedding="pca", bootstrap=2, seed=3)


@pytest.fixture(scope="session")
def small_ws(small_csv):
    return discover(small_csv, FAST)


@pytest.fixture
def page(small_ws):
    """AppTest for one page with the small workspace open as project 'test'."""
    from streamlit.testing.v1 import AppTest

    projects.save_project(small_ws, "test")

    def make(path: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / path), default_timeout=120)
        at.session_state["workspace"] = small_ws
        at.session_state["project"] = "test"
        return at.run()

    return make


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def no_exception():
    """Assert a page run raised nothing (no traceback would reach the user)."""
    return _no_exception

"""Page tests with Streamlit's AppTest on a small, fast workspace.

Every test gets its own PERSONA_MINING_HOME (tests/conftest.py), so projects written
here never reach the user's folder.
"""

from __future__ import annotations


import pytest

from persona_mining import DiscoverConfig, projects
from persona_mining.pipeline import discover

from apptest_helpers import ROOT  # noqa: F401  (tests/app is on sys.path)

FAST = DiscoverConfig(method="kmeans", k=4, embedding="pca", bootstrap=2, seed=3)


@pytest.fixture(autouse=True)
def _restore_main_module():
    """AppTest leaves the page script as sys.modules['__main__']; a later test that spawns
    processes (the Dask LocalCluster) would make every child re-run that page."""
    import sys

    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def small_ws(small_csv):
    """1,500 synthetic customers, 4 personas (k-means on PCA): discovered in ~1 s."""
    return discover(small_csv, FAST)


@pytest.fixture(scope="session")
def hdbscan_ws(small_csv):
    """The same customers with the default method (HDBSCAN, on PCA for speed): the
    "how many personas" evidence comes from its merge sequence."""
    return discover(small_csv, DiscoverConfig(method="hdbscan", embedding="pca", bootstrap=3,
                                              seed=3))


@pytest.fixture
def page(small_ws):
    """AppTest for one page file with the small workspace open as project 'test'."""
    from streamlit.testing.v1 import AppTest

    projects.save_project(small_ws, "test")

    def make(path: str, ws=None) -> AppTest:
        at = AppTest.from_file(str(ROOT / path), default_timeout=120)
        at.session_state["_owner"] = projects.LOCAL_OWNER      # as a browser key would
        at.session_state["workspace"] = small_ws if ws is None else ws
        at.session_state["project"] = "test"
        return at.run()

    return make


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if "Something went wrong" in e.value]


@pytest.fixture
def no_exception():
    """Assert a page run raised nothing (no traceback would reach the user)."""
    return _no_exception

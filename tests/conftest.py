"""Shared fixtures: one discovery on the synthetic sample, computed once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".venv" / "numba-cache"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Projects written by tests never land in the user's home folder."""
    monkeypatch.setenv("PERSONA_MINING_HOME", str(tmp_path_factory.mktemp("pm-home")))


@pytest.fixture(scope="session")
def sample_frame():
    from persona_mining.synthetic import make_customers

    return make_customers(10_000, seed=7)


@pytest.fixture(scope="session")
def sample_csv(tmp_path_factory, sample_frame):
    path = tmp_path_factory.mktemp("sample") / "customers.csv"
    sample_frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def sample_ws(sample_csv):
    """The default pipeline (UMAP + HDBSCAN) on 10k synthetic customers."""
    from persona_mining import DiscoverConfig
    from persona_mining.pipeline import discover

    return discover(sample_csv, DiscoverConfig(seed=42))


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory):
    """1,500 customers: for fast tests with PCA / k-means."""
    from persona_mining.synthetic import make_customers

    path = tmp_path_factory.mktemp("small") / "small.csv"
    make_customers(1_500, seed=3).to_csv(path, index=False)
    return path

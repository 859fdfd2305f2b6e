"""Tracking personas over periods: shares, drift warnings, the `track` command."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from persona_mining import DiscoverConfig
from persona_mining.model import PersonaModel, psi
from persona_mining.pipeline import discover
from persona_mining.scoring import (DriftThresholds, drift_report, period_windows, score_partition,
                                    split_table, summary_lines, tracking_table)
from persona_mining.synthetic import make_customers


@pytest.fixture(scope="module")
def model(sample_ws):
    return PersonaModel().fit(sample_ws)


def _month(seed: int, shift: bool = False, new_segment: int = 0) -> pd.DataFrame:
    m = make_customers(3000, seed=seed)
    if shift:      # spend up 150 %, app share up 30 points: the same people, changed behaviour
        m["revenue_12m"] *= 2.5
        m["share_app"] = np.clip(m["share_app"] + 0.3, 0, 1)
    if new_segment:  # a behaviour no persona describes: very frequent night buyers who return a lot
        m.loc[:new_segment - 1, ["orders_12m", "return_rate", "night_order_share"]] = [60, 0.7, 0.9]
    return m


def test_psi():
    assert psi([0.5, 0.5], [0.5, 0.5]) == 0
    assert psi([0.5, 0.5], [0.9, 0.1]) > 0.2 > psi([0.5, 0.5], [0.55, 0.45])


def test_drift_found_on_shifted_month_and_not_on_unshifted(model):
    periods = [("2026-01", score_partition(model, _month(11))),
               ("2026-02", score_partition(model, _month(12, shift=True))),
               ("2026-03", score_partition(model, _month(13, new_segment=600)))]
    drift = drift_report(model, periods)
    same, shifted, new = drift["periods"]
    assert not same["drift"] and same["warnings"] == [] and max(same["psi"].values()) < 0.1
    assert shifted["drift"] and {"revenue_12m", "share_app"} <= set(shifted["drifted_features"])
    assert "region" not in shifted["drifted_features"]
    assert new["drift"] and new["unassigned_change"] > 0.1
    assert any("unassigned share" in w for w in new["warnings"])
    assert drift["drift"] is True
    # the same customer ids every month: nobody is new; few switch persona
    assert same["new_customer_share"] is None and shifted["new_customer_share"] == 0.0
    table = tracking_table(model, periods)
    assert list(table["period"].unique()) == ["2026-01", "2026-02", "2026-03"]
    for _, g in table.groupby("period"):
        # shares are rounded to 6 decimals each, so their sum is 1 within half a unit per row
        assert g["share"].sum() == pytest.approx(1.0, abs=5e-7 * len(g))
        assert g["customers"].sum() == 3000
    jan = table[table["period"] == "2026-01"].set_index("persona_id")
    for pid, share in model.training_shares_.items():    # an unshifted month looks like training
        assert jan.loc[pid, "share"] == pytest.approx(share, abs=0.03)
    # thresholds are the user's
    lax = drift_report(model, periods, DriftThresholds(psi=10, unassigned=0.5))
    assert not any(p["drift"] for p in lax["periods"])
    lines = summary_lines(table, drift)
    assert lines[0].startswith("period") and any(l.startswith("warning [2026-03]") for l in lines)


def test_split_table_by_month_and_errors():
    frame = pd.DataFrame({"snapshot": ["2026-01-05", "2026-01-31", "2026-03-01", "bad"],
                          "x": [1, 2, 3, 4]})
    parts = dict(split_table(frame, "snapshot", "M"))
    assert list(parts) == ["2026-01", "2026-02", "2026-03"]
    assert len(parts["2026-01"]) == 2 and len(parts["2026-02"]) == 0
    with pytest.raises(Exception, match="no column 'date'"):
        split_table(frame, "date", "M")
    with pytest.raises(Exception, match="coarser"):
        period_windows("2000-01-01", "2026-01-01", "D")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "persona_mining", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, small_csv):
    d = tmp_path_factory.mktemp("track")
    r = _cli("discover", str(small_csv), "--out", str(d / "run"), "--method", "kmeans", "--k", "6",
             "--embedding", "pca", "--bootstrap", "0", "--quiet")
    assert r.returncode == 0, r.stderr
    r = _cli("model", str(d / "run" / "workspace"), "--out", str(d / "model"))
    assert r.returncode == 0, r.stderr
    return d


def test_cli_track_files(small_model, tmp_path):
    files = []
    for i, kw in enumerate([{}, {"shift": True}]):
        f = tmp_path / f"m{i}.csv"
        _month(40 + i, **kw).to_csv(f, index=False)
        files.append(str(f))
    out = tmp_path / "track"
    r = _cli("track", str(small_model / "model"), *files, "--period-names", "Jan", "Feb",
             "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "warning [Feb]" in r.stdout and "warning [Jan]" not in r.stdout
    t = pd.read_csv(out / "tracking.csv")
    assert list(t.columns) == ["period", "persona_id", "persona_name", "customers", "share",
                               "change_vs_training"]
    assert set(t["period"]) == {"Jan", "Feb"} and "unassigned" in set(t["persona_id"])
    d = json.loads((out / "drift.json").read_text("utf-8"))
    assert [p["drift"] for p in d["periods"]] == [False, True]
    assert (out / "assignments" / "Feb.csv").exists()
    r = _cli("track", str(small_model / "model"), *files, "--out", str(out), "--fail-on-drift",
             "--quiet")
    assert r.returncode == 3 and r.stdout == ""
    r = _cli("track", str(small_model / "model"), *files, "--period-names", "Jan", "--out", str(out))
    assert r.returncode == 2 and "one name per file" in r.stderr


def test_cli_track_one_table_by_month(small_model, tmp_path):
    a, b = _month(50), _month(51, shift=True)
    a["snapshot"], b["snapshot"] = "2026-04-30", "2026-05-31"
    f = tmp_path / "both.csv"
    pd.concat([a, b]).to_csv(f, index=False)
    out = tmp_path / "t"
    r = _cli("track", str(small_model / "model"), str(f), "--time-col", "snapshot", "--freq", "M",
             "--out", str(out))
    assert r.returncode == 0, r.stderr
    d = json.loads((out / "drift.json").read_text("utf-8"))
    assert [p["period"] for p in d["periods"]] == ["2026-04", "2026-05"]
    assert [p["drift"] for p in d["periods"]] == [False, True]
    r = _cli("track", str(small_model / "model"), str(f), "--freq", "M", "--out", str(out))
    assert r.returncode == 2 and "--time-col" in r.stderr

"""Scoring and tracking with awkward inputs: clear errors (exit 2, one line), no silent
nonsense, and the same behaviour on the Dask engine."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from persona_mining import DiscoverConfig
from persona_mining.events import discover_events
from persona_mining.model import PersonaModel
from persona_mining.pipeline import discover
from persona_mining.scoring import score, score_partition
from persona_mining.synthetic import make_customers, make_event_log
from persona_mining.workspace import save

FAST = DiscoverConfig(method="kmeans", k=5, embedding="pca", bootstrap=0)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "persona_mining", *args], capture_output=True,
                          text=True, timeout=600)


def _bad(r: subprocess.CompletedProcess, needle: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert needle in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.fixture(scope="module")
def case(tmp_path_factory, small_csv):
    d = tmp_path_factory.mktemp("inputs")
    ws = discover(small_csv, FAST)
    save(ws, d / "workspace")
    model = PersonaModel().fit(ws)
    model.save(d / "model")
    events, _ = make_event_log(600, seed=4)
    events.to_csv(d / "events.csv", index=False)
    ev_model = PersonaModel().fit(discover_events(d / "events.csv", FAST))
    ev_model.save(d / "ev_model")
    return d, model, ev_model


def test_customers_without_data_are_unassigned_and_empty_files_refused(case, tmp_path):
    d, model, _ = case
    frame = make_customers(50, seed=1)
    features = model.prep_.source_columns_
    frame.loc[:9, features] = np.nan                       # ten customers with nothing known
    got = score_partition(model, frame).assignments
    assert (got["persona_id"][:10] == "unassigned").all() and (got["confidence"][:10] == 0).all()
    assert (got["persona_id"][10:] != "unassigned").mean() > 0.8
    frame.loc[:, features] = np.nan                         # nobody: the wrong file
    frame.to_csv(tmp_path / "empty_features.csv", index=False)
    _bad(_cli("score", str(d / "model"), str(tmp_path / "empty_features.csv"), "--out",
              str(tmp_path / "x.csv")), "no readable values")
    _bad(_cli("score", str(d / "model"), str(d / "events.csv"), "--events", "--customer-col",
              "customer_id", "--time-col", "timestamp", "--out", str(tmp_path / "x.csv")),
         "made from a customer table")


def test_cli_contract_for_paths_usage_and_mixups(case, tmp_path, small_csv):
    d, _, _ = case
    _bad(_cli("score", str(d / "model"), str(small_csv)), "--out")            # usage error
    _bad(_cli("track", str(d / "model"), str(small_csv), "--out", str(tmp_path / "t"),
              "--freq", "X"), "--freq")
    (tmp_path / "file").write_text("x")
    _bad(_cli("score", str(d / "model"), str(small_csv), "--out", str(tmp_path / "file" / "a.csv")),
         "cannot write")
    _bad(_cli("score", str(d / "workspace"), str(small_csv), "--out", str(tmp_path / "a.csv")),
         "this is a workspace")
    _bad(_cli("model", str(d / "model"), "--out", str(tmp_path / "m")), "this is a persona model")
    _bad(_cli("model", str(d / "workspace"), "--out", str(tmp_path / "m"), "--reference-size", "0"),
         "--reference-size")
    _bad(_cli("track", str(d / "model"), str(small_csv), "--out", str(tmp_path / "t"),
              "--psi-threshold", "-1"), "--psi-threshold")
    _bad(_cli("score", str(d / "model"), str(small_csv), "--out", str(tmp_path / "a.csv"),
              "--engine", "dask", "--workers", "0"), "--workers")


def test_track_keeps_every_period_file_and_flags_quiet_periods(case, tmp_path, small_csv):
    d, _, ev_model = case
    out = tmp_path / "t"
    r = _cli("track", str(d / "model"), str(small_csv), str(small_csv), "--period-names", "a/b",
             "a b", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (out / "assignments").iterdir()) == ["a_b-2.csv", "a_b.csv"]
    # March and April without any events: said so, not silently repeated
    events = pd.read_csv(d / "events.csv")
    month = pd.to_datetime(events["timestamp"]).dt.month
    gap = tmp_path / "gap.csv"
    events[~month.isin([3, 4])].to_csv(gap, index=False)
    r = _cli("track", str(d / "ev_model"), str(gap), "--time-col", "timestamp", "--freq", "M",
             "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    periods = {p["period"]: p for p in json.loads((out / "drift.json").read_text())["periods"]}
    assert periods["2026-03"]["active_customers"] == 0
    assert any("no events in this period" in w for w in periods["2026-04"]["warnings"])
    assert periods["2026-02"]["active_customers"] > 0


def test_last_period_of_the_training_log_is_the_training_snapshot(case):
    d, _, ev_model = case
    from persona_mining.scoring import event_time_range, period_windows, read_events

    first, last = event_time_range(ev_model, d / "events.csv")
    name, lo, hi = period_windows(first, last, "M", last=last)[-1]
    frame, id_col = read_events(ev_model, d / "events.csv", window=(lo, hi))
    in_period = score_partition(ev_model, frame, "events", id_col).assignments
    whole = score(ev_model, d / "events.csv").assignments
    pd.testing.assert_frame_equal(in_period, whole)


def test_dask_engine_gives_the_local_errors(case, tmp_path):
    d, _, _ = case
    (tmp_path / "header.csv").write_text("customer_id,orders_12m\n")
    events = pd.read_csv(d / "events.csv")
    events.drop(columns=["channel"]).to_csv(tmp_path / "nochannel.csv", index=False)
    events.assign(timestamp="").to_csv(tmp_path / "notime.csv", index=False)
    for model, file, needle in (("model", "header.csv", "no data rows"),
                                ("ev_model", "nochannel.csv", "--channel-col"),
                                ("ev_model", "notime.csv", "timestamp")):
        for engine in ("local", "dask"):
            r = _cli("score", str(d / model), str(tmp_path / file), "--out",
                     str(tmp_path / "x.csv"), "--engine", engine)
            _bad(r, needle)

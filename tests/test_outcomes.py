"""Outcomes per persona: which columns are outcomes, how they are read, intervals that hold
their 95 % (planted rates recovered), privacy minimum, edits, exports, tracking, CLI."""

from __future__ import annotations

import dataclasses
import re
import io
import json

import numpy as np
import pandas as pd
import pytest

from persona_mining import DiscoverConfig, cards, export, outcomes, refine
from persona_mining.errors import InputError
from persona_mining.privacy import MIN_GROUP_SIZE
from persona_mining.synthetic import CHURN_RATES, OUTCOME_COLUMN, TRUTH_COLUMN, make_customers

FAST = DiscoverConfig(embedding="pca", bootstrap=2, method="kmeans", k=4, seed=3)


def with_outcomes(ws, **columns):
    """The workspace with extra outcome columns (same personas): no second discovery."""
    from persona_mining.ingest import ColumnRole, ColumnRoles

    items = [i for i in ws.roles.items if i.column not in columns] + [
        ColumnRole(c, "outcome", "test", inferred=False) for c in columns]
    return dataclasses.replace(ws, data=ws.data.assign(**columns), roles=ColumnRoles(tuple(items)),
                               _cache={})


# -- which columns are outcomes ----------------------------------------------------------------
YES_NO = pd.Series(["yes", "no"] * 10)
COUNTS = pd.Series(np.arange(20) % 7)
MONEY = pd.Series(np.linspace(10, 900, 20))


@pytest.mark.parametrize("name, values, concept", [
    ("Churn", YES_NO, "churn"), ("churned_next_6m", YES_NO, "churn"), ("Exited", YES_NO, "churn"),
    ("Attrition_Flag", pd.Series(["Existing Customer", "Attrited Customer"] * 10), "churn"),
    ("Kündigung", YES_NO, "churn"), ("hat_gekündigt", YES_NO, "churn"),
    ("Abwanderung", YES_NO, "churn"), ("Response", pd.Series([0, 1] * 10), "respond"),
    ("Antwort", YES_NO, "respond"), ("Reaktion", YES_NO, "respond"),
    ("Revenue", pd.Series([True, False] * 10), "purchase"), ("purchased", YES_NO, "purchase"),
    ("Kauf", YES_NO, "purchase"), ("converted", YES_NO, "convert"),
    ("Konvertiert", YES_NO, "convert"), ("is_cancelled", YES_NO, "cancel"),
    ("Storniert", YES_NO, "cancel"), ("CLV", MONEY, "value"),
    ("customer_lifetime_value", MONEY, "value"), ("Kundenwert", MONEY, "value"),
    ("revenue_next_12m", MONEY, "value"), ("Umsatz_nächste_12_Monate", MONEY, "value"),
])
def test_outcome_columns_are_recognised_by_name_and_values(name, values, concept):
    assert outcomes.concept_of(name) == concept
    assert outcomes.outcome_reason(name, values) is not None


@pytest.mark.parametrize("name, values", [
    ("revenue_12m", MONEY),             # behaviour: what the customer spent
    ("Umsatz", MONEY), ("purchases_12m", COUNTS), ("NumWebPurchases", COUNTS),
    ("Käufe", COUNTS), ("cancellations", COUNTS), ("response_rate", pd.Series(np.linspace(0, 1, 20))),
    ("churn_score", pd.Series(np.linspace(0, 1, 20))), ("churn_probability", YES_NO),
    ("previous_response", YES_NO), ("AcceptedCmp3", pd.Series([0, 1] * 10)),
    ("cancellation_date", pd.Series(["2026-01-02", "2026-02-03"] * 10)), ("Complain", YES_NO),
    ("Churn", COUNTS),                  # named like churn but not yes/no: not an outcome
    ("value", MONEY), ("Kündigungsgrund", pd.Series(list("abcde") * 4)),
])
def test_behaviour_columns_are_not_outcomes(name, values):
    assert outcomes.outcome_reason(name, values) is None


def test_role_inference_marks_outcomes_and_keeps_them_out_of_the_features():
    from persona_mining.ingest import infer_roles

    df = make_customers(300, seed=1, outcome=True)
    roles = infer_roles(df.assign(CLV=np.linspace(1, 500, 300)))
    assert roles.role(OUTCOME_COLUMN) == "outcome" and roles.role("CLV") == "outcome"
    assert roles.role("revenue_12m") == "numeric" and roles.role("orders_12m") == "numeric"
    assert OUTCOME_COLUMN not in roles.feature_columns
    chosen = infer_roles(df, outcomes=["loyalty_member"])
    assert chosen.role("loyalty_member") == "outcome"
    assert chosen.get("loyalty_member").reason == "marked as an outcome by you"
    with pytest.raises(InputError, match="personal data.*cannot be an outcome"):
        infer_roles(df, outcomes=["email"])


# -- how an outcome column is read -------------------------------------------------------------
def test_specs_read_yes_no_words_numbers_and_named_levels():
    spec = outcomes.infer_spec(pd.Series(["Yes", "No", None, "yes"]), "Churn")
    assert (spec.kind, spec.concept) == ("rate", "churn")
    np.testing.assert_array_equal(spec.values(pd.Series(["Yes", "No", None, "ja", "x"])),
                                  [1, 0, np.nan, 1, np.nan])
    flag = outcomes.infer_spec(pd.Series(["Existing Customer"] * 8 + ["Attrited Customer"] * 2),
                               "Attrition_Flag")
    assert flag.shown_yes == "Attrited Customer"
    assert outcomes.label(flag) == "attrition flag: Attrited Customer"
    np.testing.assert_array_equal(flag.values(pd.Series(["Attrited Customer", "Existing Customer"])),
                                  [1, 0])
    assert outcomes.infer_spec(pd.Series([True, False]), "Revenue").kind == "rate"
    as_text = outcomes.infer_spec(pd.Series(["12.5", "80", "7"]), "CLV")     # numbers as text
    assert as_text.kind == "mean" and as_text.values(pd.Series(["12.5", "x"]))[0] == 12.5
    assert outcomes.infer_spec(pd.Series([0, 1, 1]), "Response").kind == "rate"
    clv = outcomes.infer_spec(pd.Series([10.0, 20.5, 300.0]), "CLV")
    assert (clv.kind, clv.concept) == ("mean", "value")
    back = outcomes.OutcomeSpec.from_dict(json.loads(json.dumps(flag.to_dict())))
    assert back == flag
    with pytest.raises(InputError, match="'reason' cannot be an outcome.*3 different texts"):
        outcomes.infer_spec(pd.Series(["price", "service", "moved"]), "reason")


# -- intervals ---------------------------------------------------------------------------------
def test_wilson_and_t_intervals_hold_their_95_percent():
    rng = np.random.default_rng(0)
    reps, n = 4000, 60
    for p in (0.03, 0.3):
        k = rng.binomial(n, p, reps)
        low, high = np.array([outcomes.wilson(x, n) for x in k]).T
        assert 0.92 <= np.mean((low <= p) & (p <= high)) <= 0.985, p
    x = rng.lognormal(3, 0.8, (2000, 200))         # skewed money, mean exp(3 + 0.32)
    mean = np.exp(3 + 0.8 ** 2 / 2)
    iv = np.array([outcomes.t_interval(200, r.sum(), (r * r).sum()) for r in x])
    assert 0.92 <= np.mean((iv[:, 0] <= mean) & (mean <= iv[:, 1])) <= 0.97
    assert outcomes.estimate("rate", [10, 0, 0])[0] == 0 and outcomes.wilson(0, 10)[1] > 0


def test_planted_churn_and_value_are_recovered_within_their_intervals(sample_ws, sample_frame):
    """Planted rate per persona on the 10k sample: across 40 independent draws of the
    outcome, the 95 % intervals of the discovered personas hold what was planted (the
    members' planted mean) about 95 % of the time, and never miss by far."""
    truth = sample_frame[TRUTH_COLUMN].to_numpy()
    rate = pd.Series(truth).map(CHURN_RATES).to_numpy()
    value_mean = pd.Series(truth).map(lambda t: 100 + 900 * CHURN_RATES[t]).to_numpy()
    labels = np.asarray(sample_ws.state().labels).astype(str)
    pids = [p.id for p in sample_ws.personas()]
    hits, misses, rng = [], [], np.random.default_rng(5)
    for _rep in range(40):
        churn = np.where(rng.random(len(rate)) < rate, "yes", "no")
        value = rng.gamma(2.0, value_mean / 2.0)
        ws = with_outcomes(sample_ws, churn=churn, value_next_12m=value)
        per = outcomes.persona_outcomes(ws)
        for pid in pids:
            m = labels == pid
            for fig, planted in zip(per[pid], (rate[m].mean(), value_mean[m].mean())):
                hits.append(fig.low <= planted <= fig.high)
                misses.append(abs(fig.value - planted) / ((fig.high - fig.low) / 2))
    assert 0.91 <= np.mean(hits) <= 0.99
    assert max(misses) < 2.2                        # no interval is off by more than ~4 sigma
    # the personas the sample plants with most churn come out on top, in plain words
    ws = with_outcomes(sample_ws, churn=np.where(np.random.default_rng(1).random(len(rate)) < rate,
                                                 "yes", "no"))
    per = outcomes.persona_outcomes(ws)
    main = {p.id: pd.Series(truth[labels == p.id]).mode()[0] for p in sample_ws.personas()}
    lapsed = next(pid for pid, t in main.items() if t == "Lapsed customers")
    assert max(pids, key=lambda p: per[p][0].value) == lapsed
    text = outcomes.sentence(per[lapsed][0])
    assert text.startswith("churns ") and "× as often as the average customer" in text
    loyal = next(pid for pid, t in main.items() if t == "Store loyalists")
    assert "less often than the average customer" in outcomes.sentence(per[loyal][0])
    assert per[outcomes.ALL][0].n == sample_ws.n


# -- privacy and edits ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def churn_ws(small_csv):
    from persona_mining.pipeline import discover

    ws = discover(small_csv, FAST)
    rng = np.random.default_rng(2)
    codes = pd.factorize(ws.data["device"].fillna("none"))[0]
    churn = np.where(rng.random(ws.n) < 0.1 + 0.1 * codes, "yes", "no")
    return with_outcomes(ws, churned=churn, clv=rng.gamma(2.0, 150.0, ws.n))


def _direct(ws, mask, column):
    spec = next(s for s in outcomes.workspace_specs(ws) if s.column == column)
    v = spec.values(ws.data[column])[mask]
    return float(np.nanmean(v)), int(np.isfinite(v).sum())


def test_figures_follow_merge_split_reassign_and_discard(churn_ws):
    ws = churn_ws
    a, b = (p.id for p in ws.personas()[:2])
    merged = ws.with_edit(refine.edit_merge(ws.state(), [a, b]))
    fig = outcomes.persona_outcomes(merged)[a][0]
    labels = ws.state().labels
    assert fig.value == pytest.approx(_direct(ws, (labels == a) | (labels == b), "churned")[0])
    assert fig.n == int(((labels == a) | (labels == b)).sum())
    rows = np.flatnonzero(labels == a)
    split = ws.with_edit(refine.edit_split(ws.state(), a, [rows[:len(rows) // 2], rows[len(rows) // 2:]]))
    new = next(p.id for p in split.personas() if p.id not in {x.id for x in ws.personas()})
    lab = split.state().labels
    assert outcomes.persona_outcomes(split)[new][1].value == pytest.approx(
        _direct(split, lab == new, "clv")[0])
    moved = ws.with_edit(refine.edit_reassign(ws.state(), rows[:40].tolist(), b))
    assert outcomes.persona_outcomes(moved)[b][0].n == int((labels == b).sum()) + 40
    gone = ws.with_edit(refine.edit_discard(ws.state(), b))
    per = outcomes.persona_outcomes(gone)
    assert b not in per and per[outcomes.UNASSIGNED][0].n == int((labels == b).sum())


def test_personas_below_the_privacy_minimum_show_no_figures(churn_ws, tmp_path):
    ws = churn_ws
    pid = ws.personas()[0].id
    rows = np.flatnonzero(ws.state().labels == pid)
    small = ws.with_edit(refine.edit_split(ws.state(), pid, [rows[:MIN_GROUP_SIZE - 1], rows[MIN_GROUP_SIZE - 1:]]))
    tiny = next(p for p in small.personas() if p.size == MIN_GROUP_SIZE - 1)
    figs = outcomes.persona_outcomes(small)[tiny.id]
    assert all(f.suppressed and f.value is None and f.low is None for f in figs)
    card = next(c for c in cards.persona_cards(small) if c["id"] == tiny.id)
    assert all(o["suppressed"] and o["value"] is None and o["ratio"] is None
               for o in card["outcomes"])
    assert "not shown: only 9 customers with a value" in card["outcomes"][0]["sentence"]
    md = export.to_markdown(small)
    section = md.split(f"\n## {export.md_escape(small.persona_name(tiny.id))}")[1].split("\n## ")[0]
    shown = section.split("### Outcomes")[1].split("###")[0]
    assert "not shown" in shown and "%" not in shown
    export.validate(export.to_json(small))


# -- exports ---------------------------------------------------------------------------------------
def test_outcomes_in_every_export_and_the_round_trip(churn_ws, small_csv):
    from pypdf import PdfReader

    from persona_mining.pipeline import discover

    ws = churn_ws.with_edit(refine.edit_set(churn_ws.state(), churn_ws.personas()[0].id, "name",
                                            "Night owls"))
    doc = json.loads(export.export_bytes(ws, "json"))
    assert doc["version"] == cards.CARDS_VERSION == 2
    assert [o["column"] for o in doc["outcomes"]["all"]] == ["churned", "clv"]
    assert doc["outcomes"]["min_group_size"] == MIN_GROUP_SIZE
    assert "Wilson" in doc["outcomes"]["method"] and "Student t" in doc["outcomes"]["method"]
    card = doc["personas"][0]
    churn, clv = card["outcomes"]
    assert churn["kind"] == "rate" and clv["kind"] == "mean"
    assert churn["low"] <= churn["value"] <= churn["high"] and churn["customers"] == card["size"]
    assert churn["higher_is_better"] is False and churn["concept"] == "churn"
    back = export.read_cards(json.dumps(doc).encode(), "cards.json")
    fresh = discover(small_csv, FAST)                        # same personas, no outcomes
    restored = export.import_cards(fresh, back)
    assert restored.persona_name(card["id"]) == "Night owls"
    again = export.to_json(with_outcomes(restored, churned=ws.data["churned"], clv=ws.data["clv"]))
    assert again["personas"][0]["outcomes"] == doc["personas"][0]["outcomes"]
    md = export.to_markdown(ws)
    assert "| Churned | Clv |" in md and "### Outcomes" in md and "95 % interval" in md
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(export.export_bytes(ws, "pdf"))).pages)
    assert "Outcomes by persona" in text and "all customers" in text
    assert churn["sentence"].split(":")[0] in text.replace("\n", " ")


def test_old_cards_without_outcomes_still_import(churn_ws, small_csv):
    doc = export.to_json(churn_ws)
    v1 = {**doc, "version": 1, "personas": [{k: v for k, v in c.items() if k != "outcomes"}
                                            for c in doc["personas"]]}
    del v1["outcomes"]
    export.import_cards(churn_ws, export.read_cards(json.dumps(v1)))
    with pytest.raises(InputError, match="version 1 document.*outcomes came with version 2"):
        export.read_cards(json.dumps({**v1, "outcomes": doc["outcomes"]}))


def test_a_table_without_outcomes_shows_none(small_csv):
    from persona_mining.pipeline import discover

    ws = discover(small_csv, FAST)
    assert outcomes.persona_outcomes(ws) == {} and outcomes.overview_frame(ws).empty
    doc = export.to_json(ws)
    assert "outcomes" not in doc and all("outcomes" not in c for c in doc["personas"])
    assert "Outcomes" not in export.to_markdown(ws)
    from persona_mining import charts

    assert charts.outcome_chart(ws) is None


def test_outcome_figures_survive_a_workspace_save_and_load(churn_ws, tmp_path):
    from persona_mining import workspace

    back = workspace.load(workspace.save(churn_ws, tmp_path / "ws"))
    assert [s.to_dict() for s in outcomes.workspace_specs(back)] == \
        [s.to_dict() for s in outcomes.workspace_specs(churn_ws)]
    assert cards.persona_cards(back) == cards.persona_cards(churn_ws)


# -- discovery, role changes, model and tracking ---------------------------------------------------
@pytest.fixture(scope="module")
def outcome_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("outcome") / "customers.csv"
    make_customers(1500, seed=3, outcome=True).to_csv(path, index=False)
    return path


def test_discovery_keeps_outcomes_out_and_records_a_role_switch(outcome_csv):
    from persona_mining.pipeline import discover

    ws = discover(outcome_csv, FAST)
    assert OUTCOME_COLUMN not in ws.prep.source_columns_
    assert [s.column for s in outcomes.workspace_specs(ws)] == [OUTCOME_COLUMN]
    assert ws.provenance["role_changes"] == []
    switched = discover(outcome_csv, FAST.replace(roles={OUTCOME_COLUMN: "boolean"}))
    assert OUTCOME_COLUMN in switched.prep.source_columns_
    assert outcomes.persona_outcomes(switched) == {}
    assert switched.provenance["role_changes"] == [
        {"column": OUTCOME_COLUMN, "inferred": "outcome", "role": "boolean"}]
    assert export.to_json(switched)["provenance"]["role_changes"][0]["role"] == "boolean"
    again = discover(outcome_csv, FAST.replace(roles=switched.roles.as_mapping()), previous=switched)
    assert again.provenance["role_changes"] == switched.provenance["role_changes"]   # still in force
    with pytest.raises(InputError, match="'region' cannot be an outcome"):
        discover(outcome_csv, FAST.replace(outcomes=("region",)))


def test_tracking_reports_outcomes_per_persona_and_period(outcome_csv, tmp_path):
    from persona_mining import model as pm
    from persona_mining.pipeline import discover
    from persona_mining.scoring import Scored, score_partition

    ws = discover(outcome_csv, FAST)
    model = pm.PersonaModel(seed=3).fit(ws)
    loaded = pm.load(model.save(tmp_path / "model"))
    assert loaded.outcomes_ == model.outcomes_ and loaded.outcomes_[0]["column"] == OUTCOME_COLUMN
    month = make_customers(2000, seed=50, outcome=True)
    scored = score_partition(loaded, month)
    table = outcomes.tracking_frame(loaded, [("2027-01", scored),
                                             ("2027-02", score_partition(loaded, month.drop(columns=OUTCOME_COLUMN)))])
    assert set(table["period"]) == {"2027-01"}                 # a file without the column: no rows
    got = table.set_index("persona_id")
    a = scored.assignments["persona_id"].to_numpy()
    churn = (month[OUTCOME_COLUMN] == "yes").to_numpy()
    for pid in list(loaded.persona_ids_):
        m = a == pid
        if m.sum() >= MIN_GROUP_SIZE:
            assert got.loc[pid, "value"] == pytest.approx(churn[m].mean(), abs=1e-6)
            assert got.loc[pid, "customers"] == m.sum()
            assert got.loc[pid, "low"] <= got.loc[pid, "value"] <= got.loc[pid, "high"]
    assert got.loc["all", "value"] == pytest.approx(churn.mean(), abs=1e-6)
    halves = Scored.combine([score_partition(loaded, month.iloc[:900]),
                             score_partition(loaded, month.iloc[900:].reset_index(drop=True))])
    np.testing.assert_allclose(halves.outcomes[OUTCOME_COLUMN], scored.outcomes[OUTCOME_COLUMN])
    old = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert old["outcomes"][0]["training"]


def test_cli_discover_outcome_flag_and_track_writes_outcomes_csv(outcome_csv, tmp_path, capsys):
    from persona_mining.cli import main

    assert main(["discover", str(outcome_csv), "--out", str(tmp_path / "r"), "--method", "kmeans",
                 "--k", "4", "--embedding", "pca", "--bootstrap", "0", "--seed", "3",
                 "--outcome", "loyalty_member"]) == 0
    out = capsys.readouterr().out
    assert "as often as the average customer" in out and "over all customers" in out
    doc = json.loads((tmp_path / "r" / "personas.json").read_text())
    assert [o["column"] for o in doc["outcomes"]["all"]] == ["loyalty_member", OUTCOME_COLUMN]
    assert main(["model", str(tmp_path / "r" / "workspace"), "--out", str(tmp_path / "m")]) == 0
    month = tmp_path / "2027-01.csv"
    make_customers(1200, seed=60, outcome=True).to_csv(month, index=False)
    assert main(["track", str(tmp_path / "m"), str(month), "--out", str(tmp_path / "t")]) == 0
    assert f"outcome {OUTCOME_COLUMN} [2027-01]" in capsys.readouterr().out
    rows = pd.read_csv(tmp_path / "t" / "outcomes.csv")
    assert list(rows.columns) == outcomes.TRACKING_COLUMNS and set(rows["outcome"]) == {
        OUTCOME_COLUMN, "loyalty_member"}
    capsys.readouterr()
    assert main(["discover", str(outcome_csv), "--out", str(tmp_path / "x"), "--outcome",
                 "email"]) == 2
    assert "cannot be an outcome" in capsys.readouterr().err


def test_outcome_numbers_read_the_german_way(churn_ws):
    """German numbers in every outcome figure (decimal comma, '2,3×'); the words follow
    the catalogue (persona_mining/locale/de)."""
    from persona_mining.i18n import language

    spec = outcomes.OutcomeSpec("churn", "rate", "churn", "1", "0")
    fig = outcomes.figure(spec, "P1", 400, [400, 180, 180], 0.19)
    with language("de"):
        text = outcomes.sentence(fig)
        assert "2,4×" in text and "45\u00a0% ±\u00a05" in text and "19\u00a0%" in text
        assert outcomes.fmt_spread("rate", 0.046, 0.037, 0.055) == "4,6 % ± 0,9"
        assert outcomes.fmt_interval("mean", 1234.5, 1500.25) == "1.234–1.500"
        md = export.to_markdown(churn_ws)
    spreads = re.findall(r"± (\d[\d.,]*)", md)             # the Markdown overview and cards
    assert spreads and any("," in x for x in spreads) and not any("." in x for x in spreads)

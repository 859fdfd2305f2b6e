"""Command line:

    python -m persona_mining discover INPUT --out DIR ...
    python -m persona_mining export WORKSPACE_DIR --format json|pdf|md|csv --out FILE
    python -m persona_mining model WORKSPACE_DIR --out MODEL_DIR
    python -m persona_mining score MODEL_DIR INPUT --out assignments.csv [--engine dask]
    python -m persona_mining track MODEL_DIR INPUT... --out DIR [--time-col C --freq M]


Contract (relied on by checks outside this repo; extend, never break): bad input
exits with status 2 and one line on stderr naming the file/column/row and what to
do, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import os
import sys
from pathlib import Path
from typing import Sequence

from .config import METHODS, DiscoverConfig
from .errors import InputError
from .i18n import LANGUAGES, N_, _, fmt_number, fmt_percent, language, ngettext, set_language

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # usage errors too are in the requested language; the caller's language comes back
    # afterwards (main is also called in-process, by tests and scripts)
    with language(_requested_language(argv)):
        args = build_parser().parse_args(argv)
        set_language(getattr(args, "lang", None))      # every message and file below in it
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except InputError as exc:
        print(_("error: {message}", message=_one_line(str(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except MemoryError:
        print(_("error: not enough memory for this input — try --embedding pca or a smaller file"),
              file=sys.stderr)
        return EXIT_INTERNAL
    except OSError as exc:
        if exc.errno not in _DISK_FULL or os.environ.get("PERSONA_MINING_DEBUG"):
            raise
        print(_("error: {message}", message=_disk_full(exc)), file=sys.stderr)      # the user can fix it
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the contract is: no traceback, one line
        if os.environ.get("PERSONA_MINING_DEBUG"):
            raise
        print(_("internal error: {kind}: {message} (set PERSONA_MINING_DEBUG=1 for details and "
                "please report it)", kind=type(exc).__name__, message=_one_line(str(exc))),
              file=sys.stderr)
        return EXIT_INTERNAL


def _requested_language(argv: Sequence[str]) -> str | None:
    """``--lang de`` / ``--lang=de`` anywhere in the arguments (argparse has not run yet)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _disk_full(exc: OSError) -> str:
    """One line for a full disk (or quota), naming the file being written if known."""
    reason = exc.strerror or "no space left"
    if exc.filename:
        return _("the disk is full ({reason}) while writing {file} — free some space or write "
                 "elsewhere, then run the command again", reason=reason, file=exc.filename)
    return _("the disk is full ({reason}) — free some space or write elsewhere, then run the "
             "command again", reason=reason)


class _Parser(argparse.ArgumentParser):
    """Usage errors are bad input too: one line on stderr, exit 2 (the CLI contract)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, _("error: {message} — see `{command} --help`",
                                    message=_one_line(message), command=self.prog) + "\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m persona_mining",
                description="Discover data-driven personas from behaviour data.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("discover", help="customer table -> personas, assignments, workspace")
    d.add_argument("input", help="customer table: CSV/TSV/TXT, Parquet, Excel .xlsx or JSON Lines")
    d.add_argument("--out", required=True, help="output directory")
    d.add_argument("--id-col", help="customer id column (default: detected, else row numbers)")
    d.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="C", help="columns to leave out")
    d.add_argument("--label", nargs="+", action="extend", default=[], metavar="C",
                   help="columns kept out of the features but reported per persona")
    d.add_argument("--outcome", nargs="+", action="extend", default=[], metavar="C",
                   help=_("outcome columns (churn, response, value, …): kept out of the features, "
                          "reported per persona as a rate or average with a 95 % interval "
                          "(columns named like an outcome are found without this)"))
    d.add_argument("--role", nargs="+", action="extend", default=[], metavar="COL=ROLE",
                   help="override a column role (id, numeric, categorical, boolean, datetime, "
                        "text, label, outcome, pii, ignore)")
    d.add_argument("--weight", nargs="+", action="extend", default=[], metavar="COL=W",
                   help="feature weight (1 neutral, 0 off, 2 double)")
    d.add_argument("--method", choices=METHODS, default="hdbscan")
    d.add_argument("--k", type=int, help="number of personas (kmeans, gmm, ward; hdbscan: its "
                   "distinct candidates merged down to this number)")
    d.add_argument("--min-size", type=float, default=DiscoverConfig.min_size,
                   help=f"smallest persona as a share of customers (default {DiscoverConfig.min_size})")
    d.add_argument("--max-unassigned", type=float, default=DiscoverConfig.max_unassigned,
                   help="largest share of customers left unassigned (default 0.10)")
    d.add_argument("--seed", type=int, default=DiscoverConfig.seed)
    d.add_argument("--embedding", choices=("umap", "pca"), default="umap")
    d.add_argument("--bootstrap", type=int, default=DiscoverConfig.bootstrap,
                   help="reruns for persona stability (0 to skip)")
    d.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _lang_flag(d, "messages, persona names, descriptions and traits")
    ev = d.add_argument_group("event logs (one row per event instead of per customer)")
    ev.add_argument("--events", action="store_true", help="INPUT is an event log")
    ev.add_argument("--customer-col", help="customer id column (detected when unambiguous)")
    ev.add_argument("--time-col", help="timestamp column (detected when unambiguous)")
    ev.add_argument("--event-col", help="event / touchpoint column")
    ev.add_argument("--channel-col", help="channel column")
    ev.add_argument("--value-col", help="value column (revenue; negative = refund)")
    ev.add_argument("--account-col", help="B2B: account column; personas then describe accounts")
    ev.add_argument("--role-col", help="B2B: the person's role (e.g. IT, purchasing): role mix per account")
    ev.add_argument("--session-gap", type=float, default=30.0, metavar="MINUTES",
                    help="inactivity that ends a visit (default 30)")
    d.set_defaults(func=cmd_discover)

    e = sub.add_parser("export", help="workspace -> persona cards as JSON, PDF, Markdown or CSV")
    e.add_argument("workspace", help="workspace directory (DIR/workspace as written by discover)")
    e.add_argument("--format", required=True, choices=("json", "pdf", "md", "csv"))
    e.add_argument("--out", required=True, help="output file")
    _lang_flag(e, "the exported cards and messages")
    e.set_defaults(func=cmd_export)

    m = sub.add_parser("model", help="workspace -> persona model for scoring new customers")
    m.add_argument("workspace", help="workspace directory (DIR/workspace as written by discover)")
    m.add_argument("--out", required=True, help="model directory to write")
    m.add_argument("--neighbors", type=int, default=10,
                   help="reference customers that vote on a new customer's persona (default 10)")
    m.add_argument("--reference-size", type=int, default=200_000,
                   help="most training customers kept in the model (default 200000)")
    _lang_flag(m, "messages")
    m.set_defaults(func=cmd_model)

    s = sub.add_parser("score", help="assign the customers of a new file to the model's personas")
    s.add_argument("model", help="model directory (written by `model`)")
    s.add_argument("input", help="customer table or event log (same columns as the training data)")
    s.add_argument("--out", required=True, help="assignments CSV to write")
    _event_and_engine_flags(s)
    s.set_defaults(func=cmd_score)

    t = sub.add_parser("track", help="score several periods: persona shares over time and drift")
    t.add_argument("model", help="model directory (written by `model`)")
    t.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="one file per period (in time order), or one file with --time-col")
    t.add_argument("--out", required=True, help="output directory: tracking.csv, drift.json, "
                                                "assignments/PERIOD.csv")
    t.add_argument("--period-names", nargs="+", metavar="NAME",
                   help="names of the periods (default: file names)")
    t.add_argument("--freq", choices=("D", "W", "M", "Q", "Y"),
                   help="with one INPUT and --time-col: cut it into days/weeks/months/quarters/years")
    t.add_argument("--psi-threshold", type=float, default=0.2,
                   help="population stability index above which a feature has drifted (default 0.2)")
    t.add_argument("--unassigned-threshold", type=float, default=0.05,
                   help="rise of the unassigned share (vs. training) that counts as drift (default 0.05)")
    t.add_argument("--fail-on-drift", action="store_true",
                   help="exit with status 3 when any period drifted (for scheduled jobs)")
    _event_and_engine_flags(t)
    t.set_defaults(func=cmd_track)
    return p


def _event_and_engine_flags(p: argparse.ArgumentParser) -> None:
    ev = p.add_argument_group("event logs (defaults: the mapping the model was trained with)")
    ev.add_argument("--events", action="store_true", help="INPUT is an event log")
    for flag, what in (("customer", "customer id"), ("time", "timestamp (track: also the period time)"),
                       ("event", "event / touchpoint"), ("channel", "channel"),
                       ("value", "value (revenue)"), ("account", "B2B account"),
                       ("role", "B2B: person's role")):
        ev.add_argument(f"--{flag}-col", help=f"{what} column")
    ev.add_argument("--session-gap", type=float, metavar="MINUTES")
    en = p.add_argument_group("scale-out")
    en.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="dask: score partition-wise on a Dask cluster (same results)")
    en.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    en.add_argument("--workers", type=int, default=2, help="workers of the local Dask cluster (default 2)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _lang_flag(p, "messages and drift warnings")


def _lang_flag(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help=f"language of {what}: en (default) or de")


def cmd_model(args: argparse.Namespace) -> int:
    from .model import PersonaModel, describe

    ws = _load_workspace(args.workspace)
    model = PersonaModel(n_neighbors=args.neighbors, reference_size=args.reference_size,
                         seed=ws.config.seed).fit(ws)
    out = Path(args.out)
    _writing(args.out, lambda: model.save(out))
    d = describe(model)
    agree = fmt_percent(d["holdout_agreement"], 1)
    print(ngettext("persona model: {n} persona, {rows} reference customers, {features} features; "
                   "hold-out agreement with the workspace {agree}",
                   "persona model: {n} personas, {rows} reference customers, {features} features; "
                   "hold-out agreement with the workspace {agree}", d["personas"],
                   rows=fmt_number(d["reference_rows"]), features=d["features"], agree=agree))
    print(_("written: {files}", files=out))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from .csvsafe import write_csv
    from .model import load
    from .scoring import Period

    model = load(_model_dir(args.model))
    out = Path(args.out)
    if out.is_dir():
        raise InputError(_("--out {path}: is a directory — give the CSV file to write", path=args.out))
    with _engine(args) as engine:
        scored = engine.score(model, Period("input", _data_source(args, model, args.input)))
    _writing(args.out, lambda: (out.parent.mkdir(parents=True, exist_ok=True),
                                write_csv(scored.assignments, out)))
    if not args.quiet:
        for note in scored.notes:
            print(_("note: {note}", note=note))
        counts = scored.assignments["persona_id"].value_counts()
        n = len(scored.assignments)
        print(ngettext("{n} customer scored", "{n} customers scored", n, n=fmt_number(n)))
        for pid in list(model.persona_ids_) + ["unassigned"]:
            name = model.persona_names_.get(pid) or _("Unassigned")
            share = fmt_number(counts.get(pid, 0) / max(n, 1) * 100, 1)
            print(f"  {pid:>10}  {share:>5} %  {name}")
        print(_("written: {files}", files=out))
    return 0


def cmd_track(args: argparse.Namespace) -> int:
    import json

    from .csvsafe import write_csv
    from .model import load
    from .scoring import DriftThresholds, summary_lines, track

    model = load(_model_dir(args.model))
    periods = _periods(args, model)
    thresholds = DriftThresholds(psi=args.psi_threshold, unassigned=args.unassigned_threshold)
    if not args.quiet:
        print(ngettext("… scoring {n} period", "… scoring {n} periods", len(periods)), flush=True)
    with _engine(args) as engine:
        result = track(model, periods, engine, thresholds)
    table, drift, outcome_table = result.table, result.drift, result.outcomes
    out = _out_dir(args.out)

    def write() -> None:
        write_csv(table, out / "tracking.csv")
        if not outcome_table.empty:
            write_csv(outcome_table, out / "outcomes.csv")
        (out / "drift.json").write_text(json.dumps(drift, indent=1, ensure_ascii=False), "utf-8")
        (out / "assignments").mkdir(exist_ok=True)
        for file, (_period, sc) in zip(_file_names([n for n, _sc in result.periods]), result.periods):
            write_csv(sc.assignments, out / "assignments" / file)

    _writing(args.out, write)
    if not args.quiet:
        print("\n".join(summary_lines(table, drift)))
        print("\n".join(outcome_lines(outcome_table)))
        extra = f", {out / 'outcomes.csv'}" if not outcome_table.empty else ""
        print(_("written: {files}", files=f"{out / 'tracking.csv'}, {out / 'drift.json'}{extra}, "
                                          f"{out / 'assignments'}"))
    return 3 if args.fail_on_drift and drift["drift"] else 0


def _periods(args: argparse.Namespace, model) -> list:
    """The periods the flags describe: one per INPUT, or one INPUT cut by --freq."""
    from .scoring import periods_by_date, periods_by_file

    for f in args.inputs:
        if not Path(f).exists():
            raise InputError(_("{file}: file not found — check the path", file=f))
    if args.freq:
        if len(args.inputs) != 1 or not args.time_col:
            raise InputError(_("--freq cuts one INPUT by its --time-col: give exactly one file and "
                               "--time-col (or one file per period without --freq)"))
        periods = periods_by_date(model, _data_source(args, model, args.inputs[0]), args.freq,
                                  args.time_col)
        if args.period_names:
            raise InputError(_("--period-names goes with one file per period; with --freq the "
                               "periods are named by date ({first} …)", first=periods[0].name))
        return periods
    periods = periods_by_file([_data_source(args, model, f) for f in args.inputs],
                              args.period_names)
    names = [p.name for p in periods]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        if args.period_names:
            raise InputError(_("two periods are called '{name}' — give different --period-names",
                               name=dup))
        raise InputError(_("two periods are called '{name}' — name the periods with "
                           "--period-names, e.g. --period-names 2026-01 2026-02", name=dup))
    return periods


def _is_events(args: argparse.Namespace, model) -> bool:
    return bool(args.events or model.events_ is not None)


def _data_source(args: argparse.Namespace, model, file: str):
    """The file as the flags describe it: an event log with the columns named by
    --customer-col … (the rest from the model), else a customer table."""
    from .datasource import DataSource

    if not _is_events(args, model):
        return DataSource.table(file)
    return DataSource.event_log(file, _mapping(args), session_gap=args.session_gap)


def _mapping(args: argparse.Namespace):
    from .events import EventMapping

    return EventMapping(customer=args.customer_col, time=args.time_col, event=args.event_col,
                        channel=args.channel_col, value=args.value_col, account=args.account_col,
                        role=args.role_col)


@contextlib.contextmanager
def _engine(args: argparse.Namespace):
    """The scoring engine of --engine: this process, or a Dask cluster (--scheduler or a
    local one of --workers processes)."""
    from .scoring import LOCAL

    if args.engine != "dask":
        yield LOCAL
        return
    from .scale import DaskEngine, dask_client

    with dask_client(args.scheduler, args.workers) as client:
        yield DaskEngine(client)


def _load_workspace(path_str: str):
    from .workspace import load

    path = Path(path_str)
    if not path.is_dir():
        raise InputError(_("{path}: no such workspace directory — give DIR/workspace as written "
                           "by `discover --out DIR`", path=path_str))
    if not (path / "manifest.json").exists() and (path / "workspace" / "manifest.json").exists():
        path = path / "workspace"          # DIR given instead of DIR/workspace: what was meant
    return load(path)


def _model_dir(path_str: str) -> Path:
    path = Path(path_str)
    if path.is_file() and path.suffix.lower() == ".zip":
        return path                        # a model downloaded from the workbench
    if not path.is_dir():
        raise InputError(_("{path}: no such model directory — make one with "
                           "`python -m persona_mining model WORKSPACE_DIR --out MODEL_DIR`",
                           path=path_str))
    return path


def _file_names(names: Sequence[str]) -> list[str]:
    """PERIOD.csv per period: safe on every file system and never the same twice."""
    import re

    out: list[str] = []
    for name in names:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "period"
        file, i = f"{stem}.csv", 2
        while file.lower() in {f.lower() for f in out}:
            file, i = f"{stem}-{i}.csv", i + 1
        out.append(file)
    return out


def _writing(target: str, write) -> None:
    """Run ``write``; a path that cannot be written is the user's to fix (exit 2)."""
    try:
        write()
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise InputError(_("--out {path}: {problem}", path=target,
                               problem=_disk_full(exc))) from None
        raise InputError(_("--out {path}: cannot write there ({reason}) — choose another path",
                           path=target, reason=exc.strerror or exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    out = export(_load_workspace(args.workspace), args.format, args.out, lang=args.lang)
    print(_("written: {files}", files=out))
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from .datasource import DataSource
    from .pipeline import discover

    config = DiscoverConfig(
        id_col=args.id_col, exclude=tuple(args.exclude), labels=tuple(args.label),
        outcomes=tuple(args.outcome),
        roles=tuple(_pairs(args.role, "--role", str)), weights=tuple(_pairs(args.weight, "--weight", float)),
        method=args.method, k=args.k, min_size=args.min_size, max_unassigned=args.max_unassigned,
        seed=args.seed, embedding=args.embedding, bootstrap=args.bootstrap)
    src = Path(args.input)
    if not src.exists():
        raise InputError(_("{file}: file not found — check the path", file=args.input))
    out = _out_dir(args.out)
    progress = None if args.quiet else _progress
    source = DataSource.event_log(src, _mapping(args), session_gap=args.session_gap) \
        if args.events else DataSource.table(src)
    ws = discover(source, config, progress=progress)
    # the workbench opens the workspace in the language it was discovered in
    ws = dataclasses.replace(ws, extras={**ws.extras, "language": args.lang})
    _writing(args.out, lambda: _write_discovery(ws, out))
    if not args.quiet:
        _summary(ws, out)
    return 0


def _write_discovery(ws, out: Path) -> None:
    """personas.json, assignments.csv and the workspace, all or none: a failed write keeps
    the previous run's outputs (see atomic.staged)."""
    from . import atomic, cards, workspace
    from .csvsafe import write_csv
    from .export import json_bytes

    with atomic.staged(out) as stage:
        workspace.write_files(ws, stage.directory("workspace"))
        # The persona-card document of the JSON export (cards.cards_document), schema-validated.
        stage.file("personas.json").write_bytes(json_bytes(ws))
        write_csv(cards.assignments_frame(ws), stage.file("assignments.csv"))


def _pairs(items: Sequence[str], flag: str, cast: type) -> list[tuple]:
    out = []
    for item in items:
        if "=" not in item:
            raise InputError(_("{flag} {item}: write COLUMN=VALUE, e.g. {flag} revenue=2",
                               flag=flag, item=repr(item)))
        col, val = item.rsplit("=", 1)
        try:
            out.append((col.strip(), cast(val.strip())))
        except ValueError:
            raise InputError(_("{flag} {item}: '{value}' is not a valid value", flag=flag,
                               item=repr(item), value=val)) from None
    return out


def _out_dir(path: str) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError(_("--out {path}: exists and is not a directory — choose another path",
                           path=path))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(_("--out {path}: cannot create the directory ({reason})", path=path,
                           reason=exc.strerror)) from None
    return out


def _progress(stage: str, fraction: float) -> None:
    # stdout, not stderr: on bad input stderr carries exactly one line, the error
    if fraction == 0.0:
        print(f"… {_(STAGES[stage]) if stage in STAGES else stage}", flush=True)


# What each pipeline stage does, as the CLI's progress lines say it.
STAGES = {"read": N_("reading the data"), "roles": N_("checking the columns"),
          "features": N_("preparing behaviour features"), "embedding": N_("placing customers on the map"),
          "clustering": N_("finding groups of similar customers"),
          "stability": N_("re-checking how stable each persona is"),
          "profiles": N_("describing the personas")}


def _summary(ws, out: Path) -> None:
    from . import outcomes
    from .labels import stability_word

    m = ws.metrics
    print(ngettext("{n} persona from {customers} customers ({unassigned} unassigned) in {seconds} s",
                   "{n} personas from {customers} customers ({unassigned} unassigned) in {seconds} s",
                   m["n_personas"], customers=m["n_customers"],
                   unassigned=fmt_percent(m["unassigned_share"], 1),
                   seconds=fmt_number(sum(m["seconds"].values()), 1)))
    figures = outcomes.persona_outcomes(ws)
    for p in ws.personas():
        stab = fmt_number(p.stability, 2)
        share = fmt_number(p.share * 100, 1)
        print(f"  {p.id:>4}  {share:>5} %  {stability_word(p.stability_label):<8} ({stab})  "
              f"{ws.persona_name(p.id)}")
        for f in figures.get(p.id, []):
            print(f"          {outcomes.title(f.spec)}: {outcomes.sentence(f)}")
    for f in figures.get(outcomes.ALL, []):
        print(_("outcome {name}: {value} over all customers (not used to find the personas)",
                name=outcomes.title(f.spec), value=outcomes.fmt_spread(f.kind, f.value, f.low, f.high)))
    print(_("written: {files}", files=f"{out / 'personas.json'}, {out / 'assignments.csv'}, "
                                      f"{out / 'workspace'}"))


def outcome_lines(table) -> list[str]:
    """Tracked outcomes as plain lines: one per outcome and period, personas side by side."""
    from .outcomes import fmt_value

    lines = []
    for (outcome, period), t in table.groupby(["outcome", "period"], sort=False):
        cells = ", ".join(f"{pid} {'—' if s else fmt_value(k, v)}" for pid, k, v, s in
                          zip(t["persona_id"], t["kind"], t["value"], t["suppressed"]))
        lines.append(_("outcome {outcome} [{period}]: {cells}", outcome=outcome, period=period,
                       cells=cells))
    return lines


def _one_line(s: str) -> str:
    return " ".join(s.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

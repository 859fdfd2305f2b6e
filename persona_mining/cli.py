"""Command line: `python -m persona_mining discover INPUT --out DIR ...` and
`python -m persona_mining export WORKSPACE_DIR --format json|pdf|md|csv --out FILE`.

Contract (relied on by checks outside this repo; extend, never break): bad input
exits with status 2 and one line on stderr naming the file/column/row and what to
do, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from .config import METHODS, DiscoverConfig
from .errors import InputError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: not enough memory for this input — try --embedding pca or a smaller file",
              file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the contract is: no traceback, one line
        if os.environ.get("PERSONA_MINING_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {_one_line(str(exc))} "
              "(set PERSONA_MINING_DEBUG=1 for details and please report it)", file=sys.stderr)
        return EXIT_INTERNAL


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m persona_mining",
                                description="Discover data-driven personas from behaviour data.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("discover", help="customer table -> personas, assignments, workspace")
    d.add_argument("input", help="customer table: CSV/TSV/TXT, Parquet, Excel .xlsx or JSON Lines")
    d.add_argument("--out", required=True, help="output directory")
    d.add_argument("--id-col", help="customer id column (default: detected, else row numbers)")
    d.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="C", help="columns to leave out")
    d.add_argument("--label", nargs="+", action="extend", default=[], metavar="C",
                   help="columns kept out of the features but reported per persona")
    d.add_argument("--role", nargs="+", action="extend", default=[], metavar="COL=ROLE",
                   help="override a column role (id, numeric, categorical, boolean, datetime, "
                        "text, label, pii, ignore)")
    d.add_argument("--weight", nargs="+", action="extend", default=[], metavar="COL=W",
                   help="feature weight (1 neutral, 0 off, 2 double)")
    d.add_argument("--method", choices=METHODS, default="hdbscan")
    d.add_argument("--k", type=int, help="number of personas (kmeans, gmm, ward)")
    d.add_argument("--min-size", type=float, default=DiscoverConfig.min_size,
                   help="smallest persona as a share of customers (default 0.02)")
    d.add_argument("--max-unassigned", type=float, default=DiscoverConfig.max_unassigned,
                   help="largest share of customers left unassigned (default 0.10)")
    d.add_argument("--seed", type=int, default=DiscoverConfig.seed)
    d.add_argument("--embedding", choices=("umap", "pca"), default="umap")
    d.add_argument("--bootstrap", type=int, default=DiscoverConfig.bootstrap,
                   help="reruns for persona stability (0 to skip)")
    d.add_argument("--quiet", action="store_true", help="print nothing but errors")
    ev = d.add_argument_group("event logs (one row per event instead of per customer)")
    ev.add_argument("--events", action="store_true", help="INPUT is an event log")
    ev.add_argument("--customer-col", help="customer id column (detected when unambiguous)")
    ev.add_argument("--time-col", help="timestamp column (detected when unambiguous)")
    ev.add_argument("--event-col", help="event / touchpoint column")
    ev.add_argument("--channel-col", help="channel column")
    ev.add_argument("--value-col", help="value column (revenue; negative = refund)")
    ev.add_argument("--account-col", help="B2B: account column; personas then describe accounts")
    ev.add_argument("--session-gap", type=float, default=30.0, metavar="MINUTES",
                    help="inactivity that ends a visit (default 30)")
    d.set_defaults(func=cmd_discover)

    e = sub.add_parser("export", help="workspace -> persona cards as JSON, PDF, Markdown or CSV")
    e.add_argument("workspace", help="workspace directory (DIR/workspace as written by discover)")
    e.add_argument("--format", required=True, choices=("json", "pdf", "md", "csv"))
    e.add_argument("--out", required=True, help="output file")
    e.set_defaults(func=cmd_export)
    return p


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export
    from .workspace import load

    path = Path(args.workspace)
    if not path.is_dir():
        raise InputError(f"{args.workspace}: no such workspace directory — give DIR/workspace "
                         "as written by `discover --out DIR`")
    if not (path / "manifest.json").exists() and (path / "workspace" / "manifest.json").exists():
        path = path / "workspace"          # DIR given instead of DIR/workspace: what was meant
    out = export(load(path), args.format, args.out)
    print(f"written: {out}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from . import cards, workspace
    from .csvsafe import write_csv
    from .export import json_bytes
    from .pipeline import discover

    config = DiscoverConfig(
        id_col=args.id_col, exclude=tuple(args.exclude), labels=tuple(args.label),
        roles=tuple(_pairs(args.role, "--role", str)), weights=tuple(_pairs(args.weight, "--weight", float)),
        method=args.method, k=args.k, min_size=args.min_size, max_unassigned=args.max_unassigned,
        seed=args.seed, embedding=args.embedding, bootstrap=args.bootstrap)
    src = Path(args.input)
    if not src.exists():
        raise InputError(f"{args.input}: file not found — check the path")
    out = _out_dir(args.out)
    progress = None if args.quiet else _progress
    if args.events:
        from .events import EventConfig, discover_events

        ws = discover_events(src, config, EventConfig(session_gap_minutes=args.session_gap),
                             progress=progress, customer=args.customer_col, time=args.time_col,
                             event=args.event_col, channel=args.channel_col, value=args.value_col,
                             account=args.account_col)
    else:
        ws = discover(src, config, progress=progress)
    workspace.save(ws, out / "workspace")
    # The persona-card document of the JSON export (cards.cards_document), schema-validated.
    (out / "personas.json").write_bytes(json_bytes(ws))
    write_csv(cards.assignments_frame(ws), out / "assignments.csv")
    if not args.quiet:
        _summary(ws, out)
    return 0


def _pairs(items: Sequence[str], flag: str, cast: type) -> list[tuple]:
    out = []
    for item in items:
        if "=" not in item:
            raise InputError(f"{flag} {item!r}: write COLUMN=VALUE, e.g. {flag} revenue=2")
        col, val = item.rsplit("=", 1)
        try:
            out.append((col.strip(), cast(val.strip())))
        except ValueError:
            raise InputError(f"{flag} {item!r}: '{val}' is not a valid value") from None
    return out


def _out_dir(path: str) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {path}: exists and is not a directory — choose another path")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {path}: cannot create the directory ({exc.strerror})") from None
    return out


def _progress(stage: str, fraction: float) -> None:
    # stdout, not stderr: on bad input stderr carries exactly one line, the error
    if fraction == 0.0:
        print(f"… {stage}", flush=True)


def _summary(ws, out: Path) -> None:
    m = ws.metrics
    print(f"{m['n_personas']} personas from {m['n_customers']} customers "
          f"({m['unassigned_share'] * 100:.1f} % unassigned) in {sum(m['seconds'].values()):.1f} s")
    for p in ws.personas():
        stab = "n/a" if p.stability is None else f"{p.stability:.2f}"
        print(f"  {p.id:>4}  {p.share * 100:5.1f} %  {p.stability_label:<8} ({stab})  "
              f"{ws.persona_name(p.id)}")
    print(f"written: {out / 'personas.json'}, {out / 'assignments.csv'}, {out / 'workspace'}")


def _one_line(s: str) -> str:
    return " ".join(s.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``zebkb migrate --to postgresql://…`` / ``--to-sqlite DIR``: move a knowledge base between engines.

Not the schema upgrade, which every command does by itself when it opens a
knowledge base written by an older zebkb; this moves a ward's whole knowledge
base into an empty database on the other engine (zebkb/service/move.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from zebkb.cli.main import JSON_HELP, data_dir_from, print_json
from zebkb.cli.output import out
from zebkb.display import file_size

if TYPE_CHECKING:
    from zebkb.service.move import MoveSummary, Progress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "migrate",
        help="move this knowledge base into an empty PostgreSQL database or SQLite folder",
        description=(
            "Copy every record, version, attachment, conflict, log, key and setting into an "
            "empty target on the other engine, check it there, and leave this one as it was."
        ),
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--to", metavar="URL", help="an empty PostgreSQL database (postgresql://USER@HOST/DB)"
    )
    target.add_argument(
        "--to-sqlite", metavar="DIR", help="a new or empty folder for a data folder of its own"
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_migrate)


def _progress(quiet: bool, lang: str) -> Progress | None:
    from zebkb.cli.progress import stderr_progress

    if quiet:
        return None
    shown = {step: stderr_progress(f"progress.{step}", lang) for step in ("files", "rows", "index")}

    def report(step: str, done: int, total: int) -> None:
        shown[step](done, total)

    return report


def cmd_migrate(args: argparse.Namespace) -> int:
    from zebkb.logs import setup_logging
    from zebkb.service import KnowledgeBase
    from zebkb.service.move import move_to_postgres, move_to_sqlite

    # A folder on a network share may be moved out of (that is the way out of it).
    with KnowledgeBase.open(data_dir_from(args), network_ok=True) as kb:
        args.log_file = setup_logging(kb.data_dir)
        progress = _progress(args.json, args.lang)
        if args.to_sqlite is not None:
            summary = move_to_sqlite(kb, Path(args.to_sqlite), progress=progress)
        else:
            summary = move_to_postgres(kb, args.to, progress=progress)
    if args.json:
        print_json(
            {
                "target": summary.target,
                "records": summary.live_records,
                "rows": summary.counts,
                "files": summary.files,
                "file_bytes": summary.file_bytes,
                "ok": not summary.problems,
                "problems": summary.problems,
                "kept_sqlite": None if summary.kept_sqlite is None else str(summary.kept_sqlite),
            }
        )
    else:
        from zebkb.cli.lang import say
        from zebkb.cli.records import problem_text

        out(describe(summary, args.lang))
        for problem in summary.problems:
            out(f"  {problem_text(problem, args.lang)}")
        if summary.kept_sqlite is not None:
            out(say("migrate.team", args.lang, target=summary.target, kept=summary.kept_sqlite))
    return 1 if summary.problems else 0


def describe(summary: MoveSummary, lang: str = "en") -> str:
    from zebkb.cli.lang import say

    c = summary.counts
    deleted = c.get("record", 0) - summary.live_records
    size = file_size(summary.file_bytes, lang)
    parts = [
        say("migrate.records", lang, n=summary.live_records)
        + (say("migrate.deleted", lang, n=deleted) if deleted else ""),
        say("migrate.versions", lang, n=c.get("history", 0)),
        say("migrate.files", lang, n=summary.files, size=size),
        say("migrate.conflicts", lang, n=c.get("conflict", 0)),
        say("migrate.imports", lang, n=c.get("import_log", 0)),
        say("migrate.keys", lang, n=c.get("trusted_key", 0)),
        say("migrate.settings", lang, n=c.get("meta", 0)),
    ]
    check = say("migrate.failed" if summary.problems else "migrate.ok", lang)
    return say(
        "migrate.done",
        lang,
        target=summary.target,
        parts=("、" if lang == "ja" else ", ").join(parts),
        check=check,
    )

"""``zebkb backup`` and ``zebkb restore-backup FILE``."""

from __future__ import annotations

import argparse
import sys

from zebkb.cli.main import JSON_HELP, open_kb, print_json
from zebkb.cli.output import err, field, out, prompt
from zebkb.cli.records import problem_text
from zebkb.display import file_size


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backup", help="write a consistent copy of the knowledge base into its backups folder"
    )
    p.add_argument(
        "--keep", type=int, default=None, metavar="N", help="keep the newest N backups (default 10)"
    )
    p.add_argument("--list", action="store_true", help="list the backups instead of writing one")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser(
        "restore-backup", help="replace the knowledge base with a backup (the current one is kept)"
    )
    p.add_argument("file", help="a backup zip (from 'zebkb backup')")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (scripts)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_restore_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from zebkb.cli.main import data_dir_from
    from zebkb.errors import InputError
    from zebkb.service.backup import DEFAULT_KEEP, describe_backup, list_backups

    if args.list:
        from zebkb.service.datadir import require_knowledge_base

        require_knowledge_base(data_dir_from(args))
        found = [describe_backup(p) for p in list_backups(data_dir_from(args))]
        if args.json:
            print_json([b.as_json() for b in found])
        from zebkb.cli.lang import say
        from zebkb.display import format_instant

        for b in [] if args.json else found:
            kind = say(
                "backup.with_files" if b.includes_files else "backup.records_only", args.lang
            )
            # The instant is stored in UTC; a person reads this computer's time.
            when = format_instant(b.created_at, args.date_style, args.lang)
            line = say(
                "backup.line",
                args.lang,
                name=b.path.name,
                when=when,
                records=b.records,
                kind=kind,
                size=file_size(b.size, args.lang),
            )
            out(line)
        if not found and not args.json:
            out(say("backup.none", args.lang))
        return 0
    keep = DEFAULT_KEEP if args.keep is None else args.keep
    if keep < 1:
        from zebkb.cli.lang import say

        raise InputError(say("backup.keep", "en"), message_ja=say("backup.keep", "ja"))
    with open_kb(args) as kb:
        info = kb.create_backup(keep=keep)
    if args.json:
        print_json(info.as_json())
    else:
        from zebkb.cli.lang import say

        out(
            say(
                "backup.written",
                args.lang,
                path=info.path,
                records=info.records,
                files=info.files,
                size=file_size(info.size, args.lang),
            )
        )
    return 0


def confirm(question: str) -> bool:
    prompt(question + " [y/N] ")  # y (or はい) to go on, as typed in either language
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "はい")


def cmd_restore_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from zebkb.cli.lang import say
    from zebkb.display import format_instant
    from zebkb.errors import KnownError
    from zebkb.service import KnowledgeBase

    lang = args.lang
    info = KnowledgeBase.inspect_backup(Path(args.file))
    if not args.yes:
        if not sys.stdin.isatty():
            raise KnownError(
                say("backup.yes_needed", "en"), message_ja=say("backup.yes_needed", "ja")
            )
        when = format_instant(info.created_at, args.date_style, lang)
        if not confirm(say("backup.question", lang, when=when, records=info.records)):
            err(f"zebkb: {say('backup.not_restored', lang)}")
            return 1
    # A damaged database is what a backup is restored for: open the folder all the same.
    with open_kb(args, damaged_ok=True, create=True) as kb:
        result = kb.restore_backup(info.path)
    if args.json:
        print_json(
            {
                "restored": result.restored.as_json(),
                "previous_state": str(result.set_aside),
                "files_added": result.files_added,
                "problems": result.problems,
            }
        )
    else:
        out(
            say(
                "backup.restored",
                lang,
                records=result.restored.records,
                name=info.path.name,
                kept=result.set_aside,
            )
        )
        for problem in result.problems:
            out(say("backup.problem", lang, problem=field(problem_text(problem, lang))))
    return 1 if result.problems else 0

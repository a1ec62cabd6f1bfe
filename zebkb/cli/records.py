"""Commands on records: init, demo, add, list, show, history, restore, check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from zebkb.cli.main import JSON_HELP, UID_HELP, open_kb, print_json
from zebkb.cli.output import err, field, out
from zebkb.display import file_size
from zebkb.problems import Problem


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="set this knowledge base's home ward")
    p.add_argument("--ward", required=True, help="6-digit code or name, e.g. 131229 or 葛飾区")
    p.add_argument(
        "--database",
        metavar="URL",
        help="team mode: use the ward's shared PostgreSQL database "
        "(postgresql://USER@HOST/DATABASE; the password goes in ~/.pgpass, never here)",
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="load the demo records shipped with zebkb")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("add", help="add or update records from a JSON file ('-' for stdin)")
    p.add_argument("file", help="the JSON file of records ('-' for stdin)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("list", help="list records")
    p.add_argument(
        "--type",
        choices=("case", "visit", "session", "issue", "owner"),
        help="only this kind of record",
    )
    p.add_argument("--ward", help="only this ward's records: 6-digit code or name")
    p.add_argument("--fiscal-year", type=int, help="only this fiscal year, e.g. 2024")
    p.add_argument(
        "--overdue",
        action="store_true",
        help="only visits and sessions with follow-ups past their due date and not done",
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show one record")
    p.add_argument("uid", help=UID_HELP)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument(
        "--assessment",
        action="store_true",
        help="with --json: add the rank check and warnings as an 'assessment' object",
    )
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("history", help="every version of a record")
    p.add_argument("uid", help=UID_HELP)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("restore", help="bring an earlier version back as a new revision")
    p.add_argument("uid", help=UID_HELP)
    p.add_argument("revision", help="revision number (or a hash prefix from 'history')")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("check", help="verify database, attachment files and index agree")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument(
        "--repair",
        action="store_true",
        help="rebuild the search index; report (never delete) orphaned or missing files; with "
        "--deep in team mode, mend a file damaged on one side (the team database or this PC) "
        "from the other's whole copy",
    )
    p.add_argument(
        "--deep",
        action="store_true",
        help="also read every attachment file and compare it with its SHA-256 (slower)",
    )
    p.set_defaults(handler=cmd_check)


def resolve_ward_arg(text: str | None) -> str | None:
    if text is None:
        return None
    from zebkb.domain.wards import WardError, resolve_ward
    from zebkb.errors import InputError

    try:
        return resolve_ward(text)
    except WardError as exc:
        raise InputError(str(exc), message_ja=exc.message("ja")) from None


def cmd_init(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.domain.wards import ward_name
    from zebkb.keys import own_key

    if args.database is not None:
        return _init_team(args)
    with open_kb(args, create=True) as kb:
        if kb.team:
            _refuse_other_ward(kb, resolve_ward_arg(args.ward))
        code = kb.set_home_ward(args.ward)
        key = own_key(kb.data_dir)
        out(
            say(
                "init.done", args.lang, ward=ward_name(code, args.lang), code=code, data=kb.data_dir
            )
        )
        out(say("init.key", args.lang, fingerprint=key.fingerprint))
    return 0


def _refuse_other_ward(kb: Any, code: str | None) -> None:
    """A shared database holds one ward's knowledge base: another ward's init is refused."""
    from zebkb.domain.wards import ward_name
    from zebkb.errors import InputError

    held = kb.home_ward
    if held is None or code is None or held == code:
        return
    where = kb.shown_database_url
    raise InputError(
        f"the database {where} already holds the knowledge base of {ward_name(held, 'en')} "
        f"({held}); a ward's team database cannot be shared with {ward_name(code, 'en')} "
        "— create a database of its own for that ward",
        message_ja=(
            f"データベース {where} には {ward_name(held, 'ja')}（{held}）の"
            f"ナレッジベースが既にあります。{ward_name(code, 'ja')}とは共有できません。"
            "その区のためのデータベースを別に作成してください"
        ),
    )


def _init_team(args: argparse.Namespace) -> int:
    """``init --database URL``: connect a data folder to the ward's shared database."""
    from zebkb.cli.main import data_dir_from
    from zebkb.domain.wards import ward_name
    from zebkb.keys import own_key
    from zebkb.logs import setup_logging
    from zebkb.service import KnowledgeBase, team_folder_url

    code = resolve_ward_arg(args.ward) or ""
    folder = data_dir_from(args)
    url = team_folder_url(folder, args.database)
    # The database is opened (and its tables made) before the folder names it, so a
    # refused init leaves the folder as it was.
    with KnowledgeBase.open(folder, database=url) as kb:
        _refuse_other_ward(kb, code)
        kb.name_team_database()
        args.log_file = setup_logging(kb.data_dir)
        kb.set_home_ward(args.ward)
        key = own_key(kb.data_dir)
        from zebkb.cli.lang import say

        ward = ward_name(code, args.lang)
        out(
            say(
                "init.team",
                args.lang,
                ward=ward,
                code=code,
                data=kb.data_dir,
                url=kb.shown_database_url,
            )
        )
        out(say("init.key", args.lang, fingerprint=key.fingerprint))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say

    with open_kb(args, create=True) as kb:
        result = kb.load_demo()
        out(say("demo.done", args.lang, added=result.added, unchanged=result.unchanged))
    return 0


def refused(key: str, **fmt: Any) -> Exception:
    """Refused input (exit 3), said in both languages."""
    from zebkb.cli.lang import say
    from zebkb.errors import InputError

    return InputError(say(key, "en", **fmt), message_ja=say(key, "ja", **fmt))


def read_input_json(name: str) -> Any:
    from zebkb import strictjson

    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except FileNotFoundError:
        raise refused("input.not_found", name=name) from None
    except IsADirectoryError:
        raise refused("input.folder", name=name) from None
    except PermissionError:
        raise refused("input.denied", name=name) from None
    if len(raw) > 64 * 2**20:
        raise refused("input.too_large", name=name)
    try:
        return strictjson.loads(raw)
    except strictjson.StrictJSONError as exc:
        from zebkb.cli.lang import say
        from zebkb.errors import InputError

        raise InputError(
            say("input.not_json", "en", name=name, detail=exc),
            message_ja=say("input.not_json", "ja", name=name, detail=exc.message_ja),
        ) from None


def cmd_add(args: argparse.Namespace) -> int:
    from zebkb.domain.limits import quote

    data = read_input_json(args.file)
    items = data if isinstance(data, list) else [data]
    if not items:
        raise refused("input.empty", name=args.file)
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise refused("input.not_object", name=args.file, position=position + 1)
    from zebkb.cli.lang import say

    # The service puts this before a refused record's message; said in the chosen language.
    label = args.file if args.file != "-" else say("input.stdin", args.lang)
    with open_kb(args, create=True) as kb:
        existing = {item.get("uid") for item in items if kb.get(str(item.get("uid"))) is not None}
        saved = kb.save_many(
            items,
            where=lambda i: (
                say("input.where", args.lang, name=label, position=i + 1)
                + (
                    f" ({quote(items[i]['title'])})"
                    if isinstance(items[i].get("title"), str)
                    else ""
                )
            ),
        )
    if args.json:
        print_json(
            [
                {
                    "uid": r["uid"],
                    "type": r["type"],
                    "title": r.get("title"),
                    "revision": r["revision"],
                    "action": "updated" if r["uid"] in existing else "added",
                }
                for r in saved
            ]
        )
    else:
        from zebkb.cli.lang import say
        from zebkb.display import kind_label

        for r in saved:
            action = say("add.updated" if r["uid"] in existing else "add.added", args.lang)
            kind = kind_label(r["type"], args.lang)
            out(
                say(
                    "add.line",
                    args.lang,
                    action=action,
                    uid=r["uid"],
                    kind=kind,
                    revision=r["revision"],
                    title=field(r.get("title")),
                )
            )
    write_warnings(saved, args.lang, args.date_style)
    return 0


def write_warnings(
    records: Sequence[Mapping[str, Any]], lang: str = "en", style: str = "western"
) -> None:
    """Soft rules on stderr, one line each; they never fail the command."""
    from zebkb.cli.lang import say
    from zebkb.domain.validate import warnings_for

    word = say("show.warning", lang).lower() if lang == "en" else say("show.warning", lang)
    for r in records:
        for w in warnings_for(r):
            err(
                f"zebkb: {word}: {r['uid']} {r.get('title', '')}: {w.message(lang, style)} [{w.code}]"
            )


def cmd_list(args: argparse.Namespace) -> int:
    ward = resolve_ward_arg(args.ward)
    from zebkb.overview import OverdueFollowUps, overdue_follow_ups

    late: dict[str, OverdueFollowUps] = {}
    with open_kb(args) as kb:
        rows = kb.list_records(kind=args.type, ward=ward, fiscal_year=args.fiscal_year)
        if args.overdue:
            # Overdue by the knowledge base's clock, the same as the home screen counts.
            late = {o.uid: o for o in overdue_follow_ups(kb)}
            rows = [r for r in rows if r.uid in late]
    if args.json:
        print_json(
            [
                {
                    "uid": r.uid,
                    "type": r.type,
                    "title": r.title,
                    "ward": r.ward,
                    "updated_at": r.updated_at,
                    **(
                        {
                            "overdue_follow_ups": late[r.uid].count,
                            "earliest_due": late[r.uid].earliest_due,
                        }
                        if args.overdue
                        else {}
                    ),
                }
                for r in rows
            ]
        )
        return 0
    from zebkb.cli.lang import say
    from zebkb.display import fiscal_year_label, format_date, kind_label, overdue_mark, ward_label

    for r in rows:
        name = ward_label(r.ward, args.lang)
        # A 課題 has a fiscal year and no date of its own.
        when = (
            format_date(r.record_date, args.date_style, args.lang)
            if r.record_date
            else fiscal_year_label(r.fiscal_year, args.lang, args.date_style)
        )
        kind = kind_label(r.type, args.lang)
        line = f"{r.uid}  {kind}  {when}  {name}  {field(r.title)}"
        if r.uid in late:
            o = late[r.uid]
            due = format_date(o.earliest_due, args.date_style, args.lang)
            line += "  " + say(
                "list.overdue", args.lang, mark=overdue_mark(args.lang), n=o.count, due=due
            )
        out(line)
    if args.overdue and not rows:
        out(say("list.overdue_none", args.lang))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from zebkb.errors import NotFoundError

    with open_kb(args) as kb:
        record = kb.require(args.uid)
        today = kb.clock().date()
        titles = linked_titles(kb, record)
    if record.get("deleted"):
        from zebkb.cli.lang import say
        from zebkb.display import format_instant

        facts = {"uid": args.uid, "revision": record["revision"]}
        raise NotFoundError(
            say(
                "show.deleted",
                "en",
                **facts,
                when=format_instant(record["updated_at"], "iso", "en"),
            ),
            message_ja=say(
                "show.deleted",
                "ja",
                **facts,
                when=format_instant(record["updated_at"], args.date_style, "ja"),
            ),
        )
    if args.json:
        if args.assessment and record.get("type") == "case":
            from zebkb.domain.validate import assessment

            record = {**record, "assessment": assessment(record)}
        print_json(record)
        return 0
    out(format_record(record, args.lang, args.date_style, today, titles=titles))
    return 0


def linked_titles(kb: Any, record: Mapping[str, Any]) -> dict[str, str]:
    """The titles of the records this one links to (視察施設, 関連事例 …), by uid."""
    from zebkb.domain.fields import FieldType, fields_for

    uids: set[str] = set()
    for decl in fields_for(record["type"]):
        value = record.get(decl.name)
        if decl.type == FieldType.UID and decl.name != "uid" and isinstance(value, str):
            uids.add(value)
        elif decl.type == FieldType.UID_LIST and isinstance(value, list):
            uids.update(v for v in value if isinstance(v, str))
    titles: dict[str, str] = {}
    for uid in sorted(uids):
        linked = kb.get(uid)
        if linked is not None and linked.get("title"):
            titles[uid] = str(linked["title"])
    return titles


def _linked(uid: str, titles: Mapping[str, str]) -> str:
    """A linked record as people know it: its title, and its uid's start for `zebkb show`."""
    title = titles.get(uid)
    return f"{title} ({uid[:8]})" if title else uid


def format_value(
    decl: Any,
    value: Any,
    lang: str,
    record: Mapping[str, Any] | None = None,
    style: str = "western",
    *,
    today: date | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """A field's value as people read it: names for codes and terms, local dates, units;
    a linked record by its title (from ``titles``) where it is known."""
    from zebkb import display
    from zebkb.cli.lang import say
    from zebkb.domain.fields import FieldType
    from zebkb.domain.vocab import FIELD_VOCABULARY_NAMES, label

    sep = "、" if lang == "ja" else ", "
    vocab = FIELD_VOCABULARY_NAMES.get(decl.name)
    if decl.type == FieldType.WARD:
        return display.ward_label(str(value), lang)
    if decl.type == FieldType.UID and decl.name != "uid" and isinstance(value, str):
        return _linked(value, titles or {})
    if decl.type == FieldType.UID_LIST and isinstance(value, list):
        return sep.join(_linked(str(v), titles or {}) for v in value)
    if decl.type == FieldType.WARD_LIST and isinstance(value, list):
        return sep.join(display.ward_label(str(v), lang) for v in value)
    if decl.type == FieldType.DATE:
        return display.format_date(str(value), style, lang)
    if decl.type == FieldType.TIMESTAMP:
        return display.format_instant(str(value), style, lang)
    if decl.type == FieldType.BOOLEAN:
        yes, no = ("はい", "いいえ") if lang == "ja" else ("yes", "no")
        return yes if value else no
    if decl.type == FieldType.ATTACHMENTS and isinstance(value, list):
        items = []
        for a in value:
            size = file_size(int(a.get("size") or 0), lang)
            note = f"{sep}{say('show.not_received', lang)}" if a.get("omitted") else ""
            items.append(f"{a.get('filename', '')} ({size}{note})")
        return sep.join(items)
    if decl.type == FieldType.ROWS and isinstance(value, list):
        files = display.attachment_names(record or {})
        return " / ".join(
            display.row_line(decl, row, style, lang, files, today=today) for row in value
        )
    if isinstance(value, list):
        return sep.join(
            label(vocab, v, lang)
            if vocab and isinstance(v, str)
            else display.place_name(str(v), lang)
            for v in value
        )
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if decl.name == "fiscal_year":
            return display.fiscal_year_label(int(value), lang, style)  # 令和4年度, not 2,022
        if decl.name == "floor_area_m2":
            return display.format_area(value)
        return display.format_number(value, decimals=None)
    if vocab and isinstance(value, str):
        return label(vocab, value, lang)
    return display.place_name(str(value), lang) if isinstance(value, str) else str(value)


# Said once at the top ("事例 · 葛飾区"), or of no use to a person reading.
_NOT_LISTED = {"type", "deleted", "body"}


def format_record(
    record: dict[str, Any],
    lang: str = "en",
    style: str = "western",
    today: date | None = None,
    *,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The record as lines of text: one line per field, then the body with its own lines.

    With ``today`` (the knowledge base's clock), follow-ups past their due date are marked;
    ``titles`` names the records it links to (linked_titles).
    """
    from zebkb import display
    from zebkb.cli.lang import say
    from zebkb.domain.fields import FieldType, fields_for
    from zebkb.glossary import term

    lines = [f"{display.kind_label(record['type'], lang)} · {field(record.get('title'))}"]
    width = 0
    rows: list[tuple[str, str, bool]] = []
    for decl in fields_for(record["type"]):
        value = record.get(decl.name)
        if value in (None, [], "") or decl.name in _NOT_LISTED or decl.name == "title":
            continue
        name = decl.label_en if lang == "en" else decl.label_ja
        rows.append(
            (
                name,
                format_value(decl, value, lang, record, style, today=today, titles=titles),
                decl.type == FieldType.TEXT,
            )
        )
        width = max(width, len(name))
    for name, shown, multiline in rows:
        head = f"{name}: "
        if multiline:
            # Free text such as 出典 keeps its lines; the continuations are
            # indented so none reads as another field's line.
            parts = shown.replace("\r\n", "\n").split("\n")
            lines.append(head + "\n  ".join(field(part) for part in parts))
        else:
            lines.append(f"{head}{field(shown)}")
    if record["type"] == "case":
        from zebkb.domain.ranks import check_rank, verdict_key
        from zebkb.domain.vocab import ZEB_RANKS

        check = check_rank(record)
        supported = check.supported
        shown = (
            ZEB_RANKS.label(supported.rank, lang)
            if supported.rank
            else term(verdict_key(supported), lang)
        )
        reason = supported.reason_en if lang == "en" else supported.reason_ja
        bracket = f" ({reason})" if lang == "en" else f"（{reason}）"
        lines.append(f"{term('rank.supported', lang)}: {shown}{bracket if reason else ''}")
    from zebkb.domain.validate import warnings_for

    for w in warnings_for(record):
        lines.append(f"{say('show.warning', lang)}: {w.message(lang, style)}")
    known = {f.name for f in fields_for(record["type"])}
    for key in sorted(set(record) - known):
        lines.append(f"{field(key)}: {field(record[key])}")
    if record.get("body"):
        lines.append("")
        lines.append(record["body"])  # its own lines and tabs kept; out() escapes the rest
    return "\n".join(lines)


def cmd_history(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        versions = kb.history(args.uid)
    if args.json:
        print_json(
            [
                {
                    "revision": v.revision,
                    "updated_at": v.updated_at,
                    "hash": v.hash,
                    "source": v.source,
                    "saved_at": v.saved_at,
                    "bundle_id": v.bundle_id,
                    "current": v.current,
                    "record": v.record,
                }
                for v in versions
            ]
        )
        return 0
    from zebkb.cli.lang import say
    from zebkb.display import format_instant
    from zebkb.versions import source_label

    lang = args.lang
    for v in versions:
        deleted = say("history.deleted", lang)
        state = (
            (f"（{deleted}）" if lang == "ja" else f" ({deleted})")
            if v.record.get("deleted")
            else ""
        )
        out(
            say(
                "history.line",
                lang,
                mark="*" if v.current else " ",
                revision=v.revision,
                when=format_instant(v.updated_at, args.date_style, lang),
                hash=v.hash[:12],
                # The window's words for how a version came (zebkb/versions.py), not the code.
                source=source_label(v.source, lang),
                via=" " + say("history.via", lang, bundle=v.bundle_id) if v.bundle_id else "",
                state=state,
                title=field(v.record.get("title")),
            )
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        record = kb.restore(args.uid, args.revision)
    from zebkb.cli.lang import say

    out(
        say("restore.done", args.lang, uid=args.uid, revision=args.revision, new=record["revision"])
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from zebkb.cli.progress import stderr_progress

    with open_kb(args) as kb:
        quiet = args.json
        hashing = (
            stderr_progress("progress.check_deep", args.lang) if args.deep and not quiet else None
        )
        mended: list[Problem] = []
        if args.repair:
            if args.deep:
                # Team mode: a file damaged on one side is mended from the other's whole copy.
                mended = kb.mend_team_files(progress=hashing)
            kb.reindex(progress=None if quiet else stderr_progress("progress.reindex", args.lang))
            problems = kb.check(deep=args.deep, progress=hashing) + kb.file_report()
        else:
            problems = kb.check(deep=args.deep, progress=hashing)
    if args.json:
        found: dict[str, object] = {"ok": not problems, "problems": problems}
        if mended:
            found["mended"] = mended
        print_json(found)
        return 1 if problems else 0
    for line in mended:
        out(field(problem_text(line, args.lang)))
    if problems:
        for p in problems:
            out(field(problem_text(p, args.lang)))
    else:
        from zebkb.cli.lang import say

        out(say("check.ok_deep" if args.deep else "check.ok", args.lang))
    return 1 if problems else 0


def problem_text(problem: str, lang: str) -> str:
    """A problem `check` found, in ``lang``: a Problem carries its Japanese (zebkb/problems.py)."""
    return problem.text(lang) if isinstance(problem, Problem) else problem

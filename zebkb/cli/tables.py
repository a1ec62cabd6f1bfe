"""``zebkb table import`` and ``zebkb table export``: the wards' own lists in and out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zebkb.cli.main import (
    JSON_HELP,
    ArgumentParser,
    UsageError,
    fiscal_year_usage,
    open_kb,
    print_json,
)
from zebkb.cli.output import err, field, out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("table", help="import or export a list (.xlsx or CSV)")
    table = p.add_subparsers(
        dest="table_command", metavar="import|export", parser_class=ArgumentParser
    )
    p.set_defaults(handler=_missing_subcommand)

    q = table.add_parser("import", help="add or update records from a list (.xlsx or CSV)")
    q.add_argument("file", metavar="FILE", help="the list to read (.xlsx or .csv)")
    q.add_argument(
        "--mapping",
        metavar="MAP.json",
        help="which column holds which field (default: the one saved for lists of this shape,"
        " else guessed from the headers)",
    )
    q.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_table_import)

    q = table.add_parser("export", help="write records as a list (.xlsx, or CSV for Excel)")
    q.add_argument(
        "out", metavar="OUT.xlsx|OUT.csv", help="the file to write; its suffix picks the format"
    )
    q.add_argument(
        "--type",
        choices=("case", "visit", "session"),
        dest="kind",
        help="only this kind of record",
    )
    q.add_argument("--ward", metavar="W", help="only this ward's records: 6-digit code or name")
    q.add_argument("--fiscal-year", metavar="Y", help="only fiscal year Y (e.g. 2024 or 令和6年度)")
    q.add_argument("--query", metavar="Q", help="only records this search finds")
    q.add_argument(
        "--date-style",
        choices=("western", "japanese"),
        default="western",
        help="dates as 2024-10-21 (western) or 令和6年10月21日 (japanese)",
    )
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_table_export)


def _missing_subcommand(args: argparse.Namespace) -> int:
    raise UsageError(
        "table needs a subcommand: import or export",
        message_ja="'table' の後に 'import' か 'export' を続けてください",
    )


def _field_label(name: str, lang: str) -> str:
    """A field by its label (施設名 / Facility), as the window names it."""
    from zebkb.glossary import GlossaryError, term

    try:
        return term(f"field.{name}", lang)
    except GlossaryError:
        return name


def _plan_text(plan: Any, dry_run: bool, lang: str) -> None:
    from zebkb.cli.lang import say
    from zebkb.display import kind_label

    sep = "、" if lang == "ja" else ", "
    prefix = say("import.dry_run", lang) if dry_run else ""

    def column(index: int) -> str:
        label = str(plan.mapping.column_label(index))  # C (延床面積(㎡))
        if lang == "ja" and label.endswith(")") and " (" in label:
            letter, _, header = label[:-1].partition(" (")
            label = f"{letter}列（{header}）"
        return label

    header = plan.mapping.header_row
    out(say("table.plan", lang, prefix=prefix, name=plan.file_name, header=header))
    # One column a line: an exported list maps 90-odd columns, unreadable on one line.
    for i, name in sorted(plan.mapping.columns.items()):
        out(f"  {column(i)} → {_field_label(name, lang)}")
    counts = {a: plan.count(a) for a in ("add", "update", "unchanged", "refused")}
    out(say("table.counts", lang, **counts))
    for row in plan.rows:
        if row.action in ("add", "update"):
            names = sep.join(_field_label(n, lang) for n in row.changed)
            changed = (f"（{names}）" if lang == "ja" else f" ({names})") if row.changed else ""
            out(
                say(
                    "table.row",
                    lang,
                    row=row.row,
                    action=say(f"table.{row.action}", lang),
                    kind=kind_label(row.kind, lang),
                    title=field(row.title),
                    changed=changed,
                )
            )


def cmd_table_import(args: argparse.Namespace) -> int:
    from zebkb.errors import InputError

    path = Path(args.file)
    mapping = Path(args.mapping) if args.mapping else None
    with open_kb(args, create=True) as kb:
        preview = kb.preview_table(path, mapping_path=mapping)
        plan = preview.plan
        mapping_used = plan.mapping
        data_rows = any(n > mapping_used.header_row for n, _ in preview.table.rows)
        if data_rows and not mapping_used.columns and not mapping_used.defaults:
            # Rows nothing can be read from would be skipped silently: say so instead.
            headers = ", ".join(h for h in mapping_used.headers if h) or "-"
            raise InputError(
                f"{plan.file_name}: no column is a field zebkb knows (headers: {headers});"
                " name the fields with --mapping MAP.json; nothing was imported",
                message_ja=f"{plan.file_name}: zebkb の項目に当たる列がありません（見出し: {headers}）。"
                "--mapping MAP.json で項目を指定してください。何も取り込んでいません",
            )
        result = None
        if plan.ok and not args.dry_run:
            result = kb.apply_table(plan)
    doc = plan.as_json()
    if result is not None:
        doc["import_id"] = result.import_id
    if args.json:
        print_json(doc)
    elif plan.ok:
        _plan_text(plan, args.dry_run, args.lang)
        if result is not None and result.import_id:
            from zebkb.cli.lang import say

            out(say("table.undo", args.lang, id=result.import_id))
    if not plan.ok:
        for problem in plan.problems[1:]:
            err(f"zebkb: {plan.file_name}: {problem.line(args.lang)}")
        first = plan.problems[0]
        raise InputError(
            f"{plan.file_name}: {first.line()}; nothing was imported",
            message_ja=f"{plan.file_name}: {first.line('ja')}。何も取り込んでいません",
        )
    return 0


def cmd_table_export(args: argparse.Namespace) -> int:
    from zebkb.cli.records import resolve_ward_arg
    from zebkb.domain.dates import DateError, parse_fiscal_year
    from zebkb.tables.export import export_list

    ward = resolve_ward_arg(args.ward)
    fiscal_year = None
    if args.fiscal_year:
        try:
            fiscal_year = parse_fiscal_year(args.fiscal_year)
        except DateError as exc:
            raise fiscal_year_usage(exc) from None
    with open_kb(args) as kb:
        records = kb.records_for_list(
            kind=args.kind, ward=ward, fiscal_year=fiscal_year, query=args.query
        )
    kinds = [args.kind] if args.kind else None
    result = export_list(records, Path(args.out), kinds=kinds, date_style=args.date_style)
    from zebkb.cli.lang import say

    for uid in result.cut:
        err(f"zebkb: {say('table.cut', args.lang, uid=uid)}")
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "records": result.records,
                "columns": result.columns,
                "cut": result.cut,
            }
        )
    else:
        out(
            say(
                "table.wrote",
                args.lang,
                path=result.path,
                records=result.records,
                columns=result.columns,
            )
        )
    return 0

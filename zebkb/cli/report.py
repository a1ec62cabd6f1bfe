"""The report command: a case sheet, visit or session minutes, or a fiscal-year list as PDF.

    zebkb report UID --pdf OUT
    zebkb report --fiscal-year Y [--type T] --pdf OUT

reportlab is imported only when the command runs, and never Qt.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from zebkb.cli.main import UsageError, fiscal_year_usage, open_kb
from zebkb.cli.output import out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="a printable case sheet, visit or session minutes, or a fiscal-year list (PDF)",
        description="Write a case sheet or minutes for one record, "
        "or the list of a fiscal year's records, as an A4 PDF.",
    )
    p.add_argument("uid", nargs="?", help="the record to print")
    p.add_argument("--fiscal-year", metavar="Y", help="list fiscal year Y (e.g. 2024 or 令和6年度)")
    p.add_argument(
        "--type", choices=("case", "visit", "session"), help="with --fiscal-year: only this kind"
    )
    p.add_argument("--pdf", metavar="OUT", required=True, help="the PDF file to write")
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say

    if args.uid and args.fiscal_year is not None:
        raise UsageError(
            "give either a UID or --fiscal-year, not both",
            message_ja="UID と --fiscal-year は一緒に指定できません。どちらか一方を指定してください",
        )
    if not args.uid and args.fiscal_year is None:
        raise UsageError(
            "give the UID of a record, or --fiscal-year Y",
            message_ja="記録の UID か --fiscal-year 年度 を指定してください",
        )
    if args.uid and args.type:
        raise UsageError(
            "--type goes with --fiscal-year; a UID names one record",
            message_ja="--type は --fiscal-year と一緒に使います（UID は一件の記録を指します）",
        )
    pdf = Path(args.pdf)
    if args.uid:
        from zebkb.pdf import write_record_report

        with open_kb(args) as kb:
            written = write_record_report(kb, args.uid, pdf)
        out(say("report.wrote", args.lang, path=written))
        return 0
    from zebkb.domain.dates import DateError, parse_fiscal_year
    from zebkb.pdf import write_fiscal_year_report

    try:
        year = parse_fiscal_year(args.fiscal_year)
    except DateError as exc:
        raise fiscal_year_usage(exc) from None
    with open_kb(args) as kb:
        written = write_fiscal_year_report(kb, year, args.type, pdf)
    out(say("report.wrote", args.lang, path=written))
    return 0

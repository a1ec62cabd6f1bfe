"""Commands on the search index: search and reindex (cli.md)."""

from __future__ import annotations

import argparse
import html
import re
import sys
from typing import Any

from zebkb.cli.main import open_kb, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="full-text search, best first")
    p.add_argument(
        "query",
        help='words (all must match), "a phrase", A OR B, -word, '
        "ward: type: rank: fy: tag: facility:",
    )
    p.add_argument("--type", choices=("case", "visit", "session"))
    p.add_argument("--ward", help="6-digit code or name")
    p.add_argument("--rank", help="e.g. 'ZEB Ready'")
    p.add_argument("--fiscal-year", help="e.g. 2024 or 令和6年度")
    p.add_argument("--limit", type=int, default=20, help="hits to show (default 20)")
    p.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(handler=cmd_reindex)


def _filters(args: argparse.Namespace) -> Any:
    from zebkb.cli.records import resolve_ward_arg
    from zebkb.errors import InputError
    from zebkb.search.engine import SearchFilters

    years: tuple[int, ...] = ()
    if args.fiscal_year is not None:
        from zebkb.domain.dates import DateError, parse_fiscal_year

        try:
            years = (parse_fiscal_year(args.fiscal_year),)
        except DateError as exc:
            raise InputError(str(exc).splitlines()[0]) from None
    if args.limit < 1 or args.offset < 0:
        raise InputError("--limit must be at least 1")
    ward = resolve_ward_arg(args.ward)
    return SearchFilters(
        kinds=(args.type,) if args.type else (),
        wards=(ward,) if ward else (),
        ranks=(args.rank,) if args.rank else (),
        fiscal_years=years,
    )


_TAG = re.compile(r"</?b>")


def _plain(snippet: str) -> str:
    """The snippet for a terminal: matches in 【】, entities decoded."""
    return html.unescape(_TAG.sub(lambda m: "【" if m.group() == "<b>" else "】", snippet))


def cmd_search(args: argparse.Namespace) -> int:
    from zebkb.errors import InputError
    from zebkb.search.engine import QueryError

    filters = _filters(args)
    with open_kb(args) as kb:
        try:
            result = kb.search(args.query, filters=filters, limit=args.limit, offset=args.offset)
        except QueryError as exc:
            raise InputError(f"query refused: {exc}") from None
    if result.notice:
        sys.stderr.write(f"zebkb: {result.notice}\n")
    if args.json:
        print_json(
            {
                "query": result.query,
                "total": result.total,
                "hits": [
                    {
                        "uid": h.uid,
                        "type": h.kind,
                        "title": h.title,
                        "ward": h.ward,
                        "score": h.score,
                        "snippet": h.snippet,
                    }
                    for h in result.hits
                ],
            }
        )
        return 0
    shown = len(result.hits)
    print(f"{result.total} found" + (f", showing {shown}" if shown < result.total else ""))
    for h in result.hits:
        print(f"{h.score:7.2f}  {h.kind:<7} {h.ward}  {h.title}  [{h.uid}]")
        if h.snippet:
            print(f"         {_plain(h.snippet)}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from zebkb.cli.progress import stderr_progress
    from zebkb.errors import KnownError
    from zebkb.search.lock import IndexBusyError

    with open_kb(args) as kb:
        try:
            kb.reindex(progress=stderr_progress("reindex"))
        except IndexBusyError as exc:
            raise KnownError(str(exc)) from None
        total = kb.count()
    print(f"search index rebuilt: {total} records")
    return 0

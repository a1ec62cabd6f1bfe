"""Commands on the search index: search and reindex (README: the command line)."""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from typing import Any

from zebkb.cli.main import JSON_HELP, open_kb, print_json
from zebkb.cli.output import err, field, out, pad, width


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("search", help="full-text search, best first")
    p.add_argument(
        "query",
        # Words need no quotes (`zebkb search 清掃事務所 見学`); none with --overdue (or
        # --ward …) alone: every record that passes. Joined in cmd_search.
        nargs="*",
        help='words (all must match), "a phrase", A OR B, -word, '
        "ward: type: rank: fy: tag: facility: followup:overdue",
    )
    p.add_argument("--type", choices=("case", "visit", "session"), help="only this kind of record")
    p.add_argument("--ward", help="6-digit code or name")
    p.add_argument("--rank", help="e.g. 'ZEB Ready'")
    p.add_argument("--fiscal-year", help="e.g. 2024 or 令和6年度")
    p.add_argument(
        "--overdue",
        action="store_true",
        help="only visits and sessions with follow-ups past their due date and not done",
    )
    p.add_argument("--limit", type=int, default=20, help="hits to show (default 20)")
    p.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(handler=cmd_reindex)


def _filters(args: argparse.Namespace) -> Any:
    from zebkb.errors import InputError
    from zebkb.search.engine import SearchFilters

    years: tuple[int, ...] = ()
    if args.fiscal_year is not None:
        from zebkb.domain.dates import DateError, parse_fiscal_year

        try:
            years = (parse_fiscal_year(args.fiscal_year),)
        except DateError as exc:
            first = exc.message("en").splitlines()[0]
            raise InputError(first, message_ja=exc.message("ja").splitlines()[0]) from None
    if args.limit < 1 or args.offset < 0:
        raise InputError(
            "--limit must be at least 1", message_ja="--limit には 1 以上の数を指定してください"
        )
    ward = None
    if args.ward is not None:  # (the other commands' module, imported only when needed)
        from zebkb.cli.records import resolve_ward_arg

        ward = resolve_ward_arg(args.ward)
    return SearchFilters(
        kinds=(args.type,) if args.type else (),
        wards=(ward,) if ward else (),
        ranks=(args.rank,) if args.rank else (),
        fiscal_years=years,
        overdue=args.overdue,
    )


_TAG = re.compile(r"</?b>")


def _plain(snippet: str) -> str:
    """The snippet for a terminal: matches in 【】, entities decoded.

    A snippet's text is escaped as html.escape(text, quote=False) escapes it
    (zebkb/search/snippets.py), so these three are all it holds; html.unescape
    would load the html package's table of every entity.
    """
    text = _TAG.sub(lambda m: "【" if m.group() == "<b>" else "】", snippet)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _search_current_index(args: argparse.Namespace, filters: Any) -> Any:
    """Answer from the index alone when it reflects the database's latest change.

    Opening the knowledge base loads SQLAlchemy (a few hundred milliseconds); a
    search needs only the index, once a single read of the change counter shows
    it is current. Anything unusual returns None and the full path decides.
    """
    from zebkb.cli.main import data_dir_from
    from zebkb.search.engine import QueryError, SearchIndex
    from zebkb.service.probe import change_state

    data = data_dir_from(args)
    if filters.overdue or not (data / "index" / "CURRENT").is_file():
        return None  # which follow-ups are overdue is the database's to say
    state = change_state(data)
    if state is None:
        return None
    from zebkb.search.engine import log

    # No log file yet: what the open would log, the full path logs when it opens again.
    log.muted = True
    try:
        index = SearchIndex(data / "index")
    except Exception:  # the full path opens (or repairs) it
        return None
    finally:
        log.muted = False
    try:
        if index.notice is not None or index.indexed_state() != state:
            return None
        return index.search(args.query, filters=filters, limit=args.limit, offset=args.offset)
    except QueryError:
        raise
    except Exception:  # the full path repairs what the quick one cannot
        return None
    finally:
        index.close()


def _bring_index_up_to_date(kb: Any, lang: str) -> str | None:
    """Bring a stale index up to date before searching, when this command can be the writer.

    Beside an open window (the folder's writer) the index is left to it and the
    search answers as the index is. Returns the notice to show (in ``lang``), if any.
    """
    from zebkb.cli.lang import say
    from zebkb.service import FolderInUseError

    if kb.index_is_current() or kb.read_only:  # read-only: the answer says it may be behind
        return None
    try:
        kb.claim_writer(wait=0)
    except FolderInUseError:
        return say("notice.index_busy", lang)
    # An index emptied on opening (damaged, or another version's) is filled again from the
    # change log, as long as a rebuild: said before the wait, not after.
    from zebkb.service import (
        NOTICE_INDEX_DAMAGED,
        NOTICE_INDEX_OTHER_VERSION,
        NOTICE_INDEX_RESET,
    )

    emptied = {
        NOTICE_INDEX_DAMAGED: "notice.index_refilling_damaged",
        NOTICE_INDEX_RESET: "notice.index_refilling_damaged",
        NOTICE_INDEX_OTHER_VERSION: "notice.index_refilling_other_version",
    }.get(getattr(kb.index, "notice", None) or "")
    if emptied is not None and not kb.index_is_current():
        err(f"zebkb: {say(emptied, lang)}")
    # Usually the few records changed since (another PC's saves): said only when rebuilt whole.
    caught = kb.catch_up_index()
    if not caught.rebuilt:
        return None
    rebuilt = say("notice.index_rebuilt", lang)
    if not caught.reason:
        return rebuilt
    reason = notice_text(caught.reason, lang)
    return f"{rebuilt}（{reason}）" if lang == "ja" else f"{rebuilt} ({reason})"


def notice_text(notice: str, lang: str) -> str:
    """A notice of the search index (zebkb/service/index.py) in ``lang``.

    The service says its notices in English, for logs; people read them here in
    their language. A notice not known here is shown as it is.
    """
    from zebkb.cli.lang import say
    from zebkb.service import INDEX_NOTICE_NAMES, REBUILD_AHEAD, REBUILD_PRUNED, REBUILD_UNKNOWN

    keys = {notice: f"notice.{name}" for notice, name in INDEX_NOTICE_NAMES.items()}
    keys |= {
        REBUILD_PRUNED: "rebuild.pruned",
        REBUILD_UNKNOWN: "rebuild.unknown",
        REBUILD_AHEAD: "rebuild.ahead",
    }
    key = keys.get(notice)
    return say(key, lang) if key else notice


def cmd_search(args: argparse.Namespace) -> int:
    from zebkb.errors import InputError
    from zebkb.search.engine import QueryError

    filters = _filters(args)
    args.query = " ".join(args.query)
    try:
        result = _search_current_index(args, filters)
        if result is None:
            with open_kb(args) as kb:
                notice = _bring_index_up_to_date(kb, args.lang)
                result = kb.search(
                    args.query, filters=filters, limit=args.limit, offset=args.offset
                )
                if notice and not result.notice:
                    result = replace(result, notice=notice)
    except QueryError as exc:
        raise InputError(
            f"Query refused: {exc}", message_ja=f"検索語を受け付けられません: {exc.message('ja')}"
        ) from None
    if result.notice:
        err(f"zebkb: {notice_text(result.notice, args.lang)}")
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
    _print_hits(result, args.lang)
    return 0


def kind_label(kind: str | None, lang: str) -> str:
    """zebkb/display.py's kind_label (a test keeps them equal), without the vocabularies,
    record fields and dates that module loads for the other commands: building every
    vocabulary was about a sixtieth of a new `zebkb search` process, for five labels."""
    from zebkb.domain.kinds import RECORD_TYPE_LABELS

    if not kind:
        return ""
    labels = RECORD_TYPE_LABELS.get(kind)
    if labels is None:
        return kind  # as the vocabulary shows a value it does not list
    return labels[1] if lang == "en" else labels[0]


def _print_hits(result: Any, lang: str) -> None:
    """The hits for people: counts in ``lang``, kinds and wards by name, never as codes."""
    from zebkb.cli.lang import say
    from zebkb.domain.wardnames import ward_label

    shown = len(result.hits)
    if shown < result.total:
        out(say("search.found_some", lang, total=result.total, shown=shown))
    else:
        out(say("search.found", lang, total=result.total))
    kinds = [kind_label(h.kind, lang) for h in result.hits]
    wards = [ward_label(h.ward, lang) for h in result.hits]
    # Columns by terminal width: 事例 takes as many as "Case" and a half.
    kind_cols = max((width(k) for k in kinds), default=0)
    ward_cols = max((width(w) for w in wards), default=0)
    for h, kind, ward in zip(result.hits, kinds, wards, strict=True):
        out(
            f"{h.score:7.2f}  {pad(kind, kind_cols)}  {pad(ward, ward_cols)}  "
            f"{field(h.title)}  [{h.uid}]"
        )
        if h.snippet:
            out(f"         {field(_plain(h.snippet))}")


def cmd_reindex(args: argparse.Namespace) -> int:
    from zebkb.cli.progress import stderr_progress
    from zebkb.errors import KnownError
    from zebkb.search.lock import IndexBusyError

    with open_kb(args) as kb:
        try:
            kb.reindex(progress=stderr_progress("progress.reindex", args.lang))
        except IndexBusyError as exc:
            raise KnownError(exc.message("en"), message_ja=exc.message("ja")) from None
        total = kb.count()
        failures = kb.text_failures()
    from zebkb.cli.lang import TEXTS, say

    out(say("reindex.done", args.lang, total=total))
    if failures:
        # Files kept but not searched; the next reindex tries them again.
        reasons = [
            say(f"failed.{r}", args.lang) if f"failed.{r}" in TEXTS else r
            for r in sorted(set(failures.values()))
        ]
        sep = "、" if args.lang == "ja" else ", "
        out(say("reindex.failures", args.lang, files=len(failures), reasons=sep.join(reasons)))
    return 0

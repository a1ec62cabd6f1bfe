"""Commands for exchange between wards: export, import, conflicts, undo-import (README: the command line)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from zebkb.cli.main import JSON_HELP, UsageError, open_kb, print_json
from zebkb.cli.output import err, field, out, pad, width
from zebkb.display import file_size


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="write a bundle (several, each complete, with --max-size)")
    p.add_argument("out", nargs="?", help="bundle file to write (.zebkb)")
    p.add_argument(
        "--eml",
        metavar="OUT_DIR",
        help="write unsent e-mail drafts (.eml), one per part, with the bundles attached;"
        " --max-size is then the size of each message (default 10MB)",
    )
    p.add_argument(
        "--since",
        metavar="TS",
        help="only records changed after this timestamp, or since the start of this date",
    )
    p.add_argument(
        "--peer", metavar="WARD", help="only records changed since the last export to WARD"
    )
    p.add_argument("--uid", nargs="+", metavar="UID", help="only these records")
    p.add_argument("--max-size", metavar="SIZE", help="split into parts of at most SIZE, e.g. 10MB")
    p.add_argument("--no-attachments", action="store_true", help="leave files out (marked omitted)")
    p.add_argument(
        "--no-sign", action="store_true", help="do not sign with this knowledge base's key"
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it is an existing file")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help="check and merge one or more bundles")
    p.add_argument("files", nargs="+", metavar="IN", help="bundle files (.zebkb) to import")
    p.add_argument("--dry-run", action="store_true", help="check and show, change nothing")
    p.add_argument(
        "--require-signature",
        action="store_true",
        help="refuse bundles not signed by a key trusted for their ward (see 'zebkb key')",
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("conflicts", help="records edited on both sides, not yet settled")
    p.add_argument("--settle", metavar="UID", help="settle this record's conflict")
    p.add_argument(
        "--choose",
        choices=("local", "incoming"),
        help="with --settle: the version to keep (it becomes a new revision if not current)",
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_conflicts)

    p = sub.add_parser("undo-import", help="put back every record that bundle changed")
    p.add_argument("bundle_id", help="the import to undo, as 'zebkb import' reported it")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_undo_import)


def _write_drafts(kb: Any, result: Any, out_dir: Path, *, signed: bool) -> list[Path]:
    from zebkb.bundle.mail import Sender, write_drafts
    from zebkb.domain.wards import ward_name
    from zebkb.keys import own_key

    home = kb.home_ward
    sender = Sender(
        ward_code=home,
        ward_name=ward_name(home),
        fingerprint=own_key(kb.data_dir).fingerprint if signed else None,
    )
    return write_drafts(result.parts, out_dir, sender, when=kb.clock())


def expand_inputs(files: list[str], scratch: Path) -> list[tuple[str, Path]]:
    """Each input as bundles: a received e-mail (.eml, by content) gives those attached."""
    from zebkb.bundle.mail import bundles_in_message, looks_like_message

    out: list[tuple[str, Path]] = []
    for position, name in enumerate(files):
        path = Path(name)
        try:
            with path.open("rb") as fh:
                head = fh.read(1024)
        except OSError:
            head = b""  # open_bundle names the problem
        if head and looks_like_message(head):
            found = bundles_in_message(path, scratch / str(position))
            out += [(f"{name} ({i}/{len(found)})", p) for i, p in enumerate(found, start=1)]
        else:
            out.append((name, path))
    return out


def cmd_export(args: argparse.Namespace) -> int:
    from zebkb.bundle.limits import parse_size
    from zebkb.cli.lang import say
    from zebkb.cli.progress import stderr_progress
    from zebkb.cli.records import resolve_ward_arg
    from zebkb.errors import ZebkbError

    try:
        max_size = parse_size(args.max_size) if args.max_size else None
    except ZebkbError as exc:
        raise UsageError(
            f"--max-size: {exc.message('en')}", message_ja=f"--max-size: {exc.message('ja')}"
        ) from None
    peer = resolve_ward_arg(args.peer)
    if args.uid and not args.out and not args.eml and len(args.uid) > 1:
        # `--uid A B out.zebkb`: --uid takes every word after it, the file too. A uid has
        # no dot and no slash, so a word with one is the bundle to write.
        last = args.uid[-1]
        if "." in last or "/" in last or "\\" in last:
            args.out, args.uid = last, args.uid[:-1]
    if bool(args.out) == bool(args.eml):
        raise UsageError(
            "give the bundle file OUT, or --eml OUT_DIR for e-mail drafts",
            message_ja="書き出すバンドルのファイル名か、メールの下書きなら --eml 書き出し先フォルダ を"
            "指定してください",
        )
    drafts: list[Path] = []
    with open_kb(args) as kb, tempfile.TemporaryDirectory() as tmp:
        if args.eml:
            from zebkb.bundle.mail import DEFAULT_MESSAGE_CAP, bundle_cap_for_message

            # The cap is the message's: an attachment grows by a third in base64.
            cap: int | None = bundle_cap_for_message(max_size or DEFAULT_MESSAGE_CAP)
            stamp = kb.clock().strftime("%Y%m%d-%H%M")
            dest = Path(tmp) / f"zebkb-{kb.home_ward or 'export'}-{stamp}.zebkb"
        else:
            cap, dest = max_size, Path(args.out)
        result = kb.export_bundle(
            dest,
            since=args.since,
            peer=peer,
            uids=args.uid,
            max_size=cap,
            include_attachments=not args.no_attachments,
            sign=not args.no_sign,
            progress=None if args.json else stderr_progress("progress.export", args.lang),
            overwrite=args.force or bool(args.eml),
        )
        if args.eml:
            drafts = _write_drafts(kb, result, Path(args.eml), signed=not args.no_sign)
    if drafts:
        if args.json:
            print_json(
                {
                    "records": result.records,
                    "attachments": result.attachments,
                    "drafts": [
                        {"path": str(d), "records": p.records, "bundle_id": p.bundle_id}
                        for d, p in zip(drafts, result.parts, strict=True)
                    ],
                }
            )
        else:
            for draft, part in zip(drafts, result.parts, strict=True):
                out(say("export.draft", args.lang, path=draft, records=part.records))
        return 0
    for uid, size in result.oversize:
        size_text = file_size(size, args.lang)
        err(
            f"zebkb: {say('export.oversize', args.lang, uid=uid, size=size_text, cap=args.max_size)}"
        )
    if args.json:
        print_json(
            {
                "records": result.records,
                "attachments": result.attachments,
                "series": result.series,
                "parts": [
                    {
                        "path": str(p.path),
                        "bundle_id": p.bundle_id,
                        "records": p.records,
                        "attachments": p.attachments,
                        "size": p.size,
                    }
                    for p in result.parts
                ],
                "oversize": [{"uid": u, "size": s} for u, s in result.oversize],
                "omitted": [{"uid": u, "sha256": s} for u, s in result.omitted],
            }
        )
        return 0
    for part in result.parts:
        out(
            say(
                "export.wrote",
                args.lang,
                path=part.path,
                records=part.records,
                files=part.attachments,
                size=file_size(part.size, args.lang),
            )
        )
    if result.omitted:
        out(say("export.omitted", args.lang, files=len(result.omitted)))
    return 0


def _print_summary(summary: dict[str, Any], name: str, dry_run: bool, lang: str = "en") -> None:
    from zebkb.cli.lang import say
    from zebkb.display import kind_label, ward_label

    counts = ("、" if lang == "ja" else ", ").join(
        f"{say(f'action.{key}', lang)} {summary[key]}"
        for key in ("added", "updated", "deleted", "unchanged", "kept", "conflicts")
    )
    facts = {
        "prefix": say("import.dry_run", lang) if dry_run else "",
        "name": name,
        "bundle": summary["bundle_id"],
        # The sending ward by name, as the window says it ("from Shinagawa", not "from 131091").
        "origin": ward_label(summary["origin"], lang) or summary["origin"],
        "signature": say(f"signature.{summary['signature']}", lang),
    }
    if not summary["records"]:
        # An empty bundle is valid (a delta export when nothing changed).
        out(say("import.empty", lang, **facts))
        return
    out(say("import.line", lang, **facts, counts=counts))
    for record in summary["records"]:
        mark = f"  {say('import.conflict', lang)}" if record.get("conflict") else ""
        action = say(f"action.{record['action']}", lang)
        out(
            f"  {action}  {kind_label(record['type'], lang)}  {record['uid']}  "
            f"{field(record['title'])}{mark}"
        )


def _warn_signature(path: str, plan: Any, lang: str) -> None:
    """A bundle imported without a trusted signature: said, with the sending ward by name."""
    from zebkb.cli.lang import say
    from zebkb.display import ward_label
    from zebkb.keys import UNSIGNED, UNTRUSTED, fingerprint

    origin = plan.bundle.manifest.origin_ward
    ward = ward_label(origin, lang) or origin
    if plan.signature == UNSIGNED:
        err(f"zebkb: {say('signature.warn_unsigned', lang, path=path, ward=ward)}")
    elif plan.signature == UNTRUSTED:
        signer = plan.bundle.signature.public_key if plan.bundle.signature else None
        fp = fingerprint(signer) if signer else "?"
        err("zebkb: " + say("signature.warn_untrusted", lang, path=path, ward=ward, fingerprint=fp))


def cmd_import(args: argparse.Namespace) -> int:
    from zebkb.cli.progress import stderr_progress

    with open_kb(args, create=True) as kb, tempfile.TemporaryDirectory() as scratch:
        inputs = expand_inputs(args.files, Path(scratch))
        names = [name for name, _path in inputs]
        plans = []
        try:
            # Every bundle is checked before any is merged: one refused, none imported.
            require = True if args.require_signature else None
            # One bundle applied at once has its attachments checked while they are stored
            # (before its commit); several are checked whole first.
            deferred = not args.dry_run and len(inputs) == 1
            for _name, path in inputs:
                plans.append(
                    kb.plan_import(path, require_signature=require, check_attachments=not deferred)
                )
            summaries = []
            for plan in plans:
                if args.dry_run:
                    summaries.append(plan.summary())
                else:
                    progress = None if args.json else stderr_progress("progress.import", args.lang)
                    summaries.append(kb.apply_import(plan, progress=progress).as_json())
            # After the bundles went in: a refused bundle gets its one line and nothing else.
            for name, plan in zip(names, plans, strict=True):
                _warn_signature(name, plan, args.lang)
        finally:
            for plan in plans:
                plan.close()
    if args.json:
        print_json(summaries[0] if len(summaries) == 1 else summaries)
    else:
        for name, summary in zip(names, summaries, strict=True):
            _print_summary(summary, name, args.dry_run, args.lang)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.display import format_instant, kind_label

    lang = args.lang
    if bool(args.settle) != bool(args.choose):
        raise UsageError(
            "--settle UID and --choose local|incoming go together",
            message_ja="--settle UID と --choose 'local'|'incoming' は一緒に指定してください",
        )
    with open_kb(args) as kb:
        if args.settle:
            record = kb.settle_conflict(args.settle, args.choose)
            if args.json:
                print_json(record)
            else:
                side = say(f"conflicts.{args.choose}", lang)
                out(
                    say(
                        "conflicts.settled",
                        lang,
                        uid=args.settle,
                        side=side,
                        revision=record["revision"],
                    )
                )
            return 0
        conflicts = kb.list_conflicts()
    if args.json:
        print_json([c.as_json() for c in conflicts])
        return 0
    if not conflicts:
        out(say("conflicts.none", lang))
    sides = {side: say(f"conflicts.{side}", lang) for side in ("local", "incoming")}
    side_cols = max(width(s) for s in sides.values())
    for c in conflicts:
        data = c.as_json()
        when = format_instant(c.detected_at, args.date_style, lang)
        kind = kind_label(c.type, lang)
        out(
            say(
                "conflicts.line",
                lang,
                uid=c.uid,
                kind=kind,
                title=field(c.title),
                bundle=c.bundle_id or "-",
                when=when,
            )
        )
        for side, name in sides.items():
            v = data[side]
            if v is not None:
                state = say("conflicts.current", lang) if v["current"] else ""
                if v["deleted"]:
                    state = say("conflicts.deleted", lang) + state
                out(
                    say(
                        "conflicts.version",
                        lang,
                        side=pad(name, side_cols),
                        revision=v["revision"],
                        when=format_instant(v["updated_at"], args.date_style, lang),
                        hash=v["hash"][:12],
                        title=field(v["title"]),
                        state=state,
                    )
                )
    return 0


def cmd_undo_import(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        result = kb.undo_import(args.bundle_id)
    if args.json:
        print_json(
            {
                "bundle_id": result.bundle_id,
                "restored": result.restored,
                "removed": result.removed,
                "skipped": result.skipped,
            }
        )
        return 0
    from zebkb.cli.lang import say

    out(
        say(
            "undo.done",
            args.lang,
            bundle=result.bundle_id,
            restored=len(result.restored),
            removed=len(result.removed),
        )
    )
    for uid in result.skipped:
        out(say("undo.skipped", args.lang, uid=uid))
    return 0

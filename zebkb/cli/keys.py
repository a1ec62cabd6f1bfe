"""The ``key`` commands: this knowledge base's signing key and the ward keys it trusts (README: the command line)."""

from __future__ import annotations

import argparse

from zebkb.cli.main import JSON_HELP, open_kb, print_json
from zebkb.cli.output import field, out, pad, width


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    key = sub.add_parser("key", help="this knowledge base's signing key and the keys it trusts")
    # The nested parsers inherit the one-line error behaviour of the parent's class.
    actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)

    p = actions.add_parser("show", help="print this knowledge base's public key and fingerprint")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_show)

    p = actions.add_parser("trust", help="trust a ward's public key for bundles from that ward")
    p.add_argument("key", metavar="KEY", help="the base64 public key ('zebkb key show' there)")
    p.add_argument("--ward", required=True, help="the ward it signs for: code or name")
    p.add_argument("--note", help="a reminder, e.g. who confirmed the fingerprint and when")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_trust)

    p = actions.add_parser("list", help="the trusted keys (revoked ones marked)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("revoke", help="stop trusting a key (the record of it stays)")
    p.add_argument("key", metavar="KEY", help="the base64 public key to stop trusting")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_revoke)

    p = actions.add_parser(
        "require",
        help="whether imports must be signed by a trusted key (no argument: show the setting)",
    )
    p.add_argument(
        "state", nargs="?", choices=("on", "off"), help="on: require signatures; off: do not"
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_require)


def cmd_show(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.keys import own_key

    with open_kb(args) as kb:
        key = own_key(kb.data_dir)
    if args.json:
        print_json(key.as_json())
        return 0
    out(say("key.public", args.lang, public_key=key.public_key))
    out(say("key.fingerprint", args.lang, fingerprint=key.fingerprint))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.display import ward_label

    with open_kb(args, create=True) as kb:
        entry = kb.trust_key(args.key, args.ward, note=args.note)
    if args.json:
        print_json(entry.as_json())
        return 0
    ward = ward_label(entry.ward, args.lang)
    out(say("key.trusted", args.lang, fingerprint=entry.fingerprint, ward=ward))
    out(say("key.phone", args.lang))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.display import format_instant, ward_label

    with open_kb(args) as kb:
        entries = kb.trusted_keys()
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    lang = args.lang
    if not entries:
        out(say("key.none", lang))
    wards = [ward_label(e.ward, lang) for e in entries]
    ward_cols = max((width(w) for w in wards), default=0)
    for e, ward in zip(entries, wards, strict=True):
        if e.active:
            state = say("key.state_trusted", lang)
        else:
            when = format_instant(e.revoked_at, args.date_style, lang)
            state = say("key.state_revoked", lang, when=when)
        note = say("key.note", lang, note=field(e.note)) if e.note else ""
        out(
            say(
                "key.line",
                lang,
                ward=pad(ward, ward_cols),
                fingerprint=e.fingerprint,
                state=state,
                public_key=e.public_key,
                note=note,
            )
        )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say
    from zebkb.display import ward_label

    with open_kb(args) as kb:
        entries = kb.revoke_key(args.key)
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    for e in entries:
        ward = ward_label(e.ward, args.lang)
        out(say("key.revoked", args.lang, fingerprint=e.fingerprint, ward=ward))
    return 0


def cmd_require(args: argparse.Namespace) -> int:
    from zebkb.cli.lang import say

    with open_kb(args) as kb:
        if args.state is not None:
            kb.set_require_signatures(args.state == "on")
        required = kb.require_signatures()
    if args.json:
        print_json({"require_signatures": required})
        return 0
    out(say("key.required" if required else "key.not_required", args.lang))
    return 0

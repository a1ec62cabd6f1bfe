"""The ``key`` commands: this knowledge base's signing key and the ward keys it trusts (README: the command line)."""

from __future__ import annotations

import argparse

from zebkb.cli.main import open_kb, print_json
from zebkb.cli.output import out

PHONE_ADVICE = (
    "Before trusting a key, read its fingerprint to the other ward over the phone "
    "(not by e-mail) and check that both sides see the same."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    key = sub.add_parser("key", help="this knowledge base's signing key and the keys it trusts")
    # The nested parsers inherit the one-line error behaviour of the parent's class.
    actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)

    p = actions.add_parser("show", help="print this knowledge base's public key and fingerprint")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = actions.add_parser("trust", help="trust a ward's public key for bundles from that ward")
    p.add_argument("key", metavar="KEY", help="the base64 public key ('zebkb key show' there)")
    p.add_argument("--ward", required=True, help="the ward it signs for: code or name")
    p.add_argument("--note", help="a reminder, e.g. who confirmed the fingerprint and when")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trust)

    p = actions.add_parser("list", help="the trusted keys (revoked ones marked)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("revoke", help="stop trusting a key (the record of it stays)")
    p.add_argument("key", metavar="KEY")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_revoke)

    p = actions.add_parser(
        "require",
        help="whether imports must be signed by a trusted key (no argument: show the setting)",
    )
    p.add_argument("state", nargs="?", choices=("on", "off"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_require)


def cmd_show(args: argparse.Namespace) -> int:
    from zebkb.keys import own_key

    with open_kb(args) as kb:
        key = own_key(kb.data_dir)
    if args.json:
        print_json(key.as_json())
        return 0
    out(f"public key:  {key.public_key}")
    out(f"fingerprint: {key.fingerprint}")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        entry = kb.trust_key(args.key, args.ward, note=args.note)
    if args.json:
        print_json(entry.as_json())
        return 0
    out(f"trusted key {entry.fingerprint} for {entry.ward_name} ({entry.ward})")
    out(PHONE_ADVICE)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        entries = kb.trusted_keys()
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    if not entries:
        out("no trusted keys; add one with 'zebkb key trust KEY --ward WARD'")
    for e in entries:
        state = "trusted" if e.active else f"revoked {e.revoked_at}"
        note = f"  ({e.note})" if e.note else ""
        out(f"{e.ward} {e.ward_name}  {e.fingerprint}  {state}  {e.public_key}{note}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        entries = kb.revoke_key(args.key)
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    for e in entries:
        out(f"revoked key {e.fingerprint} for {e.ward_name} ({e.ward})")
    return 0


def cmd_require(args: argparse.Namespace) -> int:
    with open_kb(args) as kb:
        if args.state is not None:
            kb.set_require_signatures(args.state == "on")
        required = kb.require_signatures()
    if args.json:
        print_json({"require_signatures": required})
        return 0
    if required:
        out("signatures required: imports must be signed by a key trusted for their ward")
    else:
        out("signatures not required: unsigned or untrusted bundles import with a warning")
    return 0

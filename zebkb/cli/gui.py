"""``zebkb gui``: the only command that loads Qt."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gui", help="open the desktop window (the default)")
    p.add_argument("--open", metavar="UID", help="show this record")
    p.set_defaults(handler=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from zebkb.paths import chosen_data_dir
    from zebkb.ui.app import run

    return run(
        chosen_data_dir(args.data_dir),
        open_uid=getattr(args, "open", None),
        language=getattr(args, "lang_asked", None),
    )

"""Full-text search: a Whoosh bigram index for candidates, checked exactly in Python."""

from __future__ import annotations

import sys
import types
from typing import Any


def import_whoosh_without_urllib() -> None:
    """Import whoosh.compat without the HTTP and TLS stack it pulls in and search never uses.

    whoosh.compat imports ``urlretrieve`` from urllib.request, which loads
    http.client, ssl and email: about a third of a new process's start-up
    before a search can run. While it imports, urllib.request is a stand-in
    whose ``urlretrieve`` loads the real one when called; the stand-in is then
    removed, so any later ``import urllib.request`` gets the real module.
    """
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    import urllib

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return importlib.import_module("urllib.request").urlretrieve(*args, **kwargs)

    stand_in = types.ModuleType("urllib.request")
    stand_in.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
        if getattr(urllib, "request", None) is stand_in:
            del urllib.request  # type: ignore[attr-defined]

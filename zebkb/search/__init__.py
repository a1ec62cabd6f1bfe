"""Full-text search: a Whoosh bigram index for candidates, checked exactly in Python."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

# Modules Whoosh imports at start-up that a search never calls, and the names it takes
# from them: urllib.request (whoosh.compat; it loads http.client, ssl and email) and
# the English stemmers and word lists (whoosh.fields and whoosh.query; they compile
# dozens of regular expressions). Together they were about half of the time a new
# process spent importing the search engine.
_DEFERRED = {
    "urllib.request": ("urlretrieve",),
    "whoosh.lang.morph_en": ("variations",),
    "whoosh.lang.porter": ("stem",),
    "whoosh.lang.dmetaphone": ("double_metaphone",),
}


def _on_first_call(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


def import_whoosh_lean(*, query: bool = True) -> None:
    """Import the parts of Whoosh search uses without the modules it never calls.

    While Whoosh imports, each module in `_DEFERRED` is a stand-in whose
    functions import the real module when first called; the stand-ins are then
    removed, so any later import gets the real modules. Without `query`, Whoosh's
    query classes are left out: reading an index needs them not, writing does.
    """
    wanted = ("whoosh.compat", "whoosh.fields", *(("whoosh.query",) if query else ()))
    if all(name in sys.modules for name in wanted):
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for module, names in _DEFERRED.items():
        if module in sys.modules:
            continue
        stand_in = types.ModuleType(module)
        for name in names:
            setattr(stand_in, name, _on_first_call(module, name))
        stand_ins[module] = stand_in
        sys.modules[module] = stand_in
    try:
        import importlib

        for name in wanted:
            importlib.import_module(name)
    finally:
        for module, stand_in in stand_ins.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]
            parent, _, child = module.rpartition(".")
            if getattr(sys.modules.get(parent), child, None) is stand_in:
                delattr(sys.modules[parent], child)

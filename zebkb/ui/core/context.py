"""What every window part needs, handed in through constructors (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zebkb.service import KnowledgeBase
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.core.ops import OpRunner
    from zebkb.ui.core.settings import Settings
    from zebkb.ui.core.thumbs import Thumbnailer


@dataclass
class AppContext:
    """The open knowledge base and the services around it.

    Widgets never call ``kb`` on the GUI thread: every call goes through
    ``runner`` (QueryOp for reads, CollectionOp for writes).
    """

    kb: KnowledgeBase
    runner: OpRunner
    tr: Translator
    settings: Settings
    thumbnailer: Thumbnailer | None = None

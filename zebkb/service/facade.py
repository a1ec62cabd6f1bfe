"""What every part of the service uses of the KnowledgeBase facade, as a typing protocol.

The facade (knowledge_base.py) hands itself to its parts (records.py,
attachments.py, index.py, …), which never import it back: each part names
what it uses of the facade in a ``Facade`` protocol of its own, built on
:class:`Core` here, and mypy checks that the facade has that shape wherever it
passes itself. The facade imports nothing from here or from the protocols, so
the parts and the facade form no import cycle, type-only imports included
(tests/core/test_core_import_cycles.py).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from zebkb.filestore import AttachmentStore
    from zebkb.service.transaction import Clock, Txn


class Core(Protocol):
    """The folder, its files, the clock, and the ways to read and to write."""

    @property
    def data_dir(self) -> Path: ...

    @property
    def files(self) -> AttachmentStore: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def read_engine(self) -> Engine: ...

    @property
    def team(self) -> bool: ...

    def claim_writer(self, wait: float = ...) -> None: ...

    def transaction(self) -> AbstractContextManager[Txn]: ...

    def _read(self) -> AbstractContextManager[Session]: ...

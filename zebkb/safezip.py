"""Checks on a zip container (.xlsx, .docx, .pptx) before anything unpacks it.

A zip bomb is small on disk and huge once unpacked. Python's zipfile never
hands out more bytes than a member's declared size (it stops there and checks
the CRC), so bounding the declared sizes in the central directory bounds what
any reader of the container can unpack. Nothing here extracts a file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Below this size a member may compress as well as it likes: an empty sheet's XML
# or a run of blank cells legitimately packs a hundredfold.
_RATIO_FREE_BYTES = 1_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ZipRefused(ValueError):
    """The container was refused; str() is one English line, message_ja the Japanese one."""

    def __init__(self, message_en: str, message_ja: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ja = message_ja


@dataclass(frozen=True, slots=True)
class ZipBounds:
    members: int
    unpacked_bytes: int
    ratio: int


def check_zip(source: Path | IO[bytes], bounds: ZipBounds) -> None:
    """Refuse a container whose directory promises more than ``bounds`` allow."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ZipRefused(
            f"the file is damaged or not an Office file ({exc})",
            "ファイルが壊れているか、Officeファイルではありません",
        ) from None
    if len(infos) > bounds.members:
        raise ZipRefused(
            f"the file holds {len(infos)} parts (at most {bounds.members} are read)",
            f"ファイルの構成要素が多すぎます（{len(infos)}個、上限{bounds.members}個）",
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ZipRefused(
                "the file is password-protected; save it without a password",
                "パスワード付きのファイルです。パスワードを外して保存してください",
            )
        total += info.file_size
        if info.file_size > _RATIO_FREE_BYTES and info.file_size > bounds.ratio * max(
            info.compress_size, 1
        ):
            raise ZipRefused(
                f"part {info.filename!r} would unpack {info.file_size:,} bytes from"
                f" {info.compress_size:,} (a zip bomb); not opened",
                f"圧縮率が異常な部分があります（{info.filename}、{info.file_size:,}バイトに展開）。"
                "開きませんでした",
            )
    if total > bounds.unpacked_bytes:
        raise ZipRefused(
            f"the file would unpack to {total:,} bytes (at most {bounds.unpacked_bytes:,});"
            " not opened",
            f"展開後のサイズが大きすぎます（{total:,}バイト、上限{bounds.unpacked_bytes:,}バイト）",
        )


def is_ole(head: bytes) -> bool:
    """An old binary Office file (.xls/.doc/.ppt) or a password-protected new one."""
    return head.startswith(OLE_MAGIC)


_PROLOG_LIMIT = 1_000_000


def declares_doctype(stream: IO[bytes]) -> bool:
    """Whether an XML part declares a DOCTYPE (where entities are declared) before its root.

    Only the prolog is read: a DOCTYPE may stand nowhere else. Comments and
    processing instructions are skipped; reading stops at the root element.
    """
    data = stream.read(_PROLOG_LIMIT)
    position = 0
    while True:
        start = data.find(b"<", position)
        if start < 0 or start + 1 >= len(data):
            return False
        rest = data[start + 1 : start + 10]
        if rest.startswith(b"!--"):
            end = data.find(b"-->", start + 4)
            if end < 0:
                return False
            position = end + 3
        elif rest.startswith(b"?"):
            end = data.find(b"?>", start + 2)
            if end < 0:
                return False
            position = end + 2
        else:
            return rest.upper().startswith(b"!DOCTYPE")


def check_xml_parts(source: Path | IO[bytes]) -> None:
    """Refuse a container whose XML parts declare a DOCTYPE (entity expansion, XXE).

    Office files never need one; refusing them here does not depend on which
    XML parser a library picks (openpyxl uses lxml when it is installed).
    """
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as stream:
                if declares_doctype(stream):
                    raise ZipRefused(
                        f"part {info.filename!r} declares XML entities (a billion-laughs or"
                        " external-entity attack); not opened",
                        f"XMLエンティティ宣言があります（{info.filename}）。展開攻撃のおそれがあるため開きませんでした",
                    )

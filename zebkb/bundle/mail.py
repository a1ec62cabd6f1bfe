"""Bundles by e-mail: unsent drafts out, bundles taken from received messages in.

Wards send bundles by e-mail. ``write_drafts`` turns each part of an export
into an unsent draft (.eml with ``X-Unsent: 1``, which Outlook and
Thunderbird open as a new message ready to address and send), with a
Japanese subject and body naming the sending ward, the record count and the
signing key's fingerprint (to compare over the phone). ``bundles_in_message``
takes the bundles out of a received message (.eml), recognising them by
their content, not by their name, since a mail gateway may rename them.

The standard library's ``email`` package writes and reads the messages; the
only hand-written part is the bounds on a message from outside (size, number
of parts, nesting), checked before it is parsed.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime
from pathlib import Path

from zebkb.atomicfile import write_file
from zebkb.bundle.errors import BundleError
from zebkb.bundle.writer import PartInfo

# A base64 attachment is 4/3 of the file plus line breaks; the rest of a draft is small.
BASE64_OVERHEAD = 4 / 3 * 78 / 76
MESSAGE_HEADROOM = 16 * 1024
DEFAULT_MESSAGE_CAP = 10 * 1000 * 1000  # municipal mail servers commonly cap messages at 5-20 MB

MAX_MESSAGE_BYTES = 200 * 1000 * 1000
MAX_PARTS = 200
MAX_DEPTH = 8
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?", re.MULTILINE)
_CONTENT_TYPE = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)
_MAIL_HEADER = re.compile(
    rb"^(?:from|to|subject|date|mime-version|content-type|message-id|received|return-path):",
    re.IGNORECASE | re.MULTILINE,
)
_MANIFEST = "manifest.json"


def bundle_cap_for_message(message_cap: int) -> int:
    """The bundle size that keeps a draft with it under ``message_cap`` bytes."""
    return max(int((message_cap - MESSAGE_HEADROOM) / BASE64_OVERHEAD), 16 * 1024)


@dataclass(frozen=True, slots=True)
class Sender:
    ward_code: str
    ward_name: str
    fingerprint: str | None  # None when the bundles are not signed


def _subject(sender: Sender, index: int, total: int) -> str:
    part = f"（{index}/{total}）" if total > 1 else ""
    return f"【zebkb】{sender.ward_name}からのZEB・ZEH共有データ{part}"


def _body(sender: Sender, part: PartInfo, index: int, total: int, records: int) -> str:
    lines = [
        "各位",
        "",
        f"{sender.ward_name}です。zebkb（ZEB・ZEH事例ナレッジベース）の共有データを送付します。",
        "",
        f"・送付元: {sender.ward_name}（団体コード {sender.ward_code}）",
        f"・このメールの記録数: {part.records}件（添付ファイル {part.attachments}件）",
    ]
    if total > 1:
        lines.append(
            f"・分割送付: {total}通のうち{index}通目（全体で記録{records}件）。"
            "どの順番で取り込んでも、1通だけでも取り込めます"
        )
    if sender.fingerprint:
        lines.append(f"・署名鍵のフィンガープリント: {sender.fingerprint}")
        lines.append("  （初めての相手とは、電話などでこの値を確かめてから鍵を信頼してください）")
    else:
        lines.append("・このデータには署名がありません")
    lines += [
        "",
        "取り込み方: zebkb の「ファイル → 取り込み…」でこのメール（.eml）か添付ファイルを選ぶか、",
        f"コマンドで zebkb import {part.path.name} を実行してください。",
        "",
        f"添付: {part.path.name}（{part.size:,}バイト）",
    ]
    return "\r\n".join(lines) + "\r\n"


def draft_for(
    part: PartInfo, sender: Sender, *, index: int, total: int, records: int, when: datetime
) -> EmailMessage:
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = _subject(sender, index, total)
    message["Date"] = format_datetime(when)
    # Opened as a new, unsent message: the sender adds the recipients and sends it.
    message["X-Unsent"] = "1"
    message.set_content(_body(sender, part, index, total, records), charset="utf-8")
    message.add_attachment(
        part.path.read_bytes(),
        maintype="application",
        subtype="octet-stream",
        filename=part.path.name,
    )
    return message


def write_drafts(
    parts: Sequence[PartInfo],
    out_dir: Path,
    sender: Sender,
    *,
    when: datetime,
) -> list[Path]:
    """One .eml draft per part in ``out_dir`` (made if missing); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    total = len(parts)
    records = sum(p.records for p in parts)
    written: list[Path] = []
    for index, part in enumerate(parts, start=1):
        message = draft_for(part, sender, index=index, total=total, records=records, when=when)
        target = _free_name(out_dir, part.path.stem)
        _write_draft(target, message)
        written.append(target)
    return written


def _write_draft(target: Path, message: EmailMessage) -> None:
    """Whole or not at all, and readable by whoever opens it (zebkb/atomicfile.py)."""
    data = message.as_bytes()
    write_file(target, lambda stream: stream.write(data), example=target.name)


def _free_name(out_dir: Path, stem: str) -> Path:
    """``stem.eml``, or ``stem-2.eml``… when a draft of that name is already there.

    Export names go by the minute, so a second send within it would otherwise
    replace a draft the person has not sent yet.
    """
    target = out_dir / f"{stem}.eml"
    number = 1
    while target.exists():
        number += 1
        target = out_dir / f"{stem}-{number}.eml"
    return target


# -- reading -------------------------------------------------------------------------------------


def looks_like_message(head: bytes) -> bool:
    """Whether a file starts as an e-mail does, not as a ZIP.

    Header lines alone are not enough: /etc/passwd's "root:x:0:0" reads as one.
    The header block must name at least one header every mail program writes.
    """
    if head.startswith(b"PK"):
        return False
    text = head.lstrip(b"\r\n")
    if _HEADER_LINE.match(text) is None:
        return False
    block = re.split(rb"\r?\n\r?\n", text, maxsplit=1)[0]
    return _MAIL_HEADER.search(block) is not None


def is_bundle_bytes(data: bytes) -> bool:
    """A ZIP with a manifest.json: a bundle, whatever its name says."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _MANIFEST in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        return False


def _refuse(name: str, en: str, ja: str) -> BundleError:
    return BundleError(f"{name}: {en}", message_ja=f"{name}: {ja}")


def _depth(part: Message, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    payload = part.get_payload()
    if not part.is_multipart() or not isinstance(payload, list):
        return level
    return max((_depth(p, level + 1) for p in payload if isinstance(p, Message)), default=level)


def bundles_in_message(path: Path, dest: Path) -> list[Path]:
    """Write every bundle attached to the message ``path`` into ``dest``; refuse in one line."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_MESSAGE_BYTES:
            raise _refuse(
                name,
                f"the e-mail is {size:,} bytes (at most {MAX_MESSAGE_BYTES:,} are read)",
                f"メールが大きすぎます（{size:,}バイト、上限{MAX_MESSAGE_BYTES:,}バイト）",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(
            name, f"cannot read the e-mail ({exc.strerror or exc})", "メールを読めません"
        ) from None
    # Bounded before parsing: the parser keeps every part, however many a message claims.
    if len(_CONTENT_TYPE.findall(raw)) > MAX_PARTS:
        raise _refuse(
            name,
            f"the e-mail has more than {MAX_PARTS} parts; not opened",
            f"メールの構成要素が多すぎます（上限{MAX_PARTS}個）",
        )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if _depth(message) > MAX_DEPTH:
        raise _refuse(
            name,
            f"the e-mail nests parts more than {MAX_DEPTH} deep; not opened",
            f"メールの入れ子が深すぎます（上限{MAX_DEPTH}段）",
        )
    found: list[Path] = []
    dest.mkdir(parents=True, exist_ok=True)
    for count, part in enumerate(message.walk(), start=1):
        if count > MAX_PARTS:
            raise _refuse(
                name,
                f"the e-mail has more than {MAX_PARTS} parts; not opened",
                f"メールの構成要素が多すぎます（上限{MAX_PARTS}個）",
            )
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not is_bundle_bytes(data):
            continue
        # The attachment's own name is not trusted as a path: bundles are numbered.
        target = dest / f"{path.stem[:40]}-{len(found) + 1}.zebkb"
        target.write_bytes(data)
        found.append(target)
    if not found:
        raise _refuse(
            name,
            "the e-mail has no zebkb bundle attached",
            "メールに zebkb のバンドルが添付されていません",
        )
    return found

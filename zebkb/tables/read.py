"""Read a list (.xlsx or CSV) into rows of plain values, within bounds.

The format is told by the content, not the name: a zip container is a
workbook, anything else is read as CSV. CSV arrives as Excel writes it on a
Japanese PC (Shift_JIS, i.e. cp932), as UTF-8 with or without a byte-order
mark, or as "Unicode text" (UTF-16 with tabs); the encoding is detected.

Workbooks are opened with openpyxl in read-only mode (rows streamed, not a
whole sheet object per cell) after ``zebkb.safezip`` has checked the
container. openpyxl parses XML with defusedxml when it is installed (a
dependency of zebkb), so entity declarations (billion laughs, external
entities) are refused by the parser instead of expanded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from zebkb.safezip import ZipBounds, ZipRefused, check_xml_parts, check_zip, is_ole
from zebkb.tables.limits import DEFAULT_LIMITS, Deadline, TableError, TableLimits

Cell = str | int | float | bool | date | None

_ZIP_MAGIC = b"PK\x03\x04"
_CHECK_EVERY = 256


@dataclass
class Table:
    """The non-empty rows of a list, each with its row number as the spreadsheet shows it."""

    kind: str  # "xlsx" or "csv"
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    encoding: str | None = None  # CSV only
    sheet: str | None = None  # workbook only


def read_table(
    path: Path | str,
    *,
    limits: TableLimits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> Table:
    """The list in ``path``; raises TableError naming the problem in one line."""
    path = Path(path)
    deadline = deadline or Deadline(limits.seconds)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise TableError(
            f"cannot read {path.name}: {exc.strerror or exc}",
            message_ja=f"{path.name} を読めません: {exc.strerror or exc}",
        ) from None
    if size > limits.file_bytes:
        raise TableError(
            f"{path.name} is {size:,} bytes; a list may be at most {limits.file_bytes:,}",
            message_ja=f"{path.name} は大きすぎます（{size:,}バイト、上限{limits.file_bytes:,}バイト）",
        )
    if is_ole(head):
        raise TableError(
            f"{path.name} is an old Excel file (.xls) or a password-protected workbook;"
            " save it as .xlsx without a password",
            message_ja=f"{path.name} は古い形式（.xls）かパスワード付きのブックです。"
            "パスワードなしの .xlsx で保存し直してください",
        )
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(path, limits, deadline)
    with path.open("rb") as handle:
        raw = handle.read(limits.file_bytes + 1)
    return _read_csv(path.name, raw, limits, deadline)


# -- CSV -----------------------------------------------------------------------------------------


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The text and the encoding's name; refuses bytes that are none of the expected ones."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    else:
        for encoding in ("utf-8", "cp932"):
            try:
                return raw.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    raise TableError(
        "the CSV file is neither UTF-8 nor Shift_JIS text; save it again as CSV from Excel",
        message_ja="CSVファイルの文字コードが UTF-8 でも Shift_JIS でもありません。"
        "Excelで CSV として保存し直してください",
    )


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def _read_csv(name: str, raw: bytes, limits: TableLimits, deadline: Deadline) -> Table:
    text, encoding = decode_csv(raw)
    if "\x00" in text:
        raise TableError(
            f"{name} holds NUL characters: it is not a text list",
            message_ja=f"{name} は文字データの一覧表ではありません（NUL文字を含みます）",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = Table(kind="csv", encoding=encoding)
    try:
        _collect(table, _unescaped(enumerate(reader, start=1)), limits, deadline)
    except csv.Error as exc:
        raise TableError(
            f"{name}: line {reader.line_num}: not readable as CSV ({exc})",
            message_ja=f"{name}: {reader.line_num}行目: CSVとして読めません（{exc}）",
        ) from None
    return table


# A cell Excel would run as a formula is written with a leading apostrophe
# (zebkb/tables/export.py); the apostrophe is not part of the value.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unescaped(rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in rows:
        yield (
            number,
            [c[1:] if c.startswith("'") and c[1:2].startswith(_FORMULA_START) else c for c in row],
        )


# -- workbook ------------------------------------------------------------------------------------


def _percent_format(number_format: str) -> bool:
    """A format that shows 0.51 as 51% (a % outside quotes and escapes)."""
    out = []
    quoted = False
    escaped = False
    for ch in number_format:
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "%" in "".join(out)


def cell_value(value: Any, number_format: str = "General") -> Cell:
    """A workbook cell as a plain value: dates without time, percentages as shown."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if _percent_format(number_format):
            return round(value * 100, 10)
        return value
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


_ENTITY_REFUSALS = ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden")


def _xml_refusal(exc: BaseException) -> TableError | None:
    """defusedxml's refusal, also when openpyxl wrapped it in a ValueError of its own."""
    seen: BaseException | None = exc
    chain: list[str] = []
    while seen is not None and len(chain) < 10:
        chain.append(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    if any(name in _ENTITY_REFUSALS for name in chain):
        return TableError(
            "the workbook declares XML entities (a billion-laughs or external-entity attack);"
            " not opened",
            message_ja="ブックにXMLエンティティ宣言があります（展開攻撃のおそれ）。開きませんでした",
        )
    return None


def _read_xlsx(path: Path, limits: TableLimits, deadline: Deadline) -> Table:
    try:
        check_zip(
            path,
            ZipBounds(limits.zip_members, limits.zip_unpacked_bytes, limits.zip_ratio),
        )
        check_xml_parts(path)
    except ZipRefused as exc:
        raise TableError(f"{path.name}: {exc.message_en}", message_ja=exc.message_ja) from None
    import openpyxl

    table = Table(kind="xlsx")
    # An open file, not the path: openpyxl refuses a path by its extension, and a mail
    # gateway may have renamed the file. Closing it here also closes what openpyxl left open.
    with path.open("rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file: all refusals
            raise _xml_refusal(exc) or TableError(
                f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__})",
                message_ja=f"{path.name} は読み込めるExcelブック（.xlsx）ではありません",
            ) from None
        try:
            _read_sheet(path.name, workbook, table, limits, deadline)
        finally:
            workbook.close()
    return table


def _read_sheet(
    name: str, workbook: Any, table: Table, limits: TableLimits, deadline: Deadline
) -> None:
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            raise TableError(
                f"{name} has no worksheet", message_ja=f"{name} にワークシートがありません"
            )
        sheet = sheets[0]
        table.sheet = str(sheet.title)
        # The dimension a file declares is not trusted: a claimed A1:XFD1048576 would have
        # every row padded to 16,384 cells. Rows are padded only to the column bound.
        sheet.reset_dimensions()
        _collect(table, _numbered(sheet.iter_rows(max_col=limits.columns + 1)), limits, deadline)
    except TableError:
        raise
    except Exception as exc:  # as above: a damaged sheet is refused, never a traceback
        raise _xml_refusal(exc) or TableError(
            f"{name}: a worksheet is damaged ({type(exc).__name__})",
            message_ja=f"{name}: ワークシートが壊れています",
        ) from None


def _numbered(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in enumerate(rows, start=1):
        yield (
            number,
            [
                cell_value(getattr(c, "value", None), getattr(c, "number_format", "General") or "")
                for c in row
            ],
        )


# -- both ----------------------------------------------------------------------------------------


def _collect(
    table: Table,
    rows: Iterable[tuple[int, Sequence[Cell]]],
    limits: TableLimits,
    deadline: Deadline,
) -> None:
    scanned = 0
    for number, row in rows:
        scanned += 1
        if scanned % _CHECK_EVERY == 0:
            deadline.check()
        if scanned > limits.scanned_rows:
            raise TableError(
                f"the list has more than {limits.scanned_rows:,} rows",
                message_ja=f"一覧表の行数が上限（{limits.scanned_rows:,}行）を超えています",
            )
        values = [_clean_cell(v) for v in row]
        while values and values[-1] is None:
            values.pop()
        if not values:
            continue
        if len(values) > limits.columns:
            raise TableError(
                f"row {number} has more than {limits.columns} columns",
                message_ja=f"{number}行目の列数が上限（{limits.columns}列）を超えています",
            )
        for i, value in enumerate(values):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise TableError(
                    f"row {number}, column {column_letter(i)}: a cell holds {len(value):,}"
                    f" characters (at most {limits.cell_chars:,})",
                    message_ja=f"{number}行目 {column_letter(i)}列: セルの文字数が上限"
                    f"（{limits.cell_chars:,}文字）を超えています",
                )
        table.rows.append((number, values))
        if len(table.rows) > limits.rows:
            raise TableError(
                f"the list has more than {limits.rows:,} rows with values; split it",
                message_ja=f"一覧表の行数が上限（{limits.rows:,}行）を超えています。分けてください",
            )


def _clean_cell(value: Cell) -> Cell:
    # Text is kept as written (a Markdown body ends in a newline); only a blank cell is empty.
    if isinstance(value, str) and not value.strip():
        return None
    return value


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet labels it."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters

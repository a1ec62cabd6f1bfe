"""Tokyo's 23 special wards and the local-government codes (地方公共団体コード) around them.

A code is five digits plus a check digit (docs/domain.md): weight the five by
6, 5, 4, 3, 2, sum, and take the last digit of 11 − (sum mod 11).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TypeGuard

# ward_label is kept with the names, for the commands that load no more than those.
from zebkb.domain.wardnames import OTHER_MUNICIPALITY_NAMES, WARD_NAMES
from zebkb.domain.wardnames import ward_label as ward_label  # noqa: PLC0414
from zebkb.errors import InputError


class WardError(InputError, ValueError):
    """A ward or municipality could not be recognised; the message is one line, in en and ja."""


@dataclass(frozen=True, slots=True)
class Ward:
    code: str
    name_ja: str
    name_en: str


WARDS: tuple[Ward, ...] = tuple(Ward(c, ja, en) for c, (ja, en) in WARD_NAMES.items())
OTHER_MUNICIPALITIES: tuple[Ward, ...] = tuple(
    Ward(c, ja, en) for c, (ja, en) in OTHER_MUNICIPALITY_NAMES.items()
)

_BY_CODE: dict[str, Ward] = {w.code: w for w in WARDS + OTHER_MUNICIPALITIES}
_WARD_CODES = frozenset(w.code for w in WARDS)

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> str:
    """The sixth digit of a local-government code."""
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise WardError(
            f"not five digits: {first_five!r}",
            message_ja=f"5 桁の数字ではありません: {first_five!r}",
        )
    total = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def lg_code_valid(code: object) -> TypeGuard[str]:
    """True for a 6-digit code whose check digit is right."""
    if not isinstance(code, str) or len(code) != 6:
        return False
    if not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:5]) == code[5]


def is_special_ward(code: object) -> bool:
    return isinstance(code, str) and code in _WARD_CODES


def _fold(text: str) -> str:
    """Width-fold, trim and strip accents (Chūō → chuo) so names compare loosely."""
    text = unicodedata.normalize("NFKC", text).strip()
    decomposed = unicodedata.normalize("NFD", text)
    # Only Latin accents are dropped; recomposing keeps kana such as ガ intact.
    stripped = "".join(
        ch for ch in decomposed if not (unicodedata.combining(ch) and ch in "\u0301\u0302\u0304")
    )
    return unicodedata.normalize("NFC", stripped).casefold()


def _name_keys(ward: Ward) -> set[str]:
    ja = _fold(ward.name_ja)
    en = _fold(ward.name_en)
    keys = {ja, en}
    for suffix in ("区", "市", "都"):
        if ja.endswith(suffix) and len(ja) > len(suffix):
            keys.add(ja[: -len(suffix)])
    if ward.code in _WARD_CODES:
        keys |= {f"{en}-ku", f"{en} ku", f"{en} ward", f"{en} city", f"{en}ku"}
    else:
        keys |= {f"{en} city", f"{en}-shi"}
    return keys


_BY_NAME: dict[str, str] = {
    key: w.code for w in WARDS + OTHER_MUNICIPALITIES for key in _name_keys(w)
}
# Ambiguity guard: 東京 could mean the prefecture only; 北 is Kita ward.
_BY_NAME["tokyo"] = "130001"


def resolve_ward(text: str) -> str:
    """The 6-digit code for a code, a 5-digit code, or a Japanese or English name.

    Accepts full-width forms and surrounding spaces: "葛飾区", "葛飾", "Katsushika",
    "ＫＡＴＳＵＳＨＩＫＡ", "１３１２２９", "13122".
    """
    if not isinstance(text, str):
        raise WardError(
            f"ward must be text, got {type(text).__name__}",
            message_ja="区は文字で指定してください",
        )
    key = _fold(text)
    if not key:
        raise WardError("ward is empty", message_ja="区が空です")
    if key.isascii() and key.isdigit():
        if len(key) == 6:
            if lg_code_valid(key):
                return key
            raise WardError(
                f"not a valid local-government code (check digit is wrong): {text!r}",
                message_ja=f"地方公共団体コードが正しくありません（検査数字が違います）: {text!r}",
            )
        if len(key) == 5:
            return key + check_digit(key)
        raise WardError(
            f"a local-government code has 6 digits: {text!r}",
            message_ja=f"地方公共団体コードは 6 桁です: {text!r}",
        )
    code = _BY_NAME.get(key)
    if code is None:
        raise WardError(
            f"unknown ward: {text.strip()!r} (use a 6-digit code or a ward name)",
            message_ja=f"区 {text.strip()!r} が見つかりません（6 桁のコードか区名で指定してください）",
        )
    return code


def ward_name(code: str, lang: str = "ja") -> str:
    """The ward's or municipality's name; a valid code with no known name is shown as is."""
    if not lg_code_valid(code):
        raise WardError(
            f"not a valid local-government code: {code!r}",
            message_ja=f"地方公共団体コードが正しくありません: {code!r}",
        )
    ward = _BY_CODE.get(code)
    if ward is None:
        return code
    return ward.name_en if lang == "en" else ward.name_ja


def get_ward(code: str) -> Ward:
    """One of the 23 wards by code."""
    for ward in WARDS:
        if ward.code == code:
            return ward
    raise WardError(
        f"not one of the 23 special wards: {code!r}",
        message_ja=f"東京23区のコードではありません: {code!r}",
    )

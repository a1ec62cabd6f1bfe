"""The 23 special wards' and the partner municipalities' names (ja, en) by local-government code.

Plain data, from which zebkb/domain/wards.py builds its Ward records, and the one
``ward_label`` everything shows wards with, so that a command that only shows names
(``zebkb search``) labels wards without loading the rest of that module.
"""

from __future__ import annotations

WARD_NAMES: dict[str, tuple[str, str]] = {
    "131016": ("千代田区", "Chiyoda"),
    "131024": ("中央区", "Chuo"),
    "131032": ("港区", "Minato"),
    "131041": ("新宿区", "Shinjuku"),
    "131059": ("文京区", "Bunkyo"),
    "131067": ("台東区", "Taito"),
    "131075": ("墨田区", "Sumida"),
    "131083": ("江東区", "Koto"),
    "131091": ("品川区", "Shinagawa"),
    "131105": ("目黒区", "Meguro"),
    "131113": ("大田区", "Ota"),
    "131121": ("世田谷区", "Setagaya"),
    "131130": ("渋谷区", "Shibuya"),
    "131148": ("中野区", "Nakano"),
    "131156": ("杉並区", "Suginami"),
    "131164": ("豊島区", "Toshima"),
    "131172": ("北区", "Kita"),
    "131181": ("荒川区", "Arakawa"),
    "131199": ("板橋区", "Itabashi"),
    "131202": ("練馬区", "Nerima"),
    "131211": ("足立区", "Adachi"),
    "131229": ("葛飾区", "Katsushika"),
    "131237": ("江戸川区", "Edogawa"),
}

# Partners named in the source documents that are not special wards. Any other
# valid code is still accepted; it just has no name to show.
OTHER_MUNICIPALITY_NAMES: dict[str, tuple[str, str]] = {
    "130001": ("東京都", "Tokyo Metropolitan Government"),
    "122033": ("市川市", "Ichikawa"),
    "111007": ("さいたま市", "Saitama"),
}


def ward_label(code: str | None, lang: str = "ja") -> str:
    """A ward's or municipality's name for people; a code with no name is shown as it is.

    Display code, not a check: a record holding a code no longer valid (or valid but
    unnamed) is still shown. Every named code is valid (tests/domain/test_domain_wards.py),
    so this is zebkb/domain/wards.py's ward_name wherever that has a name to give.
    """
    if not code:
        return ""
    names = WARD_NAMES.get(code) or OTHER_MUNICIPALITY_NAMES.get(code)
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]

"""The rank engine: which ZEB/ZEH rank a case's figures support, and whether the stated one holds.

ZEB thresholds are those of docs/domain.md and rule 3 of docs/domain-research.md §7:
ZEB: r_ex ≥ 50 and r_in ≥ 100; Nearly ZEB: r_ex ≥ 50 and r_in ≥ 75; ZEB Ready:
r_ex ≥ 50; ZEB Oriented: floor area ≥ 10,000 m², a technology not yet evaluated
(未評価技術), and r_ex ≥ 40 (事務所等, 学校等, 工場等) or ≥ 30 (others).

Houses follow the ZEH definitions (資源エネルギー庁「ZEHの定義(改定後)」2019;
https://www.enecho.meti.go.jp/category/saving_and_new/saving/general/housing/):
every tier needs the strengthened envelope (UA ≤ 0.40 in climate zones 1–2,
0.50 in zone 3, 0.60 in zones 4–7; Tokyo's 23 wards are zone 6) and r_ex ≥ 20.
ZEH adds r_in ≥ 100; Nearly ZEH r_in ≥ 75 and only in cold (zones 1–2),
low-insolation (A1/A2) or heavy-snow (≥ 100 cm) regions; ZEH Oriented only on a
small urban lot (a 北側斜線 zone, lot < 85 m², not single storey) or in a heavy-snow
region; ZEH+ r_ex ≥ 25 plus further measures the record does not hold, so the
figures never prove it. Apartment buildings (ZEH-M, same definitions page) need
the envelope in every dwelling and r_ex ≥ 20 for the whole building: 『ZEH-M』
r_in ≥ 100, Nearly ZEH-M ≥ 75, ZEH-M Ready ≥ 50, ZEH-M Oriented nothing more
(the storey counts printed beside the tiers are the levels to aim for, not
conditions). GX ZEH and GX ZEH-M (defined September 2025, certified from April
2027) need r_ex ≥ 35, insulation grade 6 and equipment the record does not hold:
the figures can refute them but never confirm them.

r_ex and r_in are the reductions (%) of primary energy from the standard value
without and with on-site renewables; r_ex comes from BEI, (1 − BEI) × 100, when
only BEI is given. A figure is compared as given and printed with as many
decimals as it takes to land on the same side of the threshold (49.96 % never
prints as 50 %). Where a condition's data are missing the answer is "cannot be
assessed", never a guess.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from zebkb.domain.vocab import HOUSE_USE, ZEB_RANKS, oriented_threshold_pct
from zebkb.domain.wards import is_special_ward

ZEB_FAMILY = "ZEB"
ZEH_FAMILY = "ZEH"
ZEHM_FAMILY = "ZEH-M"
GX_ZEH_FAMILY = "GX ZEH"
GX_ZEHM_FAMILY = "GX ZEH-M"

# Highest first.
RANK_ORDER: dict[str, tuple[str, ...]] = {
    ZEB_FAMILY: ("ZEB", "Nearly ZEB", "ZEB Ready", "ZEB Oriented"),
    ZEH_FAMILY: ("ZEH+", "ZEH", "Nearly ZEH", "ZEH Oriented"),
    ZEHM_FAMILY: ("ZEH-M", "Nearly ZEH-M", "ZEH-M Ready", "ZEH-M Oriented"),
    GX_ZEH_FAMILY: ("GX ZEH+", "GX ZEH", "Nearly GX ZEH", "GX ZEH Oriented"),
    GX_ZEHM_FAMILY: (
        "GX ZEH-M+",
        "GX ZEH-M",
        "Nearly GX ZEH-M",
        "GX ZEH-M Ready",
        "GX ZEH-M Oriented",
    ),
}
KNOWN_RANKS: tuple[str, ...] = tuple(r for ranks in RANK_ORDER.values() for r in ranks)
# The kind of building a family's ranks are for: GX grades are later grades of the same houses.
BUILDING_FAMILY: dict[str, str] = {
    ZEB_FAMILY: ZEB_FAMILY,
    ZEH_FAMILY: ZEH_FAMILY,
    ZEHM_FAMILY: ZEHM_FAMILY,
    GX_ZEH_FAMILY: ZEH_FAMILY,
    GX_ZEHM_FAMILY: ZEHM_FAMILY,
}
GX_FAMILIES = (GX_ZEH_FAMILY, GX_ZEHM_FAMILY)

# GX ZEH / GX ZEH-M: defined by METI on 26 September 2025, certified from 1 April
# 2027; certification under the current ZEH definitions ends on 31 March 2028
# (住宅産業新聞 2025-09 report of the METI announcement, https://juu-tsuu.net/juutsuu/entry?eid=29808).
GX_DEFINED_ON = date(2025, 9, 26)
GX_APPLIES_FROM = date(2027, 4, 1)
CURRENT_ZEH_LAST_CERTIFIED = date(2028, 3, 31)

ORIENTED_MIN_FLOOR_AREA_M2 = 10_000.0
ZEB_READY_MIN_PCT = 50.0
NEARLY_MIN_INCL_PCT = 75.0
NET_ZERO_INCL_PCT = 100.0
ZEH_MIN_EXCL_PCT = 20.0
ZEH_PLUS_MIN_EXCL_PCT = 25.0
ZEHM_READY_MIN_INCL_PCT = 50.0
GX_MIN_EXCL_PCT = 35.0
GX_PLUS_MIN_INCL_PCT = 115.0
# The ZEH strengthened envelope (強化外皮基準) by climate zone; zone 8 is judged
# by ηAC instead, which the record does not hold.
UA_LIMIT_BY_ZONE: dict[int, float] = {1: 0.40, 2: 0.40, 3: 0.50, 4: 0.60, 5: 0.60, 6: 0.60, 7: 0.60}
SPECIAL_WARD_CLIMATE_ZONE = 6
HEAVY_SNOW_MIN_CM = 100.0
SMALL_LOT_MAX_M2 = 85.0
# The lower of the two Oriented thresholds: below it no use qualifies.
ORIENTED_LOWEST_PCT = 30.0
ORIENTED_HIGHEST_PCT = 40.0
_THRESHOLDS = (
    ZEH_MIN_EXCL_PCT,
    ZEH_PLUS_MIN_EXCL_PCT,
    ORIENTED_LOWEST_PCT,
    GX_MIN_EXCL_PCT,
    ORIENTED_HIGHEST_PCT,
    ZEB_READY_MIN_PCT,
    NEARLY_MIN_INCL_PCT,
    NET_ZERO_INCL_PCT,
    GX_PLUS_MIN_INCL_PCT,
)

F_EXCL = "reduction_excl_renewables_pct"
F_INCL = "reduction_incl_renewables_pct"
F_BEI = "bei"
F_AREA = "floor_area_m2"
F_UNEVALUATED = "uses_unevaluated_technology"
F_USE = "building_use"
F_ZONE = "climate_zone"
F_UA = "ua_value"
F_SOLAR = "solar_zone"
F_SNOW = "snow_depth_cm"
F_NORTH = "north_slant_zone"
F_LOT = "lot_area_m2"
F_STOREYS = "storeys_above"


def rank_family(rank: str | None) -> str | None:
    """ZEB, ZEH, ZEH-M, GX ZEH or GX ZEH-M for a known rank, None for anything else."""
    for family, ranks in RANK_ORDER.items():
        if rank in ranks:
            return family
    return None


def rank_level(rank: str | None) -> int:
    """Height within its family: 4 for ZEB/ZEH+ down to 1 for Oriented, 0 for none or unknown."""
    family = rank_family(rank)
    if family is None:
        return 0
    assert rank is not None
    order = RANK_ORDER[family]
    return len(order) - order.index(rank)


def _fold_rank(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for mark in "『』「」\"'":
        text = text.replace(mark, "")
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


_RANK_KEYS = {_fold_rank(r): r for r in KNOWN_RANKS} | {
    _fold_rank(t.ja): t.value for t in ZEB_RANKS
}
_EQUIVALENT_SUFFIXES = ("相当", "equivalent", "level")


def split_rank_status(text: str) -> tuple[str, str | None]:
    """A rank as typed (『ZEB』, nearly-zeb, ＺＥＢ Ｒｅａｄｙ, ZEB Oriented相当) as (rank, status).

    Known ranks come back in their canonical spelling; the 相当 suffix gives status
    "equivalent". Unknown ranks come back trimmed, as given.
    """
    folded = _fold_rank(text)
    status: str | None = None
    for suffix in _EQUIVALENT_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)].strip()
            status = "equivalent"
            break
    rank = _RANK_KEYS.get(folded)
    if rank is None:
        return unicodedata.normalize("NFKC", text).strip(), None
    return rank, status


def normalise_rank(text: str) -> str:
    return split_rank_status(text)[0]


@dataclass(frozen=True, slots=True)
class RankAssessment:
    rank: str | None
    reason_ja: str
    reason_en: str
    family: str = ZEB_FAMILY
    # Fields whose absence kept the assessment from going higher (or from any rank).
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RankCheck:
    stated: str | None
    status: str | None
    supported: RankAssessment
    overstated: bool
    message_ja: str
    message_en: str
    # True: the figures meet the stated rank; False: they refute it; None: cannot tell.
    confirmed: bool | None = None
    # Worth a warning: overstated, a rank of the other family, or a higher rank may apply.
    attention: bool = False


def _pct(value: float, threshold: float | None = None) -> str:
    """51 → '51', 51.25 → '51.25', with as many decimals as keep it on its side of every threshold.

    49.96 prints '49.96', never '50': what is printed is what was compared, here
    and against any other rank's threshold the reader may hold it to.
    """
    limits = _THRESHOLDS if threshold is None else (*_THRESHOLDS, threshold)
    for decimals in range(2, 10):
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
        shown = float(text)
        if all((shown >= t) == (value >= t) for t in limits):
            return text
    return repr(value)


def _area(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _number(case: Mapping[str, Any], name: str) -> float | None:
    value = case.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


def _bool(case: Mapping[str, Any], name: str) -> bool | None:
    value = case.get(name)
    return value if isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class _Figures:
    r_ex: float | None
    r_in: float | None
    from_bei: float | None  # the BEI r_ex came from, when it did
    area: float | None
    unevaluated: bool | None
    use: str | None
    family: str
    mixed_use: bool = False
    # Houses.
    zone: int | None = None
    zone_from_ward: bool = False
    ua: float | None = None
    solar: str | None = None
    snow: float | None = None
    north_slant: bool | None = None
    lot: float | None = None
    storeys: int | None = None


def is_house(case: Mapping[str, Any]) -> bool:
    return case.get(F_USE) == HOUSE_USE or case.get("facility_type") == HOUSE_USE


def _stated_building(case: Mapping[str, Any]) -> str | None:
    family = rank_family(_stated(case))
    return BUILDING_FAMILY.get(family) if family else None


def _family(case: Mapping[str, Any]) -> str:
    stated_building = _stated_building(case)
    if is_house(case):
        dwelling = case.get("dwelling_type")
        if dwelling == "apartment":
            return ZEHM_FAMILY
        if dwelling == "detached":
            return ZEH_FAMILY
        return ZEHM_FAMILY if stated_building == ZEHM_FAMILY else ZEH_FAMILY
    # A stated ZEH rank on a case with no use or type at all is taken as a house.
    if (
        not case.get(F_USE)
        and not case.get("facility_type")
        and stated_building in (ZEH_FAMILY, ZEHM_FAMILY)
    ):
        return stated_building
    return ZEB_FAMILY


def _figures(case: Mapping[str, Any]) -> _Figures:
    r_ex = _number(case, F_EXCL)
    bei = _number(case, F_BEI)
    from_bei = None
    if bei is None:
        standard = _number(case, "standard_primary_energy_mj_m2")
        design = _number(case, "design_primary_energy_mj_m2")
        if standard and design is not None:
            # BEI = design ÷ standard, both without "other" energy and renewables.
            bei = round(design / standard, 6)
    if r_ex is None and bei is not None:
        # Rounded so that BEI 0.6 gives 40 and not 39.99999999999999.
        r_ex = round((1.0 - bei) * 100.0, 6)
        from_bei = bei
    unevaluated = case.get(F_UNEVALUATED)
    use = case.get(F_USE)
    zone_value = case.get(F_ZONE)
    zone = zone_value if isinstance(zone_value, int) and not isinstance(zone_value, bool) else None
    zone_from_ward = False
    if zone is None and is_special_ward(case.get("ward")):
        # All 23 wards are climate zone 6 (docs/domain.md; 2019 地域区分).
        zone, zone_from_ward = SPECIAL_WARD_CLIMATE_ZONE, True
    solar = case.get(F_SOLAR)
    storeys = case.get(F_STOREYS)
    return _Figures(
        r_ex=r_ex,
        r_in=_number(case, F_INCL),
        from_bei=from_bei,
        area=_number(case, F_AREA),
        unevaluated=unevaluated if isinstance(unevaluated, bool) else None,
        use=use if isinstance(use, str) and use else None,
        family=_family(case),
        mixed_use=_mixed_use(case),
        zone=zone,
        zone_from_ward=zone_from_ward,
        ua=_number(case, F_UA),
        solar=solar if isinstance(solar, str) and solar else None,
        snow=_number(case, F_SNOW),
        north_slant=_bool(case, F_NORTH),
        lot=_number(case, F_LOT),
        storeys=storeys if isinstance(storeys, int) and not isinstance(storeys, bool) else None,
    )


def _mixed_use(case: Mapping[str, Any]) -> bool:
    """Several 省エネ uses listed (「事務所等 1200」 lines): a 複合用途 building."""
    uses = case.get("uses")
    if not isinstance(uses, list):
        return False
    names = {u.split()[0] for u in uses if isinstance(u, str) and u.split()}
    return len(names) > 1


def _bound_ja(op: str, threshold: float) -> str:
    return f"{_pct(threshold)}%{'以上' if op == '≥' else '未満'}"


def _excl_phrase(f: _Figures, op: str, threshold: float) -> tuple[str, str]:
    assert f.r_ex is not None
    value = _pct(f.r_ex, threshold)
    if f.from_bei is not None:
        return (
            f"BEI {f.from_bei:g}（再エネ除く削減率{value}%、{_bound_ja(op, threshold)}）",
            f"BEI {f.from_bei:g} ({value}% reduction excluding renewables"
            f" {op} {_pct(threshold)} %)",
        )
    return (
        f"再エネ除く削減率{value}%（{_bound_ja(op, threshold)}）",
        f"{value}% reduction excluding renewables ({op} {_pct(threshold)} %)",
    )


def _incl_phrase(f: _Figures, op: str, threshold: float) -> tuple[str, str]:
    assert f.r_in is not None
    value = _pct(f.r_in, threshold)
    return (
        f"再エネ含む削減率{value}%（{_bound_ja(op, threshold)}）",
        f"{value}% including renewables ({op} {_pct(threshold)} %)",
    )


def _joined(parts: list[tuple[str, str]]) -> tuple[str, str]:
    return "、".join(p[0] for p in parts), ", ".join(p[1] for p in parts)


def _rank_label(rank: str) -> str:
    return ZEB_RANKS.label(rank, "ja")


def _supported_with_renewables(
    f: _Figures, excl_min: float, ranks: tuple[str, str, str]
) -> RankAssessment:
    """The top three ZEB ranks: net zero, Nearly, and ZEB Ready."""
    top, nearly, base = ranks
    excl = _excl_phrase(f, "≥", excl_min)
    if f.r_in is None:
        ja, en = excl
        return RankAssessment(
            base,
            f"{ja}により {_rank_label(base)}（再エネ含む削減率がなく上位ランクは未判定）",
            f"{en}: {base} (no reduction including renewables, so higher ranks are not checked)",
            f.family,
            (F_INCL,),
        )
    if f.r_in >= NET_ZERO_INCL_PCT:
        ja, en = _joined([excl, _incl_phrase(f, "≥", NET_ZERO_INCL_PCT)])
        return RankAssessment(top, f"{ja}により {_rank_label(top)}", f"{en}: {top}", f.family)
    if f.r_in >= NEARLY_MIN_INCL_PCT:
        ja, en = _joined([excl, _incl_phrase(f, "≥", NEARLY_MIN_INCL_PCT)])
        return RankAssessment(nearly, f"{ja}により {nearly}", f"{en}: {nearly}", f.family)
    ja, en = _joined([excl, _incl_phrase(f, "<", NEARLY_MIN_INCL_PCT)])
    return RankAssessment(base, f"{ja}により {base}", f"{en}: {base}", f.family)


def _oriented(f: _Figures) -> RankAssessment:
    """r_ex lies in [30, 50): ZEB Oriented if area, 未評価技術 and the use's threshold allow."""
    assert f.r_ex is not None
    if f.mixed_use and f.r_ex < ORIENTED_HIGHEST_PCT:
        # Which of 30 % and 40 % a mixed-use building must reach is not settled
        # (docs/domain-research.md §7 rule 3, §8): flagged for manual review, never guessed.
        return RankAssessment(
            None,
            "複合用途の ZEB Oriented 基準（30%/40%）は未確定のため判定できません（個別に確認）",
            "the ZEB Oriented threshold (30 % or 40 %) of a mixed-use building is not"
            " settled: cannot be assessed (check by hand)",
            f.family,
            ("uses",),
        )
    threshold = oriented_threshold_pct(f.use)
    refusals: list[tuple[str, str]] = []
    missing: list[str] = []
    if threshold is None:
        if f.r_ex < ORIENTED_HIGHEST_PCT:
            # 30–40 % qualifies only for the 30 % uses; without a use we cannot tell.
            missing.append(F_USE)
        threshold = ORIENTED_HIGHEST_PCT if f.r_ex >= ORIENTED_HIGHEST_PCT else ORIENTED_LOWEST_PCT
    elif f.r_ex < threshold:
        ja, en = _excl_phrase(f, "<", threshold)
        refusals.append((f"{f.use}の基準に対し{ja}", f"{en} for {f.use}"))
    if f.area is None:
        missing.append(F_AREA)
    elif f.area < ORIENTED_MIN_FLOOR_AREA_M2:
        refusals.append(
            (
                f"延床面積{_area(f.area)}㎡（10,000㎡未満）",
                f"floor area {_area(f.area)} m² (< 10,000 m²)",
            )
        )
    if f.unevaluated is None:
        missing.append(F_UNEVALUATED)
    elif not f.unevaluated:
        refusals.append(("未評価技術なし", "no technology not yet evaluated (未評価技術)"))
    if refusals:
        ja, en = _joined(refusals)
        return RankAssessment(
            None,
            f"{ja}のため ZEB Oriented に該当せず、ZEB Ready には再エネ除く削減率50%以上が必要",
            f"{en}: not ZEB Oriented; ZEB Ready needs a 50 % reduction excluding renewables",
            f.family,
        )
    excl_ja, excl_en = _excl_phrase(f, "≥", threshold)
    if missing:
        return RankAssessment(
            None,
            f"{excl_ja}。ZEB Oriented の判定には{'・'.join(_FIELD_JA[m] for m in missing)}が必要",
            f"{excl_en}; ZEB Oriented needs {', '.join(_FIELD_EN[m] for m in missing)}",
            f.family,
            tuple(missing),
        )
    ja, en = _joined(
        [
            (excl_ja, excl_en),
            (
                f"延床面積{_area(f.area or 0)}㎡（10,000㎡以上）",
                f"floor area {_area(f.area or 0)} m²",
            ),
            ("未評価技術あり", "a technology not yet evaluated"),
        ]
    )
    return RankAssessment(
        "ZEB Oriented", f"{ja}により ZEB Oriented", f"{en}: ZEB Oriented", f.family
    )


_FIELD_JA = {
    F_EXCL: "再エネ除く削減率",
    F_INCL: "再エネ含む削減率",
    F_BEI: "BEI",
    F_AREA: "延床面積",
    F_UNEVALUATED: "未評価技術の有無",
    F_USE: "建物用途",
    F_ZONE: "地域区分",
    F_UA: "UA値",
    F_SOLAR: "年間日射地域区分",
    F_SNOW: "垂直積雪量",
    F_NORTH: "北側斜線制限の対象区域か",
    F_LOT: "敷地面積",
    F_STOREYS: "地上階数",
}
_FIELD_EN = {
    F_EXCL: "the reduction excluding renewables",
    F_INCL: "the reduction including renewables",
    F_BEI: "BEI",
    F_AREA: "the floor area",
    F_UNEVALUATED: "whether a technology not yet evaluated is used",
    F_USE: "the building use",
    F_ZONE: "the climate zone",
    F_UA: "the UA value",
    F_SOLAR: "the annual insolation zone",
    F_SNOW: "the design snow depth",
    F_NORTH: "whether the lot is in a north-side slant zone",
    F_LOT: "the lot area",
    F_STOREYS: "the number of storeys",
}


# Houses: conditions that hold, fail or cannot be told -------------------------


@dataclass(frozen=True, slots=True)
class _Cond:
    ok: bool | None
    ja: str
    en: str
    missing: tuple[str, ...] = ()


def _unknown(fields: tuple[str, ...], what_ja: str, what_en: str) -> _Cond:
    return _Cond(
        None,
        f"{'・'.join(_FIELD_JA[m] for m in fields)}がなく{what_ja}を確認できません",
        f"no {', no '.join(_FIELD_EN[m].removeprefix('the ') for m in fields)}: "
        f"{what_en} cannot be checked",
        fields,
    )


def _all(conds: list[_Cond]) -> _Cond:
    failed = [c for c in conds if c.ok is False]
    if failed:
        ja, en = _joined([(c.ja, c.en) for c in failed])
        return _Cond(False, ja, en)
    unknown = [c for c in conds if c.ok is None]
    if unknown:
        ja, en = _joined([(c.ja, c.en) for c in unknown])
        return _Cond(None, ja, en, tuple(dict.fromkeys(m for c in unknown for m in c.missing)))
    ja, en = _joined([(c.ja, c.en) for c in conds])
    return _Cond(True, ja, en)


def _any(conds: list[_Cond], none_ja: str, none_en: str) -> _Cond:
    for c in conds:
        if c.ok:
            return c
    unknown = [c for c in conds if c.ok is None]
    if unknown:
        missing = tuple(dict.fromkeys(m for c in unknown for m in c.missing))
        return _unknown(missing, none_ja, none_en)
    ja, en = _joined([(c.ja, c.en) for c in conds])
    return _Cond(False, f"{ja}のため{none_ja}に当たりません", f"{en}: not {none_en}")


def _envelope(f: _Figures) -> _Cond:
    if f.zone is None:
        fields = (F_ZONE,) if f.ua is not None else (F_ZONE, F_UA)
        return _unknown(fields, "外皮基準", "the envelope")
    if f.zone not in UA_LIMIT_BY_ZONE:
        return _Cond(
            None,
            f"{f.zone}地域の外皮基準（ηAC）は記録にないため確認できません",
            f"zone {f.zone} is judged by ηAC, which the record does not hold",
        )
    limit = UA_LIMIT_BY_ZONE[f.zone]
    zone_ja = f"{f.zone}地域{'（区の所在地から）' if f.zone_from_ward else ''}"
    zone_en = f"zone {f.zone}{' (from the ward)' if f.zone_from_ward else ''}"
    if f.ua is None:
        return _unknown((F_UA,), f"外皮基準（{zone_ja}: UA値{limit:.2f}以下）", "the envelope")
    if f.ua <= limit:
        return _Cond(
            True,
            f"UA値{f.ua:g}（{zone_ja}の基準{limit:.2f}以下）",
            f"UA {f.ua:g} (≤ {limit:.2f} in {zone_en})",
        )
    return _Cond(
        False,
        f"UA値{f.ua:g}（{zone_ja}の基準{limit:.2f}を超える）",
        f"UA {f.ua:g} (> {limit:.2f} in {zone_en})",
    )


def _excl_at_least(f: _Figures, threshold: float) -> _Cond:
    if f.r_ex is None:
        return _unknown((F_EXCL, F_BEI), "削減率", "the reduction")
    ok = f.r_ex >= threshold
    ja, en = _excl_phrase(f, "≥" if ok else "<", threshold)
    return _Cond(ok, ja, en)


def _incl_at_least(f: _Figures, threshold: float) -> _Cond:
    if f.r_in is None:
        return _unknown((F_INCL,), "再エネ含む削減率", "the reduction including renewables")
    ok = f.r_in >= threshold
    ja, en = _incl_phrase(f, "≥" if ok else "<", threshold)
    return _Cond(ok, ja, en)


def _cold(f: _Figures) -> _Cond:
    if f.zone is None:
        return _unknown((F_ZONE,), "寒冷地か", "whether it is a cold region")
    ok = f.zone <= 2
    return _Cond(
        ok,
        f"{f.zone}地域（{'寒冷地' if ok else '寒冷地（1・2地域）ではない'}）",
        f"zone {f.zone} ({'cold' if ok else 'not cold: zones 1–2'})",
    )


def _low_insolation(f: _Figures) -> _Cond:
    if f.solar is None:
        return _unknown((F_SOLAR,), "低日射地域か", "whether it is a low-insolation region")
    ok = f.solar in ("A1", "A2")
    return _Cond(
        ok,
        f"日射区分{f.solar}（{'低日射地域' if ok else '低日射地域（A1・A2）ではない'}）",
        f"insolation {f.solar} ({'low' if ok else 'not low: A1/A2'})",
    )


def _heavy_snow(f: _Figures) -> _Cond:
    if f.snow is None:
        return _unknown((F_SNOW,), "多雪地域か", "whether it is a heavy-snow region")
    ok = f.snow >= HEAVY_SNOW_MIN_CM
    return _Cond(
        ok,
        f"垂直積雪量{f.snow:g}cm（{'100cm以上: 多雪地域' if ok else '100cm未満'}）",
        f"snow {f.snow:g} cm ({'≥' if ok else '<'} 100 cm)",
    )


def _small_urban_lot(f: _Figures) -> _Cond:
    conds: list[_Cond] = []
    if f.north_slant is None:
        conds.append(_unknown((F_NORTH,), "都市部狭小地か", "whether it is a small urban lot"))
    else:
        conds.append(
            _Cond(
                f.north_slant,
                "北側斜線制限の対象区域" if f.north_slant else "北側斜線制限の対象区域外",
                "north-side slant zone" if f.north_slant else "outside north-side slant zones",
            )
        )
    if f.lot is None:
        conds.append(_unknown((F_LOT,), "都市部狭小地か", "whether it is a small urban lot"))
    else:
        small = f.lot < SMALL_LOT_MAX_M2
        conds.append(
            _Cond(
                small,
                f"敷地{_area(f.lot)}㎡（{'85㎡未満' if small else '85㎡以上'}）",
                f"lot {_area(f.lot)} m² ({'<' if small else '≥'} 85 m²)",
            )
        )
    if f.storeys is None:
        conds.append(_unknown((F_STOREYS,), "平屋か", "whether it is single-storey"))
    else:
        conds.append(
            _Cond(
                f.storeys >= 2,
                f"地上{f.storeys}階" + ("（平屋は対象外）" if f.storeys < 2 else ""),
                f"{f.storeys} storeys" + (" (single storey is excluded)" if f.storeys < 2 else ""),
            )
        )
    return _all(conds)


def _house_conditions(rank: str, f: _Figures) -> list[_Cond]:
    """What a current-definition ZEH or ZEH-M rank needs, as conditions on the figures."""
    base = [_envelope(f), _excl_at_least(f, ZEH_MIN_EXCL_PCT)]
    if rank == "ZEH+":
        return [
            _envelope(f),
            _excl_at_least(f, ZEH_PLUS_MIN_EXCL_PCT),
            _incl_at_least(f, NET_ZERO_INCL_PCT),
            _Cond(
                None,
                "ZEH+ の追加要件は記録にないため確認できません",
                "the further measures ZEH+ needs are not recorded",
            ),
        ]
    if rank in ("ZEH", "ZEH-M"):
        return [*base, _incl_at_least(f, NET_ZERO_INCL_PCT)]
    if rank == "Nearly ZEH":
        region = _any(
            [_cold(f), _low_insolation(f), _heavy_snow(f)],
            "寒冷地・低日射地域・多雪地域",
            "a cold, low-insolation or heavy-snow region",
        )
        return [*base, _incl_at_least(f, NEARLY_MIN_INCL_PCT), region]
    if rank == "Nearly ZEH-M":
        return [*base, _incl_at_least(f, NEARLY_MIN_INCL_PCT)]
    if rank == "ZEH-M Ready":
        return [*base, _incl_at_least(f, ZEHM_READY_MIN_INCL_PCT)]
    if rank == "ZEH Oriented":
        where = _any(
            [_small_urban_lot(f), _heavy_snow(f)],
            "都市部狭小地・多雪地域",
            "a small urban lot or heavy-snow region",
        )
        return [*base, where]
    assert rank == "ZEH-M Oriented", rank
    return base


_HOUSE_CANDIDATES: dict[str, tuple[str, ...]] = {
    # ZEH+ is left out: the figures never prove it.
    ZEH_FAMILY: ("ZEH", "Nearly ZEH", "ZEH Oriented"),
    ZEHM_FAMILY: RANK_ORDER[ZEHM_FAMILY],
}


def _assess_house(f: _Figures) -> RankAssessment:
    undecided: list[tuple[str, _Cond]] = []
    failed: list[_Cond] = []
    for rank in _HOUSE_CANDIDATES[f.family]:
        verdict = _all(_house_conditions(rank, f))
        if verdict.ok is True:
            ja, en = f"{verdict.ja}により {_rank_label(rank)}", f"{verdict.en}: {rank}"
            missing = tuple(dict.fromkeys(m for _, c in undecided for m in c.missing))
            if undecided:
                higher = "・".join(r for r, _ in undecided)
                ja += f"（{higher} は{undecided[0][1].ja}ため未判定）".replace(
                    "ませんため", "ないため"
                )
                en += f" ({', '.join(r for r, _ in undecided)} not checked: {undecided[0][1].en})"
            return RankAssessment(rank, ja, en, f.family, missing)
        if verdict.ok is None:
            undecided.append((rank, verdict))
        else:
            failed.append(verdict)
    family_ja = "ZEH-M" if f.family == ZEHM_FAMILY else "ZEH"
    if undecided:
        missing = tuple(dict.fromkeys(m for _, c in undecided for m in c.missing))
        rank, why = undecided[-1]
        return RankAssessment(
            None,
            f"{rank} について{why.ja}",
            f"for {rank}, {why.en}",
            f.family,
            missing,
        )
    ja, en = _joined([(c.ja, c.en) for c in dict.fromkeys(failed)])
    return RankAssessment(
        None,
        f"{ja}のため {family_ja} のいずれのランクにも該当しません",
        f"{en}: no {family_ja} rank",
        f.family,
    )


def _assess(f: _Figures) -> RankAssessment:
    if f.r_ex is None:
        return RankAssessment(
            None,
            # The verdict (判定できません) is shown beside the reason, never inside it.
            "再エネ除く削減率もBEIも記載がありません",
            "no reduction excluding renewables and no BEI given",
            f.family,
            (F_EXCL, F_BEI),
        )
    if f.family in (ZEH_FAMILY, ZEHM_FAMILY):
        return _assess_house(f)
    if f.r_ex >= ZEB_READY_MIN_PCT:
        return _supported_with_renewables(f, ZEB_READY_MIN_PCT, ("ZEB", "Nearly ZEB", "ZEB Ready"))
    if f.r_ex >= ORIENTED_LOWEST_PCT:
        return _oriented(f)
    ja, en = _excl_phrase(f, "<", ORIENTED_LOWEST_PCT)
    return RankAssessment(
        None, f"{ja}のため ZEB の水準に達しません", f"{en}: below every ZEB rank", f.family
    )


def verdict_key(assessment: RankAssessment) -> str:
    """The glossary key (zebkb/glossary.py) of the verdict when the figures support no rank.

    Figures missing: 判定できません (verdict.unassessed); figures below every rank:
    該当するランクはありません (verdict.no_rank). One record reads the same everywhere.
    """
    return "verdict.unassessed" if assessment.missing else "verdict.no_rank"


def supported_rank(case: Mapping[str, Any]) -> RankAssessment:
    """The highest rank the case's figures support, with a one-line reason in each language."""
    return _assess(_figures(case))


def _stated(case: Mapping[str, Any]) -> str | None:
    value = case.get("zeb_rank")
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def _gx_meets(stated: str, f: _Figures) -> tuple[bool | None, str, str]:
    """GX grades: refutable by the reductions, never confirmed (grade 6, HEMS, battery unrecorded)."""
    conds = [_excl_at_least(f, GX_MIN_EXCL_PCT)]
    if stated.endswith("+"):
        conds.append(_incl_at_least(f, GX_PLUS_MIN_INCL_PCT))
    elif stated.startswith("Nearly"):
        conds.append(_incl_at_least(f, NEARLY_MIN_INCL_PCT))
    elif stated.endswith("Ready"):
        conds.append(_incl_at_least(f, ZEHM_READY_MIN_INCL_PCT))
    elif not stated.endswith("Oriented"):
        conds.append(_incl_at_least(f, NET_ZERO_INCL_PCT))
    verdict = _all(conds)
    if verdict.ok is False:
        return False, verdict.ja, verdict.en
    return (
        None,
        "GX の断熱等性能等級6・設備要件は記録にないため確認できません"
        "（2025年9月制定、2027年4月から適用）",
        "insulation grade 6 and the equipment GX grades need are not recorded"
        " (defined September 2025, applying from April 2027)",
    )


def _meets(stated: str, status: str | None, f: _Figures) -> tuple[bool | None, str, str]:
    """Whether the figures meet the stated rank: True, False (refuted) or None, with why not."""
    if f.r_ex is None:
        return None, "削減率・BEIの記載がなく確認できません", "no reduction or BEI to confirm it"
    family = rank_family(stated)
    if family in GX_FAMILIES:
        return _gx_meets(stated, f)
    if family in (ZEH_FAMILY, ZEHM_FAMILY):
        verdict = _all(_house_conditions(stated, f))
        return verdict.ok, verdict.ja, verdict.en
    if stated in ("ZEB", "Nearly ZEB", "ZEB Ready"):
        if f.r_ex < ZEB_READY_MIN_PCT:
            ja, en = _excl_phrase(f, "<", ZEB_READY_MIN_PCT)
            return False, ja, en
        need_in = {"ZEB": NET_ZERO_INCL_PCT, "Nearly ZEB": NEARLY_MIN_INCL_PCT}.get(stated)
        if need_in is None:
            return True, "", ""
        if f.r_in is None:
            return None, "再エネ含む削減率がなく確認できません", "no reduction including renewables"
        if f.r_in < need_in:
            ja, en = _incl_phrase(f, "<", need_in)
            return False, ja, en
        return True, "", ""
    # ZEB Oriented.
    if f.r_ex >= ZEB_READY_MIN_PCT:
        return True, "", ""
    oriented = _oriented(f)
    if oriented.rank == "ZEB Oriented":
        return True, "", ""
    threshold = oriented_threshold_pct(f.use)
    if status == "equivalent":
        # 相当 means designed to the level: a school under 10,000 m² can be
        # "ZEB Oriented相当" (docs/domain.md), so only the reduction threshold applies.
        if threshold is None and f.r_ex < ORIENTED_HIGHEST_PCT and f.r_ex >= ORIENTED_LOWEST_PCT:
            return (
                None,
                "建物用途がなく基準（30%/40%）を確認できません",
                "no building use to pick 30 % or 40 %",
            )
        threshold = threshold if threshold is not None else ORIENTED_LOWEST_PCT
        if f.r_ex >= threshold:
            return True, "", ""
        ja, en = _excl_phrase(f, "<", threshold)
        return False, ja, en
    if oriented.missing:
        return None, oriented.reason_ja, oriented.reason_en
    return False, oriented.reason_ja, oriented.reason_en


def check_rank(case: Mapping[str, Any]) -> RankCheck:
    """Compare the stated rank with what the figures support."""
    stated = _stated(case)
    raw_status = case.get("rank_status")
    status = raw_status if isinstance(raw_status, str) else None
    f = _figures(case)
    supported = _assess(f)
    sup_ja = supported.rank and _rank_label(supported.rank)
    if stated is None:
        if supported.rank is None:
            return RankCheck(None, status, supported, False, "ランクの記載なし", "no rank stated")
        return RankCheck(
            None,
            status,
            supported,
            False,
            f"ランクの記載なし。数値からは {sup_ja}（{supported.reason_ja}）",
            f"no rank stated; the figures support {supported.rank} ({supported.reason_en})",
        )
    family = rank_family(stated)
    if family is None:
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"ランク「{stated}」は判定の対象外です（記載のまま保持）",
            f"rank {stated!r} is not assessed (kept as given)",
        )
    if BUILDING_FAMILY[family] != f.family:
        kind_ja, kind_en = {
            ZEH_FAMILY: ("戸建住宅", "a house"),
            ZEHM_FAMILY: ("集合住宅", "an apartment building"),
        }.get(f.family, ("非住宅", "not a house"))
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"ランク「{stated}」は{family}の区分ですが、建物は{kind_ja}です",
            f"rank {stated!r} belongs to the {family} family but the building is {kind_en}",
            None,
            True,
        )
    confirmed, why_ja, why_en = _meets(stated, status, f)
    stated_ja = _rank_label(stated)
    if confirmed is False:
        sup_en = supported.rank or "no rank"
        higher = family in GX_FAMILIES or rank_level(stated) > rank_level(supported.rank)
        if higher:
            return RankCheck(
                stated,
                status,
                supported,
                True,
                f"記載ランク {stated_ja} は数値と合いません（{why_ja}）。"
                f"数値からは {sup_ja or '該当するランクはありません'}",
                f"stated {stated} is higher than the figures support ({why_en});"
                f" they support {sup_en}",
                confirmed,
                True,
            )
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"記載ランク {stated_ja} の条件を満たしません（{why_ja}）。数値からは {sup_ja}",
            f"stated {stated} does not apply ({why_en}); the figures support {sup_en}",
            confirmed,
            True,
        )
    if confirmed is None:
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"記載ランク {stated_ja} を数値で確認できません（{why_ja}）",
            f"stated {stated} cannot be confirmed from the figures ({why_en})",
            confirmed,
        )
    if rank_level(supported.rank) < rank_level(stated):
        # Only a 相当 rank gets here: designed to the level without the
        # certification conditions (a ZEB Oriented相当 school under 10,000 m²).
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"{stated_ja}相当として削減率の水準と整合します（認証の対象外: {supported.reason_ja}）",
            f"{stated} equivalent: the reduction meets the level (not certifiable: "
            f"{supported.reason_en})",
            confirmed,
        )
    if rank_level(supported.rank) > rank_level(stated):
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"数値からは {sup_ja} が該当する可能性があります（{supported.reason_ja}）",
            f"{supported.rank} may apply ({supported.reason_en})",
            confirmed,
            True,
        )
    return RankCheck(
        stated,
        status,
        supported,
        False,
        f"記載ランク {stated_ja} は数値と整合します",
        f"stated {stated} agrees with the figures",
        confirmed,
    )

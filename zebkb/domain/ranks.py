"""The rank engine: which ZEB/ZEH rank a case's figures support, and whether the stated one holds.

Thresholds are those of domain.md and rule 3 of domain-research.md §7:

- ZEB: r_ex ≥ 50 and r_in ≥ 100; Nearly ZEB: r_ex ≥ 50 and r_in ≥ 75;
  ZEB Ready: r_ex ≥ 50; ZEB Oriented: floor area ≥ 10,000 m², a technology not
  yet evaluated (未評価技術), and r_ex ≥ 40 (事務所等, 学校等, 工場等) or ≥ 30 (others);
- houses: ZEH r_ex ≥ 20 and r_in ≥ 100; Nearly ZEH r_ex ≥ 20 and r_in ≥ 75;
  ZEH Oriented r_ex ≥ 20; ZEH+ needs r_ex ≥ 25, r_in ≥ 100 and further measures
  the record does not hold, so the figures alone never prove it.

r_ex and r_in are the reductions (%) of primary energy from the standard value
without and with on-site renewables; r_ex comes from BEI, (1 − BEI) × 100, when
only BEI is given. Ranks outside these families (GX ZEH, ZEH-M …) are kept as
given and not assessed.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zebkb.domain.vocab import HOUSE_USE, ZEB_RANKS, oriented_threshold_pct

ZEB_FAMILY = "ZEB"
ZEH_FAMILY = "ZEH"

# Highest first.
RANK_ORDER: dict[str, tuple[str, ...]] = {
    ZEB_FAMILY: ("ZEB", "Nearly ZEB", "ZEB Ready", "ZEB Oriented"),
    ZEH_FAMILY: ("ZEH+", "ZEH", "Nearly ZEH", "ZEH Oriented"),
}
KNOWN_RANKS: tuple[str, ...] = RANK_ORDER[ZEB_FAMILY] + RANK_ORDER[ZEH_FAMILY]

ORIENTED_MIN_FLOOR_AREA_M2 = 10_000.0
ZEB_READY_MIN_PCT = 50.0
NEARLY_MIN_INCL_PCT = 75.0
NET_ZERO_INCL_PCT = 100.0
ZEH_MIN_EXCL_PCT = 20.0
ZEH_PLUS_MIN_EXCL_PCT = 25.0
# The lower of the two Oriented thresholds: below it no use qualifies.
ORIENTED_LOWEST_PCT = 30.0
ORIENTED_HIGHEST_PCT = 40.0

F_EXCL = "reduction_excl_renewables_pct"
F_INCL = "reduction_incl_renewables_pct"
F_BEI = "bei"
F_AREA = "floor_area_m2"
F_UNEVALUATED = "uses_unevaluated_technology"
F_USE = "building_use"


def rank_family(rank: str | None) -> str | None:
    """ZEB or ZEH for a known rank, None for anything else."""
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


def _pct(value: float) -> str:
    """51 → '51', 51.25 → '51.3': short enough for a reason line."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _area(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _number(case: Mapping[str, Any], name: str) -> float | None:
    value = case.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True, slots=True)
class _Figures:
    r_ex: float | None
    r_in: float | None
    from_bei: float | None  # the BEI r_ex came from, when it did
    area: float | None
    unevaluated: bool | None
    use: str | None
    family: str


def is_house(case: Mapping[str, Any]) -> bool:
    return case.get(F_USE) == HOUSE_USE or case.get("facility_type") == HOUSE_USE


def _family(case: Mapping[str, Any]) -> str:
    if is_house(case):
        return ZEH_FAMILY
    # A stated ZEH rank on a case with no use or type at all is taken as a house.
    if (
        not case.get(F_USE)
        and not case.get("facility_type")
        and rank_family(_stated(case)) == ZEH_FAMILY
    ):
        return ZEH_FAMILY
    return ZEB_FAMILY


def _figures(case: Mapping[str, Any]) -> _Figures:
    r_ex = _number(case, F_EXCL)
    bei = _number(case, F_BEI)
    from_bei = None
    if r_ex is None and bei is not None:
        # Rounded so that BEI 0.6 gives 40 and not 39.99999999999999.
        r_ex = round((1.0 - bei) * 100.0, 6)
        from_bei = bei
    unevaluated = case.get(F_UNEVALUATED)
    use = case.get(F_USE)
    return _Figures(
        r_ex=r_ex,
        r_in=_number(case, F_INCL),
        from_bei=from_bei,
        area=_number(case, F_AREA),
        unevaluated=unevaluated if isinstance(unevaluated, bool) else None,
        use=use if isinstance(use, str) and use else None,
        family=_family(case),
    )


def _excl_phrase(f: _Figures, op: str, threshold: float) -> tuple[str, str]:
    assert f.r_ex is not None
    if f.from_bei is not None:
        return (
            f"BEI {f.from_bei:g}(再エネ除く削減率{_pct(f.r_ex)}%{op}{_pct(threshold)}%)",
            f"BEI {f.from_bei:g} ({_pct(f.r_ex)}% reduction excluding renewables"
            f" {op} {_pct(threshold)} %)",
        )
    return (
        f"再エネ除く削減率{_pct(f.r_ex)}%({op}{_pct(threshold)}%)",
        f"{_pct(f.r_ex)}% reduction excluding renewables ({op} {_pct(threshold)} %)",
    )


def _incl_phrase(f: _Figures, op: str, threshold: float) -> tuple[str, str]:
    assert f.r_in is not None
    return (
        f"再エネ含む削減率{_pct(f.r_in)}%({op}{_pct(threshold)}%)",
        f"{_pct(f.r_in)}% including renewables ({op} {_pct(threshold)} %)",
    )


def _joined(parts: list[tuple[str, str]]) -> tuple[str, str]:
    return "、".join(p[0] for p in parts), ", ".join(p[1] for p in parts)


def _rank_label(rank: str) -> str:
    return ZEB_RANKS.label(rank, "ja")


def _supported_with_renewables(
    f: _Figures, excl_min: float, ranks: tuple[str, str, str]
) -> RankAssessment:
    """The top three ranks of a family: net zero, Nearly, and the base rank (Ready / ZEH Oriented)."""
    top, nearly, base = ranks
    excl = _excl_phrase(f, "≥", excl_min)
    if f.r_in is None:
        ja, en = excl
        return RankAssessment(
            base,
            f"{ja}により {_rank_label(base)}(再エネ含む削減率がないため上位ランクは未判定)",
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
                f"延床面積{_area(f.area)}㎡(<10,000㎡)",
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
            (f"延床面積{_area(f.area or 0)}㎡(≥10,000㎡)", f"floor area {_area(f.area or 0)} m²"),
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
}
_FIELD_EN = {
    F_EXCL: "the reduction excluding renewables",
    F_INCL: "the reduction including renewables",
    F_BEI: "BEI",
    F_AREA: "the floor area",
    F_UNEVALUATED: "whether a technology not yet evaluated is used",
    F_USE: "the building use",
}


def _assess(f: _Figures) -> RankAssessment:
    if f.r_ex is None:
        return RankAssessment(
            None,
            "再エネ除く削減率もBEIもないため判定できません",
            "no reduction excluding renewables and no BEI: cannot assess",
            f.family,
            (F_EXCL, F_BEI),
        )
    if f.family == ZEH_FAMILY:
        if f.r_ex >= ZEH_MIN_EXCL_PCT:
            return _supported_with_renewables(
                f, ZEH_MIN_EXCL_PCT, ("ZEH", "Nearly ZEH", "ZEH Oriented")
            )
        ja, en = _excl_phrase(f, "<", ZEH_MIN_EXCL_PCT)
        return RankAssessment(
            None, f"{ja}のため ZEH の水準に達しません", f"{en}: below every ZEH rank", f.family
        )
    if f.r_ex >= ZEB_READY_MIN_PCT:
        return _supported_with_renewables(f, ZEB_READY_MIN_PCT, ("ZEB", "Nearly ZEB", "ZEB Ready"))
    if f.r_ex >= ORIENTED_LOWEST_PCT:
        return _oriented(f)
    ja, en = _excl_phrase(f, "<", ORIENTED_LOWEST_PCT)
    return RankAssessment(
        None, f"{ja}のため ZEB の水準に達しません", f"{en}: below every ZEB rank", f.family
    )


def supported_rank(case: Mapping[str, Any]) -> RankAssessment:
    """The highest rank the case's figures support, with a one-line reason in each language."""
    return _assess(_figures(case))


def _stated(case: Mapping[str, Any]) -> str | None:
    value = case.get("zeb_rank")
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def _meets(stated: str, status: str | None, f: _Figures) -> tuple[bool | None, str, str]:
    """Whether the figures meet the stated rank: True, False (refuted) or None, with why not."""
    if f.r_ex is None:
        return None, "削減率・BEIの記載がなく確認できません", "no reduction or BEI to confirm it"
    family_min = ZEH_MIN_EXCL_PCT if rank_family(stated) == ZEH_FAMILY else ZEB_READY_MIN_PCT
    if stated in ("ZEB", "Nearly ZEB", "ZEB Ready", "ZEH", "Nearly ZEH", "ZEH Oriented"):
        if f.r_ex < family_min:
            ja, en = _excl_phrase(f, "<", family_min)
            return False, ja, en
        need_in = {"ZEB": NET_ZERO_INCL_PCT, "ZEH": NET_ZERO_INCL_PCT}.get(
            stated, NEARLY_MIN_INCL_PCT if stated.startswith("Nearly") else None
        )
        if need_in is None:
            return True, "", ""
        if f.r_in is None:
            return None, "再エネ含む削減率がなく確認できません", "no reduction including renewables"
        if f.r_in < need_in:
            ja, en = _incl_phrase(f, "<", need_in)
            return False, ja, en
        return True, "", ""
    if stated == "ZEH+":
        if f.r_ex < ZEH_PLUS_MIN_EXCL_PCT:
            ja, en = _excl_phrase(f, "<", ZEH_PLUS_MIN_EXCL_PCT)
            return False, ja, en
        if f.r_in is not None and f.r_in < NET_ZERO_INCL_PCT:
            ja, en = _incl_phrase(f, "<", NET_ZERO_INCL_PCT)
            return False, ja, en
        return (
            None,
            "ZEH+ の追加要件は記録にないため確認できません",
            "the further measures ZEH+ needs are not recorded",
        )
    # ZEB Oriented.
    if f.r_ex >= ZEB_READY_MIN_PCT:
        return True, "", ""
    oriented = _oriented(f)
    if oriented.rank == "ZEB Oriented":
        return True, "", ""
    threshold = oriented_threshold_pct(f.use)
    if status == "equivalent":
        # 相当 means designed to the level: a school under 10,000 m² can be
        # "ZEB Oriented相当" (domain.md), so only the reduction threshold applies.
        if threshold is None and f.r_ex < ORIENTED_HIGHEST_PCT and f.r_ex >= ORIENTED_LOWEST_PCT:
            return (
                None,
                "建物用途がなく基準(30%/40%)を確認できません",
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
            f"ランクの記載なし。数値からは {sup_ja}({supported.reason_ja})",
            f"no rank stated; the figures support {supported.rank} ({supported.reason_en})",
        )
    family = rank_family(stated)
    if family is None:
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"ランク「{stated}」は判定の対象外です(記載のまま保持)",
            f"rank {stated!r} is not assessed (kept as given)",
        )
    if family != f.family:
        kind_ja, kind_en = (
            ("住宅", "a house") if f.family == ZEH_FAMILY else ("非住宅", "not a house")
        )
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
        return RankCheck(
            stated,
            status,
            supported,
            True,
            f"記載ランク {stated_ja} は数値と合いません({why_ja})。数値からは {sup_ja or 'ランクなし'}",
            f"stated {stated} is higher than the figures support ({why_en}); they support {sup_en}",
            confirmed,
            True,
        )
    if confirmed is None:
        return RankCheck(
            stated,
            status,
            supported,
            False,
            f"記載ランク {stated_ja} を数値で確認できません({why_ja})",
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
            f"{stated_ja}相当として削減率の水準と整合します(認証の対象外: {supported.reason_ja})",
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
            f"数値からは {sup_ja} が該当する可能性があります({supported.reason_ja})",
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

"""Controlled and suggested vocabularies, with Japanese and English labels.

A vocabulary is *closed* where bundle-format.md lists the only allowed values
(project type, rank status, session kind, building use) and *open* where it
says "e.g." (facility type, structure, technologies, ranks): there the list
only feeds suggestions and labels, and any text is kept as given.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from zebkb.domain.kinds import RECORD_TYPE_LABELS


@dataclass(frozen=True, slots=True)
class Term:
    value: str  # what the record stores
    ja: str
    en: str
    group: str | None = None  # a grouping whose meaning the vocabulary defines


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    closed: bool
    group_labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # group: (ja, en)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_value: dict[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for term in self.terms:
            for key in (term.value, term.ja, term.en):
                lookup.setdefault(_fold(key), term.value)
        # Frozen for callers; the indexes are built once here.
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_value", {t.value: t for t in self.terms})

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._by_value

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def values(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.terms)

    def term(self, value: str) -> Term | None:
        return self._by_value.get(value)

    def label(self, value: str, lang: str = "ja") -> str:
        """The label to show; a value outside the list is shown as it is."""
        term = self.term(value)
        if term is None:
            return value
        return term.en if lang == "en" else term.ja

    def lookup(self, text: str) -> str | None:
        """The stored value for a value or label typed in either language and width."""
        return self._lookup.get(_fold(text))


RECORD_TYPES = Vocabulary(
    "record_type",
    tuple(Term(value, ja, en) for value, (ja, en) in RECORD_TYPE_LABELS.items()),
    closed=True,
)

PROJECT_TYPES = Vocabulary(
    "project_type",
    (Term("new", "新築", "New build"), Term("renovation", "改修", "Renovation")),
    closed=True,
)

RANK_STATUSES = Vocabulary(
    "rank_status",
    (
        # 相当: designed to the level without the certificate (docs/domain.md).
        Term("certified", "認証", "Certified"),
        Term("equivalent", "相当", "Equivalent"),
    ),
    closed=True,
)

SESSION_KINDS = Vocabulary(
    "session_kind",
    (
        Term("study", "勉強会", "Study session"),
        Term("training", "研修会", "Training"),
        Term("tour", "見学会", "Tour"),
        Term("seminar", "セミナー", "Seminar"),
        Term("briefing", "説明会", "Briefing"),
        Term("exchange", "意見交換会", "Exchange of views"),
        Term("specialist_training", "専門研修", "Specialist training"),
        Term("course", "講座", "Course"),
    ),
    closed=True,
)

SESSION_FORMATS = Vocabulary(
    "session_format",
    (
        Term("in_person", "対面", "In person"),
        Term("online", "オンライン", "Online"),
        Term("hybrid", "ハイブリッド", "Hybrid"),
    ),
    closed=True,
)

VISIT_DIRECTIONS = Vocabulary(
    "visit_direction",
    (
        Term("inbound", "受入", "Received (inbound)"),
        Term("outbound", "派遣", "Made (outbound)"),
    ),
    closed=True,
)

ISSUE_STATUSES = Vocabulary(
    "issue_status",
    (
        Term("open", "未対応", "Open"),
        Term("in_progress", "対応中", "In progress"),
        Term("resolved", "解決", "Resolved"),
    ),
    closed=True,
)

# The categories of the Ministry's exchange-meeting case reports (合意形成, 予算,
# 調達, 補助制度活用; docs/domain-research.md §6.1) with design, operation and training.
ISSUE_CATEGORIES = Vocabulary(
    "issue_category",
    (
        Term("合意形成", "合意形成", "Consensus building"),
        Term("予算", "予算", "Budget"),
        Term("調達", "調達", "Procurement"),
        Term("設計", "設計", "Design"),
        Term("補助制度", "補助制度", "Subsidies"),
        Term("運用", "運用", "Operation"),
        Term("人材育成", "人材育成", "Staff development"),
        Term("その他", "その他", "Other"),
    ),
    closed=True,
)

# The group is the ZEB Oriented threshold in percent (docs/domain.md); houses have none.
BUILDING_USES = Vocabulary(
    "building_use",
    (
        Term("事務所等", "事務所等", "Offices", "40"),
        Term("学校等", "学校等", "Schools", "40"),
        Term("工場等", "工場等", "Factories", "40"),
        Term("ホテル等", "ホテル等", "Hotels", "30"),
        Term("病院等", "病院等", "Hospitals", "30"),
        Term("百貨店等", "百貨店等", "Department stores", "30"),
        Term("飲食店等", "飲食店等", "Restaurants", "30"),
        Term("集会所等", "集会所等", "Assembly halls", "30"),
        Term("住宅", "住宅", "Housing", None),
    ),
    closed=True,
)

HOUSE_USE = "住宅"


def oriented_threshold_pct(building_use: str | None) -> float | None:
    """The ZEB Oriented reduction threshold for a use, None for houses or unknown uses."""
    term = BUILDING_USES.term(building_use) if building_use else None
    if term is None or term.group is None:
        return None
    return float(term.group)


# The group is the building use a facility type usually has, to pre-fill a form;
# None where it varies or is unsettled (保育園: 学校等 or 病院等, docs/domain-research.md §4.2).
FACILITY_TYPES = Vocabulary(
    "facility_type",
    (
        Term("本庁舎", "本庁舎", "City hall", "事務所等"),
        Term("庁舎", "庁舎", "Government office", "事務所等"),
        Term("出張所・区民事務所", "出張所・区民事務所", "Branch office", "事務所等"),
        Term("清掃事務所", "清掃事務所", "Sanitation office", "事務所等"),
        Term("学校", "学校", "School", "学校等"),
        Term("小学校", "小学校", "Elementary school", "学校等"),
        Term("中学校", "中学校", "Junior high school", "学校等"),
        Term("義務教育学校", "義務教育学校", "Compulsory-education school", "学校等"),
        Term("幼稚園", "幼稚園", "Kindergarten", "学校等"),
        Term("保育園", "保育園", "Nursery school", None),
        Term("児童館", "児童館", "Children's centre", None),
        Term("区民施設", "区民施設", "Community facility", "集会所等"),
        Term(
            "区民センター・地区センター",
            "区民センター・地区センター",
            "Community centre",
            "集会所等",
        ),
        Term("図書館", "図書館", "Library", "集会所等"),
        Term("体育施設", "体育施設", "Sports facility", "集会所等"),
        Term("体育館・スポーツ施設", "体育館・スポーツ施設", "Gymnasium", "集会所等"),
        Term("福祉施設", "福祉施設", "Welfare facility", None),
        Term(
            "福祉施設(高齢・障害)",
            "福祉施設（高齢・障害）",
            "Welfare facility (elderly, disabled)",
            "病院等",
        ),
        Term("住宅", "住宅", "Housing", HOUSE_USE),
        Term("公園管理事務所", "公園管理事務所", "Park office", "事務所等"),
        Term("環境学習施設", "環境学習施設", "Environmental learning centre", None),
        Term("複合施設", "複合施設", "Mixed-use facility", None),
        Term("その他", "その他", "Other", None),
    ),
    closed=False,
)


def suggested_building_use(facility_type: str | None) -> str | None:
    term = FACILITY_TYPES.term(facility_type) if facility_type else None
    return term.group if term else None


STRUCTURES = Vocabulary(
    "structure",
    (
        Term("RC", "鉄筋コンクリート造", "Reinforced concrete"),
        Term("S", "鉄骨造", "Steel"),
        Term("SRC", "鉄骨鉄筋コンクリート造", "Steel-reinforced concrete"),
        Term("W", "木造", "Timber"),
        Term("RC造一部S造", "RC造一部S造", "Reinforced concrete, partly steel"),
        Term("混構造", "混構造", "Mixed structure"),
    ),
    closed=False,
)

# ZEB PORTAL's grouping (docs/domain-research.md §5.3).
TECHNOLOGY_GROUPS = ("PASSIVE", "ACTIVE", "UNUSED", "CREATE", "エネマネ")

TECHNOLOGIES = Vocabulary(
    "technology",
    (
        Term("高断熱", "高断熱", "High insulation", "PASSIVE"),
        Term("高性能断熱材", "高性能断熱材", "High-performance insulation", "PASSIVE"),
        Term("外壁断熱", "外壁断熱", "External wall insulation", "PASSIVE"),
        Term("屋根断熱", "屋根断熱", "Roof insulation", "PASSIVE"),
        Term("断熱改修", "断熱改修", "Insulation retrofit", "PASSIVE"),
        Term("内窓", "内窓", "Secondary inner windows", "PASSIVE"),
        Term("土壁", "土壁", "Earthen walls", "PASSIVE"),
        Term("Low-E複層ガラス", "Low-E複層ガラス", "Low-E double glazing", "PASSIVE"),
        Term(
            "高性能断熱・遮熱窓",
            "高性能断熱・遮熱窓",
            "Insulating, solar-control windows",
            "PASSIVE",
        ),
        Term("日射遮蔽", "日射遮蔽", "Solar shading", "PASSIVE"),
        Term("庇", "庇", "Eaves", "PASSIVE"),
        Term("バルコニー", "バルコニー", "Balconies", "PASSIVE"),
        Term("緑のカーテン", "緑のカーテン", "Green curtain (climbing plants)", "PASSIVE"),
        Term("自然採光", "自然採光", "Daylighting", "PASSIVE"),
        Term("自然換気", "自然換気", "Natural ventilation", "PASSIVE"),
        Term("光庭", "光庭", "Light well", "PASSIVE"),
        Term("外気負荷削減", "外気負荷削減", "Outdoor-air load reduction", "PASSIVE"),
        Term("高効率空調", "高効率空調", "High-efficiency air conditioning", "ACTIVE"),
        Term("GHP", "GHP（ガスヒートポンプ）", "Gas heat pump", "ACTIVE"),
        Term("EHP", "EHP（電気ヒートポンプ）", "Electric heat pump", "ACTIVE"),
        Term("全熱交換器", "全熱交換器", "Total heat exchanger", "ACTIVE"),
        Term("高効率換気", "高効率換気", "High-efficiency ventilation", "ACTIVE"),
        Term("LED照明", "LED照明", "LED lighting", "ACTIVE"),
        Term("高効率照明", "高効率照明", "High-efficiency lighting", "ACTIVE"),
        Term("高効率給湯", "高効率給湯", "High-efficiency hot water", "ACTIVE"),
        Term("ガス給湯器", "ガス給湯器", "Gas water heater", "ACTIVE"),
        Term("高効率昇降機", "高効率昇降機", "High-efficiency lifts", "ACTIVE"),
        Term("放射冷暖房", "放射冷暖房", "Radiant heating and cooling", "ACTIVE"),
        Term("冷媒式放射パネル", "冷媒式放射パネル", "Refrigerant radiant panels", "ACTIVE"),
        Term("デシカント空調", "デシカント空調", "Desiccant air conditioning", "ACTIVE"),
        Term("ドライミスト", "ドライミスト", "Dry mist cooling", "ACTIVE"),
        Term("雨水ろ過", "雨水ろ過", "Rainwater filtration", "ACTIVE"),
        Term("太陽光発電", "太陽光発電", "Solar power", "CREATE"),
        # Ground, river and sewage heat feed heat pumps: they lower consumption
        # (the MOE pamphlet's 未利用エネルギー, docs/domain-research.md §5.3) and are not
        # renewable generation, so they never count toward the with-renewables figure.
        Term("地中熱", "地中熱", "Ground-source heat", "UNUSED"),
        Term("河川水利用", "河川水利用", "River-water heat", "UNUSED"),
        Term("下水熱利用", "下水熱利用", "Sewage heat", "UNUSED"),
        Term("バイオマス", "バイオマス", "Biomass", "CREATE"),
        Term("BEMS", "BEMS", "Building energy management system", "エネマネ"),
        Term("蓄電池", "蓄電池", "Battery storage", "エネマネ"),
    ),
    closed=False,
    group_labels={
        "PASSIVE": ("パッシブ技術（負荷の削減）", "Passive (reduce the load)"),
        "ACTIVE": ("アクティブ技術（高効率化）", "Active (efficient equipment)"),
        "UNUSED": (
            "未利用エネルギー活用（消費の削減）",
            "Unused energy (lowers consumption; not generation)",
        ),
        "CREATE": ("創エネルギー（再エネ発電等）", "Create (renewable generation)"),
        "エネマネ": ("エネルギーマネジメント", "Energy management"),
    },
)


def technology_group(technology: str) -> str | None:
    value = TECHNOLOGIES.lookup(technology)
    term = TECHNOLOGIES.term(value) if value else None
    return term.group if term else None


# The group is the family; ranks.py holds their order and thresholds.
# ZEH-M is the apartment-building family; the GX families are the grades
# defined in September 2025 that apply from April 2027 (ranks.py).
ZEB_RANKS = Vocabulary(
    "zeb_rank",
    (
        Term("ZEB", "『ZEB』", "ZEB", "ZEB"),
        Term("Nearly ZEB", "Nearly ZEB", "Nearly ZEB", "ZEB"),
        Term("ZEB Ready", "ZEB Ready", "ZEB Ready", "ZEB"),
        Term("ZEB Oriented", "ZEB Oriented", "ZEB Oriented", "ZEB"),
        Term("ZEH+", "ZEH+", "ZEH+", "ZEH"),
        Term("ZEH", "『ZEH』", "ZEH", "ZEH"),
        Term("Nearly ZEH", "Nearly ZEH", "Nearly ZEH", "ZEH"),
        Term("ZEH Oriented", "ZEH Oriented", "ZEH Oriented", "ZEH"),
        Term("ZEH-M", "『ZEH-M』", "ZEH-M", "ZEH-M"),
        Term("Nearly ZEH-M", "Nearly ZEH-M", "Nearly ZEH-M", "ZEH-M"),
        Term("ZEH-M Ready", "ZEH-M Ready", "ZEH-M Ready", "ZEH-M"),
        Term("ZEH-M Oriented", "ZEH-M Oriented", "ZEH-M Oriented", "ZEH-M"),
        Term("GX ZEH+", "GX ZEH+", "GX ZEH+", "GX ZEH"),
        Term("GX ZEH", "GX ZEH", "GX ZEH", "GX ZEH"),
        Term("Nearly GX ZEH", "Nearly GX ZEH", "Nearly GX ZEH", "GX ZEH"),
        Term("GX ZEH Oriented", "GX ZEH Oriented", "GX ZEH Oriented", "GX ZEH"),
        Term("GX ZEH-M+", "GX ZEH-M+", "GX ZEH-M+", "GX ZEH-M"),
        Term("GX ZEH-M", "GX ZEH-M", "GX ZEH-M", "GX ZEH-M"),
        Term("Nearly GX ZEH-M", "Nearly GX ZEH-M", "Nearly GX ZEH-M", "GX ZEH-M"),
        Term("GX ZEH-M Ready", "GX ZEH-M Ready", "GX ZEH-M Ready", "GX ZEH-M"),
        Term("GX ZEH-M Oriented", "GX ZEH-M Oriented", "GX ZEH-M Oriented", "GX ZEH-M"),
    ),
    closed=False,
)

EVALUATION_METHODS = Vocabulary(
    "evaluation_method",
    (
        Term("standard_input", "標準入力法", "Standard input method"),
        Term("main_room_input", "主要室入力法", "Main-room input method"),
        Term("model_building", "モデル建物法", "Model building method"),
    ),
    closed=True,
)

CASE_STAGES = Vocabulary(
    "case_stage",
    (
        Term("planning", "計画", "Planning"),
        Term("design", "設計", "Design"),
        Term("construction", "工事", "Construction"),
        Term("completed", "竣工", "Completed"),
        Term("operation", "運用", "In operation"),
    ),
    closed=True,
)

FIGURES_BASES = Vocabulary(
    "figures_basis",
    (
        Term("design", "設計値", "Design values"),
        Term("measured", "実績値", "Measured values"),
    ),
    closed=True,
)

DWELLING_TYPES = Vocabulary(
    "dwelling_type",
    (
        Term("detached", "戸建住宅", "Detached house"),
        Term("apartment", "集合住宅", "Apartment building"),
    ),
    closed=True,
)

VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        RECORD_TYPES,
        PROJECT_TYPES,
        RANK_STATUSES,
        SESSION_KINDS,
        BUILDING_USES,
        FACILITY_TYPES,
        STRUCTURES,
        TECHNOLOGIES,
        ZEB_RANKS,
        DWELLING_TYPES,
        EVALUATION_METHODS,
        CASE_STAGES,
        FIGURES_BASES,
        SESSION_FORMATS,
        VISIT_DIRECTIONS,
        ISSUE_STATUSES,
        ISSUE_CATEGORIES,
    )
}

# The vocabulary that labels a field's values, by field name (one meaning per name).
FIELD_VOCABULARY_NAMES: dict[str, str] = {
    "type": "record_type",
    "project_type": "project_type",
    "rank_status": "rank_status",
    "kind": "session_kind",
    "building_use": "building_use",
    "facility_type": "facility_type",
    "structure": "structure",
    "technologies": "technology",
    "zeb_rank": "zeb_rank",
    "dwelling_type": "dwelling_type",
    "format": "session_format",
    "direction": "visit_direction",
    "status": "issue_status",
    "category": "issue_category",
    "evaluation_method": "evaluation_method",
    "stage": "case_stage",
    "figures_basis": "figures_basis",
}


def vocabulary(name: str) -> Vocabulary:
    try:
        return VOCABULARIES[name]
    except KeyError:
        raise KeyError(f"no vocabulary named {name!r}") from None


def label(vocab: Vocabulary | str, value: str | None, lang: str = "ja") -> str:
    """The label of a value in a vocabulary; '' for None, the value itself if unlisted."""
    if value is None:
        return ""
    v = vocabulary(vocab) if isinstance(vocab, str) else vocab
    return v.label(value, lang)


def group_label(vocab: Vocabulary | str, group: str, lang: str = "ja") -> str:
    v = vocabulary(vocab) if isinstance(vocab, str) else vocab
    labels = v.group_labels.get(group)
    if labels is None:
        return group
    return labels[1] if lang == "en" else labels[0]

"""The content of the demo records: real ward ZEB cases, visits and sessions.

Every figure comes from a public source named in the record's body (出典).
A figure no source gives stays null; the bodies say what is unconfirmed.
Dates the sources give only to the month are kept as months (2021-10), never
given an invented day. No private individual is named: people appear by role
(区議会議員2名). The source of every record is in its `source` field too.

``make_demo_assets.py`` turns these specs into bundle-form records; an
attachment is named here by a key that the generator resolves to a file.
"""

from __future__ import annotations

import uuid
from typing import Any

# Fixed so the demo uids never change between runs or releases.
DEMO_NAMESPACE = uuid.UUID("5d0c2f3a-7e7b-5b1e-9a41-6c1f0e2b7a10")

KATSUSHIKA = "131229"
OTA = "131113"
SHINAGAWA = "131091"
EDOGAWA = "131237"
ITABASHI = "131199"


def demo_uid(slug: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, slug))


# Sources (出典). Seed documents without an address are cited by title.
SRC_KATSUSHIKA_ZEB = "https://www.city.katsushika.lg.jp/information/1000082/1035251/1035330.html"
SRC_KATSUSHIKA_INDEX = "https://www2.city.katsushika.lg.jp/information/1000082/1035251/index.html"
SRC_GAS_MIZUMOTO = "https://www.gas.or.jp/gaszeb/case8.php"
SRC_TOKYOGAS_MIZUMOTO = "https://eee.tokyo-gas.co.jp/lp/zeb/case/02"
SRC_KENSETSU_CHOSHA = "https://www.kensetsunews.com/web-kan/1080481"
SRC_KOHO_KATSUSHIKA = (
    "https://mykoho.jp/article/東京都葛飾区/"
    "%e5%ba%83%e5%a0%b1%e3%81%8b%e3%81%a4%e3%81%97%e3%81%8b-%e4%bb%a4%e5%92%8c6%e5%b9%b4"
    "2%e6%9c%8815%e6%97%a5%e5%8f%b7/%e3%82%bc%e3%83%ad%e3%82%a8%e3%83%9f%e3%83%83%e3%82"
    "%b7%e3%83%a7%e3%83%b3%e3%81%8b%e3%81%a4%e3%81%97%e3%81%8b%e3%81%ae%e5%ae%9f%e7%8f"
    "%be%e3%81%ab%e5%90%91%e3%81%91%e3%81%a62/"
)
SRC_GETNEWS_SEIWA = "https://getnews.jp/archives/3538174"
SRC_MAELAB_KATSUSHIKA = (
    "https://sites.google.com/maelab.arch.t.u-tokyo.ac.jp/shcool-datsutanso/"
    "ホーム/230616-シンポジウム/報告書/葛飾区"
)
SRC_MAELAB_DISCUSSION = (
    "https://sites.google.com/maelab.arch.t.u-tokyo.ac.jp/shcool-datsutanso/"
    "ホーム/230616-シンポジウム/報告書/ディスカッション"
)
SRC_OTA_ZEB = "https://www.city.ota.tokyo.jp/seikatsu/sumaimachinami/kankyou/torikumi/belszeb.html"
SRC_SHINAGAWA_2021 = (
    "https://www.city.shinagawa.tokyo.jp/PC/press_release/press_release-2021/20210118161036.html"
)
SRC_SHINAGAWA_2022_08 = (
    "https://www.city.shinagawa.tokyo.jp/PC/press_release/press_release-2022/20220808111943.html"
)
SRC_SHINAGAWA_2022_12 = (
    "https://www.city.shinagawa.tokyo.jp/PC/press_release/press_release-2022/20221220133811.html"
)
SRC_ENV_ECOL = "https://www.env.go.jp/earth/zeb/case/new_12.html"
SRC_NORDOT_ECOL = "https://nordot.app/1178491195168751816?c=427849843378390113"
SRC_MHS_ECOL = "https://www.mhs.co.jp/news/12823/"
SRC_CEEC_ECOL = "https://ceec.jp/certification_news/2023/04/18/20230421-2"
SRC_KENTSU_SHINAGAWA = "https://old.kentsu.co.jp/webnews/view.asp?cd=220809500006&pub=1"
SRC_SHINAGAWA_2024_02 = (
    "http://203.82.145.159/news/detail.page;JSESSIONID_B2BCH=dbd81f3f10b4a8f4b370b434bf76"
    "?IMNEWS4=4683141"
)
SRC_KATSUSHIKA_MIZUMOTO = (
    "https://www.city.katsushika.lg.jp/kosodate/1000057/1002475/1002541/1021717.html"
)
SRC_MOTONISHI_VISIT = "https://motonishi.seikatsusha.me/blog/2023/05/18/4327"
SRC_MOTONISHI_QUESTION = "https://motonishi.seikatsusha.me/blog/2023/07/06/4444/"
SRC_ENV_240111 = "https://www.env.go.jp/earth/zeb/news/report_online_240111.html"
SRC_ALL62 = "http://all62.jp/"
SEED_FY2024 = "「ゼロカーボンシティ特別区に向けた取組について」（令和7年3月18日 環境課、令和6年度取組状況の報告）"
SEED_WARDS_REPORT = "令和4年度調査研究報告書『「ゼロカーボンシティ特別区」に向けた取組みについて』"
SEED_ALL62 = "オール東京62市区町村共同事業「みどり東京・温暖化防止プロジェクト」「平成25年度実施事業」について（資料3 平成24年度実施事業）"

MONTH_ONLY = "（公表資料は年月のみのため、日付欄も年月で記録）"


def sources(*items: str) -> str:
    return "## 出典\n" + "".join(f"- {item}\n" for item in items)


def case_specs() -> list[dict[str, Any]]:
    return [
        {
            "slug": "case/katsushika-seiso-jimusho",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区清掃事務所 ZEB Ready（設計 51%削減）",
            "tags": ["ZEB Ready", "清掃事務所", "設計段階"],
            "facility_name": "葛飾区清掃事務所",
            "facility_type": "清掃事務所",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "equivalent",
            "bei": 0.49,
            "reduction_excl_renewables_pct": 51,
            "public": True,
            "attachments": ["seiso_exterior_png"],
            "body": (
                "## 概要\n"
                "設計において、建物が使用するエネルギーを基準値から **51%削減** し、"
                "ZEB Ready を達成した（BELS の評価方法による設計値）。\n\n"
                "BEI 0.49 は削減率から算出した値（BEI = 1 − 0.51）。\n\n"
                "## 工夫・留意点\n"
                "- 区は新築・改築の際、外壁・屋上の断熱材と窓の複層ガラスで建物全体を断熱し、"
                "高効率な空調・照明機器を選定し、太陽光パネル等の創エネと組み合わせて"
                "ZEB 基準まで性能を引き上げる方針をとっている（区の標準的な手法。"
                "本施設の個別の採用設備は出典に記載がない）。\n"
                "- 清掃事務所は区有施設。清掃工場（東京二十三区清掃一部事務組合）とは別。\n"
                "- 令和6年10月21日、環境省・杉並区・市川市・さいたま市・有識者1名の視察を受け入れ、"
                "意見交換を行った（視察記録を参照）。\n\n"
                "## 課題\n"
                "- 延床面積・階数・構造・竣工年月・BELS 認証の有無は公表資料で未確認。"
                "認証が確認できるまで「相当（設計）」として扱う。\n\n"
                + sources(SRC_KATSUSHIKA_ZEB, SEED_FY2024)
            ),
        },
        {
            "slug": "case/katsushika-takaragizuka-es",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区立宝木塚小学校 ZEB Ready（設計 52%削減）",
            "tags": ["ZEB Ready", "学校", "設計段階"],
            "facility_name": "葛飾区立宝木塚小学校",
            "facility_type": "小学校",
            "building_use": "学校等",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "equivalent",
            "bei": 0.48,
            "reduction_excl_renewables_pct": 52,
            "public": True,
            "body": (
                "## 概要\n"
                "設計において、建物が使用するエネルギーを基準値から **52%削減** し、"
                "ZEB Ready を達成した。区の「新築・改築建物のZEB化について」に掲載。\n\n"
                "BEI 0.48 は削減率から算出した値。\n\n"
                "## 工夫・留意点\n"
                "- 区は新築・改築する公共施設（学校を含む）で ZEB Ready 以上を標準とする方針"
                "（広報かつしか 令和6年2月15日号）。\n\n"
                "## 課題\n"
                "- 延床面積・構造・竣工年月は公表資料で未確認。\n\n"
                + sources(SRC_KATSUSHIKA_ZEB, SRC_KOHO_KATSUSHIKA)
            ),
        },
        {
            "slug": "case/katsushika-tokiwa-jhs",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区立常盤中学校 ZEB Ready（設計 54%、再エネ含め 67%削減）",
            "tags": ["ZEB Ready", "学校", "設計段階", "再エネ"],
            "facility_name": "葛飾区立常盤中学校",
            "facility_type": "中学校",
            "building_use": "学校等",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "equivalent",
            "bei": 0.46,
            "reduction_excl_renewables_pct": 54,
            "reduction_incl_renewables_pct": 67,
            "public": True,
            "body": (
                "## 概要\n"
                "設計において、建物が使用するエネルギーを基準値から **54%削減** し ZEB Ready を"
                "達成。加えて 13% 分の再エネ設備を導入し、合計 **67%削減**。\n\n"
                "BEI 0.46 は再エネを除く削減率から算出した値。\n\n"
                "## 工夫・留意点\n"
                "- 再エネを含めた削減率 67% は Nearly ZEB の 75% に届かないため、ランクは ZEB Ready。\n\n"
                "## 課題\n"
                "- 再エネ設備の種類・容量、延床面積、竣工年月は出典に記載がない。\n\n"
                + sources(SRC_KATSUSHIKA_ZEB)
            ),
        },
        {
            "slug": "case/katsushika-mizumoto-es",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区立水元小学校 ZEB Oriented相当（7,985.46㎡、区立学校初のZEB化）",
            "tags": ["ZEB Oriented", "相当", "学校", "防災", "GHP"],
            "facility_name": "葛飾区立水元小学校",
            "facility_type": "小学校",
            "building_use": "学校等",
            "project_type": "new",
            "zeb_rank": "ZEB Oriented",
            "rank_status": "equivalent",
            "floor_area_m2": 7985.46,
            "storeys_above": 3,
            "structure": "RC造一部S造",
            "completed_on": "2025-07",
            # The ward's page: 新校舎は令和7年7月上旬に完成、9月から新校舎で運営.
            "stage": "operation",
            # Construction began 2023年7月; completion was planned for 2025年1月 (the gas
            # association's case page) and came in 令和7年7月 (the ward's page).
            "stage_dates": [
                {"stage": "construction", "actual_on": "2023-07"},
                {"stage": "completed", "planned_on": "2025-01", "actual_on": "2025-07"},
                {"stage": "operation", "actual_on": "2025-09"},
            ],
            "planned_completion_on": "2025-01",
            "designer": "株式会社類設計室",
            "technologies": [
                "外壁断熱",
                "屋根断熱",
                "Low-E複層ガラス",
                "庇",
                "バルコニー",
                "GHP",
                "EHP",
                "全熱交換器",
                "LED照明",
                "ガス給湯器",
                "太陽光発電",
                "ドライミスト",
                "冷媒式放射パネル",
                "緑のカーテン",
                "土壁",
                "雨水ろ過",
                "光庭",
                "BEMS",
            ],
            "public": True,
            "attachments": ["mizumoto_section_jpg"],
            "body": (
                "## 概要\n"
                "改築による新校舎（新築）。地上3階、RC造一部S造、延床面積 7,985.46㎡。"
                "外壁断熱は硬質ウレタンフォームA種1H 150mm、屋根断熱は押出法ポリスチレンフォーム3種b 100mm、"
                "GHP は停電対応型を含み、太陽光発電は 4kW。"
                "2023年7月に建設工事を開始。竣工予定は2025年1月（ガス協会の事例ページ時点）から"
                "令和7年7月に変更され、新校舎は令和7年7月上旬に完成、9月から新校舎で運営"
                "（区のページ）。設計は株式会社類設計室。\n\n"
                "## なぜ「相当」か\n"
                "ZEB Oriented の認証は延床面積 **10,000㎡以上** の建物が対象。水元小は 7,985.46㎡で"
                "この条件に達しないため、認証ではなく「ZEB Oriented相当」と表記されている。\n\n"
                "## 工夫・留意点\n"
                "- 『ゼロエミッションかつしか』を踏まえた区内横断プロジェクト。学校改築時の ZEB化に"
                "向けた先進事例。\n"
                "- 防災: 体育館だけでなく一部の普通教室にも停電対応型 GHP を導入し、災害時にも"
                "空調が使える。\n"
                "- 「適応能」を生かし、発汗を促して採涼・採暖を楽しむ空調で BEI を低減。"
                "使用実態に合わせた最適容量の空調。\n"
                "- 区と学校の意見交換、設計者や家具メーカーを交えたワークショップで、"
                "教職員の使い方に合った省エネ対策を検討した。\n\n"
                "## 課題\n"
                "- 一次エネルギー削減率・BEI・未評価技術の内訳は出典に記載がなく、数値欄は空欄。"
                "数値によるランクの確認はできない。\n\n"
                + sources(SRC_GAS_MIZUMOTO, SRC_TOKYOGAS_MIZUMOTO, SRC_KATSUSHIKA_MIZUMOTO)
            ),
        },
        {
            "slug": "case/katsushika-new-city-hall",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区新総合庁舎（立石駅北口地区再開発 東棟）ZEB Ready を目指す計画",
            "tags": ["庁舎", "計画中", "目標:ZEB Ready", "再開発"],
            "facility_name": "葛飾区新総合庁舎",
            "facility_type": "庁舎",
            "building_use": "事務所等",
            "project_type": "new",
            "floor_area_m2": 41485,
            "storeys_above": 14,
            "storeys_below": 3,
            "structure": "RC造一部S造",
            "public": True,
            "body": (
                "## 概要\n"
                "立石駅北口地区の再開発事業で建設される東棟に入る新総合庁舎。"
                "**ZEB Ready の達成を目指している**（達成・認証ではないため、ランク欄は空欄）。"
                "東棟は RC造一部S造、地下3階・地上14階、延床面積 41,485㎡"
                "（区は床を取得する方式で、面積は建物全体）。"
                "完成は2030年3月予定、2030年度に移転予定。\n\n"
                "## 工夫・留意点\n"
                "- 延床面積が 10,000㎡以上のため、ZEB Ready に届かない場合も未評価技術の導入により"
                "ZEB Oriented（事務所等は 40%以上削減）の対象になりうる規模。\n"
                "- 23区の本庁舎の延床面積の平均は 35,691㎡（令和4年度調査研究報告書）。\n\n"
                "## 課題\n"
                "- 設計値（BEI・削減率）は未公表。\n\n"
                + sources(SRC_KENSETSU_CHOSHA, SEED_WARDS_REPORT)
            ),
        },
        {
            "slug": "case/katsushika-seiwa-es-insulation",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "葛飾区立清和小学校 教室の断熱改修（既存校舎）",
            "tags": ["断熱改修", "既存改修", "学校"],
            "facility_name": "葛飾区立清和小学校",
            "facility_type": "小学校",
            "building_use": "学校等",
            "project_type": "renovation",
            "technologies": [
                "断熱改修",
                "内窓",
                "全熱交換器",
            ],
            "public": True,
            "body": (
                "## 概要\n"
                "1969年築の校舎で、2022年の長期休暇期間中に教室1室を断熱改修した"
                "（内窓の設置、教室を囲う断熱材の施工）。既存建築物の ZEB化を目指す取組の一環。"
                "ZEB ランクの対象ではない部分改修。\n\n"
                "## 工夫・留意点\n"
                "- 区内小中学校はエアコンが全校に整備されているが、壁に断熱材がなく冷暖房効率が"
                "悪いことが出発点。\n"
                "- 断熱した教室には全熱交換型の換気設備（ロスナイ）を2機設置。"
                "視察者からは「音が響かない」との感想があった。\n"
                "- 区は技術系職員を中心とした ZEB 勉強会も実施している。\n\n"
                "## 課題\n"
                "- 改修前後の温度・エネルギーの測定値は出典の抜粋にない。\n\n"
                + sources(SRC_GETNEWS_SEIWA, SRC_MAELAB_KATSUSHIKA, SRC_MOTONISHI_VISIT)
            ),
        },
        {
            "slug": "case/ota-kamata-seiso-jimusho",
            "origin": OTA,
            "ward": OTA,
            "title": "大田区 蒲田清掃事務所 ZEB Ready 認証（令和3年10月）",
            "tags": ["ZEB Ready", "BELS", "清掃事務所", "竣工済み"],
            "facility_name": "蒲田清掃事務所",
            "facility_type": "清掃事務所",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2021-10",
            "public": True,
            "body": (
                "## 概要\n"
                "大田区の「ZEB基準達成施設一覧」で、達成基準 ZEB Ready、認証取得 令和3年10月、"
                "竣工済み。" + MONTH_ONLY + "\n\n"
                "## 工夫・留意点\n"
                "- 大田区は公共施設の新築・改築等で ZEB 基準達成の取組を進めている。\n\n"
                "## 課題\n"
                "- 削減率・BEI・延床面積は一覧に記載がない。\n\n" + sources(SRC_OTA_ZEB)
            ),
        },
        {
            "slug": "case/ota-nishikamata-7-complex",
            "origin": OTA,
            "ward": OTA,
            "title": "大田区 仮称西蒲田七丁目複合施設 ZEB Ready 認証（建設中）",
            "tags": ["ZEB Ready", "BELS", "複合施設", "建設中"],
            "facility_name": "仮称大田区西蒲田七丁目複合施設",
            "facility_type": "複合施設",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2024-05",
            "public": True,
            "body": (
                "## 概要\n"
                "大田区「ZEB基準達成施設一覧」: ZEB Ready、認証取得 令和6年5月、建設中"
                "（2025年9月8日更新時点）。" + MONTH_ONLY + "\n\n"
                "## 課題\n- 削減率・規模は一覧に記載がない。\n\n" + sources(SRC_OTA_ZEB)
            ),
        },
        {
            "slug": "case/ota-kusunokien-minamirokugo",
            "origin": OTA,
            "ward": OTA,
            "title": "大田区 くすのき園及び南六郷福祉園 ZEB Ready 認証（建設中）",
            "tags": ["ZEB Ready", "BELS", "福祉施設", "建設中"],
            "facility_name": "くすのき園及び南六郷福祉園",
            "facility_type": "福祉施設",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2024-08",
            "public": True,
            "body": (
                "## 概要\n"
                "大田区「ZEB基準達成施設一覧」: ZEB Ready、認証取得 令和6年8月、建設中"
                "（2025年9月8日更新時点）。" + MONTH_ONLY + "\n\n"
                "## 課題\n- 削減率・規模・省エネ基準上の用途は一覧に記載がない。\n\n"
                + sources(SRC_OTA_ZEB)
            ),
        },
        {
            "slug": "case/ota-araijuku-fukushien",
            "origin": OTA,
            "ward": OTA,
            "title": "大田区 新井宿福祉園 ZEB Ready 認証（建設中）",
            "tags": ["ZEB Ready", "BELS", "福祉施設", "建設中"],
            "facility_name": "新井宿福祉園",
            "facility_type": "福祉施設",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2025-01",
            "public": True,
            "body": (
                "## 概要\n"
                "大田区「ZEB基準達成施設一覧」: ZEB Ready、認証取得 令和7年1月、建設中"
                "（2025年9月8日更新時点）。" + MONTH_ONLY + "\n\n"
                "## 課題\n- 削減率・規模は一覧に記載がない。\n\n" + sources(SRC_OTA_ZEB)
            ),
        },
        {
            "slug": "case/ota-omorikita-4-support",
            "origin": OTA,
            "ward": OTA,
            "title": "大田区 仮称大森北四丁目区民支援施設 ZEB Ready 認証（既存改修中）",
            "tags": ["ZEB Ready", "BELS", "区民施設", "既存改修"],
            "facility_name": "仮称大田区大森北四丁目区民支援施設",
            "facility_type": "区民施設",
            "project_type": "renovation",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2025-07",
            "public": True,
            "body": (
                "## 概要\n"
                "大田区「ZEB基準達成施設一覧」: ZEB Ready、認証取得 令和7年7月、**改修中**"
                "（既存建物の改修で ZEB Ready を取得した例）。" + MONTH_ONLY + "\n\n"
                "## 課題\n- 改修内容・削減率は一覧に記載がない。\n\n" + sources(SRC_OTA_ZEB)
            ),
        },
        {
            "slug": "case/shinagawa-ecoru-togoshi",
            "origin": SHINAGAWA,
            "ward": SHINAGAWA,
            "title": "品川区立環境学習交流施設「エコルとごし」Nearly ZEB 認証（都内公共建築物初）",
            "tags": ["Nearly ZEB", "BELS", "地中熱", "太陽光発電", "環境学習施設"],
            "facility_name": "品川区立環境学習交流施設 エコルとごし",
            "facility_type": "環境学習施設",
            "building_use": "集会所等",
            "project_type": "new",
            "zeb_rank": "Nearly ZEB",
            "rank_status": "certified",
            "certified_on": "2021-01",
            "floor_area_m2": 1866,
            "reduction_incl_renewables_pct": 85,
            "figures_basis": "design",
            "certification_scheme": "BELS",
            "stage": "operation",
            "total_cost_yen": 2_200_000_000,
            "subsidy_name": "環境省の補助（ZEB対象設備）",
            "subsidy_yen": 160_000_000,
            "designer": "松田平田設計",
            "address": "東京都品川区豊町2-1（戸越公園内）",
            "technologies": ["地中熱", "太陽光発電"],
            "public": True,
            "attachments": ["ecoru_geothermal_png"],
            "body": (
                "## 概要\n"
                "戸越公園内（豊町2-1）の環境学習交流施設。都内公共施設として初めて BELS の"
                "「Nearly ZEB」認証を取得（令和3年1月18日発表）。" + MONTH_ONLY + "\n"
                "2022年5月1日開館。延床面積 1,866㎡、建物用途 集会所等。設計は松田平田設計。\n\n"
                "## 削減率の段階\n"
                "| 段階 | 再エネ除く | 再エネ含む |\n"
                "|---|---|---|\n"
                "| 実施設計（認証時） | 出典に記載なし | 85% |\n"
                "| 竣工時の再計算 | 58% | 91% |\n"
                "| 運用実績（令和4年度） | – | 97%（実績値） |\n\n"
                "数値欄には認証時の値（再エネ含む 85%）を記録した。\n\n"
                "## 工夫・留意点\n"
                "- 年間を通じて温度が安定した地中熱を空調熱源に利用し、区有建築物で最大規模の"
                "太陽光発電で創エネ。\n"
                "- 基本計画（2018年度）で ZEB 建物として整備することを決定し、庁内会議体で"
                "ZEB の理解を深める意見交換を行った。\n"
                "- プロポーザル（2019年度）で運営・建物設計・展示設計を一体で提案させ、"
                "建物設計は ZEBプランナー登録事業者に限定した。\n"
                "- 建設費 22億円のうち ZEB 対象設備 3億2000万円に環境省の補助 1億6000万円。\n"
                "- 品川区は ZEBリーディング・オーナー（2022年時点で23区唯一）。\n\n"
                "## 課題\n"
                "- 運用段階でも設計値を維持するため、区・運営者・設備関係者の定期的な会議体で"
                "運用を調整している（実績は設計値を上回った）。\n\n"
                + sources(
                    SRC_SHINAGAWA_2021,
                    SRC_ENV_ECOL,
                    SRC_MHS_ECOL,
                    SRC_CEEC_ECOL,
                    SRC_NORDOT_ECOL,
                    SRC_KENTSU_SHINAGAWA,
                )
            ),
        },
        {
            "slug": "case/shinagawa-yashio-kita-park-office",
            "origin": SHINAGAWA,
            "ward": SHINAGAWA,
            "title": "品川区 八潮北公園管理事務所 ZEB Ready 認証（設計 64%削減）",
            "tags": ["ZEB Ready", "BELS", "公園管理事務所"],
            "facility_name": "八潮北公園管理事務所",
            "facility_type": "公園管理事務所",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "certified_on": "2022-07",
            # 令和5年9月末竣工予定 (the ward's release of 2022-08): a month, no day invented.
            "planned_completion_on": "2023-09",
            "stage_dates": [{"stage": "completed", "planned_on": "2023-09"}],
            "bei": 0.36,
            "reduction_excl_renewables_pct": 64,
            "figures_basis": "design",
            "certification_scheme": "BELS",
            "address": "東京都品川区八潮1-3-1（八潮北公園内）",
            "public": True,
            "body": (
                "## 概要\n"
                "八潮1-3-1（八潮北公園内）。BELS の「ZEB Ready」認証を令和4年7月に取得。"
                + MONTH_ONLY
                + "\n設計段階で建築物のエネルギー消費量の **64%削減** を実現。"
                "令和5年9月末竣工予定（発表時点）。BEI 0.36 は削減率から算出した値。\n\n"
                "## 工夫・留意点\n"
                "- 品川区の ZEB 等認証はエコルとごし、本施設、西大井三丁目障害者グループホーム"
                "（ZEH-M Ready）で累計3施設となり、関東地区自治体で最多となった（令和4年7月末時点）。\n\n"
                + sources(SRC_SHINAGAWA_2022_08, SRC_SHINAGAWA_2022_12)
            ),
        },
        {
            "slug": "case/shinagawa-kitashinagawa-elderly",
            "origin": SHINAGAWA,
            "ward": SHINAGAWA,
            "title": "品川区（仮称）北品川高齢者多世代交流支援施設 ZEB Ready 認証（設計 58%削減）",
            "tags": ["ZEB Ready", "BELS", "福祉施設"],
            "facility_name": "（仮称）北品川高齢者多世代交流支援施設",
            "facility_type": "福祉施設",
            "project_type": "new",
            "zeb_rank": "ZEB Ready",
            "rank_status": "certified",
            "bei": 0.42,
            "reduction_excl_renewables_pct": 58,
            "figures_basis": "design",
            "certification_scheme": "BELS",
            "planned_completion_on": "2024-02",
            "stage_dates": [{"stage": "completed", "planned_on": "2024-02"}],
            "address": "東京都品川区北品川1-29-12",
            "technologies": ["高断熱", "高効率空調", "太陽光発電"],
            "public": True,
            "body": (
                "## 概要\n"
                "北品川1-29-12。BELS の「ZEB Ready」認証を取得（令和4年12月20日の区発表。"
                "認証日は発表に記載がないため空欄）。令和6年2月末竣工予定（発表時点）。\n"
                "設計段階で建築物のエネルギー消費量の **58%削減** を実現。"
                "BEI 0.42 は削減率から算出した値。\n\n"
                "## 工夫・留意点\n"
                "- 外部に面する壁やサッシ等の断熱性能を高め、高効率の空調設備と"
                "太陽光発電システムを設置。\n"
                "- ZEBリーディング・オーナー登録自治体の中で全国最多の ZEB 認証取得数"
                "（発表時点）。\n\n" + sources(SRC_SHINAGAWA_2022_12)
            ),
        },
        {
            "slug": "case/shinagawa-nishioi-3-group-home",
            "origin": SHINAGAWA,
            "ward": SHINAGAWA,
            "title": "品川区（仮称）西大井三丁目障害者グループホーム ZEH-M Ready 認証",
            "tags": ["ZEH-M Ready", "BELS", "住宅", "集合住宅"],
            "facility_name": "（仮称）西大井三丁目障害者グループホーム",
            "facility_type": "住宅",
            "building_use": "住宅",
            "project_type": "new",
            "zeb_rank": "ZEH-M Ready",
            "rank_status": "certified",
            "certified_on": "2022-08",
            "public": True,
            "body": (
                "## 概要\n"
                "西大井3-11-3他。公共建築物では関東地区初となる BELS の「ZEH-M Ready」"
                "（集合住宅向け）認証を令和4年8月に取得。" + MONTH_ONLY + "\n"
                "設計段階で建築物のエネルギー消費量の 50%削減を実現（出典は再エネを含むか"
                "否かを明記していないため、削減率欄は空欄）。令和6年3月末竣工予定（発表時点）。\n\n"
                + sources(SRC_SHINAGAWA_2022_08, SRC_SHINAGAWA_2022_12)
            ),
        },
    ]


def visit_specs() -> list[dict[str, Any]]:
    return [
        {
            "slug": "visit/katsushika-seiso-2024-10-21",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "清掃事務所視察の受入（令和6年10月21日）環境省・杉並区・市川市・さいたま市",
            "tags": ["視察受入", "清掃事務所", "意見交換", "令和6年度"],
            "visited_on": "2024-10-21",
            "host": "葛飾区",
            "facility_case": "case/katsushika-seiso-jimusho",
            "direction": "inbound",
            "host_municipality": KATSUSHIKA,
            "participants": ["環境省", "杉並区", "市川市", "さいたま市", "有識者1名"],
            "visitor_municipalities": ["131156", "122033", "111007"],
            "topics": ["ZEB Ready を設計で達成した清掃事務所", "ZEB公共施設の事例とノウハウ"],
            "purpose": (
                "設計で ZEB Ready を達成した区の清掃事務所を国や他自治体に紹介し、"
                "ZEB公共施設の事例とノウハウを共有する。"
            ),
            "attachments": ["katsushika_reduction_png", "fy2024_report_txt"],
            "body": (
                "## 概要\n"
                "- 種別: 清掃事務所視察（受入）\n"
                "- 開催日: 令和6年10月21日（月）\n"
                "- 参加者: 環境省、杉並区、市川市、さいたま市、有識者1名\n"
                "- 視察施設: 葛飾区清掃事務所（ZEB Ready、設計 51%削減）\n\n"
                "## 意見交換\n"
                "国や他自治体の視察を受け入れて意見交換を行い、各区が有する ZEB公共施設に関する"
                "事例やノウハウを共有し、専門的な知識の習得に努めた（取組状況報告）。"
                "発言ごとの記録は出典資料に含まれていない。\n\n"
                "## フォローアップ\n"
                "- 今後は環境部門のみならず営繕部門などとも連携し、ノウハウの共有を図る。\n\n"
                "## 未確認事項\n"
                "- 有識者の所属、各団体の参加人数。\n\n" + sources(SEED_FY2024)
            ),
        },
        {
            "slug": "visit/edogawa-councillors-seiwa-2023",
            "origin": EDOGAWA,
            "ward": KATSUSHIKA,
            "title": "江戸川区議による葛飾区立清和小学校「教室の断熱化」視察（2023年）",
            "tags": ["区間視察", "断熱改修", "学校", "江戸川区"],
            "visited_on": "2023",
            "direction": "inbound",
            "host": "葛飾区（施設部）",
            "host_municipality": KATSUSHIKA,
            "facility_case": "case/katsushika-seiwa-es-insulation",
            "participants": [
                "江戸川区議会議員2名",
                "葛飾区議会議員1名",
                "葛飾・生活者ネットワーク",
            ],
            "visitor_municipalities": [EDOGAWA, KATSUSHIKA],
            "host_staff": ["施設整備担当課長", "施設部長ほか職員"],
            "topics": ["既存小学校の教室断熱改修"],
            "impressions": (
                "断熱した教室は音が響かない感覚があった。壁に断熱材のない教室では冷暖房効率が"
                "悪く、既存校舎の省エネが課題。"
            ),
            "purpose": "葛飾区の ZEB化に向けた取組のうち、既存小学校の教室断熱改修を視察する。",
            "body": (
                "## 概要\n"
                "江戸川区議が葛飾区の ZEB化に向けた取組（既存校舎の教室断熱）を視察した。"
                "視察日は報告記事に明記がないため、視察日欄は年のみ（記事の掲載は2023年5月18日）。"
                "葛飾区は施設整備担当課長が迎え、施設部長をはじめ職員が対応した。\n\n"
                "## 所感\n"
                "- 断熱した教室に入ると音が響かない感覚があった。\n"
                "- 窓は二重サッシ、換気は全熱交換型（ロスナイ）2機。\n"
                "- 壁に断熱材のない教室では冷暖房効率が悪く、既存校舎の省エネが課題。\n\n"
                "## フォローアップ\n"
                "- 2023年 第2回江戸川区議会定例会の本会議質問「学校施設について」で、"
                "改築校の ZEB化と既存施設の断熱改修を取り上げた。江戸川区は毎年3校ずつ"
                "学校改築を予定しており、第6次環境行動計画に ZEB化が掲げられている。\n\n"
                + sources(SRC_MOTONISHI_VISIT, SRC_MOTONISHI_QUESTION)
            ),
        },
    ]


def session_specs() -> list[dict[str, Any]]:
    return [
        {
            "slug": "session/katsushika-datsutanso-keiei-2025-02-07",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "脱炭素経営セミナー（葛飾区主催、令和7年2月7日）",
            "tags": ["中小企業", "金融機関", "脱炭素経営", "令和6年度"],
            "held_on": "2025-02-07",
            "kind": "seminar",
            "organizer": "葛飾区（他区・金融機関などと連携）",
            "body": (
                "## 概要\n"
                "- 日時: 令和7年2月7日（金）\n"
                "- 開催主体: 葛飾区\n"
                "- 参加対象: 区内外の企業経営者\n"
                "- 目的: 脱炭素の意識向上（連携方策「中小企業の脱炭素化への支援」）\n\n"
                "**注意**: 設計事務所による ZEB セミナーとは別の事業。金融機関と連携した"
                "中小企業向けのセミナーである。\n\n"
                "## プログラム\n"
                "資料には参考資料（ちらし）があるが、本文にプログラムの記載はない。\n\n"
                + sources(SEED_FY2024)
            ),
        },
        {
            "slug": "session/itabashi-datsutanso-keiei-2025-03-24",
            "origin": ITABASHI,
            "ward": ITABASHI,
            "title": "脱炭素経営セミナー（板橋区主催、令和7年3月24日）",
            "tags": ["中小企業", "金融機関", "脱炭素経営", "令和6年度"],
            "held_on": "2025-03-24",
            "kind": "seminar",
            "organizer": "板橋区",
            "body": (
                "## 概要\n"
                "- 日時: 令和7年3月24日（月）\n"
                "- 開催主体: 板橋区\n"
                "- 連携方策「中小企業の脱炭素化への支援」の一環。令和7年3月18日付の取組状況報告で"
                "は「開催する予定」と記載（実施結果は資料にない）。\n\n"
                "**注意**: ZEB の設計事務所セミナーではない。\n\n" + sources(SEED_FY2024)
            ),
        },
        {
            "slug": "session/moe-public-zeb-exchange-2024-01-11",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "公共建築物のZEB化実現に関する意見交換会（環境省、2024年1月11日、オンライン）",
            "tags": ["環境省", "意見交換会", "オンライン", "補助制度"],
            "held_on": "2024-01-11",
            "kind": "exchange",
            "organizer": "環境省 地球環境局 地球温暖化対策事業室",
            "implementer": "三菱総合研究所 サステナビリティ本部",
            "time": "13:00〜15:00",
            "format": "online",
            "venue": "オンライン開催",
            "audience": "自治体（20自治体）",
            "speakers": ["環境省", "三菱総合研究所", "沖縄県久米島町"],
            "attachments": ["moe_exchange_pdf"],
            # The handout is a summary of the Ministry's public report, which the address gives.
            "materials": [
                {
                    "title": "プログラムの要約（環境省の公表報告による）",
                    "file": "moe_exchange_pdf",
                    "url": "https://www.env.go.jp/earth/zeb/news/report_online_240111.html",
                }
            ],
            "body": (
                "## 概要\n"
                "- 日時: 2024年1月11日（木）13:00〜15:00\n"
                "- 場所: オンライン開催\n"
                "- 参加者: 自治体（20自治体）\n"
                "- 開催主体: 環境省 地球環境局 地球温暖化対策事業室\n"
                "- 実施機関: 三菱総合研究所 サステナビリティ本部\n\n"
                "## プログラム\n"
                "1. 挨拶、環境省の ZEB 支援策の説明（環境省）13:05〜13:20\n"
                "   - 国の温暖化対策の背景と、ZEB に関係する施策・補助制度の説明。\n"
                "2. 公共建築物の ZEB化検討ステップに応じた課題と解決策について"
                "（三菱総合研究所）13:20〜13:50\n"
                "   - 基本構想から運用までの各段階の課題と解決策。\n"
                "3. 久米島町における ZEB導入の経緯と課題への対応について"
                "（沖縄県久米島町）13:50〜14:30\n"
                "   - 設備更新の時期に ZEBプランナーへ相談し、Nearly ZEB を目指せると分かったことが"
                "決め手。窓の意匠や屋根の赤瓦など既存建物の特性も ZEB化に適していた。\n\n"
                "以降の項目は出典ページを参照。参加者数は自治体数のみ公表のため、参加者数欄は空欄。\n\n"
                + sources(SRC_ENV_240111)
            ),
        },
        {
            "slug": "session/school-decarbonisation-symposium-2023-06-16",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "学校の脱炭素シンポジウム（2023年6月16日）葛飾区の事例報告",
            "staff_led": False,
            "tags": ["学校", "断熱改修", "シンポジウム", "事例報告"],
            "held_on": "2023-06-16",
            "kind": "seminar",
            "organizer": "東京大学 建築学専攻の研究室",
            "speakers": [
                "葛飾区施設部営繕課 職員",
                "株式会社類設計室 設計担当者",
                "東京大学大学院 准教授（進行）",
            ],
            "related_cases": [
                "case/katsushika-seiwa-es-insulation",
                "case/katsushika-mizumoto-es",
            ],
            "body": (
                "## 概要\n"
                "- 日時: 2023年6月16日\n"
                "- 開催主体: 東京大学 建築学専攻の研究室（学校の脱炭素化に関するシンポジウム）\n"
                "- 場所・参加者数: 出典の抜粋に記載なし\n\n"
                "## プログラム\n"
                "1. 既存小学校での断熱改修と適応能を生かした小学校計画"
                "（葛飾区施設部営繕課 職員、株式会社類設計室 設計担当者）\n"
                "   - ゼロエミッションかつしか（2020年2月6日宣言）と、新築・改築する公共施設の"
                "ZEB化（ZEB Ready 以上）の標準化。\n"
                "   - 技術系職員を中心とした ZEB 勉強会、清和小学校の断熱改修、"
                "「適応能」を生かした小学校の新築計画。\n"
                "2. ディスカッション（進行: 東京大学大学院 准教授）\n"
                "   - 長野県の発表者が、経験を共有する場の必要性と、断熱ワークショップの効果検証"
                "とその見せ方を今後の課題に挙げた。\n\n"
                "関連事例: 清和小学校（断熱改修）、水元小学校（設計は類設計室、適応能を生かした"
                "空調計画）。発表で水元小の名が挙がったかは出典の抜粋では未確認。\n\n"
                + sources(SRC_MAELAB_KATSUSHIKA, SRC_MAELAB_DISCUSSION, SRC_TOKYOGAS_MIZUMOTO)
            ),
        },
        {
            "slug": "session/tama-forest-field-programme-fy2024",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "「多摩の森」活性化プロジェクト 現場体験事業（令和6年度、全6回）",
            "tags": ["多摩の森", "森林整備", "現場体験", "令和6年度", "CO2吸収"],
            "held_on": "2024-06",
            "kind": "tour",
            "organizer": "「多摩の森」活性化プロジェクト推進協議会（都内6区・6市町村・東京都）",
            "venue": "奥多摩町・檜原村の森林",
            "body": (
                "## 概要\n"
                "「多摩の森」活性化プロジェクトは、都内の区部と市町村が一体で多摩地域の森林整備に"
                "取り組む事業。推進協議会は令和5年7月31日に葛飾区を含む都内6区、6市町村及び"
                "東京都で発足し、①森林整備及び保全、②現場体験、③カーボンオフセット、④木材活用に"
                "取り組む。本記録は②現場体験（住民向けツアー）。ZEB の研修ではない。\n\n"
                "開催日は資料に月のみ記載（R6.6〜R7.2）。開催日欄は初回の月（令和6年6月）で記録。\n\n"
                "## プログラム\n"
                "1. R6.6 森林セラピー体験＆間伐材で作るヒノキの香り丸太＆数馬の湯入浴\n"
                "2. R6.7 奥多摩森林セラピー散策とテラリウム体験\n"
                "3. R6.10 森のガイドさんと、わくわくな探検をしよう！\n"
                "4. R6.11 奥多摩森林セラピー散策とテラリウム体験\n"
                "5. R6.12 スギの枝や葉でクリスマスリースを作ろう！\n"
                "6. R7.2 冬の山でハイキングと山のお仕事を体験しよう！\n\n"
                "## 関連する取組（同プロジェクト）\n"
                "- 森林整備: 令和6年8月〜12月に測量及び間伐。檜原村南郷 約8ha（村有林）、"
                "あきる野市戸倉 約3ha（市有林）。CO2吸収量（見込み）330t-CO2。\n"
                "- 木材活用: 「小さな多摩の森を探そうフェア」で都内大型書店（8店舗）で"
                "多摩産材のブックカバーを配布。\n\n"
                "## アンケート結果（抜粋）\n"
                "- 山の空気や鳥の声、植物を通じてリフレッシュできた\n"
                "- 子どもと楽しく学べた\n"
                "- 日帰りではなく、1泊2日でもよい\n\n" + sources(SEED_FY2024)
            ),
        },
        {
            "slug": "session/all62-forest-therapy-2012-10",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "体験型一般公開講座「森林セラピー」（オール東京62、平成24年10月）",
            "tags": ["オール東京62", "森林セラピー", "体験型講座", "平成24年度"],
            "held_on": "2012-10-18",
            "kind": "tour",
            "organizer": "オール東京62市区町村共同事業「みどり東京・温暖化防止プロジェクト」",
            "attendees": 67,
            "body": (
                "## 概要\n"
                "- 日時: 平成24年10月18日・26日・31日（3回）\n"
                "- 参加者: 67名（3回の合計）\n"
                "- 開催主体: オール東京62市区町村共同事業（主催 特別区長会・東京都市長会・"
                "東京都町村会、企画・運営 (公財)特別区協議会・(公財)東京市町村自治調査会）\n\n"
                "都民を対象に東京の自然を体験・再発見し、地球温暖化防止と自然保護の意識を養う"
                "体験型一般公開講座の一つ。現在の「多摩の森」活性化プロジェクトの現場体験事業に"
                "通じる取組。\n\n"
                "## プログラム\n"
                "1. 「施設見学バスツアー」平成24年9月19日・25日 参加人数 45名\n"
                "2. 「森林セラピー」10月18日・26日・31日 参加人数 67名（本記録）\n"
                "3. 「日の出山荘で自然体験」11月6日 参加人数 25名\n"
                "4. 「フットパスガイドウォーク」11月13日 参加人数 70名\n"
                "5. 「郷土の恵みの森づくり体験」11月30日 参加人数 20名\n\n"
                + sources(SEED_ALL62, SRC_ALL62)
            ),
        },
    ]


def issue_specs() -> list[dict[str, Any]]:
    """課題 the seed documents name, with the fiscal year of the document that names them."""
    visit = "visit/katsushika-seiso-2024-10-21"
    return [
        {
            "slug": "issue/zeb-know-how-not-accumulated",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "区有施設のZEB化の知見・ノウハウが各区に蓄積されていない",
            "tags": ["23区共通", "ZEB", "人材育成"],
            "fiscal_year": 2022,
            "category": "人材育成",
            "status": "in_progress",
            "related": [visit, "case/katsushika-seiso-jimusho"],
            "public": True,
            "body": (
                "## 課題\n"
                "区有施設のZEB化について、各区に十分な知見やノウハウが蓄積されておらず、"
                "ZEB化推進の妨げとなっている（23区共通）。\n\n"
                "## 対応\n"
                "- 営繕課長会・環境課長会等の会議体を活用し、23区で知見・ノウハウの共有と"
                "職員の人材育成を図る（事例共有、ZEBリーディング・オーナー登録制度の活用、"
                "課題等の定期的な把握、特別区研修所の専門研修、定期的な勉強会、"
                "職員主導の勉強会や情報共有の仕組みづくり）。\n"
                "- 令和6年度: 23区のZEB公共施設での見学会、東京都主催の研修会への参加、"
                "設計事務所によるセミナー、清掃事務所での視察受入と意見交換"
                "（令和6年度取組状況報告）。\n\n" + sources(SEED_WARDS_REPORT, SEED_FY2024)
            ),
        },
        {
            "slug": "issue/share-with-building-maintenance",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "環境部門だけでなく営繕部門ともZEBのノウハウを共有する",
            "tags": ["営繕部門", "ZEB", "令和6年度"],
            "fiscal_year": 2024,
            "category": "人材育成",
            "status": "open",
            "related": [visit],
            "attachments": ["fy2024_report_txt"],
            "public": True,
            "body": (
                "## 課題\n"
                "ZEB公共施設の事例やノウハウの共有は環境部門が中心。令和6年度取組状況報告は"
                "「今後は環境部門のみならず、営繕部門などとも連携し、ノウハウの共有を図ります」"
                "としている。\n\n"
                "## 対応\n"
                "- 未対応（報告時点で今後の予定）。\n\n" + sources(SEED_FY2024)
            ),
        },
        {
            "slug": "issue/renewable-power-cost",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "再エネ電力を区が率先導入する際のコスト増",
            "tags": ["23区共通", "再エネ電力", "共同調達"],
            "fiscal_year": 2022,
            "category": "予算",
            "status": "in_progress",
            "public": True,
            "body": (
                "## 課題\n"
                "再生可能エネルギー電力の利用推進には各区の率先導入が必要だが、コスト増の課題が"
                "ある。\n\n"
                "## 対応\n"
                "- 23区が共同購入の仕組みとリバースオークションを活用し、調整コストを減らし"
                "再エネ電気をより安価に調達する。\n"
                "- 令和6年度: 葛飾区を含む10区がリバースオークションによる共同調達に参加。"
                "来年度以降も導入区・施設を増やす予定。\n\n"
                + sources(SEED_WARDS_REPORT, SEED_FY2024)
            ),
        },
        {
            "slug": "issue/forest-partners-and-workload",
            "origin": KATSUSHIKA,
            "ward": KATSUSHIKA,
            "title": "森林整備でのCO2吸収量確保: 連携自治体の確保と職員の事務負担",
            "tags": ["23区共通", "森林整備", "CO2吸収"],
            "fiscal_year": 2022,
            "category": "その他",
            "status": "in_progress",
            "related": ["session/tama-forest-field-programme-fy2024"],
            "public": True,
            "body": (
                "## 課題\n"
                "CO2吸収量の確保には森林を有する自治体との連携が必要だが、連携自治体の確保や"
                "職員の事務負担増などの課題がある。\n\n"
                "## 対応\n"
                "- 森林環境譲与税を活用し23区が連携して森林整備に取り組む。\n"
                "- 令和5年7月31日「多摩の森」活性化プロジェクト推進協議会発足（6区・6市町村・"
                "東京都）。令和6年度に檜原村・あきる野市で測量・間伐。\n\n"
                + sources(SEED_WARDS_REPORT, SEED_FY2024)
            ),
        },
    ]


def owner_specs() -> list[dict[str, Any]]:
    """ZEB Leading Owner registrations the sources report."""
    return [
        {
            "slug": "owner/shinagawa",
            "origin": SHINAGAWA,
            "ward": SHINAGAWA,
            "title": "品川区 ZEBリーディング・オーナー登録",
            "tags": ["ZEBリーディング・オーナー"],
            "registered_on": None,
            "cases": [
                "case/shinagawa-ecoru-togoshi",
                "case/shinagawa-yashio-kita-park-office",
                "case/shinagawa-kitashinagawa-elderly",
                "case/shinagawa-nishioi-3-group-home",
            ],
            "targets": "令和9年度までに区有施設12施設で ZEB 等の認証取得（令和6年2月時点で9施設）。",
            "public": True,
            "body": (
                "## 概要\n"
                "品川区は ZEBリーディング・オーナー（2022年時点で東京23区で唯一）。"
                "登録日は公表資料に記載がないため空欄。\n\n"
                "- 令和4年12月: ZEBリーディング・オーナー登録自治体で全国最多の ZEB 認証取得数"
                "（区発表、一般社団法人環境共創イニシアチブの一覧による）。\n"
                "- 取組計画の本文は公表資料で未確認。\n\n"
                + sources(SRC_KENTSU_SHINAGAWA, SRC_SHINAGAWA_2022_12, SRC_SHINAGAWA_2024_02)
            ),
        },
    ]

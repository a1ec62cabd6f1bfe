"""The Japanese of the commands' help texts (``zebkb --lang ja … --help``).

Keyed by the English text each command registers (zebkb/cli/*.py register());
tests/core/test_core_cli_usage_language.py checks that every help text of the
parser has its Japanese here, so a reworded English help is noticed.
"""

from __future__ import annotations

from zebkb.glossary import ja

HELP_JA: dict[str, str] = {
    # zebkb/cli/main.py
    "zebkb: the 23 special wards' knowledge base of ZEB/ZEH cases, site visits and study "
    "sessions.": "zebkb: 特別区（23区）の ZEB・ZEH の事例・視察記録・勉強会・研修のナレッジベース",
    "print the version and exit": "版数を表示して終了します",
    "knowledge base folder (default: $ZEBKB_DATA_DIR or the user's data folder)": (
        "ナレッジベースのフォルダ（既定: $ZEBKB_DATA_DIR、なければ利用者のデータフォルダ）"
    ),
    "show tracebacks on errors": "エラーのときにトレースバックを表示します",
    "language of messages and labels (default: $ZEBKB_LANG, the window's setting, else the "
    "terminal's locale); --json output is the same in both": (
        "メッセージと項目名の言語（既定: $ZEBKB_LANG、ウィンドウの設定、端末のロケールの順）。"
        "--json の出力はどちらでも同じです"
    ),
    # zebkb/cli/records.py
    "set this knowledge base's home ward": "このナレッジベースのホーム区を設定します",
    "load the demo records shipped with zebkb": "zebkb に付属するデモ用の記録を読み込みます",
    "add or update records from a JSON file ('-' for stdin)": (
        "JSON ファイルから記録を追加・更新します（'-' で標準入力から）"
    ),
    "list records": "記録を一覧します",
    "only visits and sessions with follow-ups past their due date and not done": (
        "期限を過ぎても終わっていない後日対応のある視察記録・勉強会・研修だけ"
    ),
    "show one record": "記録を一件表示します",
    "every version of a record": "記録のすべての版を表示します",
    "bring an earlier version back as a new revision": "前の版を新しい版として戻します",
    "verify database, attachment files and index agree": (
        "データベース・添付ファイル・検索索引が一致しているか確かめます"
    ),
    "6-digit code or name, e.g. 131229 or 葛飾区": "6桁の団体コードか区名（例: 131229、葛飾区）",
    "team mode: use the ward's shared PostgreSQL database (postgresql://USER@HOST/DATABASE; "
    "the password goes in ~/.pgpass, never here)": (
        "チームモード: 区で共有する PostgreSQL データベースを使います"
        "（postgresql://USER@HOST/DATABASE。パスワードはここではなく ~/.pgpass に書きます）"
    ),
    "with --json: add the rank check and warnings as an 'assessment' object": (
        "--json と一緒に: ランクの判定と警告を 'assessment' として加えます"
    ),
    "revision number (or a hash prefix from 'history')": (
        "版の番号（または 'history' に出るハッシュの先頭部分）"
    ),
    "rebuild the search index; report (never delete) orphaned or missing files; with --deep "
    "in team mode, mend a file damaged on one side (the team database or this PC) from the "
    "other's whole copy": (
        "検索索引を作り直し、どの記録にも属さないファイルや見つからないファイルを報告します"
        "（削除はしません）。チームモードで --deep と併せると、片方（チームのデータベースか"
        "この PC）で壊れたファイルをもう片方の正しい写しから修復します"
    ),
    "also read every attachment file and compare it with its SHA-256 (slower)": (
        "すべての添付ファイルを読み、SHA-256 と照合します（時間がかかります）"
    ),
    # zebkb/cli/search.py
    "full-text search, best first": "全文検索（よく一致するものから）",
    "rebuild the search index from the database": "データベースから検索索引を作り直します",
    'words (all must match), "a phrase", A OR B, -word, ward: type: rank: fy: tag: facility: '
    "followup:overdue": (
        "検索語（すべてに一致）、\"語句\"、'A OR B'、-除く語、'ward:' 'type:' 'rank:' 'fy:' 'tag:' "
        "'facility:' '後日対応:期限切れ'"
    ),
    "6-digit code or name": "6桁の団体コードか区名",
    "e.g. 'ZEB Ready'": "例: 'ZEB Ready'",
    "e.g. 2024 or 令和6年度": "例: 2024、令和6年度",
    "hits to show (default 20)": "表示する件数（既定 20）",
    # zebkb/cli/exchange.py
    "write a bundle (several, each complete, with --max-size)": (
        "バンドルを書き出します（--max-size では、それぞれ完結した複数のファイルに分けます）"
    ),
    "check and merge one or more bundles": "バンドルを確認して取り込みます（複数可）",
    "records edited on both sides, not yet settled": "双方で編集され、まだ解決していない記録",
    "put back every record that bundle changed": "その取り込みで変わった記録をすべて元に戻します",
    "bundle file to write (.zebkb)": "書き出すバンドルのファイル（.zebkb）",
    "write unsent e-mail drafts (.eml), one per part, with the bundles attached; --max-size is "
    "then the size of each message (default 10MB)": (
        "バンドルを添付した未送信のメールの下書き（.eml）を分割ごとに書き出します。"
        "このとき --max-size は各メールの大きさです（既定 10MB）"
    ),
    "only records changed after this timestamp, or since the start of this date": (
        "この日時より後（日付ならその日の 0 時から）に変わった記録だけ"
    ),
    "only records changed since the last export to WARD": (
        "その区へ前回書き出してから変わった記録だけ"
    ),
    "only these records": "これらの記録だけ",
    "split into parts of at most SIZE, e.g. 10MB": "この大きさまでに分けます（例: 10MB）",
    "leave files out (marked omitted)": "添付ファイルを含めません（未受信として記録）",
    "do not sign with this knowledge base's key": "このナレッジベースの鍵で署名しません",
    "replace OUT if it is an existing file": "書き出し先のファイルが既にあれば置き換えます",
    "check and show, change nothing": "確認して表示するだけで、何も変更しません",
    "refuse bundles not signed by a key trusted for their ward (see 'zebkb key')": (
        "その区の信頼済みの鍵で署名されていないバンドルを受け付けません（'zebkb key' を参照）"
    ),
    "settle this record's conflict": "この記録の競合を解決します",
    "with --settle: the version to keep (it becomes a new revision if not current)": (
        "--settle と一緒に: 残す版（現在の版でなければ新しい版になります）"
    ),
    # zebkb/cli/tables.py
    "import or export a list (.xlsx or CSV)": "一覧表（.xlsx・CSV）を取り込む・書き出す",
    "add or update records from a list (.xlsx or CSV)": (
        "一覧表（.xlsx・CSV）から記録を追加・更新します"
    ),
    "write records as a list (.xlsx, or CSV for Excel)": (
        "記録を一覧表として書き出します（.xlsx、または Excel 向けの CSV）"
    ),
    "which column holds which field (default: the one saved for lists of this shape, else "
    "guessed from the headers)": (
        "どの列がどの項目か（既定: この形の一覧表のために保存した対応、なければ見出しから推測）"
    ),
    "show what would change, change nothing": "何が変わるかを表示するだけで、何も変更しません",
    "only records this search finds": "この検索で見つかる記録だけ",
    "dates as 2024-10-21 (western) or 令和6年10月21日 (japanese)": (
        "日付の書き方: 2024-10-21（western）か 令和6年10月21日（japanese）"
    ),
    # zebkb/cli/keys.py
    "this knowledge base's signing key and the keys it trusts": (
        "このナレッジベースの署名鍵と、信頼している鍵"
    ),
    "print this knowledge base's public key and fingerprint": (
        "このナレッジベースの公開鍵とフィンガープリントを表示します"
    ),
    "trust a ward's public key for bundles from that ward": (
        "区の公開鍵を、その区からのバンドルのために信頼します"
    ),
    "the trusted keys (revoked ones marked)": "信頼している鍵（取り消したものは印付き）",
    "stop trusting a key (the record of it stays)": "鍵の信頼を取り消します（記録は残ります）",
    "whether imports must be signed by a trusted key (no argument: show the setting)": (
        "取り込むバンドルに信頼済みの鍵の署名を求めるか（指定なし: 今の設定を表示）"
    ),
    "the base64 public key ('zebkb key show' there)": (
        "base64 の公開鍵（相手の区で 'zebkb key show'）"
    ),
    "the ward it signs for: code or name": "その鍵が署名する区: 団体コードか区名",
    "a reminder, e.g. who confirmed the fingerprint and when": (
        "覚え書き（例: だれがいつフィンガープリントを確かめたか）"
    ),
    # zebkb/cli/report.py
    "a printable case sheet, visit or session minutes, or a fiscal-year list (PDF)": (
        "印刷用の事例シート、視察・勉強会の記録、年度の一覧（PDF）"
    ),
    "Write a case sheet or minutes for one record, or the list of a fiscal year's records, "
    "as an A4 PDF.": (
        "一件の記録の事例シートか記録、または年度の記録の一覧を A4 判の PDF に書き出します。"
    ),
    "the record to print": "印刷する記録",
    "list fiscal year Y (e.g. 2024 or 令和6年度)": "その年度の一覧（例: 2024、令和6年度）",
    "with --fiscal-year: only this kind": "--fiscal-year と一緒に: この種別だけ",
    "the PDF file to write": "書き出す PDF ファイル",
    # zebkb/cli/backup.py
    "write a consistent copy of the knowledge base into its backups folder": (
        "ナレッジベースの整合した写しを 'backups' フォルダに書き出します"
    ),
    "replace the knowledge base with a backup (the current one is kept)": (
        "ナレッジベースをバックアップで置き換えます（今の状態は残します）"
    ),
    "keep the newest N backups (default 10)": "新しいバックアップをこの数だけ残します（既定 10）",
    "list the backups instead of writing one": "書き出す代わりにバックアップを一覧します",
    "a backup zip (from 'zebkb backup')": "バックアップの ZIP ファイル（'zebkb backup' で作ったもの）",
    "do not ask for confirmation (scripts)": "確認を求めません（スクリプト用）",
    # zebkb/cli/migrate.py
    "move this knowledge base into an empty PostgreSQL database or SQLite folder": (
        "このナレッジベースを空の PostgreSQL データベースか SQLite のフォルダへ移します"
    ),
    "Copy every record, version, attachment, conflict, log, key and setting into an empty "
    "target on the other engine, check it there, and leave this one as it was.": (
        "すべての記録・版・添付ファイル・競合・記録の履歴・鍵・設定を、もう一方の方式の空の移し先へ"
        "写し、移し先で確かめます。こちらはそのまま残します。"
    ),
    "an empty PostgreSQL database (postgresql://USER@HOST/DB)": (
        "空の PostgreSQL データベース（postgresql://USER@HOST/DB）"
    ),
    "a new or empty folder for a data folder of its own": "新しいデータフォルダにする、新しいか空のフォルダ",
    # zebkb/cli/gui.py
    "open the desktop window (the default)": "デスクトップのウィンドウを開きます（既定）",
    "show this record": "この記録を表示します",
    # Options and arguments many commands share, and the rest (zebkb/cli/*.py register())
    "print JSON for scripts (the same in every language)": (
        "スクリプト向けに JSON で出力します（どの言語でも同じ）"
    ),
    "the record's UID (a unique prefix will do)": "記録の UID（先頭部分だけでも一つに決まれば可）",
    "the JSON file of records ('-' for stdin)": "記録の JSON ファイル（'-' で標準入力から）",
    "only this kind of record": "この種別の記録だけ",
    "only this ward's records: 6-digit code or name": "この区の記録だけ: 6桁の団体コードか区名",
    "only this fiscal year, e.g. 2024": "この年度だけ（例: 2024）",
    "only fiscal year Y (e.g. 2024 or 令和6年度)": "この年度だけ（例: 2024、令和6年度）",
    "bundle files (.zebkb) to import": "取り込むバンドルのファイル（.zebkb）",
    "the import to undo, as 'zebkb import' reported it": (
        "元に戻す取り込み（'zebkb import' が表示したもの）"
    ),
    "the list to read (.xlsx or .csv)": "読み込む一覧表（.xlsx か .csv）",
    "the file to write; its suffix picks the format": "書き出すファイル（拡張子で形式が決まります）",
    "the base64 public key to stop trusting": "信頼を取り消す base64 の公開鍵",
    "on: require signatures; off: do not": "on: 署名を求めます、off: 求めません",
}

# Placeholders (metavars) and positional arguments, as the usage lines and errors name them.
PLACEHOLDERS_JA: dict[str, str] = {
    "COMMAND": "コマンド",
    "ACTION": "操作",
    "DIR": "フォルダ",
    "FILE": "ファイル",
    "IN": "バンドル",
    "KEY": "鍵",
    "N": "数",
    "OUT": "書き出し先",
    "OUT_DIR": "書き出し先フォルダ",
    "OUT.xlsx|OUT.csv": "書き出し先.xlsx|書き出し先.csv",
    "MAP.json": "対応表.json",
    "Q": "検索語",
    "SIZE": "大きさ",
    "TS": ja("column.when"),
    "W": ja("field.ward"),
    "WARD": ja("field.ward"),
    "Y": ja("field.fiscal_year"),
    # Options that take a value without naming it: argparse names it by the option.
    "FISCAL_YEAR": ja("field.fiscal_year"),
    "LIMIT": "件数",
    "NOTE": "覚え書き",
    "RANK": "ランク",
    # Read as they are in Japanese too.
    "UID": "UID",
    "URL": "URL",
    # Positional arguments are named by their dest.
    "uid": "UID",
    "file": "ファイル",
    "out": "書き出し先",
    "query": "検索語",
    "revision": ja("field.revision"),
    "bundle_id": "バンドルID",
}

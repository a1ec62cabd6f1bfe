"""The command line's language, and its texts in Japanese and English.

The language is, first to last: ``--lang``, the environment variable
``ZEBKB_LANG``, the language chosen in the window's settings (表示 → 言語), the
terminal's locale (LANG=ja_JP… is Japanese), else English. ``--json`` output
is the same whatever the language: it is for programs.

Labels (field names, terms) come from the one glossary (zebkb/glossary.py);
the sentences the command line prints are in TEXTS below, one line per text.
No Qt here: the window's settings file is read as the plain INI it is.
"""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path
from typing import Any

from zebkb.textfill import fill

LANGUAGES = ("ja", "en")


def _android_env() -> bool:
    # platformdirs looks for an Android app's folders when these are set.
    return os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"


def window_settings_file() -> Path:
    # The same path the window writes (zebkb/ui/core/settings.py default_settings_path).
    # On Linux with an absolute $XDG_CONFIG_HOME, or none and an absolute $HOME, that is
    # platformdirs' answer, found without importing it (about 2 % of a zebkb search's
    # instructions); every other case asks platformdirs.
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") and not _android_env():
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        if xdg.startswith("/"):
            return Path(xdg, "zebkb", "zebkb.ini")
        if not xdg and os.environ.get("HOME", "").startswith("/"):
            return Path(os.path.expanduser("~/.config"), "zebkb", "zebkb.ini")
    from platformdirs import user_config_dir

    return Path(user_config_dir("zebkb", appauthor=False)) / "zebkb.ini"


class WindowSettings:
    """The window's settings file, read at most once (when a value is first wanted).

    One run asks it for the language twice and the date style once; each read
    parses the file anew.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._parser: configparser.ConfigParser | None = None

    def get(self, section: str, key: str) -> str | None:
        if self._parser is None:
            self._parser = configparser.ConfigParser(interpolation=None)
            try:
                self._parser.read(self._path or window_settings_file(), encoding="utf-8")
            except (OSError, configparser.Error, UnicodeDecodeError):
                # An unreadable settings file only loses the preferences.
                self._parser = configparser.ConfigParser(interpolation=None)
        return self._parser.get(section, key, fallback=None)


# The window's date styles (zebkb/ui/core/settings.py DATE_STYLE); its default is western.
DATE_STYLES = ("western", "japanese")


def chosen_date_style(
    settings_file: Path | None = None, window: WindowSettings | None = None
) -> str:
    """``ZEBKB_DATE_STYLE``, else the date style chosen in the window, else western.

    Dates and fiscal years the command line prints (令和6年度 / 2024年度) follow it,
    so a warning reads the same in the window and in a terminal.
    """
    env = os.environ.get("ZEBKB_DATE_STYLE", "").strip().lower()
    if env in DATE_STYLES:
        return env
    value = (window or WindowSettings(settings_file)).get("display", "date_style")
    return value if value in DATE_STYLES else "western"


def asked_language(given: str | None) -> str | None:
    """The language the person asked for in this run (``--lang``, else $ZEBKB_LANG), if any.

    The window takes it for the run too; without one it opens in its own setting.
    """
    if given in LANGUAGES:
        return given
    env = os.environ.get("ZEBKB_LANG", "").strip().lower()
    return env if env in LANGUAGES else None


def chosen_language(
    given: str | None, settings_file: Path | None = None, window: WindowSettings | None = None
) -> str:
    asked = asked_language(given)
    if asked:
        return asked
    saved = (window or WindowSettings(settings_file)).get("general", "language")
    if saved in LANGUAGES:
        return saved
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


# key: (Japanese, English). {n:record|records} is a count with its English noun.
TEXTS: dict[str, tuple[str, str]] = {
    "init.done": (
        "ホーム区: {ward}（{code}）。データ: {data}",
        "home ward: {ward} ({code}); data: {data}",
    ),
    "init.team": (
        "ホーム区: {ward}（{code}）。データ: {data}。データベース: {url}",
        "home ward: {ward} ({code}); data: {data}; database: {url}",
    ),
    "init.key": (
        "署名鍵のフィンガープリント: {fingerprint}（鍵全体は 'zebkb key show'）",
        "signing key fingerprint: {fingerprint} (full key: 'zebkb key show')",
    ),
    "demo.done": (
        "デモ用の記録: {added} 件を追加、{unchanged} 件は登録済み",
        "demo records: {added} added, {unchanged} already present",
    ),
    "add.added": ("追加", "added"),
    "add.updated": ("更新", "updated"),
    "show.deleted": (
        "UID {uid} の記録は削除されています（第{revision}版、{when}）。'zebkb history {uid}' で版を一覧できます",
        "record {uid} was deleted (revision {revision}, {when}); "
        "'zebkb history {uid}' lists its versions",
    ),
    "show.not_received": ("未受信", "not received"),
    "list.overdue": (
        "{mark}後日対応 {n}件（期限 {due}）",
        "{mark} {n:follow-up|follow-ups} (due {due})",
    ),
    "list.overdue_none": (
        "期限を過ぎた後日対応はありません",
        "no follow-ups are past their due date",
    ),
    "show.warning": ("警告", "Warning"),
    "history.deleted": ("削除", "deleted"),
    "history.via": ("バンドル {bundle}", "bundle {bundle}"),
    "search.found": ("{total:,} 件見つかりました", "{total:record|records} found"),
    "search.found_some": (
        "{total:,} 件見つかりました（{shown:,} 件を表示）",
        "{total:record|records} found, showing {shown:,}",
    ),
    # The search index's notices (zebkb/service/index.py), as the window says them.
    "notice.index_busy": (
        "検索索引は開いている zebkb のウィンドウが更新中です",
        "the search index is being updated by the open zebkb window",
    ),
    "notice.index_rebuilt": (
        "検索索引が古くなっていたため、データベースから作り直しました",
        "the search index was out of date and has been rebuilt from the database",
    ),
    # Said before a search waits while an index emptied on opening is filled again.
    "notice.index_refilling_damaged": (
        "検索索引が壊れていたため、作り直しています…",
        "the search index was damaged: rebuilding it…",
    ),
    "notice.index_refilling_other_version": (
        "検索索引をこの版の zebkb 用に作り直しています…",
        "rebuilding the search index for this version of zebkb…",
    ),
    "notice.index_behind": (
        "検索索引がデータベースより遅れています。索引が更新されるまで、最近の変更はこの結果に出ないことがあります",
        "the search index is behind the database: recent changes may be missing from this answer "
        "until it is brought up to date",
    ),
    "notice.index_damaged": (
        "検索索引が壊れています。すべての記録を検索するには作り直してください（zebkb reindex）",
        "The search index was damaged; rebuild it (zebkb reindex) to search all records again.",
    ),
    "notice.index_reset": (
        "検索索引が壊れていたため、空に戻しました。すべての記録を検索するには"
        "作り直してください（zebkb reindex）",
        "The search index was damaged and has been reset; "
        "rebuild it (zebkb reindex) to search all records again.",
    ),
    "notice.index_other_version": (
        "検索索引をこの版の zebkb 用に作り直しています。終わるまで結果が欠けていることがあります",
        "The search index is being rebuilt for this version of zebkb; "
        "results may be incomplete until it is done.",
    ),
    "notice.index_outdated": (
        "検索索引が古くなっています。作り直すまで結果が欠けていることがあります",
        "The search index is out of date; results may be incomplete until it is rebuilt.",
    ),
    "notice.index_read_only_stale": (
        "フォルダが読み取り専用で、検索索引が記録より古くなっています。最近の変更は検索結果に出ないことがあります",
        "the folder is read-only and its search index is older than its records: "
        "recent changes may be missing from the results",
    ),
    "notice.index_read_only_built": (
        "フォルダが読み取り専用で使える検索索引がないため、この起動のあいだだけの索引を作りました",
        "the folder is read-only and has no usable search index: one was built for this session",
    ),
    "notice.database_away": (
        "共有データベースに接続できません。この PC の検索索引から表示しています。接続が戻るまで変更は保存できません",
        "the team database cannot be reached: these results come from this PC's search index, "
        "and changes cannot be saved until it is back",
    ),
    "rebuild.pruned": (
        "変更の記録がこの検索索引の最後の変更まで遡れません（整理されたか、バックアップから戻されました）",
        "the change log no longer reaches back to this search index's last change "
        "(pruned, or a backup was restored)",
    ),
    "rebuild.unknown": (
        "検索索引がどの変更まで反映しているか分かりません（破損または中断）",
        "the search index does not know which change it reflects (damaged or interrupted)",
    ),
    "rebuild.ahead": (
        "検索索引がデータベースより新しくなっています（古いデータベースに置き換えられました）",
        "the search index is ahead of the database (an older database was put in place)",
    ),
    "reindex.done": (
        "検索索引を作り直しました: 記録 {total:,} 件",
        "search index rebuilt: {total:record|records}",
    ),
    "reindex.failures": (
        "添付ファイル {files:,} 件の本文は検索できません（{reasons}）。次の reindex でもう一度試します",
        "text of {files:attachment file|attachment files} not searched ({reasons}); "
        "the next reindex tries again",
    ),
    # Why an attachment's text could not be taken (zebkb/search/extract.py FAILED_*).
    "failed.time limit": ("時間切れ", "time limit"),
    "failed.memory limit": ("メモリの上限", "memory limit"),
    "failed.unreadable": ("読めないファイル", "unreadable"),
    "failed.helper failed": ("読み取り処理の失敗", "helper failed"),
    "restore.done": (
        "UID {uid} の第{revision}版を第{new}版として復元しました",
        "restored {uid} from revision {revision} as revision {new}",
    ),
    "check.ok": (
        "問題なし: データベース・添付ファイル・検索索引が一致しています（'zebkb check --deep' で各ファイルの内容も照合します）",
        "ok: database, attachment files and search index agree "
        "('zebkb check --deep' also compares every file's content)",
    ),
    "check.ok_deep": (
        "問題なし: データベース・添付ファイル（全ファイルの内容）・検索索引が一致しています",
        "ok: database, attachment files (every file's content) and search index agree",
    ),
    "backup.line": (
        "{name}  {when}  {records} 件、{kind}、{size}",
        "{name}  {when}  {records:record|records}, {kind}, {size}",
    ),
    "backup.with_files": ("記録とファイル", "records + files"),
    "backup.records_only": ("記録のみ", "records only"),
    "backup.none": ("バックアップはまだありません", "no backups yet"),
    "backup.written": (
        "バックアップを書き出しました: {path}（記録 {records} 件、ファイル {files} 件、{size}）",
        "backup written: {path} ({records:record|records}, {files:file|files}, {size})",
    ),
    "import.line": (
        "{prefix}{name}: {origin} からのバンドル {bundle}（{signature}）: {counts}",
        "{prefix}{name}: bundle {bundle} from {origin} ({signature}): {counts}",
    ),
    "import.empty": (
        "{prefix}{name}: 取り込むものはありません（{origin} からのバンドル {bundle}、{signature}、記録なし）",
        "{prefix}{name}: nothing to import (bundle {bundle} from {origin}, {signature}, "
        "holds no records)",
    ),
    "import.dry_run": ("確認のみ（何も変更していません）: ", "dry run (nothing changed): "),
    "import.conflict": ("競合", "CONFLICT"),
    "conflicts.none": ("未解決の競合はありません", "no open conflicts"),
    "conflicts.line": (
        "{uid}  {kind}  {title}  （バンドル {bundle}、{when}）",
        "{uid}  {kind}  {title}  (bundle {bundle}, {when})",
    ),
    "conflicts.version": (
        "    {side}  第{revision}版  {when}  {hash}  {title}{state}",
        "    {side}  revision {revision}  {when}  {hash}  {title}{state}",
    ),
    "conflicts.local": ("こちらの版", "local"),
    "conflicts.incoming": ("届いた版", "incoming"),
    "conflicts.current": ("（現在の版）", " (current)"),
    "conflicts.deleted": ("（削除）", " (deleted)"),
    "conflicts.settled": (
        "UID {uid} の競合を解決しました: {side}を残しました（現在 第{revision}版）",
        "settled {uid}: keeping the {side} version (now revision {revision})",
    ),
    "key.public": ("公開鍵: {public_key}", "public key:  {public_key}"),
    "key.fingerprint": ("フィンガープリント: {fingerprint}", "fingerprint: {fingerprint}"),
    "key.trusted": (
        "{ward}の鍵 {fingerprint} を信頼しました",
        "trusted key {fingerprint} for {ward}",
    ),
    "key.phone": (
        "鍵を信頼する前に、フィンガープリントを相手の区と電話で（メールではなく）読み上げて、"
        "両方で同じ表示か確かめてください。",
        "Before trusting a key, read its fingerprint to the other ward over the phone "
        "(not by e-mail) and check that both sides see the same.",
    ),
    "key.none": (
        "信頼している鍵はありません。'zebkb key trust KEY --ward 区' で追加できます",
        "no trusted keys; add one with 'zebkb key trust KEY --ward WARD'",
    ),
    "key.line": (
        "{ward}  {fingerprint}  {state}  {public_key}{note}",
        "{ward}  {fingerprint}  {state}  {public_key}{note}",
    ),
    "key.state_trusted": ("信頼", "trusted"),
    "key.state_revoked": ("取り消し済み（{when}）", "revoked {when}"),
    "key.note": ("（{note}）", "  ({note})"),
    "key.revoked": (
        "{ward}の鍵 {fingerprint} の信頼を取り消しました",
        "revoked key {fingerprint} for {ward}",
    ),
    "key.required": (
        "署名が必要です: 取り込むバンドルは、その区の信頼済みの鍵で署名されていなければなりません",
        "signatures required: imports must be signed by a key trusted for their ward",
    ),
    "key.not_required": (
        "署名は必須ではありません: 署名のないバンドルや信頼していない鍵のバンドルも警告付きで取り込みます",
        "signatures not required: unsigned or untrusted bundles import with a warning",
    ),
    "export.wrote": (
        "{path} を書き出しました（記録 {records:,} 件、ファイル {files:,} 件、{size}）",
        "wrote {path} ({records:record|records}, {files:file|files}, {size})",
    ),
    "export.draft": (
        "{path} を書き出しました（メールの下書き、記録 {records:,} 件）",
        "wrote {path} (draft e-mail, {records:record|records})",
    ),
    "export.oversize": (
        "警告: 記録 {uid} は添付ファイルと合わせて {size} あり、--max-size {cap} を超えています。"
        "上限を超える一つの分割ファイルで単独で送ります",
        "warning: record {uid} with its attachments is {size}, more than --max-size {cap}; "
        "it travels alone in a part over the cap",
    ),
    "export.omitted": (
        "添付ファイル {files:,} 件は含めず、未受信として記録しました",
        "{files:attachment file|attachment files} left out and marked omitted",
    ),
    "undo.done": (
        "取り込み {bundle} を取り消しました: 記録 {restored:,} 件を戻し、{removed:,} 件を取り除きました",
        "undid import {bundle}: {restored:record|records} put back, {removed:,} removed",
    ),
    "undo.skipped": (
        "  そのままにしました（取り込み後に再び変更されています）: {uid}",
        "  left as is (changed again since the import): {uid}",
    ),
    "signature.verified": ("署名を確認済み", "signature verified"),
    "signature.untrusted": ("信頼していない鍵の署名", "signed by a key not trusted"),
    "signature.unsigned": ("署名なし", "unsigned"),
    "action.added": ("追加", "added"),
    "action.updated": ("更新", "updated"),
    "action.deleted": ("削除", "deleted"),
    "action.unchanged": ("変更なし", "unchanged"),
    "action.kept": ("こちらを維持", "kept"),
    "action.conflicts": ("競合", "conflicts"),
    "action.conflict": ("競合", "conflict"),
    "signature.warn_unsigned": (
        "警告: {path}: バンドルに署名がありません。{ward}から届いたものとは確かめられません",
        "warning: {path}: the bundle is not signed: nothing proves it comes from {ward}",
    ),
    "signature.warn_untrusted": (
        "警告: {path}: バンドルは鍵 {fingerprint} で署名されていますが、この鍵は{ward}の鍵として"
        "信頼していません。{ward}から届いたものとは確かめられません（フィンガープリントをその区と"
        "電話で照合してから 'zebkb key trust 鍵 --ward 区'）",
        "warning: {path}: the bundle is signed by key {fingerprint}, which is not trusted for "
        "{ward}: nothing proves it comes from there (compare the fingerprint with that ward by "
        "phone, then 'zebkb key trust KEY --ward WARD')",
    ),
    "history.line": (
        "{mark} 第{revision}版  {when}  {hash}  {source}{via}{state}  {title}",
        "{mark} r{revision:<3} {when}  {hash}  {source}{via}{state}  {title}",
    ),
    "add.line": (
        "{action} {uid} {kind} 第{revision}版 {title}",
        "{action} {uid} {kind} r{revision} {title}",
    ),
    "input.not_found": ("{name}: ファイルが見つかりません", "{name}: file not found"),
    "input.folder": (
        "{name}: フォルダです。JSON ファイルを指定してください",
        "{name}: is a folder, not a JSON file",
    ),
    "input.denied": (
        "{name}: 読めません（アクセスが許可されていません）",
        "{name}: cannot be read (permission denied)",
    ),
    "input.too_large": (
        "{name}: 64 MiB を超えています。分けるか、バンドルで送ってください",
        "{name}: larger than 64 MiB; split it or send a bundle",
    ),
    "input.not_json": ("{name}: JSON として読めません（{detail}）", "{name}: {detail}"),
    "input.empty": ("{name}: 記録が一件もありません", "{name}: the list holds no records"),
    "input.not_object": (
        "{name} の {position} 件目: JSON のオブジェクトにしてください",
        "{name} record {position}: must be a JSON object",
    ),
    "input.stdin": ("標準入力", "stdin"),
    "input.where": ("{name} の {position} 件目", "{name} record {position}"),
    "report.wrote": ("{path} を書き出しました", "wrote {path}"),
    "table.wrote": (
        "{path} を書き出しました（記録 {records:,} 件、{columns:,} 列）",
        "wrote {path} ({records:record|records}, {columns:column|columns})",
    ),
    "table.cut": (
        "警告: 記録 {uid}: Excel の 1 セルの上限（32,767 文字）を超える文章をブックでは切り詰めました"
        "（CSV では全文を残します）",
        "warning: record {uid}: a text longer than Excel's 32,767 characters per cell was cut "
        "in the workbook (CSV keeps it whole)",
    ),
    "table.plan": (
        "{prefix}{name}: 見出しは {header} 行目。列と項目:",
        "{prefix}{name}: header on row {header}; columns and fields:",
    ),
    "table.counts": (
        "  追加 {add}、更新 {update}、変更なし {unchanged}、受け付けない行 {refused}",
        "  added {add}, updated {update}, unchanged {unchanged}, refused {refused}",
    ),
    "table.row": (
        "  {row} 行目  {action}  {kind}  {title}{changed}",
        "  row {row:<5} {action:<9} {kind:<7} {title}{changed}",
    ),
    "table.undo": ("  取り消すには: zebkb undo-import {id}", "  undo with: zebkb undo-import {id}"),
    "table.add": ("追加", "add"),
    "table.update": ("更新", "update"),
    "progress.reindex": ("検索索引の作り直し", "rebuilding the search index"),
    "progress.check_deep": ("添付ファイルの照合", "checking attachment files"),
    "progress.export": ("書き出し", "exporting"),
    "progress.import": ("取り込み", "importing"),
    "progress.files": ("添付ファイル（バイト）", "attachment files (bytes)"),
    "progress.rows": ("データベースの行", "database rows"),
    "progress.index": ("検索索引", "search index"),
    "check.problem": ("問題: {problem}", "{problem}"),
    "backup.keep": ("--keep には 1 以上の数を指定してください", "--keep must be at least 1"),
    "backup.question": (
        "ナレッジベースを {when} のバックアップ（記録 {records:,} 件）で置き換えますか？"
        "今の状態は先にバックアップとして残します。",
        "Replace the knowledge base with the backup of {when} ({records:record|records})? "
        "The current state is kept as a backup first.",
    ),
    "backup.yes_needed": (
        "restore-backup はナレッジベース全体を置き換えます。端末なしで実行するときは --yes で確認してください",
        "restore-backup replaces the whole knowledge base; confirm with --yes when running "
        "without a terminal",
    ),
    "backup.not_restored": ("何も戻していません", "nothing restored"),
    "backup.restored": (
        "{name} から記録 {records:,} 件を戻しました。前の状態は {kept} に残してあります",
        "restored {records:record|records} from {name}; the previous state is kept as {kept}",
    ),
    "backup.problem": ("確認: {problem}", "check: {problem}"),
    "backup.yes_no": ("[y/N]", "[y/N]"),
    "migrate.done": (
        "{target} へ移しました: {parts}。{check}",
        "migrated to {target}: {parts}; {check}",
    ),
    "migrate.records": ("記録 {n:,} 件", "{n:record|records}"),
    "migrate.deleted": ("（ほかに削除済み {n:,} 件）", " (+{n:,} deleted)"),
    "migrate.versions": ("版 {n:,} 件", "{n:version|versions}"),
    "migrate.files": (
        "添付ファイル {n:,} 件（{size}）",
        "{n:attachment file|attachment files} ({size})",
    ),
    "migrate.conflicts": ("競合 {n:,} 件", "{n:conflict|conflicts}"),
    "migrate.imports": ("取り込みの記録 {n:,} 件", "{n:import|imports} logged"),
    "migrate.keys": ("信頼済みの鍵 {n:,} 件", "{n:trusted key|trusted keys}"),
    "migrate.settings": ("設定 {n:,} 件", "{n:setting|settings}"),
    "migrate.ok": ("確認済み、件数は一致しています", "check ok, counts match"),
    "migrate.failed": ("確認で問題が見つかりました:", "check failed:"),
    "migrate.team": (
        "このフォルダは今後 {target} を使います。元のデータベースは {kept} に残してあります。"
        "ほかの PC では: zebkb --data-dir フォルダ init --ward 区 --database {target}",
        "this folder now uses {target}; its own database was kept as {kept}. On each other PC: "
        "zebkb --data-dir DIR init --ward WARD --database {target}",
    ),
    "error.unexpected": (
        "予期しないエラーが発生しました（{kind}: {detail}）{where}。詳しくは --debug を付けて実行してください",
        "unexpected error ({kind}: {detail}){where}; run again with --debug for details",
    ),
    "error.details_in": ("。詳細は {log} にあります", "; details are in {log}"),
    "error.interrupted": ("中断しました", "interrupted"),
}


def say(key: str, lang: str, **fmt: Any) -> str:
    """The text ``key`` in ``lang``, its placeholders filled."""
    ja, en = TEXTS[key]
    return fill(en if lang == "en" else ja, **fmt)

"""Typed settings (zebkb/ui/core/settings.py) in a temporary INI file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QSplitter, QWidget

from zebkb.ui.core import settings as s
from zebkb.ui.core.settings import Settings

pytestmark = pytest.mark.gui


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "zebkb.ini"


def test_defaults_in_a_new_file(qapp, path: Path) -> None:
    st = Settings(path)
    assert st.language == "ja"
    assert st.date_style == "western"
    assert st.data_dir is None
    assert st.first_run_done is False
    assert st.get(s.WINDOW_GEOMETRY) == b""
    assert st.column_widths("case") == ()


def test_values_survive_a_restart(qapp, path: Path, tmp_path: Path) -> None:
    st = Settings(path)
    st.language = "en"
    st.date_style = "japanese"
    st.data_dir = tmp_path / "データ"
    st.first_run_done = True
    st.set_column_widths("visit", [120, 80, 300])
    st.set_splitter_sizes("main", (200, 600, 400))
    st.sync()
    again = Settings(path)
    assert again.language == "en"
    assert again.date_style == "japanese"
    assert again.data_dir == tmp_path / "データ"
    assert again.first_run_done is True
    assert again.column_widths("visit") == (120, 80, 300)
    assert again.column_widths("case") == ()
    assert again.splitter_sizes("main") == (200, 600, 400)


def test_window_geometry_round_trip(qtbot, path: Path) -> None:
    splitter = QSplitter()
    splitter.addWidget(QWidget())
    splitter.addWidget(QWidget())
    qtbot.addWidget(splitter)
    splitter.resize(640, 300)
    splitter.setSizes([100, 540])
    st = Settings(path)
    st.set(s.WINDOW_GEOMETRY, bytes(splitter.saveGeometry().data()))
    st.set(s.WINDOW_STATE, bytes(splitter.saveState().data()))
    st.sync()
    other = QSplitter()
    other.addWidget(QWidget())
    other.addWidget(QWidget())
    qtbot.addWidget(other)
    again = Settings(path)
    assert other.restoreGeometry(again.get(s.WINDOW_GEOMETRY))
    assert other.restoreState(again.get(s.WINDOW_STATE))
    assert other.size().width() == 640


@pytest.mark.parametrize(
    ("key", "raw", "read"),
    [
        ("general/language", "fr", lambda st: st.language == "ja"),
        ("display/date_style", "", lambda st: st.date_style == "western"),
        ("general/first_run_done", "perhaps", lambda st: st.first_run_done is False),
        ("window/geometry", "@@not base64@@", lambda st: st.get(s.WINDOW_GEOMETRY) == b""),
        ("window/columns/case", "[1, -5]", lambda st: st.column_widths("case") == ()),
        ("window/columns/case", "{not json", lambda st: st.column_widths("case") == ()),
        ("window/columns/case", "[true]", lambda st: st.column_widths("case") == ()),
    ],
)
def test_nonsense_in_the_file_gives_defaults(qapp, path: Path, key, raw, read) -> None:
    path.parent.mkdir(parents=True)
    section, _, name = key.partition("/")
    path.write_text(f"[{section}]\n{name}={raw}\n", encoding="utf-8")
    assert read(Settings(path))


def test_changed_is_emitted_once_per_real_change(qtbot, path: Path) -> None:
    st = Settings(path)
    with qtbot.waitSignal(st.changed, timeout=1000) as blocker:
        st.language = "en"
    assert blocker.args == ["general/language"]
    with qtbot.assertNotEmitted(st.changed):
        st.language = "en"
    with qtbot.waitSignal(st.changed, timeout=1000):
        st.reset(s.LANGUAGE)
    assert st.language == "ja"


def test_bad_values_are_refused_on_write(qapp, path: Path) -> None:
    st = Settings(path)
    with pytest.raises(ValueError, match="not one of"):
        st.date_style = "klingon"
    with pytest.raises(ValueError, match="setting names"):
        st.set_column_widths("../evil", [1])
    assert st.date_style == "western"


def test_every_option_has_a_distinct_key() -> None:
    keys = [o.key for o in s.OPTIONS]
    assert len(keys) == len(set(keys))

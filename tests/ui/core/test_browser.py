"""SafeTextBrowser: the rendering-safety page of issue 5, and the plain traps underneath."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextCursor, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTextBrowser

from zebkb.ui.core.browser import SafeTextBrowser

pytestmark = pytest.mark.gui

SHA = "cd" * 32
UID = "12345678-1234-4234-8234-123456789abc"


def _red_png(path: Path) -> None:
    image = QImage(50, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))


def _hostile_markdown(folder: Path) -> str:
    """One body that tries every trap listed in issue 5."""
    return "\n\n".join(
        [
            "# 危険なページ ZEB",
            "![remote](http://evil.example/track.png)",
            f"![file](file://{folder.as_posix()}/x.png)",
            "![relative](x.png)",
            f"![attachment](zkb-att:{SHA})",
            "[js](javascript:alert(1)) [data](data:text/html,hi) "
            f"[file](file://{folder.as_posix()}/x.png) [unc](\\\\\\\\host\\\\share) "
            f"[web](https://example.com/) [record](zkb-record:{UID})",
            "<script>alert(1)</script>",
            '<iframe src="http://evil.example/"></iframe>',
            "<style>p { background: url(http://evil.example/bg.png) }</style>",
            '<img src="x.png" width="100000" height="100000">',
            "<table><tr><td>" * 20 + "deep" + "</td></tr></table>" * 20,
            "[" * 20_000,
        ]
    )


class _Spy(SafeTextBrowser):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.requests: list[tuple[str, QImage | str]] = []

    def loadResource(self, type: int, name: QUrl) -> object:
        answer = super().loadResource(type, name)
        self.requests.append((name.toString(), answer))  # type: ignore[arg-type]
        return answer


def _anchors(browser: QTextBrowser) -> list[tuple[str, int]]:
    found = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                found.append((fmt.anchorHref(), fragment.position() + 1))
            it += 1
        block = block.next()
    return found


def _click_at(browser: QTextBrowser, position: int) -> None:
    cursor = QTextCursor(browser.document())
    cursor.setPosition(position)
    browser.ensureCursorVisible()
    browser.setTextCursor(cursor)
    point: QPoint = browser.cursorRect(cursor).center()
    QTest.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_hostile_page(qtbot, tmp_path: Path) -> None:
    _red_png(tmp_path / "x.png")
    blue = QImage(30, 20, QImage.Format.Format_RGB32)
    blue.fill(QColor("blue"))
    asked: list[str] = []

    def resolver(sha: str) -> QImage:
        asked.append(sha)
        return blue

    browser = _Spy(resolver=resolver)
    qtbot.addWidget(browser)
    browser.setSearchPaths([str(tmp_path)])
    browser.resize(600, 400)
    browser.show()

    result = browser.show_markdown(_hostile_markdown(tmp_path), ["zeb"])
    browser.grab()  # forces layout and painting
    assert not result.fallback

    html = browser.toHtml()
    assert "<script" not in result.html
    assert "<iframe" not in result.html
    assert not re.search(r'<[^>]*\b(src|href)="(?!zkb-)', result.html)
    assert asked == [SHA]
    # Every resource Qt asked for was answered from memory.
    for url, answer in browser.requests:
        assert isinstance(answer, QImage)
        assert not answer.isNull()
        assert (answer.size().width(), answer.size().height()) in {(1, 1), (30, 20)}, url

    # Click every link: only our record link emits, nothing navigates.
    refused: list[str] = []
    records: list[str] = []
    browser.linkRefused.connect(refused.append)
    browser.recordLinkActivated.connect(records.append)
    anchors = _anchors(browser)
    assert [href for href, _ in anchors] == [f"zkb-record:{UID}"]
    for _, position in anchors:
        with qtbot.waitSignal(browser.recordLinkActivated, timeout=2000):
            _click_at(browser, position)
    assert records == [UID]
    assert browser.source().isEmpty()
    assert browser.toHtml() == html


def test_raw_html_cannot_make_it_read_disk(qtbot, tmp_path: Path) -> None:
    """The second layer alone: even unsanitised HTML gets only placeholders."""
    _red_png(tmp_path / "x.png")
    page = f'<p><img src="x.png"><img src="file://{tmp_path.as_posix()}/x.png"></p>'
    image_type = QTextDocument.ResourceType.ImageResource

    control = QTextBrowser()
    qtbot.addWidget(control)
    control.setSearchPaths([str(tmp_path)])
    control.setHtml(page)
    loaded = control.document().resource(image_type, QUrl("x.png"))
    # The trap is real: a plain QTextBrowser reads the file.
    assert loaded is not None
    assert (loaded.width(), loaded.height()) == (50, 40)

    browser = _Spy()
    qtbot.addWidget(browser)
    browser.setSearchPaths([str(tmp_path)])
    browser.setHtml(page)
    browser.grab()
    for url in ("x.png", f"file://{tmp_path.as_posix()}/x.png"):
        answer = browser.document().resource(image_type, QUrl(url))
        assert (answer.width(), answer.height()) == (1, 1)
    assert len(browser.requests) == 2


def test_raw_links_do_not_navigate(qtbot, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>other page</p>", encoding="utf-8")
    page = (
        f'<p><a href="file://{tmp_path.as_posix()}/page.html">file</a> '
        '<a href="page.html">relative</a> <a href="javascript:alert(1)">js</a> '
        f'<a href="zkb-att:{SHA}">att</a></p>'
    )
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.setSearchPaths([str(tmp_path)])
    browser.resize(600, 200)
    browser.show()
    browser.setHtml(page)
    before = browser.toPlainText()
    refused: list[str] = []
    attachments: list[str] = []
    browser.linkRefused.connect(refused.append)
    browser.attachmentActivated.connect(attachments.append)
    for _, position in _anchors(browser):
        with qtbot.waitSignal(browser.anchorClicked, timeout=2000):
            _click_at(browser, position)
    browser.setSource(QUrl.fromLocalFile(str(tmp_path / "page.html")))
    assert browser.toPlainText() == before
    assert attachments == [SHA]
    assert len(refused) == 3


def test_resolver_failure_gives_placeholder(qtbot) -> None:
    def broken(sha: str) -> QImage:
        raise OSError("gone")

    browser = _Spy(resolver=broken)
    qtbot.addWidget(browser)
    browser.show_markdown(f"![a](zkb-att:{SHA})")
    browser.grab()
    assert browser.requests
    assert all(answer.width() == 1 for _, answer in browser.requests)  # type: ignore[union-attr]


def test_wide_attachment_images_are_scaled(qtbot) -> None:
    wide = QImage(2000, 1000, QImage.Format.Format_RGB32)
    wide.fill(QColor("green"))
    browser = _Spy(resolver=lambda sha: wide)
    qtbot.addWidget(browser)
    browser.show_markdown(f"![a](zkb-att:{SHA})")
    browser.grab()
    answer = browser.requests[0][1]
    assert isinstance(answer, QImage)
    assert answer.width() == 480

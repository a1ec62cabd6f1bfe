"""A QTextBrowser that never reads a file, never opens the network, never navigates.

QTextBrowser is helpful in ways a viewer of untrusted text must not be: when
``loadResource`` returns nothing it reads ``file:`` and relative image paths
from disk itself (only a non-null placeholder image stops it), and with its
defaults it follows ``file:`` links on click. Here every resource request is
answered from memory, and a click only ever emits a signal for our own
``zkb-record:`` / ``zkb-att:`` links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from zebkb.render import RenderResult, parse_internal_url, render_markdown, rewrite_html

# sha256 → image (a thumbnail, or None when there is none yet).
ImageResolver = Callable[[str], QImage | None]

MAX_INLINE_IMAGE_WIDTH = 480

DEFAULT_STYLE = """
.hit { background-color: #ffe066; }
.url { color: #666666; }
.noimg { color: #888888; }
.extlink { text-decoration: underline; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { border: 1px solid #bbbbbb; padding: 3px 8px; }
th { background-color: #f0f0f0; }
"""


def placeholder_image() -> QImage:
    """A transparent 1×1 image: a non-null answer, so Qt does not look on disk."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    return image


def _is_image(resource_type: object) -> bool:
    # PySide6 hands the type over as a plain int.
    image = QTextDocument.ResourceType.ImageResource
    return resource_type in (image, image.value)


class SafeTextBrowser(QTextBrowser):
    recordLinkActivated = Signal(str)
    attachmentActivated = Signal(str)
    # A link that is shown but not followed (external, javascript:, file:, …).
    linkRefused = Signal(str)
    # An http(s) address the application itself put on the page (a 出典 URL).
    webLinkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None, resolver: ImageResolver | None = None):
        super().__init__(parent)
        self._resolver = resolver
        self._placeholder = placeholder_image()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(DEFAULT_STYLE)
        self.anchorClicked.connect(self._on_anchor)

    def set_resolver(self, resolver: ImageResolver | None) -> None:
        self._resolver = resolver

    # --- content -------------------------------------------------------------

    def show_rendered(self, result: RenderResult) -> None:
        """Show the output of ``render.render_markdown`` (made off the GUI thread)."""
        self.setHtml(result.html)

    def show_markdown(self, text: str, terms: Sequence[str] = ()) -> RenderResult:
        """Render and show in one step; for short texts and tests."""
        result = render_markdown(text, terms)
        self.show_rendered(result)
        return result

    def show_untrusted_html(self, fragment: str) -> None:
        """HTML from elsewhere goes through the same allow-list as rendered Markdown."""
        self.setHtml(rewrite_html(fragment))

    # --- the two doors QTextBrowser would otherwise open ---------------------

    def loadResource(self, type: int, name: QUrl | str) -> object:
        if _is_image(type):
            return self._image_for(QUrl(name))
        # Style sheets, HTML, Markdown: an empty answer is still an answer.
        return ""

    def _image_for(self, name: QUrl) -> QImage:
        target = parse_internal_url(name.toString())
        if target is None or target[0] != "attachment" or self._resolver is None:
            return self._placeholder
        try:
            image = self._resolver(target[1])
        except Exception:
            # A broken thumbnail must not break reading the record.
            return self._placeholder
        if image is None or image.isNull():
            return self._placeholder
        if image.width() > MAX_INLINE_IMAGE_WIDTH:
            image = image.scaledToWidth(MAX_INLINE_IMAGE_WIDTH)
        return image

    def doSetSource(
        self,
        name: QUrl | str,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        # Navigation is the application's job (via the signals), never Qt's.
        return

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        target = parse_internal_url(text)
        if target is None and url.scheme() in ("http", "https") and url.isValid():
            # Only the detail pane's own markup links to the web: rendered bodies
            # have external links turned into text (zebkb/render.py).
            self.webLinkActivated.emit(text)
        elif target is None:
            self.linkRefused.emit(text)
        elif target[0] == "record":
            self.recordLinkActivated.emit(target[1])
        else:
            self.attachmentActivated.emit(target[1])

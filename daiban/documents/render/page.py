"""The HTML page around a document's body, and the stylesheet it is laid out with.

The stylesheet is one file, ``static/documents/document.css``: the preview page of the site links it as a
static file (``{% static CSS_STATIC_NAME %}``) and wraps the body in ``<div class="doc-sheet">``; the PDF
reads it from disk (``stylesheet()``); ``page_html`` inlines it.
"""

from __future__ import annotations

import html
from pathlib import Path

from daiban.documents.render.markup import join_cjk_lines

CSS_STATIC_NAME = "documents/document.css"
CSS_PATH = Path(__file__).resolve().parent.parent / "static" / CSS_STATIC_NAME

_css_cache: tuple[int, str] | None = None


def css_version() -> int:
    """The stylesheet file's modification time (ns): caches of it are rebuilt when it changes."""
    return CSS_PATH.stat().st_mtime_ns


def stylesheet() -> str:
    """The text of ``document.css``, read again only when the file has changed."""
    global _css_cache
    version = css_version()
    if _css_cache is None or _css_cache[0] != version:
        _css_cache = (version, CSS_PATH.read_text(encoding="utf-8"))
    return _css_cache[1]


def page_html(body_html: str, *, title: str, for_screen: bool = False) -> str:
    """The whole HTML document of a body, the stylesheet inlined.

    For print (the PDF) the body sits in ``<div class="doc-sheet">`` on a bare page; for the screen the page
    also gets a viewport and a grey background on which the sheet shows as an A4 page that shrinks to the
    width of a phone.
    """
    return document_html(body_html, title=title, for_screen=for_screen, css=stylesheet())


def document_html(body_html: str, *, title: str, for_screen: bool, css: str | None) -> str:
    """``page_html`` with the stylesheet given (``None``: no ``<style>``, the PDF passes it apart)."""
    head = ['<meta charset="utf-8">']
    if for_screen:
        head.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    head.append(f"<title>{html.escape(title)}</title>")
    if css is not None:
        head.append(f"<style>\n{css}\n</style>")
    body_class = ' class="doc-screen"' if for_screen else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
        + "\n".join(head)
        + f'\n</head>\n<body{body_class}>\n<div class="doc-sheet">\n'
        + join_cjk_lines(body_html)
        + "\n</div>\n</body>\n</html>\n"
    )

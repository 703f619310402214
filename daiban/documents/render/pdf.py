"""A document's body as a PDF (WeasyPrint), laid out by ``static/documents/document.css``.

Nothing is fetched: the URL fetcher hands over ``data:`` URIs (the body's images) and refuses every other
URL, so a body can reach neither the network nor the server's files. The stylesheet is read from disk and
given to WeasyPrint parsed.

WeasyPrint embeds a subset of every font it uses. What costs time once per process (importing WeasyPrint,
Fontconfig's font set, parsing the stylesheet) is kept at module level, the stylesheet parsed again only
when its file changes. Rendering is serialised by a lock: Pango and Fontconfig objects are shared.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from daiban.documents.render import page

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# (stylesheet version, FontConfiguration, parsed CSS, URL fetcher), built on the first render.
_state: tuple[int, Any, Any, Any] | None = None


def render_pdf(body_html: str, *, title: str) -> bytes:
    """The body as an A4 PDF (GB/T 9704 layout), its title in the PDF's metadata."""
    html_text = page.document_html(body_html, title=title, for_screen=False, css=None)
    with _lock:
        from weasyprint import HTML  # imported here: importing WeasyPrint takes ~0.6s

        font_config, stylesheet, fetcher = _prepared()
        document = HTML(string=html_text, url_fetcher=fetcher, media_type="print").render(
            stylesheets=[stylesheet], font_config=font_config
        )
        pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def warm_up() -> None:
    """Pay now what the first render of a process costs (WeasyPrint's import, Fontconfig, the stylesheet,
    the fonts' first use), e.g. when a server's worker starts: that render takes about a second more."""
    render_pdf('<h1>预热</h1><p class="to">预热：</p><p>预热 1</p><h2>预热</h2>', title="")


def _prepared() -> tuple[Any, Any, Any]:
    """The font configuration, parsed stylesheet and fetcher, made again if the stylesheet has changed."""
    global _state
    version = page.css_version()
    if _state is None or _state[0] != version:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        # WeasyPrint reports each of its seven steps at INFO: seven lines a document in the server's log.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        fetcher = _data_only_fetcher()
        font_config = _state[1] if _state is not None else FontConfiguration()
        stylesheet = CSS(
            string=page.stylesheet(), url_fetcher=fetcher, font_config=font_config, media_type="print"
        )
        _state = (version, font_config, stylesheet, fetcher)
    return _state[1], _state[2], _state[3]


class RefusedURL(ValueError):
    """A URL other than ``data:`` that a body (or the stylesheet) asked for."""


def _data_only_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Fetches ``data:`` URIs (decoded by urllib, no I/O) and refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                logger.debug("PDF rendering refused to fetch %.200s", url)
                raise RefusedURL(f"only data: URIs are rendered, not {url[:200]}")
            return super().fetch(url, headers)

    return DataOnlyFetcher()

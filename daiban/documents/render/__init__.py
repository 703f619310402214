"""From a document's body to paper: the browser preview, PDF (WeasyPrint) and DOCX (python-docx).

A kind's template (``documents/kinds/<kind>.html``, overridable per county, see ``templating``) renders the
document's *body*: a fragment in the small markup below, and nothing else. The same body becomes the
preview page, the PDF and the Word file, so the three say the same thing.

The body markup (anything else is rendered as plain paragraphs in DOCX and ignored by the stylesheet):

``<div class="red-head"><p class="issuer">呼和浩特市新城区信访代办中心</p><p class="docno">新信代受〔2026〕17号</p></div>``
    the 版头: issuing body in red, large; the document number centred below; a red rule under both.
``<h1>受理告知书</h1>``
    the title (2号小标宋-style, centred); ``<h2>`` a sub-heading (3号黑体-style, left-aligned, indented two
    characters as a paragraph is, like GB/T 9704's 一级标题).
``<p class="to">张三：</p>``
    the addressee (主送), flush left.
``<p>…</p>``
    a body paragraph (3号仿宋-style, first line indented two characters); may contain ``<strong>``,
    ``<u>`` (a blank to fill in by hand or an underlined value) and ``<br>``.
``<p class="noindent">``, ``<p class="center">``, ``<p class="right">``, ``<p class="note">`` (small text)
``<table class="form"><tr><th>事项编号</th><td>150102-2026-00017</td></tr>…</table>``
    a form of labelled cells (回执, 交办单, 回访记录表); ``colspan`` on ``td`` is honoured.
``<table class="grid"><thead><tr><th>…</th></tr></thead><tbody><tr><td>…</td></tr></tbody></table>``
    a ruled table with a header row (the parties' obligations).
``<div class="sign-area"><p>呼和浩特市新城区信访代办中心</p><p>2026年12月2日</p></div>``
    the issuing body and date, right-aligned, with room for the seal (印章) above the date.
``<div class="signatures"><div class="signature"><p class="label">委托人（签名）：</p><img src="data:image/png;base64,…"><p class="time">2026年12月2日 10:31</p></div>…</div>``
    the signature lines; an ``img`` is the captured signature, absent while unsigned (a blank line).
``<img class="qr" src="data:image/png;base64,…">``
    a QR code (``qr_data_uri``), with ``<p class="qr-caption">`` beside it.

Images are data URIs only: rendering never fetches anything (the PDF's URL fetcher refuses every URL but
``data:``; the DOCX takes only PNG and JPEG data URIs). A line break of the template between two Chinese
characters is dropped (CSS Text 3's rule, ``markup.join_cjk_lines``), so wrapping a long sentence in the
template leaves no gap.

The API:

``page_html(body, title=…, for_screen=False)``
    the whole HTML page (lang zh-CN, the stylesheet inlined); ``for_screen`` adds a viewport and shows the
    sheet on a grey ground. The site's preview page instead links ``{% static "documents/document.css" %}``
    (``CSS_STATIC_NAME``) and wraps the body in ``<div class="doc-sheet">…</div>``: an A4 sheet, shrunk to
    the width of a phone.
``render_pdf(body, title=…) -> bytes``
    A4, GB/T 9704-2012 margins and sizes, page numbers "— 1 —", every font embedded (``pdf``).
``render_docx(body, title=…) -> bytes``
    the same as a Word file, its text that of the body's blocks (``docx``, ``markup``).
``qr_data_uri(text)``, ``data_uri_png(png)``
    the images a body may hold (``qr``).

``pages.pdf_to_png_pages`` makes pictures of a PDF's pages (``pdftoppm``). Importing this package is cheap:
WeasyPrint, python-docx and segno are imported on first use.
"""

from daiban.documents.render.docx import render_docx
from daiban.documents.render.page import CSS_STATIC_NAME, page_html
from daiban.documents.render.pdf import render_pdf
from daiban.documents.render.qr import data_uri_png, qr_data_uri

__all__ = ["CSS_STATIC_NAME", "data_uri_png", "page_html", "qr_data_uri", "render_docx", "render_pdf"]

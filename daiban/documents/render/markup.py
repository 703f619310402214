"""The body markup read back into blocks, for the Word file (see the package's docstring for the markup).

``parse(body_html)`` gives the body's blocks in order; ``block_text(block)`` the strings a block shows, in
reading order, which the DOCX holds as its paragraphs and table cells (and the PDF shows the same).

The body is built into a small tree first (``html.parser``, with the few implied end tags a hand-written
template may leave out), then read. Whitespace is collapsed as a browser does (ASCII whitespace only: the
ideographic space U+3000 and no-break space stay, they are blanks to fill in). Script, style and the like
are dropped; an element the markup does not know is read as plain paragraphs of its text.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal, NamedTuple

# -- Blocks -------------------------------------------------------------------------------------------------


class Run(NamedTuple):
    """A stretch of text with one formatting; the text ``"\\n"`` is a line break (``<br>``)."""

    text: str
    bold: bool = False
    underline: bool = False


Align = Literal["justify", "left", "center", "right"]
# body: 3号, first line indented two characters; to / noindent: flush left; note / caption: small text.
ParaStyle = Literal["body", "to", "noindent", "note", "caption"]


@dataclass(frozen=True)
class RedHead:
    issuer: str
    number: str


@dataclass(frozen=True)
class Heading:
    level: int  # 1: the title (h1); 2: a sub-heading (h2 … h6)
    text: str  # "\n" where the title breaks (<br>)


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    align: Align = "justify"
    style: ParaStyle = "body"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Cell:
    runs: tuple[Run, ...]
    header: bool = False  # th
    colspan: int = 1

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class FormTable:
    """Labelled cells (th label, td value, …) row by row."""

    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class GridTable:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class SignArea:
    lines: tuple[str, ...]


class Signature(NamedTuple):
    label: str  # p.label
    png: bytes | None  # the img; None: not signed (yet), a blank to sign by hand unless ``text`` stands there
    time: str  # p.time
    text: str = ""  # any other paragraph of the signature ("已在纸面签名", the agent's name): "\n" between


@dataclass(frozen=True)
class Signatures:
    entries: tuple[Signature, ...]


@dataclass(frozen=True)
class QR:
    png: bytes
    caption: str = ""


Block = RedHead | Heading | Para | FormTable | GridTable | SignArea | Signatures | QR


def block_text(block: Block) -> list[str]:
    """What a block shows, in reading order: one string per paragraph or table cell."""
    match block:
        case RedHead():
            return [block.issuer, block.number]
        case Heading():
            return [block.text]
        case Para():
            return [block.text]
        case FormTable():
            return [cell.text for row in block.rows for cell in row]
        case GridTable():
            return [cell.text for row in (block.header, *block.rows) for cell in row]
        case SignArea():
            return list(block.lines)
        case Signatures():
            return [text for entry in block.entries for text in (entry.label, entry.text, entry.time)]
        case QR():
            return [block.caption]
    raise TypeError(block)


def text_of(blocks: list[Block]) -> list[str]:
    return [text for block in blocks for text in block_text(block)]


def image_bytes(src: str | None) -> bytes | None:
    """The bytes of a ``data:image/png`` (or jpeg) base64 URI; None for anything else or a broken one."""
    match = _DATA_URI.fullmatch((src or "").strip())
    if not match:
        return None
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match[2]), validate=True)
    except (binascii.Error, ValueError):
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return data
    return None


_DATA_URI = re.compile(r"data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)

# -- Line breaks of the source ------------------------------------------------------------------------------

# Wide (CJK) characters: ideographs, their punctuation, kana, full-width forms.
_WIDE = (
    "\u2e80-\u303f\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003ffff"
)
_CJK_LINE_BREAK = re.compile(f"(?<=[{_WIDE}])[ \t]*[\r\n][ \t\r\n]*(?=[{_WIDE}])")


def join_cjk_lines(body_html: str) -> str:
    """Drop a line break of the source between two Chinese characters (CSS Text 3's segment break rule).

    A template may wrap a long sentence; a browser (and WeasyPrint) would show the line break as a space, a
    gap in the middle of Chinese text. The preview, the PDF and the Word file all read the body through this.
    """
    return _CJK_LINE_BREAK.sub("", body_html)


# -- The tree -----------------------------------------------------------------------------------------------

_VOID = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img"),
        *("input", "link", "meta", "param", "source", "track", "wbr"),
    }
)
# Their content is never shown.
_SKIP = frozenset({"script", "style", "template", "head", "title", "noscript", "iframe", "object"})
# Elements that start a new block when read outside a paragraph.
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol"),
        *("p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    }
)
# The implied end tags that matter here: a start tag of the key closes the nearest open element of the first
# set, unless one of the second set (its scope) is met first; every block start closes an open paragraph.
_TABLE_SCOPE = frozenset({"table"})
_CLOSES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "table", "td", "th"})),
    "td": (frozenset({"td", "th"}), _TABLE_SCOPE),
    "th": (frozenset({"td", "th"}), _TABLE_SCOPE),
    "tr": (frozenset({"tr"}), _TABLE_SCOPE),
    "thead": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
    "tbody": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
    "tfoot": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
}
_P_CLOSE = (frozenset({"p"}), frozenset({"table", "td", "th"}))


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self) -> list[Element]:
        return [child for child in self.children if isinstance(child, Element)]

    def find(self, tag: str, cls: str | None = None) -> Element | None:
        """The first descendant ``tag`` (with class ``cls``), depth first."""
        for child in self.elements():
            if child.tag == tag and (cls is None or cls in child.classes):
                return child
            if found := child.find(tag, cls):
                return found
        return None

    def find_all(self, tag: str) -> list[Element]:
        found: list[Element] = []
        for child in self.elements():
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(child.find_all(tag))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._close(*_P_CLOSE)
        if tag in _CLOSES:
            self._close(*_CLOSES[tag])
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def _close(self, targets: frozenset[str], scope: frozenset[str]) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[depth].tag
            if open_tag in targets:
                del self.stack[depth:]
                return
            if open_tag in scope:
                return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        # A stray end tag: ignored (</p> without a <p> would be an empty paragraph in a browser; nothing here).

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def tree(body_html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(body_html)
    builder.close()
    return builder.root


# -- Reading the tree into blocks ---------------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f]+")


def _runs(element: Element, *, bold: bool = False, underline: bool = False) -> list[Run]:
    """The inline content of ``element`` as runs (uncollapsed); nested blocks read as their text."""
    runs: list[Run] = []
    for child in element.children:
        if isinstance(child, str):
            runs.append(Run(child, bold, underline))
        elif child.tag in _SKIP:
            continue
        elif child.tag == "br":
            runs.append(Run("\n", bold, underline))
        elif child.tag in ("p", "div", "li", "tr") and runs:
            # Paragraphs inside a cell (or a paragraph written inside another) go on their own lines.
            runs.append(Run("\n", bold, underline))
            runs.extend(_runs(child, bold=bold, underline=underline))
        else:
            runs.extend(
                _runs(
                    child,
                    bold=bold or child.tag in ("strong", "b"),
                    underline=underline or child.tag in ("u", "ins"),
                )
            )
    return runs


def collapse(runs: list[Run]) -> tuple[Run, ...]:
    """Whitespace as a browser shows it: runs of ASCII whitespace become one space, none at a line's ends."""
    out: list[Run] = []
    space_pending = False
    at_line_start = True
    for run in runs:
        if run.text == "\n":
            out.append(run)
            space_pending, at_line_start = False, True
            continue
        for index, piece in enumerate(_SPACE.split(run.text)):
            if index > 0:
                space_pending = True
            if not piece:
                continue
            text = (" " if space_pending and not at_line_start else "") + piece
            space_pending, at_line_start = False, False
            if out and out[-1].text != "\n" and out[-1][1:] == run[1:]:
                out[-1] = out[-1]._replace(text=out[-1].text + text)
            else:
                out.append(Run(text, run.bold, run.underline))
    # No break at either end (a trailing <br> shows nothing).
    while out and out[-1].text == "\n":
        out.pop()
    while out and out[0].text == "\n":
        out.pop(0)
    return tuple(out)


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return "".join(run.text for run in collapse(_runs(element)))


def _para(element: Element) -> Para:
    classes = element.classes
    align: Align = "justify"
    style: ParaStyle = "body"
    if "to" in classes:
        style = "to"
    elif "noindent" in classes:
        style = "noindent"
    if "note" in classes:
        style = "note"
    if "qr-caption" in classes:
        style = "caption"
    if "center" in classes:
        align, style = "center", style if style != "body" else "noindent"
    elif "right" in classes:
        align, style = "right", style if style != "body" else "noindent"
    return Para(collapse(_runs(element)), align, style)


def _cells(row: Element) -> tuple[Cell, ...]:
    cells = []
    for cell in row.elements():
        if cell.tag not in ("td", "th"):
            continue
        try:
            colspan = max(1, min(int(cell.attrs.get("colspan", "1") or "1"), 64))
        except ValueError:
            colspan = 1
        cells.append(Cell(collapse(_runs(cell)), header=cell.tag == "th", colspan=colspan))
    return tuple(cells)


def _rows(table: Element, section: str | None = None) -> list[Element]:
    """The table's rows (of ``section``: thead, tbody, tfoot; None: all), not those of nested tables."""
    rows: list[Element] = []
    for child in table.elements():
        if child.tag == "tr" and section in (None, "tbody"):
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot") and section in (None, child.tag):
            rows.extend(row for row in child.elements() if row.tag == "tr")
    return rows


def _table(table: Element) -> FormTable | GridTable:
    if "grid" in table.classes:
        head_rows = _rows(table, "thead")
        body_rows = _rows(table, "tbody") + _rows(table, "tfoot")
        if not head_rows and body_rows and all(c.header for c in _cells(body_rows[0])):
            head_rows, body_rows = body_rows[:1], body_rows[1:]
        header = _cells(head_rows[0]) if head_rows else ()
        rows = [_cells(row) for row in head_rows[1:] + body_rows]
        return GridTable(header, tuple(row for row in rows if row))
    return FormTable(tuple(row for row in (_cells(row) for row in _rows(table)) if row))


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.loose: list[Run] = []  # text outside any known block: a plain paragraph

    def flush(self) -> None:
        runs = collapse(self.loose)
        self.loose = []
        if runs:
            self.blocks.append(Para(runs, "left", "noindent"))

    def add(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def read(self, element: Element) -> None:
        for child in element.children:
            if isinstance(child, str):
                self.loose.append(Run(child))
            else:
                self.element(child)

    def element(self, element: Element) -> None:
        tag, classes = element.tag, element.classes
        if tag in _SKIP:
            return
        if tag == "div" and "red-head" in classes:
            self.add(RedHead(_text(element.find("p", "issuer")), _text(element.find("p", "docno"))))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = "".join(run.text for run in collapse(_runs(element)))
            self.add(Heading(1 if tag == "h1" else 2, text))
        elif tag == "p":
            para = _para(element)
            last = self.blocks[-1] if self.blocks and not collapse(self.loose) else None
            if para.style == "caption" and isinstance(last, QR) and not last.caption:
                self.blocks[-1] = QR(last.png, para.text)
            elif para.runs:
                self.add(para)
            else:
                self.flush()
        elif tag == "table":
            table = _table(element)
            if (isinstance(table, FormTable) and table.rows) or (
                isinstance(table, GridTable) and (table.header or table.rows)
            ):
                self.add(table)
        elif tag == "div" and "sign-area" in classes:
            lines = [_text(child) for child in element.elements() if child.tag not in _SKIP]
            self.add(SignArea(tuple(line for line in lines if line)))
        elif tag == "div" and "signatures" in classes:
            entries = []
            for signature in element.elements():
                if signature.tag != "div" or "signature" not in signature.classes:
                    continue
                image = signature.find("img")
                others = [
                    _text(paragraph)
                    for paragraph in signature.find_all("p")
                    if not paragraph.classes & {"label", "time"}
                ]
                entries.append(
                    Signature(
                        _text(signature.find("p", "label")),
                        image_bytes(image.attrs.get("src")) if image else None,
                        _text(signature.find("p", "time")),
                        "\n".join(text for text in others if text),
                    )
                )
            self.add(Signatures(tuple(entries)))
        elif tag == "img":
            png = image_bytes(element.attrs.get("src"))
            if "qr" in classes and png:
                self.add(QR(png))
            # Other images are not part of the markup.
        elif tag == "br":
            self.flush()
        elif tag in _BLOCKS:
            self.flush()
            self.read(element)
            self.flush()
        else:
            inline = _runs(
                Element("#inline", {}, [element]),
            )
            self.loose.extend(inline)


def parse(body_html: str) -> list[Block]:
    """The blocks of a body, in order."""
    reader = _Reader()
    reader.read(tree(join_cjk_lines(body_html)))
    reader.flush()
    return reader.blocks

"""Reading the body markup into blocks."""

from __future__ import annotations

from daiban.documents.render import markup
from daiban.documents.render.markup import (
    QR,
    Cell,
    FormTable,
    GridTable,
    Heading,
    Para,
    RedHead,
    Run,
    SignArea,
    Signature,
    Signatures,
)

PNG = b"\x89PNG\r\n\x1a\n0000"
PNG_URI = "data:image/png;base64,iVBORw0KGgowMDAw"


def test_every_element_of_the_markup() -> None:
    blocks = markup.parse(
        f"""
        <div class="red-head"><p class="issuer">某某中心</p><p class="docno">新信代受〔2026〕1号</p></div>
        <h1>受理<br>告知书</h1>
        <h2>一、事项</h2>
        <p class="to">张三：</p>
        <p>正文<strong>加粗</strong>和<u>　　</u>。</p>
        <p class="noindent">不缩进</p><p class="center">居中</p><p class="right">居右</p><p class="note">注</p>
        <table class="form"><tr><th>编号</th><td>1</td></tr><tr><th>单位</th><td colspan="3">某局</td></tr></table>
        <table class="grid"><thead><tr><th>甲</th><th>乙</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>
        <div class="sign-area"><p>某某中心</p><p>2026年12月2日</p></div>
        <div class="signatures"><div class="signature"><p class="label">委托人：</p><img src="{PNG_URI}">
        <p class="time">10:31</p></div><div class="signature"><p class="label">代办员：</p></div>
        <div class="signature"><p class="label">受托人：</p><p>已在纸面签名</p><p>李四</p></div></div>
        <img class="qr" src="{PNG_URI}"><p class="qr-caption">扫码核验</p>
        """
    )
    assert blocks == [
        RedHead("某某中心", "新信代受〔2026〕1号"),
        Heading(1, "受理\n告知书"),
        Heading(2, "一、事项"),
        Para((Run("张三："),), "justify", "to"),
        Para((Run("正文"), Run("加粗", bold=True), Run("和"), Run("　　", underline=True), Run("。"))),
        Para((Run("不缩进"),), "justify", "noindent"),
        Para((Run("居中"),), "center", "noindent"),
        Para((Run("居右"),), "right", "noindent"),
        Para((Run("注"),), "justify", "note"),
        FormTable(
            (
                (Cell((Run("编号"),), header=True), Cell((Run("1"),))),
                (Cell((Run("单位"),), header=True), Cell((Run("某局"),), colspan=3)),
            )
        ),
        GridTable(
            (Cell((Run("甲"),), header=True), Cell((Run("乙"),), header=True)),
            ((Cell((Run("1"),)), Cell((Run("2"),))),),
        ),
        SignArea(("某某中心", "2026年12月2日")),
        Signatures(
            (
                Signature("委托人：", PNG, "10:31"),
                Signature("代办员：", None, ""),
                Signature("受托人：", None, "", "已在纸面签名\n李四"),
            )
        ),
        QR(PNG, "扫码核验"),
    ]


def test_whitespace_collapses_as_in_a_browser() -> None:
    (para,) = markup.parse("<p>\n   第一句，\n   第二句。 Latin\n  text <u> 　 </u> end  <br>  下一行 </p>")
    # A line break between two Chinese characters is dropped; elsewhere white space is one space.
    assert para.text == "第一句，第二句。 Latin text 　 end\n下一行"


def test_join_cjk_lines_keeps_other_line_breaks() -> None:
    assert markup.join_cjk_lines("甲\n  乙") == "甲乙"
    assert markup.join_cjk_lines("甲\nB") == "甲\nB"
    assert markup.join_cjk_lines("A\n乙") == "A\n乙"


def test_implied_end_tags() -> None:
    blocks = markup.parse("<p>一<p>二<table class=form><tr><th>甲<td>乙<tr><th>丙<td>丁</table>三")
    assert markup.text_of(blocks) == ["一", "二", "甲", "乙", "丙", "丁", "三"]
    assert isinstance(blocks[2], FormTable) and len(blocks[2].rows) == 2


def test_unknown_elements_are_plain_paragraphs_and_script_is_dropped() -> None:
    blocks = markup.parse(
        "<section>甲<ul><li>乙</li><li>丙</li></ul></section><span>丁</span>戊"
        "<script>x()</script><style>p{}</style><template>模板</template><img src='http://x/y.png'>"
    )
    assert blocks == [
        Para((Run("甲"),), "left", "noindent"),
        Para((Run("乙"),), "left", "noindent"),
        Para((Run("丙"),), "left", "noindent"),
        Para((Run("丁戊"),), "left", "noindent"),
    ]


def test_a_grid_table_without_thead_takes_its_header_row() -> None:
    (table,) = markup.parse("<table class='grid'><tr><th>甲</th></tr><tr><td>乙</td></tr></table>")
    assert isinstance(table, GridTable)
    assert [cell.text for cell in table.header] == ["甲"]
    assert [[cell.text for cell in row] for row in table.rows] == [["乙"]]


def test_image_bytes_only_from_png_or_jpeg_data_uris() -> None:
    assert markup.image_bytes(PNG_URI) == PNG
    assert markup.image_bytes("http://example.com/x.png") is None
    assert markup.image_bytes("data:image/svg+xml;base64,PHN2Zz4=") is None
    assert markup.image_bytes("data:image/png;base64,!!") is None
    assert markup.image_bytes("data:image/png;base64,aGVsbG8=") is None  # not a PNG
    assert markup.image_bytes(None) is None

"""The village poster (信访代办员公示): the village's active agents, the phones of the point, station and
centre, what an agent does, and a QR code (inline SVG, named for screen readers) of the village's public
page, whose address is printed under it; A4 print CSS and a print button without inline script."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client, override_settings

from daiban.portal.tests.directory.helpers import (
    CENTRE_PHONE,
    POINT_PHONE,
    STATION_PHONE,
    WORK_PHONE,
    Directory,
)


@override_settings(PUBLIC_BASE_URL="https://daiban.example.gov.cn")
def test_the_poster_of_a_village(directory: Directory) -> None:
    code = directory.tree.village_a1x.code
    response = Client().get(f"/agents/{code}/poster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="poster-h">信访代办员公示</h1>' in html
    assert "新城区 呼伦路街道 <strong>苏雅拉社区</strong>" in html
    assert "乌云娜" in html and WORK_PHONE in html and "周一至周五 9:00-17:00" in html
    assert "苏雅拉社区党群服务中心一楼代办室" in html
    assert f'src="/agents/photo/{directory.published.pk}/"' in html
    assert "赵志刚" in html and "钱退休" not in html and "孙邻居" not in html
    for phone in (POINT_PHONE, STATION_PHONE, CENTRE_PHONE):
        assert phone in html
    assert "代办员能为您做什么" in html
    # The QR code: inline SVG (no image request), with an accessible name; the address printed under it.
    url = f"https://daiban.example.gov.cn/agents/{code}/"
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(
        0
    ) and 'aria-label="二维码：用手机扫码查看苏雅拉社区代办员信息"' in svg.group(0)
    assert re.search(r'<path [^>]*d="M', svg.group(0))  # the modules
    assert f'<span class="poster-url" data-testid="poster-url">{url}</span>' in html
    # Print: the poster's own stylesheet (A4) and script file; no inline script (a CSP will forbid it).
    assert "/static/portal/directory.css" in html and "/static/portal/poster.js" in html
    assert "<script>" not in html and "onclick" not in html
    assert "data-print" in html and ">打印</button>" in html


def test_the_qr_code_encodes_the_village_page() -> None:
    import segno

    from daiban.portal.directory.views import _qr_svg

    url = "http://127.0.0.1:8000/agents/150102401001/"
    svg = str(_qr_svg(url, "二维码"))
    expected = segno.make_qr(url, error="m").svg_inline(scale=1, border=2, omitsize=True)
    path = re.search(r' d="([^"]+)"', svg)
    assert path is not None and path.group(1) in expected  # the same modules as the URL's own code


def test_the_print_stylesheet_is_one_a4_page(directory: Directory) -> None:
    from django.contrib.staticfiles import finders

    css_path = finders.find("portal/directory.css")
    assert css_path
    css = Path(css_path).read_text(encoding="utf-8")
    assert "@page { size: A4 portrait;" in css and "@media print" in css
    js_path = finders.find("portal/poster.js")
    assert js_path and "window.print()" in Path(js_path).read_text(encoding="utf-8")


def test_a_county_has_no_poster_and_township_has_one(directory: Directory) -> None:
    t = directory.tree
    assert Client().get(f"/agents/{t.county_a.code}/poster/").status_code == 404
    assert Client().get(f"/agents/{t.city.code}/poster/").status_code == 404
    township = Client().get(f"/agents/{t.town_a1.code}/poster/")
    assert township.status_code == 200 and STATION_PHONE in township.content.decode()


def test_hours_and_place_shared_by_every_agent_are_printed_once(directory: Directory) -> None:
    d = directory
    d.no_phone.duty_hours, d.no_phone.duty_place = d.published.duty_hours, d.published.duty_place
    d.no_phone.save()
    html = Client().get(f"/agents/{d.tree.village_a1x.code}/poster/").content.decode()
    assert html.count("周一至周五 9:00-17:00") == 1 and html.count("苏雅拉社区党群服务中心一楼代办室") == 1
    assert 'class="poster-common"' in html

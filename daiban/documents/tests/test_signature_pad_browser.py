"""The finger signature pad in Debian's chromium at phone size, without a Django server.

The page is the real include (documents/_signature_pad.html, rendered by Django's template engine) in a
form, served from a made-up origin through Playwright's request routing together with the real static
files, under the strict Content-Security-Policy the site is getting (no inline script, no eval, no data:
images): a violation, a script error or a static file that fails to load fails the test. What the pad
sends is checked with the server's own ``decode_signature``.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.template import Context, Engine
from PIL import Image, ImageDraw

from daiban.documents.signatures import decode_signature
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    PHONE,
    browser,
    new_context,
    static_watch,
)

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[1]
STATIC = {
    "/static/documents/signature-pad.js": APP / "static/documents/signature-pad.js",
    "/static/documents/signature-pad.css": APP / "static/documents/signature-pad.css",
    "/static/daiban/app.css": APP.parent / "core/static/daiban/app.css",
}
ORIGIN = "http://daiban.test"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
EMPTY = "请在框内签名"


def pad_html(**params: Any) -> str:
    engine = Engine(
        dirs=[str(APP / "templates")], libraries={"static": "django.templatetags.static"}, autoescape=True
    )
    return engine.get_template("documents/_signature_pad.html").render(Context(params))


def form_page(*pads: str, extra: str = "") -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/daiban/app.css"><title>签署</title></head>'
        '<body><main class="page"><h1>调解协议书 签署</h1>'
        '<form method="post" action="/sign"><input type="hidden" name="csrfmiddlewaretoken" value="x">'
        + "".join(pads)
        + '<button type="submit" class="btn btn-primary">确认签署</button></form>'
        + extra
        + "</main></body></html>"
    )


def two_parties(extra: str = "", **first: Any) -> str:
    return form_page(
        pad_html(pad_id="sign-1", label="申请人 张三 签名", input_name="signature_1", required=True, **first),
        pad_html(pad_id="sign-2", label="被申请人 李四 签名", input_name="signature_2", required=True),
        extra=extra,
    )


class Site:
    """One page at ORIGIN/form, the static files, and POST /sign (recorded); everything under the CSP."""

    def __init__(self, context: Any, html: str) -> None:
        self.html = html
        self.posts: list[dict[str, list[str]]] = []
        self.problems: list[str] = []
        context.route(f"{ORIGIN}/**", self._serve)

    def _serve(self, route: Any) -> None:
        request = route.request
        path = request.url[len(ORIGIN) :].split("?", 1)[0]
        headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
        if path in STATIC:
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            route.fulfill(status=200, headers=headers, content_type=kind, body=STATIC[path].read_bytes())
        elif path == "/form":
            route.fulfill(
                status=200, headers=headers, content_type="text/html; charset=utf-8", body=self.html
            )
        elif path == "/sign" and request.method == "POST":
            self.posts.append(parse_qs(request.post_data or ""))
            route.fulfill(
                status=200, headers=headers, content_type="text/html; charset=utf-8", body="<p>已提交</p>"
            )
        else:
            route.fulfill(status=404, headers=headers, body="")

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(str(e)))


@pytest.fixture
def open_page(new_context: Any) -> Any:  # noqa: F811
    sites: list[Site] = []

    def make(html: str, **options: Any) -> tuple[Any, Site]:
        options = {
            "viewport": PHONE,
            "has_touch": True,
            "is_mobile": True,
            "device_scale_factor": 3,
            **options,
        }
        context = new_context(**options)
        site = Site(context, html)
        page = context.new_page()
        site.watch(page)
        page.goto(f"{ORIGIN}/form")
        page.wait_for_function("() => document.querySelectorAll('[data-signature-pad-ready]').length > 0")
        sites.append(site)
        return page, site

    yield make
    for site in sites:
        assert not site.problems, f"errors in the page (CSP violations, script errors): {site.problems}"


def canvas_box(page: Any, pad_id: str) -> dict[str, float]:
    page.locator(f"#{pad_id} canvas").scroll_into_view_if_needed()
    box = page.locator(f"#{pad_id} canvas").bounding_box()
    assert box is not None
    return box


def sign(page: Any, pad_id: str, strokes: int = 3) -> None:
    """A scrawl of a few strokes with the mouse (pointer events, as a pen or finger gives them)."""
    box = canvas_box(page, pad_id)
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for s in range(strokes):
        left = x + w * (0.1 + 0.25 * s)
        page.mouse.move(left, y + h * 0.3)
        page.mouse.down()
        page.mouse.move(left + w * 0.1, y + h * 0.7, steps=8)
        page.mouse.move(left + w * 0.2, y + h * 0.35, steps=8)
        page.mouse.up()


def value(page: Any, pad_id: str) -> str:
    return str(page.locator(f"#{pad_id}-input").input_value())


def ink_on_canvas(page: Any, pad_id: str) -> int:
    """Dark, opaque pixels on the visible canvas (the guides are light grey: not counted)."""
    return int(
        page.evaluate(
            """(id) => {
                const c = document.querySelector('#' + id + ' canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) < 60) n++;
                }
                return n;
            }""",
            pad_id,
        )
    )


def picture(url: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_a_signature_fills_the_input_with_a_png_the_server_accepts(open_page: Any) -> None:
    page, _ = open_page(two_parties())
    canvas = page.locator("#sign-1 canvas")
    assert canvas.get_attribute("role") == "img"
    assert canvas.get_attribute("aria-label") == "申请人 张三 签名（尚未签名）"
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "none"
    drawn = canvas_box(page, "sign-1")["width"] - 4  # inside the 2px border
    assert abs(canvas.evaluate("c => c.width") - drawn * 3) <= 3  # the backing store × devicePixelRatio
    assert value(page, "sign-1") == ""

    sign(page, "sign-1")

    url = value(page, "sign-1")
    assert url.startswith("data:image/png;base64,")
    image = picture(url)
    assert image.mode == "RGBA" and image.width <= 800 and image.height <= 300
    assert image.getpixel((0, 0))[3] == 0  # transparent background: neither the guides nor white
    assert decode_signature(url).startswith(b"\x89PNG")
    assert page.locator("#sign-1-input").get_attribute("aria-invalid") == "false"
    assert canvas.get_attribute("aria-label") == "申请人 张三 签名（已签名）"
    assert value(page, "sign-2") == ""  # the other party's pad is untouched
    assert page.locator(".signature-pad-clear").first.evaluate("b => b.type") == "button"
    clear_box = page.locator(".signature-pad-clear").first.bounding_box()
    assert clear_box is not None and clear_box["height"] >= 44


def test_a_stray_tap_is_not_a_signature(open_page: Any) -> None:
    page, _ = open_page(two_parties())
    box = canvas_box(page, "sign-1")
    page.mouse.click(box["x"] + 50, box["y"] + 50)
    assert ink_on_canvas(page, "sign-1") > 0  # the dot is shown
    assert value(page, "sign-1") == ""  # but it is too little to send


def test_clear_empties_the_pad_and_the_input(open_page: Any) -> None:
    page, _ = open_page(two_parties())
    sign(page, "sign-1")
    assert value(page, "sign-1") and ink_on_canvas(page, "sign-1") > 0
    page.locator("#sign-1").get_by_role("button", name="清除").click()
    assert value(page, "sign-1") == ""
    assert ink_on_canvas(page, "sign-1") == 0
    assert page.locator("#sign-1 canvas").get_attribute("aria-label") == "申请人 张三 签名（尚未签名）"
    sign(page, "sign-1", strokes=2)  # signing again works
    assert decode_signature(value(page, "sign-1"))


def test_a_form_with_an_unsigned_required_pad_is_not_sent(open_page: Any) -> None:
    page, site = open_page(two_parties())
    sign(page, "sign-1")
    error = page.locator("#sign-2 .signature-pad-error")
    assert error.is_hidden()

    page.get_by_role("button", name="确认签署").click()

    assert page.url == f"{ORIGIN}/form" and not site.posts
    assert error.is_visible() and error.get_attribute("role") == "alert"
    assert error.inner_text() == EMPTY
    assert page.locator("#sign-2-input").get_attribute("aria-invalid") == "true"
    assert page.locator("#sign-1 .signature-pad-error").is_hidden()
    assert page.evaluate("document.activeElement.closest('.signature-pad').id") == "sign-2"

    sign(page, "sign-2")
    assert error.is_hidden()
    assert page.locator("#sign-2-input").get_attribute("aria-invalid") == "false"
    page.get_by_role("button", name="确认签署").click()
    page.wait_for_url(f"{ORIGIN}/sign")
    [posted] = site.posts
    assert decode_signature(posted["signature_1"][0], field="signature_1")
    assert decode_signature(posted["signature_2"][0], field="signature_2")


def test_a_pad_that_is_not_required_does_not_stop_the_form(open_page: Any) -> None:
    page, site = open_page(form_page(pad_html(pad_id="w", label="见证人签名", input_name="witness")))
    page.get_by_role("button", name="确认签署").click()
    page.wait_for_url(f"{ORIGIN}/sign")
    assert site.posts == [{"csrfmiddlewaretoken": ["x"]}]


def _kept_signature() -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(30, 150), (200, 40), (350, 160), (570, 50)], fill="black", width=8)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_a_signature_kept_from_before_is_shown_and_sent_again(open_page: Any) -> None:
    kept = _kept_signature()
    page, site = open_page(two_parties(value=kept, error="请核对后重新提交。"))
    page.wait_for_function(
        "() => document.querySelector('#sign-1 canvas').getAttribute('aria-label').includes('已签名')"
    )
    page.wait_for_function(
        """() => { const c = document.querySelector('#sign-1 canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   for (let i = 3; i < d.length; i += 4) if (d[i] > 200 && d[i - 1] < 60) return true;
                   return false; }"""
    )  # drawn from the bytes, although the CSP allows no data: images
    assert value(page, "sign-1") == kept
    assert page.locator("#sign-1 .signature-pad-error").inner_text() == "请核对后重新提交。"

    sign(page, "sign-2")
    page.get_by_role("button", name="确认签署").click()
    page.wait_for_url(f"{ORIGIN}/sign")
    assert site.posts[0]["signature_1"] == [kept]


def test_writing_over_a_kept_signature_sends_both(open_page: Any) -> None:
    kept = _kept_signature()
    page, _ = open_page(two_parties(value=kept))
    page.wait_for_function("() => document.querySelector('#sign-1').signaturePad.base !== null")
    sign(page, "sign-1", strokes=1)
    url = value(page, "sign-1")
    assert url != kept and decode_signature(url)
    page.locator("#sign-1").get_by_role("button", name="清除").click()
    assert value(page, "sign-1") == ""


def test_signing_does_not_scroll_the_page(open_page: Any) -> None:
    """A finger dragged down the pad draws; the same drag on the page beside it scrolls."""
    page, _ = open_page(two_parties(extra="<p>协议条款……</p>" * 40))  # a page taller than the phone
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * PHONE["height"]
    page.evaluate("window.scrollTo(0, 0)")
    box = canvas_box(page, "sign-1")
    start = page.evaluate("window.scrollY")
    cdp = page.context.new_cdp_session(page)

    def drag(x: float, y0: float, y1: float) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
        for i in range(1, 11):
            y = y0 + (y1 - y0) * i / 10
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x + i * 3, "y": y}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    drag(box["x"] + 60, box["y"] + box["height"] - 20, box["y"] + 20)  # upwards: would scroll the page down
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == start
    assert value(page, "sign-1").startswith("data:image/png;base64,")

    help_text = page.locator("#sign-1 .signature-pad-help").bounding_box()
    assert help_text is not None
    drag(help_text["x"] + 20, help_text["y"] + 10, help_text["y"] - 150)  # the same gesture off the pad
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") > start


def test_turning_the_phone_keeps_the_signature(open_page: Any) -> None:
    page, _ = open_page(two_parties())
    sign(page, "sign-1")
    url = value(page, "sign-1")
    ink = ink_on_canvas(page, "sign-1")
    page.set_viewport_size({"width": 740, "height": 375})
    page.wait_for_function("() => document.querySelector('#sign-1 canvas').width > 1500")
    assert ink_on_canvas(page, "sign-1") == pytest.approx(ink, rel=0.15)
    page.set_viewport_size(PHONE)
    page.wait_for_function("() => document.querySelector('#sign-1 canvas').width < 1200")
    assert ink_on_canvas(page, "sign-1") > ink * 0.5
    assert value(page, "sign-1") == url  # what was sent does not change


def test_the_script_binds_each_pad_once_and_pads_htmx_swaps_in(open_page: Any) -> None:
    page, _ = open_page(two_parties())
    assert page.locator("script[src='/static/documents/signature-pad.js']").count() == 2
    sign(page, "sign-1", strokes=1)
    assert page.evaluate("document.querySelector('#sign-1').signaturePad.strokes.length") == 1

    # htmx swaps in a third party's pad and fires htmx:load on it (and the page's again: no effect).
    page.evaluate(
        """(html) => {
            const holder = document.createElement('div');
            holder.innerHTML = html;
            document.querySelector('form').insertBefore(holder, document.querySelector('form button[type=submit]'));
            holder.dispatchEvent(new CustomEvent('htmx:load', {bubbles: true}));
            document.body.dispatchEvent(new CustomEvent('htmx:load', {bubbles: true}));
        }""",
        pad_html(pad_id="sign-3", label="第三人 王五 签名", input_name="signature_3", required=True),
    )
    page.wait_for_selector("#sign-3[data-signature-pad-ready]", state="attached")
    sign(page, "sign-1", strokes=1)
    assert page.evaluate("document.querySelector('#sign-1').signaturePad.strokes.length") == 2
    sign(page, "sign-2")
    page.get_by_role("button", name="确认签署").click()
    assert page.locator("#sign-3 .signature-pad-error").inner_text() == EMPTY
    sign(page, "sign-3")
    assert decode_signature(value(page, "sign-3"))


def test_an_old_browser_without_pointer_events_signs_by_touch_and_mouse(new_context: Any) -> None:  # noqa: F811
    context = new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    context.add_init_script("delete window.PointerEvent;")
    site = Site(context, two_parties(extra="<p>协议条款……</p>" * 40))
    page = context.new_page()
    site.watch(page)
    page.goto(f"{ORIGIN}/form")
    page.wait_for_selector("[data-signature-pad-ready]", state="attached")
    assert page.evaluate("typeof window.PointerEvent") == "undefined"

    box = canvas_box(page, "sign-1")
    start = page.evaluate("window.scrollY")
    cdp = page.context.new_cdp_session(page)
    x, y = box["x"] + 40, box["y"] + box["height"] - 30
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 16):
        point = {"x": x + i * 12, "y": y - (i % 5) * 25}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert decode_signature(value(page, "sign-1"))
    assert page.evaluate("window.scrollY") == start

    sign(page, "sign-2")  # the mouse
    assert decode_signature(value(page, "sign-2"))
    assert not site.problems, site.problems

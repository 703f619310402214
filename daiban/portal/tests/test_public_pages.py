"""Every public page, as a person on a slow phone gets it (issue 12, "for everyone"):

* under 100 KB before images: the page and everything it loads that is not an image (style, script, font);
* nothing from outside the site (government networks are closed; no CDN, no web font, no tracker);
* readable at 320 px without sideways scrolling, in the normal, the 大字 and the 高对比 view;
* axe-core finds no WCAG 2.1 A/AA violation, in each view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from daiban.portal.public import VIEW_COOKIE
from tests.browser.axe import assert_accessible
from tests.browser.conftest import no_horizontal_scroll

pytestmark = pytest.mark.browser

BUDGET = 100 * 1024
NARROW = {"width": 320, "height": 640}
VIEWS = ["", "large", "contrast,large"]

# name -> path on the live server (pages that need data are added by the areas' own browser tests)
PAGES: dict[str, Callable[[], str]] = {
    "index": lambda: "/public/",
}


class Weighed:
    def __init__(self, base: str) -> None:
        self.base = base
        self.bytes = 0
        self.foreign: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("requestfinished", self._finished)
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != urlsplit(self.base).netloc:
            self.foreign.append(url)

    def _finished(self, request: Any) -> None:
        if request.resource_type == "image":
            return
        sizes = request.sizes()
        self.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]


def check_page(new_context: Any, server: str, path: str, view: str = "") -> Weighed:
    context = new_context(viewport=NARROW)
    if view:
        context.add_cookies([{"name": VIEW_COOKIE, "value": view, "url": server}])
    page = context.new_page()
    weighed = Weighed(server)
    weighed.attach(page)
    response = page.goto(server + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    assert not weighed.foreign, f"{path} loads from outside the site: {weighed.foreign}"
    assert weighed.bytes < BUDGET, f"{path} weighs {weighed.bytes} bytes before images"
    width, viewport = no_horizontal_scroll(page)
    assert width <= viewport, f"{path} scrolls sideways at 320 px ({width} > {viewport}) in view {view!r}"
    assert_accessible(page)
    return weighed


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_public_page_is_light_local_narrow_and_accessible(
    new_context: Any, server: str, name: str, view: str
) -> None:
    check_page(new_context, server, PAGES[name](), view)


def test_large_text_really_enlarges_the_text(new_context: Any, server: str) -> None:
    sizes = []
    for view in ("", "large"):
        context = new_context(viewport=NARROW)
        if view:
            context.add_cookies([{"name": VIEW_COOKIE, "value": view, "url": server}])
        page = context.new_page()
        page.goto(server + "/public/")
        sizes.append(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.tile')).fontSize)"))
    assert sizes[1] >= sizes[0] * 1.2


def test_the_view_buttons_work_in_the_browser(new_context: Any, server: str) -> None:
    page = new_context(viewport=NARROW).new_page()
    page.goto(server + "/public/")
    page.get_by_role("button", name="大字").click()
    page.wait_for_url(server + "/public/")
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    assert "view-large" in (page.locator("body").get_attribute("class") or "")
    page.get_by_role("button", name="高对比").click()
    assert "view-contrast" in (page.locator("body").get_attribute("class") or "")

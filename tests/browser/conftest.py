"""Browser tests: Debian's chromium driven by Playwright (sync API) against pytest-django's live server.

* Never downloads a browser: chromium is launched from /usr/bin/chromium (``make test`` installs it, with
  fonts-noto-cjk, through scripts/install_system_deps.sh). Without it the tests skip with a clear message.
* Every test in this folder is marked ``browser`` (``pytest -m "not browser"`` leaves them out).
* Playwright's sync API keeps an asyncio loop running in the test thread, so Django would refuse ORM calls
  from test code ("SynchronousOnlyOperation"). The driver is therefore started per module, with
  DJANGO_ALLOW_ASYNC_UNSAFE set only for as long as it runs, and stopped afterwards: nothing leaks into the
  rest of the session (with ``-n 2 --dist loadfile`` other test files run in the same worker).
* live_server needs transactional_db, whose teardown flushes every table, including the statutory time
  limits that the data migrations seed (workcal 0002, matters 0002). They are seeded again before each test
  (deadlines need them) and, by the root conftest, after each flush (for whatever runs next in this worker).
* A page that asks for a missing /static/ file fails the test: CSS and htmx must really load.
* So does anything the Content-Security-Policy refuses (chromium reports it on the console): no inline
  script, style or eval may sneak into a page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, seed_time_limits

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install_system_deps.sh)")
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig is missing: install fonts-noto-cjk (scripts/install_system_deps.sh)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def time_limits(transactional_db: None) -> None:
    seed_time_limits()


@pytest.fixture
def server(live_server: Any, time_limits: None) -> str:
    """The live server's base URL, with the statutory time limits in place."""
    return str(live_server.url)


class StaticWatch:
    """Collects failed requests for /static/ files, and Content-Security-Policy violations, on every page
    of a context."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.csp_violations: list[str] = []

    def attach(self, context: Any) -> None:
        context.on("response", self._response)
        context.on("requestfailed", lambda r: self._failed(r.url, "failed"))
        context.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self._failed(response.url, str(response.status))

    def _failed(self, url: str, why: str) -> None:
        if "/static/" in url:
            self.failures.append(f"{why} {url}")


@pytest.fixture
def static_watch() -> Iterator[StaticWatch]:
    watch = StaticWatch()
    yield watch
    assert not watch.failures, f"static files did not load: {watch.failures}"
    assert not watch.csp_violations, f"refused by the Content-Security-Policy: {watch.csp_violations}"


@pytest.fixture
def new_context(browser: Any, static_watch: StaticWatch) -> Iterator[Any]:
    """Factory for isolated browser contexts (separate cookies: one per logged-in person)."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", "Asia/Shanghai")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        static_watch.attach(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Any:
    return new_context().new_page()


def login(page: Any, live_server: Any, user: Any, password: str = PASSWORD) -> None:
    """Sign in through the real login page; ``live_server`` may be the fixture or its URL."""
    base = live_server if isinstance(live_server, str) else str(live_server.url)
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    assert page.locator(".whoami").is_visible(), "login failed"


def no_horizontal_scroll(page: Any) -> tuple[int, int]:
    """(scrollWidth, viewport width) of the document."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def rendered_fonts(page: Any, selector: str) -> dict[str, int]:
    """Platform fonts chromium used to draw the text of ``selector`` (family → glyph count), via DevTools."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        cdp.send("CSS.enable")
        text_fonts: dict[str, int] = {}
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            text_fonts[font["familyName"]] = text_fonts.get(font["familyName"], 0) + font["glyphCount"]
        return text_fonts
    finally:
        cdp.detach()

"""Screenshots of the main pages of a running demo server, at desktop (1280 px) and phone (375 px) width.

    make run                                   # in another terminal: demo data + server on :8000
    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

Signs in as the demo accounts (password printed by ``make run``) and saves, for each width, the home page,
the intake form, the matter list, one matter (the first in the list), the network page, a village agent's
home, the work before a petition (排查预防, the screening register, recording a visit, the sessions), a unit's
messages, the 纪检's supervision list, the statistics dashboards (the city, a township), and the public pages (front page, lookup, online request, agent
directory and a village's agents) with a village agent's queue of online requests. It only reads:
nothing is submitted except the login form. Uses Debian's chromium (never downloads a browser).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# The published demo password (daiban.demo.accounts.DEMO_PASSWORD); override for a changed demo.
PASSWORD = os.environ.get("DAIBAN_DEMO_PASSWORD", "daiban-demo-2026")
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 860}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}


@dataclass(frozen=True)
class Shot:
    name: str
    username: str
    path: str  # "" → the first matter of the user's list


SHOTS = [
    Shot("home", "xinchengqu_zhongxin", "/"),
    Shot("intake", "suyala_daiban", "/matters/new/"),
    Shot("list", "xinchengqu_zhongxin", "/matters/"),
    Shot("matter", "xinchengqu_zhongxin", ""),
    Shot("network", "shi_admin", "/network/"),
    Shot("agent-home", "suyala_daiban", "/"),
    Shot("prevention", "xinchengqu_zhongxin", "/prevention/"),
    Shot("screenings", "xinchengqu_zhongxin", "/screenings/"),
    Shot("visit-new", "suyala_daiban", "/visits/new/"),
    Shot("sessions", "xinchengqu_zhongxin", "/sessions/"),
    Shot("messages", "xinchengqu_zhujian", "/messages/"),
    Shot("supervision", "xinchengqu_jijian", "/supervision/"),
    Shot("stats", "shi_admin", "/stats/?period=year&year=2026"),
    Shot("stats-township", "xinchengqu_zhongxin", "/stats/?region=150102401000&period=year&year=2026"),
    # The public pages (no login: username "")
    Shot("public-index", "", "/public/"),
    Shot("public-lookup", "", "/lookup/"),
    Shot("public-apply", "", "/apply/"),
    Shot("public-agents", "", "/agents/?q=苏雅拉"),
    Shot("public-village", "", "/agents/150102401001/"),
    Shot("online-requests", "suyala_daiban", "/online-requests/"),
]


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/login/" in page.url:
        raise SystemExit(f"cannot sign in as {username}: is the demo loaded (make run)?")


def first_matter(page: Any, base: str) -> str | None:
    page.goto(f"{base}/matters/")
    link = page.locator(".matter-row a.mr-title").first
    return link.get_attribute("href") if link.count() else None


def serve_css(css: str) -> Any:
    def handler(route: Any) -> None:
        route.fulfill(body=css, content_type="text/css")

    return handler


def screenshot_whole_page(page: Any, target: Path) -> None:
    """The whole page in one picture, taken with a viewport as tall as the page: a full_page screenshot
    would paint position:sticky bars (the intake's submit bar) in the middle of the form."""
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        page.screenshot(path=str(target))
    finally:
        page.set_viewport_size(viewport)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "screenshots"))
    parser.add_argument(
        "--css",
        type=Path,
        help="use this stylesheet instead of the server's app.css (preview CSS edits without a restart)",
    )
    parser.add_argument("--only", default="", help="only the shots whose name starts with this")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run scripts/install_system_deps.sh", file=sys.stderr)
        return 2

    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, options in WIDTHS.items():
                contexts: dict[str, Any] = {}
                for shot in SHOTS:
                    if not shot.name.startswith(args.only):
                        continue
                    if shot.username not in contexts:
                        context = browser.new_context(
                            locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=1, **options
                        )
                        if args.css:
                            context.route("**/static/daiban/app*.css", serve_css(args.css.read_text("utf-8")))
                        page = context.new_page()
                        if shot.username:
                            login(page, base, shot.username)
                        contexts[shot.username] = page
                    page = contexts[shot.username]
                    path = shot.path or first_matter(page, base)
                    if path is None:
                        print(f"skip {shot.name}: no matters yet (load the demo with make run)")
                        continue
                    response = page.goto(f"{base}{path}")
                    if response is not None and response.status >= 400:
                        print(
                            f"warning: {path} answered {response.status} for {shot.username}", file=sys.stderr
                        )
                    page.wait_for_load_state("networkidle")
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 0:
                        print(
                            f"warning: {shot.name} ({width}) scrolls sideways by {overflow}px",
                            file=sys.stderr,
                        )
                    target = out / f"{shot.name}-{width}.png"
                    screenshot_whole_page(page, target)
                    saved.append(target)
                for page in contexts.values():
                    page.context.close()
        finally:
            browser.close()
    for target in saved:
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

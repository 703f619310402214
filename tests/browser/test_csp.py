"""The Content-Security-Policy in a real browser: an inline script injected into a page is refused, and the
browser tests' watch (tests/browser/conftest.py) hears the refusal, so a green browser run means no page
of it ran into the policy."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import StaticWatch


def test_an_injected_inline_script_is_refused_and_reported(
    page: Any, server: str, static_watch: StaticWatch
) -> None:
    page.goto(f"{server}/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.head.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === undefined")
    assert any("Content Security Policy" in text for text in static_watch.csp_violations)
    static_watch.csp_violations.clear()  # expected here; any other would fail the test


def test_htmx_runs_without_eval_and_injects_no_style(page: Any, server: str) -> None:
    page.goto(f"{server}/login/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate(
        "() => htmx.config.allowEval === false && htmx.config.includeIndicatorStyles === false"
    )
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0

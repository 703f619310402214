"""ECharts is served by the site: the vendor finder offers exactly the one file from node_modules under
static/vendor/echarts/, and nothing (no error, no warning) when node_modules is absent; the dashboard
then leaves the charts out and shows its tables."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from daiban.core.vendor_static import VendorFinder

NAME = "vendor/echarts/echarts.min.js"


def test_the_finder_offers_the_one_file() -> None:
    file = Path(settings.VENDOR_STATIC[NAME])
    assert file.is_file(), "node_modules/echarts is missing: run `make test` (npm ci)"
    finder = VendorFinder()
    assert finder.find(NAME) == str(file)
    assert finder.find(NAME, find_all=True) == [str(file)]
    assert not finder.find("vendor/echarts/echarts.js")
    listed = [(path, storage.prefix) for path, storage in finder.list(None)]  # type: ignore[attr-defined]
    assert listed == [("echarts.min.js", "vendor/echarts")]
    assert finders.find(NAME) == str(file)


def test_without_node_modules_nothing_is_offered_and_the_page_keeps_its_tables(
    tmp_path: Path, quiet: datetime.date, client_for: Callable[[str], Client]
) -> None:
    with override_settings(VENDOR_STATIC={NAME: tmp_path / "missing" / "echarts.min.js"}):
        finder = VendorFinder()
        assert (
            not finder.find(NAME)
            and finders.find(NAME) is None
            and list(finder.list(None)) == []
            and finder.check() == []
        )
        html = client_for("county_staff").get("/stats/").content.decode()
    assert "echarts.min.js" not in html and "dashboard.js" not in html
    assert "走势数据表" in html

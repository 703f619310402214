"""manage.py load_regions: the production way to put the real division tree into a database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from daiban.regions.models import Level, Region
from daiban.regions.reference import division_tree

HOHHOT = "150100"


def _run(*args: str) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def test_loads_the_real_tree_into_an_empty_database_and_is_idempotent(db: None) -> None:
    rows = division_tree(HOHHOT).rows()
    assert f"已载入呼和浩特市的 {len(rows)} 个行政区划" in _run()
    assert Region.objects.count() == len(rows)
    assert not Region.objects.filter(is_demo=True).exists()
    assert not Region.objects.filter(level=Level.VILLAGE).exists()
    xincheng = Region.objects.get(code="150102")
    assert xincheng.parent is not None and xincheng.parent.code == HOHHOT
    paths = dict(Region.objects.values_list("code", "path"))

    assert "均已存在，未作改动" in _run()
    assert Region.objects.count() == len(rows)
    assert dict(Region.objects.values_list("code", "path")) == paths


def test_adds_only_what_is_missing_and_changes_nothing_that_exists(db: None) -> None:
    city = Region.objects.create(code=HOHHOT, name="呼和浩特市（本地名称）", level=Level.CITY, parent=None)
    village = Region.objects.create(
        code="150102401001",
        name="苏雅拉社区",
        level=Level.VILLAGE,
        parent=Region.objects.create(code="150102", name="新城区", level=Level.COUNTY, parent=city),
    )
    rows = division_tree(HOHHOT).rows()
    text = _run()
    assert f"已载入呼和浩特市的 {len(rows) - 2} 个行政区划" in text
    assert Region.objects.count() == len(rows) + 1
    assert Region.objects.get(code=HOHHOT).name == "呼和浩特市（本地名称）"
    assert Region.objects.get(pk=village.pk).parent.code == "150102"  # type: ignore[union-attr]
    assert Region.objects.get(code="150102401000").parent.code == "150102"  # type: ignore[union-attr]


def test_an_unknown_city_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="没有区划代码 999900"):
        _run("--city", "999900")
    assert not Region.objects.exists()

"""create_admin on an empty database: the first step of a production start needs no demo data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from daiban.accounts.management.commands import create_admin
from daiban.accounts.models import Role, User
from daiban.regions.models import Level, Region
from daiban.regions.reference import division_tree

STRONG = "Qingcheng-Harbour-2026"


def test_create_admin_on_an_empty_database_loads_the_real_regions(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not Region.objects.exists() and not User.objects.exists()
    monkeypatch.setenv(create_admin.PASSWORD_ENV, STRONG)
    out = StringIO()
    call_command("create_admin", "--username", "wang_admin", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "载入本市行政区划" in text and "已创建市级管理员 wang_admin（呼和浩特市）" in text
    assert "demo" not in text
    # The regions are the reference tree (city, counties, townships), nothing from the demo.
    assert Region.objects.count() == len(division_tree("150100").rows())
    assert not Region.objects.filter(is_demo=True).exists()
    assert not Region.objects.filter(level=Level.VILLAGE).exists()
    # The only account is the administrator.
    user = User.objects.get()
    assert (user.username, user.role, user.region.code, user.is_staff, user.is_superuser) == (  # type: ignore[union-attr]
        "wang_admin",
        Role.CITY_ADMIN,
        "150100",
        True,
        False,
    )
    assert user.check_password(STRONG)


def test_a_missing_region_points_to_load_regions_not_to_the_demo(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("load_regions", stdout=StringIO())
    monkeypatch.setenv(create_admin.PASSWORD_ENV, STRONG)
    with pytest.raises(Exception, match="load_regions") as excinfo:
        call_command("create_admin", "--username", "wang_admin", "--region", "150199", stdout=StringIO())
    assert "demo" not in str(excinfo.value)
    assert not User.objects.exists()

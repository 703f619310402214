"""三员分立 (separation of duties): the system administrator cannot change a grant, the security
administrator can (within their jurisdiction, never their own), the audit administrator reaches the audit
log and nothing else, sees only their jurisdiction's records, and reading and exporting are audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.accounts.security import is_admin
from daiban.audit import record
from daiban.audit.models import AuditRecord
from tests.app_cases import case_names
from tests.test_url_permissions import CASES as SITE_CASES
from tests.test_url_permissions import World, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change_data(user: User, **overrides: str) -> dict[str, str]:
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": "",
        "role": user.role,
        "region": str(user.region_id),
        "unit": str(user.unit_id or ""),
        "is_active": "on",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def duties(tree: Tree, personas: Personas) -> dict[str, User]:
    return {
        "system_a": make_user("sys_a", Role.SYSTEM_ADMIN, tree.county_a, is_staff=True),
        "security_a": make_user("sec_a", Role.SECURITY_ADMIN, tree.county_a, is_staff=True),
        "security_b": make_user("sec_b", Role.SECURITY_ADMIN, tree.county_b, is_staff=True),
        "audit_a": make_user("aud_a", Role.AUDIT_ADMIN, tree.county_a),
        "audit_b": make_user("aud_b", Role.AUDIT_ADMIN, tree.county_b),
        "audit_city": make_user("aud_city", Role.AUDIT_ADMIN, tree.city),
    }


def test_the_three_duties_count_as_administrators_for_mfa(duties: dict[str, User]) -> None:
    for key in ("system_a", "security_a", "audit_a"):
        assert is_admin(duties[key]), key


def test_system_admin_cannot_change_a_grant(personas: Personas, duties: dict[str, User]) -> None:
    client = _client(duties["system_a"])
    target = personas.township_staff
    page = client.get(f"{USERS}{target.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("role", "region", "unit", "is_staff"):
        assert name not in form.fields, name  # read-only
    response = client.post(
        f"{USERS}{target.pk}/change/", _change_data(target, role=Role.COUNTY_STAFF, is_staff="on")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.is_staff) == (Role.TOWNSHIP_STAFF, False)
    # ... but edits the name (the system administrator's part)
    client.post(f"{USERS}{target.pk}/change/", _change_data(target, display_name="改名"))
    target.refresh_from_db()
    assert target.display_name == "改名"


def test_system_admin_cannot_create_an_administrator(tree: Tree, duties: dict[str, User]) -> None:
    client = _client(duties["system_a"])
    strong = "Qingcheng-Harbour-2026"
    data = {
        "username": "new_sec",
        "usable_password": "true",
        "password1": strong,
        "password2": strong,
        "display_name": "新管理员",
        "role": Role.SECURITY_ADMIN,
        "region": str(tree.county_a.pk),
        "is_staff": "on",
    }
    response = client.post(f"{USERS}add/", data)
    assert response.status_code == 200
    assert not User.objects.filter(username="new_sec").exists()


def test_security_admin_changes_a_grant_in_own_county(personas: Personas, duties: dict[str, User]) -> None:
    client = _client(duties["security_a"])
    target = personas.township_staff
    response = client.post(f"{USERS}{target.pk}/change/", _change_data(target, role=Role.VILLAGE_AGENT))
    # township_staff's region is a township: the village-agent level check refuses, naming the region
    assert response.status_code == 200
    response = client.post(f"{USERS}{target.pk}/change/", _change_data(target, is_staff="on"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_staff
    assert AuditRecord.objects.filter(action="role.change", target=f"user#{target.pk}").exists()


def test_security_admin_cannot_reach_another_county(personas: Personas, duties: dict[str, User]) -> None:
    client = _client(duties["security_b"])
    assert client.get(f"{USERS}{personas.township_staff.pk}/change/").status_code == 404


def test_security_admin_cannot_edit_own_grant_nor_names_nor_passwords(duties: dict[str, User]) -> None:
    me = duties["security_a"]
    client = _client(me)
    form = client.get(f"{USERS}{me.pk}/change/").context["adminform"].form
    assert "role" not in form.fields and "region" not in form.fields
    other = duties["system_a"]
    form = client.get(f"{USERS}{other.pk}/change/").context["adminform"].form
    assert "display_name" not in form.fields and "is_active" not in form.fields
    assert client.get(f"{USERS}{other.pk}/password/").status_code == 403
    assert client.get(f"{USERS}add/").status_code == 403
    # network data and configuration are not the security administrator's
    assert client.get("/admin/network/responsibleunit/").status_code == 403


def test_one_duty_is_not_turned_into_another(duties: dict[str, User]) -> None:
    client = _client(duties["security_a"])
    target = duties["system_a"]
    response = client.post(f"{USERS}{target.pk}/change/", _change_data(target, role=Role.AUDIT_ADMIN))
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.role == Role.SYSTEM_ADMIN


@override_settings(DAIBAN_SEPARATION_STRICT=True)
def test_strict_mode_takes_grants_from_the_legacy_administrators(personas: Personas) -> None:
    client = _client(personas.city_admin)
    target = personas.township_staff
    client.post(f"{USERS}{target.pk}/change/", _change_data(target, is_staff="on"))
    target.refresh_from_db()
    assert not target.is_staff


def _all_cases() -> dict[str, Any]:
    from importlib import import_module

    from tests.app_cases import ROOT

    cases: dict[str, Any] = dict(SITE_CASES)
    for path in sorted((ROOT / "daiban").glob("*/tests/**/test_url_permissions.py")):
        module = import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        cases.update(getattr(module, "CASES", {}))
    assert set(cases) >= case_names("test_url_permissions", "CASES")
    return cases


def test_audit_admin_reaches_the_audit_log_and_nothing_else(
    world: World,  # noqa: F811
    duties: dict[str, User],
) -> None:
    client = _client(duties["audit_a"])
    assert client.get("/audit/").status_code == 200
    assert client.get("/").status_code == 302
    reached = []
    checked = skipped = 0
    for name, case in sorted(_all_cases().items()):
        if (
            name.startswith("audit:")
            or name.startswith("accounts:")
            or name in ("login", "logout", "healthz")
        ):
            continue
        try:
            url = case.url(world)
        except Exception:  # a case whose fixture this world lacks: skip it, the rest still count
            skipped += 1
            continue
        response = getattr(client, case.method)(url, case.data or {})
        checked += 1
        if response.status_code == 302:
            assert not response["Location"].startswith(("/admin", "/matters")), (name, response["Location"])
        if response.status_code not in (302, 403, 404, 405):
            reached.append((name, response.status_code))
    assert client.get("/admin/").status_code in (302, 403)
    assert not reached, reached
    # The loop really covered the site's routes: the cases whose objects this world lacks (most of the apps
    # around matters build their own) are skipped, the rest — at least half — are asked.
    assert checked > 50 and checked >= skipped, (checked, skipped)


def test_audit_page_scope(tree: Tree, personas: Personas, duties: dict[str, User]) -> None:
    record("login.success", user=personas.county_staff, target="marker-a")
    record("login.success", user=personas.outsider, target="marker-b")
    record("login.failure", target="marker-none")
    page_a = _client(duties["audit_a"]).get("/audit/").content.decode()
    assert "marker-a" in page_a and "marker-b" not in page_a and "marker-none" not in page_a
    page_b = _client(duties["audit_b"]).get("/audit/").content.decode()
    assert "marker-b" in page_b and "marker-a" not in page_b
    page_city = _client(duties["audit_city"]).get("/audit/").content.decode()
    assert all(m in page_city for m in ("marker-a", "marker-b", "marker-none"))
    assert 'data-testid="audit-verify-ok"' in page_city


def test_reading_and_export_are_audited_and_scoped(personas: Personas, duties: dict[str, User]) -> None:
    record("login.success", user=personas.county_staff, target="marker-a")
    record("login.success", user=personas.outsider, target="marker-b")
    client = _client(duties["audit_a"])
    client.get("/audit/?action=login.success")
    assert AuditRecord.objects.filter(action="audit.read", actor_username="aud_a").count() == 1
    response = client.get("/audit/export.csv?action=login.success&user=county_staff")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "marker-a" in body and "marker-b" not in body
    row = AuditRecord.objects.get(action="audit.export")
    assert row.actor_username == "aud_a" and row.detail["count"] == 1


def test_filters_and_keyset_pages(personas: Personas, duties: dict[str, User]) -> None:
    for i in range(55):
        record("login.success", user=personas.county_staff, target=f"page-{i}")
    client = _client(duties["audit_a"])
    first = client.get("/audit/?action=login.success&user=county_staff")
    assert first.context["next_before"] is not None
    second = client.get(
        f"/audit/?action=login.success&user=county_staff&before={first.context['next_before']}"
    )
    seqs_1 = {r.seq for r in first.context["rows"]}
    seqs_2 = {r.seq for r in second.context["rows"]}
    assert len(seqs_1) == 50 and len(seqs_2) == 5 and not seqs_1 & seqs_2
    bad = client.get("/audit/?date_from=2026-13-45&before=abc&action=nope&date_to=x")
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "起始日期" in text and "事件" in text


def test_hostile_filters_never_500(duties: dict[str, User]) -> None:
    client = _client(duties["audit_city"])
    for value in ("'; DROP TABLE x;--", "\u202e", "9" * 40, "-1", "<script>", "%00"):
        for field in ("action", "outcome", "date_from", "date_to", "user", "before"):
            for url in ("/audit/", "/audit/export.csv"):
                assert client.get(url, {field: value}).status_code in (200, 400), (url, field, value)


def test_a_tampered_row_is_flagged_on_the_page(personas: Personas, duties: dict[str, User]) -> None:
    from django.db import connection

    from daiban.audit import guard

    record("login.success", user=personas.county_staff, target="marker-a")
    guard.remove(connection)
    try:
        AuditRecord.objects.filter(target="marker-a").update(target="marker-x")
    finally:
        guard.install(connection)
    page = _client(duties["audit_a"]).get("/audit/").content.decode()
    assert 'data-testid="audit-verify-failed"' in page


def test_audit_admin_navigation_shows_only_the_audit_log(duties: dict[str, User]) -> None:
    page = _client(duties["audit_a"]).get("/audit/").content.decode()
    assert 'href="/audit/"' in page
    for href in ('href="/matters/', 'href="/network/', 'href="/admin/'):
        assert href not in page, href


def test_security_admin_imports_no_rosters(duties: dict[str, User]) -> None:
    from daiban.exchange.imports.service import kinds_for

    assert kinds_for(duties["security_a"]) == []
    assert kinds_for(duties["system_a"]) != []


def test_a_number_no_column_holds_is_a_bad_lookup_not_a_500(personas: Personas) -> None:
    # (found by the console fuzz test: Django lets a list filter by any local field)
    response = _client(personas.city_admin).get("/admin/network/responsibleunit/?region=" + "9" * 25)
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_audit_admin_owes_the_second_factor_before_the_audit_log(
    settings: Any, duties: dict[str, User]
) -> None:
    from conftest import PASSWORD

    settings.DAIBAN_MFA_REQUIRED = "admins"
    client = Client()
    assert client.login(username=duties["audit_a"].username, password=PASSWORD)
    for url in ("/audit/", "/audit/export.csv", "/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/mfa/"), url


def test_audit_page_headers(duties: dict[str, User]) -> None:
    response = _client(duties["audit_a"]).get("/audit/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    export = _client(duties["audit_a"]).get("/audit/export.csv")
    assert "no-store" in export["Cache-Control"]


def _devices(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()


def _give_devices(user: User) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)


def test_system_admin_resets_a_lost_second_factor_from_the_account_list(
    personas: Personas, duties: dict[str, User]
) -> None:
    target = personas.township_staff
    _give_devices(target)
    client = _client(duties["system_a"])
    page = client.get(USERS)
    assert "重置两步验证" in page.content.decode()
    response = client.post(
        USERS, {"action": "reset_second_factor", "_selected_action": [str(target.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert "已重置 1 个账号的两步验证" in response.content.decode()
    assert _devices(target) == 0
    audit = AuditRecord.objects.filter(action="mfa.reset").get()
    assert audit.target == f"user:{target.pk}"
    assert audit.actor_id == duties["system_a"].pk


def test_mfa_reset_is_not_for_oneself_the_security_admin_or_another_county(
    tree: Tree, personas: Personas, duties: dict[str, User]
) -> None:
    # (The administrator has no device of their own here: with one, this session would first owe the code.)
    system_a = duties["system_a"]
    client = _client(system_a)
    response = client.post(
        USERS, {"action": "reset_second_factor", "_selected_action": [str(system_a.pk)]}, follow=True
    )
    assert "不能重置自己账号的两步验证" in response.content.decode()

    # The security administrator manages grants, not accounts: no such action.
    security_client = _client(duties["security_a"])
    assert "重置两步验证" not in security_client.get(USERS).content.decode()
    target = personas.township_staff
    _give_devices(target)
    security_client.post(USERS, {"action": "reset_second_factor", "_selected_action": [str(target.pk)]})
    assert _devices(target) == 2

    # An account of another county is outside the list's queryset: nothing is reset.
    outsider = personas.outsider
    _give_devices(outsider)
    client.post(USERS, {"action": "reset_second_factor", "_selected_action": [str(outsider.pk)]})
    assert _devices(outsider) == 2
    assert not AuditRecord.objects.filter(action="mfa.reset").exists()

"""The referrals on the matter page and the level's ledger; the statistics count the referrals in scope."""

from __future__ import annotations

import decimal

from conftest import Personas, Tree
from daiban.assistance import actions
from daiban.assistance.models import Referral
from daiban.assistance.selectors import counts
from daiban.assistance.tests.helpers import HARDSHIP, client_for, organ, refer
from daiban.core import clock
from daiban.matters.tests.factories import Flow


def test_the_action_page_refers_and_the_matter_page_shows_it(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = client_for(personas.village_agent)
    page = client.get(f"/matters/{m.pk}/").content.decode()
    assert f"/matters/{m.pk}/act/assistance_referral/" in page
    assert f"/matters/{m.pk}/act/assistance_outcome/" not in page
    url = f"/matters/{m.pk}/act/assistance_referral/"
    assert client.get(url).status_code == 200
    data = {"version": m.version, "kind": "judicial", "organ": organ(m).pk, "hardship": HARDSHIP}
    refused = client.post(url, data)
    assert refused.status_code == 400 and HARDSHIP in refused.content.decode()
    assert client.post(url, {**data, "kind": "social"}).status_code == 302
    page = client.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="assistance-referral"' in page and "待反馈" in page
    assert f"/matters/{m.pk}/act/assistance_outcome/" in page


def test_a_stale_form_is_a_conflict_with_the_input_kept(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    stale = m.version
    refer(flow, personas.village_agent, m)
    client = client_for(personas.township_staff)
    response = client.post(
        f"/matters/{m.pk}/act/assistance_referral/",
        {"version": stale, "kind": "social", "organ": organ(m).pk, "hardship": "另一份困难说明"},
    )
    assert response.status_code == 409 and "另一份困难说明" in response.content.decode()
    assert Referral.objects.filter(matter=m).count() == 1


def test_the_ledger_lists_the_scope_and_filters_the_open_ones(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = flow.at_village()
    r = refer(flow, personas.village_agent, m)
    done = flow.at_village(new_matter=True)
    closed = refer(flow, personas.village_agent, done)
    flow.act(actions.referral_outcome, personas.village_agent, done, referral=closed, outcome="granted")
    county = client_for(personas.county_staff)
    body = county.get("/assistance/").content.decode()
    assert m.number in body and done.number in body
    pending = county.get("/assistance/?outcome=pending").content.decode()
    assert m.number in pending and done.number not in pending
    assert r.hardship not in body  # the ledger lists, the matter page tells
    assert m.number not in client_for(personas.outsider).get("/assistance/").content.decode()
    assert client_for(personas.unit_handler).get("/assistance/").status_code == 403


def test_the_statistics_count_equals_the_referrals_in_scope(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    a = flow.at_village()
    refer(flow, personas.village_agent, a, kind="social")
    refer(flow, personas.village_agent, a, kind="judicial")
    r = Referral.objects.filter(matter=a, kind="social").get()
    flow.act(
        actions.referral_outcome,
        personas.village_agent,
        a,
        referral=r,
        outcome="granted",
        amount=decimal.Decimal("800"),
    )
    b = flow.intake(personas.outsider_village_agent, tree.village_b1x)
    refer(flow, personas.outsider_village_agent, b)
    day = flow.today
    for region in (tree.city, tree.county_a, tree.town_a1, tree.village_a1x, tree.county_b):
        got = counts(region.path, day, day)
        rows = Referral.objects.filter(region_path__startswith=region.path)
        assert got.total == rows.count()
        assert (got.social, got.judicial) == (
            rows.filter(kind="social").count(),
            rows.filter(kind="judicial").count(),
        )
        assert got.granted == rows.filter(outcome="granted").count()
    assert counts(tree.county_a.path, day, day).total == 2 and counts(tree.city.path, day, day).total == 3
    assert counts(tree.county_a.path, day.replace(day=day.day + 1), day.replace(day=day.day + 2)).total == 0
    with clock.frozen(flow.now):
        response = client_for(personas.county_staff).get(f"/stats/?period=custom&start={day}&end={day}")
    page = response.content.decode()
    assert 'data-testid="assistance-total">2<' in page
    assert 'data-testid="assistance-granted">1<' in page


def test_outside_scope_the_action_pages_are_404_and_nothing_changes(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    r = refer(flow, personas.village_agent, m)
    version = flow.fresh(m).version
    for user in (personas.outsider, personas.outsider_village_agent, personas.outsider_unit_handler):
        client = client_for(user)
        for action, data in (
            ("assistance_referral", {"kind": "social", "organ": organ(m).pk, "hardship": "h"}),
            ("assistance_outcome", {"referral": r.pk, "outcome": "granted"}),
        ):
            url = f"/matters/{m.pk}/act/{action}/"
            assert client.get(url).status_code == 404
            assert client.post(url, {"version": version, **data}).status_code == 404
    assert flow.fresh(m).version == version
    assert (
        Referral.objects.filter(matter=m).count() == 1 and Referral.objects.get(pk=r.pk).outcome == "pending"
    )


def test_in_scope_but_not_an_agent_gets_403(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    for user in (personas.unit_handler, personas.leader, personas.supervisor):
        client = client_for(user)
        url = f"/matters/{m.pk}/act/assistance_referral/"
        assert client.get(url).status_code == 403
        data = {"version": m.version, "kind": "social", "organ": organ(m).pk, "hardship": "h"}
        assert client.post(url, data).status_code == 403
    assert not Referral.objects.exists() and flow.fresh(m).version == m.version

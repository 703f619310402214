"""并入原事项 (并案) end to end through the real pages: the confirmation page shows both matters, one atomic
action writes an event on each timeline, the new matter ends closed as 并案 with its clocks stopped and all
it held still readable from the earlier matter's page; outside scope is 404, bad input names the field,
a stale form is the conflict page with what was typed kept."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from conftest import Personas
from daiban.matters import actions
from daiban.matters.choices import ClosureKind, EventKind, Status
from daiban.matters.errors import OutOfScope, WrongState
from daiban.matters.models import Deadline, Event, Matter
from daiban.matters.tests.factories import Flow, frozen
from daiban.repeats import actions as repeat_actions
from daiban.repeats.models import RepeatDecision
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, ZHAO, client_for, matter

REPLY = {
    "outcome": "explain",
    "facts": "已查明",
    "reasons": "已向信访人解释",
    "basis": "《信访工作条例》第三十二条",
}
REASON = "同一楼道漏水问题，赵红梅的事项正在办理，李秀英为同楼住户。"


@pytest.fixture
def linked(flow: Flow, personas: Personas) -> tuple[Matter, Matter]:
    """赵红梅's leak (earlier, held by the village) and 李秀英's retelling, confirmed as its repeat through
    the matter page's button."""
    earlier, later = matter(flow, LEAK, person=ZHAO), matter(flow, LEAK_AGAIN)
    with frozen(2026, 6, 1, 14):
        response = client_for(personas.village_agent).post(
            f"/repeats/matter/{later.pk}/of/{earlier.pk}/decide/", {"kind": "link"}
        )
    assert response.status_code == 302
    return Matter.objects.get(pk=earlier.pk), Matter.objects.get(pk=later.pk)


def _url(m: Matter) -> str:
    return f"/matters/{m.pk}/act/merge/"


def _state() -> Any:
    return (
        list(
            Matter.objects.order_by("pk").values_list(
                "pk", "version", "status", "closure_kind", "repeat_visits"
            )
        ),
        Event.objects.count(),
        list(RepeatDecision.objects.values_list("matter_id", "merged_at")),
        list(Deadline.objects.order_by("pk").values_list("pk", "is_open")),
    )


def test_merge_end_to_end(personas: Personas, linked: tuple[Matter, Matter]) -> None:
    earlier, later = linked
    client = client_for(personas.village_agent)
    page = client.get(f"/matters/{later.pk}/").content.decode()
    assert f'href="{_url(later)}"' in page  # offered on the matter page

    with frozen(2026, 6, 1, 15):
        confirm = client.get(_url(later))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert 'data-testid="merge-new"' in html and 'data-testid="merge-target"' in html
    assert html.count(earlier.number) >= 2 and LEAK in html and LEAK_AGAIN in html
    assert "赵**" in html and "赵红梅" not in html and "李秀英" not in html
    assert "并案后不能撤销" in html
    assert Matter.objects.get(pk=later.pk).status == Status.REGISTERED  # a GET changes nothing

    with frozen(2026, 6, 1, 15):
        done = client.post(_url(later), {"version": later.version, "into": earlier.pk, "reason": REASON})
    assert done.status_code == 302 and done["Location"] == f"/matters/{later.pk}/"

    merged, into = Matter.objects.get(pk=later.pk), Matter.objects.get(pk=earlier.pk)
    assert merged.status == Status.CLOSED and merged.closure_kind == ClosureKind.MERGED
    assert merged.resolved is False and merged.closed_at is not None and merged.due_date is None
    assert not Deadline.objects.filter(matter=merged, is_open=True).exists()  # its clocks stopped
    assert into.status == Status.REGISTERED and into.repeat_visits == 1  # counted once, at the link
    assert into.version == earlier.version + 1
    mine = Event.objects.get(matter=merged, seq=merged.version)
    theirs = Event.objects.get(matter=into, seq=into.version)
    assert mine.kind == EventKind.MERGE and mine.status_after == Status.CLOSED
    assert mine.details == {"reason": REASON, "into": earlier.number, "into_id": earlier.pk}
    assert theirs.kind == EventKind.MERGE_RECEIVE and theirs.details["merged_id"] == later.pk
    decision = RepeatDecision.objects.get(matter=merged, candidate=into)
    assert decision.merged_at == mine.at and decision.merge_reason == REASON
    assert merged.petitioner_links.count() == 1 and merged.content == later.content  # nothing dropped

    # Both timelines and both pages say it; the earlier matter's page opens the merged one.
    earlier_page = client.get(f"/matters/{earlier.pk}/").content.decode()
    assert 'data-testid="merged-matter"' in earlier_page and later.number in earlier_page
    assert LEAK_AGAIN in earlier_page and REASON in earlier_page and "李**" in earlier_page
    assert f"事项 {later.number} 并入本事项（并案）" in earlier_page  # its timeline
    later_page = client.get(f"/matters/{later.pk}/").content.decode()
    assert 'data-testid="merged-into"' in later_page and "并案（并入原事项）" in later_page
    assert f'href="{_url(later)}"' not in later_page  # no second merge
    assert client.get(_url(later)).status_code == 403


def test_outside_scope_is_404_and_changes_nothing(personas: Personas, linked: tuple[Matter, Matter]) -> None:
    earlier, later = linked
    before = _state()
    for who in ("outsider", "outsider_village_agent", "outsider_unit_handler"):
        client = client_for(getattr(personas, who))
        assert client.get(_url(later)).status_code == 404
        post = client.post(_url(later), {"version": later.version, "into": earlier.pk, "reason": REASON})
        assert post.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("who", ["supervisor", "unit_handler", "leader", "county_staff"])
def test_others_in_scope_may_not_merge(personas: Personas, linked: tuple[Matter, Matter], who: str) -> None:
    """Only the organisation holding the new matter (here the village point) decides its merge."""
    earlier, later = linked
    before = _state()
    client = client_for(getattr(personas, who))
    assert client.get(_url(later)).status_code in (403, 404)
    post = client.post(_url(later), {"version": later.version, "into": earlier.pk, "reason": REASON})
    assert post.status_code in (403, 404)
    assert _state() == before


def test_the_earlier_matter_outside_scope_is_404(
    flow: Flow, personas: Personas, linked: tuple[Matter, Matter]
) -> None:
    """A matter id the actor may not see, typed into the form, is refused as not found (the service's
    own check: the form offers only linked matters)."""
    _earlier, later = linked
    foreign = flow.intake(personas.outsider_village_agent, flow.t.village_b1x)
    before = _state()
    with pytest.raises(OutOfScope):
        flow.act(repeat_actions.repeat_merge, personas.village_agent, later, into=foreign.pk, reason=REASON)
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "请填写并案理由。"),
        ({"reason": "  "}, "reason", "请填写并案理由。"),
        ({"reason": "长" * 501}, "reason", "并案理由不能超过 500 个字。"),
        ({"into": ""}, "into", "请选择并入的原事项。"),
        ({"into": "abc"}, "into", "请选择有效的原事项。"),
        ({"into": "999999999"}, "into", "请选择有效的原事项。"),
    ],
)
def test_bad_input_names_the_field_in_chinese(
    personas: Personas, linked: tuple[Matter, Matter], data: dict[str, str], field: str, message: str
) -> None:
    earlier, later = linked
    before = _state()
    post = {"version": str(later.version), "into": str(earlier.pk), "reason": REASON, **data}
    response = client_for(personas.village_agent).post(_url(later), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'id="id_{field}"' in html
    assert _state() == before


def test_a_stale_form_is_the_conflict_page_with_input_kept(
    flow: Flow, personas: Personas, linked: tuple[Matter, Matter]
) -> None:
    earlier, later = linked
    client = client_for(personas.village_agent)
    stale = later.version
    page = client.get(_url(later)).content.decode()
    assert f'name="version" value="{stale}"' in page
    # Someone else acts on the new matter after the page was loaded.
    flow.act(actions.matter_start_local, personas.village_agent, later, note="先行就地办理")
    before = _state()
    response = client.post(_url(later), {"version": stale, "into": earlier.pk, "reason": REASON})
    assert response.status_code == 409
    html = response.content.decode()
    assert "该事项刚刚被他人修改" in html
    assert REASON in html  # what was typed is kept
    assert _state() == before
    # With the current version the merge goes through (a locally handled, unanswered matter may merge).
    fresh = Matter.objects.get(pk=later.pk)
    assert fresh.status == Status.LOCAL
    done = client.post(_url(later), {"version": fresh.version, "into": earlier.pk, "reason": REASON})
    assert done.status_code == 302
    assert Matter.objects.get(pk=later.pk).closure_kind == ClosureKind.MERGED


def test_not_before_a_link(flow: Flow, personas: Personas) -> None:
    earlier, later = matter(flow, LEAK, person=ZHAO), matter(flow, LEAK_AGAIN)
    client = client_for(personas.village_agent)
    assert client.get(_url(later)).status_code == 403  # not linked yet: no merge
    flow.call(
        repeat_actions.repeat_declare_new,
        actor=personas.village_agent,
        matter_id=later.pk,
        candidate_id=earlier.pk,
    )
    assert client.get(_url(later)).status_code == 403  # declared new: no merge


def test_not_once_answered(flow: Flow, personas: Personas, linked: tuple[Matter, Matter]) -> None:
    """An answered matter goes on under its own procedure; so does one routed to a unit (no tasks
    allowed: ``rules.merge``)."""
    earlier, later = linked
    flow.act(actions.matter_start_local, personas.village_agent, later, note="就地办理")
    flow.act(actions.matter_reply_local, personas.village_agent, later, **REPLY)
    before = _state()
    with pytest.raises(WrongState):
        flow.act(repeat_actions.repeat_merge, personas.village_agent, later, into=earlier.pk, reason=REASON)
    assert _state() == before


def test_the_merge_is_atomic(flow: Flow, personas: Personas, linked: tuple[Matter, Matter]) -> None:
    """When the earlier matter's event cannot be written, nothing of the merge stays."""
    earlier, later = linked
    before = _state()
    real = repeat_actions.record

    def failing(m: Matter, *args: Any, **kwargs: Any) -> Any:
        if m.pk == earlier.pk:
            raise RuntimeError("disk full")
        return real(m, *args, **kwargs)

    with mock.patch.object(repeat_actions, "record", side_effect=failing), pytest.raises(RuntimeError):
        flow.act(repeat_actions.repeat_merge, personas.village_agent, later, into=earlier.pk, reason=REASON)
    assert _state() == before


def test_the_merge_page_for_every_persona(personas: Personas, linked: tuple[Matter, Matter]) -> None:
    """The permission matrix of the confirmation page: the holder only; outside the county (and the unit,
    which sees no unrouted matter) 404; every other reader in scope 403. Nothing changes."""
    _earlier, later = linked
    expected = {
        "village_agent": 200,
        "unit_handler": 404,
        "outsider": 404,
        "outsider_village_agent": 404,
        "outsider_unit_handler": 404,
    }
    before = _state()
    for name, user in personas.all().items():
        got = client_for(user).get(_url(later)).status_code
        assert got == expected.get(name, 403), name
    assert _state() == before

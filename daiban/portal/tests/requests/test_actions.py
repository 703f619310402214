"""The online request's actions on their own: a code proves one request only, the agents told are the
village's (or the nearest level above with agents), the decline's checks, and the codes' hashing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters.errors import Conflict, OutOfScope, WrongState
from daiban.notify.models import Message
from daiban.portal.models import OnlineRequest, OnlineRequestEvent, RequestStatus, SmsCode
from daiban.portal.requests import actions, codes
from daiban.portal.tests.requests.helpers import PHONE, last_code, make_request


def _submission(tree: Tree, **over: object) -> actions.Submission:
    fields: dict[str, object] = {
        "name": "王秀兰",
        "phone": PHONE,
        "region": tree.village_a1x,
        "happened": "路灯坏了。",
        "wanted": "修好。",
        **over,
    }
    return actions.Submission(**fields)  # type: ignore[arg-type]


def test_a_code_proves_one_request_only(tree: Tree, personas: Personas) -> None:
    code = codes.issue(PHONE)
    actions.request_submit(submission=_submission(tree), code_id=code.pk)
    with pytest.raises(ValidationError) as exc:
        actions.request_submit(submission=_submission(tree), code_id=code.pk)
    assert "验证码已使用" in exc.value.message_dict["code"][0]
    assert OnlineRequest.objects.count() == 1


def test_the_code_is_stored_only_as_a_hash(tree: Tree) -> None:
    row = codes.issue(PHONE)
    code = last_code()
    assert code not in row.code_hash and PHONE not in row.phone_hash
    assert codes.check(PHONE, code).code_id == row.pk
    assert codes.check("13904710000", code).code_id is None  # another phone: no code at all


def test_numbers_run_per_county_and_year(tree: Tree, personas: Personas) -> None:
    a = make_request(tree.village_a1x)
    b = make_request(tree.village_a2x, phone="13904710002")
    c = make_request(tree.village_b1x, phone="13904710003")
    assert a.number.endswith("-00001") and b.number.endswith("-00002")
    assert c.number.startswith(f"WS{tree.county_b.code}-") and c.number.endswith("-00001")


def test_a_village_without_agents_goes_to_the_township(tree: Tree, personas: Personas) -> None:
    req = make_request(tree.village_a1y)  # 呼伦路街道's other village has no agent of its own
    told = set(Message.objects.filter(kind="online_request").values_list("recipient", flat=True))
    assert told == {personas.township_staff.pk}
    assert req.region == tree.village_a1y


def test_a_second_village_agent_is_told_too(tree: Tree, personas: Personas) -> None:
    second = make_user("village_agent_2", Role.VILLAGE_AGENT, tree.village_a1x)
    make_request(tree.village_a1x)
    told = set(Message.objects.filter(kind="online_request").values_list("recipient", flat=True))
    assert told == {personas.village_agent.pk, second.pk}


def test_only_a_village_takes_a_request(tree: Tree) -> None:
    code = codes.issue(PHONE)
    with pytest.raises(ValidationError):
        actions.request_submit(submission=_submission(tree, region=tree.town_a1), code_id=code.pk)
    assert not OnlineRequest.objects.exists()
    assert SmsCode.objects.get().used_at is None  # nothing consumed


def test_decline_checks(tree: Tree, personas: Personas) -> None:
    req = make_request(tree.village_a1x)
    agent = personas.village_agent
    with pytest.raises(ValidationError):
        actions.request_decline(actor=agent, request_id=req.pk, expected_version=1, reason="  ")
    with pytest.raises(ValidationError):
        actions.request_decline(actor=agent, request_id=req.pk, expected_version=1, reason="x" * 201)
    with pytest.raises(Conflict):
        actions.request_decline(actor=agent, request_id=req.pk, expected_version=0, reason="理由")
    with pytest.raises(OutOfScope):
        actions.request_decline(
            actor=personas.outsider_village_agent, request_id=req.pk, expected_version=1, reason="理由"
        )
    with pytest.raises(OutOfScope):
        actions.request_decline(
            actor=personas.unit_handler, request_id=req.pk, expected_version=1, reason="理由"
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and req.version == 1
    assert OnlineRequestEvent.objects.filter(request=req).count() == 1
    actions.request_decline(actor=agent, request_id=req.pk, expected_version=1, reason="理由")
    with pytest.raises(WrongState):
        actions.request_decline(actor=agent, request_id=req.pk, expected_version=2, reason="理由")

"""errand_record, errand_update, errand_finish: happy paths, refusals naming fields, wrong state, scope,
conflict; each change one event; never a matter."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.errands import errand_finish, errand_update, looks_like_number
from daiban.prevention.models import Errand, ErrandEvent
from daiban.prevention.tests.errands.helpers import TODAY, record

WEEK = datetime.timedelta(days=7)


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(exc.value.message_dict))


def test_record_defaults_and_writes_one_event(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    errand.refresh_from_db()
    assert errand.requested_on == TODAY and errand.region == tree.village_a1x
    assert errand.agent == personas.village_agent and errand.status == "open" and errand.version == 1
    assert errand.scope_township == tree.town_a1.code
    event = ErrandEvent.objects.get()
    assert (event.errand, event.seq, event.kind, event.actor) == (errand, 1, "record", personas.village_agent)
    assert "养老保险资格认证" in event.summary and event.status_after == "open"
    assert not Matter.objects.exists()  # never the petition workflow


@pytest.mark.parametrize(
    "person",
    [
        "150102196803151234",
        "15010219680315123X",
        "139 0471 1234",
        "王大爷13904711234",
        "０４７１－６６２２３３４",  # full-width fixed-line number
        "0471-6622334",
        "1390471１２３４",
    ],
)
def test_an_id_or_phone_number_in_person_is_refused(tree: Tree, personas: Personas, person: str) -> None:
    with pytest.raises(ValidationError) as exc:
        record(personas.village_agent, person=person)
    assert _field(exc) == "person" and "不要填写身份证号或电话号码" in exc.value.message_dict["person"][0]
    assert not Errand.objects.exists()


@pytest.mark.parametrize("person", ["王大爷", "三组李姐", "5号楼张阿姨", "幸福小区12栋赵师傅", "2026年新户"])
def test_names_and_forms_of_address_are_fine(person: str) -> None:
    assert not looks_like_number(person)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person": "  "}, "person"),
        ({"person": "名" * 41}, "person"),
        ({"service": "visa"}, "service"),
        ({"description": ""}, "description"),
        ({"office": ""}, "office"),
        ({"office": "部" * 81}, "office"),
        ({"promised_on": None}, "promised_on"),
        ({"promised_on": TODAY - datetime.timedelta(days=1)}, "promised_on"),
        ({"promised_on": TODAY + datetime.timedelta(days=367)}, "promised_on"),
        ({"requested_on": TODAY + datetime.timedelta(days=1)}, "requested_on"),
        ({"requested_on": datetime.date(2020, 1, 1)}, "requested_on"),
    ],
)
def test_record_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        record(personas.village_agent, **overrides)
    assert _field(exc) == field
    assert not Errand.objects.exists() and not ErrandEvent.objects.exists()


def test_record_outside_scope_and_by_a_non_agent(tree: Tree, personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        record(personas.village_agent, region=tree.village_b1x)
    assert _field(exc) == "region"
    for who in (personas.leader, personas.unit_handler, personas.supervisor):
        with pytest.raises(NotAllowed):
            record(who, region=tree.village_a1x)
    assert not Errand.objects.exists()


def _finish(actor, errand: Errand, version: int | None = 1, **overrides: object) -> Errand:  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {"done": True, "result": "已在社保中心完成认证", "notice_method": "phone"}
    kwargs.update(overrides)
    with frozen(2026, 11, 5):
        return errand_finish(actor=actor, errand_id=errand.pk, expected_version=version, **kwargs)  # type: ignore[arg-type]


def test_finish_done_and_not_done(tree: Tree, personas: Personas) -> None:
    done = _finish(personas.village_agent, record(personas.village_agent))
    assert done.status == "done" and done.finished_on == datetime.date(2026, 11, 5) and done.version == 2
    assert done.notice_method == "phone" and done.result == "已在社保中心完成认证"
    event = done.events.get(seq=2)
    assert event.kind == "finish" and event.status_before == "open" and event.status_after == "done"
    not_done = _finish(personas.township_staff, record(personas.village_agent), done=False, result="缺户口本")
    assert not_done.status == "not_done" and not_done.events.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"done": None}, "done"),
        ({"result": " "}, "result"),
        ({"notice_method": ""}, "notice_method"),
        ({"notice_method": "pigeon"}, "notice_method"),
        ({"finished_on": datetime.date(2026, 11, 6)}, "finished_on"),
        ({"finished_on": datetime.date(2026, 11, 1)}, "finished_on"),  # before it was requested
    ],
)
def test_finish_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, object], field: str
) -> None:
    errand = record(personas.village_agent)
    with pytest.raises(ValidationError) as exc:
        _finish(personas.village_agent, errand, **overrides)
    assert _field(exc) == field
    errand.refresh_from_db()
    assert errand.status == "open" and errand.version == 1 and errand.events.count() == 1


def test_finish_twice_is_wrong_state_and_stale_is_conflict(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    _finish(personas.village_agent, errand)
    with pytest.raises(Conflict):
        _finish(personas.township_staff, errand, version=1, done=False)
    with pytest.raises(WrongState):
        _finish(personas.township_staff, errand, version=2, done=False)
    errand.refresh_from_db()
    assert errand.status == "done" and errand.events.count() == 2


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent"])
def test_finish_outside_scope(tree: Tree, personas: Personas, who: str) -> None:
    errand = record(personas.village_agent)
    with pytest.raises(OutOfScope):
        _finish(getattr(personas, who), errand)
    errand.refresh_from_db()
    assert errand.status == "open"


def test_finish_by_a_leader_is_not_allowed(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    with pytest.raises(NotAllowed):
        _finish(personas.leader, errand)
    errand.refresh_from_db()
    assert errand.status == "open"


def _update(actor, errand: Errand, version: int | None = 1, **overrides: object) -> Errand:  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {
        "promised_on": errand.promised_on,
        "office": errand.office,
        "description": errand.description,
    }
    kwargs.update(overrides)
    with frozen(2026, 11, 3):
        return errand_update(actor=actor, errand_id=errand.pk, expected_version=version, **kwargs)  # type: ignore[arg-type]


def test_update_records_before_and_after(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    updated = _update(personas.village_agent, errand, promised_on=TODAY + 2 * WEEK, office="镇便民服务中心")
    assert (
        updated.promised_on == TODAY + 2 * WEEK
        and updated.office == "镇便民服务中心"
        and updated.version == 2
    )
    event = updated.events.get(seq=2)
    assert event.kind == "update" and event.details == {
        "promised_on": ["2026-11-09", "2026-11-16"],
        "office": ["区社保中心", "镇便民服务中心"],
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"promised_on": TODAY - datetime.timedelta(days=1)}, "promised_on"),
        ({"promised_on": None}, "promised_on"),
        ({"office": ""}, "office"),
        ({"description": "事" * 201}, "description"),
    ],
)
def test_update_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, object], field: str
) -> None:
    errand = record(personas.village_agent)
    with pytest.raises(ValidationError) as exc:
        _update(personas.village_agent, errand, **overrides)
    assert _field(exc) == field
    errand.refresh_from_db()
    assert errand.version == 1 and errand.office == "区社保中心"


def test_update_without_a_change_is_refused(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    with pytest.raises(ValidationError, match="没有需要保存的修改"):
        _update(personas.village_agent, errand)
    assert errand.events.count() == 1


def test_update_when_closed_stale_or_outside_scope(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    _update(personas.village_agent, errand, office="镇便民服务中心")
    with pytest.raises(Conflict):
        _update(personas.township_staff, errand, version=1, office="别处")
    with pytest.raises(OutOfScope):
        _update(personas.outsider_village_agent, errand, version=2, office="别处")
    _finish(personas.village_agent, errand, version=2)
    with pytest.raises(WrongState):
        _update(personas.village_agent, errand, version=3, office="别处")
    errand.refresh_from_db()
    assert errand.office == "镇便民服务中心" and errand.events.count() == 3

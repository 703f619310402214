"""The living demo (daiban.demo.matters): every state and scenario, true timelines, work in every demo
account's queues, determinism and idempotency — on the real demo network, with a small count."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from daiban.accounts.models import User
from daiban.demo.matters import DemoNetworkMissing, LoadResult, People, load_demo_matters
from daiban.demo.network import load_demo_network
from daiban.hearings.models import HearingRecord
from daiban.matters.choices import ClosureKind, NotAcceptedReason, ReviewKind, Status, Step, TaskStatus
from daiban.matters.models import (
    Deadline,
    Event,
    Matter,
    NumberSequence,
    Opinion,
    Petitioner,
    Review,
    UnitTask,
)
from daiban.matters.queues import ROLE_QUEUES, queue_matters
from daiban.network.models import UnitDomain
from daiban.pii.fields import birth_date_of, has_pii
from daiban.pii.validators import validate_id_number, validate_phone
from daiban.regions.models import Region

TODAY = datetime.date(2026, 6, 30)  # a fixed "today" whose ten months back lie in known holiday years
COUNT = 60
SEED = 2026
MAIN_ACCOUNTS = (
    "suyala_daiban",
    "hulunlu_zhan",
    "xinchengqu_zhongxin",
    "xinchengqu_zhujian",
    "xinchengqu_lingdao",
    "xinchengqu_jijian",
    "shi_admin",
)


def test_a_missing_network_is_reported(db: None) -> None:
    # First in the module: the module's demo data is not loaded yet.
    with pytest.raises(DemoNetworkMissing):
        load_demo_matters(today=TODAY, count=5)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[LoadResult]:
    """The demo network and 60 matters, loaded once for the module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        result = load_demo_matters(today=TODAY, count=COUNT, seed=SEED)
        assert result is not None
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: LoadResult, db: None) -> LoadResult:
    return demo


def _open() -> QuerySet[Matter]:
    return Matter.objects.exclude(status=Status.CLOSED)


def test_count_and_every_status(loaded: LoadResult) -> None:
    assert Matter.objects.count() == COUNT == loaded.matters
    present = set(Matter.objects.values_list("status", flat=True))
    assert present == set(Status.values)
    assert all(loaded.by_status[s] > 0 for s in Status.values)


def test_every_district_has_matters(loaded: LoadResult) -> None:
    for county in Region.objects.filter(level=2):
        assert Matter.objects.filter(region_path__startswith=county.path).exists(), county.name
    assert all(open_ + closed > 0 for open_, closed in loaded.by_district.values())


def test_before_routing_states(loaded: LoadResult) -> None:
    registered = Matter.objects.filter(status=Status.REGISTERED)
    levels = set(registered.values_list("holder_region__level", flat=True))
    assert {2, 3, 4} <= levels  # waiting at a village, at a township, at the county centre
    assert Matter.objects.filter(status=Status.LOCAL).exists()
    assert Matter.objects.filter(status=Status.ROUTED, tasks__status=TaskStatus.ASSIGNED).exists()


def test_objection_sends_the_matter_back_to_the_county(loaded: LoadResult) -> None:
    objected = UnitTask.objects.filter(status=TaskStatus.OBJECTED, role="lead").select_related("matter")
    assert objected.exists()
    waiting = [t.matter for t in objected if t.matter.status == Status.REGISTERED]
    assert waiting
    for m in waiting:
        assert m.holder_region is not None and m.holder_region.level == 2 and m.holder_unit_id is None
    for task in objected:
        window = Deadline.objects.get(task=task, step=Step.OBJECTION)
        assert window.met_at is not None and timezone.localdate(window.met_at) <= window.due_date


def test_handling_extended_overdue_and_due_soon(loaded: LoadResult) -> None:
    handling = Matter.objects.filter(status=Status.HANDLING)
    assert handling.filter(extended_days__gt=0).exists()
    overdue = handling.filter(due_step=Step.HANDLING, due_date__lt=TODAY)
    assert overdue.exists()
    for m in overdue:
        accepted = timezone.localdate(m.tasks.get(role="lead", status=TaskStatus.ACCEPTED).accepted_at)
        assert 60 < (TODAY - accepted).days <= 95  # 70-80 days, earlier if that fell in a holiday
        assert m.events.filter(kind="press", details__supervise=True).exists()  # 督办 by the 纪检 supervisor
    assert _open().filter(due_date__gte=TODAY, due_date__lte=TODAY + datetime.timedelta(days=3)).exists()


def test_replies_follow_ups_and_closures(loaded: LoadResult) -> None:
    replied = Matter.objects.filter(status=Status.REPLIED)
    assert replied.filter(feedback_at__isnull=True).exists()  # waiting for feedback
    assert replied.exclude(service_satisfaction="").exists()  # followed up, not yet closed
    closed = Matter.objects.filter(status=Status.CLOSED)
    assert closed.filter(closure_kind=ClosureKind.HANDLED, resolved=True).exists()
    assert closed.filter(closure_kind=ClosureKind.HANDLED, resolved=False).exists()
    assert closed.filter(closure_kind=ClosureKind.ANSWERED).exists()
    assert closed.filter(closure_kind=ClosureKind.GUIDED).exists()
    assert closed.filter(closure_kind=ClosureKind.NOT_ACCEPTED).exists()
    assert Event.objects.filter(kind="reply_local").exists()  # solved at the village (小事不出村)
    assert Event.objects.filter(kind="hand_down").exists()
    # written replies still waiting for service (待送达), and served ones: served on or after the day of
    # issue, the review window counted from service
    waiting = Opinion.objects.filter(review_limit="review_request", served_on=None)
    assert waiting.filter(matter__status=Status.REPLIED).exists()
    served = list(Opinion.objects.exclude(served_on=None).select_related("matter"))
    assert served and all(timezone.localdate(o.issued_at) <= o.served_on for o in served)
    assert Event.objects.filter(kind="serve").count() == len(served)


def test_review_reexam_hearing_and_final(loaded: LoadResult) -> None:
    assert Matter.objects.filter(status=Status.REVIEW).exists()
    reexam = Matter.objects.filter(status=Status.REEXAM)
    assert reexam.filter(reviews__kind=ReviewKind.REEXAM, reviews__hearing_days__gt=0).exists()
    final = Matter.objects.filter(is_final=True)
    assert final.filter(status=Status.CLOSED).exists() and final.filter(status=Status.REPLIED).exists()
    assert Event.objects.filter(
        kind="not_accept", details__reason_kind=NotAcceptedReason.ALREADY_REEXAMINED
    ).exists()
    for review in Review.objects.select_related("matter"):
        # Asked within 30 days of receiving the written answer it challenges (arts. 35, 36).
        stage = "handling" if review.kind == ReviewKind.REVIEW else "review"
        answered = review.matter.opinions.filter(stage=stage).order_by("issued_at").last()
        assert answered is not None and answered.served_on is not None
        assert timezone.localdate(answered.issued_at) <= answered.served_on <= review.requested_on
        assert (review.requested_on - answered.served_on).days <= 30
        if review.kind == ReviewKind.REEXAM:
            assert review.unit.name == "呼和浩特市人民政府"


def test_group_accusation_leaders_and_repeat_visits(loaded: LoadResult) -> None:
    groups = Matter.objects.filter(is_group=True)
    assert groups.exists()
    for m in groups:
        links = m.petitioner_links.all()
        assert m.headcount >= 5 and 1 <= links.count() <= 5
        assert all(link.is_representative for link in links)
    accusations = Matter.objects.filter(is_accusation=True)
    assert accusations.filter(tasks__isnull=False).exists()
    domains = set(UnitTask.objects.filter(matter__is_accusation=True).values_list("unit__domain", flat=True))
    assert domains == {UnitDomain.DISCIPLINE}
    led = [m.leaders.count() for m in Matter.objects.filter(leaders__isnull=False).distinct()]
    assert 1 in led and 2 in led  # 包案 and 双包案
    repeated = Matter.objects.filter(repeat_visits__gt=0)
    assert repeated.exists()
    for m in repeated:
        assert m.events.filter(kind="repeat_visit").count() == m.repeat_visits


def test_the_two_stories_from_the_report(loaded: LoadResult) -> None:
    wang = Matter.objects.get(title="老旧小区改造遗留问题", petitioners__name="王建国")
    assert wang.region.name == "苏雅拉社区" and wang.status == Status.CLOSED and wang.resolved is True
    assert list(wang.events.values_list("kind", flat=True)) == [
        "intake",
        "escalate",
        "escalate",
        "route",
        "accept",
        "mediate",
        "reply",
        "serve",
        "feedback",
        "follow_up",
        "close",
    ]
    assert wang.tasks.get().unit.name == "新城区住房和城乡建设局" and wang.mediations.get().signed
    zhongtan = Matter.objects.get(title__contains="刘某与张某")
    assert zhongtan.region.name == "中滩社区" and zhongtan.resolved is True
    assert set(zhongtan.petitioners.values_list("name", flat=True)) == {"刘福林", "张桂英"}
    assert not zhongtan.tasks.exists() and zhongtan.mediations.get().signed


def test_timelines_are_complete_and_in_the_past(loaded: LoadResult) -> None:
    earliest = TODAY - datetime.timedelta(days=310)
    for m in Matter.objects.prefetch_related("events"):
        events = list(m.events.all())
        assert [e.seq for e in events] == list(range(1, m.version + 1)), m.number
        assert events[0].kind == "intake"
        times = [e.at for e in events]
        assert times == sorted(times)
        assert earliest <= timezone.localdate(times[0]) and timezone.localdate(times[-1]) < TODAY
        assert m.received_at == times[0]


def test_every_open_matter_has_a_deadline_and_a_holder(loaded: LoadResult) -> None:
    for m in _open():
        assert m.due_date is not None and m.due_step
        assert m.holder_region_id is not None or m.holder_unit_id is not None


def test_statutory_windows(loaded: LoadResult) -> None:
    """Every clock a step stopped was met in time, except a few deliberately late written opinions."""
    late: list[tuple[str, str]] = []
    for d in Deadline.objects.filter(is_open=False).select_related("matter"):
        if timezone.localdate(d.met_at) > d.due_date:
            late.append((d.matter.number, d.step))
    assert {step for _, step in late} <= {Step.HANDLING}, late
    replies = Deadline.objects.filter(step=Step.HANDLING, is_open=False).count()
    assert len(late) <= max(2, replies // 6)
    for m in Matter.objects.filter(extended_days__gt=0):
        extend = m.events.get(kind="extend")
        clock_row = m.deadlines.get(step=Step.HANDLING)
        assert m.extended_days <= 30
        assert timezone.localdate(extend.at) <= clock_row.started_on + datetime.timedelta(days=62)


def test_petitioners_have_valid_ids_and_mobiles(loaded: LoadResult) -> None:
    people = list(Petitioner.objects.all())
    with_id = [p for p in people if has_pii(p, "id_number")]
    assert len(with_id) > len(people) // 2
    assert all(birth_date_of(p) is not None for p in with_id)
    gen = People(TODAY)
    rng = random.Random(1)
    for _ in range(300):
        number = gen.id_number(rng, "150102", 1950, 2000, rng.random() < 0.5)
        assert validate_id_number(number) == number and number.startswith("1501")
        phone = gen.mobile(rng)
        assert validate_phone(phone) == phone and phone[:2] in ("13", "15", "18")
    assert len(gen.ids) == len(gen.phones) == 300


@pytest.mark.parametrize("username", MAIN_ACCOUNTS)
def test_every_queue_of_the_main_demo_accounts_has_work(loaded: LoadResult, username: str) -> None:
    user = User.objects.get(username=username)
    empty = [key for key in ROLE_QUEUES[user.role] if not queue_matters(user, key, TODAY).exists()]
    assert empty == []


def test_loading_again_does_nothing(loaded: LoadResult) -> None:
    numbers = sorted(Matter.objects.values_list("number", flat=True))
    assert load_demo_matters(today=TODAY, count=COUNT, seed=SEED) is None
    out = StringIO()
    call_command("load_demo_matters", stdout=out)
    assert "未载入" in out.getvalue()
    assert sorted(Matter.objects.values_list("number", flat=True)) == numbers


def _fingerprint() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = list(
        Matter.objects.order_by("number").values_list("number", "lookup_code", "status", "title")
    )
    rows += Event.objects.order_by("matter__number", "seq").values_list(
        "matter__number", "seq", "kind", "at", "actor__username", "status_after"
    )
    rows += Matter.objects.order_by("number").values_list(
        "number",
        "region__code",
        "due_date",
        "headcount",
        "resolved",
        "holder_region__code",
        "holder_unit__name",
    )
    rows += Petitioner.objects.order_by("name", "address").values_list(
        "name", "address", "id_number_hash", "phone_hash"
    )
    return rows


def test_same_seed_and_day_give_the_same_matters(loaded: LoadResult) -> None:
    first = _fingerprint()
    with transaction.atomic():
        HearingRecord.objects.all().delete()  # hearing records protect their reviews
        Review.objects.all().delete()  # reviews protect their opinions; the rest goes with the matters
        Matter.objects.all().delete()
        Petitioner.objects.all().delete()
        NumberSequence.objects.all().delete()
        out = StringIO()
        call_command(
            "load_demo_matters",
            "--count",
            str(COUNT),
            "--seed",
            str(SEED),
            "--today",
            TODAY.isoformat(),
            stdout=out,
        )
        second = _fingerprint()
        transaction.set_rollback(True)
    assert first == second
    text = out.getvalue()
    assert f"已载入演示事项 {COUNT} 件" in text
    for status in Status:
        assert status.label in text

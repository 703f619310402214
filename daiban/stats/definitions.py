"""Every count and rate of the statistics, defined once (issue 13 §1; README.md documents each).

Each definition names the date that puts a record in a period and gives its *direct form*: a queryset of
the rows themselves (``Matter`` or ``Screening``), the reference truth. The dashboards read rollups
(``daiban.stats.facts``) which must equal these direct forms; the tests recompute every figure this way,
and a figure's link (``figures.rows_behind``) opens exactly these rows.

Two principles keep the rates honest:

* A rate's numerator is a subset of its denominator (never above 100 %), and both are counted over the same
  cohort: the matters that the denominator's date puts in the period.
* No matter → "—", never 0 %: ``Rate.percent`` in ``figures``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate

from daiban.execution.selectors import unexecuted_exists
from daiban.matters.choices import Category, Channel, ClosureKind, Purpose, Satisfaction, Status, Step
from daiban.matters.models import Deadline, Matter, MatterPetitioner
from daiban.network.models import Agent
from daiban.portal.models import OnlineRating
from daiban.prevention.models import Screening, ScreeningStatus
from daiban.prevention.models.screenings import OPEN_SCREENING_STATUSES
from daiban.regions.models import Level
from daiban.repeats.models import DecisionKind, RepeatDecision

# A direct form: (rows of one region, first day, last day, today) -> the rows the figure counts.
Direct = Callable[[QuerySet, datetime.date, datetime.date, datetime.date], QuerySet]

# Clocks: which deadline decides timely acceptance and on-time completion (see README.md).
ACCEPT_STEPS = (Step.ROUTE,)
COMPLETE_STEPS = (Step.HANDLING, Step.SIMPLIFIED)
# Closures that are themselves an answer to the petitioner (即时答复, 引导告知, 不予受理告知).
ANSWER_CLOSURES = (ClosureKind.ANSWERED, ClosureKind.GUIDED, ClosureKind.NOT_ACCEPTED)
CONTENT_RATINGS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


def _on(field: str, start: datetime.date, end: datetime.date) -> Q:
    """``field`` (a DateTimeField, read as a local date, or a DateField) falls on a day of the period."""
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _day(field: str, start: datetime.date, end: datetime.date) -> Q:
    return _on(f"{field}__date", start, end)


# ------------------------------------------------------------------------------------------ matter rules


def resolved_q() -> Q:
    """化解: confirmed resolved at closure, and no 支持事项 of a 支持 opinion still (partly) unexecuted — a
    supported request is not resolved until it is carried out (art. 32; ``daiban.execution``)."""
    return Q(resolved=True) & ~Q(unexecuted_exists())


def replied_q() -> Q:
    """The petitioner has had an answer: a reply (处理意见/就地答复, ``replied_at``), or a closure that
    is itself an answer (即时答复办结, 引导至法定途径, 不予受理 — each told to the petitioner)."""
    return Q(replied_at__isnull=False) | Q(closure_kind__in=ANSWER_CLOSURES)


def counted_q() -> Q:
    """The matters the statistics count: all but those merged into an earlier matter (并案, ADR 0040) — a
    merged matter is one repeat visit of the earlier matter (counted there when the link was confirmed),
    not a matter taken up, closed or replied to of its own."""
    return ~Q(closure_kind=ClosureKind.MERGED)


def bypass_q() -> Q:
    """越级, not for an accusation, either way (ADR 0040):

    * a first visit: the rule of early warning (d) in ``daiban.prevention.warnings.bypasses`` — arising in a
      village that has an active agent, first registered by a user of the county centre or the city, and
      none of its petitioners had an earlier matter;
    * a confirmed repeat: linked by the agent to an earlier matter that was still in handling at a lower
      level when this one was registered at the county centre or the city (``RepeatDecision.skip_level``,
      decided by ``daiban.repeats.rules.is_skip_level``) — counted on this matter, or, once it was merged
      into the earlier matter (并案), on the earlier matter, the one the statistics still count."""
    own_people = MatterPetitioner.objects.filter(matter_id=OuterRef(OuterRef("pk"))).values("petitioner_id")
    earlier = MatterPetitioner.objects.filter(
        petitioner_id__in=own_people, matter__received_at__lt=OuterRef("received_at")
    )
    first_visit = (
        Q(region__level=Level.VILLAGE, received_by__region__level__in=[Level.COUNTY, Level.CITY])
        & Q(Exists(Agent.objects.filter(region_id=OuterRef("region_id"), is_active=True)))
        & ~Q(Exists(earlier))
    )
    skipped = RepeatDecision.objects.filter(skip_level=True)
    linked = Q(Exists(skipped.filter(matter_id=OuterRef("pk"), kind=DecisionKind.LINK)))
    merged_here = Q(Exists(skipped.filter(candidate_id=OuterRef("pk"), merged_at__isnull=False)))
    return Q(is_accusation=False) & (first_visit | linked | merged_here)


def _with_clock(qs: QuerySet, name: str, steps: tuple[Step, ...], last: bool) -> QuerySet:
    """Annotate ``{name}_due`` and ``{name}_met`` (local day) of the matter's first (or last) clock of
    ``steps``."""
    clocks = Deadline.objects.filter(matter_id=OuterRef("pk"), step__in=steps).order_by(
        "-id" if last else "id"
    )
    return qs.annotate(
        **{
            f"{name}_due": Subquery(clocks.values("due_date")[:1]),
            f"{name}_met": TruncDate(Subquery(clocks.values("met_at")[:1])),
        }
    )


def _clock_forms(name: str, steps: tuple[Step, ...], last: bool) -> tuple[Direct, Direct]:
    """(numerator, denominator) of a clock rate. A clock counts once it is settled: met in time — on the
    day it was met — or not met in time — on its due date, once that day has passed (met late, or still
    unmet after it). A clock still running within its limit is not counted yet."""

    def in_time(start: datetime.date, end: datetime.date) -> Q:
        return Q(**{f"{name}_met__isnull": False, f"{name}_met__lte": F(f"{name}_due")}) & _on(
            f"{name}_met", start, end
        )

    def late(start: datetime.date, end: datetime.date, today: datetime.date) -> Q:
        return (
            (Q(**{f"{name}_met__isnull": True}) | Q(**{f"{name}_met__gt": F(f"{name}_due")}))
            & Q(**{f"{name}_due__lt": today})
            & _on(f"{name}_due", start, end)
        )

    def numerator(qs: QuerySet, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
        return _with_clock(qs, name, steps, last).filter(in_time(start, end))

    def denominator(qs: QuerySet, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
        return _with_clock(qs, name, steps, last).filter(in_time(start, end) | late(start, end, today))

    return numerator, denominator


def _with_ratings(qs: QuerySet) -> QuerySet:
    """Annotate ``svc_rating``/``unit_rating``: the follow-up visit's (回访) rating of the current reply,
    else the petitioner's online rating (网上评价) of that same reply."""
    online = OnlineRating.objects.filter(matter_id=OuterRef("pk"), reply_at=OuterRef("replied_at")).order_by(
        "-rated_at", "-id"
    )
    return qs.annotate(
        svc_rating=Coalesce(
            NullIf(F("service_satisfaction"), Value("")), Subquery(online.values("service")[:1])
        ),
        unit_rating=Coalesce(NullIf(F("unit_satisfaction"), Value("")), Subquery(online.values("unit")[:1])),
    )


# ------------------------------------------------------------------------------------------ definitions


@dataclass(frozen=True)
class CountDef:
    key: str
    label: str
    source: str  # "matter" | "screening" | "live" (not period-bound)
    dated_by: str  # what puts a row in the period
    basis: str
    direct: Direct


@dataclass(frozen=True)
class RateDef:
    key: str
    label: str
    numerator_label: str
    denominator_label: str
    dated_by: str
    basis: str
    numerator: Direct
    denominator: Direct
    # Rollup measures of the two parts (a denominator may be a count's measure, e.g. taken_up).
    numerator_measure: str
    denominator_measure: str


def _taken_up(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
    return qs.filter(_day("received_at", s, e))


def _replied_cohort(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
    return qs.filter(_day("replied_at", s, e))


def _screened(status: list[str] | None) -> Direct:
    def direct(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
        rows = qs.filter(_on("found_on", s, e))
        return rows if status is None else rows.filter(status__in=status)

    return direct


COUNTS: list[CountDef] = [
    CountDef(
        "screened",
        "排查矛盾纠纷",
        "screening",
        "发现日期在期内",
        "矛盾纠纷排查化解工作机制（未诉先办）",
        _screened(None),
    ),
    CountDef(
        "screened_resolved",
        "其中已化解",
        "screening",
        "发现日期在期内，现状态为已化解",
        "矛盾纠纷排查化解工作机制",
        _screened([ScreeningStatus.RESOLVED]),
    ),
    CountDef(
        "screened_open",
        "其中在控、化解中或稳控",
        "screening",
        "发现日期在期内，现仍需跟进",
        "矛盾纠纷排查化解工作机制",
        _screened(list(OPEN_SCREENING_STATUSES)),
    ),
    CountDef(
        "screened_petition",
        "其中转为信访事项",
        "screening",
        "发现日期在期内，已转为信访事项",
        "矛盾纠纷排查化解工作机制",
        _screened([ScreeningStatus.PETITION]),
    ),
    CountDef(
        "screened_transferred",
        "其中移交处理",
        "screening",
        "发现日期在期内，已移交",
        "矛盾纠纷排查化解工作机制",
        _screened([ScreeningStatus.TRANSFERRED]),
    ),
    CountDef(
        "taken_up",
        "受理事项",
        "matter",
        "受理登记时间在期内",
        "《信访工作条例》第二十一条（登记）",
        _taken_up,
    ),
    CountDef(
        "closed",
        "办结事项",
        "matter",
        "办结时间在期内",
        "《信访工作条例》第三十二条、第三十三条",
        lambda qs, s, e, t: qs.filter(_day("closed_at", s, e)),
    ),
    CountDef(
        "resolved",
        "其中已化解",
        "matter",
        "办结时间在期内，办结时确认矛盾已化解，且支持意见已落实",
        "案结事了（化解与办结分列）；《信访工作条例》第三十二条（支持意见落实）",
        lambda qs, s, e, t: qs.filter(_day("closed_at", s, e)).filter(resolved_q()),
    ),
    CountDef(
        "closed_unresolved",
        "其中办结未化解",
        "matter",
        "办结时间在期内，未确认化解或支持意见尚未落实",
        "案结事了（化解与办结分列）",
        lambda qs, s, e, t: qs.filter(_day("closed_at", s, e)).exclude(resolved_q()),
    ),
    CountDef(
        "replied",
        "已答复事项",
        "matter",
        "答复时间在期内；没有答复记录的即时答复、引导、不予受理，以办结时间计",
        "《信访工作条例》第三十二条（书面答复）、第三十条（不予受理告知）",
        lambda qs, s, e, t: qs.filter(
            _day("replied_at", s, e)
            | Q(replied_at__isnull=True, closure_kind__in=ANSWER_CLOSURES) & _day("closed_at", s, e)
        ),
    ),
    CountDef(
        "overdue_open",
        "当前超期未办结",
        "live",
        "不分期间：现仍在办、当前期限已过（按今天计）",
        "《信访工作条例》第三十四条（办理期限）",
        lambda qs, s, e, t: qs.exclude(status=Status.CLOSED).filter(due_date__lt=t),
    ),
]

_accept_num, _accept_den = _clock_forms("acc", ACCEPT_STEPS, last=False)
_complete_num, _complete_den = _clock_forms("done", COMPLETE_STEPS, last=True)


def _rated(field: str, content: bool) -> Direct:
    def direct(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
        rows = _with_ratings(_replied_cohort(qs, s, e, t)).filter(**{f"{field}__isnull": False})
        return rows.filter(**{f"{field}__in": CONTENT_RATINGS}) if content else rows

    return direct


def _participated(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
    return _with_ratings(_replied_cohort(qs, s, e, t)).filter(
        Q(svc_rating__isnull=False) | Q(unit_rating__isnull=False)
    )


def _cohort(cond: Callable[[], Q]) -> Direct:
    def direct(qs: QuerySet, s: datetime.date, e: datetime.date, t: datetime.date) -> QuerySet:
        return _taken_up(qs, s, e, t).filter(cond())

    return direct


RATES: list[RateDef] = [
    RateDef(
        "timely_acceptance",
        "及时受理率",
        "按期分流受理的事项",
        "应分流受理的事项",
        "登记后的分流时限（15 日）按期完成的，以完成日计；逾期的，以截止日计（截止日过后才计入）",
        "《信访工作条例》第二十一条：收到信访事项后 15 日内分别按规定方式处理",
        _accept_num,
        _accept_den,
        "timely_acceptance.num",
        "timely_acceptance.den",
    ),
    RateDef(
        "on_time_completion",
        "按期办结率",
        "按期答复的事项",
        "办理期限届满或已答复的事项",
        "最后一个办理时限（60 日，延期最多 30 日；简易办理 10 个工作日）按期完成的，以完成日计；"
        "逾期的，以截止日计",
        "《信访工作条例》第三十四条（60 日，经批准可延长不超过 30 日）及简易办理规定",
        _complete_num,
        _complete_den,
        "on_time_completion.num",
        "on_time_completion.den",
    ),
    RateDef(
        "reply",
        "回复率",
        "已答复的事项",
        "受理事项",
        "受理登记时间在期内（该期受理的事项中，已经答复的比例）",
        "《信访工作条例》第三十二条：书面答复信访人",
        _cohort(replied_q),
        _taken_up,
        "reply.num",
        "taken_up",
    ),
    RateDef(
        "service_satisfaction",
        "满意率（代办服务）",
        "评价满意或基本满意的事项",
        "对代办服务作出评价的事项",
        "答复时间在期内（评价的是该次答复）；回访评价优先，没有回访评价的取网上评价",
        "代办工作满意度评价（回访与网上评价）",
        _rated("svc_rating", True),
        _rated("svc_rating", False),
        "service_satisfaction.num",
        "service_satisfaction.den",
    ),
    RateDef(
        "unit_satisfaction",
        "满意率（办理单位）",
        "评价满意或基本满意的事项",
        "对办理单位作出评价的事项",
        "答复时间在期内；回访评价优先，没有回访评价的取网上评价",
        "《信访工作条例》第三十二条及信访事项办理满意度评价",
        _rated("unit_rating", True),
        _rated("unit_rating", False),
        "unit_satisfaction.num",
        "unit_satisfaction.den",
    ),
    RateDef(
        "participation",
        "参评率",
        "已评价的事项",
        "已答复、可以评价的事项",
        "答复时间在期内；回访或网上评价任一即为已评价",
        "信访事项办理满意度评价",
        _participated,
        _replied_cohort,
        "participation.num",
        "participation.den",
    ),
    RateDef(
        "repeat",
        "重复信访率",
        "有重复来访的事项",
        "受理事项",
        "受理登记时间在期内（该期受理的事项中，同一事项又来访的比例）",
        "《信访工作条例》第十九条（重复信访）；按事项计，便于逐件查看",
        _cohort(lambda: Q(repeat_visits__gt=0)),
        _taken_up,
        "repeat.num",
        "taken_up",
    ),
    RateDef(
        "resolution",
        "化解率",
        "已化解的事项",
        "受理事项",
        "受理登记时间在期内（该期受理的事项中，已化解的比例）",
        "案结事了：办结时确认矛盾已化解，且支持意见已落实（第三十二条）",
        _cohort(resolved_q),
        _taken_up,
        "resolution.num",
        "taken_up",
    ),
    RateDef(
        "skip_level",
        "越级率",
        "越级反映的事项",
        "受理事项",
        "受理登记时间在期内；越级规则与预警（d）相同",
        "逐级走访（《信访工作条例》第二十条）；问题发生地设有代办员，信访人首次反映即到县级代办中心或市级",
        _cohort(bypass_q),
        _taken_up,
        "skip_level.num",
        "taken_up",
    ),
]

COUNTS_BY_KEY = {c.key: c for c in COUNTS}
RATES_BY_KEY = {r.key: r for r in RATES}

# Breakdowns of the matters taken up: dimension prefix -> (Matter field, choices).
BREAKDOWNS: dict[str, tuple[str, type[models.TextChoices]]] = {
    "channel": ("channel", Channel),
    "category": ("category", Category),
    "purpose": ("purpose", Purpose),
}


def breakdown_direct(qs: QuerySet, dim: str, start: datetime.date, end: datetime.date) -> QuerySet:
    """Matters taken up in the period with breakdown ``dim`` ("channel:window")."""
    prefix, _, value = dim.partition(":")
    field, _choices = BREAKDOWNS[prefix]
    return qs.filter(_day("received_at", start, end), **{field: value})


def screening_rows() -> QuerySet[Screening]:
    return Screening.objects.all()


def matter_rows() -> QuerySet[Matter]:
    return Matter.objects.filter(counted_q())

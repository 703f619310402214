"""The failures the 信访工作条例 names (arts. 42(4), 43–45), computed from the data: who may read them, per
level counts, the matters behind each count, and the failures of one matter with the party responsible.

Four kinds are statutory clocks (``Deadline`` rows) that ran out: still open after their due date, or met
after it. The year of a failure is the year its clock fell due, so the period filter is a range on the
indexed ``due_date``; the matters are an equality on their scope column (``matter_region_q``), the same
index ranges as the matter lists. The fifth kind, 支持 not carried out, is execution's
``overdue_unexecuted`` (what is overdue today; it has no year).

Nothing here loops over matters in Python: each count is one grouped query per kind over the reader's
subtree, and each list a bounded page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When

from daiban.accountability.models import CorrectionOrder, FailureKind, OrderStatus
from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.execution.selectors import overdue_unexecuted
from daiban.matters.choices import Step, TaskRole
from daiban.matters.models import Deadline, Matter, Review, UnitTask, office_label
from daiban.matters.selectors import matter_region_q, matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.network.models import ResponsibleUnit
from daiban.regions import geometry
from daiban.regions.models import Level, Region
from daiban.supervision.selectors import region_q

# Who reads the accountability page: the network's centres and stations (a township its own subtree).
READER_ROLES = {Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_ADMIN}
# Who may order a correction: the same staff, as the superior of the responsible level or unit.
ORDER_ROLES = READER_ROLES

HANDLING_STEPS = (Step.HANDLING, Step.SIMPLIFIED, Step.REVIEW_HANDLING, Step.REEXAM_HANDLING)
REVIEW_OF_STEP = {Step.REVIEW_HANDLING: "review", Step.REEXAM_HANDLING: "reexam"}

# Counts stop here ("999+"), like the matter lists' queues.
COUNT_CAP = 999
PAGE_SIZE = 25
MAX_PAGES = 40  # 40 × 25 = 1,000 rows: a list never pages past the capped count


def _late(today: datetime.date) -> Q:
    """A clock that ran out: still open after its due date, or met on a later day."""
    return Q(is_open=True, due_date__lt=today) | Q(is_open=False, met_at__date__gt=F("due_date"))


# The clock kinds: which Deadline rows are failures of the kind (as of ``today``).
CLOCK_KINDS: dict[str, Callable[[datetime.date], Q]] = {
    # Art. 22/43: the office registers and transfers or assigns within 15 days (the route clock runs
    # from registration until the matter is routed, handled locally or disposed of).
    FailureKind.ROUTE_LATE: lambda today: Q(step=Step.ROUTE) & _late(today),
    # Art. 23/44(2): the unit a matter was assigned to has not accepted it within 15 days.
    FailureKind.NOT_ACCEPTED: lambda today: Q(step=Step.ACCEPT_NOTICE, is_open=True, due_date__lt=today),
    # Art. 23/44(3): it accepted, but told the petitioner in writing after the 15 days.
    FailureKind.NOTICE_LATE: lambda today: Q(
        step=Step.ACCEPT_NOTICE, is_open=False, task__accepted_at__date__gt=F("due_date")
    ),
    # Art. 34–36/45(1): not finished within 60 (+30) days, the simplified limit, or a review's 30 days.
    FailureKind.HANDLING_LATE: lambda today: Q(step__in=HANDLING_STEPS) & _late(today),
}

ARTICLES: dict[str, str] = {
    FailureKind.ROUTE_LATE: "第二十二条、第四十三条",
    FailureKind.NOT_ACCEPTED: "第二十三条、第四十四条第（二）项",
    FailureKind.NOTICE_LATE: "第二十三条、第四十四条第（三）项",
    FailureKind.HANDLING_LATE: "第三十四条至第三十六条、第四十五条第（一）项",
    FailureKind.SUPPORT_UNEXECUTED: "第三十二条、第四十二条第（四）项",
}


# ------------------------------------------------------------------------------------------- readers


def can_read(user: object) -> bool:
    return isinstance(user, User) and scope_path(user) is not None and user.role in READER_ROLES


def years(today: datetime.date) -> list[int]:
    """The years offered by the period filter: from the regulation's entry into force (2022) to now."""
    return list(range(today.year, 2021, -1))


def region_for(user: User, region_id: int | None) -> Region | None:
    """The region a page is about: the reader's own, or one inside it (None: outside scope or missing)."""
    path = scope_path(user)
    if region_id is None:
        return Region.objects.filter(pk=user.region_id).first() if user.region_id else None
    region = Region.objects.filter(pk=region_id).first()
    if region is None or not geometry.contains(path, region.path):
        return None
    return region


def _year_q(year: int | None) -> Q:
    if year is None:
        return Q()
    return Q(due_date__gte=datetime.date(year, 1, 1), due_date__lte=datetime.date(year, 12, 31))


def failing_matters(
    user: User, kind: str, region: Region, year: int | None, today: datetime.date
) -> QuerySet[Matter]:
    """The matters of ``region``'s subtree the reader may open that show failure ``kind`` (in ``year``)."""
    scoped = matters_for(user).filter(matter_region_q(region.path, region.pk))
    if kind == FailureKind.SUPPORT_UNEXECUTED:
        return overdue_unexecuted(user, today).filter(pk__in=scoped.values("pk"))
    clocks = Deadline.objects.filter(CLOCK_KINDS[kind](today), _year_q(year)).values("matter_id")
    return scoped.filter(pk__in=clocks)


def failing_clocks(kind: str, matter_ids: list[int], today: datetime.date) -> dict[int, Deadline]:
    """The latest failing clock of ``kind`` of each matter (one query for a page of matters)."""
    if kind not in CLOCK_KINDS or not matter_ids:
        return {}
    found: dict[int, Deadline] = {}
    rows = Deadline.objects.filter(CLOCK_KINDS[kind](today), matter_id__in=matter_ids).order_by(
        "matter_id", "-due_date", "-id"
    )
    for d in rows:
        found.setdefault(d.matter_id, d)
    return found


# ---------------------------------------------------------------------------------------- per level


@dataclass
class LevelRow:
    region: Region
    is_total: bool
    counts: dict[str, int] = field(default_factory=dict)

    def shown(self, kind: str) -> str:
        n = self.counts.get(kind, 0)
        return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def _group_column(region: Region) -> str | None:
    """The matter column that names the child of ``region`` a matter arises in (None for a village)."""
    depth = len(geometry.codes(region.path))
    if depth == Level.CITY:
        return "scope_county"
    if depth == Level.COUNTY:
        return "scope_township"
    if depth == Level.TOWNSHIP:
        return "region_id"
    return None


def level_rows(user: User, region: Region, year: int | None, today: datetime.date) -> list[LevelRow]:
    """The region's row (its whole subtree) and one row per child region, each with the count of matters
    of each kind: one grouped query per kind."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    column = _group_column(region)
    total = LevelRow(region, True)
    rows = {c.pk: LevelRow(c, False) for c in children}
    key_of = {(c.pk if column == "region_id" else c.code): c.pk for c in children}
    for kind in FailureKind.values:
        qs = failing_matters(user, kind, region, year, today).order_by()
        if column is None:
            total.counts[kind] = qs.count()
            continue
        n_total = 0
        for group, n in qs.values_list(column).annotate(n=Count("pk")).values_list(column, "n"):
            n_total += n
            child = key_of.get(group)
            if child is not None:
                rows[child].counts[kind] = n
        total.counts[kind] = n_total
    return [total, *rows.values()]


# ---------------------------------------------------------------------------------- one matter's own


@dataclass(frozen=True)
class Finding:
    """A failure of one matter and the party responsible for it (a unit, or a network level)."""

    kind: str
    unit: ResponsibleUnit | None
    region: Region | None
    deadline: Deadline | None = None

    @property
    def label(self) -> str:
        return FailureKind(self.kind).label

    @property
    def party(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return office_label(self.region) if self.region is not None else "—"

    @property
    def choice_label(self) -> str:
        due = f"（期限 {self.deadline.due_date:%Y-%m-%d}）" if self.deadline is not None else ""
        return f"{self.label}{due} · 责任方：{self.party}"


def _lead_unit(matter: Matter) -> ResponsibleUnit | None:
    task = (
        UnitTask.objects.filter(matter=matter, role=TaskRole.LEAD, accepted_at__isnull=False)
        .select_related("unit")
        .order_by("-accepted_at", "-id")
        .first()
    )
    return task.unit if task is not None else None


def _holding_level(matter: Matter) -> Region:
    return matter.holder_region or matter.region


def _responsible(
    kind: str, matter: Matter, d: Deadline | None
) -> tuple[ResponsibleUnit | None, Region | None]:
    if kind == FailureKind.SUPPORT_UNEXECUTED:
        unit = _lead_unit(matter)
        return (unit, None) if unit is not None else (None, _holding_level(matter))
    assert d is not None
    if d.task_id is not None and d.task is not None:
        return d.task.unit, None
    if kind == FailureKind.ROUTE_LATE and not d.is_open:
        # Met late: the level that routed it (the task sent from there after the clock started).
        sent = (
            UnitTask.objects.filter(matter=matter, assigned_at__date__gte=d.started_on)
            .select_related("sent_from")
            .order_by("assigned_at", "id")
            .first()
        )
        if sent is not None:
            return None, sent.sent_from
    if d.step in REVIEW_OF_STEP:
        review = Review.objects.filter(matter=matter, kind=REVIEW_OF_STEP[Step(d.step)]).first()
        if review is not None and review.unit_id is not None:
            return review.unit, None
    return None, _holding_level(matter)


def findings(user: User, matter: Matter, today: datetime.date) -> list[Finding]:
    """The failures of ``matter`` (any year), each with its responsible party: the latest failing clock of
    each clock kind, and 支持 not carried out when execution reports it overdue. Two queries (kept on the
    matter instance for the rest of the request: the button's rule and the page's section both ask)."""
    memo_key = (user.pk, matter.version, today)
    memo: dict[tuple[object, ...], list[Finding]] = matter.__dict__.setdefault("_accountability_findings", {})
    if memo_key in memo:
        return memo[memo_key]
    found: list[Finding] = []
    clocks = failing_clocks_of_matter(matter, today)
    for kind in FailureKind.values:
        if kind == FailureKind.SUPPORT_UNEXECUTED:
            if overdue_unexecuted(user, today).filter(pk=matter.pk).exists():
                unit, region = _responsible(kind, matter, None)
                found.append(Finding(kind, unit, region))
            continue
        d = clocks.get(kind)
        if d is not None:
            unit, region = _responsible(kind, matter, d)
            found.append(Finding(kind, unit, region, d))
    memo[memo_key] = found
    return found


def failing_clocks_of_matter(matter: Matter, today: datetime.date) -> dict[str, Deadline]:
    """The latest failing clock of each clock kind of one matter, in one query: each clock is labelled
    with the kind it fails as (the kinds are disjoint: by step, and for the acceptance clock by open/met)."""
    label = Case(
        *(
            When(make(today), then=Value(kind, output_field=CharField()))
            for kind, make in CLOCK_KINDS.items()
        ),
        default=None,
    )
    rows = (
        Deadline.objects.filter(matter=matter)
        .annotate(failure=label)
        .exclude(failure=None)
        .select_related("task__unit")
        .order_by("-due_date", "-id")
    )
    out: dict[str, Deadline] = {}
    for d in rows:
        out.setdefault(d.failure, d)
    return out


def is_superior(user: User, finding: Finding) -> bool:
    """Whether ``user`` is a superior of the responsible party: for a unit, the staff of the unit's level
    or above (the centre that assigned it acts for its level, as in 督办); for a network level, the staff
    of a level strictly above it."""
    path = scope_path(user)
    if path is None or user.role not in ORDER_ROLES:
        return False
    if finding.unit is not None:
        return geometry.contains(path, finding.unit.region_path)
    if finding.region is not None:
        return geometry.strictly_contains(path, finding.region.path)
    return False


def pending_kinds(matter: Matter) -> set[str]:
    return set(
        CorrectionOrder.objects.filter(matter=matter, status=OrderStatus.PENDING).values_list(
            "failure", flat=True
        )
    )


def orderable(user: User, matter: Matter, today: datetime.date) -> list[Finding]:
    """The failures of ``matter`` that ``user`` may order corrected now: present, the user a superior of
    the party responsible, and no correction of the same failure still pending."""
    if user.role not in ORDER_ROLES or scope_path(user) is None:
        return []
    pending = pending_kinds(matter)
    return [f for f in findings(user, matter, today) if f.kind not in pending and is_superior(user, f)]


# ------------------------------------------------------------------------------------------- orders


def orders_for(user: User) -> QuerySet[CorrectionOrder]:
    """The orders ``user`` may read: a unit handler those addressed to its unit; the network's staff
    those on the matters of their subtree they may open (those addressed to their own level included)."""
    path = scope_path(user)
    if path is None:
        return CorrectionOrder.objects.filter(NOTHING)
    visible = matters_for(user).values("pk")
    if user.role == Role.UNIT_HANDLER:
        if not user.unit_id:
            return CorrectionOrder.objects.filter(NOTHING)
        return CorrectionOrder.objects.filter(to_unit_id=user.unit_id, matter_id__in=visible)
    if user.role in AGENT_ROLES or user.role == Role.CITY_ADMIN:
        if user.role in (Role.COUNTY_STAFF, Role.CITY_ADMIN):
            return CorrectionOrder.objects.filter(region_q(path))
        return CorrectionOrder.objects.filter(region_q(path), matter_id__in=visible)
    return CorrectionOrder.objects.filter(NOTHING)


def can_read_orders(user: object) -> bool:
    return (
        isinstance(user, User)
        and scope_path(user) is not None
        and (user.role in AGENT_ROLES or user.role in (Role.CITY_ADMIN, Role.UNIT_HANDLER))
    )


def may_report(user: User, order: CorrectionOrder) -> bool:
    """The ordered party records its correction: the unit's handlers, or the staff of the level."""
    if order.to_unit_id is not None:
        return user.role == Role.UNIT_HANDLER and user.unit_id == order.to_unit_id
    return user.role in AGENT_ROLES and user.region_id == order.to_region_id

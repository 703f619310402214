"""The one calendar module: every statutory deadline is computed, and explained, here.

Rules (信访工作条例 2022, domain.md §3):

* the day of the starting event is not counted;
* calendar-day limits (自然日) end ``length`` days after the start; if that day is not a working day the
  limit ends on the next working day;
* working-day limits (工作日) count only working days after the start: holidays are skipped, weekend days
  made working days by the State Council (调休上班) count;
* a span that the law says is not counted (e.g. hearing time 听证 in re-examination) moves the clock on by
  that many calendar days (``excluded_days``).

A deadline that looked at any day of a year without a known schedule is *provisional* (暂定) and says so,
and how that year's days were guessed (the holidays the holiday law fixes, see
:func:`daiban.workcal.schedule.statutory_holidays`; Monday–Friday for a year before the built-in data).

The functions here read only this app's tables (through a per-process cache, see
:mod:`daiban.workcal.schedule`) and never a matter: the matters app calls them and stores the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings

from daiban.workcal.hooks import (
    ScheduleChangeCallback,
    notify_schedule_change,
    on_schedule_change,
    remove_schedule_change_callback,
)
from daiban.workcal.models import WEEKDAY_NAMES, DueStatus, TimeUnit
from daiban.workcal.schedule import (
    DayInfo,
    Guess,
    LimitSpec,
    Schedule,
    clear_cache,
    current_limits,
    current_schedule,
    unknown_year_guess,
)

__all__ = [
    "EXTENSION_LIMITS",
    "DayInfo",
    "DayStep",
    "Deadline",
    "DueStatus",
    "LimitSpec",
    "Schedule",
    "ScheduleChangeCallback",
    "TimeLimitError",
    "TimeUnit",
    "add_period",
    "clear_cache",
    "day_info",
    "deadline_for",
    "due_status",
    "is_year_known",
    "notify_schedule_change",
    "on_schedule_change",
    "remove_schedule_change_callback",
    "time_limit",
]

# A limit that may be extended -> the limit that caps the extension (信访工作条例第三十四条).
EXTENSION_LIMITS: Mapping[str, str] = {"handling": "extension"}

# No real schedule has this many non-working days in a row; reaching it means the entered data is wrong.
_MAX_NON_WORKING_RUN = 60


class TimeLimitError(LookupError):
    """The requested time limit is not configured or has been switched off."""


@dataclass(frozen=True)
class DayStep:
    """One day the computation looked at.

    For working-day limits: every day after the start up to the due date, ``counted`` for the working days.
    For calendar-day limits: the nominal last day and any days it was moved over; ``counted`` marks the due
    date.
    """

    day: date
    is_workday: bool
    known: bool
    name: str
    counted: bool


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and how it was reached.

    ``provisional`` is True when a day inspected lies in a year whose official schedule is not known
    (``unknown_years``); the explanation then says how those days were guessed.

    ``length`` days are counted from ``start``. For an extended limit (:func:`deadline_for` with
    ``extra_days``) ``length`` is the original limit, ``original_due`` its due date, and ``extra_days`` are
    counted from ``original_due`` to ``due``; ``steps`` then hold the days of both counts.
    """

    start: date
    length: int
    unit: str
    due: date
    provisional: bool
    explanation: str
    steps: tuple[DayStep, ...] = ()
    excluded_days: int = 0
    unknown_years: tuple[int, ...] = ()
    limit_key: str = ""
    extra_days: int = 0
    original_due: date | None = None

    def status(self, today: date, due_soon_days: int | None = None) -> DueStatus:
        return due_status(self.due, today, due_soon_days)


# --- day lookups -------------------------------------------------------------------------------------


def day_info(d: date) -> DayInfo:
    """Whether ``d`` is a working day, whether that is known from an official schedule, and its name."""
    return current_schedule().day_info(d)


def is_year_known(year: int) -> bool:
    """True when ``year``'s official schedule is entered by an administrator or built in."""
    return current_schedule().is_year_known(year)


def time_limit(key: str) -> LimitSpec:
    """The active time limit ``key``; raises :class:`TimeLimitError` if missing or inactive."""
    spec = current_limits().get(key)
    if spec is None:
        raise TimeLimitError(f"未配置时限“{key}”，请在“法定时限”中添加")
    if not spec.is_active:
        raise TimeLimitError(f"时限“{spec.name}”（{key}）已停用")
    return spec


# --- formatting --------------------------------------------------------------------------------------


def _weekday(d: date) -> str:
    return WEEKDAY_NAMES[d.weekday()]


def _describe(d: date, info: DayInfo) -> str:
    """E.g. "2026-10-01（国庆节，非工作日）", "2026-09-20（周日，国庆节调休上班）", "2026-09-16（周三）";
    a holiday guessed for a year without a schedule: "2027-10-01（国庆节，暂定非工作日）"."""
    if not info.is_workday:
        if info.name and not info.known:
            return f"{d.isoformat()}（{info.name}，暂定非工作日）"
        return f"{d.isoformat()}（{info.name or _weekday(d)}，非工作日）"
    if info.name:
        return f"{d.isoformat()}（{_weekday(d)}，{info.name}）"
    return f"{d.isoformat()}（{_weekday(d)}）"


def _skipped_summary(steps: Sequence[DayStep]) -> str:
    """Named non-working days as date ranges, plain weekends as a count."""
    runs: list[tuple[date, date, str]] = []
    plain_weekend = 0
    for step in steps:
        if step.is_workday:
            continue
        name = step.name or ("" if step.day.weekday() >= 5 else "放假")
        if not name:
            plain_weekend += 1
            continue
        if runs and runs[-1][2] == name and runs[-1][1] + timedelta(days=1) == step.day:
            runs[-1] = (runs[-1][0], step.day, name)
        else:
            runs.append((step.day, step.day, name))
    parts = [
        f"{a.isoformat()}（{name}）" if a == b else f"{a.isoformat()} 至 {b.isoformat()}（{name}）"
        for a, b, name in runs
    ]
    if plain_weekend:
        parts.append(f"周末 {plain_weekend} 天")
    return "、".join(parts)


_GUESS_TEXT = {
    Guess.EARLIER: "{years} 年：早于内置安排，按周一至周五为工作日推算",
    Guess.STATUTORY: "{years} 年节假日安排尚未公布或尚未录入，按《全国年节及纪念日放假办法》规定的法定节假日"
    "和周末推算（未计调休上班和补假）",
    Guess.WEEKDAYS: "{years} 年节假日安排尚未公布或尚未录入，按周一至周五为工作日推算",
}


def _provisional_note(years: Sequence[int]) -> str:
    """E.g. "（2027 年节假日安排尚未公布或尚未录入，按…推算（未计调休上班和补假），仅供参考）"."""
    by_guess: dict[Guess, list[int]] = {}
    for year in years:
        by_guess.setdefault(unknown_year_guess(year), []).append(year)
    parts = [
        _GUESS_TEXT[guess].format(years="、".join(str(y) for y in listed))
        for guess, listed in by_guess.items()
    ]
    return f"（{'；'.join(parts)}，仅供参考）"


# --- computation -------------------------------------------------------------------------------------


def _validate(length: int, unit: str, excluded_days: int) -> None:
    if unit not in TimeUnit.values:
        raise ValueError(f"未知的计算单位：{unit}（应为 {'、'.join(TimeUnit.values)}）")
    if length < 1:
        raise ValueError(f"期限须至少为 1 天，收到 {length}")
    if excluded_days < 0:
        raise ValueError(f"不计入期限的天数不能为负数，收到 {excluded_days}")


@dataclass(frozen=True)
class _Count:
    """One counted period: its due date, the days looked at, and the sentence that explains it."""

    due: date
    steps: tuple[DayStep, ...]
    text: str


def _count(
    start: date,
    length: int,
    unit: str,
    excluded_days: int,
    start_label: str,
    sched: Schedule,
    *,
    due_label: str = "截止日",
) -> _Count:
    """Count ``length`` days after ``start`` (see :func:`add_period`); ``due_label`` names the result."""
    clock_start = start + timedelta(days=excluded_days)

    opening = (
        f"{start.isoformat()}（{start_label}，当日不计）"
        if start_label
        else f"{start.isoformat()} 起算（当日不计）"
    )
    if excluded_days:
        opening += (
            f"，其间 {excluded_days} 日不计入期限（如听证时间），起算日相应后移至 {clock_start.isoformat()}"
        )

    steps: list[DayStep] = []
    if unit == TimeUnit.CALENDAR_DAYS:
        nominal = clock_start + timedelta(days=length)
        d = nominal
        info = sched.day_info(d)
        while not info.is_workday:
            steps.append(DayStep(d, info.is_workday, info.known, info.name, counted=False))
            if len(steps) > _MAX_NON_WORKING_RUN:
                raise ValueError(
                    f"{nominal.isoformat()} 起连续 {_MAX_NON_WORKING_RUN} 天均非工作日，请检查节假日安排"
                )
            d += timedelta(days=1)
            info = sched.day_info(d)
        steps.append(DayStep(d, info.is_workday, info.known, info.name, counted=True))
        due = d
        body = f"，加 {length} 个自然日为 {_describe(nominal, sched.day_info(nominal))}"
        if due == nominal:
            body += f"，即为{due_label}。"
        elif due_label == "截止日":
            body += f"，顺延至下一个工作日 {_describe(due, info)}。"
        else:
            body += f"，顺延至下一个工作日 {_describe(due, info)}，即{due_label}。"
    else:
        d = clock_start
        counted = 0
        run = 0
        while counted < length:
            d += timedelta(days=1)
            info = sched.day_info(d)
            if info.is_workday:
                counted += 1
                run = 0
            else:
                run += 1
                if run > _MAX_NON_WORKING_RUN:
                    raise ValueError(
                        f"{d.isoformat()} 前连续 {_MAX_NON_WORKING_RUN} 天均非工作日，请检查节假日安排"
                    )
            steps.append(DayStep(d, info.is_workday, info.known, info.name, counted=info.is_workday))
        due = d
        body = f"，自次日起数 {length} 个工作日，{due_label}为 {_describe(due, sched.day_info(due))}。"
        skipped = _skipped_summary(steps)
        if skipped:
            body += f"其间跳过非工作日：{skipped}。"
        makeup = [s.day for s in steps if s.is_workday and s.day.weekday() >= 5]
        if makeup:
            listed = "、".join(f"{m.isoformat()}（{_weekday(m)}）" for m in makeup)
            body += f"调休上班日 {listed}计为工作日。"
    return _Count(due=due, steps=tuple(steps), text=opening + body)


def _unknown_years(steps: Sequence[DayStep]) -> tuple[int, ...]:
    return tuple(sorted({s.day.year for s in steps if not s.known}))


def add_period(
    start: date,
    length: int,
    unit: str,
    excluded_days: int = 0,
    *,
    start_label: str = "",
    schedule: Schedule | None = None,
) -> Deadline:
    """The deadline ``length`` calendar or working days (``unit``, a :class:`TimeUnit`) after ``start``.

    ``excluded_days`` calendar days are not counted (e.g. hearing time): the clock starts that much later.
    ``start_label`` names the starting event in the explanation (e.g. "受理之日"). ``schedule`` defaults to
    the current (cached) schedule; pass ``Schedule()`` to compute from the built-in data alone. Never raises
    for a year without a schedule: the result is then provisional.
    """
    _validate(length, unit, excluded_days)
    sched = schedule if schedule is not None else current_schedule()
    counted = _count(start, length, unit, excluded_days, start_label, sched)
    unknown_years = _unknown_years(counted.steps)
    explanation = counted.text
    if unknown_years:
        explanation += _provisional_note(unknown_years)
    return Deadline(
        start=start,
        length=length,
        unit=unit,
        due=counted.due,
        provisional=bool(unknown_years),
        explanation=explanation,
        steps=counted.steps,
        excluded_days=excluded_days,
        unknown_years=unknown_years,
    )


def _basis(spec: LimitSpec) -> str:
    if not spec.article:
        return ""
    if spec.article.startswith("第"):
        return f"依《信访工作条例》{spec.article}，"
    return f"依{spec.article}，"


def deadline_for(
    key: str,
    start: date,
    extra_days: int = 0,
    *,
    excluded_days: int = 0,
    schedule: Schedule | None = None,
) -> Deadline:
    """The deadline of the configured time limit ``key`` whose clock starts at ``start``.

    ``extra_days`` is an approved extension (延期). For a limit in :data:`EXTENSION_LIMITS` it may not exceed
    the configured cap, and it is counted as that cap says (unit and start event; by default 30 calendar
    days from 原办理期限届满之日, art. 34): first the original limit from ``start`` (moved to a working day as
    usual), then the extension from that original due date, moved again if it ends on a non-working day.
    So handling accepted 2026-08-02 ends 2026-10-08 (after National Day) and, extended by 30 days, on
    2026-11-09 — not 90 days after acceptance. For any other limit ``extra_days`` simply lengthens it.
    ``excluded_days`` as in :func:`add_period` (it moves the original clock). Raises
    :class:`TimeLimitError` for an unknown or inactive key, ``ValueError`` for an extension over the cap.
    """
    spec = time_limit(key)
    if extra_days < 0:
        raise ValueError(f"延长天数不能为负数，收到 {extra_days}")
    unit_label = TimeUnit(spec.unit).label
    header = f"{spec.name}：{_basis(spec)}自{spec.start_event}起 {spec.length} 个{unit_label}"
    if extra_days and key in EXTENSION_LIMITS:
        cap = time_limit(EXTENSION_LIMITS[key])
        cap_unit_label = TimeUnit(cap.unit).label
        if extra_days > cap.length:
            raise ValueError(f"{spec.name}延长不得超过 {cap.length} 个{cap_unit_label}，收到 {extra_days}")
        return _extended(spec, cap, start, extra_days, excluded_days, schedule, header)
    total = spec.length + extra_days
    deadline = add_period(
        start, total, spec.unit, excluded_days, start_label=spec.start_event, schedule=schedule
    )
    if extra_days:
        header += f"，经批准延长 {extra_days} 个{unit_label}，共 {total} 个{unit_label}"
    return replace(deadline, explanation=f"{header}。{deadline.explanation}", limit_key=key)


def _extended(
    spec: LimitSpec,
    cap: LimitSpec,
    start: date,
    extra_days: int,
    excluded_days: int,
    schedule: Schedule | None,
    header: str,
) -> Deadline:
    """An extended limit: the original period, then the extension counted from its (moved) due date."""
    _validate(spec.length, spec.unit, excluded_days)
    _validate(extra_days, cap.unit, 0)
    sched = schedule if schedule is not None else current_schedule()
    original = _count(
        start, spec.length, spec.unit, excluded_days, spec.start_event, sched, due_label=cap.start_event
    )
    extension = _count(original.due, extra_days, cap.unit, 0, cap.start_event, sched)
    cap_unit_label = TimeUnit(cap.unit).label
    header += (
        f"，经批准延长 {extra_days} 个{cap_unit_label}（{_basis(cap)}自{cap.start_event}起算，"
        f"最长 {cap.length} 个{cap_unit_label}）"
    )
    steps = original.steps + extension.steps
    unknown_years = _unknown_years(steps)
    explanation = f"{header}。原期限：{original.text}延长期限：{extension.text}"
    if unknown_years:
        explanation += _provisional_note(unknown_years)
    return Deadline(
        start=start,
        length=spec.length,
        unit=spec.unit,
        due=extension.due,
        provisional=bool(unknown_years),
        explanation=explanation,
        steps=steps,
        excluded_days=excluded_days,
        unknown_years=unknown_years,
        limit_key=spec.key,
        extra_days=extra_days,
        original_due=original.due,
    )


def due_status(due: date, today: date, due_soon_days: int | None = None) -> DueStatus:
    """正常 / 临期 / 超期 for a deadline ``due`` seen on ``today``.

    Overdue (超期) once ``today`` is after ``due`` (the due date itself is still in time). Due soon (临期)
    when at most ``due_soon_days`` *calendar* days remain, the due date included: with 3, from three days
    before the due date. Calendar days because the warning is about how much time is left to act, and a
    holiday before the deadline shortens it. Defaults to ``settings.DUE_SOON_DAYS``.
    """
    window = settings.DUE_SOON_DAYS if due_soon_days is None else due_soon_days
    if window < 0:
        raise ValueError(f"临期天数不能为负数，收到 {window}")
    if today > due:
        return DueStatus.OVERDUE
    if (due - today).days <= window:
        return DueStatus.DUE_SOON
    return DueStatus.NORMAL

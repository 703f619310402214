"""due_status: 正常 / 临期 / 超期 at the boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from daiban.workcal.calendar import DueStatus, add_period, due_status

DUE = date(2026, 10, 8)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 4), DueStatus.NORMAL),  # 4 days left
        (date(2026, 10, 5), DueStatus.DUE_SOON),  # 3 days left
        (date(2026, 10, 8), DueStatus.DUE_SOON),  # the due date itself is still in time
        (date(2026, 10, 9), DueStatus.OVERDUE),
        (date(2027, 1, 1), DueStatus.OVERDUE),
    ],
)
def test_boundaries_with_the_default_window(today: date, expected: DueStatus) -> None:
    assert due_status(DUE, today) == expected


def test_explicit_window() -> None:
    assert due_status(DUE, date(2026, 10, 7), due_soon_days=0) == DueStatus.NORMAL
    assert due_status(DUE, date(2026, 10, 8), due_soon_days=0) == DueStatus.DUE_SOON
    assert due_status(DUE, date(2026, 9, 28), due_soon_days=10) == DueStatus.DUE_SOON
    with pytest.raises(ValueError, match="不能为负数"):
        due_status(DUE, date(2026, 9, 28), due_soon_days=-1)


@override_settings(DUE_SOON_DAYS=5)
def test_window_comes_from_settings() -> None:
    assert due_status(DUE, date(2026, 10, 3)) == DueStatus.DUE_SOON
    assert due_status(DUE, date(2026, 10, 2)) == DueStatus.NORMAL


def test_labels_are_chinese_and_values_stable() -> None:
    assert [(s.value, s.label) for s in DueStatus] == [
        ("normal", "正常"),
        ("due_soon", "临期"),
        ("overdue", "超期"),
    ]
    assert isinstance(due_status(DUE, DUE), str)


def test_deadline_status_shortcut() -> None:
    from daiban.workcal.calendar import Schedule

    deadline = add_period(date(2026, 9, 16), 15, "calendar_days", schedule=Schedule())
    assert deadline.status(date(2026, 10, 9)) == DueStatus.OVERDUE

"""deadline_for: the seeded statutory limits, extensions, and configuration errors."""

from __future__ import annotations

from datetime import date

import pytest

from daiban.workcal.calendar import TimeLimitError, TimeUnit, deadline_for, time_limit
from daiban.workcal.models import TimeLimit

pytestmark = pytest.mark.django_db

SEEDED = {
    "route": (15, TimeUnit.CALENDAR_DAYS, "第二十二条"),
    "accept_notice": (15, TimeUnit.CALENDAR_DAYS, "第二十三条"),
    "objection": (5, TimeUnit.WORKING_DAYS, "第二十三条"),
    "handling": (60, TimeUnit.CALENDAR_DAYS, "第三十四条"),
    "extension": (30, TimeUnit.CALENDAR_DAYS, "第三十四条"),
    "review_request": (30, TimeUnit.CALENDAR_DAYS, "第三十五条"),
    "review_handling": (30, TimeUnit.CALENDAR_DAYS, "第三十五条"),
    "reexam_request": (30, TimeUnit.CALENDAR_DAYS, "第三十六条"),
    "reexam_handling": (30, TimeUnit.CALENDAR_DAYS, "第三十六条"),
    "simplified": (10, TimeUnit.WORKING_DAYS, None),
}


def test_data_migration_seeds_the_statutory_defaults() -> None:
    rows = {t.key: t for t in TimeLimit.objects.all()}
    assert set(SEEDED) <= set(rows)  # other apps may seed their own local limits
    for key, (length, unit, article) in SEEDED.items():
        assert rows[key].length == length, key
        assert rows[key].unit == unit, key
        assert rows[key].is_active
        assert rows[key].name and rows[key].start_event
        if article is not None:
            assert rows[key].article == article, key


def test_acceptance_notice_explains_itself_from_the_configuration() -> None:
    deadline = deadline_for("accept_notice", date(2026, 9, 16))
    assert deadline.due == date(2026, 10, 8)
    assert deadline.limit_key == "accept_notice"
    assert deadline.explanation == (
        "受理告知期限：依《信访工作条例》第二十三条，自收到信访事项之日起 15 个自然日。"
        "2026-09-16（收到信访事项之日，当日不计），加 15 个自然日为 2026-10-01（国庆节，非工作日），"
        "顺延至下一个工作日 2026-10-08（周四）。"
    )


def test_objection_is_five_working_days() -> None:
    deadline = deadline_for("objection", date(2026, 9, 24))
    assert deadline.due == date(2026, 10, 9)
    assert deadline.unit == TimeUnit.WORKING_DAYS


def test_simplified_handling_is_ten_working_days() -> None:
    deadline = deadline_for("simplified", date(2026, 9, 24))
    assert deadline.due == date(2026, 10, 15)
    assert deadline.explanation.startswith(
        "简易办理期限：依国家信访局简易办理规定（试行），自受理之日起 10 个工作日。"
    )


def test_handling_with_an_approved_extension() -> None:
    plain = deadline_for("handling", date(2026, 8, 1))
    assert plain.due == date(2026, 9, 30)
    extended = deadline_for("handling", date(2026, 8, 1), extra_days=30)
    # The extension runs from the original deadline (09-30, a Wednesday): 09-30 + 30 = 10-30 (Friday).
    assert extended.original_due == date(2026, 9, 30)
    assert extended.due == date(2026, 10, 30)
    assert (extended.length, extended.extra_days) == (60, 30)
    assert "经批准延长 30 个自然日" in extended.explanation


def test_extension_counts_from_the_original_deadline_not_from_acceptance() -> None:
    # Art. 34 and the configured "extension" limit (自原办理期限届满之日起): accepted 2026-08-02, 60 days is
    # 10-01 (National Day) -> 10-08 (Thursday); + 30 = 11-07 (Saturday) -> 11-09 (Monday). Counting 90 days
    # from acceptance gave 10-31 (Saturday) -> 11-02.
    extended = deadline_for("handling", date(2026, 8, 2), extra_days=30)
    assert extended.original_due == date(2026, 10, 8)
    assert extended.due == date(2026, 11, 9)
    assert not extended.provisional
    assert extended.explanation == (
        "办理期限：依《信访工作条例》第三十四条，自受理之日起 60 个自然日，经批准延长 30 个自然日"
        "（依《信访工作条例》第三十四条，自原办理期限届满之日起算，最长 30 个自然日）。"
        "原期限：2026-08-02（受理之日，当日不计），加 60 个自然日为 2026-10-01（国庆节，非工作日），"
        "顺延至下一个工作日 2026-10-08（周四），即原办理期限届满之日。"
        "延长期限：2026-10-08（原办理期限届满之日，当日不计），加 30 个自然日为 2026-11-07（周六，非工作日），"
        "顺延至下一个工作日 2026-11-09（周一）。"
    )
    assert [s.day for s in extended.steps][-3:] == [date(2026, 11, 7), date(2026, 11, 8), date(2026, 11, 9)]


def test_extension_follows_the_configured_extension_unit_and_start() -> None:
    limit = TimeLimit.objects.get(key="extension")
    limit.unit = TimeUnit.WORKING_DAYS
    limit.start_event = "原期限届满之日"
    limit.save()
    extended = deadline_for("handling", date(2026, 8, 2), extra_days=5)
    # 10-08 + 5 working days: 10-09, 10-10 (make-up Saturday), 10-12, 10-13, 10-14.
    assert extended.due == date(2026, 10, 14)
    assert "即原期限届满之日" in extended.explanation
    assert "延长期限：2026-10-08（原期限届满之日，当日不计），自次日起数 5 个工作日" in extended.explanation


def test_extension_over_the_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="延长不得超过 30 个自然日"):
        deadline_for("handling", date(2026, 8, 1), extra_days=31)
    with pytest.raises(ValueError, match="不能为负数"):
        deadline_for("handling", date(2026, 8, 1), extra_days=-1)


def test_the_cap_follows_the_configuration() -> None:
    TimeLimit.objects.filter(key="extension").update(length=20)
    TimeLimit.objects.get(key="extension").save()  # a save, as the admin would do, drops the cache
    with pytest.raises(ValueError, match="延长不得超过 20 个自然日"):
        deadline_for("handling", date(2026, 8, 1), extra_days=21)


def test_re_examination_excludes_hearing_time() -> None:
    deadline = deadline_for("reexam_handling", date(2026, 9, 1), excluded_days=10)
    assert deadline.due == date(2026, 10, 12)
    assert "其间 10 日不计入期限" in deadline.explanation


def test_unknown_key_raises_a_clear_error() -> None:
    with pytest.raises(TimeLimitError, match="未配置时限“no_such_limit”"):
        deadline_for("no_such_limit", date(2026, 9, 1))


def test_inactive_key_raises_a_clear_error() -> None:
    limit = TimeLimit.objects.get(key="simplified")
    limit.is_active = False
    limit.save()
    with pytest.raises(TimeLimitError, match="时限“简易办理期限”（simplified）已停用"):
        deadline_for("simplified", date(2026, 9, 1))
    with pytest.raises(TimeLimitError):
        time_limit("simplified")


def test_a_reconfigured_length_applies_at_once() -> None:
    limit = TimeLimit.objects.get(key="route")
    assert deadline_for("route", date(2026, 9, 1)).due == date(2026, 9, 16)
    limit.length = 10
    limit.save()
    assert deadline_for("route", date(2026, 9, 1)).due == date(2026, 9, 11)


def test_provisional_deadline_from_configuration() -> None:
    deadline = deadline_for("handling", date(2026, 11, 26))
    assert deadline.due == date(2027, 1, 25)
    assert deadline.provisional
    assert "2027 年节假日安排尚未公布" in deadline.explanation

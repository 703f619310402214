"""The hearings demo (daiban.demo.hearings): made through the real action on matters in handling and in
re-examination, loaded once; the re-examination's time limit moved by the hearing days."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree
from daiban.core import clock
from daiban.demo.hearings import load_demo_hearings
from daiban.hearings.models import HearingRecord, HearingStage
from daiban.matters.choices import Step
from daiban.matters.tests.conftest import More, more  # noqa: F401  (the fixture)
from daiban.matters.tests.factories import Flow
from daiban.workcal import calendar as workcal


def test_one_hearing_in_handling_and_one_in_reexam(tree: Tree, personas: Personas, more: More) -> None:  # noqa: F811
    flow = Flow(tree, personas)
    reexam = flow.in_reexam(more.city_housing_handler)
    due_before = reexam.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True).due_date
    handling = flow.handling(new_matter=True)
    with clock.frozen(flow.now + datetime.timedelta(days=4)):
        result = load_demo_hearings()
        assert result is not None and load_demo_hearings() is None  # once only
    assert result.handling == [handling.number] and result.reexam == [reexam.number]
    in_handling = HearingRecord.objects.get(matter=handling)
    assert in_handling.stage == HearingStage.HANDLING and in_handling.recorded_by == personas.unit_handler
    in_reexam = HearingRecord.objects.get(matter=reexam)
    assert in_reexam.stage == HearingStage.REEXAM and in_reexam.recorded_by == more.city_gov_handler
    assert "新城区" in in_reexam.place and "{" not in in_reexam.conclusion
    row = reexam.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True)
    # 2 days off the clock, counted by the official calendar (here the new end 07-27 is the Monday the old
    # Saturday end was already carried to, so the date stays and the event says so).
    expected = workcal.deadline_for(Step.REEXAM_HANDLING, row.started_on, excluded_days=2).due
    assert row.excluded_days == in_reexam.days == 2 and row.due_date == expected >= due_before

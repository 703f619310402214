"""The hearing pages in the fuzz test: hostile values in every path parameter, as those who record and
those who only read; never a 500. (The 听证记录 form itself is fuzzed with every action, in
tests/test_fuzz_inputs.py ACTION_CASES.)"""

from __future__ import annotations

import pytest

from daiban.core import clock
from daiban.hearings.models import HearingRecord, HearingStage
from daiban.hearings.tests.helpers import SAID
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _record_id(w: World) -> int:
    """A real record on the world's matter, so that a drawn id may hit one."""
    row = HearingRecord.objects.filter(matter=w.matter).first()
    if row is None:
        row = HearingRecord.objects.create(
            matter=w.matter,
            stage=HearingStage.HANDLING,
            unit=w.tree.unit_housing_a,
            first_day=w.today,
            last_day=w.today,
            days=1,
            recorded_by=w.personas.unit_handler,
            recorded_at=clock.now(),
            event_seq=w.matter.version,
            **SAID,
        )
    return row.pk


ROUTES: dict[str, Route] = {
    "hearings:list": Route(
        lambda w, p: "/hearings/", "get", personas=("village_agent", "county_staff", "unit_handler")
    ),
    "hearings:detail": Route(
        lambda w, p: f"/hearings/{p.get('pk', _record_id(w))}/",
        "get",
        personas=("village_agent", "county_staff", "unit_handler", "township_staff"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)

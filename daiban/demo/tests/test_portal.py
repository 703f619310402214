"""The portal demo (daiban.demo.portal): pending online requests made through the real actions in the
villages of the data file (a village missing from the database is skipped), their agents told; loaded once."""

from __future__ import annotations

import pytest

from conftest import make_user
from daiban.accounts.models import Role
from daiban.demo.portal import load_demo_portal
from daiban.notify.models import Message
from daiban.portal.models import OnlineRequest, RequestStatus
from daiban.regions.models import Level, Region


@pytest.mark.django_db
def test_the_demo_requests_wait_in_the_village_queue() -> None:
    city = Region.objects.create(code="150100", name="呼和浩特市", level=Level.CITY)
    county = Region.objects.create(code="150102", name="新城区", level=Level.COUNTY, parent=city)
    town = Region.objects.create(code="150102401", name="呼伦路街道", level=Level.TOWNSHIP, parent=county)
    village = Region.objects.create(code="150102401001", name="苏雅拉社区", level=Level.VILLAGE, parent=town)
    agent = make_user("suyala_daiban", Role.VILLAGE_AGENT, village)
    result = load_demo_portal()
    assert result is not None and len(result.numbers) == 2
    requests = OnlineRequest.objects.all()
    assert {r.region_id for r in requests} == {village.pk}
    assert {r.status for r in requests} == {RequestStatus.PENDING}
    assert Message.objects.filter(recipient=agent, kind="online_request").count() == 2
    assert load_demo_portal() is None
    assert OnlineRequest.objects.count() == 2

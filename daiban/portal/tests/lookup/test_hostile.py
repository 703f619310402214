"""A hostile probe of the public lookup: what someone without the code — or with a staff account — can
learn from it. Wrong codes, someone else's number with guessed codes, a wrong number against a wrong code
(the same page, the same work), a thousand rapid lookups from one address (throttled, never a 500), an
accusation looked up from the accused unit's staff session (nothing beyond the public view) — and no
personal data in any public response on the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.core import clock
from daiban.documents.tests.helpers import other_person
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow
from daiban.portal import throttle
from daiban.portal.lookup import session
from daiban.portal.lookup.views import WRONG_PAIR
from daiban.portal.models import ThrottleHit
from daiban.portal.tests.lookup.helpers import (
    assert_no_personal_data,
    client_for,
    look_up,
    looked_up,
    served_reply,
    without_csrf,
)

GUESSES = ["AAAAAAAA", "23456789", "ABCDEFGH", "ZZZZZZZZ", "A" * 12, "1", "' OR 1=1 --"]


class Seen:
    """Every public response of a test, checked at the end for personal data."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, Any]] = []

    def __call__(self, what: str, response: Any) -> Any:
        self.responses.append((what, response))
        assert response.status_code != 500, what
        return response

    def assert_clean(self, *matters: Matter) -> None:
        assert self.responses
        for what, response in self.responses:
            location = response.get("Location", "")
            for m in matters:
                assert Matter.objects.get(pk=m.pk).lookup_code not in location, what
            if response.streaming:
                content = b"".join(response.streaming_content)
                assert WANG_ID.encode() not in content and WANG_PHONE.encode() not in content, what
                continue
            assert_no_personal_data(response.content, *matters)


@pytest.fixture
def seen() -> Iterator[Seen]:
    yield Seen()


@pytest.fixture
def two(flow: Flow) -> tuple[Matter, Matter]:
    """王建国's matter (replied, its reply served) and 李一's (routed)."""
    mine, _doc = served_reply(flow)
    theirs = flow.routed(**other_person(1), title="工资拖欠问题")
    return mine, theirs


def test_wrong_codes_get_the_one_refusal_and_open_nothing(two: tuple[Matter, Matter], seen: Seen) -> None:
    mine, _ = two
    client = Client()
    bodies = set()
    for guess in GUESSES:
        response = seen(guess, client.post("/lookup/", {"number": mine.number, "code": guess}))
        if response.status_code == 400 and WRONG_PAIR in response.content.decode():
            bodies.add(without_csrf(response.content))
        else:  # too long for the field: a field error, the same for any number
            assert "查询码最多 12 个字符" in response.content.decode() or response.status_code == 400
        assert session.SESSION_KEY not in client.session
        assert seen("result", client.get("/lookup/matter/"))["Location"] == "/lookup/"
    assert len(bodies) == 1
    seen.assert_clean(mine)


def test_another_persons_number_with_guessed_codes(two: tuple[Matter, Matter], seen: Seen) -> None:
    """The petitioner of one matter, their own lookup open, tries their neighbour's number: refused as
    any wrong pair, and their own lookup shows only their own matter."""
    mine, theirs = two
    client = looked_up(mine)
    for guess in [*GUESSES, mine.lookup_code]:
        response = seen(guess, client.post("/lookup/", {"number": theirs.number, "code": guess}))
        assert response.status_code == 400 and WRONG_PAIR in response.content.decode()
    page = seen("result", client.get("/lookup/matter/"))
    assert page.status_code == 200 and page.context["view"].number == mine.number
    assert theirs.number not in page.content.decode() and "工资拖欠问题" not in page.content.decode()
    # Their documents are not reachable through this lookup by guessing ids either.
    for pk in range(1, 30):
        response = seen(f"doc {pk}", client.get(f"/lookup/documents/{pk}/"))
        if response.status_code == 200:
            assert pk in {r.pk for r in page.context["view"].replies}
    seen.assert_clean(mine, theirs)


def _sql_shapes(queries: list[dict[str, str]]) -> list[str]:
    """The statements run, with their literal values taken out (numbers differ, the work must not)."""
    return [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", q["sql"]) for q in queries]


def test_a_wrong_number_and_a_wrong_code_are_indistinguishable(
    two: tuple[Matter, Matter], seen: Seen
) -> None:
    mine, _ = two
    # Two addresses, two numbers, each seen for the first time: the throttle's own work is alike.
    wrong_number, wrong_code = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    with CaptureQueriesContext(connection) as q1:
        a = seen(
            "wrong number", wrong_number.post("/lookup/", {"number": "150102-2026-99999", "code": "ABCDEFGH"})
        )
    with CaptureQueriesContext(connection) as q2:
        b = seen("wrong code", wrong_code.post("/lookup/", {"number": mine.number, "code": "ABCDEFGH"}))
    assert a.status_code == b.status_code == 400
    assert without_csrf(a.content) == without_csrf(b.content)
    assert len(a.content) == len(b.content)
    headers = {k: v for k, v in a.headers.items() if k != "Set-Cookie"}
    assert headers == {k: v for k, v in b.headers.items() if k != "Set-Cookie"}
    assert a.cookies.keys() == b.cookies.keys()
    # The same work: the same statements in the same order (one look-up by number, the throttle's counts).
    assert _sql_shapes(q1.captured_queries) == _sql_shapes(q2.captured_queries)
    seen.assert_clean(mine)


def test_a_thousand_rapid_lookups_from_one_address_are_throttled(
    two: tuple[Matter, Matter], seen: Seen, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 lookups of made-up numbers from one address: the first 30 (DAIBAN_PORTAL_LOOKUPS_PER_ADDRESS)
    are answered as wrong pairs, every later one 429 — and the right pair then gets the same 429."""
    mine, _ = two
    # All in one of the throttle's clock-aligned windows: on a slow run the thousand requests could
    # otherwise straddle a window's end, where the counts start again (as they should).
    start, window_of = timezone.now(), throttle._window
    monkeypatch.setattr(throttle, "_window", lambda now, seconds: window_of(start, seconds))
    limit = settings.PORTAL_THROTTLE["lookup"][0]
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses: dict[int, int] = {}
    throttled_bodies = set()
    for i in range(1000):
        response = client.post("/lookup/", {"number": f"150102-2026-{i:05d}", "code": "ABCDEFGH"})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if i in (0, limit, 999):
            seen(f"lookup {i}", response)
        if response.status_code == 429:
            throttled_bodies.add(without_csrf(response.content))
    assert statuses == {400: limit, 429: 1000 - limit}
    right = seen("right pair, throttled", look_up(client, mine))
    assert right.status_code == 429 and session.SESSION_KEY not in client.session
    throttled_bodies.add(without_csrf(right.content))
    assert len(throttled_bodies) == 1
    body = right.content.decode()
    assert "请 <strong>10 分钟后</strong>再试" in body and right["Retry-After"] == "600"
    # The counters hold keyed hashes, not the address or the numbers.
    keys = "".join(ThrottleHit.objects.values_list("key", flat=True))
    assert "203.0.113.7" not in keys and "150102" not in keys
    # Another address is not held back by this one.
    assert look_up(Client(REMOTE_ADDR="198.51.100.9"), mine).status_code == 303
    seen.assert_clean(mine)


def test_one_number_probed_from_many_addresses_is_throttled(
    two: tuple[Matter, Matter], seen: Seen, settings: Any
) -> None:
    mine, _ = two
    per_number = settings.PORTAL_THROTTLE["lookup"][2]
    for i in range(per_number):
        response = Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(
            "/lookup/", {"number": mine.number, "code": f"GUESS{i:03d}"}
        )
        assert response.status_code == 400
    # From a fresh address, even the right code now waits: the number is being probed.
    right = seen("right pair after probing", look_up(Client(REMOTE_ADDR="10.0.1.1"), mine))
    assert right.status_code == 429
    seen.assert_clean(mine)


def test_an_accusation_looked_up_from_the_accused_units_staff_session(
    flow: Flow, tree: Tree, personas: Personas, seen: Seen
) -> None:
    """An accusation against 新城区住建局, sent to the discipline body. A 住建局 handler (the accused unit's
    staff, signed in) gets exactly the anonymous public view with the number and code — no title, no unit,
    no names, no documents — and without the code nothing at all."""
    m = flow.routed(
        purpose="accusation",
        lead_unit=tree.unit_discipline_a,
        title="举报住建局工作人员索要好处费",
        content="住建局某科长在审批时索要好处费五千元。",
    )
    flow.later(days=1)
    discipline = make_user(
        "discipline_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_discipline_a
    )
    accused = personas.unit_handler  # 新城区住建局
    assert accused.unit_id == tree.unit_housing_a.pk
    anonymous, staff = Client(), client_for(accused)
    # Without the code: nothing, as for anyone.
    assert seen("staff, no lookup", staff.get("/lookup/matter/"))["Location"] == "/lookup/"
    wrong_anon = seen(
        "wrong, anonymous", anonymous.post("/lookup/", {"number": m.number, "code": "ABCDEFGH"})
    )
    wrong_staff = seen("wrong, staff", staff.post("/lookup/", {"number": m.number, "code": "ABCDEFGH"}))
    assert without_csrf(wrong_anon.content) == without_csrf(wrong_staff.content)
    # With it: the same public view, byte for byte.
    assert seen("right, anonymous", look_up(anonymous, m)).status_code == 303
    assert seen("right, staff", look_up(staff, m)).status_code == 303
    with clock.frozen(flow.now):
        a = seen("page, anonymous", anonymous.get("/lookup/matter/"))
        b = seen("page, staff", staff.get("/lookup/matter/"))
    assert a.status_code == b.status_code == 200
    assert without_csrf(a.content) == without_csrf(b.content)
    body = b.content.decode()
    for hidden in (
        "举报住建局工作人员索要好处费",
        "索要好处费",
        "纪委",
        "住房和城乡建设局",
        discipline.username,
        personas.county_staff.username,
        "county_staff",
    ):
        assert hidden not in body, hidden
    assert "有关单位" in body and "检举控告类事项" in body
    assert b.context["view"].replies == [] and b.context["view"].title == ""
    seen.assert_clean(m)


def test_no_personal_data_in_any_public_response(flow: Flow, personas: Personas, seen: Seen) -> None:
    """Every public page of the lookup and rating, in every state a petitioner meets, for a matter whose
    petitioner has a name, an ID number, a phone number, content and a request — none of which, nor the
    staff's notes, may appear."""
    m, doc = served_reply(flow)
    flow.later(days=1)
    client = Client()
    with clock.frozen(flow.now):
        seen("form", client.get("/lookup/"))
        seen("form with number", client.get(f"/lookup/?number={m.number}"))
        seen("blank", client.post("/lookup/", {"number": "", "code": ""}))
        seen("wrong", client.post("/lookup/", {"number": m.number, "code": "ABCDEFGH"}))
        seen("right", look_up(client, m))
        seen("result", client.get("/lookup/matter/"))
        seen("pdf", client.get(f"/lookup/documents/{doc.pk}/"))
        seen("bad rating", client.post("/lookup/rate/", {"service": "x", "unit": "y", "comment": "z"}))
        token = client.get("/lookup/matter/").context["form"].initial["reply"]
        seen(
            "rating",
            client.post("/lookup/rate/", {"service": "dissatisfied", "unit": "dissatisfied", "reply": token}),
        )
        seen("rated", client.get("/lookup/matter/"))
        seen(
            "rated again",
            client.post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied", "reply": token}),
        )
        seen("leave", client.post("/lookup/leave/"))
        seen("after leaving", client.get("/lookup/", follow=True))
    # Closed, then looked up again: every step, the follow-up recorded.
    closed = flow.closed(**other_person(2))
    other = looked_up(closed)
    seen("closed", other.get("/lookup/matter/"))
    seen.assert_clean(m, closed)

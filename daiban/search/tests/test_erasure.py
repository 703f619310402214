"""An erased person's name leaves the search index with them (erase_expired writes no matter event)."""

from __future__ import annotations

import datetime
from typing import Any

from conftest import Personas, Tree
from daiban.core import clock
from daiban.lifecycle.erasure import erase_expired
from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.search.grams import code
from daiban.search.models import Gram, Kind
from daiban.search.query import search


def test_erasure_rewrites_the_index(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    li = PetitionerInput(name="李秀英", id_number=id_with_check("15010219750101234"))
    with django_capture_on_commit_callbacks(execute=True):
        m = Flow(tree, personas).closed(petitioners=[li])
    assert Gram.objects.filter(matter_id=m.pk, kind=Kind.NAME, gram=code("秀英")).exists()
    assert [h.matter_id for h in search(personas.county_staff, "秀英").hits] == [m.pk]
    later = datetime.datetime(2032, 6, 1, tzinfo=datetime.UTC)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        assert erase_expired().counts()["petitioners"] == 1
    assert not Gram.objects.filter(matter_id=m.pk, kind=Kind.NAME, gram=code("秀英")).exists()
    assert search(personas.county_staff, "秀英").hits == []
    assert Gram.objects.filter(matter_id=m.pk).exists()  # the rest of the matter is still searchable

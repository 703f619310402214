"""Keeping the search index current: a matter's searchable texts, and its index rows rewritten whole.

``reindex(ids)`` deletes the matters' rows and inserts them again from the stored text, in one
transaction, so running it twice (or after any change at all) leaves the same rows: it is called after
each matter event (``wiring``) and, batched, by ``manage.py reindex_search``.

What is indexed, and how much (docs/adr/0028-bigram-search-index.md): the petitioners' names (stored in
plain text; ID and phone numbers are encrypted and never indexed: they are found by their keyed hash on the
petitioner page), the summary, the names of the places (city to village), the responsible units' names in
full; of the content and the request, the first ``CONTENT_GRAMS`` distinct bigrams.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from daiban.matters.models import Matter, MatterPetitioner, Review, UnitTask
from daiban.regions import geometry
from daiban.regions.models import Region
from daiban.search.grams import grams
from daiban.search.models import Gram, Kind

# Distinct bigrams of a matter's content and request that are indexed (the rest of a long text is found
# only through its summary, names, place and units). A typical complaint of 150–300 characters has about
# as many distinct bigrams, so this indexes nearly all of most complaints.
CONTENT_GRAMS = 160


@dataclass
class Texts:
    """A matter's searchable texts as stored now (the index and the check of each hit read the same)."""

    names: list[str] = field(default_factory=list)
    title: str = ""
    places: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    content: str = ""

    def of(self, kind: Kind) -> list[str]:
        return {
            Kind.NAME: self.names,
            Kind.TITLE: [self.title],
            Kind.PLACE: self.places,
            Kind.UNIT: self.units,
            Kind.CONTENT: [self.content],
        }[kind]


@dataclass(frozen=True)
class Scope:
    city: str
    county: str
    township: str


def texts_for(matter_ids: Iterable[int]) -> dict[int, tuple[Texts, Scope, datetime.datetime]]:
    """The texts, scope columns and receipt time of each matter (a fixed number of queries)."""
    ids = list(matter_ids)
    found: dict[int, tuple[Texts, Scope, datetime.datetime]] = {}
    paths: dict[int, str] = {}
    for pk, title, content, request, path, city, county, township, received in Matter.objects.filter(
        pk__in=ids
    ).values_list(
        "pk",
        "title",
        "content",
        "request",
        "region_path",
        "scope_city",
        "scope_county",
        "scope_township",
        "received_at",
    ):
        found[pk] = (
            Texts(title=title, content=f"{content}\n{request}"),
            Scope(city, county, township),
            received,
        )
        paths[pk] = path
    for pk, name in MatterPetitioner.objects.filter(matter_id__in=ids).values_list(
        "matter_id", "petitioner__name"
    ):
        found[pk][0].names.append(name)
    units: defaultdict[int, set[str]] = defaultdict(set)
    for model in (UnitTask, Review):
        for pk, name in model.objects.filter(matter_id__in=ids).values_list("matter_id", "unit__name"):
            units[pk].add(name)
    for pk, holder in Matter.objects.filter(pk__in=ids, holder_unit__isnull=False).values_list(
        "pk", "holder_unit__name"
    ):
        units[pk].add(holder)
    for pk, names in units.items():
        found[pk][0].units.extend(sorted(names))
    codes = {c for p in paths.values() for c in geometry.codes(p)}
    region_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for pk, path in paths.items():
        found[pk][0].places.extend(region_names.get(c, "") for c in geometry.codes(path))
    return found


def rows_for(matter_id: int, texts: Texts, scope: Scope, received_at: datetime.datetime) -> Iterator[Gram]:
    for kind in Kind:
        limit = CONTENT_GRAMS if kind == Kind.CONTENT else None
        seen: set[int] = set()
        for text in texts.of(kind):
            for gram in grams(text, limit):
                if gram not in seen:
                    seen.add(gram)
                    yield Gram(
                        matter_id=matter_id,
                        kind=kind,
                        gram=gram,
                        scope_city=scope.city,
                        scope_county=scope.county,
                        scope_township=scope.township,
                        received_at=received_at,
                    )


def reindex(matter_ids: Iterable[int]) -> int:
    """Rewrite the index rows of the matters (a matter that no longer exists loses its rows); returns
    the number of rows written. Idempotent."""
    ids = list(matter_ids)
    if not ids:
        return 0
    found = texts_for(ids)
    rows = [row for pk, (texts, scope, at) in found.items() for row in rows_for(pk, texts, scope, at)]
    with transaction.atomic():
        Gram.objects.filter(matter_id__in=ids).delete()
        Gram.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

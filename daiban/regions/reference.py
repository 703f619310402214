"""The real division tree (行政区划代码), read from reference data: a city, its counties and townships.

``data/hohhot-divisions.csv`` holds the statistical division codes of Hohhot: the city (6 digits), its
counties (6 digits) and their township-level units (9 digits). ``administered_by`` names the county that
administers a township where that differs from its statistical parent (沙尔沁镇 has the code of 土默特左旗
but is administered by the development zone). Villages are not in the file.

``division_tree()`` turns the file into regions (township codes padded to the 12-digit scheme);
``write_regions()`` bulk-inserts such rows level by level, and ``load_real_regions()`` does both for an empty
database. Nothing here is demo data: the demo network adds its generated villages on top of this tree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from daiban.regions import geometry
from daiban.regions.models import Level, Region

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "hohhot-divisions.csv"
BATCH = 500


@dataclass(frozen=True)
class Division:
    """One row of the division file: ``code`` has 6 digits (city, county) or 9 (township)."""

    code: str
    name: str
    parent_code: str
    administered_by: str = ""

    @property
    def owner(self) -> str:
        """The county (or city) the unit belongs to administratively."""
        return self.administered_by or self.parent_code


@dataclass(frozen=True)
class RegionRow:
    """A region to write: its 12-digit code below the county, its level and its parent's code."""

    code: str
    name: str
    level: Level
    parent_code: str | None
    is_demo: bool = False


def read_divisions(path: Path = DIVISIONS_CSV) -> list[Division]:
    """Every row of the division file, in code order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            Division(r["code"], r["name"], r["parent_code"], r.get("administered_by") or "")
            for r in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda d: d.code)


def township_code(division: Division) -> str:
    """The 12-digit region code of a township-level unit (its 9 digits and ``000``)."""
    return division.code + "000"


@dataclass(frozen=True)
class DivisionTree:
    city: Division
    counties: list[Division]  # in code order
    townships: dict[str, list[Division]]  # county code → its township-level units, in code order

    def rows(self) -> list[RegionRow]:
        """The city, then each county followed by its townships."""
        rows = [RegionRow(self.city.code, self.city.name, Level.CITY, None)]
        for county in self.counties:
            rows.append(RegionRow(county.code, county.name, Level.COUNTY, self.city.code))
            rows += [
                RegionRow(township_code(t), t.name, Level.TOWNSHIP, county.code)
                for t in self.townships[county.code]
            ]
        return rows


def division_tree(city_code: str, path: Path = DIVISIONS_CSV) -> DivisionTree:
    """The city ``city_code`` with its counties and their township-level units, from the division file."""
    divisions = read_divisions(path)
    city = next((d for d in divisions if d.code == city_code), None)
    if city is None:
        raise ValueError(f"{path.name} has no division {city_code}")
    counties = [d for d in divisions if d.parent_code == city_code]
    townships: dict[str, list[Division]] = {c.code: [] for c in counties}
    for d in divisions:
        if len(d.code) == 9 and d.owner in townships:
            townships[d.owner].append(d)
    return DivisionTree(city, counties, townships)


def write_regions(rows: Iterable[RegionRow]) -> dict[str, Region]:
    """Bulk-insert regions level by level (parents first, each level in the given order); returns every
    region of the written levels by code."""
    items = list(rows)
    by_code: dict[str, Region] = {}
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        batch = []
        for item in items:
            if item.level != level:
                continue
            parent = by_code[item.parent_code] if item.parent_code else None
            # bulk_create bypasses Region.save, which computes the path the same way.
            path = geometry.child_path(parent.path if parent else "", item.code)
            batch.append(
                Region(
                    code=item.code,
                    name=item.name,
                    level=level,
                    parent=parent,
                    path=path,
                    is_demo=item.is_demo,
                )
            )
        Region.objects.bulk_create(batch, batch_size=BATCH)
        # Re-read rather than rely on the backend returning ids from a bulk insert.
        by_code.update(Region.objects.filter(level=level).in_bulk(field_name="code"))
    return by_code


def load_real_regions(city_code: str, path: Path = DIVISIONS_CSV) -> int | None:
    """Write the real division tree of ``city_code`` into a database without regions; return how many
    regions were written, or ``None`` (writing nothing) if any region exists already."""
    if Region.objects.exists():
        return None
    rows = division_tree(city_code, path).rows()
    with transaction.atomic():
        write_regions(rows)
    return len(rows)

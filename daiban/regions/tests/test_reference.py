"""The real division tree from reference data: read, shaped into regions, loaded into an empty database."""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Concat

from daiban.regions.models import Level, Region
from daiban.regions.reference import division_tree, load_real_regions, read_divisions

HOHHOT = "150100"


def test_the_file_is_read_in_code_order() -> None:
    divisions = read_divisions()
    codes = [d.code for d in divisions]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert divisions[0].code == HOHHOT and divisions[0].name == "呼和浩特市"


def test_the_tree_places_each_township_under_the_county_that_administers_it() -> None:
    tree = division_tree(HOHHOT)
    assert tree.city.name == "呼和浩特市"
    assert [c.code for c in tree.counties] == sorted(c.code for c in tree.counties)
    assert len(tree.counties) == 10
    shaerqin = next(d for d in read_divisions() if d.name == "沙尔沁镇")
    assert shaerqin.parent_code == "150121" and shaerqin.owner == "150172"
    assert shaerqin in tree.townships["150172"] and shaerqin not in tree.townships["150121"]
    rows = tree.rows()
    assert rows[0].level == Level.CITY and rows[0].parent_code is None
    townships = [r for r in rows if r.level == Level.TOWNSHIP]
    assert all(len(r.code) == 12 and r.code.endswith("000") for r in townships)
    assert len(townships) == sum(len(t) for t in tree.townships.values())


def test_loading_writes_the_tree_once(db: None) -> None:
    written = load_real_regions(HOHHOT)
    assert written == Region.objects.count() == len(division_tree(HOHHOT).rows())
    assert not Region.objects.filter(level=Level.VILLAGE).exists()
    assert not Region.objects.filter(is_demo=True).exists()
    assert Region.objects.get(code="150121105000").parent.code == "150172"  # type: ignore[union-attr]
    below_city = Region.objects.exclude(level=Level.CITY)
    assert not below_city.exclude(path=Concat(F("parent__path"), F("code"), Value("/"))).exists()
    assert load_real_regions(HOHHOT) is None
    assert Region.objects.count() == written

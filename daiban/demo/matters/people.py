"""The demo's petitioners: names, valid resident ID numbers and mobile numbers, addresses."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from daiban.demo.files import read_json
from daiban.demo.matters.config import ID_ADDRESS_CODES
from daiban.matters.petitioners import PetitionerInput
from daiban.pii.validators import id_check_character
from daiban.regions.models import Region

_people: dict[str, Any] = read_json("matters/people.json")
SURNAMES: tuple[str, ...] = tuple(_people["surnames"])
GIVEN_MALE: tuple[str, ...] = tuple(_people["given_male"])
GIVEN_FEMALE: tuple[str, ...] = tuple(_people["given_female"])
MONGOLIAN_NAMES: tuple[str, ...] = tuple(_people["mongolian_names"])
MONGOLIAN_FEMALE = frozenset(_people["mongolian_female"])
MONGOLIAN_SURNAMES: tuple[str, ...] = tuple(_people["mongolian_surnames"])
BIRTH_YEARS: dict[str, tuple[int, int]] = {g: (a, b) for g, (a, b) in _people["birth_years"].items()}
DEFAULT_BIRTH_YEARS: tuple[int, int] = tuple(_people["default_birth_years"])


@dataclass
class People:
    """Unique ID numbers and mobile numbers for the demo's petitioners."""

    today: datetime.date
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def name(self, rng: random.Random, male: bool) -> str:
        if rng.random() < 0.05:
            pool = [n for n in MONGOLIAN_NAMES if (n in MONGOLIAN_FEMALE) != male]
            return rng.choice(MONGOLIAN_SURNAMES) + rng.choice(pool)
        surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
        chars = GIVEN_MALE if male else GIVEN_FEMALE
        given = rng.choice(chars)
        if rng.random() < 0.8:
            given += rng.choice([c for c in chars if c != given])
        return surname + given

    def id_number(
        self, rng: random.Random, county_code: str, born_from: int, born_to: int, male: bool
    ) -> str:
        """A valid 18-digit resident ID (GB 11643): address code, birth date, sequence, check character."""
        address = ID_ADDRESS_CODES.get(county_code, county_code)
        latest = self.today.year - 18
        while True:
            year = rng.randint(born_from, min(born_to, latest))
            born = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            sequence = rng.randrange(0, 999)
            if sequence % 2 != int(male):
                sequence += 1
            first17 = f"{address}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_character(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def mobile(self, rng: random.Random) -> str:
        while True:
            prefix = rng.choice(("13", "15", "18"))
            third = rng.choice("0123456789" if prefix != "15" else "012356789")
            number = prefix + third + "".join(rng.choice("0123456789") for _ in range(8))
            if number not in self.phones:
                self.phones.add(number)
                return number

    def person(
        self,
        rng: random.Random,
        county_code: str,
        region: Region,
        group: str,
        *,
        representative: bool = False,
    ) -> PetitionerInput:
        male = rng.random() < 0.58
        born_from, born_to = BIRTH_YEARS.get(group, DEFAULT_BIRTH_YEARS)
        with_id = rng.random() < 0.88
        if region.name.endswith("社区"):
            address = f"{region.name}{rng.randint(1, 32)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        else:
            address = f"{region.name}{rng.randint(1, 9)}组{rng.randint(1, 80)}号"
        return PetitionerInput(
            name=self.name(rng, male),
            id_number=self.id_number(rng, county_code, born_from, born_to, male) if with_id else "",
            phone=self.mobile(rng),
            address=address,
            group=group,
            is_representative=representative,
        )


def person_name(key: str) -> str:
    """A stable name for an extra demo account (independent of the seed and of creation order)."""
    rng = random.Random(f"daiban-demo-matters/{key}")  # noqa: S311 - reproducible demo data
    return People(datetime.date(2000, 1, 1)).name(rng, rng.random() < 0.6)

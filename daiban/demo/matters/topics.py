"""What matters are about (``data/matters/topics.json``) and the words their texts are filled with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from daiban.demo.files import read_json
from daiban.matters.choices import Category, LegalChannel, NotAcceptedReason, PetitionerGroup, Purpose
from daiban.network.models import UnitDomain

# Words a topic's ``{...}`` placeholders are filled with (one drawn per matter, in this order).
POOLS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in read_json("matters/pools.json").items()}


@dataclass(frozen=True)
class Topic:
    """What a matter is about: where it goes and what the documents say. ``{...}`` are filled from POOLS
    and the matter (place, town, county, who, n, year, m1, m2, years)."""

    key: str
    category: str
    purpose: str
    domain: str  # the lead unit's domain
    titles: tuple[str, ...]
    contents: tuple[str, ...]
    requests: tuple[str, ...]
    facts: str = ""
    support: str = ""
    explain: str = ""
    not_support: str = ""
    basis: str = ""
    co: tuple[str, ...] = ()  # co-units that may be asked to help
    wrong: str = ""  # a unit it is plausibly first sent to by mistake (it objects)
    objection: str = ""
    where: str = "any"  # urban (社区) / rural (村, 嘎查) / any
    group: str = PetitionerGroup.RESIDENT
    group_contents: tuple[str, ...] = ()  # when 5 or more people come together
    local_ok: bool = False  # can be solved at the village or township
    party: str = ""  # the other side in a mediation
    terms: str = ""
    manner: str = ""
    legal: str = ""  # a LegalChannel it may be guided to
    guidance: str = ""
    answer: str = ""  # answered at once (咨询、求助、建议)
    refuse: str = ""  # a NotAcceptedReason
    refusal: str = ""


_CHOICES: dict[str, Any] = {
    "category": Category,
    "purpose": Purpose,
    "domain": UnitDomain,
    "wrong": UnitDomain,
    "group": PetitionerGroup,
    "legal": LegalChannel,
    "refuse": NotAcceptedReason,
}
_TUPLES = ("titles", "contents", "requests", "group_contents")


def _topic(raw: dict[str, Any]) -> Topic:
    values = dict(raw)
    for name, choices in _CHOICES.items():
        if values.get(name):
            values[name] = choices(values[name])
    for name in _TUPLES:
        if name in values:
            values[name] = tuple(values[name])
    if "co" in values:
        values["co"] = tuple(UnitDomain(d) for d in values["co"])
    return Topic(**values)


TOPICS: tuple[Topic, ...] = tuple(_topic(raw) for raw in read_json("matters/topics.json"))
TOPIC = {t.key: t for t in TOPICS}

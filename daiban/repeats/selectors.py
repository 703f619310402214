"""Likely repeats of a text and a person, among the matters the user may see.

Every read starts from ``matters_for(user)``: a matter outside the user's jurisdiction is never a
candidate. The SQL is index probes only — the person through the petitioner's blind index (keyed hash of
the ID or phone number; nothing is decrypted), the text through the eight signature bands of the same
place — and the few rows found are re-ranked in Python with rapidfuzz."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from daiban.accounts.models import User
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.pii.masking import mask_name
from daiban.regions.models import Level, Region
from daiban.repeats import signatures
from daiban.repeats.models import DecisionKind, MatterSignature, RepeatDecision

SHOWN = 5
BAND_ROWS = 200  # at most this many band matches are read: a band value shared by more says little
MIN_RATIO = 50  # rapidfuzz ratio (0–100) below which a text is not called similar
EXCERPT = 40


@dataclass(frozen=True)
class Candidate:
    matter: Matter
    same_person: bool
    same_place: bool
    similarity: int  # 0–100, rapidfuzz ratio of the normalised texts; 0 when not compared
    masked_names: str
    excerpt: str
    decision: str = ""  # DecisionKind value once the agent answered, else ""
    skip_level: bool = False  # the link was 越级 (ADR 0040)
    merged: bool = False  # the matter was merged into this candidate (并案)

    @property
    def reason(self) -> str:
        parts = []
        if self.same_person:
            parts.append("同一信访人")
        if self.same_place and self.similarity and not self.same_person:
            parts.append(_place_label(self.matter.region))
        if self.similarity:
            parts.append(f"内容相似 {self.similarity}%")
        return "、".join(parts)

    @property
    def decision_label(self) -> str:
        return DecisionKind(self.decision).label if self.decision else ""


def _place_label(region: Region) -> str:
    return {
        Level.VILLAGE: "同一村（社区）",
        Level.TOWNSHIP: "同一乡镇（街道）",
        Level.COUNTY: "同一县（区）",
    }.get(Level(region.level), "同一发生地")


def _excerpt(matter: Matter) -> str:
    text = " ".join((matter.content or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _ratio(a: str, b: str) -> int:
    return round(fuzz.ratio(a[:400], b[:400]))


def candidates(
    user: User,
    *,
    text: str,
    region_id: int | None,
    person_q: Q | None = None,
    person_ids: Iterable[int] | QuerySet[Any] | None = None,
    exclude_id: int | None = None,
    before: Matter | None = None,
) -> list[Candidate]:
    """At most five matters that ``user`` may see and that the text and person may repeat: the same person
    first (newest first), then similar texts from the same place, most similar first.

    ``person_q`` filters petitioners by blind index (``daiban.pii.fields.search_q``); ``person_ids`` names
    known petitioners. Accusations are never offered (nor offered against). ``before``: only matters
    received earlier than it (the matter page asks about what came before)."""
    visible = matters_for(user).filter(is_accusation=False)
    if exclude_id is not None:
        visible = visible.exclude(pk=exclude_id)
    if before is not None:
        visible = visible.filter(received_at__lt=before.received_at)
    visible = visible.select_related("region")

    people_q = Q()
    if person_ids is not None:
        people_q |= Q(petitioners__in=person_ids)
    if person_q is not None:
        people_q |= person_q
    same_person: list[Matter] = []
    if people_q:
        # One query: the people's matters as a subquery (a person's rows repeat through the link table).
        same_person = list(
            visible.filter(pk__in=visible.filter(people_q).values("pk")).order_by("-received_at", "-id")[
                :SHOWN
            ]
        )

    norm = signatures.normalize(text)
    similar: list[tuple[Matter, int]] = []
    probe = signatures.band_q(signatures.bands(text, region_id)) if region_id is not None else None
    if probe is not None and region_id is not None:
        near = list(MatterSignature.objects.filter(probe).values_list("matter_id", flat=True)[:BAND_ROWS])
        if near:
            for m in visible.filter(pk__in=near, region_id=region_id):
                score = _ratio(norm, signatures.normalize(signatures.matter_text(m)))
                if score >= MIN_RATIO:
                    similar.append((m, score))
    person_pks = {m.pk for m in same_person}
    scores = {m.pk: s for m, s in similar}
    ordered: list[Matter] = list(same_person)
    ordered += [
        m
        for m, _ in sorted(similar, key=lambda ms: (-ms[1], -ms[0].received_at.timestamp()))
        if m.pk not in person_pks
    ]
    ordered = ordered[:SHOWN]
    names = names_of([m.pk for m in ordered])
    return [
        Candidate(
            matter=m,
            same_person=m.pk in person_pks,
            same_place=region_id is not None and m.region_id == region_id,
            similarity=scores.get(m.pk, 0),
            masked_names=names.get(m.pk, ""),
            excerpt=_excerpt(m),
        )
        for m in ordered
    ]


def names_of(matter_ids: list[int]) -> dict[int, str]:
    from daiban.matters.models import MatterPetitioner

    names: dict[int, list[str]] = {}
    for matter_id, name in MatterPetitioner.objects.filter(matter_id__in=matter_ids).values_list(
        "matter_id", "petitioner__name"
    ):
        names.setdefault(matter_id, []).append(mask_name(name))
    return {k: "、".join(v[:3]) + ("等" if len(v) > 3 else "") for k, v in names.items()}


def for_matter(user: User, matter: Matter) -> list[Candidate]:
    """The likely repeats among the matters received before ``matter``, each with the agent's answer if
    one was given (a decided candidate stays listed even when it would no longer be found)."""
    found = candidates(
        user,
        text=signatures.matter_text(matter),
        region_id=matter.region_id,
        person_ids=matter.petitioner_links.values("petitioner_id"),
        exclude_id=matter.pk,
        before=matter,
    )
    decided = {
        pk: (kind, skip, merged_at is not None)
        for pk, kind, skip, merged_at in RepeatDecision.objects.filter(
            matter=matter, candidate__in=matters_for(user)
        ).values_list("candidate_id", "kind", "skip_level", "merged_at")
    }
    none = ("", False, False)
    shown = [replace(c, **_answer(decided.get(c.matter.pk, none))) for c in found]
    missing = set(decided) - {c.matter.pk for c in found}
    if missing:
        names = names_of(list(missing))
        for m in matters_for(user).filter(pk__in=missing).select_related("region"):
            same_place = m.region_id == matter.region_id
            shown.append(
                Candidate(m, False, same_place, 0, names.get(m.pk, ""), _excerpt(m), **_answer(decided[m.pk]))
            )
    return shown


def _answer(found: tuple[str, bool, bool]) -> dict[str, Any]:
    return {"decision": found[0], "skip_level": found[1], "merged": found[2]}

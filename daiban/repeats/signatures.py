"""Text signatures: character 2-gram shingles → MinHash (16 permutations) → eight LSH bands of two.

Chinese complaints have no word boundaries, so shingles are overlapping pairs of characters after dropping
punctuation and spaces. Two texts whose shingle sets overlap by Jaccard J agree on one band with probability
1 − (1 − J²)⁸: 0.98 at J = 0.6 (the same complaint retold), 0.08 at J = 0.1 (two complaints about the same
kind of thing). Each band is keyed by the place where the matter arose, so a band value is shared only
within one village (社区) or other place, and the candidates of a text are eight index probes that return a
few rows even at a million matters. (SimHash was measured first: a retold complaint of 30 characters
landed 19 bits away, far outside any band probe; see docs/adr.)"""

from __future__ import annotations

import hashlib
import random
import re

from django.db.models import Q

from daiban.core import clock
from daiban.matters.models import Matter

PERMUTATIONS = 16
ROWS = 2
BANDS = PERMUTATIONS // ROWS
MIN_CHARS = 8  # below this a text says too little to compare
_PRIME = (1 << 61) - 1
# Fixed: stored bands must stay comparable across processes and releases (not a secret).
_rng = random.Random(20261203)  # noqa: S311
_PERMS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS)]
_NOT_TEXT = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Lower-case letters, digits and CJK characters only."""
    return _NOT_TEXT.sub("", (text or "").lower())


def shingles(text: str) -> set[str]:
    t = normalize(text)
    if len(t) < 2:
        return {t} if t else set()
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def minhash(text: str) -> list[int]:
    """The text's MinHash (one minimum per permutation); [] for a text too short to compare."""
    if len(normalize(text)) < MIN_CHARS:
        return []
    hashes = [_hash64(s) % _PRIME for s in shingles(text)]
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMS]


def bands(text: str, place: int | None) -> tuple[int, ...]:
    """Eight positive 31-bit band values, keyed by the place; all 0 for a text too short to compare."""
    mins = minhash(text)
    if not mins:
        return (0,) * BANDS
    values = []
    for i in range(BANDS):
        key = f"{place or 0}:{i}:" + ":".join(str(m) for m in mins[i * ROWS : (i + 1) * ROWS])
        digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
        values.append((int.from_bytes(digest, "big") & 0x7FFFFFFF) or 1)
    return tuple(values)


def band_q(values: tuple[int, ...]) -> Q | None:
    """Any band equal (None when the text is too short to compare)."""
    q = Q()
    for i, value in enumerate(values):
        if value:
            q |= Q(**{f"band{i}": value})
    return q or None


def matter_text(matter: Matter) -> str:
    """What is compared: the summary and the complaint (the request repeats them in other words)."""
    return f"{matter.title}{matter.content}"


def fields_for(text: str, place: int | None) -> dict[str, int]:
    return {f"band{i}": b for i, b in enumerate(bands(text, place))}


def refresh(matter_id: int) -> None:
    """Compute (or recompute) one matter's signature; idempotent."""
    refresh_many([matter_id])


def refresh_many(matter_ids: list[int]) -> None:
    """Compute (or recompute) the matters' signatures from what is stored now; idempotent, and harmless on
    a matter deleted since (the task queue runs it after the intake's commit, maybe twice, maybe on two
    consumers at once: ``update_or_create`` takes the row lock, or retries its insert as an update)."""
    from daiban.repeats.models import MatterSignature

    for matter in Matter.objects.filter(pk__in=matter_ids).only("title", "content", "region_id"):
        MatterSignature.objects.update_or_create(
            matter_id=matter.pk,
            defaults={**fields_for(matter_text(matter), matter.region_id), "computed_at": clock.now()},
        )

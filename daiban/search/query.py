"""Searching matters by what people type (检索): names, places, units, the summary and the content.

Results come in tiers, each newest first: the petitioner's name exactly (王芳), a name containing the term
(王芳芳), the summary, the place, the responsible unit, the content. A matter is shown once, in the first
tier whose stored text contains the term.

Each tier reads the postings, in that tier and the user's region, of the term's rarest bigram (fewest
postings in the region, all tiers together): one range of ``search_gram_county`` or ``search_gram_city``,
newest first, in batches; keeps the matters that also
have the term's other bigrams; keeps of those only what ``matters_for(user)`` lets the user see (the one
jurisdiction selector: a unit's handler sees only the matters assigned to the unit); and checks the term
against the stored text. At most ``SCAN_LIMIT`` postings are read per request: the page then offers to go on.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from daiban.accounts.models import User
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import scope_path
from daiban.regions import geometry
from daiban.search.grams import code, normalize, runs
from daiban.search.index import Texts, texts_for
from daiban.search.models import Gram, Kind

PAGE = 50
BATCH = 200
SCAN_LIMIT = 4000
RARITY_PROBE = 2000  # postings counted per bigram to find the rarest (an index-only range, capped)

# (label, kind, exact) — the order of the results.
TIERS: list[tuple[str, Kind, bool]] = [
    ("姓名", Kind.NAME, True),
    ("姓名", Kind.NAME, False),
    ("事项摘要", Kind.TITLE, False),
    ("问题发生地", Kind.PLACE, False),
    ("事权单位", Kind.UNIT, False),
    ("反映内容", Kind.CONTENT, False),
]


# A cursor's time must convert to UTC and back on both databases (as the matter list's cursor).
_EARLIEST = datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
_LATEST = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


class TermTooShort(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    tier: int
    received_at: datetime.datetime
    matter_id: int

    def encode(self) -> str:
        raw = f"{self.tier}|{self.received_at.isoformat()}|{self.matter_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        try:
            raw = base64.urlsafe_b64decode((value + "=" * (-len(value) % 4)).encode()).decode()
            tier, at, pk = raw.split("|")
            cursor = cls(int(tier), datetime.datetime.fromisoformat(at), int(pk))
            moment = cursor.received_at
            if moment.tzinfo is None or not _EARLIEST < moment < _LATEST:
                return None
        except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
            return None
        if not 0 <= cursor.tier < len(TIERS) or not 0 <= cursor.matter_id < 2**63:
            return None
        return cursor


@dataclass(frozen=True)
class Hit:
    matter_id: int
    tier: int

    @property
    def label(self) -> str:
        return TIERS[self.tier][0]


@dataclass
class Result:
    hits: list[Hit]
    next: Cursor | None  # where the next page starts; None when everything has been read


def words_of(term: str) -> list[str]:
    """The words a term is searched by; raises ``TermTooShort`` without a word of two characters."""
    words = [w for w in runs(term) if w]
    if not any(len(w) >= 2 for w in words):
        raise TermTooShort("请至少输入两个字。")
    return words


def _range(user: User) -> dict[str, str] | None:
    """The index columns of the user's region (a village's matters are read in its township's range)."""
    codes = geometry.codes(scope_path(user))
    if not codes:
        return None
    if len(codes) == 1:
        return {"scope_city": codes[0]}
    found = {"scope_county": codes[1]}
    if len(codes) >= 3:
        found["scope_township"] = codes[2]
    return found


def matches(texts: Texts, tier: int, words: list[str]) -> bool:
    _, kind, exact = TIERS[tier]
    if exact:
        return len(words) == 1 and any(normalize(n).strip() == words[0] for n in texts.names)
    return any(all(w in normalize(t) for w in words) for t in texts.of(kind))


def _best_tier(texts: Texts, words: list[str]) -> int | None:
    return next((t for t in range(len(TIERS)) if matches(texts, t, words)), None)


class _Searcher:
    def __init__(self, user: User, words: list[str], where: dict[str, str]) -> None:
        self.user = user
        self.words = words
        self.where = where
        self.codes = list(dict.fromkeys(code(w[i : i + 2]) for w in words for i in range(len(w) - 1)))
        self.scanned = 0
        # Per request: what the user may see and the stored texts, so the tiers reading the same postings
        # (an exact name, then names containing the term) do not ask again.
        self.visible: dict[int, bool] = {}
        self.texts: dict[int, Texts] = {}

    def rarest(self) -> tuple[int, list[int]]:
        """The bigram with the fewest postings in the user's region, all kinds together (one capped count
        per bigram: a wrong guess for one kind costs reading, never a hit), and the others."""
        if len(self.codes) == 1:
            return self.codes[0], []
        counts = {g: Gram.objects.filter(gram=g, **self.where)[:RARITY_PROBE].count() for g in self.codes}
        rare = min(self.codes, key=lambda g: counts[g])
        return rare, [g for g in self.codes if g != rare]

    def postings(
        self, gram: int, kind: Kind, after: tuple[datetime.datetime, int] | None
    ) -> list[tuple[int, datetime.datetime]]:
        qs = Gram.objects.filter(gram=gram, kind=kind, **self.where)
        if after is not None:
            at, pk = after
            qs = qs.filter(Q(received_at__lt=at) | Q(received_at=at, matter_id__lt=pk))
        return list(qs.order_by("-received_at", "-matter_id").values_list("matter_id", "received_at")[:BATCH])

    def survivors(self, ids: list[int], kind: Kind, others: list[int]) -> set[int]:
        if others:
            ids = list(
                Gram.objects.filter(matter_id__in=ids, kind=kind, gram__in=others)
                .values("matter_id")
                .annotate(n=Count("gram"))
                .filter(n=len(others))
                .values_list("matter_id", flat=True)
            )
        unknown = [pk for pk in ids if pk not in self.visible]
        if unknown:
            seen = set(matters_for(self.user).filter(pk__in=unknown).values_list("pk", flat=True))
            self.visible.update((pk, pk in seen) for pk in unknown)
        return {pk for pk in ids if self.visible[pk]}

    def texts_of(self, ids: set[int]) -> dict[int, Texts]:
        missing = [pk for pk in ids if pk not in self.texts]
        if missing:
            self.texts.update((pk, found[0]) for pk, found in texts_for(missing).items())
        return {pk: self.texts[pk] for pk in ids if pk in self.texts}

    def run(self, after: Cursor | None) -> Result:
        hits: list[Hit] = []
        start = after.tier if after else 0
        rare, others = self.rarest()
        for tier in range(start, len(TIERS)):
            _, kind, exact = TIERS[tier]
            if exact and len(self.words) != 1:
                continue
            position = (after.received_at, after.matter_id) if after and tier == start else None
            while True:
                batch = self.postings(rare, kind, position)
                if not batch:
                    break
                self.scanned += len(batch)
                keep = self.survivors([pk for pk, _ in batch], kind, others)
                texts = self.texts_of(keep)
                for pk, at in batch:
                    if pk in texts and _best_tier(texts[pk], self.words) == tier:
                        hits.append(Hit(pk, tier))
                        if len(hits) == PAGE:
                            return Result(hits, Cursor(tier, at, pk))
                position = batch[-1][1], batch[-1][0]
                if len(batch) < BATCH:
                    break
                if self.scanned >= SCAN_LIMIT:
                    return Result(hits, Cursor(tier, position[0], position[1]))
        return Result(hits, None)


def search(user: User, term: str, after: Cursor | None = None) -> Result:
    """One page of the matters ``user`` may see whose names, summary, place, units or content contain
    ``term``, best tier first, newest first within a tier; ``after`` continues a previous page."""
    words = words_of(term)
    where = _range(user)
    if where is None:
        return Result([], None)
    return _Searcher(user, [w for w in words if len(w) >= 2] or words, where).run(after)

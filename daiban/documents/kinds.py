"""The registry of written instruments (文书种类).

Each kind says what it is called, which records of a matter it is issued for (its sources), who issues
it (the organisation whose number sequence it takes), the values it is rendered from, and whether the
petitioner signs it or is served with it. ``documents`` registers the kinds that come from the matter
itself (代办委托书, 受理回执, 告知书, 交办单, 意见书, 回访记录表); the apps above it register their own in
their ``AppConfig.ready`` (supervision: 督办单; mediation: 调解协议书), so this app never imports them::

    from daiban.documents import kinds

    kinds.register(kinds.Kind(key="supervision_order", label="督办单", code="督", ...))

A kind's ``sources(matter)`` lists the records it can be issued for (``Source.key`` like ``task:17``; ``""``
for the matter itself); ``data(matter, source_key)`` gives the plain values (strings, numbers, lists and
dicts of them) the template is rendered from. Those values are frozen into the document when it is
issued: the document never changes afterwards, however the matter goes on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from daiban.accounts.models import User
    from daiban.matters.models import Matter


@dataclass(frozen=True)
class Source:
    """A record of the matter that a document can be issued for."""

    key: str  # "" (the matter itself), "task:17", "opinion:4", "event:88", "order:3" …
    label: str  # what the list shows: 交办单 → 新城区住房和城乡建设局（主办）


@dataclass(frozen=True)
class Issuer:
    """The organisation that issues (and numbers) a document: a network office or a responsible unit."""

    key: str  # "region:150102" | "unit:17": the numbering sequence's owner, and who may issue
    name: str  # 呼和浩特市新城区信访代办中心
    abbr_of: Callable[[], str]  # 新信代: the 机关代字 of its numbers (worked out only when numbering)
    county_code: str  # whose templates it uses ("" for a city-level issuer: the default templates)

    @property
    def abbr(self) -> str:
        return self.abbr_of()


@dataclass(frozen=True)
class Kind:
    key: str  # "entrustment": also the template's file name (kinds/entrustment.html)
    label: str  # 代办委托书
    code: str  # the kind's character in the number: 新信代委〔2026〕3号
    order: int  # place in the matter's document list
    sources: Callable[[Matter], list[Source]]
    data: Callable[[Matter, str], dict[str, Any]]
    issuer: Callable[[Matter, str], Issuer]
    # May ``user`` issue it for this source? (scope to the matter is checked before.) None: whoever acts
    # on the matter (matters.rules.acts_on).
    may_issue: Callable[[User, Matter, str], bool] | None = None
    # Who signs it (the petitioner, the parties), from its frozen data: ["委托人 张三"]; each signs with a
    # finger on the agent's phone, or a scan of the paper-signed copy is uploaded instead. None: unsigned.
    signers: Callable[[dict[str, Any]], list[str]] | None = None
    # It is served on the petitioner (送达): when and how is recorded.
    served: bool = False
    # Responsible units see it (the opinions and orders they are party to); otherwise network staff only.
    units_see: bool = True
    # Only the network's own staff (agents, the city) see it — it carries the petitioner's lookup code.
    staff_only: bool = False
    # When its service was already recorded elsewhere (an opinion served on the matter page), that date:
    # the document then needs no service of its own. None: only the document's own service counts.
    served_elsewhere: Callable[[Matter, str], datetime.date | None] | None = None
    # May ``user`` record its service? (beyond acting on the matter). None: whoever acts on the matter.
    may_serve: Callable[[User, Matter, str], bool] | None = None
    # After its service is recorded, what happens on the matter (the review window opens from it):
    # ``on_served(actor, matter, source_key, served_on, manner, note)`` runs inside the service action's
    # transaction; raising an ActionError or ValidationError undoes the service record.
    on_served: Callable[..., None] | None = None
    # Why this issued document may not be cancelled (a signed agreement in force), or None.
    refuse_cancel: Callable[[Any], str | None] | None = None
    # After it is signed (finger or scan), inside the signing transaction: ``on_signed(actor, document)``.
    on_signed: Callable[..., None] | None = None


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


@contextmanager
def reading(matter: Any) -> Iterator[None]:
    """Within the block, the kinds' source hooks may keep what they read of ``matter`` on it (``cache``),
    so a page listing every kind's sources reads the matter's tasks, opinions, events … once. Outside it
    nothing is kept: a hook never sees stale records after a change."""
    setattr(matter, _CACHE, {})
    try:
        yield
    finally:
        delattr(matter, _CACHE)


def cache(matter: Any) -> dict[str, Any] | None:
    """The matter's cache while ``reading`` it, or None."""
    found: dict[str, Any] | None = getattr(matter, _CACHE, None)
    return found


_CACHE = "_documents_kinds_cache"

"""What every import kind shares: a problem in the report, reading one row's cells, finding a region."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from daiban.accounts.models import User
from daiban.exchange.imports.cells import CellError, digits_text, text
from daiban.exchange.imports.columns import HeaderMap
from daiban.network import jurisdiction
from daiban.regions.models import Region

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based row in the sheet (0: the file as a whole)
    column: str  # the header as written in the file ("" when no single column)
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matter_ids: list[int] = field(default_factory=list)


class RowFailed(Exception):
    """Raised inside the writing transaction: the whole import is rolled back and this is reported."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def messages_of(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


class Row:
    """One data row: its cells by column key, and the problems found while reading them."""

    def __init__(self, number: int, cells: list[object], headers: HeaderMap, problems: list[Problem]):
        self.number = number
        self.cells = cells
        self.headers = headers
        self.problems = problems
        self.ok = True

    def has(self, key: str) -> bool:
        return key in self.headers.positions

    def raw(self, key: str) -> object:
        position = self.headers.positions.get(key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def header(self, key: str) -> str:
        return self.headers.written.get(key, "")

    def problem(self, key: str, reason: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.number, self.header(key), reason))

    def read(self, key: str, parser: Callable[[object], T], default: T) -> T:
        """The cell parsed, or ``default`` (with a problem recorded) when it cannot be read."""
        try:
            return parser(self.raw(key))
        except CellError as exc:
            self.problem(key, exc.reason)
            return default

    def text(self, key: str, max_length: int, *, required: str = "") -> str:
        before = len(self.problems)
        value = self.read(key, lambda v: text(v, max_length=max_length), "")
        if required and not value and len(self.problems) == before:
            self.problem(key, f"请填写{required}。")
        return value


class RegionFinder:
    """A region by its code (6, 9 or 12 digits, trailing zeros optional) or by a name unique in the
    importer's scope; each answer remembered for the rest of the file."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.scope = jurisdiction.regions_for(actor)
        self._cache: dict[str, Region | str] = {}

    def find(self, raw: object) -> Region | str:
        """The region, or the Chinese reason it cannot be used."""
        try:
            value = digits_text(raw)
        except CellError as exc:
            return exc.reason
        if not value:
            return "请填写区划代码或区划名称。"
        if value not in self._cache:
            self._cache[value] = self._find(value)
        return self._cache[value]

    def _find(self, value: str) -> Region | str:
        if value.isascii() and value.isdigit():
            variants = {value}
            if len(value) < 12:
                variants.add(value.ljust(12, "0"))
            stripped = value
            while len(stripped) > 6 and stripped.endswith("000"):
                stripped = stripped[:-3]
                variants.add(stripped)
            region = Region.objects.filter(code__in=variants).order_by("-level").first()
            if region is None:
                return "找不到该区划代码。"
            if not self.scope.filter(pk=region.pk).exists():
                return f"“{region.name}”不在您的管辖范围内。"
            return region
        if len(value) > 40:
            return "找不到该区划。"
        found = list(self.scope.filter(name=value)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return "您的辖区内有同名的区划，请改填区划代码。"
        if Region.objects.filter(name=value).exists():
            return f"“{value}”不在您的管辖范围内。"
        return "找不到该区划，请填写区划代码。"

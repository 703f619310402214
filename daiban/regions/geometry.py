"""Jurisdiction geometry on materialised region paths — the one place that compares path strings.

A region's ``path`` is the codes of its ancestors and itself, each followed by ``/``:
``"150100/150102/150102401000/"`` is a township (市 / 县 / 乡). Models that belong to a region copy that
path into ``region_path``. Every question of the form "does A lie inside B", "which levels lie between",
"which child of B leads to A" is answered here, by pure functions on strings (no database), and the two
query builders at the end turn the same geometry into indexed filters.

A path that does not end in ``/`` (including ``""`` and ``None``) is not a region: it contains nothing and
lies inside nothing. That keeps a half-built or blank path from ever matching by accident (``"15010"`` is
a string prefix of ``"150100/"``, but not a region above it).
"""

from __future__ import annotations

from django.db.models import Q

SEPARATOR = "/"

# Sorts after every character used in paths (digits and "/"), so [prefix, prefix + SENTINEL) is the subtree.
PATH_SENTINEL = "~"


def is_path(path: str | None) -> bool:
    """Whether ``path`` is a well-formed region path: non-empty, every code followed by ``/``."""
    if not path or not path.endswith(SEPARATOR):
        return False
    return all(path.split(SEPARATOR)[:-1])


def contains(outer: str | None, inner: str | None) -> bool:
    """Whether ``inner`` lies in the subtree of ``outer`` (``outer`` itself included).

    An empty, missing or malformed ``outer`` contains nothing, so a user without a grant reaches nothing.
    """
    if outer is None or inner is None or not is_path(outer) or not is_path(inner):
        return False
    return inner.startswith(outer)


def strictly_contains(outer: str | None, inner: str | None) -> bool:
    """Whether ``inner`` lies below ``outer`` (in its subtree, but not ``outer`` itself)."""
    return contains(outer, inner) and inner != outer


def child_path(parent: str | None, code: str) -> str:
    """The path of the region ``code`` under ``parent`` (a root region when ``parent`` is empty)."""
    if not code or SEPARATOR in code:
        raise ValueError(f"not a region code: {code!r}")
    return (parent or "") + code + SEPARATOR


def codes(path: str | None) -> list[str]:
    """The region codes along ``path``, from the city down: ``"150100/150102/"`` → ``["150100", "150102"]``."""
    return [code for code in (path or "").split(SEPARATOR) if code]


def county_code(path: str | None) -> str:
    """The code of the county a path lies in (the city's own code for the city; "" for no path)."""
    found = codes(path)
    return found[1] if len(found) > 1 else (found[0] if found else "")


def depth(path: str | None) -> int:
    """How deep ``path`` lies: city 1, county 2, township 3, village 4 (0 for no path)."""
    return len(codes(path))


def ancestor_paths(path: str | None) -> list[str]:
    """The paths from the root down to ``path`` itself, each ending with ``/``:
    ``"150100/150102/"`` → ``["150100/", "150100/150102/"]``."""
    result: list[str] = []
    current = ""
    for code in codes(path):
        current += code + SEPARATOR
        result.append(current)
    return result


def levels_between(upper: str, lower: str) -> int:
    """How many levels ``lower`` lies below ``upper`` (0 when they are the same region).

    Raises ``ValueError`` when ``lower`` is not inside ``upper``: the distance between two unrelated
    regions is not a number of levels.
    """
    if not contains(upper, lower):
        raise ValueError(f"{lower!r} does not lie inside {upper!r}")
    return depth(lower) - depth(upper)


def child_towards(upper: str | None, lower: str | None) -> str | None:
    """The path of ``upper``'s child on the way down to ``lower``, or ``None`` when ``lower`` is not
    strictly below ``upper``: ``child_towards("1/", "1/2/3/") == "1/2/"``."""
    if not strictly_contains(upper, lower):
        return None
    return ancestor_paths(lower)[depth(upper)]


def subtree_q(prefix: str, field: str = "region_path") -> Q:
    """A filter for rows whose ``field`` lies in the subtree whose path is ``prefix`` (``contains`` as a
    query). Written as a range rather than ``startswith`` so that both databases use the B-tree index.

    A malformed ``prefix`` (empty, or not ending with ``/``) matches nothing, as in ``contains``.
    """
    if not is_path(prefix):
        return Q(pk__in=[])
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + PATH_SENTINEL})


def at_or_above_q(path: str | None, field: str = "region_path") -> Q:
    """A filter for rows whose ``field`` is ``path`` or one of its ancestors (``contains(row, path)``)."""
    return Q(**{f"{field}__in": ancestor_paths(path) if is_path(path) else []})

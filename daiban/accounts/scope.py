"""Moved: the scope selectors are ``daiban.network.jurisdiction`` now.

This shim only keeps the daiban/matters modules that still import ``daiban.accounts.scope`` working while
they are rewired. It is the one place where ``accounts`` imports ``network`` (an exception the layering
contract in pyproject.toml names); delete it once ``grep -rn "accounts.scope" daiban tests`` finds nothing.
"""

from __future__ import annotations

from daiban.network.jurisdiction import (
    NOTHING,
    agents_for,
    get_or_404,
    in_scope_q,
    organizations_for,
    regions_for,
    scope_path,
    units_for,
    users_for,
)

__all__ = [
    "NOTHING",
    "agents_for",
    "get_or_404",
    "in_scope_q",
    "organizations_for",
    "regions_for",
    "scope_path",
    "units_for",
    "users_for",
]

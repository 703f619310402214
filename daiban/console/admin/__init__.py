"""Every admin registration of the project (found by ``admin.autodiscover`` through this package)."""

from daiban.console.admin import accounts, network, pii, regions, workcal

__all__ = ["accounts", "network", "pii", "regions", "workcal"]

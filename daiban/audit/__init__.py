"""The security audit log (安全审计, 等保2.0 第三级): an append-only, hash-chained record of security events.

Call ``record(action, request=..., user=..., outcome=..., target=..., detail=...)`` from anywhere (this app
sits just above ``daiban.core``). See ``daiban/audit/api.py`` and docs/security.md.
"""

from daiban.audit.api import ACTIONS, OUTCOMES, record

__all__ = ["ACTIONS", "OUTCOMES", "record"]

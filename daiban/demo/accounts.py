"""The demo accounts (``data/accounts.csv``): every role, at several levels, sharing one password.

Agent roles are linked to the first agent of the organisation in their region, whose name becomes the
account holder's (see ``daiban.demo.network.load``).
"""

from __future__ import annotations

from dataclasses import dataclass

from daiban.accounts.models import Role
from daiban.demo.files import optional_bool, read_csv

DEMO_PASSWORD = "daiban-demo-2026"  # noqa: S105 - shared by the demo accounts only, printed by demo_logins


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    region_code: str
    person: str
    post: str
    unit_name: str | None = None
    is_staff: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.person}（{self.post}）"


def read_accounts(name: str = "accounts.csv") -> tuple[DemoAccount, ...]:
    return tuple(
        DemoAccount(
            username=row["username"],
            role=Role(row["role"]),
            region_code=row["region_code"],
            person=row["person"],
            post=row["post"],
            unit_name=row["unit_name"] or None,
            is_staff=bool(optional_bool(row["is_staff"])),
        )
        for row in read_csv(name)
    )


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = read_accounts()

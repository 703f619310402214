"""Test helpers: build real ID numbers with an independently computed check digit."""

from __future__ import annotations

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the GB 11643 weights 7, 9, 10, 5, ...
CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def make_id(region: str = "150102", birth: str = "19900101", seq: str = "123") -> str:
    first17 = region + birth + seq
    return first17 + check_digit(first17)


def find_id_with_check(check: str, region: str = "150102", birth: str = "19900307") -> str:
    """A valid ID number whose check character is ``check`` (e.g. "X")."""
    for seq in range(1000):
        number = make_id(region, birth, f"{seq:03d}")
        if number[-1] == check:
            return number
    raise AssertionError(f"no sequence gives check character {check}")

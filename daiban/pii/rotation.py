"""Re-encrypt and re-index personal data under the current key and algorithms while the site runs
(``manage.py rotate_keys``; docs/adr/0026-sm4-gcm-sm3-key-rotation.md, README "运维：密钥轮换").

What is rotated is found, not listed: every concrete model's ``EncryptedTextField`` columns, each with its
``<base>_hash`` ``BlindIndexField`` when there is one (the kind follows the base name: ``…id_number`` → "id",
``…phone`` → "phone"), and every file of the default storage when it encrypts (``EncryptedStorageMixin``: on
disk or in an S3 bucket, docs/adr/0041-encrypted-object-storage.md). A ``BlindIndexField`` without a
ciphertext beside it (a short-lived SMS code's phone hash) cannot be recomputed and is reported as skipped.

Safety while the site writes: rows are taken in primary-key order, ``batch_size`` at a time, each batch in its
own short transaction that locks its rows (``select_for_update``; SQLite serialises writers anyway) and writes
each row with a compare-and-set on the values it read, so a save by the site in between is never overwritten
(the row is counted as ``changed`` and checked again by the verification pass; the site writes under the
current key, so it needs nothing more). A value already under the current key and algorithm is left alone, so
the command can be stopped and run again at any time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction

from daiban.pii import crypto
from daiban.pii.fields import ENC_SUFFIX, HASH_SUFFIX, BlindIndexField, EncryptedTextField
from daiban.pii.storage import EncryptedStorageMixin


@dataclass(frozen=True)
class Column:
    base: str
    enc: str
    hash: str | None
    kind: str | None


@dataclass
class Plan:
    model: type[models.Model]
    columns: list[Column]
    hash_only: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label


@dataclass
class Counts:
    rows: int = 0  # rows looked at
    rewritten: int = 0  # rows written (or, in a dry run, that would be)
    changed: int = 0  # rows the site changed between read and write: left to the verification pass
    conflicts: list[str] = field(default_factory=list)  # unique-constraint collisions (a duplicate person)
    unreadable: list[str] = field(default_factory=list)  # tokens no configured key opens


@dataclass
class Report:
    models: dict[str, Counts] = field(default_factory=dict)
    files: int = 0
    files_rewritten: int = 0
    files_unreadable: list[str] = field(default_factory=list)
    hash_only: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        rows = sum(c.rewritten + c.changed for c in self.models.values())
        return rows + self.files_rewritten


def kind_for(base: str) -> str | None:
    if base.endswith("id_number"):
        return "id"
    if base.endswith("phone"):
        return "phone"
    return None


def discover() -> list[Plan]:
    """Every model holding encrypted or blind-indexed columns."""
    plans: list[Plan] = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        names = {f.name: f for f in meta.concrete_fields}
        columns: list[Column] = []
        paired: set[str] = set()
        for name, f in names.items():
            if isinstance(f, EncryptedTextField) and name.endswith(ENC_SUFFIX):
                base = name[: -len(ENC_SUFFIX)]
                hash_name = base + HASH_SUFFIX
                has_hash = isinstance(names.get(hash_name), BlindIndexField)
                kind = kind_for(base) if has_hash else None
                if has_hash and kind is None:
                    raise LookupError(
                        f"{meta.label}.{hash_name}: cannot tell the blind index kind from the name"
                    )
                columns.append(Column(base, name, hash_name if has_hash else None, kind))
                if has_hash:
                    paired.add(hash_name)
        hash_only = [
            f"{meta.label}.{name}"
            for name, f in names.items()
            if isinstance(f, BlindIndexField) and name not in paired
        ]
        if columns or hash_only:
            plans.append(Plan(model, columns, hash_only))
    return plans


def _updates(row: models.Model, columns: list[Column], counts: Counts) -> dict[str, str]:
    """The new values a row needs (empty when it is current)."""
    new: dict[str, str] = {}
    for col in columns:
        token = getattr(row, col.enc)
        if not token:
            continue
        try:
            plain = crypto.decrypt(token)
        except crypto.DecryptionError:
            counts.unreadable.append(f"#{row.pk} {col.base}")
            continue
        if not crypto.is_current(token):
            new[col.enc] = crypto.encrypt(plain)
        if col.hash and col.kind and getattr(row, col.hash):
            digest = crypto.blind_index(col.kind, plain)
            if getattr(row, col.hash) != digest:
                new[col.hash] = digest
    return new


def _batches(plan: Plan, batch_size: int) -> Iterator[list[object]]:
    manager = plan.model._base_manager
    last = None
    while True:
        qs = manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        pks = list(qs.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last = pks[-1]
        yield pks


def rotate_model(
    plan: Plan,
    *,
    batch_size: int,
    dry_run: bool,
    progress: Callable[[str], None] = lambda _: None,
) -> Counts:
    counts = Counts()
    if not plan.columns:
        return counts
    fields = [c.enc for c in plan.columns] + [c.hash for c in plan.columns if c.hash]
    manager = plan.model._base_manager
    for pks in _batches(plan, batch_size):
        # A dry run (and the verification pass) only reads: no transaction, no lock (SQLite's IMMEDIATE mode
        # would take the database's write lock at BEGIN).
        with contextlib.nullcontext() if dry_run else transaction.atomic():
            qs = manager.filter(pk__in=pks).only("pk", *fields).order_by("pk")
            rows = list(qs if dry_run else qs.select_for_update())
            for row in rows:
                counts.rows += 1
                new = _updates(row, plan.columns, counts)
                if not new:
                    continue
                if dry_run:
                    counts.rewritten += 1
                    continue
                seen = {name: getattr(row, name) for name in new}
                try:
                    with transaction.atomic():
                        done = manager.filter(pk=row.pk, **seen).update(**new)
                except IntegrityError:
                    counts.conflicts.append(f"#{row.pk}")
                    continue
                if done:
                    counts.rewritten += 1
                else:
                    counts.changed += 1
        progress(f"{plan.label}: {counts.rows} 行已检查，{counts.rewritten} 行已更新")
    return counts


def rotate_files(report: Report, *, dry_run: bool, progress: Callable[[str], None] = lambda _: None) -> None:
    storage = default_storage
    if not isinstance(storage, EncryptedStorageMixin):
        return
    for name in storage.walk():
        report.files += 1
        try:
            state = storage.key_state(name)
            if state == "current":
                continue
            if not dry_run:
                storage.reencrypt(name)
        except FileNotFoundError:
            report.files -= 1  # deleted by the site meanwhile
            continue
        except OSError:
            report.files_unreadable.append(name)
            continue
        report.files_rewritten += 1
        if report.files_rewritten % 100 == 0:
            progress(f"附件：{report.files} 个已检查，{report.files_rewritten} 个已重新加密")


def rotate(
    *, batch_size: int = 500, dry_run: bool = False, progress: Callable[[str], None] = lambda _: None
) -> Report:
    """One pass over every encrypted column and stored file (see the module docstring)."""
    report = Report()
    for plan in discover():
        report.hash_only += plan.hash_only
        if plan.columns:
            report.models[plan.label] = rotate_model(
                plan, batch_size=batch_size, dry_run=dry_run, progress=progress
            )
    rotate_files(report, dry_run=dry_run, progress=progress)
    return report


def remaining(batch_size: int = 500) -> Report:
    """What still needs an old key or algorithm (a dry run): all zero means the old keys may go."""
    return rotate(batch_size=batch_size, dry_run=True)

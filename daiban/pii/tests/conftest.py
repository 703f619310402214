from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from daiban.pii.fields import BlindIndexField, EncryptedTextField, IdNumberFieldsMixin, PhoneFieldsMixin


@pytest.fixture(scope="session")
def person_model() -> Iterator[Any]:
    """A concrete model following the documented pattern, in an isolated app registry, so it adds no
    migration and is invisible to the rest of the project."""
    with isolate_apps("daiban.pii"):

        class Person(IdNumberFieldsMixin, PhoneFieldsMixin, models.Model):
            name = models.CharField(max_length=20)
            contact_phone_enc = EncryptedTextField("联系人电话（密文）")
            contact_phone_hash = BlindIndexField("联系人电话检索索引")

            class Meta:
                app_label = "pii"

            def __str__(self) -> str:
                return self.name

        yield Person


@pytest.fixture(scope="session")
def person_table(person_model: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The test model's table, created once outside any transaction (SQLite cannot change its schema inside
    the per-test transaction), so the tests using it stay ordinary rolled-back ``db`` tests."""

    def drop_if_exists() -> None:
        if person_model._meta.db_table in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.delete_model(person_model)

    with django_db_blocker.unblock():
        drop_if_exists()
        with connection.schema_editor() as editor:
            editor.create_model(person_model)
    yield person_model
    with django_db_blocker.unblock():
        drop_if_exists()

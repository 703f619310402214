from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models
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

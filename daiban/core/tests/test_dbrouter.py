"""The read replica (daiban.core.dbrouter) against a second, real database on this machine.

The module sets up the replica once: another database of the same kind as the suite's (a second SQLite file,
or another PostgreSQL database on the same server) with the project's tables, reached through the alias
``replica`` exactly as ``DATABASE_REPLICA_URL`` would make it. Each test copies the primary's rows into it
(``replica.sync()``: what streaming replication does continuously) and then changes the primary alone, so a
page that shows the new row read the primary and a page that does not read the replica. The queries each
connection ran are captured beside.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.core import dbrouter
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import frozen, intake
from daiban.regions.models import Level, Region

# Not "replica": a suite run with DATABASE_REPLICA_URL set has that alias (a MIRROR) in DATABASES already.
ALIAS = "replica_under_test"
ROOT = Path(__file__).resolve().parents[3]


def _models(*, auto_created: bool = True) -> list[Any]:
    """The project's tables' models; ``auto_created``: with the many-to-many tables (which create_model
    makes along with their model)."""
    out = []
    for model in apps.get_models(include_auto_created=auto_created):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            out.append(model)
    return out


@dataclass
class Replica:
    alias: str

    @property
    def connection(self) -> Any:
        return connections[self.alias]

    def sync(self) -> None:
        """Make the replica a copy of the primary as it is now (the test's own uncommitted rows included)."""
        primary, replica = connections[DEFAULT_DB_ALIAS], self.connection
        with transaction.atomic(using=self.alias), replica.cursor() as out, primary.cursor() as source:
            for model in _models():
                table = replica.ops.quote_name(model._meta.db_table)
                columns = [f.column for f in model._meta.local_concrete_fields]
                names = ", ".join(replica.ops.quote_name(c) for c in columns)
                out.execute(f"DELETE FROM {table}")
                source.execute(f"SELECT {names} FROM {table}")
                rows = [tuple(_adapt(replica, v) for v in row) for row in source.fetchall()]
                if rows:
                    marks = ", ".join(["%s"] * len(columns))
                    out.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _adapt(connection: Any, value: Any) -> Any:
    """A value as read by a bare cursor, ready to be written back (psycopg reads jsonb as dicts and lists
    but writes those only through its Jsonb wrapper)."""
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _settings_for(name: str) -> dict[str, Any]:
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return {**primary, "NAME": name, "TEST": {**primary.get("TEST", {}), "MIRROR": None}}


@pytest.fixture(scope="module")
def _replica_database(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replica]:
    """A second database with the project's tables, installed as the connection ``ALIAS`` (a connection
    made here, not in DATABASES: the test case's guards leave it alone)."""
    with django_db_blocker.unblock():
        primary = connections[DEFAULT_DB_ALIAS]
        if primary.vendor == "sqlite":
            name = str(tmp_path_factory.mktemp("replica") / "replica.sqlite3")
        else:
            name = f"{primary.settings_dict['NAME']}_replica"[:63]
            with primary._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        settings_dict = _settings_for(name)
        connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALIAS)
        connections[ALIAS] = connection
        with connection.schema_editor() as editor:
            for model in _models(auto_created=False):
                editor.create_model(model)
    try:
        yield Replica(ALIAS)
    finally:
        with django_db_blocker.unblock():
            connection.close()
            del connections[ALIAS]
            if primary.vendor != "sqlite":
                with primary._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def replica(_replica_database: Replica, db: None, settings: Any) -> Replica:
    settings.READ_REPLICA_ALIAS = ALIAS
    settings.READ_REPLICA_STICKY_SECONDS = 5
    return _replica_database


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _matter(tree: Tree, personas: Personas, title: str, n: int) -> Matter:
    with frozen(2026, 11, 2 + n):
        return intake(
            personas.village_agent,
            tree.village_a1x,
            title=title,
            petitioners=[PetitionerInput(name=f"李{n}", phone=f"139047{n:05d}", group="resident")],
            new_matter_reason="新问题",
        )


def _tables(ctx: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in ctx.captured_queries)


def _read(client: Client, url: str, replica: Replica) -> tuple[str, str, str]:
    """The page, and the SQL the primary and the replica ran for it."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(replica.connection) as on_replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), _tables(on_primary), _tables(on_replica)


# ----------------------------------------------------------------------------------------------- pages


def test_the_matter_list_reads_the_replica_and_after_a_write_the_primary(
    replica: Replica, tree: Tree, personas: Personas
) -> None:
    old = _matter(tree, personas, "复制到备库的事项", 1)
    replica.sync()
    new = _matter(tree, personas, "只在主库的事项", 2)  # the replica is "behind": it has not got this one yet
    client = _client(personas.county_staff)
    url = reverse("matter_list")

    page, on_primary, on_replica = _read(client, url, replica)
    assert old.number in page and new.number not in page
    assert '"matters_matter"' in on_replica and '"matters_matter"' not in on_primary
    assert '"django_session"' in on_primary and '"django_session"' not in on_replica

    # The person's own write: their next pages read the primary, and show it.
    client.post(reverse("matter_list"))
    page, on_primary, on_replica = _read(client, url, replica)
    assert old.number in page and new.number in page
    assert on_replica == "" and '"matters_matter"' in on_primary

    # Some seconds later the replica has caught up: back to it.
    session = client.session
    session[dbrouter.WROTE_AT] = time.time() - 6
    session.save()
    page, on_primary, on_replica = _read(client, url, replica)
    assert '"matters_matter"' in on_replica and '"matters_matter"' not in on_primary


def test_the_statistics_read_the_replica(replica: Replica, tree: Tree, personas: Personas) -> None:
    _matter(tree, personas, "统计用事项", 3)
    replica.sync()
    client = _client(personas.leader)
    query = "?period=month&year=2026&month=11"
    _page, on_primary, on_replica = _read(client, reverse("stats:dashboard") + query, replica)
    assert '"stats_' in on_replica and '"stats_' not in on_primary
    assert '"matters_matter"' not in on_primary


def test_the_monthly_report_reads_its_figures_from_the_replica(
    replica: Replica, tree: Tree, personas: Personas
) -> None:
    replica.sync()
    client = _client(personas.leader)
    url = reverse("exchange:monthly_report") + f"?region={tree.county_a.code}&month=2026-06&format=xlsx"
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(replica.connection) as on_replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert '"stats_' in _tables(on_replica) and '"stats_' not in _tables(on_primary)
    # Its audit record is written (and its chain head read) on the primary.
    assert '"audit_' in _tables(on_primary) and '"audit_' not in _tables(on_replica)


def test_a_page_without_replica_reads_reads_the_primary(replica: Replica, personas: Personas) -> None:
    replica.sync()
    client = _client(personas.county_staff)
    _page, on_primary, on_replica = _read(client, reverse("home"), replica)
    assert on_replica == "" and on_primary


# ----------------------------------------------------------------------------------------------- router


def test_writes_and_transactions_go_to_the_primary(replica: Replica, tree: Tree) -> None:
    replica.sync()
    with dbrouter.replica_reads():
        assert Region.objects.filter(code="150102").exists()  # read from the replica (synced)
        made = Region.objects.create(code="150103", name="回民区", level=Level.COUNTY, parent=tree.city)
        # Not on the replica (never written there), on the primary.
        assert not Region.objects.filter(pk=made.pk).exists()
        assert Region.objects.using(DEFAULT_DB_ALIAS).filter(pk=made.pk).exists()
        with transaction.atomic():
            # Inside a transaction every read is the primary's: an action reads what it locks.
            assert Region.objects.filter(pk=made.pk).exists()
            assert Region.objects.select_for_update().get(pk=made.pk).name == "回民区"
        # An object read from the replica is saved to the primary.
        county = Region.objects.get(code="150102")
        assert county._state.db == ALIAS
        county.name = "新城区（改）"
        county.save(update_fields=["name"])
    assert Region.objects.get(code="150102").name == "新城区（改）"
    assert Region.objects.using(ALIAS).get(code="150102").name == "新城区"


def test_outside_a_block_nothing_reads_the_replica(replica: Replica, tree: Tree) -> None:
    replica.sync()
    with CaptureQueriesContext(replica.connection) as on_replica:
        assert Region.objects.filter(code="150102").exists()
        with dbrouter.replica_reads():
            pass
        assert Region.objects.count() > 1
    assert on_replica.captured_queries == []


def test_migrations_only_on_the_primary(replica: Replica) -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "matters", model_name="matter")
    assert not router.allow_migrate(ALIAS, "matters", model_name="matter")
    assert not router.allow_migrate_model(ALIAS, Matter)


def test_no_replica_when_unset_or_the_primary_itself(settings: Any) -> None:
    settings.READ_REPLICA_ALIAS = ""
    assert dbrouter.replica_alias() is None
    # A mirror (the suite's DATABASE_REPLICA_URL): the same database as the primary, so not used.
    primary = connections[DEFAULT_DB_ALIAS]
    connections["mirror"] = load_backend(primary.settings_dict["ENGINE"]).DatabaseWrapper(
        primary.settings_dict, "mirror"
    )
    try:
        settings.READ_REPLICA_ALIAS = "mirror"
        assert dbrouter.replica_alias() is None
        with dbrouter.replica_reads():
            assert router.db_for_read(Matter) == DEFAULT_DB_ALIAS
    finally:
        del connections["mirror"]


# --------------------------------------------------------------------------------------------- settings


def test_settings_read_the_replica_and_redis_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAIBAN_", "DATABASE_", "REDIS_"))}
    env.update(
        DAIBAN_ENV_FILE="/nonexistent",
        DAIBAN_DEBUG="1",
        DJANGO_SETTINGS_MODULE="daiban.settings",
        DATABASE_URL="postgres://daiban@db-primary:5432/daiban",
        DATABASE_REPLICA_URL="postgres://daiban_ro@db-replica:5432/daiban",
        REDIS_URL="redis://cache:6379/0",
        DAIBAN_REPLICA_STICKY_SECONDS="8",
    )
    code = (
        "from django.conf import settings as s;"
        "r = s.DATABASES['replica'];"
        "print(r['HOST'], r['USER'], r['TEST']['MIRROR'], s.READ_REPLICA_ALIAS, s.READ_REPLICA_STICKY_SECONDS,"
        " s.DATABASE_ROUTERS[0], s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'],"
        " s.HUEY['huey_class'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "db-replica",
        "daiban_ro",
        "default",
        "replica",
        "8",
        "daiban.core.dbrouter.ReplicaRouter",
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache:6379/0",
        "huey.RedisHuey",
    ]

"""The database guard: triggers that refuse UPDATE, DELETE and TRUNCATE of audit records.

The only deletion allowed is the retention purge's, and only of records that

* lie before the anchor the purge wrote into the head row first (``seq < anchor_seq``),
* were exported already (``seq <= exported_seq``), and
* are older than 184 days by the database's own clock (the legal minimum, whatever the setting says);

on PostgreSQL, additionally, only in a transaction that ran ``SET LOCAL daiban.audit_purge = 'on'``.
Everything else raises in the database, whatever the application (or a person with its credentials) sends.
A role that owns the table can still drop the trigger: production runs the site with a role that does not
own it (README, operations), and the hash chain detects what the trigger could not stop.

Installed by migration 0002 unless ``DAIBAN_AUDIT_DB_GUARD`` is off (the test settings turn it off, because a
transactional test's teardown empties every table; the guard's own tests install it).
"""

from __future__ import annotations

from typing import Any

MIN_DAYS = 184  # written out in the SQL below: a constant, never a parameter

_PG_INSTALL = """
CREATE OR REPLACE FUNCTION daiban_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        AND current_setting('daiban.audit_purge', true) = 'on'
        AND OLD.seq < (SELECT anchor_seq FROM audit_audithead WHERE id = 1)
        AND OLD.seq <= (SELECT exported_seq FROM audit_audithead WHERE id = 1)
        AND OLD.at < now() - interval '184 days'
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS daiban_audit_guard_rows ON audit_auditrecord;
CREATE TRIGGER daiban_audit_guard_rows BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION daiban_audit_guard();
DROP TRIGGER IF EXISTS daiban_audit_guard_truncate ON audit_auditrecord;
CREATE TRIGGER daiban_audit_guard_truncate BEFORE TRUNCATE ON audit_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION daiban_audit_guard();
"""

_PG_REMOVE = """
DROP TRIGGER IF EXISTS daiban_audit_guard_rows ON audit_auditrecord;
DROP TRIGGER IF EXISTS daiban_audit_guard_truncate ON audit_auditrecord;
DROP FUNCTION IF EXISTS daiban_audit_guard();
"""

_SQLITE_INSTALL = (
    "DROP TRIGGER IF EXISTS daiban_audit_no_update",
    """CREATE TRIGGER daiban_audit_no_update BEFORE UPDATE ON audit_auditrecord
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only (UPDATE refused)'); END""",
    "DROP TRIGGER IF EXISTS daiban_audit_no_delete",
    """CREATE TRIGGER daiban_audit_no_delete BEFORE DELETE ON audit_auditrecord
    WHEN NOT (
        OLD.seq < (SELECT anchor_seq FROM audit_audithead WHERE id = 1)
        AND OLD.seq <= (SELECT exported_seq FROM audit_audithead WHERE id = 1)
        AND OLD.at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-184 days')
    )
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only (DELETE refused)'); END""",
)

_SQLITE_REMOVE = (
    "DROP TRIGGER IF EXISTS daiban_audit_no_update",
    "DROP TRIGGER IF EXISTS daiban_audit_no_delete",
)


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE_INSTALL:
                cursor.execute(statement)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE_REMOVE:
                cursor.execute(statement)


def allow_purge(connection: Any) -> None:
    """Inside the purge's transaction: the session setting the PostgreSQL trigger asks for."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL daiban.audit_purge = 'on'")

"""The two database engines a backup knows: SQLite (a file) and PostgreSQL (pg_dump / pg_restore).

A ``Target`` names a database by its Django settings dict (``ENGINE``, ``NAME``, ``USER``, ...). Snapshots
and table counts are taken consistently: SQLite through the online backup API into a separate file, counted
in that copy; PostgreSQL in one REPEATABLE READ transaction whose exported snapshot ``pg_dump`` also uses.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import dj_database_url
import psycopg

from daiban.pii.log_filters import redact

SQLITE: Final = "sqlite"
POSTGRES: Final = "postgresql"
_PG_TIMEOUT_SECONDS: Final = 6 * 3600


class DatabaseError(Exception):
    """A backup or restore step on a database failed (message in Chinese and English)."""


@dataclass(frozen=True)
class Target:
    engine: str  # SQLITE or POSTGRES
    settings: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.settings.get("NAME") or "")

    def describe(self) -> str:
        if self.engine == SQLITE:
            return self.name
        host = self.settings.get("HOST") or "localhost"
        return f"postgresql://{host}:{self.settings.get('PORT') or 5432}/{self.name}"  # never the password


def target_from_settings(settings_dict: dict[str, Any]) -> Target:
    engine = str(settings_dict.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return Target(SQLITE, dict(settings_dict))
    if "postgresql" in engine:
        return Target(POSTGRES, dict(settings_dict))
    raise DatabaseError(f"不支持的数据库引擎 {engine}。 Unsupported database engine {engine}.")


def parse_target(text: str) -> Target:
    """``--into``: a DATABASE_URL (postgres://…, sqlite:///…) or a path of an SQLite file."""
    if "://" in text:
        try:
            return target_from_settings(dict(dj_database_url.parse(text)))
        except ValueError as exc:
            raise DatabaseError(f"无法识别的数据库地址。 Cannot parse the database URL: {exc}") from None
    return Target(SQLITE, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(text).resolve())})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_sql(table: str) -> str:
    return f"SELECT count(*) FROM {_quote(table)}"  # noqa: S608 - a quoted name read from the catalog


# ---------------------------------------------------------------------------------------------- SQLite


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(_count_sql(t)).fetchone()[0] for t in _sqlite_tables(conn)}


def sqlite_snapshot(source: Path, dest: Path) -> dict[str, int]:
    """Copy a live SQLite database with the online backup API (consistent while others write) into a
    standalone file (rollback journal, not WAL), check it, and count its tables."""
    if not source.is_file():
        raise DatabaseError(f"数据库文件不存在：{source}。 Database file not found.")
    with closing(sqlite3.connect(source, timeout=60)) as src, closing(sqlite3.connect(dest)) as dst:
        # One step (pages=-1): a single read transaction, which in WAL mode does not block writers; copying
        # in several steps would restart whenever another connection writes, possibly forever on a busy site.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DatabaseError("数据库副本校验失败。 The database copy fails its integrity check.")
    return sqlite_counts(dest)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as conn:
        return not _sqlite_tables(conn)


def _sqlite_restore(snapshot: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".restoring")
    shutil.copyfile(snapshot, staging)
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(staging, path)


# ---------------------------------------------------------------------------------------------- PostgreSQL


def _conninfo(target: Target, dbname: str | None = None) -> dict[str, Any]:
    s = target.settings
    params: dict[str, Any] = {"dbname": dbname or target.name}
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if s.get(key):
            params[param] = str(s[key])
    return params


def pg_connect(target: Target, dbname: str | None = None, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(**_conninfo(target, dbname), **kwargs)


def _pg_env_and_args(target: Target) -> tuple[dict[str, str], list[str]]:
    """Connection for the client tools: in arguments, except the password (environment, not ps output)."""
    s = target.settings
    env = dict(os.environ)
    args: list[str] = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args += ["--no-password"]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（make system-deps，或 apt-get install postgresql-client）。"
            f" {name} not found: install postgresql-client."
        )
    return path


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings, no shell
        cmd, env=env, capture_output=True, text=True, timeout=_PG_TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0:
        tool = Path(cmd[0]).name
        raise DatabaseError(f"{tool} 失败。 {tool} failed: {_tool_errors(result.stderr)}")


def _tool_errors(stderr: str) -> str:
    """The client tool's error lines without their DETAIL/CONTEXT lines (which may quote a row: names,
    addresses), with anything that looks like an ID or phone number masked."""
    kept = [
        line
        for line in stderr.splitlines()
        if line.strip() and not line.lstrip().startswith(("DETAIL:", "CONTEXT:", "LINE ", "HINT:"))
    ]
    return redact("\n".join(kept)[-2000:])


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _pg_count(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(_count_sql(table))
        counts[table] = cursor.fetchone()[0]
    return counts


def pg_counts(target: Target) -> dict[str, int]:
    with pg_connect(target) as conn, conn.cursor() as cursor:
        return _pg_count(cursor)


def pg_snapshot(target: Target, dest: Path) -> dict[str, int]:
    """pg_dump -Fc of the database and its table counts, both from one exported snapshot."""
    pg_dump = _tool("pg_dump")
    env, args = _pg_env_and_args(target)
    with pg_connect(target) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = str(row[0])
            counts = _pg_count(cursor)
            _run(
                [pg_dump, *args, "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", target.name],
                env,
            )
        conn.rollback()
    return counts


def _pg_is_empty(target: Target) -> bool:
    try:
        with pg_connect(target) as conn, conn.cursor() as cursor:
            return not _pg_tables(cursor)
    except psycopg.OperationalError as exc:
        raise DatabaseError(
            f"无法连接目标数据库 {target.describe()}（须先创建：createdb）。"
            f" Cannot connect to the target database: {str(exc).strip()}"
        ) from None


def _pg_restore(dump: Path, target: Target, *, clean: bool) -> None:
    env, args = _pg_env_and_args(target)
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        options += ["--clean", "--if-exists"]
    _run([_tool("pg_restore"), *args, *options, f"--dbname={target.name}", str(dump)], env)


@contextmanager
def fresh_pg_database(server: Target, name: str) -> Iterator[Target]:
    """A new, empty database on the same server as ``server`` (dropped afterwards): the drill's target."""
    with pg_connect(server, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {_quote(name)}")
    try:
        yield Target(POSTGRES, {**server.settings, "NAME": name})
    finally:
        with pg_connect(server, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


# ---------------------------------------------------------------------------------------------- either


def snapshot(target: Target, dest_dir: Path) -> tuple[str, Path, dict[str, int]]:
    """(member name, file, counts per table) of a consistent copy of ``target``."""
    if target.engine == SQLITE:
        dest = dest_dir / "database.sqlite3"
        return dest.name, dest, sqlite_snapshot(Path(target.name), dest)
    dest = dest_dir / "database.pgdump"
    return dest.name, dest, pg_snapshot(target, dest)


def is_empty(target: Target) -> bool:
    return _sqlite_is_empty(Path(target.name)) if target.engine == SQLITE else _pg_is_empty(target)


def restore(dump: Path, target: Target, *, replace: bool) -> None:
    if target.engine == SQLITE:
        _sqlite_restore(dump, Path(target.name))
    else:
        _pg_restore(dump, target, clean=replace)


def counts(target: Target) -> dict[str, int]:
    return sqlite_counts(Path(target.name)) if target.engine == SQLITE else pg_counts(target)


@contextmanager
def dbapi(target: Target) -> Iterator[Any]:
    """A plain DB-API connection to ``target`` (queries without parameters only: the styles differ)."""
    if target.engine == SQLITE:
        with closing(sqlite3.connect(target.name)) as conn:
            yield conn
    else:
        with pg_connect(target) as conn:
            yield conn

"""Load and soak (issue 15): simulated agents against a real gunicorn, then the invariants in the database.

Builds a fresh database (PostgreSQL ``soak_bench``, dropped and created, or ``var/soak_bench.sqlite3``;
``--db-name`` names another, so that several people can run it at once) with the
demo network and ``--agents`` township staff accounts, two to a township (a *pair*), starts gunicorn as
``make run`` does (and, unless ``--no-consumer``, the task queue's consumer), and lets every agent, a
thread with its own session, loop for ``--seconds``:

- 受理登记: GET the intake form, POST it (CSRF, a new petitioner with a valid ID and mobile number each
  time), follow the redirect to the new matter's page;
- a list page (home, the matter list, the to-do and open queues) and one of its earlier matters' pages;
- a race: both agents of a pair load an action form (就地办理, 上报, 引导依法解决 …) for the same matter at
  the same version, meet at a barrier and POST together. Exactly one must win (302); the other must get
  the conflict page (409), never a 500 or anything else.

Afterwards, with the server stopped, it checks in the database: every matter the clients saw created
exists and no other; each matter's version equals its last event's seq, its seqs are 1..version without a
gap or a double, its event count is 1 + the races it won, its status is what the winners made it; its
open clocks are the one set its status calls for (registered: the routing clock; local: the handling
clock; closed: none) and ``due_date`` mirrors the earliest; no response was a 5xx or unexpected; no error
in the server's log. It prints throughput and p50/p95/p99 per request kind. Exit status 1 on any failure.

``--intake-only`` (e.g. ``--agents 4 --seconds 30``): each client only POSTs the intake form (the form
loaded once per client; the redirect not followed) to measure intakes/s over HTTP.
``--profile-intake N``: no server; N intakes in-process through Django's test client (wall and CPU time,
the number of statements and their time), then N more under cProfile for where the time goes.

    .venv/bin/python bench/soak.py --agents 50 --seconds 300            # PostgreSQL (default)
    .venv/bin/python bench/soak.py --database sqlite --agents 8 --seconds 30
    .venv/bin/python bench/soak.py --intake-only --agents 4 --seconds 30
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PASSWORD = "daiban-demo-2026"  # the demo accounts' published password (demo_logins)

# What each race may try, by the matter's expected state: (action slug, form fields besides version).
RACE_ACTIONS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "registered": [
        ("start_local", {"note": "就地办理（压测）"}),
        ("escalate", {"note": "上报（压测）"}),
        ("guide_legal", {"legal_channel": "litigation", "guidance": "引导诉讼（压测）"}),
    ],
    "local": [
        ("escalate", {"note": "上报（压测）"}),
        ("guide_legal", {"legal_channel": "arbitration", "guidance": "引导仲裁（压测）"}),
    ],
}
# The state each winning action leaves the matter in (None: it left the pair's township: no more races).
AFTER = {"start_local": "local", "escalate": None, "guide_legal": "closed"}
EVENT_KIND = {"start_local": "start_local", "escalate": "escalate", "guide_legal": "guide_legal"}


# ---------------------------------------------------------------------------------------------- set-up


def _prepare_database(kind: str, name: str) -> str:
    if kind == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_SERVER + name
    path = ROOT / "var" / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DAIBAN_VAR_DIR"] = str(var_dir)  # static files, task queue, audit files: the run's own
    env["DAIBAN_ENV_FILE"] = str(ROOT / "var" / "local.env")  # this machine's keys and demo settings
    env["DJANGO_SETTINGS_MODULE"] = "daiban.settings"
    return env


def _django(env: dict[str, str]) -> None:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DAIBAN_VAR_DIR", "DAIBAN_ENV_FILE")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "daiban.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class World:
    users: list[tuple[str, int, int]]  # (username, user id, township id) in pair order: a0, b0, a1, b1 …
    regions: dict[int, list[int]]  # township id -> the township and its villages (intake places)


def _build_world(agents: int) -> World:
    """Migrate, load the demo network and make ``agents`` township staff, two to a township, the
    townships taken in turn from each county (intakes of one county share its number sequence's lock)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from daiban.accounts.models import Role, User
    from daiban.core import clock
    from daiban.regions.models import Level, Region

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo_network", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    by_county: dict[str, list[Region]] = defaultdict(list)
    for township in Region.objects.filter(level=Level.TOWNSHIP).order_by("path"):
        by_county[township.path.split("/")[1]].append(township)
    townships = [t for round_ in _round_robin(list(by_county.values())) for t in round_]
    encoded = make_password(PASSWORD)
    users: list[tuple[str, int, int]] = []
    regions: dict[int, list[int]] = {}
    for i in range((agents + 1) // 2):
        township = townships[i % len(townships)]
        regions[township.pk] = [
            township.pk,
            *Region.objects.filter(parent=township).order_by("path").values_list("pk", flat=True),
        ]
        for side in "ab":
            if len(users) == agents:
                break
            user = User(
                username=f"soak_{i:02d}{side}",
                display_name=f"压测{i:02d}{side}",
                role=Role.TOWNSHIP_STAFF,
                region=township,
            )
            user.password = encoded
            user.password_changed_at = clock.now()
            user.save()
            users.append((user.username, user.pk, township.pk))
    print(
        f"world: demo network, {len(users)} township staff in {len(regions)} townships "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    return World(users, regions)


def _round_robin(groups: list[list[Any]]) -> Iterator[list[Any]]:
    depth = max(len(g) for g in groups)
    for i in range(depth):
        yield [g[i] for g in groups if i < len(g)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path, consumer: bool
) -> list[subprocess.Popen[bytes]]:
    out = log.open("wb")
    bin_ = ROOT / ".venv" / "bin"
    procs = [
        subprocess.Popen(
            [
                str(bin_ / "gunicorn"),
                "daiban.wsgi:application",
                "--config",
                "python:daiban.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                *(["--threads", str(threads)] if threads else ["--worker-class", "sync"]),
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    ]
    if consumer:
        procs.append(
            subprocess.Popen(
                [str(bin_ / "python"), "manage.py", "run_huey", "--quiet"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            pass
        if procs[0].poll() is not None:
            raise SystemExit(f"gunicorn stopped at start; see {log}")
        time.sleep(0.3)
    else:
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log}")
    time.sleep(3)  # the workers' PDF warm-up threads (daiban/gunicorn_conf.py) settle
    return procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------- client

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(rb'name="version" value="(\d+)"')
_MATTER = re.compile(r"/matters/(\d+)/$")


class Session:
    """One person's browser: a keep-alive connection (reopened when the server closes it) and cookies."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.stats = stats
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, kind: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str, bytes]:
        headers = {"User-Agent": "daiban-soak"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError) as exc:
                self.conn.close()
                # A GET is repeated once (the server closed an idle connection); a POST never is: it may
                # have been done, and doing it twice is what this bench looks for.
                if method != "GET" or attempt == 2:
                    self.stats.add(kind, 0, (time.perf_counter() - t) * 1000, f"{method} {path}: {exc!r}")
                    return 0, "", b""
        ms = (time.perf_counter() - t) * 1000
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()
        self.stats.add(kind, response.status, ms)
        return response.status, response.headers.get("Location", ""), data

    def login(self, username: str) -> None:
        status, _, page = self.request("login form", "GET", "/login/")
        token = _token(page)
        status, location, _ = self.request(
            "login",
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )
        if status != 302 or location.startswith("/login"):
            raise RuntimeError(f"login of {username} failed: {status} {location}")


def _token(page: bytes) -> str:
    found = _CSRF.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1).decode()


class Stats:
    """Every request's kind, status and time (thread-safe appends), and the failures seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.failures: list[str] = []

    def add(self, kind: str, status: int, ms: float, failure: str = "") -> None:
        with self.lock:
            self.times[kind].append(ms)
            self.statuses[kind][status] += 1
            if failure:
                self.failures.append(failure)
            elif status >= 500:
                self.failures.append(f"{kind}: HTTP {status}")

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


# ---------------------------------------------------------------------------------------------- agents


@dataclass
class Ledger:
    """What the clients saw: the matters they created, and per matter what its races' winners did."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    created: dict[int, str] = field(default_factory=dict)  # matter id -> username
    wins: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # matter id -> actions
    state: dict[int, str | None] = field(default_factory=dict)  # expected status (None: escalated)
    races: int = 0
    conflicts: int = 0


@dataclass
class Pair:
    barrier: threading.Barrier
    candidates: list[int] = field(default_factory=list)  # matters still held by the pair's township
    target: int | None = None
    stop: bool = False
    results: list[tuple[str, int]] = field(default_factory=lambda: [("", 0), ("", 0)])


_serial = iter(range(10**9))
_serial_lock = threading.Lock()


def _person() -> dict[str, str]:
    """A new petitioner: a valid ID number and mobile number nobody else in the run has."""
    from daiban.pii.validators import id_check_character

    with _serial_lock:
        n = next(_serial)
    first17 = f"150102{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    # the serial number's higher digits go into the phone, so each (ID, phone) is unique in the run
    return {
        "name": f"压测人{n}",
        "id_number": first17 + id_check_character(first17),
        "phone": f"139{n:08d}",
    }


def _intake_form(region: int, token: str, rng: random.Random) -> dict[str, Any]:
    person = _person()
    return {
        "csrfmiddlewaretoken": token,
        "channel": "window",
        "region": str(region),
        "title": "压测事项：小区供暖不热",
        "content": "压测生成的反映内容。" * 5,
        "request": "请尽快解决。",
        "category": rng.choice(["urban_construction", "labour", "land", "civil_affairs"]),
        "purpose": rng.choice(["appeal", "appeal", "help", "suggestion"]),
        "headcount": "1",
        "consent": "on",
        "decision": "",
        "origin": "",
        "new_matter_reason": "",
        "leader": "",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "1",
        "p-MAX_NUM_FORMS": "5",
        "p-0-name": person["name"],
        "p-0-id_number": person["id_number"],
        "p-0-phone": person["phone"],
        "p-0-address": "呼和浩特市新城区压测路 1 号",
        "p-0-group": "resident",
    }


def _intake(s: Session, regions: list[int], ledger: Ledger, username: str, rng: random.Random) -> int | None:
    status, _, page = s.request("intake form", "GET", "/matters/new/")
    if status != 200:
        s.stats.fail(f"intake form: HTTP {status}")
        return None
    status, location, body = s.request(
        "intake POST", "POST", "/matters/new/", _intake_form(rng.choice(regions), _token(page), rng)
    )
    found = _MATTER.search(location) if status == 302 else None
    if not found:
        s.stats.fail(f"intake POST by {username}: HTTP {status} {location} {body[:300]!r}")
        return None
    matter = int(found.group(1))
    with ledger.lock:
        if matter in ledger.created:
            s.stats.fail(f"intake answered with matter {matter} twice")
        ledger.created[matter] = username
        ledger.state[matter] = "registered"
    s.request("matter page", "GET", location)
    return matter


LISTS = ["/", "/matters/", "/matters/?queue=todo", "/matters/?queue=open"]


def _race(s: Session, side: int, pair: Pair, ledger: Ledger, rng: random.Random, deadline: float) -> bool:
    """One race of the pair; False when this was the last (side 0 decides for both, so that neither leaves
    while the other waits) or the partner has gone."""
    b = pair.barrier
    try:
        b.wait()
        if side == 0:
            with ledger.lock:
                pair.candidates = [m for m in pair.candidates if ledger.state.get(m) in RACE_ACTIONS]
                pair.target = rng.choice(pair.candidates) if pair.candidates else None
            pair.stop = time.monotonic() >= deadline
        b.wait()
        go_on = not pair.stop  # the race is still run: every pair races at least once, however slow
        matter = pair.target
        if matter is None:
            return go_on
        with ledger.lock:
            state = ledger.state[matter]
        assert state is not None
        action, fields = rng.choice(RACE_ACTIONS[state])
        status, _, page = s.request("action form", "GET", f"/matters/{matter}/act/{action}/")
        version = _VERSION.search(page) if status == 200 else None
        if version is None:
            s.stats.fail(f"action form {action} on {matter} ({state}): HTTP {status}")
            pair.results[side] = (action, -1)
            b.wait()
            b.wait()
            return go_on
        form = {"csrfmiddlewaretoken": _token(page), "version": version.group(1), **fields}
        b.wait()  # both forms loaded at the same version: go
        status, _, _ = s.request("action POST (race)", "POST", f"/matters/{matter}/act/{action}/", form)
        pair.results[side] = (action, status)
        b.wait()
        if side == 0:
            _judge(s, pair, ledger, matter, state)
        return go_on
    except threading.BrokenBarrierError:
        return False


def _judge(s: Session, pair: Pair, ledger: Ledger, matter: int, state: str) -> None:
    results = list(pair.results)
    if any(status == -1 for _, status in results):
        return  # a form could not be loaded (already a failure)
    winners = [action for action, status in results if status == 302]
    losers = [status for _, status in results if status != 302]
    with ledger.lock:
        ledger.races += 1
        ledger.conflicts += len(losers)
        if len(winners) != 1 or losers != [409]:
            s.stats.fail(
                f"race on matter {matter} ({state}): {results} — exactly one 302 and one 409 expected"
            )
        for action in winners:
            ledger.wins[matter].append(action)
            ledger.state[matter] = AFTER[action]


def _agent(
    host: str,
    port: int,
    username: str,
    regions: list[int],
    side: int | None,
    pair: Pair | None,
    ledger: Ledger,
    stats: Stats,
    start: threading.Barrier,
    seconds: float,
    intake_only: bool,
    seed: int,
) -> None:
    rng = random.Random(seed)
    s = Session(host, port, stats)
    try:
        s.login(username)
        start.wait()
        deadline = time.monotonic() + seconds
        if intake_only:
            _intake_loop(s, regions, ledger, username, rng, deadline)
            return
        mine: list[int] = []
        # a pair's agents stop together, when its first agent says so in a race
        while pair is not None or time.monotonic() < deadline:
            matter = _intake(s, regions, ledger, username, rng)
            if matter is not None:
                mine.append(matter)
                if pair is not None:
                    with ledger.lock:
                        pair.candidates.append(matter)
            s.request("list page", "GET", rng.choice(LISTS))
            if mine:
                s.request("matter page", "GET", f"/matters/{rng.choice(mine)}/")
            if pair is not None and side is not None and not _race(s, side, pair, ledger, rng, deadline):
                break
    except Exception as exc:  # a client's crash is a finding, reported with the rest
        stats.fail(f"agent {username} stopped: {exc!r}")
        start.abort()  # one that could not sign in stops the run before it starts
        if pair is not None:
            pair.barrier.abort()  # the partner stops waiting for this agent


def _intake_loop(
    s: Session, regions: list[int], ledger: Ledger, username: str, rng: random.Random, deadline: float
) -> None:
    status, _, page = s.request("intake form", "GET", "/matters/new/")
    token = _token(page)
    while time.monotonic() < deadline:
        status, location, body = s.request(
            "intake POST", "POST", "/matters/new/", _intake_form(rng.choice(regions), token, rng)
        )
        found = _MATTER.search(location) if status == 302 else None
        if not found:
            s.stats.fail(f"intake POST by {username}: HTTP {status} {body[:300]!r}")
            continue
        with ledger.lock:
            ledger.created[int(found.group(1))] = username
            ledger.state[int(found.group(1))] = "registered"


def run_agents(
    port: int, world: World, seconds: float, intake_only: bool, host: str = "127.0.0.1"
) -> tuple[Stats, Ledger, float]:
    """Every agent of ``world`` signs in, then all run for ``seconds``; returns what they saw."""
    stats, ledger = Stats(), Ledger()
    n = len(world.users)
    start = threading.Barrier(n + 1)
    threads = []
    for i, (username, _, township) in enumerate(world.users):
        pair = None
        side = None
        if not intake_only and i % 2 == 0 and i + 1 < n:
            pair = Pair(threading.Barrier(2, timeout=120))
            world_pair = pair
        elif not intake_only and i % 2 == 1:
            pair = world_pair
        if pair is not None:
            side = i % 2
        threads.append(
            threading.Thread(
                target=_agent,
                args=(
                    host,
                    port,
                    username,
                    world.regions[township],
                    side,
                    pair,
                    ledger,
                    stats,
                    start,
                    seconds,
                    intake_only,
                    i,
                ),
                name=username,
            )
        )
    for t in threads:
        t.start()
    # everyone signed in (or one could not, its failure recorded: then nobody runs)
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    return stats, ledger, time.monotonic() - t0


# ---------------------------------------------------------------------------------------------- checks


def check_invariants(world: World, ledger: Ledger) -> list[str]:
    from django.db.models import Count, F

    from daiban.matters.deadlines import WINDOW_STEPS
    from daiban.matters.models import Deadline, Event, Matter

    problems: list[str] = []
    soak_users = [pk for _, pk, _ in world.users]
    matters = {
        m["pk"]: m
        for m in Matter.objects.filter(received_by__in=soak_users).values(
            "pk", "version", "status", "due_date", "due_step", "holder_region_id", "holder_unit_id"
        )
    }
    seen = set(ledger.created)
    if set(matters) != seen:
        problems.append(
            f"matters in the database {len(matters)} ≠ intakes the clients saw {len(seen)} "
            f"(only in db: {sorted(set(matters) - seen)[:10]}, only seen: {sorted(seen - set(matters))[:10]})"
        )
    seqs: dict[int, list[int]] = defaultdict(list)
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    times: dict[int, list[Any]] = defaultdict(list)
    for matter_id, seq, kind, at in (
        Event.objects.filter(matter__received_by__in=soak_users)
        .values_list("matter_id", "seq", "kind", "at")
        .order_by("matter_id", "seq")
    ):
        seqs[matter_id].append(seq)
        kinds[matter_id][kind] += 1
        times[matter_id].append(at)
    clocks: dict[int, list[tuple[str, Any, Any]]] = defaultdict(list)
    for matter_id, step, due, task in Deadline.objects.filter(
        matter_id__in=matters, is_open=True
    ).values_list("matter_id", "step", "due_date", "task_id"):
        clocks[matter_id].append((step, due, task))
    for pk, m in matters.items():
        s = seqs[pk]
        wins = ledger.wins.get(pk, [])
        if not s or s[-1] != m["version"]:
            problems.append(f"matter {pk}: version {m['version']} ≠ last event seq {s[-1:]}")
        if s != list(range(1, len(s) + 1)):
            problems.append(f"matter {pk}: event seqs {s} have a gap or a double")
        if len(s) != 1 + len(wins):
            problems.append(
                f"matter {pk}: {len(s)} events, expected 1 intake + {len(wins)} won transitions {wins}"
            )
        want = Counter({"intake": 1, **Counter(EVENT_KIND[a] for a in wins)})
        if kinds[pk] != want:
            problems.append(f"matter {pk}: events {dict(kinds[pk])} ≠ expected {dict(want)}")
        state = ledger.state.get(pk)
        expected_status = "registered" if state is None else state
        if pk in ledger.state and m["status"] != expected_status:
            problems.append(f"matter {pk}: status {m['status']} ≠ {expected_status} (after {wins})")
        # The one set of clocks the matter's history calls for: registered, the routing clock; taken on
        # locally, the handling clock, which runs on when the matter is then passed up (the level above
        # takes it over: actions/routing.py closes it on routing); closed, none.
        open_clocks = clocks[pk]
        if m["status"] == "closed":
            want_steps: list[str] = []
        elif "start_local" in wins:
            want_steps = ["handling"]
        else:
            want_steps = ["route"]
        if sorted(step for step, _, _ in open_clocks) != want_steps:
            problems.append(
                f"matter {pk} ({m['status']}, after {wins}): open clocks {open_clocks}, expected {want_steps}"
            )
        duty = sorted((due, step) for step, due, _ in open_clocks if step not in WINDOW_STEPS)
        mirror = (m["due_date"], m["due_step"])
        if mirror != (duty[0] if duty else (None, "")):
            problems.append(f"matter {pk}: due date/step {mirror} ≠ earliest open clock {duty[:1]}")
        if m["status"] != "closed" and not (m["holder_region_id"] or m["holder_unit_id"]):
            problems.append(f"matter {pk}: open without a holder")
        if times[pk] != sorted(times[pk]):
            problems.append(f"matter {pk}: events out of time order")
    # The whole table too (the demo network has no matters of its own, so this is the run's): version =
    # last seq = number of events for every matter.
    bad = Matter.objects.annotate(n=Count("events")).exclude(version=F("n")).count()
    if bad:
        problems.append(f"{bad} matters whose version ≠ their number of events")
    return problems


def server_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    lines = [
        line
        for line in text.splitlines()
        if " ERROR " in line or "Traceback" in line or "Internal Server Error" in line or "[CRITICAL]" in line
    ]
    return lines[:20]


# ---------------------------------------------------------------------------------------------- report


def _pct(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms) + 0.5) - 1))]


def report(stats: Stats, ledger: Ledger, elapsed: float) -> None:
    # logins (before the start) are listed but not counted in the throughput
    total = sum(len(v) for k, v in stats.times.items() if not k.startswith("login"))
    intakes = stats.statuses["intake POST"][302]
    print(
        f"\n{total:,} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s; "
        f"{intakes:,} intakes: {intakes / elapsed:.2f} intakes/s"
    )
    print(f"{'kind':22} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for kind in sorted(stats.times):
        ms = sorted(stats.times[kind])
        codes = " ".join(f"{code}×{n}" for code, n in sorted(stats.statuses[kind].items()))
        print(
            f"{kind:22} {len(ms):7,} {_pct(ms, 50):8.0f} {_pct(ms, 95):8.0f} {_pct(ms, 99):8.0f} {ms[-1]:8.0f}  {codes}"
        )
    if ledger.races:
        won = sum(len(v) for v in ledger.wins.values())
        print(f"races: {ledger.races:,} (each: one winner {won:,}, conflict pages {ledger.conflicts:,})")


# ---------------------------------------------------------------------------------------------- profile


def profile_intake(world: World, n: int) -> None:
    """N intakes through Django's test client in this process: statements, SQL time, and a profile."""
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    username, _, township = world.users[0]
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    token = _token(client.get("/matters/new/").content)
    rng = random.Random(1)
    regions = world.regions[township]
    statements: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - t) * 1000, sql))

    client.post("/matters/new/", _intake_form(regions[0], token, rng))  # warm
    # First without the profiler (wall and this process's CPU time: the site's own work, PostgreSQL's
    # not included), then the same number with it, for where the time goes.
    totals, cpu, counts, sql_ms = [], [], [], []
    profiler = cProfile.Profile()
    for i in range(2 * n):
        statements.clear()
        profiling = i >= n
        with connection.execute_wrapper(timer):
            t, c = time.perf_counter(), time.process_time()
            if profiling:
                profiler.enable()
            response = client.post("/matters/new/", _intake_form(rng.choice(regions), token, rng))
            if profiling:
                profiler.disable()
            if not profiling:
                totals.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 302, response.status_code
        counts.append(len(statements))
        sql_ms.append(sum(ms for ms, _ in statements))
    totals.sort()
    cpu.sort()
    print(
        f"\nintake POST in-process ({connection.vendor}), {n} intakes: median {_pct(totals, 50):.1f} ms "
        f"(p95 {_pct(totals, 95):.1f}), CPU of this process {_pct(cpu, 50):.1f} ms, "
        f"statements {sorted(counts)[n]}, SQL {sorted(sql_ms)[n]:.1f} ms (wall, round trips included)"
    )
    shapes = Counter(re.sub(r"\s+", " ", sql)[:90] for _, sql in statements)
    print("statements of the last intake (first 90 characters, count):")
    for shape, k in shapes.most_common():
        print(f"  {k:3d}  {shape}")
    print("\nwhere the time goes (cumulative, daiban's own functions, top 40):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"daiban/", 40)
    print("\nown time (top 25):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


# ---------------------------------------------------------------------------------------------- main


def _queue_backlog(var_dir: Path) -> str:
    """The tasks still queued (the consumer's backlog: statistics, search index, signatures) by name."""
    import pickle  # the run's own queue file
    import sqlite3

    path = var_dir / "queue.sqlite3"
    if not path.exists():
        return "no SQLite queue"
    with contextlib.closing(sqlite3.connect(path)) as db:
        names = Counter(
            pickle.loads(data).name.rsplit(".", 1)[-1] for (data,) in db.execute("SELECT data FROM task")
        )
    return ", ".join(f"{name} {n}" for name, n in names.most_common()) or "none"


def _db_name(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", value):
        raise argparse.ArgumentTypeError("a lower-case name of letters, digits and _")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run: 3)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gthread worker (make run: 4); 0: sync workers"
    )
    parser.add_argument("--intake-only", action="store_true")
    parser.add_argument("--no-consumer", action="store_true", help="do not start the task queue's consumer")
    parser.add_argument("--profile-intake", type=int, default=0, metavar="N")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--db-name",
        default="soak_bench",
        type=_db_name,
        help="the PostgreSQL database (or var/<name>.sqlite3) to drop, create and use (default soak_bench)",
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="daiban-soak-"))
    database_url = _prepare_database(args.database, args.db_name)
    env = _environment(database_url, var_dir)
    _django(env)
    world = _build_world(args.agents)
    if args.profile_intake:
        profile_intake(world, args.profile_intake)
        from django.db import connections

        connections.close_all()
        if args.database == "postgres" and not args.keep:
            _drop_database(args.db_name)
        return
    from django.db import connections

    connections.close_all()
    port = _free_port()
    log = var_dir / "server.log"
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    procs = _start_server(env, port, args.workers, args.threads, log, consumer=not args.no_consumer)
    try:
        mode = "intake only" if args.intake_only else "soak"
        print(
            f"{mode}: {len(world.users)} agents × {args.seconds:.0f} s against gunicorn ({args.workers} workers, "
            f"{f'{args.threads} threads each' if args.threads else 'sync'}) "
            f"on {args.database}"
        )
        stats, ledger, elapsed = run_agents(port, world, args.seconds, args.intake_only)
    finally:
        _stop(procs)
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    report(stats, ledger, elapsed)
    print(f"task queue left when the server stopped: {_queue_backlog(var_dir)}")
    problems = list(stats.failures)
    problems += [f"server log: {line}" for line in server_errors(log)]
    problems += check_invariants(world, ledger)
    fivexx = sum(n for c in stats.statuses.values() for code, n in c.items() if code >= 500)
    print(f"HTTP 5xx: {fivexx}; matters checked: {len(ledger.created):,}; server log: {log}")
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for p in problems[:40]:
            print("  " + p)
    else:
        print(
            "invariants hold: version = last seq, seqs 1..n, events = intake + won transitions, "
            "one open clock set per matter, matters = intakes seen, no 5xx, no server error"
        )
    connections.close_all()
    if args.database == "postgres" and not args.keep:
        _drop_database(args.db_name)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

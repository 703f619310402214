"""Issue 8 item 19: `make run` loads the demo (accounts with a published password) only where the local demo
environment asks for it; a production start on an empty database has no account but the administrator."""

from __future__ import annotations

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from daiban.accounts.management.commands import create_admin
from daiban.accounts.models import User
from daiban.core.env import load_env_file
from daiban.regions.models import Region

ROOT = Path(__file__).resolve().parent.parent.parent


def _run_target_commands() -> list[list[str]]:
    """The manage.py commands of the Makefile's `run` target, in order (gunicorn excluded)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [line.split() for line in re.findall(r"manage\.py ([^\n]+)", recipe)]


def _start(monkeypatch: pytest.MonkeyPatch) -> str:
    """What `make run` does to the database before serving (migrations and static files are already there)."""
    out = StringIO()
    commands = _run_target_commands()
    assert commands[0][0] == "migrate" and commands[1][0] == "collectstatic"
    for args in commands[2:]:
        call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@override_settings(DAIBAN_LOAD_DEMO=False)
def test_a_production_start_on_an_empty_database_creates_no_accounts(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _start(monkeypatch)
    assert "未载入演示数据" in text and "create_admin" in text
    assert not User.objects.exists()
    assert not Region.objects.exists()
    # The administrator is then the one account there is.
    monkeypatch.setenv(create_admin.PASSWORD_ENV, "Qingcheng-Harbour-2026")
    call_command("create_admin", "--username", "wang_admin", stdout=StringIO())
    assert list(User.objects.values_list("username", flat=True)) == ["wang_admin"]
    assert not Region.objects.filter(is_demo=True).exists()


@override_settings(DAIBAN_LOAD_DEMO=True)
def test_the_local_demo_environment_loads_the_demo_and_prints_its_logins(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from daiban.demo.management.commands import load_demo

    called: list[str] = []

    def fake_call_command(name: str, **kwargs: object) -> None:
        called.append(name)

    monkeypatch.setattr(load_demo, "call_command", fake_call_command)
    text = _start(monkeypatch)
    assert "已开启演示数据" in text
    assert called == [
        "load_demo_network",
        "load_demo_matters",
        "load_demo_prevention",
        "load_demo_supervision",
        "load_demo_mediation",
        "load_demo_hearings",
        "load_demo_portal",
        "load_demo_assistance",
        "load_demo_cadres",
        "load_demo_urgent",
        "load_demo_execution",
        "load_demo_annual",
        "load_demo_accountability",
        "demo_logins",
    ]


@override_settings(DAIBAN_LOAD_DEMO=True)
def test_the_demo_never_loads_over_existing_data(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from daiban.demo.management.commands import load_demo

    call_command("load_regions", stdout=StringIO())
    called: list[str] = []
    monkeypatch.setattr(load_demo, "call_command", lambda name, **kw: called.append(name))
    assert "跳过演示数据载入" in _start(monkeypatch)
    assert called == ["demo_logins"]


def test_the_local_environment_written_by_make_asks_for_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "local.env"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_local_env.py"), str(target)], check=True)
    assert "DAIBAN_LOAD_DEMO=1" in target.read_text(encoding="utf-8").splitlines()
    assert target.stat().st_mode & 0o777 == 0o600
    monkeypatch.delenv("DAIBAN_LOAD_DEMO", raising=False)
    load_env_file(target)
    import os

    assert os.environ["DAIBAN_LOAD_DEMO"] == "1"


def test_the_demo_setting_is_off_unless_set() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DAIBAN_LOAD_DEMO)",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DAIBAN_ENV_FILE": "/nonexistent",
            "DJANGO_SETTINGS_MODULE": "daiban.settings",
            # Random-looking test-only values: weak or repeated keys are refused at start (daiban/pii/keycheck.py).
            "DAIBAN_SECRET_KEY": "s3-Kq8Zr2mWx9LpV4nYb7cHd1sFj6gTe0uRiOk5-test-only",
            "DAIBAN_FIELD_KEY": "f3-Xw7Lz9Kc4Vb1Nr8Tp5Yd3Gf6Js0UeHoQm2-test-only",
            "DAIBAN_HASH_KEY": "h3-Rk7M2pQ9wZ4vL1cN8bT5yH3dF6gJ0sUeIoWaX-test-only",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"

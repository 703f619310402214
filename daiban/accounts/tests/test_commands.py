"""Account commands: demo_logins (the demo accounts table) and create_admin (a real city administrator)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import Tree
from daiban.accounts.management.commands import create_admin
from daiban.accounts.models import Role, User
from daiban.demo.network import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_network

STRONG = "Qingcheng-Harbour-2026"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- demo_logins ----------------------------------------------------------------------------------


def test_demo_logins_lists_every_account_and_role(db: None) -> None:
    load_demo_network()
    text = _run("demo_logins")
    for account in DEMO_ACCOUNTS:
        assert account.username in text
    for label in Role.labels:
        assert label in text
    assert DEMO_PASSWORD in text
    assert "新城区 呼伦路街道 苏雅拉社区" in text  # region shown with its ancestors
    assert "新城区住房和城乡建设局" in text


def test_demo_logins_marks_a_changed_password(db: None) -> None:
    load_demo_network()
    user = User.objects.get(username="suyala_daiban")
    user.set_password(STRONG)
    user.save()
    line = next(li for li in _run("demo_logins").splitlines() if li.startswith("suyala_daiban"))
    assert DEMO_PASSWORD not in line and "已修改" in line


def test_demo_logins_without_demo_data_says_what_to_do(db: None) -> None:
    assert "load_demo_network" in _run("demo_logins")


# --- create_admin ---------------------------------------------------------------------------------


@pytest.fixture
def no_env_password(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(create_admin.PASSWORD_ENV, raising=False)
    yield


def test_create_admin_from_environment(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(create_admin.PASSWORD_ENV, STRONG)
    text = _run("create_admin", "--username", "wang_admin", "--display-name", "王管理员")
    assert "已创建市级管理员" in text
    user = User.objects.get(username="wang_admin")
    assert (user.role, user.region, user.is_staff, user.is_superuser) == (
        Role.CITY_ADMIN,
        tree.city,
        True,
        False,
    )
    assert user.display_name == "王管理员"
    assert user.check_password(STRONG)


def test_create_admin_rejects_a_weak_password(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(create_admin.PASSWORD_ENV, "12345678")
    with pytest.raises(CommandError) as excinfo:
        _run("create_admin", "--username", "wang_admin")
    message = str(excinfo.value)
    assert "密码太短" in message and "至少 3 类" in message
    assert not User.objects.filter(username="wang_admin").exists()


def test_create_admin_asks_twice_and_retries_on_mismatch(
    tree: Tree, no_env_password: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["first-Attempt-99", "different-Attempt-99", STRONG, STRONG])
    monkeypatch.setattr(create_admin, "stdin_is_interactive", lambda: True)
    monkeypatch.setattr(create_admin, "getpass", lambda prompt: next(answers))
    err = StringIO()
    call_command("create_admin", "--username", "wang_admin", stdout=StringIO(), stderr=err)
    assert "两次输入的密码不一致" in err.getvalue()
    assert User.objects.get(username="wang_admin").check_password(STRONG)


def test_create_admin_gives_up_after_weak_passwords(
    tree: Tree, no_env_password: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(create_admin, "stdin_is_interactive", lambda: True)
    monkeypatch.setattr(create_admin, "getpass", lambda prompt: "password")
    with pytest.raises(CommandError, match="未创建账号"):
        _run("create_admin", "--username", "wang_admin")
    assert not User.objects.filter(username="wang_admin").exists()


def test_create_admin_needs_a_terminal_or_the_variable(tree: Tree, no_env_password: None) -> None:
    # Under pytest stdin is not a terminal.
    with pytest.raises(CommandError, match=create_admin.PASSWORD_ENV):
        _run("create_admin", "--username", "wang_admin")


@pytest.mark.parametrize(
    ("username", "region", "message"),
    [
        ("city_admin", "150100", "已存在"),  # a persona's username
        ("wang_admin", "999999", "找不到区划代码"),
        ("wang_admin", "150102", "管辖区域层级不符"),  # a city administrator's grant is the city
    ],
)
def test_create_admin_refuses_bad_input(
    personas: object, monkeypatch: pytest.MonkeyPatch, username: str, region: str, message: str
) -> None:
    monkeypatch.setenv(create_admin.PASSWORD_ENV, STRONG)
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        _run("create_admin", "--username", username, "--region", region)
    assert User.objects.count() == before


def test_password_length_message_is_chinese() -> None:
    import pytest as _pytest
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as _VE

    with _pytest.raises(_VE) as info:
        validate_password("短密码")
    assert any("密码太短" in m for m in info.value.messages)

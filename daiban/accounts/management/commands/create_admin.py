"""Create a real city administrator (市级管理员): staff for the scoped admin, never a superuser.

Works on an empty database (the first step of a production start): without any region it first loads the
real division tree of the city from reference data (``manage.py load_regions``), never the demo.
"""

from __future__ import annotations

import os
import sys
from getpass import getpass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from daiban.accounts.models import Role, User
from daiban.regions.models import Region

PASSWORD_ENV = "DAIBAN_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password
MAX_ATTEMPTS = 3


def stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


class Command(BaseCommand):
    help = (
        "创建市级管理员账号（可登录管理后台，非超级用户）。密码交互输入两次，"
        f"或由环境变量 {PASSWORD_ENV} 提供；须通过密码强度校验。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="登录用户名")
        city = settings.DAIBAN_CITY_CODE
        parser.add_argument("--region", default=city, help=f"管辖区域的区划代码（默认 {city}）")
        parser.add_argument("--display-name", default="", help="姓名（默认同用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            self._create(
                options["username"].strip(), options["region"].strip(), options["display_name"].strip()
            )

    def _create(self, username: str, region_code: str, display_name: str) -> None:
        if not username:
            raise CommandError("用户名不能为空。")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        if not Region.objects.exists():
            self.stdout.write("数据库中还没有行政区划，先从参考数据载入本市行政区划：")
            call_command("load_regions", stdout=self.stdout)
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise CommandError(
                f"找不到区划代码为 {region_code} 的行政区划。本市的市、县、乡三级区划可用 "
                "manage.py load_regions 从参考数据载入；村（社区）由管理员在管理后台添加。"
            )
        user = User(
            username=username,
            display_name=display_name or username,
            role=Role.CITY_ADMIN,
            region=region,
            is_staff=True,
            is_superuser=False,
        )
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user.set_password(self._read_password(user))
        with transaction.atomic():
            user.save()
        self.stdout.write(
            self.style.SUCCESS(f"已创建市级管理员 {username}（{region.name}），可登录 /admin/。")
        )

    def _read_password(self, user: User) -> str:
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env is not None:
            problems = _problems(from_env, user)
            if problems:
                raise CommandError(f"环境变量 {PASSWORD_ENV} 中的密码不符合要求：" + "".join(problems))
            return from_env
        if not stdin_is_interactive():
            raise CommandError(f"请在终端中运行以输入密码，或通过环境变量 {PASSWORD_ENV} 提供密码。")
        for _ in range(MAX_ATTEMPTS):
            first = getpass("密码：")
            second = getpass("再次输入密码：")
            if first != second:
                self.stderr.write("两次输入的密码不一致，请重新输入。")
                continue
            problems = _problems(first, user)
            if problems:
                self.stderr.write("密码不符合要求：" + "".join(problems))
                continue
            return first
        raise CommandError("多次输入的密码均不可用，未创建账号。")


def _problems(password: str, user: User) -> list[str]:
    if not password:
        return ["密码不能为空。"]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [_in_chinese(error) for error in exc.error_list]
    return []


def _in_chinese(error: ValidationError) -> str:
    # Django 5.2.19 changed this message's msgid and its Chinese catalogue has not caught up yet.
    if error.code == "password_too_short" and isinstance(error.params, dict):
        return f"密码太短，至少需要 {error.params['min_length']} 个字符。"
    return " ".join(error.messages)

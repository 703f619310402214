"""排查预防: the entry page of the network's work before a petition — each area with what waits in it.

The figures are bounded (“99+”): a count that grows with the register has no place on a page opened
every day, and each one is an indexed range within the user's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import clock, nav
from daiban.prevention import selectors
from daiban.prevention.models import (
    Alert,
    Errand,
    ErrandStatus,
    ReceptionSession,
    Screening,
    SessionStatus,
    Visit,
)
from daiban.prevention.models.alerts import OPEN_ALERT_STATUSES
from daiban.prevention.models.screenings import OPEN_SCREENING_STATUSES

CAP = 99


@dataclass(frozen=True)
class Figure:
    label: str
    count: str  # "0" … "99", or "99+"
    url: str


@dataclass(frozen=True)
class Area:
    title: str
    about: str
    url: str
    figures: list[Figure]
    new_url: str = ""
    new_label: str = ""


def bounded(qs: QuerySet[Model]) -> str:
    # No ordering: the model's default order would make the database walk the register's date index
    # instead of the (status, scope, …) index that finds just the matching rows.
    n = len(qs.order_by().values_list("pk", flat=True)[: CAP + 1])
    return f"{CAP}+" if n > CAP else str(n)


def areas_for(user: User, today: datetime.date) -> list[Area]:
    writer = selectors.can_write(user)
    screenings = selectors.scoped(user, Screening)
    soon = today + datetime.timedelta(days=3)
    month_start = today.replace(day=1)
    now = clock.now()

    def url(name: str, query: str = "") -> str:
        return reverse(name) + (f"?{query}" if query else "")

    return [
        Area(
            "矛盾纠纷排查台账",
            "走访、网格、群众反映发现的矛盾纠纷：研判风险，跟进化解，必要时转为信访事项（未诉先办）或移交。",
            url("screening_list"),
            [
                Figure(
                    "待跟进（3 日内到期或已逾期）",
                    bounded(screenings.filter(status__in=OPEN_SCREENING_STATUSES, review_on__lte=soon)),
                    url("screening_list", "status=due"),
                ),
                Figure(
                    "在控重大风险",
                    bounded(screenings.filter(status__in=OPEN_SCREENING_STATUSES, risk="grave")),
                    url("screening_list", "risk=grave&status=open"),
                ),
            ],
            url("screening_new") if writer else "",
            "登记矛盾纠纷",
        ),
        Area(
            "走访",
            "开门访、推门访（入户走访）、网络督访的记录，以及走访中发现的纠纷和登记的事项。",
            url("visit_list"),
            [
                Figure(
                    "本月走访",
                    bounded(selectors.scoped(user, Visit).filter(visited_on__gte=month_start)),
                    url("visit_list", f"date_from={month_start.isoformat()}"),
                )
            ],
            url("visit_new") if writer else "",
            "记录走访",
        ),
        Area(
            "接访活动",
            "领导接待日、联合接访、直播间：提前公布，现场登记即代办，接访领导为包案领导。",
            url("session_list"),
            [
                Figure(
                    "即将举行",
                    bounded(
                        selectors.scoped(user, ReceptionSession).filter(
                            # A session lasts at most 3 days: the start bound makes this a range of the
                            # (scope, starts_at) index.
                            status=SessionStatus.SCHEDULED,
                            ends_at__gte=now,
                            starts_at__gte=now - datetime.timedelta(days=3),
                        )
                    ),
                    url("session_list", "status=scheduled"),
                )
            ],
        ),
        Area(
            "政务服务代办",
            "社保认证、医保、证照、补贴申领等为群众跑腿的事，不进入信访程序，计入代办员工作量。",
            url("errand_list"),
            [
                Figure(
                    "办理中",
                    bounded(selectors.scoped(user, Errand).filter(status=ErrandStatus.OPEN)),
                    url("errand_list", "status=open"),
                ),
                Figure(
                    "已超过承诺日期",
                    bounded(
                        selectors.scoped(user, Errand).filter(status=ErrandStatus.OPEN, promised_on__lt=today)
                    ),
                    url("errand_list", "overdue=1"),
                ),
            ],
            url("errand_new") if writer else "",
            "登记代办服务",
        ),
        Area(
            "预警",
            "系统按规则定时研判：多次来访、集体访、重大风险、事项激增、越级反映、在控纠纷逾期未跟进。",
            url("alert_list"),
            [
                Figure(
                    "待处理",
                    bounded(selectors.scoped(user, Alert).filter(status__in=OPEN_ALERT_STATUSES)),
                    url("alert_list"),
                )
            ],
        ),
    ]


@require_GET
def prevention_hub(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_read(request.user):
        raise PermissionDenied("您的岗位不使用排查预防功能。")
    return render(request, "prevention/hub.html", {"areas": areas_for(request.user, clock.today())})


def connect() -> None:
    nav.register(
        nav.Item(
            "prevention",
            order=30,
            label="排查预防",
            url_name="prevention_hub",
            visible=selectors.can_read,
            active=("prevention_", "screening_", "visit_", "session_", "errand_", "alert_"),
        )
    )


urlpatterns: list[URLPattern] = [path("prevention/", prevention_hub, name="prevention_hub")]

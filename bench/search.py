"""Benchmark: 检索 (daiban/search) at scale.

Fills its own database once (``--rows`` matters over the demo network, with petitioners' names, content
drawn from a vocabulary of complaints and a lead unit for two matters in five) and builds the search index:
on PostgreSQL set-based (``bench/search_fill.py``: COPY, the index rows computed by the app's own
``texts_for`` and ``grams``; ``--check N`` compares N matters' rows with ``reindex()``'s), on SQLite with
``bulk_create`` and ``reindex_search``. Then it times a first page of results as the 新城区 centre (county)
and the city administrator (city) for a two-character name, a place, a unit and a four-character content
word: ``search()`` alone, and the page (POST /search/) through Django's request stack with its SQL time and
statements; and prints the plan of each term's first postings read. Run with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench_1m make bench BENCH=search
BENCH_ARGS="--rows 1000000 --check 1000 --repeat 20"`` (SQLite: var/search_bench.sqlite3 without
DATABASE_URL).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SURNAMES = "王王王李李李张张张刘刘陈陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "芳伟娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国文红梅鹏飞斌宇浩凯辉波宁琳婷雪燕丹萍荣新春生海林峰亮志成龙云凤"
ISSUES = [
    "拖欠工资",
    "土地征收补偿",
    "房屋漏水",
    "噪声扰民",
    "道路破损",
    "供暖不达标",
    "宅基地纠纷",
    "低保申请",
    "物业费争议",
    "排水不畅",
    "违章建筑",
    "医疗费用报销",
    "养老保险待遇",
    "草场承包纠纷",
    "拆迁安置",
    "子女入学",
    "环境污染",
    "劳动合同解除",
    "工伤认定",
    "燃气管道改造",
]
PLACES = ["小区", "村里", "单位", "企业", "学校", "医院", "市场", "街道", "工地", "厂区"]
FILLER = [
    "多次反映未得到解决",
    "相关部门答复不明确",
    "影响正常生活",
    "希望尽快依法处理",
    "已向社区反映过",
    "涉及群众较多",
    "时间已经很长",
    "请求有关部门核实情况",
    "生活十分困难",
    "要求给予合理解释",
    "去年开始出现问题",
    "经协调仍未落实",
    "家中老人身体不好",
    "孩子上学受到影响",
    "邻里之间矛盾加深",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--check", type=int, default=0, help="compare N matters' bulk-built index rows with reindex()'s"
    )
    args = parser.parse_args()

    from _django import start

    start("search_bench.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        from bench.search_fill import check_sample, fill_postgres, index_postgres
        from daiban.search.models import Gram

        if fill_postgres(args.rows) or not Gram.objects.exists():
            index_postgres()
            _analyze()
        if args.check:
            check_sample(args.check)
    elif _fill(args.rows):
        t = time.perf_counter()
        call_command("reindex_search", batch=1000)
        print(f"index built in {time.perf_counter() - t:.0f} s")
        _analyze()
    _measure(args.repeat)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _content(rng: random.Random, issue: str) -> str:
    parts = [f"{rng.choice(PLACES)}{issue}问题", *rng.sample(FILLER, 6), f"涉及{rng.choice(ISSUES)}"]
    rng.shuffle(parts)
    return "，".join(parts) + "。"


def _fill(rows: int) -> bool:
    from django.db import transaction

    from daiban.accounts.models import Role, User
    from daiban.matters.models import Matter, MatterPetitioner, Petitioner, UnitTask
    from daiban.network.models import ResponsibleUnit
    from daiban.regions.models import Level, Region

    have = Matter.objects.count()
    if have >= rows:
        print(f"{have:,} matters already present")
        return False
    rng = random.Random(15)
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "path", "code"))
    units_by_county: dict[str, list[int]] = {}
    for pk, path in ResponsibleUnit.objects.values_list("pk", "region_path"):
        parts = path.split("/")
        units_by_county.setdefault(parts[1] if len(parts) > 2 and parts[1] else "", []).append(pk)
    agent = User.objects.filter(role=Role.VILLAGE_AGENT).first()
    assert agent is not None
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2022, 1, 1, tzinfo=tz)
    t0 = time.perf_counter()
    step = 10_000
    for first in range(have, rows, step):
        matters: list[Matter] = []
        people: list[Petitioner] = []
        for i in range(first, min(first + step, rows)):
            vid, path, code = rng.choice(villages)
            issue = rng.choice(ISSUES)
            received = start + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
            city, county, town = path.split("/")[:3]
            matters.append(
                Matter(
                    number=f"{code[:6]}-S-{i:08d}",
                    lookup_code=f"S{i:09d}",
                    channel="window",
                    consent=True,
                    region_id=vid,
                    region_path=path,
                    scope_city=city,
                    scope_county=county,
                    scope_township=town,
                    title=f"{rng.choice(PLACES)}{issue}问题",
                    content=_content(rng, issue),
                    request="请求依法处理",
                    category="other",
                    purpose="appeal",
                    received_at=received,
                    received_by=agent,
                    responsible_agent=agent,
                    status="closed",
                    holder_region_id=vid,
                    holder_path=path,
                )
            )
            people.append(Petitioner(name=_name(rng), name_initials="", county_code=county))
        with transaction.atomic():
            Matter.objects.bulk_create(matters, batch_size=2000)
            Petitioner.objects.bulk_create(people, batch_size=2000)
            MatterPetitioner.objects.bulk_create(
                [
                    MatterPetitioner(matter=m, petitioner=p, is_representative=True)
                    for m, p in zip(matters, people, strict=True)
                ],
                batch_size=2000,
            )
            tasks = []
            for m in matters:
                units = units_by_county.get(m.scope_county)
                if units and rng.random() < 0.4:
                    tasks.append(
                        UnitTask(
                            matter=m,
                            unit_id=rng.choice(units),
                            role="lead",
                            status="done",
                            assigned_at=m.received_at,
                            assigned_by=agent,
                            sent_from_id=m.region_id,
                        )
                    )
            UnitTask.objects.bulk_create(tasks, batch_size=2000)
    print(f"inserted {rows - have:,} matters in {time.perf_counter() - t0:.0f} s")
    _analyze()
    return True


def _measure(repeat: int) -> None:
    """The search as a function (``search()``) and as the page (POST /search/ through Django's request
    stack: session, middleware, the view's rows and template), county and city: p50 / p95 ms, the page's
    SQL ms and statements."""
    from django.conf import settings
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client

    from bench.pages import _Timer
    from daiban.accounts.models import User
    from daiban.regions.models import Level, Region
    from daiban.search.grams import code
    from daiban.search.models import Gram, Kind
    from daiban.search.query import search

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    request_finished.disconnect(close_old_connections)
    county = User.objects.get(username="xinchengqu_zhongxin")
    city = User.objects.get(username="shi_admin")
    town = Region.objects.filter(level=Level.TOWNSHIP, path__startswith=county.region_path).order_by("code")[
        0
    ]
    print(f"database: {connection.vendor}, index rows: {Gram.objects.count():,}")
    terms = [
        ("name", "王芳", Kind.NAME),
        ("place", town.name[:2], Kind.PLACE),
        ("unit", "保障", Kind.UNIT),
        ("content word", "拖欠工资", Kind.CONTENT),
        ("absent word", "飞机场站", Kind.CONTENT),
    ]

    def pct(samples: list[float], q: float) -> float:
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    print(
        f"{'case':30} {'hits':>5} {'search() p50':>12} {'p95':>6} "
        f"{'page p50':>9} {'p95':>6} {'SQL ms':>7} {'stmts':>6}"
    )
    for who, user in (("county", county), ("city", city)):
        client = Client()
        client.force_login(user)
        for label, term, _ in terms:
            search(user, term)  # warm
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                result = search(user, term)
                samples.append((time.perf_counter() - t) * 1000)
            page, sql = [], []
            response = client.post("/search/", {"q": term})
            assert response.status_code == 200, response.status_code
            timer = _Timer()
            for _ in range(repeat):
                timer = _Timer()
                with connection.execute_wrapper(timer):
                    t = time.perf_counter()
                    response = client.post("/search/", {"q": term})
                    page.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.status_code
                sql.append(sum(s[0] for s in timer.statements))
            name = f"{who}: {label} {term}"
            print(
                f"{name:30} {len(result.hits):5} {statistics.median(samples):12.1f} {pct(samples, 0.95):6.1f} "
                f"{statistics.median(page):9.1f} {pct(page, 0.95):6.1f} {statistics.median(sql):7.1f} "
                f"{len(timer.statements):6d}",
                flush=True,
            )
    if connection.vendor == "postgresql":
        for label, term, kind in terms[:2]:
            where = {"scope_county": county.region_path.split("/")[1]}
            qs = Gram.objects.filter(gram=code(term[:2]), kind=kind, **where).order_by(
                "-received_at", "-matter_id"
            )
            print(f"\nplan, county {label} {term}:")
            print(qs.values_list("matter_id", "received_at")[:200].explain(analyze=True))


if __name__ == "__main__":
    main()

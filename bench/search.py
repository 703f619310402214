"""Benchmark: 检索 (daiban/search) at scale.

Fills its own database once (``--rows`` matters over the demo network, with petitioners' names, content
drawn from a vocabulary of complaints and a lead unit for two matters in five), builds the search index
with ``reindex_search``, then times a first page of results as the 新城区 centre (county) and the city
administrator (city) for a two-character name, a place, a unit and a four-character content word, and
prints the plan of each term's first postings read. Run with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench make bench BENCH=search`` (SQLite:
var/search_bench.sqlite3 without DATABASE_URL).
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
    args = parser.parse_args()

    from _django import start

    start("search_bench.sqlite3")
    from django.core.management import call_command

    if _fill(args.rows):
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
    from django.db import connection

    from daiban.accounts.models import User
    from daiban.regions.models import Level, Region
    from daiban.search.grams import code
    from daiban.search.models import Gram, Kind
    from daiban.search.query import search

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
    print(f"{'case':34} {'hits':>5} {'median ms':>10} {'max ms':>8}")
    for who, user in (("county", county), ("city", city)):
        for label, term, _ in terms:
            search(user, term)  # warm
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                result = search(user, term)
                samples.append((time.perf_counter() - t) * 1000)
            name = f"{who}: {label} {term}"
            print(f"{name:34} {len(result.hits):5} {statistics.median(samples):10.1f} {max(samples):8.1f}")
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

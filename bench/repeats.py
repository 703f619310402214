"""Benchmark: likely repeat petitions at intake (daiban/repeats) at scale.

Fills its own database once (``--rows`` matters over the demo villages, each with one petitioner whose phone
blind index is real, content drawn from a vocabulary of complaints, and its MinHash bands), then times the
panel's whole lookup — the same person by blind index, then similar text of the same village by band probe,
re-ranked with rapidfuzz — as a village agent and as the county centre, and prints the plan of the band
probe. Run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/repeats_bench make bench BENCH=repeats``
(SQLite: var/repeats_bench.sqlite3 without DATABASE_URL).

Rows are written with bulk_create (only the shape of the data matters here).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ISSUES = [
    "拖欠工资两万元至今未付",
    "土地征收补偿款未发放到位",
    "房屋漏水物业不予维修",
    "夜间施工噪声扰民",
    "村道路面破损坑洼不平",
    "冬季供暖温度不达标",
    "宅基地边界与邻居发生纠纷",
    "低保申请被拒绝理由不清",
    "物业费收费标准有争议",
    "雨季小区排水不畅积水严重",
    "邻居私搭乱建违章建筑",
    "医疗费用报销比例有异议",
    "养老保险待遇核定有误",
    "草场承包合同纠纷",
    "拆迁安置房迟迟未交付",
    "子女入学划片不合理",
    "养殖场污染环境气味刺鼻",
    "劳动合同被单方解除",
    "工伤认定迟迟没有结果",
    "燃气管道改造后漏气",
]
FILLER = [
    "多次反映未得到解决",
    "相关部门答复不明确",
    "严重影响正常生活",
    "希望尽快依法处理",
    "已向社区反映过多次",
    "涉及群众较多",
    "时间已经很长",
    "请求有关部门核实情况",
    "家庭生活十分困难",
    "要求给予合理解释",
]


def _content(rng: random.Random) -> str:
    return rng.choice(ISSUES) + "，" + "，".join(rng.sample(FILLER, 3)) + "。"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from _django import start

    start("repeats_bench.sqlite3")
    _fill(args.rows)
    _measure(args.repeat)


def _fill(rows: int) -> None:
    from django.db import connection, transaction

    from daiban.accounts.models import Role, User
    from daiban.core import clock
    from daiban.matters.models import Matter, MatterPetitioner, Petitioner
    from daiban.pii.crypto import blind_index
    from daiban.regions.models import Level, Region
    from daiban.repeats import signatures
    from daiban.repeats.models import MatterSignature

    have = Matter.objects.count()
    if have >= rows:
        print(f"{have:,} matters already present")
        return
    rng = random.Random(11)
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "path", "code"))
    agent = User.objects.filter(role=Role.VILLAGE_AGENT).first()
    assert agent is not None
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2022, 1, 1, tzinfo=tz)
    now = clock.now()
    t0 = time.perf_counter()
    step = 10_000
    for first in range(have, rows, step):
        last = min(first + step, rows)
        matters, people, sigs = [], [], []
        for i in range(first, last):
            vid, path, code = rng.choice(villages)
            received = start + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
            content = _content(rng)
            parts = path.split("/")
            matters.append(
                Matter(
                    number=f"{code[:6]}-R-{i:08d}",
                    lookup_code=f"R{i:09d}",
                    channel="window",
                    consent=True,
                    region_id=vid,
                    region_path=path,
                    scope_city=parts[0],
                    scope_county=parts[1],
                    scope_township=parts[2],
                    title="基准事项",
                    content=content,
                    request="—",
                    category="other",
                    purpose="appeal",
                    received_at=received,
                    received_by=agent,
                    responsible_agent=agent,
                    status="closed",
                    holder_region_id=vid,
                    holder_path=path,
                    due_date=None,
                )
            )
            people.append(
                Petitioner(
                    name="张某某",
                    name_initials="zmm",
                    county_code=code[:6],
                    phone_hash=blind_index("phone", f"139{i:08d}"),
                )
            )
        with transaction.atomic():
            Matter.objects.bulk_create(matters)
            Petitioner.objects.bulk_create(people)
            MatterPetitioner.objects.bulk_create(
                MatterPetitioner(matter=m, petitioner=p) for m, p in zip(matters, people, strict=True)
            )
            for m in matters:
                sigs.append(
                    MatterSignature(
                        matter=m,
                        computed_at=now,
                        **signatures.fields_for(signatures.matter_text(m), m.region_id),
                    )
                )
            MatterSignature.objects.bulk_create(sigs)
        print(f"{last:,} matters ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _measure(repeat: int) -> None:
    from django.db import connection

    from daiban.accounts.models import Role, User
    from daiban.matters.models import Matter
    from daiban.pii.fields import search_q
    from daiban.regions.models import Level
    from daiban.repeats import selectors, signatures
    from daiban.repeats.models import MatterSignature

    # A matter in the busiest village, retold by the same person and by a neighbour.
    probe = Matter.objects.filter(region__level=Level.VILLAGE).order_by("pk").first()
    assert probe is not None
    index = int(probe.number.rsplit("-", 1)[1])
    retold = probe.content.replace("，", "，我们", 1) + "请领导重视"
    phone = f"139{index:08d}"
    village_agent = User.objects.filter(role=Role.VILLAGE_AGENT).first()
    county = User.objects.filter(role=Role.COUNTY_STAFF, region__code=probe.region_path.split("/")[1]).first()
    assert village_agent is not None and county is not None
    village_agent.region_id = probe.region_id  # the agent of the probe's village

    def run(user: User, with_person: bool) -> list[selectors.Candidate]:
        q = search_q(phone, prefix="petitioners__") if with_person else None
        return selectors.candidates(user, text=retold, region_id=probe.region_id, person_q=q)

    rows = Matter.objects.count()
    print(f"{rows:,} matters; probe {probe.number} in region {probe.region_id}")
    for label, user in (("county centre", county), ("village agent", village_agent)):
        for with_person in (True, False):
            found = run(user, with_person)
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                run(user, with_person)
                times.append((time.perf_counter() - t) * 1000)
            what = "person + text" if with_person else "text only"
            reasons = "; ".join(f"{c.matter.number} {c.reason}" for c in found[:3])
            print(
                f"{label:14} {what:14} median {statistics.median(times):6.1f} ms  ({len(found)} shown: {reasons})"
            )
    probe_q = signatures.band_q(signatures.bands(retold, probe.region_id))
    assert probe_q is not None
    qs = MatterSignature.objects.filter(probe_q).values_list("matter_id", flat=True)[: selectors.BAND_ROWS]
    print(f"band probe rows: {len(list(qs))}")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = (
            "EXPLAIN (ANALYZE, COSTS OFF) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        cursor.execute(prefix + sql, params)
        for row in cursor.fetchall():
            print("   ", " | ".join(str(c) for c in row))


if __name__ == "__main__":
    main()

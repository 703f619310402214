"""The columns of each import kind, with the header variants offices actually write.

One table per kind: a column's key (what the importer calls it), its header in our template, whether it is
required, a note for the template's explanation sheet, and the other headers that mean the same column.
Headers are compared after ``normalize_header``: full-width forms folded to half-width (NFKC), spaces and
required-markers (*) dropped, a trailing note in brackets ignored, Latin letters lower-cased — so
"身份证号码（18位）", "＊身份证号码" and "身 份 证 号 码" are one header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from daiban.exchange.models.imports import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as our template writes it
    required: bool = False
    note: str = ""  # what to write, for the template's explanation sheet
    example: str = ""
    aliases: tuple[str, ...] = ()
    text_format: bool = False  # the template formats the column as text (long digit strings)


_BRACKETED = re.compile(r"[(\[{【〔][^)\]}】〕]*[)\]}】〕]$")
_DROP = re.compile(r"[\s*:：_\-—·.。]+")


def normalize_header(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    text = _DROP.sub("", text)
    previous = None
    while previous != text:  # "联系电话(手机)(必填)" → "联系电话"
        previous = text
        text = _BRACKETED.sub("", text)
    return text.lower()


REGION_ALIASES = (
    "所属区划",
    "区划",
    "行政区划代码",
    "统计用区划代码",
    "区划名称",
    "所在区域",
    "所属区域",
    "所在地区",
    "行政区划",
)
PHONE_ALIASES = ("手机号", "手机号码", "电话", "电话号码", "联系方式", "办公电话")
YES_NO = "填“是”或“否”，空白为“否”"

ORGANIZATION_COLUMNS = (
    Column(
        "name",
        "机构名称",
        True,
        "代办服务中心、代办站或代办点的名称",
        "苏雅拉社区信访代办点",
        ("名称", "组织名称", "代办机构", "机构", "代办组织"),
    ),
    Column(
        "region",
        "区划代码",
        True,
        "统计用区划代码，或本辖区内唯一的区划名称；机构类型由区划层级决定",
        "150102001001",
        REGION_ALIASES,
        text_format=True,
    ),
    Column(
        "address", "地址", False, "", "呼伦路街道苏雅拉社区居委会一楼", ("办公地址", "详细地址", "办公地点")
    ),
    Column("phone", "联系电话", False, "固定电话带区号，或工作手机号", "0471-6912345", PHONE_ALIASES, True),
    Column("opening_hours", "开放时间", False, "", "工作日 9:00—17:00", ("服务时间", "办公时间", "接待时间")),
)

AGENT_COLUMNS = (
    Column("name", "姓名", True, "", "王建国", ("代办员姓名", "代办员", "名字")),
    Column(
        "organization",
        "所属机构",
        True,
        "已登记的代办机构名称（可先导入机构名册）",
        "苏雅拉社区信访代办点",
        ("机构名称", "代办机构", "所在机构", "所属代办机构", "所属组织"),
    ),
    Column("region", "区划代码", True, "所属机构所在区划的代码或名称", "150102001001", REGION_ALIASES, True),
    Column(
        "employment",
        "专兼职",
        False,
        "填“专职”或“兼职”，空白为“兼职”",
        "兼职",
        ("专职兼职", "专职/兼职", "类型"),
    ),
    Column("title", "职务", False, "", "村党支部书记", ("现任职务", "身份")),
    Column(
        "work_phone",
        "工作电话",
        False,
        "公示用的工作电话，不要填私人号码",
        "0471-6912345",
        ("联系电话", *PHONE_ALIASES),
        True,
    ),
    Column("party", "党员", False, "填“是”“否”或“老党员”", "是", ("是否党员", "政治面貌")),
    Column(
        "deputy_level",
        "人大代表",
        False,
        "填级别：全国、自治区、市级、县（区、旗）级、乡镇级；不是则空白",
        "",
        ("人大代表级别", "是否人大代表"),
    ),
    Column("cppcc", "政协委员", False, YES_NO, "否", ("是否政协委员",)),
    Column("legal", "法律顾问", False, YES_NO, "否", ("是否法律顾问",)),
    Column("grid", "网格员", False, YES_NO, "是", ("是否网格员",)),
    Column("expert", "专家", False, YES_NO, "否", ("是否专家",)),
    Column(
        "cadre", "村（社区）干部", False, YES_NO, "是", ("村干部", "社区干部", "村社区干部", "是否村干部")
    ),
    Column("duty_hours", "接待时间", False, "", "工作日 9:00—17:00", ("值班时间",)),
    Column("duty_place", "接待地点", False, "", "村委会一楼代办室", ("值班地点", "办公地点")),
    Column("active", "在岗", False, "填“是”或“否”，空白为“是”", "是", ("是否在岗", "状态")),
)

UNIT_COLUMNS = (
    Column("name", "单位名称", True, "", "新城区住房和城乡建设局", ("名称", "责任单位", "事权单位", "单位")),
    Column("region", "区划代码", True, "单位所在区划的代码或名称", "150102", REGION_ALIASES, True),
    Column(
        "domain",
        "职能领域",
        True,
        "住建、人社、自然资源、农牧、公安、司法、法院、纪委监委、教育、卫健、民政、市场监管、生态环境、"
        "交通运输、水务、信访局、综治、乡镇人民政府（街道办事处）或其他",
        "住建",
        ("领域", "类别", "单位类别", "职能"),
    ),
    Column("phone", "联系电话", False, "", "0471-6912345", PHONE_ALIASES, True),
    Column(
        "superior",
        "上级机关",
        False,
        "办理复查、复核的上级单位名称（本表中或已登记的本级及以上单位）",
        "呼和浩特市住房和城乡建设局",
        ("上级单位", "上级主管部门", "上级部门"),
    ),
    Column("active", "启用", False, "填“是”或“否”，空白为“是”", "是", ("是否启用", "状态")),
)

MATTER_COLUMNS = (
    Column(
        "number",
        "台账编号",
        True,
        "原台账中的编号，导入后作为事项编号（须唯一）；再次导入同一编号不会重复登记",
        "XC-2023-0001",
        ("编号", "事项编号", "登记编号", "案件编号", "台账号"),
    ),
    Column(
        "received_on",
        "登记日期",
        True,
        "日期，如 2023-05-08",
        "2023-05-08",
        ("受理日期", "受理时间", "登记时间", "来访日期", "受理登记日期"),
    ),
    Column(
        "region",
        "问题发生地",
        True,
        "区划代码，或本县内唯一的区划名称",
        "150102001001",
        ("发生地", "问题属地", "区划代码", *REGION_ALIASES),
        True,
    ),
    Column(
        "channel",
        "来源渠道",
        True,
        "窗口来访、上门走访、移动服务窗口、电话、来信、网上、领导接待日、直播间或排查发现",
        "窗口来访",
        ("渠道", "来源", "信访形式", "来访方式", "信访方式"),
    ),
    Column("name", "信访人姓名", True, "", "张三", ("信访人", "姓名", "反映人", "当事人")),
    Column(
        "id_number",
        "身份证号码",
        False,
        "18 位；与联系电话至少填一项（单元格请设为文本）",
        "",
        ("身份证号", "公民身份号码", "身份证", "证件号码", "身份证件号码"),
        True,
    ),
    Column("phone", "联系电话", False, "手机号或带区号的固定电话", "", PHONE_ALIASES, True),
    Column("address", "住址", False, "", "苏雅拉社区 3 号楼", ("家庭住址", "地址", "现住址")),
    Column("headcount", "人数", False, "空白为 1；5 人及以上为集体访", "1", ("来访人数", "涉及人数")),
    Column(
        "title", "事项摘要", True, "不超过 80 字", "小区供暖不热", ("摘要", "事项名称", "标题", "主要问题")
    ),
    Column(
        "content",
        "反映内容",
        True,
        "",
        "冬季室温长期低于 18 度",
        ("主要内容", "内容", "问题描述", "反映问题"),
    ),
    Column("request", "诉求", True, "", "要求供暖公司整改", ("主要诉求", "信访诉求", "具体诉求")),
    Column(
        "category",
        "内容分类",
        True,
        "城乡建设、国土资源、劳动和社会保障、农村农业、政法、纪检监察、教育文体、卫生健康、民政、生态环境、"
        "经济管理、交通运输、邻里纠纷或其他",
        "城乡建设",
        ("分类", "问题类别", "类别", "问题分类"),
    ),
    Column(
        "purpose",
        "信访目的",
        True,
        "建议意见、检举控告、申诉求决、咨询或求助",
        "申诉求决",
        ("目的", "事项性质", "信访性质"),
    ),
    Column(
        "unit",
        "责任单位",
        False,
        "已登记的本县（区）或上级事权单位名称",
        "新城区住房和城乡建设局",
        ("事权单位", "承办单位", "交办单位", "主办单位"),
    ),
    Column("replied_on", "答复日期", False, "", "2023-06-20", ("答复时间", "回复日期", "回复时间")),
    Column(
        "closed_on", "办结日期", False, "空白表示尚未办结", "2023-07-01", ("办结时间", "结案日期", "结案时间")
    ),
    Column(
        "closure_kind",
        "办结方式",
        False,
        "即时答复办结、办理答复后办结、引导至法定途径或不予受理；有办结日期时空白为“办理答复后办结”",
        "办理答复后办结",
        ("结案方式",),
    ),
    Column(
        "resolved", "是否化解", False, "填“是”或“否”（已办结的事项）", "是", ("化解", "已化解", "化解情况")
    ),
    Column(
        "service_satisfaction",
        "对代办服务评价",
        False,
        "满意、基本满意或不满意",
        "满意",
        ("代办服务满意度", "服务评价", "代办服务评价"),
    ),
    Column(
        "unit_satisfaction",
        "对办理单位评价",
        False,
        "满意、基本满意或不满意",
        "基本满意",
        ("办理单位满意度", "单位评价", "满意度", "满意度评价"),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ORGANIZATIONS: ORGANIZATION_COLUMNS,
    ImportKind.AGENTS: AGENT_COLUMNS,
    ImportKind.UNITS: UNIT_COLUMNS,
    ImportKind.MATTERS: MATTER_COLUMNS,
}


def alias_table(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalized header → column key. A header our template writes wins over another column's alias
    (the ledger's "区划代码" is its 问题发生地 only when it has no 问题发生地 column: see ``map_headers``)."""
    table: dict[str, str] = {}
    for column in columns:
        for alias in column.aliases:
            table.setdefault(normalize_header(alias), column.key)
    for column in columns:
        table[normalize_header(column.header)] = column.key
    return table


@dataclass(frozen=True)
class HeaderMap:
    positions: dict[str, int]  # column key → 0-based position in the sheet
    written: dict[str, str]  # column key → the header as written in the file
    missing: list[Column]  # required columns without a header
    duplicates: list[str]  # a header written twice (an error: which one holds the data?)
    ignored: list[str]  # headers we do not know, or a second variant of a column (reported, not an error)


def map_headers(columns: tuple[Column, ...], headers: list[object]) -> HeaderMap:
    table = alias_table(columns)
    exact = {normalize_header(c.header): c.key for c in columns}
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    duplicates: list[str] = []
    ignored: list[str] = []
    # First the headers exactly as our template writes them, then the aliases: a file with both
    # "问题发生地" and "区划代码" uses the first for the matter's region.
    ordered = sorted(enumerate(headers), key=lambda item: 0 if normalize_header(item[1]) in exact else 1)
    for position, raw in ordered:
        norm = normalize_header(raw)
        if not norm:
            continue
        key = table.get(norm)
        as_written = str(raw).strip()
        if key is None:
            ignored.append(as_written)
        elif key in positions:
            # The same header twice is ambiguous; another variant of a column already found is left out.
            if normalize_header(written[key]) == norm:
                duplicates.append(as_written)
            else:
                ignored.append(as_written)
        else:
            positions[key] = position
            written[key] = as_written
    missing = [c for c in columns if c.required and c.key not in positions]
    return HeaderMap(positions, written, missing, duplicates, ignored)

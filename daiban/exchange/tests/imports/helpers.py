"""Build .xlsx files in memory for the import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from daiban.matters.tests.factories import id_with_check

ZHANG_ID = id_with_check("15010219800101002")
LI_ID = id_with_check("15010219900202003")

LEDGER_HEADERS = [
    "台账编号",
    "登记日期",
    "问题发生地",
    "来源渠道",
    "信访人姓名",
    "身份证号码",
    "联系电话",
    "事项摘要",
    "反映内容",
    "诉求",
    "内容分类",
    "信访目的",
    "责任单位",
    "答复日期",
    "办结日期",
    "是否化解",
    "对代办服务评价",
    "对办理单位评价",
]


def xlsx(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_rows(village_code: str) -> list[list[object]]:
    """A closed matter (with its unit, reply, closure, rating) and an open one."""
    return [
        [
            "XC-2023-0001",
            "2023-05-08",
            village_code,
            "窗口来访",
            "张伟",
            ZHANG_ID,
            "13904710001",
            "小区供暖不热",
            "冬季室温长期低于 18 度",
            "要求供暖公司整改",
            "城乡建设",
            "申诉求决",
            "新城区住房和城乡建设局",
            "2023-06-20",
            "2023-07-01",
            "是",
            "满意",
            "基本满意",
        ],
        [
            "XC-2023-0002",
            "2023/6/1",
            village_code,
            "电话",
            "李娜",
            LI_ID,
            "",
            "邻居占道",
            "邻居在楼道堆放杂物",
            "要求清理",
            "邻里纠纷",
            "求助",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]

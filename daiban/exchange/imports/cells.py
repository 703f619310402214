"""Reading one cell as the value a column wants, or a Chinese reason why it cannot be read.

Cells come from openpyxl as str, int, float, bool, datetime/date/time or None. A parser returns the value
or raises ``CellError`` with the reason; the reason never repeats the cell's content (it may be an ID or a
phone number), so the report can be shown and stored as it is.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Iterable

from django.db import models


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text(value: object, *, max_length: int | None = None) -> str:
    """A cell as trimmed text ("" for empty). Integers stay integers ("150102", not "150102.0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    result = unicodedata.normalize("NFC", str(value)).strip()
    result = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", result)
    if max_length is not None and len(result) > max_length:
        raise CellError(f"不能超过 {max_length} 个字。")
    return result


def digits_text(value: object) -> str:
    """A code or number typed into a cell. Excel keeps at most 15 significant digits of a number, so an
    18-digit ID number stored as a number has already lost digits: say so instead of guessing."""
    if isinstance(value, float) and (not value.is_integer() or abs(value) >= 1e15):
        raise CellError("该单元格被 Excel 存成了数字，末尾几位已丢失；请把这一列设为“文本”格式后重新填写。")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        raise CellError("该单元格被 Excel 存成了数字，末尾几位已丢失；请把这一列设为“文本”格式后重新填写。")
    return unicodedata.normalize("NFKC", text(value)).replace(" ", "")


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s.*)?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date(value: object) -> datetime.date | None:
    """A date cell, or text such as 2023-05-08, 2023/5/8, 2023.5.8, 2023年5月8日, 20230508."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or abs(value) > 1e9:
            raise CellError("不是有效的日期，请填写如 2023-05-08。")
        number = int(value)
        if 19000101 <= number <= 21001231:  # 20230508 typed as a number
            value = str(number)
        elif 1 <= number <= 80000:  # an Excel serial day that lost its date format
            return _EXCEL_EPOCH + datetime.timedelta(days=number)
        else:
            raise CellError("不是有效的日期，请填写如 2023-05-08。")
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{8}", raw):
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    match = _DATE_TEXT.match(raw)
    if not match:
        raise CellError("不是有效的日期，请填写如 2023-05-08。")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CellError("日期不存在，请检查年月日。") from exc


_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对", "已化解", "化解"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "未化解", "不是"}


def yes_no(value: object, *, default: bool | None = False) -> bool | None:
    raw = normalize_label(text(value))
    if not raw:
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError("请填写“是”或“否”。")


def flag(value: object) -> bool:
    """是/否, empty for 否."""
    return bool(yes_no(value))


def flag_default_yes(value: object) -> bool:
    """是/否, empty for 是."""
    return bool(yes_no(value, default=True))


def maybe(value: object) -> bool | None:
    """是/否, empty for unknown (None)."""
    return yes_no(value, default=None)


def normalize_label(raw: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).lower()


def choice(
    value: object,
    choices: type[models.TextChoices],
    *,
    synonyms: dict[str, str] | None = None,
    allowed: Iterable[str] | None = None,
) -> str:
    """A choice by its Chinese label (or stored value, or a common synonym); "" for an empty cell."""
    raw = normalize_label(text(value))
    if not raw:
        return ""
    table = {normalize_label(str(label)): val for val, label in choices.choices}
    table.update({normalize_label(str(val)): val for val in choices.values})
    for word, val in (synonyms or {}).items():
        table.setdefault(normalize_label(word), val)
    found = table.get(raw)
    if found is None or (allowed is not None and found not in set(allowed)):
        labels = [str(label) for val, label in choices.choices if allowed is None or val in set(allowed)]
        shown = "、".join(labels[:20])
        raise CellError(f"不是可选的值，可填：{shown}。")
    return str(found)


def positive_int(value: object, *, default: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise CellError("请填写正整数。")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("人")
        if not raw.isdigit():
            raise CellError("请填写正整数。")
        number = int(raw)
    if not 1 <= number <= 100000:
        raise CellError("请填写 1 到 100000 之间的整数。")
    return number

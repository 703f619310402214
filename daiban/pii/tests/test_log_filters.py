from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from daiban.pii.log_filters import PiiRedactingFilter, redact
from daiban.pii.tests.helpers import find_id_with_check, make_id

ID = make_id()
ID_X = find_id_with_check("X")


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PiiRedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("daiban.pii.tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_redact_text() -> None:
    text = f"身份证{ID}，x号{ID_X.lower()}，手机13912345678，电话 0471-1234567，订单 2024-05-01 共12345678901234567890"
    redacted = redact(text)
    assert ID not in redacted and "150102********" + ID[-4:] in redacted
    assert ID_X.lower() not in redacted and ID_X[:6] + "********" in redacted
    assert "13912345678" not in redacted and "139****5678" in redacted
    assert "0471-1234567" not in redacted and "0471-****4567" in redacted
    assert "2024-05-01" in redacted
    assert "12345678901234567890" in redacted  # a 20-digit number is neither


@pytest.mark.parametrize(
    "mobile",
    ["13912345678", "+8613912345678", "+86 139 1234 5678", "139-1234-5678", "user13912345678x"],
)
def test_redact_mobile_variants(mobile: str) -> None:
    redacted = redact(f"联系 {mobile} 结束")
    assert "1234" not in redacted.replace("139****5678", "")
    assert "139****5678" in redacted


def test_filter_redacts_message_and_args(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("lookup id=%s phone=%s", ID, 13912345678)
    logger.warning(f"inline {ID_X}")
    logger.error("mapping %(phone)s", {"phone": "13912345678"})
    output = stream.getvalue()
    assert ID not in output and ID_X not in output and "13912345678" not in output
    assert "lookup id=150102********" in output
    assert "mapping 139****5678" in output


def test_filter_redacts_exceptions(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise ValueError(f"bad value {ID}")
    except ValueError:
        logger.exception("failed for %s", "13912345678")
    output = stream.getvalue()
    assert ID not in output
    assert "13912345678" not in output
    assert "ValueError: bad value 150102********" in output


def test_filter_survives_a_broken_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id %s %s", (ID,), None)
    assert PiiRedactingFilter().filter(record) is True
    assert ID not in str(record.msg) + str(record.args)

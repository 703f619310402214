"""A logging filter that masks ID numbers and phone numbers in log records.

Wire it into ``LOGGING`` on the *handlers* (filters on a logger do not apply to records propagated from child
loggers)::

    "filters": {"pii": {"()": "daiban.pii.log_filters.PiiRedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["pii"], ...}},

The filter formats the message with its arguments, masks what looks like an 18-character ID number, a mobile
number (optionally with +86 and spaces/hyphens) or a hyphenated fixed-line number, and stores the result as
the message; it also masks formatted exceptions and stack traces. It never drops a record.
"""

from __future__ import annotations

import logging
import re
import traceback

from daiban.pii.masking import mask_id_number, mask_phone

__all__ = ["PiiRedactingFilter", "redact"]

# Digit-only boundaries, so a number glued to letters ("user13912345678") is still caught.
_ID_PATTERN = re.compile(r"(?<!\d)\d{6}[ ]?\d{8}[ ]?\d{3}[\dXx](?![\dXx])", re.ASCII)
_MOBILE_PATTERN = re.compile(
    r"(?<!\d)(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)", re.ASCII
)
_FIXED_PATTERN = re.compile(r"(?<!\d)(0\d{2,3})[ ]?-[ ]?(\d{7,8})(?!\d)", re.ASCII)


def _mask_id(match: re.Match[str]) -> str:
    return mask_id_number(match.group(0).replace(" ", ""))


def _mask_mobile(match: re.Match[str]) -> str:
    return mask_phone("".join(match.group(1, 2, 3)))


def _mask_fixed(match: re.Match[str]) -> str:
    return f"{match.group(1)}-****{match.group(2)[-4:]}"


def redact(text: str) -> str:
    """Mask ID numbers and phone numbers anywhere in ``text``."""
    text = _ID_PATTERN.sub(_mask_id, text)
    text = _MOBILE_PATTERN.sub(_mask_mobile, text)
    return _FIXED_PATTERN.sub(_mask_fixed, text)


class PiiRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: redact the parts separately, let logging report it
            record.msg = redact(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(redact(str(arg)) for arg in record.args)
            elif isinstance(record.args, dict):
                record.args = {key: redact(str(value)) for key, value in record.args.items()}
        else:
            record.msg = redact(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True

"""gunicorn's access log, masked and one line per request.

gunicorn writes request fields into its access log as they came: the decoded path (``%(U)s``), the raw
request line (``%(r)s``), the query string, headers. A number in a URL would be logged in plain text, and a
``%0A`` in a path decodes to a newline that forges a second log line. ``AccessLogger`` (gunicorn's
``--logger-class daiban.pii.gunicorn_logging.AccessLogger``) cleans every field before formatting:

* URL fields are percent-decoded first (so ``%31%33%39…`` or ``%0A`` cannot hide from the next steps);
* ID and phone numbers are masked with the same rules as the application's log filter (``redact``);
* backslashes and control characters (C0, DEL, C1, the Unicode line and paragraph separators) are written
  as escapes (``\\n``, ``\\r``, ``\\x1b``, ``\\u2028``), so a record is always exactly one line.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger, SafeAtoms

from daiban.pii.log_filters import redact

__all__ = ["AccessLogger", "MaskedAtoms", "clean_field", "escape_controls"]

_CONTROL = re.compile(r"[\\\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Fields that carry a URL or part of one: decoded before masking.
_URL_ATOMS = {"r", "q", "f", "{referer}i", "{raw_uri}e", "{query_string}e", "{http_referer}e"}
# Fields that carry the WSGI path: a latin-1 string of the path's bytes (PEP 3333), UTF-8 underneath.
_WSGI_PATH_ATOMS = {"U", "{path_info}e", "{script_name}e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with backslashes and every control or line-breaking character written as an escape."""
    return _CONTROL.sub(_escape, text)


def _wsgi_to_text(value: str) -> str:
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def clean_field(key: str, value: str) -> str:
    """One access-log field, safe to write: decoded where it is a URL, masked, on one line."""
    if key in _WSGI_PATH_ATOMS:
        value = _wsgi_to_text(value)
    elif key in _URL_ATOMS:
        value = unquote(value, errors="replace")
    return escape_controls(redact(value))


class MaskedAtoms(SafeAtoms):
    """gunicorn's atoms (case-insensitive headers, ``-`` for missing ones, quotes escaped), each string
    cleaned by ``clean_field`` first."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        super().__init__(
            {
                key: clean_field(key, value) if isinstance(value, str) else value
                for key, value in atoms.items()
            }
        )


class AccessLogger(Logger):
    atoms_wrapper_class = MaskedAtoms

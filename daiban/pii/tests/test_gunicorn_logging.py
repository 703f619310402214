"""Issue 8 item 22: gunicorn's access log masks numbers and cannot be split into forged lines."""

from __future__ import annotations

import re
import shlex
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from gunicorn.config import Config
from gunicorn.util import import_app, load_class

from daiban.pii.gunicorn_logging import AccessLogger, clean_field, escape_controls
from daiban.pii.tests.helpers import make_id

ROOT = Path(__file__).resolve().parents[3]
ID = make_id()


def _makefile_gunicorn_args() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    command = re.search(r"\$\(BIN\)/gunicorn (.+?)\n\n", text.replace("\\\n", " "), re.DOTALL)
    assert command is not None
    return shlex.split(command.group(1))


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def _logger(tmp_path: Path, access_format: str) -> tuple[AccessLogger, Path]:
    log_file = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", access_format)
    return AccessLogger(cfg), log_file


def _request(
    path_bytes: bytes, raw_uri: str, query: str = "", user_agent: str = "", **headers: str
) -> tuple[object, object, dict]:
    environ = {
        "HTTP_USER_AGENT": user_agent,
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "SERVER_PROTOCOL": "HTTP/1.1",
        # WSGI carries the decoded path as a latin-1 string of its bytes (PEP 3333).
        "PATH_INFO": path_bytes.decode("latin-1"),
        "QUERY_STRING": query,
        "REMOTE_ADDR": "203.0.113.9",
    }
    req = SimpleNamespace(headers=[(name.upper().replace("_", "-"), v) for name, v in headers.items()])
    resp = SimpleNamespace(status="404 Not Found", sent=179, headers=[("Content-Type", "text/html")])
    return resp, req, environ


def test_the_makefile_serves_with_the_masking_logger() -> None:
    args = _makefile_gunicorn_args()
    assert load_class(_option(args, "--logger-class"), section="gunicorn.loggers") is AccessLogger
    assert import_app(args[0]) is not None


def test_an_access_log_record_is_one_masked_line(tmp_path: Path) -> None:
    access_format = _option(_makefile_gunicorn_args(), "--access-logformat")
    logger, log_file = _logger(tmp_path, access_format + ' "%(r)s" "%(q)s" "%(a)s" "%({referer}i)s"')
    forged = '203.0.113.66 [01/Jan/2026:00:00:00 +0800] "GET /admin/" 200 1 1ms'
    # The raw request line keeps %0A encoded; gunicorn decodes it into PATH_INFO as a real newline.
    raw = "/petitioners/13912345678/%0A" + quote(forged)
    path = f"/petitioners/13912345678/\n{forged}".encode()
    resp, req, environ = _request(
        path,
        raw,
        query=f"id={ID}&tel=%31%33%39%31%32%33%34%35%36%37%38",
        user_agent="curl\r\n\x1b[31mred",
        referer=f"http://x/?phone=0471-1234567%0A{forged}",
    )
    logger.access(resp, req, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("\n"), text
    line = text.rstrip("\n")
    assert "13912345678" not in line and "139****5678" in line
    assert ID not in line and ID[:6] + "********" + ID[-4:] in line
    assert "%31%33%39" not in line  # percent-encoded digits are decoded and masked too
    assert "0471-1234567" not in line and "0471-****4567" in line
    assert "\x1b" not in line and "\r" not in line
    assert "\\x1b[31mred" in line and "curl\\r\\n" in line
    assert line.startswith("203.0.113.9 [") and "\\n203.0.113.66" in line
    assert " 404 179 12ms" in line


def test_a_utf8_path_stays_readable() -> None:
    assert clean_field("U", "/petitioners/王建国/".encode().decode("latin-1")) == "/petitioners/王建国/"
    assert clean_field("U", "/caf\xe9") == "/caf\xe9"  # not UTF-8 underneath: left as it is, then escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\rb"),
        ("a\tb", "a\\tb"),
        ("a\x00b", "a\\x00b"),
        ("a\x1bb", "a\\x1bb"),
        ("a\x7fb", "a\\x7fb"),
        ("a\x85b", "a\\x85b"),
        ("a\u2028b", "a\\u2028b"),
        ("a\\nb", "a\\\\nb"),  # a literal backslash-n cannot pass for an escaped newline
        ("普通文字 plain", "普通文字 plain"),
    ],
)
def test_escape_controls(raw: str, escaped: str) -> None:
    assert escape_controls(raw) == escaped
    assert "\n" not in escaped.splitlines()[0] and len(escaped.splitlines()) == 1

"""Document templates: files an administrator adjusts per county without code.

Each kind's body template is looked up, first match wins, in

1. ``<DOCUMENT_TEMPLATES_DIR>/<county code>/<kind>.html`` — that county's own wording and header;
2. ``<DOCUMENT_TEMPLATES_DIR>/default/<kind>.html`` — the whole installation's;
3. ``documents/kinds/<kind>.html`` in the apps — the built-in template.

``manage.py document_templates --county 150102`` copies the built-in templates into the county's folder
to start from. The files are read on every issue (no cache): an edit applies to the next document issued,
never to one already issued (each document keeps the template source it was issued from).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template
from django.template.loaders.app_directories import Loader as AppLoader

BUILTIN_PREFIX = "documents/kinds/"


@dataclass(frozen=True)
class Found:
    name: str  # "150102/receipt.html", "default/receipt.html" or "documents/kinds/receipt.html"
    source: str

    @property
    def origin_label(self) -> str:
        if self.name.startswith(BUILTIN_PREFIX):
            return "系统默认模板"
        if self.name.startswith("default/"):
            return "本系统统一模板"
        return f"{self.name.split('/', 1)[0]} 县（区）模板"


def templates_dir() -> Path:
    return Path(settings.DOCUMENT_TEMPLATES_DIR)


def _engine() -> Engine:
    return _engine_for(str(templates_dir()))


@cache
def _engine_for(directory: str) -> Engine:
    return Engine(
        dirs=[],
        app_dirs=False,
        loaders=[
            ("django.template.loaders.filesystem.Loader", [directory]),
            "django.template.loaders.app_directories.Loader",
        ],
        libraries={},
        builtins=["django.templatetags.static"],
        autoescape=True,
        string_if_invalid="",
    )


def candidates(kind: str, county_code: str) -> list[str]:
    names = []
    if county_code and county_code.isdigit():
        names.append(f"{county_code}/{kind}.html")
    names += [f"default/{kind}.html", f"{BUILTIN_PREFIX}{kind}.html"]
    return names


def find(kind: str, county_code: str) -> Found:
    """The template a new document of ``kind`` issued for ``county_code`` is rendered from."""
    engine = _engine()
    template = engine.select_template(candidates(kind, county_code))
    origin = template.origin
    return Found(name=str(origin.template_name or origin.name), source=template.source)


def builtin_source(kind: str) -> str:
    return _engine().get_template(f"{BUILTIN_PREFIX}{kind}.html").source


def builtin_path(kind: str) -> Path | None:
    for directory in AppLoader(_engine()).get_dirs():
        path = Path(directory) / f"{BUILTIN_PREFIX}{kind}.html"
        if path.is_file():
            return path
    return None


def render_source(source: str, context: dict[str, Any]) -> str:
    return Template(source, engine=_engine()).render(Context(context, autoescape=True))

"""Static files taken one by one from the npm packages the set-up installs (node_modules, never committed).

``settings.VENDOR_STATIC`` maps a static path to the one file behind it, e.g.
``{"vendor/echarts/echarts.min.js": BASE_DIR / "node_modules/echarts/dist/echarts.min.js"}`` (the static
path ends with the file's own name). A package's
whole ``dist`` folder as a STATICFILES_DIRS entry would collect every build of it (ECharts: 51 MB, each file
compressed twice by collectstatic) for the one file a page loads. A file that is absent (a checkout without
node_modules) is simply not offered: no warning, and the pages that load it work without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    return {name: Path(file) for name, file in getattr(settings, "VENDOR_STATIC", {}).items()}


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        file = _files().get(path)
        found = [str(file)] if file is not None and file.is_file() else []
        # Not found is [] even for a single file: staticfiles.finders.find collects whatever is not a
        # match-list into its results, so a None would count as found.
        return found[0] if found and not find_all else found

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for name, file in _files().items():
            if not file.is_file():
                continue
            prefix, _, _ = name.rpartition("/")
            storage = FileSystemStorage(location=file.parent)
            # collectstatic puts the file under the storage's prefix, as for a STATICFILES_DIRS prefix entry.
            setattr(storage, "prefix", prefix)  # noqa: B010
            yield file.name, storage

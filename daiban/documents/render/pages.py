"""Pictures of a PDF's pages (Debian's ``pdftoppm``, from poppler-utils), for the README and for looking."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_to_png_pages(pdf: bytes, out_prefix: Path, dpi: int = 110) -> list[Path]:
    """Write each page as ``<out_prefix>-<n>.png`` (n from 1) and return the files in page order.

    Raises RuntimeError when ``pdftoppm`` is not installed or fails.
    """
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RuntimeError("pdftoppm is missing: install Debian's poppler-utils")
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="daiban-pages-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603  (a fixed program; the arguments are our own paths)
            [pdftoppm, "-png", "-r", str(int(dpi)), str(source), str(Path(folder) / "page")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pdftoppm failed ({result.returncode}): {result.stderr.strip()[:500]}")
        # pdftoppm pads the page number to the width of the page count: page-1.png or page-01.png ….
        produced = sorted(Path(folder).glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        pages = []
        for number, path in enumerate(produced, start=1):
            target = out_prefix.with_name(f"{out_prefix.name}-{number}.png")
            shutil.move(path, target)
            pages.append(target)
    return pages

"""QR codes and PNG images as data URIs, the only images a body may hold."""

from __future__ import annotations

import base64
import io
import math

# A QR code is printed 3cm wide: at 300 dpi that is about 354 pixels.
_QR_PIXELS = 354


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` (error correction M, a 2-module quiet zone) as a PNG data URI.

    Each module is a whole number of pixels, at least 300 dpi at 3cm, so the code stays sharp in print.
    """
    import segno  # imported here: the package stays light to import

    code = segno.make_qr(text, error="m", boost_error=False)
    width, _ = code.symbol_size(scale=1, border=2)
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(1, math.ceil(_QR_PIXELS / width)), border=2)
    return data_uri_png(out.getvalue())


def data_uri_png(png: bytes) -> str:
    """``data:image/png;base64,…`` of a PNG."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

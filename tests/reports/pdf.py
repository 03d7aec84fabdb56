"""Reading a report PDF the way a person sees it: pypdfium2 (PDFium, Chrome's PDF engine)
renders each page to an image and extracts its text. pdftotext/pdftoppm are not installed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2
from PIL import Image


@dataclass(frozen=True)
class Page:
    text: str
    image: Image.Image


def pages(pdf: bytes, scale: float = 1.0) -> list[Page]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [Page(page.get_textpage().get_text_range(), page.render(scale=scale).to_pil())
                for page in document]
    finally:
        document.close()


def colour_pixels(image: Image.Image, colour: str, tolerance: int = 24) -> int:
    """Pixels within ``tolerance`` of ``colour`` (``#rrggbb``) on every channel."""
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    rgb = image.convert("RGB")
    pixels = np.asarray(rgb, dtype=np.int16)
    close = np.abs(pixels - np.array(target, dtype=np.int16)) <= tolerance
    return int(close.all(axis=-1).sum())

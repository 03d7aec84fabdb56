"""The transmittal as PDF: an HTML template laid out by WeasyPrint.

Nothing is fetched while rendering — the template references no file or URL, and any reference
that slipped in (a link in a pasted text is only ever text) is refused by the URL fetcher — so
rendering works on an isolated network and cannot be made to reach anything. The font is
WenQuanYi Zen Hei (fonts-wqy-zenhei, installed by scripts/setup.sh), found through fontconfig
and embedded (subset) in the PDF.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from django.template.loader import render_to_string

from yuqing.cases.transmittal.content import Sheet

MIME = "application/pdf"

# WeasyPrint logs each layout step at INFO: a dozen lines per download, none of them news.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the transmittal does not fetch {url}")


def render(sheet: Sheet) -> bytes:
    # Imported here: loading WeasyPrint parses its stylesheets and logs, which every
    # management command and worker would otherwise pay for at start-up.
    import weasyprint

    html = render_to_string("cases/transmittal.html", {"sheet": sheet})
    css = weasyprint.CSS(string=render_to_string("cases/transmittal.css"), url_fetcher=_refuse)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse)
    pdf: bytes = document.write_pdf(stylesheets=[css])
    return pdf

"""A rendered report body as a standalone HTML file and as PDF.

Charts are referenced in the body as ``chart:key`` (see :mod:`.templatetags.report`). The HTML
file embeds them as ``data:`` images so it stands alone; WeasyPrint gets them from memory
through :class:`ChartFetcher`, which fetches nothing else — no file, no network — so a report
renders on an isolated network and a template cannot make the server reach anything.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

from yuqing.reports.documents import page

HTML_MIME = "text/html; charset=utf-8"
PDF_MIME = "application/pdf"
_CHART_SRC = re.compile(r'src="chart:([\w-]+)"')

# WeasyPrint logs each layout step at INFO: a dozen lines per report, none of them news.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def html_file(title: str, body: str, images: dict[str, bytes]) -> bytes:
    def embed(match: re.Match[str]) -> str:
        png = images.get(match.group(1))
        if png is None:
            return 'src=""'
        return 'src="data:image/png;base64,' + base64.b64encode(png).decode() + '"'

    return _CHART_SRC.sub(embed, page(title, body)).encode("utf-8")


def _fetcher(images: dict[str, bytes]) -> Any:
    # Imported here: loading WeasyPrint costs every process that never writes a PDF.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):
        """Serves ``chart:key`` from memory and refuses every other address."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            key = url.removeprefix("chart:")
            if not url.startswith("chart:") or key not in images:
                raise ValueError(f"a report does not fetch {url}")
            return URLFetcherResponse(url, images[key], {"Content-Type": "image/png"})

    return ChartFetcher()


def pdf_file(title: str, body: str, images: dict[str, bytes]) -> bytes:
    import weasyprint

    fetcher = _fetcher(images)
    document = weasyprint.HTML(string=page(title, body), base_url=None, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf

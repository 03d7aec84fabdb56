"""Streaming CSV that opens cleanly in Excel and cannot smuggle formulas into it.

Exports contain collected text, which anyone on the internet can write. A cell that starts
with ``=``, ``+``, ``-`` or ``@`` (or a tab/CR that Excel strips first) would be evaluated as a
formula when the file is opened, so such cells get a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

#: Excel only detects UTF-8 (and thus Chinese) when the file starts with a byte-order mark.
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> str:
    """The cell as text, prefixed with ``'`` if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not isinstance(value, int | float):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([guard_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([guard_cell(v) for v in row])


def csv_response(filename: str, header: Sequence[str],
                 rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Stream ``rows`` as an attachment without building the whole file in memory."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

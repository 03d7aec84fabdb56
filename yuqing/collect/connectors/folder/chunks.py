"""Complete records at the end of a growing file, in bounded chunks.

A crawler appends to its CSV or JSONL while yuqing reads it, so the last line may be half
written. Only whole records are taken: up to the last newline for JSONL, and for CSV up to the
last newline outside a quoted field (a field may hold newlines; ``"`` and ``\\n`` never occur
inside a multi-byte character in UTF-8 or GB18030, so counting bytes is safe). The tail after
it is left for the next run — unless the file has been quiet long enough to be finished, when
a last line without a newline is a record too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

#: Bytes read at a time; each chunk is parsed and stored before the next is read.
CHUNK = 8 * 1024 * 1024
#: A record longer than this is damage (an unbalanced quote), not data.
MAX_RECORD = 64 * 1024 * 1024
_CSV_MARKS = re.compile(rb'["\n]')


class RecordTooLong(ValueError):
    """No record boundary in :data:`MAX_RECORD` bytes."""


def boundary(data: bytes, *, quoted: bool) -> int:
    """The length of the complete records at the start of ``data`` (0 when none is)."""
    if not quoted:
        return data.rfind(b"\n") + 1
    inside, last = False, 0
    for match in _CSV_MARKS.finditer(data):
        if match.group() == b'"':
            inside = not inside
        elif not inside:
            last = match.end()
    return last


def chunks(stream: BinaryIO, start: int, end: int, *, quoted: bool,
           finished: bool) -> Iterator[tuple[int, bytes]]:
    """``(offset after the chunk, chunk)`` for the whole records in ``[start, end)``."""
    position = start
    while position < end:
        stream.seek(position)
        data = stream.read(min(CHUNK, end - position))
        cut = boundary(data, quoted=quoted)
        while not cut and position + len(data) < end:
            if len(data) >= MAX_RECORD:
                raise RecordTooLong(f"no end of record within {MAX_RECORD // 1_048_576} MB "
                                    f"after byte {position}")
            data += stream.read(min(CHUNK, end - position - len(data)))
            cut = boundary(data, quoted=quoted)
        if not cut:
            if not finished or not data:
                return
            cut = len(data)
        yield position + cut, data[:cut]
        position += cut

"""Page bytes into text whatever the server claims: declared, wrong and missing charsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.fetch.charset import declared_in_document, decode, normalise

TEXT = "滨江区冬季供暖工作全面启动"


def test_gbk_declared_in_a_meta_tag() -> None:
    body = f'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">{TEXT}'
    result = decode(body.encode("gbk"))
    assert (result.encoding, result.note) == ("gb18030", "")
    assert TEXT in result.text


def test_header_that_lies_is_overruled_and_noted() -> None:
    result = decode(f"<html>{TEXT}</html>".encode("gbk"), "utf-8")
    assert TEXT in result.text
    assert result.note == ("the declared charset (utf-8) does not match the content; "
                           "read as gb18030")


def test_server_default_latin1_does_not_turn_chinese_into_mojibake() -> None:
    result = decode(TEXT.encode("utf-8"), "ISO-8859-1")
    assert result.text == TEXT and result.encoding == "utf-8"


def test_no_declaration_at_all() -> None:
    assert decode(TEXT.encode("utf-8")).text == TEXT
    assert decode(TEXT.encode("gb18030")).text == TEXT
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8")).text == TEXT


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    result = decode(TEXT.encode("utf-8") + b"\xff\xfe\xff" + TEXT.encode("utf-8"))
    assert result.text.count(TEXT) == 2
    assert "undecodable" in result.note


def test_names() -> None:
    assert normalise("GB2312") == normalise("x-gbk") == "gb18030"
    assert normalise("UTF8") == "utf-8"
    assert normalise("no-such-charset") == ""
    assert declared_in_document(b'<?xml version="1.0" encoding="GBK"?><rss/>') == "gb18030"


@given(st.text(max_size=200), st.sampled_from(["", "utf-8", "gbk", "latin-1", "bogus"]))
def test_decoding_never_fails(text: str, declared: str) -> None:
    for encoding in ("utf-8", "gb18030"):
        data = text.encode(encoding, "replace")
        result = decode(data, declared)
        assert isinstance(result.text, str)
    assert decode(text.encode("utf-8", "surrogatepass"), declared).text is not None

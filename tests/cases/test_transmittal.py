"""The transmittal (舆情传递单): one page, the same content as DOCX and PDF, Chinese fonts.

The DOCX is opened with python-docx (headings, tables, fonts, page setup). The PDF is read
with :mod:`tests.cases.pdftext` (pdftotext is not installed): its ToUnicode maps decode the
shown text, which must contain the Chinese title; the page count and the embedded WenQuanYi
Zen Hei subsets are checked too.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import docx
import pytest
from django.test import Client
from django.utils import translation
from docx.oxml.ns import qn

from tests.cases.conftest import BINJIANG, World, analyse
from tests.cases.pdftext import read
from yuqing.cases import actions
from yuqing.cases.models import Case, CaseLevel
from yuqing.cases.transmittal import content, pdf, word
from yuqing.collect.models import Item

pytestmark = pytest.mark.django_db

TITLE = "东湖路夜间施工噪音扰民引发居民集中投诉"


@pytest.fixture
def case(world: World, make_item: Callable[..., Item]) -> Case:
    items = [make_item(world.source_a, title=f"东湖路工地第{n}晚夜间施工，居民难以入睡",
                       text="凌晨两点还在打桩。", url=f"https://bbs.example.cn/t/{n}")
             for n in range(8)]
    for item in items:
        analyse(item)
    return actions.open_case(
        world.analyst, title=TITLE, level=CaseLevel.objects.get(rank=2), category=world.noise,
        region_code=BINJIANG, items=items,
        summary="3月10日起，东湖论坛陆续出现多条帖子，反映东湖路某工地夜间施工噪音扰民。" * 3,
        assessment="负面情绪集中，存在向本地媒体扩散的风险。",
        suggestion="责任街道当日核实施工许可，督促调整作业时间，并在东湖论坛发布情况说明。")


def sheet(case: Case, world: World) -> content.Sheet:
    with translation.override("en"):
        return content.build(case, world.analyst)


def test_the_sheet_holds_the_case_cut_to_one_page(case: Case, world: World) -> None:
    built = sheet(case, world)
    assert built.title == TITLE
    assert len(built.evidence) == content.EVIDENCE_ROWS
    assert "3 more items" in built.evidence_note
    assert len(built.summary) <= content.SUMMARY_CHARS
    assert ("Responsible unit", "东湖街道") in built.facts
    assert ("Region", "浙江省杭州市滨江区") in built.facts


def test_docx_layout_headings_tables_and_fonts(case: Case, world: World) -> None:
    document = docx.Document(BytesIO(word.render(sheet(case, world))))
    section = document.sections[0]
    # Stored in twentieths of a point: compare in whole millimetres.
    lengths = (section.page_width, section.page_height, section.top_margin,
               section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.mm) if length is not None else None
            for length in lengths] == [210, 297, 37, 35, 28, 26]
    paragraphs = document.paragraphs
    assert paragraphs[0].style is not None and paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "Public opinion transmittal"
    assert TITLE in [p.text for p in paragraphs]
    assert [p.text for p in paragraphs if p.style and p.style.name == "Heading 1"] == [
        "1. Summary", "2. Evidence", "3. Assessment", "4. Suggested handling"]
    facts, evidence = document.tables
    assert facts.cell(2, 0).text == "Responsible unit" and facts.cell(2, 1).text == "东湖街道"
    assert len(facts.rows) == 4 and len(facts.columns) == 4
    assert [c.text for c in evidence.rows[0].cells] == ["Time", "Source", "Title", "Link"]
    assert len(evidence.rows) == 1 + content.EVIDENCE_ROWS
    assert evidence.cell(1, 1).text == "东湖论坛"
    # Chinese text in 仿宋 (body) and 黑体 (headings), WenQuanYi Zen Hei as their alternative.
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1")}
    assert fonts == {"Normal": "仿宋", "Title": "黑体", "Heading 1": "黑体"}
    table = next(p for p in document.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml").blob.decode()
    assert 'w:name="仿宋"><w:altName w:val="WenQuanYi Zen Hei"/>' in table
    assert document.core_properties.title == TITLE


def test_pdf_is_one_page_with_the_chinese_title_in_an_embedded_chinese_font(
        case: Case, world: World) -> None:
    facts = read(pdf.render(sheet(case, world)))
    assert facts.pages == 1
    assert TITLE in facts.text
    assert "东湖街道" in facts.text and "Suggested handling" in facts.text
    assert facts.title == TITLE
    assert any("WenQuanYi-Zen-Hei" in font for font in facts.fonts), facts.fonts
    assert facts.embedded_fonts >= 1


def test_the_longest_texts_still_fit_one_page(case: Case, world: World) -> None:
    case.title = "东湖路" * 66
    case.summary = case.assessment = case.suggestion = "这是一段很长的文字，" * 200
    with translation.override("zh-hans"):
        built = content.build(case, world.analyst)
    assert read(pdf.render(built)).pages == 1


def test_downloads_from_the_case_page(case: Case, world: World) -> None:
    client = Client()
    client.force_login(world.handler_a)
    response = client.get(f"/cases/{case.pk}/transmittal.docx")
    assert response["Content-Type"] == word.MIME
    assert f'filename="transmittal-{case.number}.docx"' in response["Content-Disposition"]
    assert TITLE in [p.text for p in docx.Document(BytesIO(response.content)).paragraphs]
    response = client.get(f"/cases/{case.pk}/transmittal.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert TITLE in read(response.content).text

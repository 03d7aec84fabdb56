"""A rendered report body as a Word document in the official-document layout (GB/T 9704-2012).

The same HTML that makes the PDF is walked element by element — headings, paragraphs, lists,
tables, figures, links — so an office's template changes the DOCX exactly as it changes the
PDF. Layout: A4, margins 37/35/28/26 mm, title 二号 方正小标宋, headings 三号 黑体 (h2) and
楷体 (h3), body 三号 仿宋 on a fixed 28 pt line, tables 五号, page numbers "— 1 —" at the foot.
Offices open it in Word or WPS, which have those fonts; the font table names WenQuanYi Zen
Hei (installed on yuqing's servers) as the alternative, so a machine without them still shows
every character. Links (the item citations) stay clickable.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from yuqing.web.wordfonts import declare_fallbacks, plain_style, set_fonts

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
BODY_FONT = "仿宋"
TITLE_PT, BODY_PT, TABLE_PT, NOTE_PT, MASTHEAD_PT = 22, 16, 10.5, 12, 36
LINE_PT = 28
TEXT_WIDTH_MM = 156
RED = RGBColor(0xC0, 0x00, 0x00)
LINK = RGBColor(0x1D, 0x5F, 0xB8)
_CONTAINERS = {"div", "section", "header", "footer", "article", "main", "body", "html"}


def _styles(doc: DocxDocument) -> None:
    for name, font, size in (("Normal", BODY_FONT, BODY_PT), ("Title", TITLE_FONT, TITLE_PT),
                             ("Heading 1", HEADING_FONT, BODY_PT),
                             ("Heading 2", SUBHEADING_FONT, BODY_PT)):
        layout = plain_style(doc.styles[name], font, size).paragraph_format
        layout.space_before = layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(LINE_PT if name != "Title" else 36)
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    normal.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = doc.styles["Title"]
    assert isinstance(title, ParagraphStyle)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = title.paragraph_format.space_after = Pt(12)
    for border in title.element.findall(".//" + qn("w:pBdr")):  # the default's blue rule
        parent = border.getparent()
        if parent is not None:
            parent.remove(border)


def _page_numbers(doc: DocxDocument) -> None:
    """"— 1 —" centred at the foot of every page (a PAGE field)."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    for r in footer.runs:
        r.font.size = Pt(14)


def _hyperlink(paragraph: Paragraph, url: str, label: str, size: float | None) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), str(LINK))
    props.append(color)
    if size is not None:
        half_points = OxmlElement("w:sz")
        half_points.set(qn("w:val"), str(round(size * 2)))
        props.append(half_points)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = label
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _inline(paragraph: Paragraph, element: Any, *, bold: bool = False,
            size: float | None = None, color: RGBColor | None = None) -> None:
    """Runs for an element's text and inline children (links, emphasis, line breaks)."""

    def add(text: str | None, strong: bool) -> None:
        text = (text or "").replace("\n", " ")
        if text:
            run = paragraph.add_run(text)
            run.bold = strong or None
            if size is not None:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color

    add(element.text, bold)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            paragraph.add_run().add_break()
        elif tag == "a" and child.get("href"):
            cite = "cite" in (child.get("class") or "").split()
            _hyperlink(paragraph, child.get("href"), child.text_content(),
                       9 if cite else size)
        elif tag in ("strong", "b"):
            _inline(paragraph, child, bold=True, size=size, color=color)
        elif tag:
            _inline(paragraph, child, bold=bold, size=size, color=color)
        add(child.tail, bold)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _paragraph(doc: DocxDocument, element: Any) -> None:
    classes = _classes(element)
    paragraph = doc.add_paragraph()
    layout = paragraph.paragraph_format
    if classes & {"masthead", "issue", "center", "issue-line"}:
        layout.first_line_indent = Pt(0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if classes & {"right", "signature"}:
        layout.first_line_indent = Pt(0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if "masthead" in classes:
        layout.line_spacing = Pt(MASTHEAD_PT * 1.4)
        _inline(paragraph, element, size=MASTHEAD_PT, color=RED)
        for run in paragraph.runs:
            set_fonts(run._r.get_or_add_rPr(), TITLE_FONT)
        return
    if "issue-line" in classes:
        # Issuer at the left margin, date at the right one, over the masthead's red rule.
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        layout.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run("\t".join(span.text_content().strip()
                                    for span in element.findall("span")))
        borders = parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="16" '
                            f'w:space="4" w:color="{RED}"/></w:pBdr>')
        paragraph._p.get_or_add_pPr().append(borders)
        return
    if "note" in classes:
        layout.first_line_indent = Pt(0)
        layout.line_spacing = Pt(20)
        _inline(paragraph, element, size=NOTE_PT)
        return
    _inline(paragraph, element)


def _list(doc: DocxDocument, element: Any, ordered: bool) -> None:
    for n, item in enumerate(element.findall("li"), start=1):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        paragraph.add_run(f"{n}. " if ordered else "· ")
        _inline(paragraph, item)


def _rows(element: Any) -> Iterable[tuple[Any, bool]]:
    for row in element.iter("tr"):
        parent = row.getparent()
        yield row, parent is not None and parent.tag == "thead"


def _table(doc: DocxDocument, element: Any) -> None:
    rows = list(_rows(element))
    if not rows:
        return
    columns = max(sum(int(c.get("colspan") or 1) for c in r.findall("*")) for r, _h in rows)
    table = doc.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, (row, header) in enumerate(rows):
        c = 0
        for cell_element in row.findall("*"):
            span = int(cell_element.get("colspan") or 1)
            cell = table.cell(r, c)
            if span > 1:
                cell = cell.merge(table.cell(r, c + span - 1))
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if "num" in _classes(cell_element):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _inline(paragraph, cell_element, bold=header or cell_element.tag == "th",
                    size=TABLE_PT)
            c += span
    spacer = doc.add_paragraph()
    spacer.paragraph_format.line_spacing = Pt(8)


def _figure(doc: DocxDocument, element: Any, images: dict[str, bytes]) -> None:
    for img in element.iter("img"):
        png = images.get((img.get("src") or "").removeprefix("chart:"))
        if png is None:
            continue
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.add_run().add_picture(BytesIO(png), width=Mm(TEXT_WIDTH_MM))
    for caption in element.iter("figcaption"):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        _inline(paragraph, caption, size=NOTE_PT)


def _blocks(doc: DocxDocument, parent: Any, images: dict[str, bytes]) -> None:
    for element in parent:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "h1":
            _inline(doc.add_paragraph(style="Title"), element)
        elif tag == "h2":
            _inline(doc.add_paragraph(style="Heading 1"), element)
        elif tag in ("h3", "h4"):
            _inline(doc.add_paragraph(style="Heading 2"), element)
        elif tag == "p":
            _paragraph(doc, element)
        elif tag in ("ul", "ol"):
            _list(doc, element, tag == "ol")
        elif tag == "table":
            _table(doc, element)
        elif tag == "figure":
            _figure(doc, element, images)
        elif tag in _CONTAINERS:
            _blocks(doc, element, images)


def render(title: str, body: str, images: dict[str, bytes]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _styles(doc)
    declare_fallbacks(doc, dict.fromkeys((TITLE_FONT, HEADING_FONT, SUBHEADING_FONT,
                                          BODY_FONT)))
    _page_numbers(doc)
    doc.core_properties.title = title
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    _blocks(doc, root, images)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

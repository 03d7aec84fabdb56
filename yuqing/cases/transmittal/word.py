"""The transmittal as a Word document in the official-document layout (GB/T 9704-2012).

A4 with the standard margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the heading in
黑体, body text in 仿宋. Offices open it in Word or WPS on machines that have those fonts; where
they are missing (a Linux desktop) the font table names WenQuanYi Zen Hei — the font yuqing's
servers install (fonts-wqy-zenhei) — as the alternative, so the Chinese text never falls back
to a font without the glyphs.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Cell

from yuqing.cases.transmittal.content import Sheet
from yuqing.web.wordfonts import declare_fallbacks, plain_style, set_fonts

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
#: 二号 title, 三号 subject, 小四 headings, 五号 text, 小五 tables (Chinese sizes in points), as
#: in the PDF: at these sizes the cut texts of :mod:`.content` fit one page.
TITLE_PT, SUBJECT_PT, HEADING_PT, BODY_PT, TABLE_PT = 22, 16, 12, 10.5, 9
#: Panose and charset (0x86: GB2312) of the two Chinese fonts, as Word itself writes them.
_FONT_ENTRIES = {BODY_FONT: "02010609060101010101", HEADING_FONT: "02010609060101010101"}


def _styles(doc: DocxDocument) -> None:
    styles = doc.styles
    for name, font, size in (("Normal", BODY_FONT, BODY_PT), ("Title", HEADING_FONT, TITLE_PT),
                             ("Heading 1", HEADING_FONT, HEADING_PT),
                             ("Subtitle", HEADING_FONT, SUBJECT_PT)):
        style = plain_style(styles[name], font, size)
        style.paragraph_format.space_before = Pt(6 if name == "Heading 1" else 0)
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.line_spacing = 1.2
    title = styles["Title"]
    assert isinstance(title, ParagraphStyle)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default Title style draws a blue rule under itself.
    for border in title.element.findall(".//" + qn("w:pBdr")):
        parent = border.getparent()
        if parent is not None:
            parent.remove(border)


def _cell(cell: _Cell, text: str, *, bold: bool = False, size: float = TABLE_PT) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if bold:
        set_fonts(run._r.get_or_add_rPr(), HEADING_FONT)
    paragraph.paragraph_format.space_after = Pt(0)


def _table(doc: DocxDocument, rows: list[list[str]], widths_mm: list[float], *,
           header: bool, label_columns: tuple[int, ...] = ()) -> None:
    table = doc.add_table(rows=len(rows), cols=len(widths_mm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(widths_mm[c])
            _cell(cell, value, bold=(header and r == 0) or c in label_columns)


def render(sheet: Sheet) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _styles(doc)
    declare_fallbacks(doc, _FONT_ENTRIES)
    doc.core_properties.title = sheet.title
    doc.core_properties.subject = sheet.heading

    doc.add_paragraph(sheet.heading, style="Title")
    meta = doc.add_paragraph(f"{sheet.number}　{sheet.issuer}　{sheet.issued}".strip())
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(sheet.title, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER

    pairs = sheet.facts
    _table(doc, [[*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))]
                 for i in range(0, len(pairs), 2)],
           [22, 56, 22, 56], header=False, label_columns=(0, 2))

    doc.add_paragraph(sheet.summary_heading, style="Heading 1")
    doc.add_paragraph(sheet.summary)
    doc.add_paragraph(sheet.evidence_heading, style="Heading 1")
    if sheet.evidence:
        _table(doc, [list(sheet.evidence_columns),
                     *([e.time, e.source, e.title, e.url] for e in sheet.evidence)],
               [27, 24, 49, 56], header=True)
    if sheet.evidence_note or not sheet.evidence:
        note = doc.add_paragraph(sheet.evidence_note or "—")
        note.runs[0].font.size = Pt(TABLE_PT)
    doc.add_paragraph(sheet.assessment_heading, style="Heading 1")
    doc.add_paragraph(sheet.assessment)
    doc.add_paragraph(sheet.suggestion_heading, style="Heading 1")
    doc.add_paragraph(sheet.suggestion)

    footer = section.footer.paragraphs[0]
    footer.text = sheet.footer
    footer.runs[0].font.size = Pt(9)

    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

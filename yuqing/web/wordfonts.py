"""Chinese fonts in DOCX files written with python-docx (case transmittals and reports).

Official documents name 仿宋/黑体/楷体; a machine without them should still show Chinese, so
the font table gives each one WenQuanYi Zen Hei (Debian's fonts-wqy-zenhei) as its alternative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle
from lxml import etree

LATIN_FONT = "Times New Roman"
FALLBACK_FONT = "WenQuanYi Zen Hei"


def set_fonts(r_pr: Any, east_asian: str) -> None:
    """Latin text in Times New Roman, Chinese in ``east_asian``; theme fonts (which the default
    styles use and which would win) removed."""
    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def declare_fallbacks(doc: DocxDocument, fonts: Mapping[str, str | None]) -> None:
    """Declare each Chinese font (name → Panose, or None) with :data:`FALLBACK_FONT` as its
    alternative name, charset GB2312.

    python-docx has no API for the font table; its part is kept as bytes, rewritten here.
    """
    part = next(p for p in doc.part.package.iter_parts()
                if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, panose in fonts.items():
        panose_xml = f'<w:panose1 w:val="{panose}"/>' if panose else ""
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{FALLBACK_FONT}"/>'
            f'{panose_xml}<w:charset w:val="86"/><w:family w:val="modern"/>'
            '<w:pitch w:val="fixed"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


def plain_style(style: object, font: str, size: float) -> ParagraphStyle:
    """Make a built-in paragraph style an official-document one: ``font`` at ``size`` points,
    black, upright, not bold (Word's defaults colour and embolden headings). Returns it for
    the caller's spacing, which differs between documents."""
    assert isinstance(style, ParagraphStyle)
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.bold = False
    style.font.italic = False
    set_fonts(style.element.get_or_add_rPr(), font)
    return style

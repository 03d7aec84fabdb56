"""Report templates: the shipped ones (``yuqing/reports/templates/reports/documents/``) and an
office's own.

Templates are Django templates rendered by an engine of their own: it loads only the shipped
document templates (so an office's template may extend or include them), has the
``report`` tags built in, and no other tag library — a template edited in the browser can
lay out and word the report, nothing more. Output is a small HTML vocabulary (headings,
paragraphs, lists, tables, figures, links) that the PDF and DOCX writers both understand.

An office's template for a kind is looked up from the report's unit upwards, then the
deployment's default (no unit), then the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template import Context, Engine, Template
from django.template.loader import render_to_string

from yuqing.orgs.models import Unit
from yuqing.reports.models import Kind, ReportTemplate

DOCUMENTS_DIR = Path(__file__).resolve().parent / "templates" / "reports" / "documents"
ENGINE = Engine(dirs=[str(DOCUMENTS_DIR)], libraries={}, autoescape=True,
                builtins=["yuqing.reports.templatetags.report"])
SHIPPED = "shipped"
DEFAULT = "default"


@dataclass(frozen=True)
class Chosen:
    template: Template
    #: Where it came from: "shipped", "default" or the code of the unit that owns it.
    origin: str


def shipped_source(kind: str) -> str:
    return (DOCUMENTS_DIR / f"{Kind(kind).value}.html").read_text(encoding="utf-8")


def compile_template(source: str) -> Template:
    """Compile an office's template; raises ``TemplateSyntaxError`` saying what is wrong."""
    return ENGINE.from_string(source)


def stored(kind: str, unit: Unit | None) -> ReportTemplate | None:
    """The office template that applies to ``unit`` (nearest unit upwards, then default)."""
    codes = [c for c in unit.path.split("/") if c] if unit is not None else []
    rows = {(row.unit.code if row.unit else ""): row for row in
            ReportTemplate.objects.filter(kind=kind, unit__code__in=codes)
            .select_related("unit")}
    for code in reversed(codes):
        if code in rows:
            return rows[code]
    return ReportTemplate.objects.filter(kind=kind, unit__isnull=True).first()


def choose(kind: str, unit: Unit | None) -> Chosen:
    row = stored(kind, unit)
    if row is None:
        return Chosen(ENGINE.get_template(f"{Kind(kind).value}.html"), SHIPPED)
    return Chosen(compile_template(row.body), row.unit.code if row.unit else DEFAULT)


def render_body(chosen: Chosen, context: dict[str, Any]) -> str:
    """The report's HTML body (without the document around it)."""
    return chosen.template.render(Context(context, autoescape=True))


def page(title: str, body: str) -> str:
    """A whole HTML document around a report body, with the report stylesheet inline (the
    HTML download must stand alone: it is opened from a disk or an e-mail)."""
    return render_to_string("reports/document.html", {
        "title": title, "body": body,
        "css": (DOCUMENTS_DIR / "report.css").read_text(encoding="utf-8")})

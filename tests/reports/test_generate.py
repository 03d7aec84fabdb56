"""Each kind of report from the fixture, in each format, and an office's own template.

The DOCX is opened with python-docx (headings, tables, page setup, pictures); the PDF is
rendered to images and its text extracted with PDFium (:mod:`tests.reports.pdf`): the
Chinese title must be in it, and a chart — its bars in the platform colours — on a page; its
fonts (read with :mod:`tests.cases.pdftext`) must be embedded WenQuanYi Zen Hei subsets.
"""

from __future__ import annotations

import re
from io import BytesIO

import docx
import pytest
from django.utils import translation

from tests.cases.pdftext import read
from tests.reports.conftest import World
from tests.reports.pdf import colour_pixels, pages
from yuqing.analysis.models import Event
from yuqing.collect.models import Item
from yuqing.reports import actions, generate, scope
from yuqing.reports.figures import platform_color
from yuqing.reports.forms import TemplateForm
from yuqing.reports.models import Format, Kind, Report

pytestmark = pytest.mark.django_db


def made(world: World, kind: str, unit: str = "district") -> generate.Rendered:
    chosen = scope.of_unit(world.units[unit])
    event = Event.objects.get(pk=world.event_of("w1")) if kind in ("flash", "analysis") \
        else None
    with translation.override("en"):
        return generate.render(kind, chosen, day=world.day, event=event)


def headings(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None
            and p.style.name == style]


def test_daily_bulletin_in_every_format(world: World) -> None:
    report = made(world, Kind.DAILY)
    day = f"{world.day.year}年{world.day.month}月{world.day.day}日"
    title = f"{day}舆情监测情况"

    document = docx.Document(BytesIO(report.files[Format.DOCX]))
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin,
                                  section.bottom_margin, section.left_margin,
                                  section.right_margin) if x is not None] == [210, 297, 37, 35,
                                                                              28, 26]
    assert document.paragraphs[0].text == "舆情日报"
    assert headings(document, "Title") == [title]
    assert headings(document, "Heading 1") == ["一、总体情况", "二、重点舆情", "三、地域分布",
                                               "四、信息来源", "五、监测方案命中", "六、处置情况"]
    assert headings(document, "Heading 2")[0].startswith("（一）滨江区东湖街道幸福小区停水")
    posts, regions, tiers = document.tables[0], document.tables[-2], document.tables[-1]
    assert [c.text for c in posts.rows[0].cells] == ["时间", "来源", "级别", "内容", "编号"]
    assert posts.rows[1].cells[4].text.startswith("[#")
    assert regions.rows[1].cells[0].text == "浙江省杭州市"
    assert [c.text for c in tiers.rows[0].cells] == ["来源级别", "信息量", "占比"]
    assert len(document.inline_shapes) == 3  # platforms, tone share, regions

    pdf = pages(report.files[Format.PDF])
    text = "".join(p.text for p in pdf)
    assert "舆情日报" in pdf[0].text and title in pdf[0].text.replace("\r\n", "")
    assert "共监测到与滨江区相关的网络信息" in text.replace("\r\n", "")
    forum = platform_color("forum")
    assert max(colour_pixels(p.image, forum) for p in pdf) > 500  # the forum's bars
    facts = read(report.files[Format.PDF])
    assert facts.embedded_fonts >= 1 and all("WenQuanYi" in f for f in facts.fonts)

    html = report.files[Format.HTML].decode()
    assert html.count('src="data:image/png;base64,') == 3 and "chart:" not in html
    assert f'href="http://127.0.0.1:8000/items/{world.items["w0"]}/">[#{world.items["w0"]}]' \
        in html


def test_every_cited_item_is_one_the_report_may_show(world: World) -> None:
    report = made(world, Kind.DAILY, "street_b")
    cited = report.document.cited
    assert cited and set(Item.objects.filter(pk__in=cited).values_list("source__name",
                                                                       flat=True)) == {"西湖日报"}
    html = report.files[Format.HTML].decode()
    assert {int(n) for n in re.findall(r"\[#(\d+)\]", html)} == cited


def test_weekly_report(world: World) -> None:
    report = made(world, Kind.WEEKLY)
    document = docx.Document(BytesIO(report.files[Format.DOCX]))
    assert document.paragraphs[0].text == "舆情周报"
    assert headings(document, "Heading 1")[1] == "二、重点舆情"
    assert report.document.totals is not None and report.document.totals.items == 17
    assert len(report.document.charts["volume_platform"].labels) == 7  # one bar a day


def test_flash_report(world: World) -> None:
    report = made(world, Kind.FLASH)
    document = docx.Document(BytesIO(report.files[Format.DOCX]))
    assert document.paragraphs[0].text == "舆情快报"
    assert headings(document, "Title") == ["滨江区东湖街道幸福小区停水三天了，物业一直不给说法，"
                                           "居民生活非常困难"]
    assert headings(document, "Heading 1") == ["一、基本情况", "二、主要内容", "三、传播节点",
                                               "四、代表性信息"]
    summary = report.document.event
    assert summary is not None and summary.first_report is not None
    assert summary.first_report.item_id == world.items["w0"]
    assert summary.summary and all(q.item_id in report.document.cited for q in summary.summary)


def test_analysis_report_with_charts(world: World) -> None:
    report = made(world, Kind.ANALYSIS)
    document = docx.Document(BytesIO(report.files[Format.DOCX]))
    assert headings(document, "Heading 1") == [
        "一、事件概述", "二、传播态势", "三、信息来源", "四、舆论观点", "五、地域分布",
        "六、转发链条", "七、谣言比对与处置"]
    assert len(document.inline_shapes) == 3
    cascades = document.tables[-1]
    assert [c.text for c in cascades.rows[0].cells][:3] == ["层级", "来源", "内容"]
    assert [r.cells[0].text for r in cascades.rows[1:]] == ["1", "2", "3", "3", "2"]
    pdf = pages(report.files[Format.PDF])
    assert "舆情分析报告" in pdf[0].text.replace("\r\n", "")


def test_an_offices_template_is_used_for_its_unit_and_below(world: World) -> None:
    body = ('{% include "_masthead.html" with masthead="东湖街道舆情日报" %}'
            "<h1>东湖日报</h1><h2>一、概况</h2><p>共{{ doc.totals.items }}条。</p>"
            '{% chart "tone_share" "情感" %}')
    form = TemplateForm({"body": body}, kind=Kind.DAILY, unit=world.units["street_a"])
    assert form.is_valid(), form.errors
    actions.save_template(world.analyst, Kind.DAILY, world.units["street_a"], body)
    assert made(world, Kind.DAILY, "community").origin == "street-a"  # a unit below
    own = made(world, Kind.DAILY, "street_a")
    assert own.origin == "street-a"
    document = docx.Document(BytesIO(own.files[Format.DOCX]))
    assert [p.text for p in document.paragraphs][:4] == ["东湖街道舆情日报",
                                                         document.paragraphs[1].text,
                                                         document.paragraphs[2].text,
                                                         "东湖日报"]
    assert len(document.inline_shapes) == 1
    assert made(world, Kind.DAILY, "street_b").origin == "shipped"


def test_a_broken_template_is_refused_with_the_reason(world: World) -> None:
    broken = TemplateForm({"body": "{% for x in doc.events %}<p>x</p>"}, kind=Kind.DAILY,
                          unit=None)
    assert not broken.is_valid() and "endfor" in str(broken.errors)
    loading = TemplateForm({"body": "{% load static %}"}, kind=Kind.DAILY, unit=None)
    assert not loading.is_valid()
    missing = TemplateForm({"body": '{% include "nothing.html" %}'}, kind=Kind.DAILY,
                           unit=None)
    assert not missing.is_valid()


def test_generate_stores_the_files_and_numbers_the_issues(world: World) -> None:
    chosen = scope.of_unit(world.units["district"])
    first = generate.generate(Kind.DAILY, chosen, day=world.day, user=world.analyst)
    second = generate.generate(Kind.DAILY, chosen, day=world.day, user=world.analyst)
    assert (first.number, second.number) == (1, 2)
    assert sorted(first.files.values_list("format", flat=True)) == ["docx", "html", "pdf"]
    assert first.cited_items and first.template == "shipped" and first.seconds > 0
    assert Report.objects.get(pk=first.pk).summary.startswith("15 items")
    with pytest.raises(generate.ReportError):
        generate.generate(Kind.FLASH, chosen, user=world.analyst)

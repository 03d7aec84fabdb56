"""One description of each chart, drawn twice: by Chart.js on screen, by matplotlib in PDF/DOCX.

A :class:`ChartSpec` holds what a chart shows — kind, labels, series, colours — and nothing
about how. Pages put :meth:`ChartSpec.as_json` in a ``data-chart`` attribute for
``reports/charts.js``; documents embed :func:`render_png`. The two drawings therefore show the
same figures in the same colours, and a chart changed here changes in both places.
"""

from __future__ import annotations

import io
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.conf import settings

Kind = Literal["line", "stacked", "bar", "hbar", "doughnut"]

TONE_COLORS = {"negative": "#c0392b", "neutral": "#8796a8", "positive": "#2e8b57"}
#: Colours for series without a colour of their own (platforms, schemes), in order.
PALETTE = ("#1d5fb8", "#e67e22", "#16a085", "#8e44ad", "#c0392b", "#2c3e50", "#d4ac0d",
           "#7f8c8d", "#27ae60", "#e84393", "#5d6d7e")
#: Printed size: the text width of an A4 page in the official layout (156 mm), 200 dpi.
WIDTH_MM, HEIGHT_MM, DPI = 156, 72, 200
FONTS = ["WenQuanYi Zen Hei", "Noto Sans CJK SC", "DejaVu Sans"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]
    color: str


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    kind: Kind
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    #: Unit of the values, shown on the value axis ("items", "%").
    unit: str = ""

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @property
    def empty(self) -> bool:
        return not self.labels or not any(any(s.values) for s in self.series)


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


_lock = threading.Lock()
_ready = False


def _matplotlib() -> None:
    """Load matplotlib once, headless, with a Chinese font and its cache in the data dir.

    Imported on first use: it costs half a second that pages without documents never pay.
    """
    global _ready
    with _lock:
        if _ready:
            return
        # Its font cache must survive restarts (building it takes seconds) and a service
        # account may have no home directory.
        os.environ.setdefault("MPLCONFIGDIR", str(settings.DATA_DIR / "matplotlib"))
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams.update({
            "font.family": "sans-serif", "font.sans-serif": FONTS,
            "axes.unicode_minus": False, "font.size": 9,
            "axes.spines.top": False, "axes.spines.right": False,
            "font.weight": "medium", "axes.labelweight": "medium",
        })
        _ready = True


def _thin(labels: list[str], most: int = 12) -> list[int]:
    """Which x positions get a label: at most ``most``, evenly spaced from the first."""
    step = max(1, -(-len(labels) // most))
    return list(range(0, len(labels), step))


def _draw(axes: Any, spec: ChartSpec) -> None:
    x = list(range(len(spec.labels)))
    if spec.kind == "doughnut":
        values = [s.values[0] if s.values else 0 for s in spec.series]
        if sum(values) > 0:
            wedges, _texts = axes.pie(values, colors=[s.color for s in spec.series],
                                      startangle=90, counterclock=False,
                                      wedgeprops={"width": 0.42, "edgecolor": "white"})
            axes.legend(wedges, [f"{s.name} {v:g}" for s, v in zip(spec.series, values,
                                                                     strict=True)],
                        loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        axes.set_aspect("equal")
        return
    if spec.kind == "hbar":
        y = list(range(len(spec.labels)))[::-1]
        left = [0.0] * len(spec.labels)
        for s in spec.series:
            axes.barh(y, s.values, left=left, color=s.color, label=s.name, height=0.65)
            left = [a + b for a, b in zip(left, s.values, strict=True)]
        axes.set_yticks(y, spec.labels)
    elif spec.kind == "line":
        for s in spec.series:
            axes.plot(x, s.values, color=s.color, label=s.name, linewidth=1.6,
                      marker="o" if len(x) <= 31 else None, markersize=2.5)
    else:
        bottom = [0.0] * len(spec.labels)
        width = 0.8 / (1 if spec.kind == "stacked" else max(1, len(spec.series)))
        for n, s in enumerate(spec.series):
            if spec.kind == "stacked":
                axes.bar(x, s.values, bottom=bottom, color=s.color, label=s.name, width=0.8)
                bottom = [a + b for a, b in zip(bottom, s.values, strict=True)]
            else:
                offset = (n - (len(spec.series) - 1) / 2) * width
                axes.bar([i + offset for i in x], s.values, color=s.color, label=s.name,
                         width=width)
    from matplotlib.ticker import MaxNLocator

    (axes.xaxis if spec.kind == "hbar" else axes.yaxis).set_major_locator(
        MaxNLocator(integer=True))
    if spec.kind != "hbar":
        ticks = _thin(spec.labels)
        axes.set_xticks(ticks, [spec.labels[i] for i in ticks])
        axes.tick_params(axis="x", labelrotation=0 if len(spec.labels) <= 8 else 30)
        for label in axes.get_xticklabels():
            label.set_horizontalalignment("right" if len(spec.labels) > 8 else "center")
        axes.set_ylim(bottom=0)
        if spec.unit:
            axes.set_ylabel(spec.unit)
    axes.grid(axis="x" if spec.kind == "hbar" else "y", color="#dde3ea", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(spec.series) > 1:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def render_png(spec: ChartSpec) -> bytes:
    """The chart as a PNG image, sized for the text width of an A4 page. Without its title:
    a document puts its own caption under it."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if spec.empty:
        axes.axis("off")
        axes.text(0.5, 0.5, "—", ha="center", va="center", transform=axes.transAxes)
    else:
        _draw(axes, spec)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()

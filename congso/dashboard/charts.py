"""Accessible charts as inline SVG rendered on the server (no JavaScript, no CDN).

Every chart is an ``<svg role="img">`` named by ``aria-label`` (its title) and described by its
``<desc>`` (``aria-describedby``: every value in words), with ``<title>`` for tooltips. It scales
with its container (``viewBox``) and comes with the table of its data
(:class:`~congso.dashboard.tables.Table`), which the template prints under it — a screen-reader
user or a phone without room for the picture reads the numbers there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from congso.dashboard.tables import Column, Table, format_value

#: Colour-blind-safe palette (Okabe–Ito), dark enough on white for 3:1 contrast.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    svg: SafeString
    table: Table


def _fmt(kind: str) -> Callable[[float | None], str]:
    return lambda v: format_value(v, kind)


def column_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    kind: str = "int",
    label_header: str = "Kỳ",
    desc: str = "",
) -> Chart:
    """Vertical columns, one group per label and one colour per series (a trend over time)."""
    fmt = _fmt(kind)
    width, height, left, bottom, top = 480, 240, 60, 40, 12
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = _nice_max(max(values) if values else 0)
    plot_w, plot_h = width - left - 8, height - bottom - top
    group_w = plot_w / max(1, len(labels))
    bar_w = max(2.0, (group_w * 0.8) / max(1, len(series)))
    axis_fmt = _fmt("int") if kind in ("dec", "dec1") and top_value >= 100 else fmt
    parts = _frame(width, height, left, top, plot_h, top_value, axis_fmt)
    for si, (name, vs) in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        for li, value in enumerate(vs):
            if value is None:
                continue
            h = 0 if top_value == 0 else plot_h * float(value) / top_value
            x = left + li * group_w + group_w * 0.1 + si * bar_w
            y = top + plot_h - h
            parts.append(
                '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
                "<title>%s — %s: %s</title></rect>"
                % (x, y, bar_w, max(h, 0.5), colour, escape(labels[li]), escape(name), fmt(value))
            )
    step = 1 if len(labels) <= 8 else 2 if len(labels) <= 16 else 3
    for li, label in enumerate(labels):
        if li % step:
            continue  # every label is in the data table; the axis shows one in ``step``
        x = left + li * group_w + group_w / 2
        parts.append(
            '<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>'
            % (x, height - bottom + 16, escape(_short(label)))
        )
    parts.extend(_legend(series, left, height - 6))
    description = desc or _describe(labels, series, fmt)
    table = Table(
        id="%s-data" % chart_id,
        title=title,
        columns=[Column(label_header), *[Column(name, kind) for name, _ in series]],
        rows=[[label, *[vs[i] for _, vs in series]] for i, label in enumerate(labels)],
    )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, width, height, parts),
        table,
    )


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    kind: str = "pct",
    value_header: str = "Giá trị",
    label_header: str = "Đơn vị",
    max_value: float | None = None,
    desc: str = "",
) -> Chart:
    """Horizontal bars, one per label (a ranking); readable on a narrow phone."""
    fmt = _fmt(kind)
    row_h, left, width = 26, 4, 400
    height = 12 + row_h * max(1, len(labels))
    present = [float(v) for v in values if v is not None]
    top_value = max_value if max_value is not None else _nice_max(max(present) if present else 0)
    bar_left, bar_right = 168, width - 62
    parts: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 6 + i * row_h
        parts.append(
            '<text x="%d" y="%d" class="axis">%s</text>' % (left, y + 17, escape(_short(label, 24)))
        )
        parts.append(
            '<rect x="%d" y="%d" width="%d" height="18" fill="#eee"/>'
            % (bar_left, y + 4, bar_right - bar_left)
        )
        if value is not None and top_value:
            w = (bar_right - bar_left) * min(1.0, float(value) / top_value)
            parts.append(
                '<rect x="%d" y="%d" width="%.1f" height="18" fill="%s"/>'
                % (bar_left, y + 4, w, PALETTE[0])
            )
        parts.append(
            '<text x="%d" y="%d" class="value">%s</text>' % (bar_right + 6, y + 17, fmt(value))
        )
    description = desc or "; ".join(
        "%s: %s" % (lab, fmt(v)) for lab, v in zip(labels, values, strict=True)
    )
    table = Table(
        id="%s-data" % chart_id,
        title=title,
        columns=[Column(label_header), Column(value_header, kind)],
        rows=[[lab, v] for lab, v in zip(labels, values, strict=True)],
    )
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, width, height, parts),
        table,
    )


def _svg(
    chart_id: str, title: str, desc: str, width: int, height: int, parts: list[str]
) -> SafeString:
    head = (
        '<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" '
        'aria-describedby="%s-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>'
        % (
            width,
            height,
            escape(title),
            chart_id,
            chart_id,
            escape(title),
            chart_id,
            escape(desc),
        )
    )
    return mark_safe(head + "".join(parts) + "</svg>")


def _frame(
    width: int, height: int, left: int, top: int, plot_h: float, top_value: float, fmt: Callable
) -> list[str]:
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#d9d4cf"/>' % (left, y, width - 8, y)
        )
        parts.append(
            '<text x="%d" y="%.1f" text-anchor="end" class="axis">%s</text>'
            % (left - 4, y + 4, escape(fmt(value) if value else "0"))
        )
    return parts


def _legend(series: Sequence[tuple[str, Sequence[float | None]]], x: int, y: int) -> list[str]:
    if len(series) < 2:
        return []
    parts = []
    for i, (name, _) in enumerate(series):
        cx = x + i * 150
        parts.append(
            '<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
            % (cx, y - 9, PALETTE[i % len(PALETTE)])
        )
        parts.append(
            '<text x="%d" y="%d" class="axis">%s</text>' % (cx + 14, y, escape(_short(name, 26)))
        )
    return parts


def _describe(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], fmt: Callable
) -> str:
    chunks = []
    for name, vs in series:
        chunks.append(
            "%s: %s"
            % (name, ", ".join("%s %s" % (lab, fmt(v)) for lab, v in zip(labels, vs, strict=False)))
        )
    return ". ".join(chunks)


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 × 10^n)."""
    value = float(value)
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    for factor in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return value

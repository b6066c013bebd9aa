"""Bar charts as SVG markup, rendered on the server: no script, and only presentation attributes
and stylesheet classes (the CSP allows no inline style). Every bar carries its number in
`data-value`, the same number its chart's table and CSV give."""
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#0b5cad", "#c2410c", "#1b6e2e", "#6b21a8", "#4a4a4a")   # 4.5:1 or more on white
INK, LINE, MUTED, SOFT = "#1a1a1a", "#b9c7d6", "#4a4a4a", "#eef4fb"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple                # one number (or None: nothing to show) per category


@dataclass(frozen=True)
class Chart:
    """Categories (weeks, languages…) with one or more series of numbers; `unit` "%" for rates."""

    id: str
    title: str
    desc: str
    categories: tuple            # (key, label): the key goes to the CSV, the label on the axis
    series: tuple
    unit: str = ""
    horizontal: bool = False
    category: str = ""           # what a category is ("Week", "Language"): the table's first header
    empty: str = ""              # said across the chart when it has no number at all
    current: str | None = None   # the category to mark (this week), and its note under the axis
    current_note: str = ""

    def rows(self) -> list[tuple]:
        """(category key, category label, value per series): the table's and the CSV's rows."""
        return [(key, label, *(s.values[i] for s in self.series)) for i, (key, label) in enumerate(self.categories)]


def number(value, unit: str = "") -> str:
    """A value as the chart, its table and its CSV write it."""
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + unit


def nice_top(highest: float) -> tuple[int, int]:
    """An axis top and tick step that round `highest` up, at most 5 ticks (steps 1, 2, 5 × 10ⁿ)."""
    if highest <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if highest / step <= 5:
                return step * -(-int(highest) // step) if highest == int(highest) else step * (int(highest // step) + 1), step
        magnitude *= 10


def _attrs(**values) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in values.items() if v is not None)


def _el(tag: str, content: str = "", **attrs) -> str:
    return f"<{tag}{_attrs(**attrs)}>{content}</{tag}>"


def _text(text: str, **attrs) -> str:
    return _el("text", str(escape(text)), **attrs)


def _label_lines(label: str) -> list[str]:
    """A date range on two lines ("11/30–" over "12/4") when it is long; anything else on one."""
    if "–" in label and len(label) > 7:
        first, rest = label.split("–", 1)
        return [first + "–", rest]
    return [label]


def _legend(chart: Chart, x: float, y: float) -> str:
    if len(chart.series) < 2:
        return ""
    parts = []
    for i, s in enumerate(chart.series):
        parts.append(_el("rect", x=x, y=y - 11, width=12, height=12, fill=COLOURS[i % len(COLOURS)]))
        parts.append(_text(s.label, x=x + 18, y=y, fill=INK, font_size=13))
        x += 30 + 9 * len(s.label) + (8 * sum(1 for c in s.label if ord(c) > 0x2e80))
    return _el("g", "".join(parts), class_="legend")


def _svg(chart: Chart, width: int, height: int, body: str) -> Markup:
    title_id, desc_id = f"{chart.id}-title", f"{chart.id}-desc"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-{escape(chart.id)}" role="img"'
        f' viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{escape(title_id)} {escape(desc_id)}"'
        f' data-chart="{escape(chart.id)}">'
        + _el("title", str(escape(chart.title)), id=title_id) + _el("desc", str(escape(chart.desc)), id=desc_id)
        + body + "</svg>")


def _bar(chart: Chart, s_index: int, c_index: int, value, **box) -> str:
    series, (key, label) = chart.series[s_index], chart.categories[c_index]
    return _el("rect", class_=f"bar bar-{s_index}", fill=COLOURS[s_index % len(COLOURS)], data_series=series.key,
               data_category=key, data_value=number(value), **box)


def columns(chart: Chart, width: int = 1040, height: int = 320) -> Markup:
    """Vertical bars, grouped by category (a week), one colour per series, the value above each bar."""
    left, right, top, bottom = 52, 12, 46, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in chart.series for v in s.values if v is not None]
    axis_top, step = (100, 25) if chart.unit == "%" else nice_top(max(values, default=0))
    parts = [_legend(chart, left, 16)]
    tick = 0
    while tick <= axis_top:
        y = top + plot_h - plot_h * tick / axis_top
        parts.append(_el("line", x1=left, x2=width - right, y1=round(y, 1), y2=round(y, 1), stroke=LINE, stroke_width=1))
        parts.append(_text(number(tick, chart.unit), x=left - 6, y=round(y + 4, 1), text_anchor="end", fill=MUTED,
                           font_size=12))
        tick = tick + step
    band = plot_w / max(len(chart.categories), 1)
    bar_w = min(40, band * 0.8 / max(len(chart.series), 1))
    keys = [key for key, _ in chart.categories]
    if chart.current in keys:
        x = round(left + band * keys.index(chart.current), 1)
        parts.insert(0, _el("rect", class_="current-week", x=x, y=top - 36, width=round(band, 1), height=plot_h + 36 + 44,
                            fill=SOFT))
        if chart.current_note:
            parts.append(_text(chart.current_note, x=round(x + band / 2, 1), y=top - 22, text_anchor="middle", fill=INK,
                               font_size=12, font_weight="700"))
    for c, (key, label) in enumerate(chart.categories):
        x0 = left + band * c + (band - bar_w * len(chart.series)) / 2
        for s_index, s in enumerate(chart.series):
            value = s.values[c]
            x = round(x0 + bar_w * s_index, 1)
            h = 0 if value is None else plot_h * value / axis_top
            parts.append(_bar(chart, s_index, c, value, x=x, y=round(top + plot_h - h, 1), width=round(bar_w - 2, 1),
                              height=round(h, 1)))
            if value is not None:
                parts.append(_text(number(value, chart.unit), x=round(x + bar_w / 2 - 1, 1), y=round(top + plot_h - h - 4, 1),
                                   text_anchor="middle", fill=INK, font_size=11 if len(chart.series) > 1 else 13))
        for i, line in enumerate(_label_lines(label)):
            parts.append(_text(line, x=round(left + band * c + band / 2, 1), y=top + plot_h + 18 + 15 * i,
                               text_anchor="middle", fill=INK, font_size=12))
    parts.append(_el("line", x1=left, x2=width - right, y1=top + plot_h, y2=top + plot_h, stroke=INK, stroke_width=1))
    if not values and chart.empty:
        parts.append(_text(chart.empty, x=left + plot_w / 2, y=top + plot_h / 2, text_anchor="middle", fill=MUTED,
                           font_size=16, class_="chart-empty"))
    return _svg(chart, width, height, "".join(parts))


def bars(chart: Chart, width: int = 400) -> Markup:
    """Horizontal bars, one per category (a language, a service), the value after each bar."""
    left, right, row, top = 120, 44, 34, 8
    height = top + row * max(len(chart.categories), 1) + 8
    values = [v for s in chart.series for v in s.values if v is not None]
    highest = max(values, default=0) or 1
    plot_w = width - left - right
    parts = []
    s = chart.series[0]
    for c, (key, label) in enumerate(chart.categories):
        value = s.values[c]
        y = top + row * c
        w = 0 if value is None else plot_w * value / highest
        parts.append(_text(label, x=left - 8, y=y + 22, text_anchor="end", fill=INK, font_size=15))
        parts.append(_bar(chart, 0, c, value, x=left, y=y + 5, width=round(w, 1), height=row - 10))
        parts.append(_text(number(value, chart.unit), x=round(left + w + 6, 1), y=y + 22, fill=INK, font_size=15))
    parts.append(_el("line", x1=left, x2=left, y1=top, y2=height - 8, stroke=INK, stroke_width=1))
    return _svg(chart, width, height, "".join(parts))


def render(chart: Chart) -> Markup:
    return bars(chart) if chart.horizontal else columns(chart)

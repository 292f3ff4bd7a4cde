"""The SVG charts: well-formed, named for screen readers, numbers in a table, text escaped."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from decks import charts

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "<script>alert('x')</script> & \"quotes\""


def parse(markup: str) -> ET.Element:
    """The figure as XML: it must be well-formed, which also proves every tag is closed."""
    return ET.fromstring(markup)


def svg_of(figure: ET.Element) -> ET.Element:
    return figure.find(f".//{SVG}svg")


def table_rows(figure: ET.Element) -> list[list[str]]:
    return [
        ["".join(cell.itertext()) for cell in row]
        for row in figure.findall("./details/div/table/tbody/tr")
    ]


def every_chart(label: str = "Label") -> dict[str, str]:
    today = date(2026, 11, 25)
    return {
        "heatmap": charts.heatmap(
            chart_id="c-heat",
            caption=label,
            title=label,
            counts={today: 3, today - timedelta(days=2): 1},
            start=date(2025, 11, 24),
            today=today,
        ),
        "bars": charts.bar_chart(
            chart_id="c-bars",
            caption=label,
            title=label,
            bars=[charts.Bar(label, 4, label), charts.Bar("Tue", 0)],
            unit="cards",
        ),
        "stacked": charts.stacked_bar_chart(
            chart_id="c-stacked",
            caption=label,
            title=label,
            bars=[charts.StackedBar(label, (1, 0, 2, 0, 3), label)],
            series=[charts.Series(f"{n} {label}", f"rate-{n}") for n in range(1, 6)],
        ),
        "line": charts.line_chart(
            chart_id="c-line",
            caption=label,
            title=label,
            points=[charts.Point(label, 50, label), charts.Point("w2", 75)],
            value_name="Recall",
        ),
        "rows": charts.horizontal_bar_chart(
            chart_id="c-rows",
            caption=label,
            title=label,
            rows=[charts.Row(label, 3, label), charts.Row("Other", None, "none yet")],
            label_name="Cards",
            value_name="Count",
        ),
    }


@pytest.mark.parametrize("name", ["heatmap", "bars", "stacked", "line", "rows"])
def test_each_chart_is_a_figure_with_a_named_svg_image_and_a_table_of_its_numbers(name):
    figure = parse(every_chart()[name])
    assert figure.tag == "figure"
    assert figure.find("figcaption").text == "Label"
    svg = svg_of(figure)
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert svg.get("viewBox").startswith("0 0 ")
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id") == f"{figure.get('id')}-title"
    assert figure.find("./details/summary") is not None
    assert figure.find("./details/div/table/caption").text == "Label"
    assert table_rows(figure)


@pytest.mark.parametrize("name", ["heatmap", "bars", "stacked", "line", "rows"])
def test_labels_are_escaped_everywhere_they_appear(name):
    markup = every_chart(NASTY)[name]
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert 'quotes"' not in markup
    figure = parse(markup)  # escaped text keeps the markup well-formed
    assert NASTY in "".join(figure.find("figcaption").itertext())


@pytest.mark.parametrize("name", ["heatmap", "bars", "stacked", "line", "rows"])
def test_charts_use_no_style_attributes_the_csp_would_block(name):
    markup = every_chart()[name]
    assert "style=" not in markup
    assert "<style" not in markup
    assert "<script" not in markup


def test_the_heatmap_draws_each_day_up_to_today_in_53_week_columns():
    figure = parse(every_chart()["heatmap"])
    cells = [
        rect for rect in svg_of(figure).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
    ]
    start, today = date(2025, 11, 24), date(2026, 11, 25)
    assert len(cells) == (today - start).days + 1  # nothing after today
    columns = {float(cell.get("x")) for cell in cells}
    assert len(columns) == 53
    levels = [cell.get("class") for cell in cells]
    assert levels.count("heat-4") == 1  # the busiest day
    assert levels.count("heat-2") == 1  # 1 of 3: the second quarter
    assert table_rows(figure) == [["Mon 23 Nov 2026", "1"], ["Wed 25 Nov 2026", "3"]]


@pytest.mark.parametrize(
    ("count", "maximum", "level"),
    [(0, 10, 0), (1, 10, 1), (3, 12, 1), (4, 12, 2), (9, 12, 3), (10, 12, 4), (5, 5, 4), (1, 1, 4)],
)
def test_heat_levels_are_the_quarter_of_the_busiest_day_reached(count, maximum, level):
    assert charts.heat_level(count, maximum) == level


@pytest.mark.parametrize(
    ("maximum", "scale"), [(0, (1, 1)), (3, (3, 1)), (7, (8, 2)), (18, (20, 5)), (230, (300, 100))]
)
def test_axes_are_scaled_in_steps_of_one_two_or_five(maximum, scale):
    assert charts.nice_scale(maximum) == scale


def test_stacked_bars_draw_one_segment_per_nonzero_rating_bottom_up():
    figure = parse(every_chart()["stacked"])
    segments = [
        rect for rect in svg_of(figure).iter(f"{SVG}rect") if rect.get("class").startswith("rate")
    ]
    assert [segment.get("class") for segment in segments] == ["rate-1", "rate-3", "rate-5"]
    ys = [float(segment.get("y")) for segment in segments]
    assert ys == sorted(ys, reverse=True)  # each segment sits on the one before
    assert table_rows(figure) == [["Label", "1", "0", "2", "0", "3", "6"]]
    assert len(figure.findall("./ul/li/span")) == 5  # the legend


def test_a_line_breaks_where_a_week_has_no_value():
    figure = charts.line_chart(
        chart_id="c",
        caption="Recall",
        title="Recall",
        points=[
            charts.Point("w1", 40),
            charts.Point("w2", 60),
            charts.Point("w3", None),
            charts.Point("w4", 80),
            charts.Point("w5", 100),
        ],
        value_name="Recall",
    )
    svg = svg_of(parse(figure))
    assert len(svg.findall(f"{SVG}path")) == 2
    assert len(svg.findall(f"{SVG}circle")) == 4
    assert table_rows(parse(figure))[2] == ["w3", "–"]


def test_a_row_without_a_value_draws_no_bar_but_keeps_its_text():
    svg = svg_of(parse(every_chart()["rows"]))
    bars = list(svg.iter(f"{SVG}rect"))
    assert len(bars) == 1
    assert "none yet" in [text.text for text in svg.iter(f"{SVG}text")]

"""Chart labels measured as Chromium draws them: none cut off, none under the wrong bar."""

from datetime import date, timedelta

import pytest

from decks import charts

pytestmark = pytest.mark.browser

TODAY = date(2026, 12, 4)


def draw(page, markup):
    page.set_content(f"<!doctype html><body style='width:700px'>{markup}</body>")


def test_the_heatmaps_last_month_label_fits_in_the_drawing(page):
    # December starts in the last week drawn: its label used to run past the edge.
    draw(
        page,
        charts.heatmap(
            chart_id="heat",
            caption="Answers",
            title="Answers",
            counts={TODAY: 3},
            start=date(2025, 12, 1),
            today=TODAY,
        ),
    )
    overflow = page.evaluate(
        """() => {
          const svg = document.querySelector('#heat svg');
          const width = svg.viewBox.baseVal.width;
          const labels = [...svg.querySelectorAll('text')]
            .filter(t => t.getAttribute('y') === '12');
          const last = labels[labels.length - 1];
          const box = last.getBBox();
          return {label: last.textContent, right: box.x + box.width, width};
        }"""
    )
    assert overflow["label"] == "Dec"
    assert overflow["right"] <= overflow["width"]


@pytest.mark.parametrize("today_label", ["Today", "Vandaag"])
def test_the_forecasts_today_label_stands_under_todays_bar_only(page, today_label):
    bars = [
        charts.Bar(
            charts.day_label(TODAY + timedelta(days=n)),
            5 if n == 1 else 0,  # nothing due today, five tomorrow
            "" if n % 7 else (today_label if n == 0 else charts.short_day(TODAY + timedelta(n))),
        )
        for n in range(30)
    ]
    draw(
        page,
        charts.bar_chart(chart_id="ahead", caption="Due", title="Due", bars=bars, unit="cards"),
    )
    measured = page.evaluate(
        """(label) => {
          const svg = document.querySelector('#ahead svg');
          const text = [...svg.querySelectorAll('text')].find(t => t.textContent === label);
          const tomorrow = svg.querySelector('rect.bar');
          const box = text.getBBox();
          return {right: box.x + box.width, left: box.x, tomorrow: tomorrow.x.baseVal.value};
        }""",
        today_label,
    )
    assert measured["right"] <= measured["tomorrow"]
    assert measured["left"] >= -4  # still on the card, left of the axis

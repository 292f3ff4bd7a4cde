"""The statistics page's figures as plain data: what each chart shows and says.

No database: a `Statistics` is built by hand and the charts are read as data; the page
that draws them is tested in tests/views/test_statistics.py.
"""

from datetime import date, timedelta

from decks.services.statistics import (
    FORECAST_DAYS,
    CardCategories,
    DayCount,
    DayRatings,
    RatingCalibration,
    Statistics,
    WeekRecall,
    heatmap_start,
    statistics_charts,
)

TODAY = date(2099, 6, 17)  # a Wednesday
LABELS = {1: "Not at all", 2: "Barely", 3: "With effort", 4: "Well", 5: "Perfectly"}


def stats(**figures) -> Statistics:
    """A student's statistics with nothing to show, but for `figures`."""
    empty = {
        "answers_by_day": {},
        "heatmap_start": heatmap_start(TODAY),
        "streak": 0,
        "forecast": [DayCount(TODAY + timedelta(n), 0) for n in range(FORECAST_DAYS)],
        "ratings": [],
        "recall": [],
        "categories": CardCategories(),
        "calibration": [RatingCalibration(rating, 0, 0) for rating in LABELS],
        "calibration_sentence": "",
    }
    return Statistics(**(empty | figures))


def test_with_nothing_to_show_every_chart_is_left_out():
    charts = statistics_charts(stats(), today=TODAY, rating_labels=LABELS)
    assert charts == dict.fromkeys(
        ["heatmap", "forecast", "ratings", "recall", "categories", "calibration"]
    )


def test_the_forecast_is_a_bar_per_day_with_today_labelled_and_counted_in_its_title():
    forecast = [DayCount(TODAY + timedelta(n), 3 if n == 0 else 1) for n in range(FORECAST_DAYS)]
    chart = statistics_charts(stats(forecast=forecast), today=TODAY, rating_labels=LABELS)[
        "forecast"
    ]
    bars = chart.data["bars"]
    assert (chart.kind, chart.chart_id, len(bars)) == ("bar_chart", "chart-forecast", 30)
    assert [bar.tick for bar in bars if bar.tick][0] == "Today"
    assert chart.title.startswith("32 cards due in the next 30 days, 3 of them today")


def test_the_ratings_legend_names_each_rating_in_the_words_it_is_given():
    ratings = [DayRatings(TODAY, (1, 0, 2, 0, 4))]
    chart = statistics_charts(stats(ratings=ratings), today=TODAY, rating_labels=LABELS)["ratings"]
    assert [series.name for series in chart.data["series"]][::4] == [
        "1 · Not at all",
        "5 · Perfectly",
    ]
    assert chart.data["bars"][0].values == (1, 0, 2, 0, 4)


def test_the_recall_title_speaks_of_the_latest_week_with_answers():
    weeks = [WeekRecall(TODAY - timedelta(14), 10, 9), WeekRecall(TODAY - timedelta(7), 4, 3),
             WeekRecall(TODAY, 0, 0)]  # fmt: skip
    chart = statistics_charts(stats(recall=weeks), today=TODAY, rating_labels=LABELS)["recall"]
    assert "75% in the week of" in chart.title
    assert [point.value for point in chart.data["points"]] == [90.0, 75.0, None]

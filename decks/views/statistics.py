"""A student's statistics page, for all their decks or one, drawn as server-side SVG."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from decks import charts
from decks.forms import RATING_LABELS
from decks.selectors import decks_for
from decks.services.clock import today_for_study
from decks.services.statistics import (
    FORECAST_DAYS,
    RATING_DAYS,
    RECALL_WEEKS,
    Statistics,
    statistics_for,
)
from decks.views.study import HtmxHttpRequest

WEEK_TICKS_EVERY = 3
DAY_TICKS_EVERY = 7


def _day_tick(index: int, count: int, day: date, today: date) -> str:
    """Ticks every week, counted back from the last bar so the newest day is labelled."""
    if (count - 1 - index) % DAY_TICKS_EVERY:
        return ""
    return "Today" if day == today else charts.short_day(day)


def _forecast_tick(index: int, day: date) -> str:
    if index % DAY_TICKS_EVERY:
        return ""
    return "Today" if index == 0 else charts.short_day(day)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _charts(stats: Statistics, today: date) -> dict[str, SafeString | None]:
    """Each figure as a chart, or None where there is nothing to draw yet."""
    drawn: dict[str, SafeString | None] = dict.fromkeys(
        ["heatmap", "forecast", "ratings", "recall", "categories", "calibration"]
    )
    if stats.total_answers:
        drawn["heatmap"] = charts.heatmap(
            chart_id="chart-heatmap",
            caption="Answers in the past year",
            title=(
                f"{_plural(stats.total_answers, 'answer')} on "
                f"{_plural(stats.study_days, 'study day')} since "
                f"{charts.day_label(stats.heatmap_start)}; "
                f"current streak {_plural(stats.streak, 'day')}."
            ),
            counts=stats.answers_by_day,
            start=stats.heatmap_start,
            today=today,
        )
    due_total = sum(day.count for day in stats.forecast)
    if due_total:
        drawn["forecast"] = charts.bar_chart(
            chart_id="chart-forecast",
            caption=f"Cards due in the next {FORECAST_DAYS} days",
            title=(
                f"{_plural(due_total, 'card')} due in the next {FORECAST_DAYS} days, "
                f"{stats.forecast[0].count:,} of them today, overdue cards included."
            ),
            bars=[
                charts.Bar(charts.day_label(day.day), day.count, _forecast_tick(i, day.day))
                for i, day in enumerate(stats.forecast)
            ],
            unit="cards",
        )
    answered = sum(day.total for day in stats.ratings)
    if answered:
        drawn["ratings"] = charts.stacked_bar_chart(
            chart_id="chart-ratings",
            caption=f"Answers per day by rating, last {RATING_DAYS} days",
            title=(
                f"{_plural(answered, 'answer')} in the last {RATING_DAYS} days, "
                "each day split by the rating you gave, 1 at the bottom to 5 at the top."
            ),
            bars=[
                charts.StackedBar(
                    charts.day_label(day.day),
                    day.counts,
                    _day_tick(i, len(stats.ratings), day.day, today),
                )
                for i, day in enumerate(stats.ratings)
            ],
            series=[
                charts.Series(f"{rating} · {label}", f"rate-{rating}")
                for rating, label in RATING_LABELS.items()
            ],
        )
    weeks = [week for week in stats.recall if week.rate is not None]
    if weeks:
        latest = weeks[-1]
        drawn["recall"] = charts.line_chart(
            chart_id="chart-recall",
            caption=f"Recall per week, last {RECALL_WEEKS} weeks",
            title=(
                "Share of cards seen on an earlier day that you rated 3 or higher, per week; "
                f"{round(latest.rate * 100)}% in the week of "
                f"{charts.day_label(latest.week_start)}."
            ),
            points=[
                charts.Point(
                    f"Week of {charts.day_label(week.week_start)}",
                    None if week.rate is None else week.rate * 100,
                    ""
                    if (len(stats.recall) - 1 - i) % WEEK_TICKS_EVERY
                    else charts.short_day(week.week_start),
                )
                for i, week in enumerate(stats.recall)
            ],
            value_name="Recall",
        )
    categories = stats.categories
    if categories.total:
        drawn["categories"] = charts.horizontal_bar_chart(
            chart_id="chart-categories",
            caption="Your cards",
            title=(
                f"{categories.new:,} new, {categories.learning:,} learning, "
                f"{categories.young:,} young and {categories.mature:,} mature cards."
            ),
            rows=[
                charts.Row(name.capitalize(), value, f"{value:,}", f"cat-{name}")
                for name, value in (
                    ("new", categories.new),
                    ("learning", categories.learning),
                    ("young", categories.young),
                    ("mature", categories.mature),
                )
            ],
            label_name="Cards",
            value_name="Count",
        )
    if any(row.pairs for row in stats.calibration):
        drawn["calibration"] = charts.horizontal_bar_chart(
            chart_id="chart-calibration",
            caption="Recalled at the next review, by the rating you gave",
            title=stats.calibration_sentence,
            rows=[
                charts.Row(
                    f"Rated {row.rating}",
                    None if row.share is None else row.share * 100,
                    "no repeat yet"
                    if row.share is None
                    else f"{round(row.share * 100)}% of {row.pairs:,}",
                    f"rate-{row.rating}",
                )
                for row in stats.calibration
            ],
            label_name="Rating",
            value_name="Recalled next time",
            maximum=100,
        )
    return drawn


@login_required
@require_GET
def statistics(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    # The picker needs every deck anyway, so the one asked for is found in that list.
    decks = list(decks_for(request.user))
    deck = None
    if slug is not None:
        deck = next((candidate for candidate in decks if candidate.slug == slug), None)
        if deck is None:
            raise Http404("No such deck among yours.")
    today = today_for_study()
    stats = statistics_for(student=request.user, deck=deck, today=today)
    return render(
        request,
        "decks/statistics.html",
        {"decks": decks, "deck": deck, "stats": stats, "charts": _charts(stats, today)},
    )

"""A student's statistics page, for all their decks or one, drawn as server-side SVG."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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


# Weeks of the phone's heatmap: six months, drawn whole in a phone's width.
PHONE_HEATMAP_WEEKS = 26


def _day_tick(index: int, count: int, day: date, today: date) -> str:
    """Ticks every week, counted back from the last bar so the newest day is labelled."""
    if (count - 1 - index) % DAY_TICKS_EVERY:
        return ""
    return _("Today") if day == today else charts.short_day(day)


def _forecast_tick(index: int, day: date) -> str:
    if index % DAY_TICKS_EVERY:
        return ""
    return _("Today") if index == 0 else charts.short_day(day)


def _number(count: int) -> str:
    """A count with the language's thousands separator: 1,234 in English, 1.234 in Dutch."""
    return number_format(count, force_grouping=True)


def _charts(stats: Statistics, today: date) -> dict[str, SafeString | None]:
    """Each figure as a chart, or None where there is nothing to draw yet."""
    drawn: dict[str, SafeString | None] = dict.fromkeys(
        ["heatmap", "heatmap_recent", "forecast", "ratings", "recall", "categories", "calibration"]
    )
    if stats.total_answers:
        drawn["heatmap"] = charts.heatmap(
            chart_id="chart-heatmap",
            caption=_("Answers in the past year"),
            title=_("%(answers)s on %(days)s since %(start)s; current streak %(streak)s.")
            % {
                "answers": ngettext(
                    "%(answers)s answer", "%(answers)s answers", stats.total_answers
                )
                % {"answers": _number(stats.total_answers)},
                "days": ngettext("%(days)s study day", "%(days)s study days", stats.study_days)
                % {"days": _number(stats.study_days)},
                "start": charts.day_label(stats.heatmap_start),
                "streak": ngettext("%(days)s day", "%(days)s days", stats.streak)
                % {"days": _number(stats.streak)},
            },
            counts=stats.answers_by_day,
            start=stats.heatmap_start,
            today=today,
            unit=_("answers"),
        )
        # A year of weeks is too wide for a phone: there the last six months stand in its
        # place (stamp's charts.css picks one by width), whole and saying what they show.
        recent_start = max(stats.heatmap_start, today - timedelta(weeks=PHONE_HEATMAP_WEEKS - 1))
        recent_start -= timedelta(days=recent_start.weekday())
        drawn["heatmap_recent"] = charts.heatmap(
            chart_id="chart-heatmap-recent",
            caption=_("Answers in the past six months"),
            title=_("Answers per day since %(start)s.") % {"start": charts.day_label(recent_start)},
            counts={day: n for day, n in stats.answers_by_day.items() if day >= recent_start},
            start=recent_start,
            today=today,
            unit=_("answers"),
        )
    due_total = sum(day.count for day in stats.forecast)
    if due_total:
        drawn["forecast"] = charts.bar_chart(
            chart_id="chart-forecast",
            caption=_("Cards due in the next %(days)s days") % {"days": FORECAST_DAYS},
            title=ngettext(
                "%(cards)s card due in the next %(days)s days, %(today)s of them today, "
                "overdue cards included.",
                "%(cards)s cards due in the next %(days)s days, %(today)s of them today, "
                "overdue cards included.",
                due_total,
            )
            % {
                "cards": _number(due_total),
                "days": FORECAST_DAYS,
                "today": _number(stats.forecast[0].count),
            },
            bars=[
                charts.Bar(charts.day_label(day.day), day.count, _forecast_tick(i, day.day))
                for i, day in enumerate(stats.forecast)
            ],
            unit=_("cards"),
        )
    answered = sum(day.total for day in stats.ratings)
    if answered:
        drawn["ratings"] = charts.stacked_bar_chart(
            chart_id="chart-ratings",
            caption=_("Answers per day by rating, last %(days)s days") % {"days": RATING_DAYS},
            title=ngettext(
                "%(answers)s answer in the last %(days)s days, each day split by the rating "
                "you gave, 1 at the bottom to 5 at the top.",
                "%(answers)s answers in the last %(days)s days, each day split by the rating "
                "you gave, 1 at the bottom to 5 at the top.",
                answered,
            )
            % {"answers": _number(answered), "days": RATING_DAYS},
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
            caption=_("Recall per week, last %(weeks)s weeks") % {"weeks": RECALL_WEEKS},
            title=_(
                "Share of cards seen on an earlier day that you rated 3 or higher, per week; "
                "%(share)s%% in the week of %(week)s."
            )
            % {"share": round(latest.rate * 100), "week": charts.day_label(latest.week_start)},
            points=[
                charts.Point(
                    _("Week of %(day)s") % {"day": charts.day_label(week.week_start)},
                    None if week.rate is None else week.rate * 100,
                    ""
                    if (len(stats.recall) - 1 - i) % WEEK_TICKS_EVERY
                    else charts.short_day(week.week_start),
                )
                for i, week in enumerate(stats.recall)
            ],
            value_name=_("Recall"),
        )
    categories = stats.categories
    if categories.total:
        drawn["categories"] = charts.horizontal_bar_chart(
            chart_id="chart-categories",
            caption=_("Your cards"),
            title=_(
                "%(new)s new, %(learning)s learning, %(young)s young and %(mature)s mature cards."
            )
            % {
                "new": _number(categories.new),
                "learning": _number(categories.learning),
                "young": _number(categories.young),
                "mature": _number(categories.mature),
            },
            rows=[
                charts.Row(label, value, _number(value), f"cat-{name}")
                for name, label, value in (
                    ("new", _("New"), categories.new),
                    ("learning", _("Learning"), categories.learning),
                    ("young", _("Young"), categories.young),
                    ("mature", _("Mature"), categories.mature),
                )
            ],
            label_name=_("Cards"),
            value_name=_("Count"),
        )
    if any(row.pairs for row in stats.calibration):
        drawn["calibration"] = charts.horizontal_bar_chart(
            chart_id="chart-calibration",
            caption=_("Recalled at the next review, by the rating you gave"),
            title=stats.calibration_sentence,
            rows=[
                charts.Row(
                    _("Rated %(rating)s") % {"rating": row.rating},
                    None if row.share is None else row.share * 100,
                    _("no repeat yet")
                    if row.share is None
                    else _("%(share)s%% of %(pairs)s")
                    % {"share": round(row.share * 100), "pairs": _number(row.pairs)},
                    f"rate-{row.rating}",
                )
                for row in stats.calibration
            ],
            label_name=_("Rating"),
            value_name=_("Recalled next time"),
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
            raise Http404(_("No such deck among yours."))
    today = today_for_study()
    stats = statistics_for(student=request.user, deck=deck, today=today)
    return render(
        request,
        "decks/statistics.html",
        {"decks": decks, "deck": deck, "stats": stats, "charts": _charts(stats, today)},
    )

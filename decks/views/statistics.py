"""A student's statistics page, for all their decks or one, drawn as server-side SVG."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from decks import charts
from decks.forms import RATING_LABELS
from decks.selectors import decks_for
from decks.services.clock import today_for_study
from decks.services.statistics import Chart, statistics_charts, statistics_for
from decks.views.htmx import LoggedInRequest

# How each kind of figure is drawn: the statistics service says what a chart shows.
DRAWINGS: dict[str, Callable[..., SafeString]] = {
    "heatmap": charts.heatmap,
    "bar_chart": charts.bar_chart,
    "stacked_bar_chart": charts.stacked_bar_chart,
    "line_chart": charts.line_chart,
    "horizontal_bar_chart": charts.horizontal_bar_chart,
}


def _draw(chart: Chart | None) -> SafeString | None:
    if chart is None:
        return None
    return DRAWINGS[chart.kind](
        chart_id=chart.chart_id, caption=chart.caption, title=chart.title, **chart.data
    )


@login_required
@require_GET
def statistics(request: LoggedInRequest, slug: str | None = None) -> HttpResponse:
    # The picker needs every deck anyway, so the one asked for is found in that list.
    decks = list(decks_for(request.user))
    deck = None
    if slug is not None:
        deck = next((candidate for candidate in decks if candidate.slug == slug), None)
        if deck is None:
            raise Http404(_("No such deck among yours."))
    today = today_for_study()
    stats = statistics_for(student=request.user, deck=deck, today=today)
    figures = statistics_charts(stats, today=today, rating_labels=RATING_LABELS)
    drawn = {name: _draw(chart) for name, chart in figures.items()}
    return render(
        request,
        "decks/statistics.html",
        {"decks": decks, "deck": deck, "stats": stats, "charts": drawn},
    )

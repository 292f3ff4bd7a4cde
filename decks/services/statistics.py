"""A student's statistics, for all their decks or one: what they did, what comes, how well.

Each figure is a query that returns small grouped rows, handed to a pure function that
does the arithmetic, so the arithmetic is tested on plain tuples and the page stays a
handful of queries however long the review log grows. History (heatmap, ratings,
recall, calibration) covers every answer the student gave; what lies ahead (the
forecast and the card counts) covers the decks they may study now, without retired
cards, because those are the cards their queue will show.

`statistics_charts` then says what each chart of the page shows and says, as plain data;
the view draws them with `decks.charts`.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decks import charts
from decks.models import AnswerMode, Card, CardState, DailyActivity, Deck, ReviewLog
from decks.selectors import decks_for
from decks.services.checked import CheckedRecall, checked_recall_for
from decks.services.leaderboard import period_start, study_streak
from decks.services.scheduling import MASTERED_INTERVAL_DAYS, MAX_QUALITY, PASSING_QUALITY

HEATMAP_WEEKS = 53
FORECAST_DAYS = 30
RATING_DAYS = 30
RECALL_WEEKS = 12
# SM-2 gives 1 day, then 6, then multiplies: below a week a card is still being learned.
YOUNG_INTERVAL_DAYS = 7
# A calibration share from fewer pairs than this is noise, too thin to state in words.
MIN_CALIBRATION_PAIRS = 5
RATINGS = tuple(range(1, MAX_QUALITY + 1))


def _not_enough_answers() -> str:
    return _(
        "Not enough answers yet: this needs cards you have answered at least twice, "
        "%(pairs)s times or more with the same rating."
    ) % {"pairs": MIN_CALIBRATION_PAIRS}


# Lazy, so the sentence is in the language of the request that shows it.
NOT_ENOUGH_ANSWERS = lazy(_not_enough_answers, str)()


@dataclass(frozen=True)
class DayActivity:
    """One study day's totals summed over the decks in view."""

    day: date
    answers: int = 0
    learned_answers: int = 0
    learned_recalled: int = 0


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class DayRatings:
    """How many answers of each rating a study day had; `counts[0]` is rating 1."""

    day: date
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class WeekRecall:
    """First answers of the day on cards seen before, and how many were rated 3 or more."""

    week_start: date
    answers: int
    recalled: int

    @property
    def rate(self) -> float | None:
        return self.recalled / self.answers if self.answers else None


@dataclass(frozen=True)
class CardCategories:
    """Cards by how far SM-2 has spaced them: never answered, < 7 days, 7-20, 21 or more."""

    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    # Of the mature cards, those whose last typed or picked answer in study the check
    # found right: mastered as checked, beside `mature`, which rests on self-ratings.
    mature_checked: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature


@dataclass(frozen=True)
class RatingCalibration:
    """Answers given `rating` that had a next answer, and how many of those were recalled."""

    rating: int
    pairs: int
    recalled: int
    # Of the answers given `rating` as a self-rating (shown), those whose next answer was
    # checked (typed or picked), and how many of those the check found right.
    checked_pairs: int = 0
    checked_right: int = 0

    @property
    def share(self) -> float | None:
        return self.recalled / self.pairs if self.pairs else None

    @property
    def checked_share(self) -> float | None:
        return self.checked_right / self.checked_pairs if self.checked_pairs else None


@dataclass(frozen=True)
class Statistics:
    answers_by_day: dict[date, int]
    heatmap_start: date
    streak: int
    forecast: list[DayCount]
    ratings: list[DayRatings]
    recall: list[WeekRecall]
    categories: CardCategories
    calibration: list[RatingCalibration]
    calibration_sentence: str
    # Typed or picked answers of the recall's weeks, and how many the check found right.
    checked: CheckedRecall = CheckedRecall()
    checked_sentence: str = ""

    @property
    def total_answers(self) -> int:
        return sum(self.answers_by_day.values())

    @property
    def study_days(self) -> int:
        return sum(1 for count in self.answers_by_day.values() if count)


# Pure arithmetic: no database, the day passed in.


def heatmap_start(today: date) -> date:
    """The Monday that starts a 53-week grid whose last column is the week of `today`."""
    return period_start("week", today) - timedelta(weeks=HEATMAP_WEEKS - 1)


def recall_start(today: date, weeks: int = RECALL_WEEKS) -> date:
    """The Monday of the first of `weeks` calendar weeks, the last being today's."""
    return period_start("week", today) - timedelta(weeks=weeks - 1)


def forecast_from_due(
    due_counts: Iterable[tuple[date, int]], *, today: date, days: int = FORECAST_DAYS
) -> list[DayCount]:
    """Cards due on each of the next `days` days; overdue cards count on today.

    Overdue cards are shown on today because that is when the queue offers them.
    """
    per_day: dict[date, int] = defaultdict(int)
    for due, count in due_counts:
        per_day[max(due, today)] += count
    return [DayCount(day, per_day[day]) for day in (today + timedelta(days=n) for n in range(days))]


def ratings_per_day(
    rows: Iterable[tuple[date, int, int]], *, today: date, days: int = RATING_DAYS
) -> list[DayRatings]:
    """Stack (study day, rating, answers) rows into one entry per day, oldest first."""
    counts: dict[date, list[int]] = defaultdict(lambda: [0] * len(RATINGS))
    for day, rating, n in rows:
        counts[day][rating - 1] += n
    start = today - timedelta(days=days - 1)
    return [
        DayRatings(day, tuple(counts[day]))
        for day in (start + timedelta(days=n) for n in range(days))
    ]


def recall_per_week(
    activity: Iterable[DayActivity], *, today: date, weeks: int = RECALL_WEEKS
) -> list[WeekRecall]:
    """Sum daily recall into Monday-to-Sunday weeks, the last being today's (partial) week."""
    first = recall_start(today, weeks)
    answers: dict[date, int] = defaultdict(int)
    recalled: dict[date, int] = defaultdict(int)
    for row in activity:
        if first <= row.day <= today:
            week = period_start("week", row.day)
            answers[week] += row.learned_answers
            recalled[week] += row.learned_recalled
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    return [WeekRecall(week, answers[week], recalled[week]) for week in starts]


def calibration_from_pairs(rows: Iterable[tuple]) -> list[RatingCalibration]:
    """One RatingCalibration per rating from (rating, pairs, recalled[, checked pairs,
    checked right]) rows; missing ones are 0."""
    found = {row[0]: tuple(value or 0 for value in row[1:]) for row in rows}
    return [RatingCalibration(rating, *found.get(rating, (0, 0))) for rating in RATINGS]


def checked_calibration_sentence(
    calibration: Sequence[RatingCalibration], *, min_pairs: int = MIN_CALIBRATION_PAIRS
) -> str:
    """The self-rating against the check: how often the student's own top rating held up
    when the card was next typed or picked. Empty until enough such pairs exist."""
    solid = [c for c in calibration if c.checked_pairs >= min_pairs]
    if not solid:
        return ""
    top = max(solid, key=lambda c: c.rating)
    return _(
        "When you rated a card %(rating)s yourself, the check found your next typed or picked "
        "answer right %(share)s%% of the time (%(pairs)s answers)."
    ) % {"rating": top.rating, "share": _percent(top.checked_share), "pairs": top.checked_pairs}


def _percent(share: float) -> int:
    return round(share * 100)


def calibration_sentence(
    calibration: Sequence[RatingCalibration], *, min_pairs: int = MIN_CALIBRATION_PAIRS
) -> str:
    """One plain sentence comparing the student's highest rating with their lowest.

    Only ratings with at least `min_pairs` pairs speak: a share of one or two answers
    would state chance as a habit.
    """
    solid = [c for c in calibration if c.pairs >= min_pairs]
    if not solid:
        return str(NOT_ENOUGH_ANSWERS)
    top = max(solid, key=lambda c: c.rating)
    values = {"high": top.rating, "high_share": _percent(top.share)}
    if len(solid) == 1:
        return (
            _("When you rate a card %(high)s you recall it next time %(high_share)s%% of the time.")
            % values
        )
    low = min(solid, key=lambda c: c.rating)
    values |= {"low": low.rating, "low_share": _percent(low.share)}
    if _percent(low.share) < _percent(top.share):
        return (
            _(
                "When you rate a card %(high)s you recall it next time %(high_share)s%% "
                "of the time; your %(low)ss only %(low_share)s%%."
            )
            % values
        )
    return (
        _(
            "When you rate a card %(high)s you recall it next time %(high_share)s%% "
            "of the time; your %(low)ss %(low_share)s%%."
        )
        % values
    )


# Queries: one each, grouped in the database, returning the small rows above.


def _history(queryset: QuerySet, student: AbstractBaseUser, deck: Deck | None) -> QuerySet:
    queryset = queryset.filter(student=student)
    return queryset if deck is None else queryset.filter(deck=deck)


def _studyable(student: AbstractBaseUser, deck: Deck | None) -> Q:
    """The decks whose cards lie ahead of the student: this one, or all they may study."""
    return Q(deck=deck) if deck is not None else Q(deck__in=decks_for(student))


def daily_activity(
    *, student: AbstractBaseUser, deck: Deck | None = None, since: date, today: date
) -> list[DayActivity]:
    """Daily totals from the activity rows, not the review log, so a year stays cheap."""
    rows = (
        _history(DailyActivity.objects.all(), student, deck)
        .filter(day__gte=since, day__lte=today)
        .values("day")
        .annotate(
            n=Sum("answers"), learned=Sum("learned_answers"), recalled=Sum("learned_recalled")
        )
        .values_list("day", "n", "learned", "recalled")
        .order_by("day")
    )
    return [DayActivity(*row) for row in rows]


def answers_by_day(
    *, student: AbstractBaseUser, deck: Deck | None = None, today: date
) -> dict[date, int]:
    """Answers per study day since the heatmap's first Monday; days without any left out."""
    activity = daily_activity(student=student, deck=deck, since=heatmap_start(today), today=today)
    return {row.day: row.answers for row in activity if row.answers}


def due_forecast(
    *, student: AbstractBaseUser, deck: Deck | None = None, today: date, days: int = FORECAST_DAYS
) -> list[DayCount]:
    """Cards coming due on each of the next `days` study days, overdue ones on today."""
    rows = (
        CardState.objects.filter(_studyable(student, deck), student=student)
        .filter(card__retired_at__isnull=True, due__lt=today + timedelta(days=days))
        .values("due")
        .annotate(n=Count("id"))
        .values_list("due", "n")
        .order_by()
    )
    return forecast_from_due(rows, today=today, days=days)


def ratings_by_day(
    *, student: AbstractBaseUser, deck: Deck | None = None, today: date, days: int = RATING_DAYS
) -> list[DayRatings]:
    """Answers per rating on each of the last `days` study days, in one grouped query."""
    rows = (
        _history(ReviewLog.objects.all(), student, deck)
        .filter(study_day__gt=today - timedelta(days=days), study_day__lte=today)
        .values("study_day", "rating")
        .annotate(n=Count("id"))
        .values_list("study_day", "rating", "n")
        .order_by()
    )
    return ratings_per_day(rows, today=today, days=days)


def card_categories(*, student: AbstractBaseUser, deck: Deck | None = None) -> CardCategories:
    """Active cards the student may study, by category, in one query.

    Cards are joined to this student's states only (a filtered relation), so the count
    does not grow with the number of classmates. A card's interval follows the student's
    own ratings, so the categories are self-rated; `mature_checked` counts the mature
    cards whose last checked answer (typed or picked) was right, read for mature cards
    only over the review log's (student, card, sequence) index.
    """
    last_checked = (
        ReviewLog.objects.filter(student_id=student.pk, card_id=OuterRef("pk"))
        .exclude(answered_by=AnswerMode.SHOWN)
        .order_by("-sequence", "-id")
        .values("checked_correct")[:1]
    )
    mature = Q(mine__interval__gte=MASTERED_INTERVAL_DAYS)
    counts = (
        Card.objects.active()
        .filter(_studyable(student, deck))
        .alias(mine=FilteredRelation("states", condition=Q(states__student=student)))
        .alias(last_checked_right=Subquery(last_checked))
        .aggregate(
            new=Count("id", filter=Q(mine__isnull=True)),
            learning=Count("mine", filter=Q(mine__interval__lt=YOUNG_INTERVAL_DAYS)),
            young=Count(
                "mine",
                filter=Q(
                    mine__interval__gte=YOUNG_INTERVAL_DAYS,
                    mine__interval__lt=MASTERED_INTERVAL_DAYS,
                ),
            ),
            mature=Count("mine", filter=mature),
            mature_checked=Count("mine", filter=mature & Q(last_checked_right=True)),
        )
    )
    return CardCategories(**counts)


# Each scheduled review (the first answer of its study day) pairs with the same card's next
# one. Same-day repeats are left out, because recalling a card minutes after seeing its
# answer says nothing about the rating's foresight; a card's last review has no next one
# yet. The window runs in the database over the (student, card, sequence) index, so the
# page reads five rows, not every review of the student.
_CALIBRATION_SQL = """
SELECT previous, COUNT(*), SUM(CASE WHEN rating >= %(passing)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN previous_by = %(shown)s AND answered_by <> %(shown)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN previous_by = %(shown)s AND answered_by <> %(shown)s
                 AND checked_correct = %(yes)s THEN 1 ELSE 0 END)
FROM (
  SELECT l.rating, l.answered_by, l.checked_correct,
         LAG(l.rating) OVER (PARTITION BY l.card_id ORDER BY l.sequence) AS previous,
         LAG(l.answered_by) OVER (PARTITION BY l.card_id ORDER BY l.sequence) AS previous_by
  FROM decks_reviewlog l
  WHERE l.student_id = %(student)s AND l.scheduled = %(yes)s {deck_filter}
) paired
WHERE previous IS NOT NULL
GROUP BY previous
"""


def calibration(*, student: AbstractBaseUser, deck: Deck | None = None) -> list[RatingCalibration]:
    """How well each rating predicts the card's next review: its share recalled (3 or more)."""
    sql = _CALIBRATION_SQL.replace(
        "{deck_filter}", "" if deck is None else "AND l.deck_id = %(deck)s"
    )
    params = {
        "student": student.pk,
        "deck": deck.pk if deck else None,
        "yes": True,
        "passing": PASSING_QUALITY,
        "shown": AnswerMode.SHOWN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return calibration_from_pairs(cursor.fetchall())


def statistics_for(
    *, student: AbstractBaseUser, deck: Deck | None = None, today: date
) -> Statistics:
    """Every figure of the statistics page in six queries.

    The heatmap and the weekly recall share one read of the activity rows: the recall's
    twelve weeks lie inside the heatmap's year. Checked recall covers the same weeks.
    """
    start = heatmap_start(today)
    activity = daily_activity(student=student, deck=deck, since=start, today=today)
    by_day = {row.day: row.answers for row in activity if row.answers}
    shares = calibration(student=student, deck=deck)
    checked = checked_recall_for(
        student_id=student.pk, deck_id=deck.pk if deck else None, since=recall_start(today)
    )
    return Statistics(
        answers_by_day=by_day,
        heatmap_start=start,
        streak=study_streak(by_day, today),
        forecast=due_forecast(student=student, deck=deck, today=today),
        ratings=ratings_by_day(student=student, deck=deck, today=today),
        recall=recall_per_week(activity, today=today),
        categories=card_categories(student=student, deck=deck),
        calibration=shares,
        calibration_sentence=calibration_sentence(shares),
        checked=checked,
        checked_sentence=checked_calibration_sentence(shares),
    )


# The page's figures as plain data: what each chart shows and what it says. The view draws
# each one with `decks.charts`; nothing here is markup.

WEEK_TICKS_EVERY = 3
DAY_TICKS_EVERY = 7
# Names of the ratings, 1 to 5; lazily translated ones too.
Labels = Mapping[int, str | Promise]


@dataclass(frozen=True)
class Chart:
    """One figure: the drawing that shows it (`kind`, a function of `decks.charts`), its id,
    caption and title, and the drawing's data (its other keyword arguments)."""

    kind: str
    chart_id: str
    caption: str
    title: str
    data: dict[str, object]


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


def _heatmap(stats: Statistics, today: date) -> Chart | None:
    if not stats.total_answers:
        return None
    return Chart(
        "heatmap",
        chart_id="chart-heatmap",
        caption=_("Answers in the past year"),
        title=_("%(answers)s on %(days)s since %(start)s; current streak %(streak)s.")
        % {
            "answers": ngettext("%(answers)s answer", "%(answers)s answers", stats.total_answers)
            % {"answers": _number(stats.total_answers)},
            "days": ngettext("%(days)s study day", "%(days)s study days", stats.study_days)
            % {"days": _number(stats.study_days)},
            "start": charts.day_label(stats.heatmap_start),
            "streak": ngettext("%(days)s day", "%(days)s days", stats.streak)
            % {"days": _number(stats.streak)},
        },
        data={
            "counts": stats.answers_by_day,
            "start": stats.heatmap_start,
            "today": today,
            "unit": _("answers"),
        },
    )


# Weeks of the phone's heatmap: six months, drawn whole in a phone's width.
PHONE_HEATMAP_WEEKS = 26


def _heatmap_recent(stats: Statistics, today: date) -> Chart | None:
    """A year of weeks is too wide for a phone: there the last six months stand in its place
    (charts.css picks one by the screen's width), drawn whole and saying what they show."""
    if not stats.total_answers:
        return None
    start = max(stats.heatmap_start, today - timedelta(weeks=PHONE_HEATMAP_WEEKS - 1))
    start -= timedelta(days=start.weekday())
    return Chart(
        "heatmap",
        chart_id="chart-heatmap-recent",
        caption=_("Answers in the past six months"),
        title=_("Answers per day since %(start)s.") % {"start": charts.day_label(start)},
        data={
            "counts": {day: n for day, n in stats.answers_by_day.items() if day >= start},
            "start": start,
            "today": today,
            "unit": _("answers"),
        },
    )


def _forecast(stats: Statistics) -> Chart | None:
    due_total = sum(day.count for day in stats.forecast)
    if not due_total:
        return None
    return Chart(
        "bar_chart",
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
        data={
            "bars": [
                charts.Bar(charts.day_label(day.day), day.count, _forecast_tick(i, day.day))
                for i, day in enumerate(stats.forecast)
            ],
            "unit": _("cards"),
        },
    )


def _ratings(stats: Statistics, today: date, rating_labels: Labels) -> Chart | None:
    answered = sum(day.total for day in stats.ratings)
    if not answered:
        return None
    return Chart(
        "stacked_bar_chart",
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
        data={
            "bars": [
                charts.StackedBar(
                    charts.day_label(day.day),
                    day.counts,
                    _day_tick(i, len(stats.ratings), day.day, today),
                )
                for i, day in enumerate(stats.ratings)
            ],
            "series": [
                charts.Series(f"{rating} · {label}", f"rate-{rating}")
                for rating, label in rating_labels.items()
            ],
        },
    )


def _recall(stats: Statistics) -> Chart | None:
    weeks = [week for week in stats.recall if week.rate is not None]
    if not weeks:
        return None
    latest = weeks[-1]
    return Chart(
        "line_chart",
        chart_id="chart-recall",
        caption=_("Recall per week, last %(weeks)s weeks") % {"weeks": RECALL_WEEKS},
        title=_(
            "Share of cards seen on an earlier day that you rated 3 or higher, per week; "
            "%(share)s%% in the week of %(week)s."
        )
        % {"share": round(latest.rate * 100), "week": charts.day_label(latest.week_start)},
        data={
            "points": [
                charts.Point(
                    _("Week of %(day)s") % {"day": charts.day_label(week.week_start)},
                    None if week.rate is None else week.rate * 100,
                    ""
                    if (len(stats.recall) - 1 - i) % WEEK_TICKS_EVERY
                    else charts.short_day(week.week_start),
                )
                for i, week in enumerate(stats.recall)
            ],
            "value_name": _("Recall"),
        },
    )


def _categories(stats: Statistics) -> Chart | None:
    categories = stats.categories
    if not categories.total:
        return None
    return Chart(
        "horizontal_bar_chart",
        chart_id="chart-categories",
        caption=_("Your cards"),
        title=_("%(new)s new, %(learning)s learning, %(young)s young and %(mature)s mature cards.")
        % {
            "new": _number(categories.new),
            "learning": _number(categories.learning),
            "young": _number(categories.young),
            "mature": _number(categories.mature),
        },
        data={
            "rows": [
                charts.Row(label, value, _number(value), f"cat-{name}")
                for name, label, value in (
                    ("new", _("New"), categories.new),
                    ("learning", _("Learning"), categories.learning),
                    ("young", _("Young"), categories.young),
                    ("mature", _("Mature"), categories.mature),
                )
            ],
            "label_name": _("Cards"),
            "value_name": _("Count"),
        },
    )


def _calibration_rows(calibration: Sequence[RatingCalibration]) -> list[charts.Row]:
    """A bar per rating for the self-rated recall; where the student's self-ratings were
    followed by checked answers, a second bar: what the check found."""
    any_checked = any(row.checked_pairs for row in calibration)
    rows = []
    for row in calibration:
        rows.append(
            charts.Row(
                _("Rated %(rating)s") % {"rating": row.rating},
                None if row.share is None else row.share * 100,
                _("no repeat yet")
                if row.share is None
                else _("%(share)s%% of %(pairs)s")
                % {"share": round(row.share * 100), "pairs": _number(row.pairs)},
                f"rate-{row.rating}",
            )
        )
        if any_checked:
            share = row.checked_share
            rows.append(
                charts.Row(
                    _("checked"),
                    None if share is None else share * 100,
                    _("no checked answer yet")
                    if share is None
                    else _("%(share)s%% of %(pairs)s")
                    % {"share": round(share * 100), "pairs": _number(row.checked_pairs)},
                    f"rate-{row.rating} checked-bar",
                )
            )
    return rows


def _calibration(stats: Statistics) -> Chart | None:
    if not any(row.pairs for row in stats.calibration):
        return None
    return Chart(
        "horizontal_bar_chart",
        chart_id="chart-calibration",
        caption=_("Recalled at the next review, by the rating you gave"),
        title=stats.calibration_sentence,
        data={
            "rows": _calibration_rows(stats.calibration),
            "label_name": _("Rating"),
            "value_name": _("Recalled next time"),
            "maximum": 100,
        },
    )


def statistics_charts(
    stats: Statistics, *, today: date, rating_labels: Labels
) -> dict[str, Chart | None]:
    """Each figure of the page by name, or None where there is nothing to draw yet.

    `rating_labels` name the ratings in the legend, in the rating buttons' words.
    """
    return {
        "heatmap": _heatmap(stats, today),
        "heatmap_recent": _heatmap_recent(stats, today),
        "forecast": _forecast(stats),
        "ratings": _ratings(stats, today, rating_labels),
        "recall": _recall(stats),
        "categories": _categories(stats),
        "calibration": _calibration(stats),
    }

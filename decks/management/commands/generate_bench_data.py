"""Make the load benchmark's data set: classes of students, decks, and a year of SM-2 history.

The history is simulated in Python, student by student and day by day, the way the study
queue serves cards (due first, then new cards, then same-day repeats of ratings below 4),
with decks.services.scheduling.next_schedule moving each card. Nothing touches the ORM per
review: rows are written in bulk at the end of each student (COPY on PostgreSQL).
"""

import random
import time
from bisect import bisect_right
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from decks.models import (
    Card,
    CardState,
    Classroom,
    DailyActivity,
    Deck,
    DeckCardsVersion,
    Membership,
    NewCardCursor,
    ReviewLog,
    StudentProfile,
)
from decks.services.activity import ACTIVITY_FIGURES, activity_figures
from decks.services.clock import today_for_study
from decks.services.scheduling import SAME_DAY_REPEAT_BELOW, Schedule, next_schedule
from decks.services.study import MAX_TIME_TAKEN_MS
from decks.services.teachers import teachers_group_ensure

PREFIX = "bench-"
CLASS_PREFIX = "Bench class "
PASSWORD = "bench-password-123"
# Share of answers per rating (5 down to 1), as students rate cards they mostly know.
RATING_MIX = {5: 35, 4: 35, 3: 18, 2: 7, 1: 5}
STUDY_DAY_SHARE = 0.7
# A student gives up on a card after this many same-day repeats.
MAX_SAME_DAY_REPEATS = 6
FIRST_NAMES = ["Anna", "Bram", "Daan", "Emma", "Fleur", "Lars", "Noor", "Sem", "Tess", "Yara"]

REVIEW_COLUMNS = [
    "student_id", "card_id", "deck_id", "sequence", "rating", "reviewed_at", "study_day",
    "scheduled", "time_taken_ms", "repetitions_before", "easiness_before", "interval_before",
    "due_before", "repetitions_after", "easiness_after", "interval_after", "due_after",
]  # fmt: skip
STATE_COLUMNS = [
    "student_id", "card_id", "deck_id", "repetitions", "easiness", "interval", "due", "lapses",
    "reviews", "introduced_on", "last_reviewed_at", "last_review_day", "last_rating",
]  # fmt: skip
ACTIVITY_COLUMNS = ["student_id", "deck_id", "day", *ACTIVITY_FIGURES]
CURSOR_COLUMNS = [
    "student_id", "deck_id", "after_position", "after_card", "deck_version", "revision",
]  # fmt: skip


class _Rater:
    """Draws ratings with RATING_MIX and answer times, from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        total = sum(RATING_MIX.values())
        self.bounds, self.ratings, running = [], [], 0
        for rating, weight in RATING_MIX.items():
            running += weight
            self.bounds.append(running / total)
            self.ratings.append(rating)

    def rating(self) -> int:
        return self.ratings[bisect_right(self.bounds, self.rng.random())]

    def time_taken_ms(self) -> int:
        return int(self.rng.lognormvariate(8.7, 0.5))  # median about 6 s


@dataclass(slots=True)
class _CardState:
    card_id: int
    deck_id: int
    position: int
    introduced: int  # day index
    schedule: Schedule = field(default_factory=Schedule)
    due: int = 0
    reviews: int = 0
    lapses: int = 0
    last_day: int = 0
    last_rating: int = 0
    last_at: datetime | None = None


@dataclass(slots=True)
class _Answer:
    """What decks.services.activity.activity_figures reads from a review log row."""

    scheduled: bool
    sequence: int
    rating: int
    interval_before: int
    interval_after: int
    time_taken_ms: int


@dataclass
class _Student:
    user_id: int
    decks: list[int]  # deck ids studied, in the order cards are introduced
    target_reviews: int


class _History:
    """One student's simulated year: review log rows, final card states, activity totals."""

    def __init__(self, *, days: list[date], rater: _Rater, rng: random.Random):
        self.days = days
        self.rater = rater
        self.rng = rng
        self.easiness: dict[float, Decimal] = {}

    def _decimal(self, easiness: float) -> Decimal:
        value = self.easiness.get(easiness)
        if value is None:
            value = self.easiness[easiness] = Decimal(f"{easiness:.2f}")
        return value

    def study_days(self) -> list[bool]:
        return [self.rng.random() < STUDY_DAY_SHARE for _ in self.days]

    def simulate(
        self,
        student: _Student,
        cards_by_deck: dict[int, list[tuple[int, int]]],
        new_cards: int,
        new_per_deck_per_day: int,
    ):
        """Yield review rows; afterwards self.states and self.activity hold the rest."""
        n_days = len(self.days)
        studied = self.study_days()
        next_study = [n_days] * (n_days + 1)
        for day in range(n_days - 1, -1, -1):
            next_study[day] = day if studied[day] else next_study[day + 1]
        study_day_list = [day for day in range(n_days) if studied[day]]
        unseen = {deck: deque(cards_by_deck[deck]) for deck in student.decks}
        buckets: dict[int, list[_CardState]] = defaultdict(list)
        self.states: list[_CardState] = []
        self.activity: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 6)
        figures_names = ACTIVITY_FIGURES
        user_id = student.user_id
        rater = self.rater
        total_study_days = len(study_day_list) or 1

        for index, day in enumerate(study_day_list):
            today = self.days[day]
            local = timezone.make_aware(
                datetime.combine(today, datetime.min.time()) + timedelta(hours=15)
            )
            clock = local + timedelta(seconds=self.rng.randrange(0, 5 * 3600))

            # Due cards first, most overdue first, then in the order the cards were added
            # (as the queue orders them).
            due_today = buckets.pop(day, [])
            due_today.sort(key=lambda s: (s.due, s.card_id))
            # New cards: spread the student's total evenly over their study days.
            quota = (
                index + 1
            ) * new_cards // total_study_days - index * new_cards // total_study_days
            introduced: list[_CardState] = []
            per_deck = dict.fromkeys(student.decks, 0)
            while quota > 0:
                open_decks = [
                    d for d in student.decks if unseen[d] and per_deck[d] < new_per_deck_per_day
                ]
                if not open_decks:
                    break
                for deck in open_decks:
                    if quota <= 0:
                        break
                    card_id, position = unseen[deck].popleft()
                    per_deck[deck] += 1
                    quota -= 1
                    state = _CardState(card_id, deck, position, introduced=day, due=day)
                    introduced.append(state)
                    self.states.append(state)

            repeat: deque[_CardState] = deque()
            repeats_given: dict[int, int] = defaultdict(int)
            for state in (*due_today, *introduced):
                rating = rater.rating()
                clock, row = self._answer(state, day, today, rating, clock, scheduled=True)
                yield row
                self._count(user_id, state, row, figures_names)
                if rating < SAME_DAY_REPEAT_BELOW:
                    repeat.append(state)
                if state.due < n_days:
                    buckets[next_study[state.due]].append(state)
            while repeat:
                state = repeat.popleft()
                rating = rater.rating()
                clock, row = self._answer(state, day, today, rating, clock, scheduled=False)
                yield row
                self._count(user_id, state, row, figures_names)
                repeats_given[state.card_id] += 1
                if (
                    rating < SAME_DAY_REPEAT_BELOW
                    and repeats_given[state.card_id] < MAX_SAME_DAY_REPEATS
                ):
                    repeat.append(state)

    def _date(self, index: int) -> date:
        return self.days[0] + timedelta(days=index)

    def _answer(self, state, day, today, rating, clock, *, scheduled):
        time_taken = min(self.rater.time_taken_ms(), MAX_TIME_TAKEN_MS)
        clock = clock + timedelta(milliseconds=time_taken + 400)
        before = state.schedule
        due_before = None if state.reviews == 0 else self._date(state.due)
        after = before
        if scheduled:
            after = next_schedule(before, rating)
            if rating < 3 and before.repetitions > 0:
                state.lapses += 1
            state.schedule = after
            state.due = day + after.interval
        row = (
            state.card_id,
            state.deck_id,
            state.reviews,
            rating,
            clock,
            today,
            scheduled,
            time_taken,
            before.repetitions,
            self._decimal(before.easiness),
            before.interval,
            due_before,
            after.repetitions,
            self._decimal(after.easiness),
            after.interval,
            self._date(state.due),
        )
        state.reviews += 1
        state.last_day = day
        state.last_rating = rating
        state.last_at = clock
        return clock, row

    def _count(self, user_id, state, row, names) -> None:
        answer = _Answer(
            scheduled=row[6],
            sequence=row[2],
            rating=row[3],
            interval_before=row[10],
            interval_after=row[14],
            time_taken_ms=row[7],
        )
        totals = self.activity[(state.deck_id, row[5])]
        figures = activity_figures(answer)
        for i, name in enumerate(names):
            totals[i] += figures[name]

    def state_rows(self, user_id: int):
        for s in self.states:
            yield (
                user_id,
                s.card_id,
                s.deck_id,
                s.schedule.repetitions,
                self._decimal(s.schedule.easiness),
                s.schedule.interval,
                self._date(s.due),
                s.lapses,
                s.reviews,
                self.days[s.introduced],
                s.last_at,
                self.days[s.last_day],
                s.last_rating,
            )

    def cursor_rows(self, user_id: int, versions: dict[int, int]):
        """Each deck's new-card cursor: cards are introduced in deck order, as the queue
        offers them, so it sits at the last card introduced, stamped with the deck's
        version (`versions`) as the study loop stamps it."""
        last: dict[int, _CardState] = {}
        for s in self.states:
            if s.deck_id not in last or s.position > last[s.deck_id].position:
                last[s.deck_id] = s
        for deck_id, s in last.items():
            yield (user_id, deck_id, s.position, s.card_id, versions.get(deck_id, 0), 0)

    def activity_rows(self, user_id: int):
        for (deck_id, day), totals in self.activity.items():
            yield (user_id, deck_id, day, *totals)


class _Writer:
    """Appends rows to a table: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, columns: list[str], cursor):
        self.model = model
        self.columns = columns
        self.fields = [model._meta.get_field(name.removesuffix("_id")) for name in columns]
        self.names = [f.attname for f in self.fields]
        self.count = 0
        self._copy = None
        self._pending: list = []
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            self._copy_cm = cursor.copy(f"COPY {table} ({cols}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()

    def write(self, row: tuple) -> None:
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        self._pending.append(self.model(**dict(zip(self.names, row, strict=True))))
        if len(self._pending) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self.model.objects.bulk_create(self._pending, batch_size=1000)
        self._pending = []

    def close(self) -> None:
        if self._copy is not None:
            self._copy_cm.__exit__(None, None, None)
            self._copy = None
        elif self._pending:
            self._flush()


def bench_data_delete() -> dict[str, int]:
    """Remove every user named bench-*, deck with slug bench-* and Bench class, and their rows."""
    users = User.objects.filter(username__startswith=PREFIX)
    decks = Deck.objects.filter(slug__startswith=PREFIX)
    counts = {}
    with transaction.atomic():
        # Single DELETE statements: these models have nothing that cascades from them.
        for model in (ReviewLog, CardState, DailyActivity, NewCardCursor):
            counts[model.__name__] = model.objects.filter(
                Q(student__in=users) | Q(deck__in=decks)
            ).delete()[0]
        counts["Classroom"] = (
            Classroom.objects.filter(name__startswith=CLASS_PREFIX)
            .delete()[1]
            .get("decks.Classroom", 0)
        )
        counts["Deck"] = decks.delete()[1].get("decks.Deck", 0)
        counts["User"] = users.delete()[1].get("auth.User", 0)
    return counts


class Command(BaseCommand):
    help = (
        "Make the load benchmark's data set on the configured database: bench-student-NNN "
        "in classes, bench-* decks and a simulated year of reviews (about a million rows "
        "with the defaults). --reset removes earlier bench data first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--students", type=int, default=500)
        parser.add_argument("--classes", type=int, default=10)
        parser.add_argument("--decks", type=int, default=20)
        parser.add_argument("--cards", type=int, default=500, help="Cards per deck.")
        parser.add_argument("--days", type=int, default=365, help="Days of history.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reviews-per-student",
            type=int,
            default=2000,
            help="Average answers of an ordinary student over 365 days (scaled to --days).",
        )
        parser.add_argument(
            "--heavy-reviews",
            type=int,
            default=50_000,
            help="Answers of bench-student-001 over 365 days (scaled), for the statistics page.",
        )
        parser.add_argument("--reset", action="store_true", help="Delete earlier bench data.")

    def handle(self, *args, **opts) -> None:
        started = time.monotonic()
        if opts["students"] < 1 or opts["classes"] < 1 or opts["decks"] < 1 or opts["days"] < 1:
            raise CommandError("--students, --classes, --decks and --days must be at least 1.")
        if opts["reset"]:
            removed = bench_data_delete()
            self.stdout.write(
                f"Removed earlier bench data: {removed} ({time.monotonic() - started:.1f} s)."
            )
        elif (
            User.objects.filter(username__startswith=PREFIX).exists()
            or Deck.objects.filter(slug__startswith=PREFIX).exists()
        ):
            raise CommandError("Bench data exists already; run with --reset to replace it.")

        with transaction.atomic():
            made = self._generate(opts)
        if connection.vendor == "postgresql":
            # As autovacuum would: without it the dead rows of a --reset slow the planner
            # (index probes for actual min/max values walk over them).
            # VACUUM cannot run inside a transaction (a test's); ANALYZE can.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in (ReviewLog, CardState, DailyActivity, NewCardCursor, Card, User):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"{command} {table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Made {made['students']} students (bench-student-001 is the heavy one with "
            f"{made['heavy_reviews']} reviews), {made['teachers']} teachers in "
            f"{made['classes']} classes, {made['decks']} decks of {opts['cards']} cards, "
            f"{made['reviews']} review log rows, {made['states']} card states and "
            f"{made['activity']} daily activity rows, {made['cursors']} new-card cursors "
            f"over {opts['days']} days "
            f"in {elapsed:.1f} s."
        )
        self.stdout.write(f"Every bench user's password: {PASSWORD}")

    def _generate(self, opts) -> dict[str, int]:
        rng = random.Random(opts["seed"])
        n_students, n_classes, n_decks = opts["students"], opts["classes"], opts["decks"]
        today = today_for_study()
        days = [today - timedelta(days=opts["days"] - i) for i in range(opts["days"])]
        password = make_password(PASSWORD)

        teachers_group = teachers_group_ensure()
        width = max(3, len(str(n_students)))
        teachers = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}teacher-{n:02}",
                    first_name="Teacher",
                    last_name=f"{n:02}",
                    password=password,
                    is_staff=True,
                )
                for n in range(1, n_classes + 1)
            ]
        )
        teachers_group.user_set.add(*teachers)
        students = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}student-{n:0{width}}",
                    first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                    last_name=f"{n:0{width}}",
                    password=password,
                )
                for n in range(1, n_students + 1)
            ],
            batch_size=1000,
        )
        StudentProfile.objects.bulk_create(
            [
                StudentProfile(
                    user=student,
                    display_name=f"{student.first_name} {student.last_name}",
                    hide_from_leaderboard=rng.random() < 0.1,
                )
                for student in students
                if rng.random() < 0.5
            ],
            batch_size=1000,
        )

        decks = Deck.objects.bulk_create(
            [
                Deck(
                    title=f"Bench deck {n:02}",
                    slug=f"{PREFIX}deck-{n:02}",
                    description="Generated for the load benchmark.",
                    owner=teachers[(n - 1) % n_classes],
                )
                for n in range(1, n_decks + 1)
            ]
        )
        cards = Card.objects.bulk_create(
            [
                Card(
                    deck=deck,
                    key=f"bench-{deck.pk}-{position}",
                    front=f"<p>Begrip {position} uit {deck.title}</p>",
                    back=f"<p>Uitleg van begrip {position}: <strong>antwoord</strong>.</p>",
                    position=position,
                    tags=f"H{(position - 1) // 50 + 1}",
                )
                for deck in decks
                for position in range(1, opts["cards"] + 1)
            ],
            batch_size=2000,
        )
        # Writing the cards bumped each deck's version (a trigger of migration 0010).
        versions = dict(
            DeckCardsVersion.objects.filter(deck__in=decks).values_list("deck_id", "version")
        )
        cards_by_deck: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for card in cards:
            cards_by_deck[card.deck_id].append((card.pk, card.position))

        classes = [
            Classroom.objects.create(name=f"{CLASS_PREFIX}{n:02}", join_code=f"BENCH{n:03}")
            for n in range(1, n_classes + 1)
        ]
        Membership.objects.bulk_create(
            [
                Membership(classroom=classes[i * n_classes // n_students], student=student)
                for i, student in enumerate(students)
            ],
            batch_size=2000,
        )
        for classroom, teacher in zip(classes, teachers, strict=True):
            classroom.teachers.add(teacher)
            classroom.decks.add(*decks)  # every class studies every deck

        scale = opts["days"] / 365
        per_card = self._reviews_per_card(days, opts["seed"])
        new_limit = Deck._meta.get_field("new_cards_per_day").default
        made = {"reviews": 0, "states": 0, "activity": 0, "heavy_reviews": 0}
        deck_ids = [deck.pk for deck in decks]
        with connection.cursor() as cursor:
            logs = _Writer(ReviewLog, REVIEW_COLUMNS, cursor)
            history = _History(days=days, rater=_Rater(rng), rng=rng)
            state_rows, activity_rows, cursor_rows = [], [], []
            for index, student in enumerate(students):
                heavy = index == 0
                if heavy:
                    studied, target = deck_ids, opts["heavy_reviews"] * scale
                else:
                    count = min(n_decks, rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
                    studied = rng.sample(deck_ids, count)
                    target = opts["reviews_per_student"] * scale * rng.lognormvariate(-0.18, 0.6)
                capacity = len(studied) * opts["cards"]
                plan = _Student(student.pk, studied, int(target))
                new_cards = min(capacity, round(target / per_card))
                before = logs.count
                for row in history.simulate(plan, cards_by_deck, new_cards, new_limit):
                    logs.write((student.pk, *row))
                if heavy:
                    made["heavy_reviews"] = logs.count - before
                state_rows.extend(history.state_rows(student.pk))
                activity_rows.extend(history.activity_rows(student.pk))
                cursor_rows.extend(history.cursor_rows(student.pk, versions))
            logs.close()
            made["reviews"] = logs.count
            for model, columns, rows, key in (
                (CardState, STATE_COLUMNS, state_rows, "states"),
                (DailyActivity, ACTIVITY_COLUMNS, activity_rows, "activity"),
                (NewCardCursor, CURSOR_COLUMNS, cursor_rows, "cursors"),
            ):
                writer = _Writer(model, columns, cursor)
                for row in rows:
                    writer.write(row)
                writer.close()
                made[key] = writer.count
        made.update(
            students=len(students), teachers=len(teachers), classes=len(classes), decks=len(decks)
        )
        return made

    @staticmethod
    def _reviews_per_card(days: list[date], seed: int) -> float:
        """Answers one card gets on average over the history, from a small pilot run."""
        rng = random.Random(seed + 7919)
        history = _History(days=days, rater=_Rater(rng), rng=rng)
        pilot_cards = [(n, n) for n in range(1, 401)]
        answers = 0
        for _ in range(5):
            plan = _Student(0, [0], 0)
            answers += sum(1 for _ in history.simulate(plan, {0: pilot_cards}, 400, 20))
        return max(1.0, answers / 2000)

"""Decks, cards, each student's SM-2 state per card, and the append-only review log."""

import uuid
from datetime import timedelta
from decimal import Decimal
from html import unescape

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _


def new_card_key() -> str:
    return uuid.uuid4().hex


class AnswerMode(models.TextChoices):
    """How a card was, or is to be, answered: shown and self-rated, typed, or picked."""

    SHOWN = "shown", _("Show the answer")
    TYPED = "typed", _("Type the answer")
    CHOICE = "choice", _("Pick from four")


class DeckManager(models.Manager["Deck"]):
    def get_by_natural_key(self, slug: str) -> "Deck":
        return self.get(slug=slug)


class Deck(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"), max_length=200, unique=True, help_text=_("The deck's name in its links.")
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Where the cards come from (a file, a book)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_decks",
        verbose_name=_("owner"),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_decks",
        verbose_name=_("editors"),
        help_text=_("Teachers who may change this deck besides its owner."),
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"),
        default=20,
        help_text=_("How many unseen cards a student is shown per study day."),
    )
    answer_mode = models.CharField(
        _("way to answer"),
        max_length=8,
        choices=AnswerMode.choices,
        default=AnswerMode.SHOWN,
        db_default=AnswerMode.SHOWN,
        help_text=_(
            "How students answer this deck's cards until they pick a way of their own. "
            "Answers too long to type are always shown."
        ),
    )
    both_directions = models.BooleanField(
        _("also study back to front"),
        default=False,
        help_text=_(
            "Every card gets a reverse card that asks its back and answers with its front. "
            "A card and its reverse are never shown on the same day; an edit to either "
            "changes both, and each keeps its own progress. Off: the reverse cards leave "
            "study with their progress kept."
        ),
    )
    # Set once a card of the deck gets a reverse sibling (decks.services.directions): only
    # then does the queue read the longer query that buries siblings for the day.
    has_siblings = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeckManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("deck")
        verbose_name_plural = _("decks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deck_detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class CardQuerySet(models.QuerySet["Card"]):
    def active(self) -> "CardQuerySet":
        """Cards students study: not retired."""
        return self.filter(retired_at__isnull=True)


# django-stubs reads from_queryset() only when assigned at module level, not as a base.
class CardManager(models.Manager.from_queryset(CardQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, deck_slug: str, key: str) -> "Card":
        return self.get(deck__slug=deck_slug, key=key)


class Card(models.Model):
    # No index of its own: card_deck_order below starts with the deck and serves every
    # lookup by deck; a second one tempts the planner to sort a deck it could walk in order.
    deck = models.ForeignKey(
        Deck,
        on_delete=models.CASCADE,
        related_name="cards",
        db_index=False,
        verbose_name=_("deck"),
    )
    # A stable identity inside the deck, so re-seeding or re-importing updates a card
    # in place and every student's progress on it survives.
    key = models.CharField(_("key"), max_length=64, default=new_card_key)
    front = models.TextField(_("front"), help_text=_("Sanitised HTML."))
    back = models.TextField(_("back"), help_text=_("Sanitised HTML."))
    position = models.PositiveIntegerField(_("position"), default=0)
    tags = models.CharField(
        _("tags"),
        max_length=255,
        blank=True,
        help_text=_("Space-separated, such as the chapter: H1 1.2"),
    )
    # Retired cards leave study but keep every student's history; set by a re-import
    # that no longer contains them, or by a teacher.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Direction(models.TextChoices):
        FORWARD = "forward", _("front to back")
        REVERSE = "reverse", _("back to front")

    # A reverse card is a card of its own (its own schedule for each student, in the same
    # queue) whose sides are its forward card's swapped; each names the other as sibling,
    # and decks.services.directions keeps their sides in step. Never shown on the day the
    # other was answered.
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.FORWARD,
        db_default=Direction.FORWARD,
    )
    sibling = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("other direction"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CardManager()

    class Meta:
        ordering = ["deck", "position", "id"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(fields=["deck", "key"], name="card_unique_key_per_deck"),
        ]
        indexes = [
            # Ends in the id so the queue walks new cards in (position, id) order from
            # a student's cursor without sorting.
            models.Index(fields=["deck", "position", "id"], name="card_deck_order"),
            # The study queue subtracts a deck's retired cards from its counts; they are
            # few, and this finds them without reading the deck's other cards.
            models.Index(
                fields=["deck"], condition=models.Q(retired_at__isnull=False), name="card_retired"
            ),
        ]

    def __str__(self) -> str:
        """The front as a teacher reads it: the admin labels cards with this, not the key."""
        text = " ".join(unescape(strip_tags(self.front)).split())
        return Truncator(text).chars(80) if text else self.key

    def natural_key(self) -> tuple[str, str]:
        return (*self.deck.natural_key(), self.key)

    natural_key.dependencies = ["decks.deck"]  # type: ignore[attr-defined]  # Django's way

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ImportUpload(models.Model):
    """An uploaded file waiting for the teacher to confirm its preview.

    Kept in the database, not on a local disk or in the session, so the confirm request
    can land on any app process behind the load balancer.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    format = models.CharField(max_length=32, blank=True)
    deck = models.ForeignKey(Deck, null=True, blank=True, on_delete=models.CASCADE)
    new_deck_title = models.CharField(max_length=200, blank=True)
    # An upload waiting for confirmation this long is abandoned.
    TTL = timedelta(hours=6)

    # sha256 -> the archive member holding it: the preview shows the upload's pictures
    # from here (decks.views.media) before anything is stored.
    media_members = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.filename} by {self.uploaded_by}"


class ImportJob(models.Model):
    """One upload's way through the task worker: read (the preview), then, once confirmed,
    written. The teacher's page shows its stage until it is done.

    Parsing and writing run in `manage.py db_worker`, never in a thread that serves
    students; this row is how the page and the worker talk.
    """

    class Stage(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        PARSING = "parsing", _("Reading the file")
        PREVIEW = "preview", _("Read")
        WRITING_QUEUED = "writing-queued", _("Waiting for its turn to be written")
        # The pictures and sound are stored before the cards' transaction, so a page
        # polling the row sees this step; the cards' step then runs in one transaction.
        MEDIA = "media", _("Storing pictures and sound")
        WRITING = "writing", _("Writing the cards")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    # Stages in which a job waits for, or holds, the task worker.
    ACTIVE = (Stage.QUEUED, Stage.PARSING, Stage.WRITING_QUEUED, Stage.MEDIA, Stage.WRITING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    upload = models.ForeignKey(ImportUpload, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.QUEUED)
    retire_missing = models.BooleanField(default=False)
    # The preview, as `decks.services.imports.import_plan` made it (pickled), until confirmed.
    plan = models.BinaryField(null=True, blank=True)
    # What the teacher is told once it ends: the deck and its counts, or the problems.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.filename} by {self.teacher}: {self.stage}"


def media_storage_name(sha256: str, extension: str) -> str:
    """Where a file lives in storage: named by its content, so it is stored once."""
    return f"media/{sha256[:2]}/{sha256}.{extension}"


class Media(models.Model):
    """A picture or sound that a deck's cards show, stored once by its content.

    The bytes live in Django's default storage (the file system, or S3-compatible object
    storage), under their sha256: the same picture in 40 cards or in two decks is one
    stored file. Each deck that uses it has its own row, which is what the media view
    checks before it serves the file to anyone.
    """

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="media")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=255, help_text="The file's name where it came from.")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(help_text="Bytes.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "media"
        constraints = [
            models.UniqueConstraint(fields=["deck", "sha256"], name="media_once_per_deck"),
        ]
        indexes = [models.Index(fields=["sha256"], name="media_sha256")]

    def __str__(self) -> str:
        return f"{self.deck}: {self.name}"


class CardState(models.Model):
    """One student's SM-2 schedule for one card; created at the card's first answer."""

    # No index of its own: the indexes below that start with the student serve every
    # lookup by student, and each index is one more write on every answer.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="card_states",
        db_index=False,
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="states")
    # Denormalised from card.deck so "what is due in this deck for this student" is one
    # index range scan on (student, deck, due).
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    repetitions = models.PositiveIntegerField(default=0)
    easiness = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("2.50"))
    interval = models.PositiveIntegerField(default=0, help_text="Days.")
    due = models.DateField(help_text="The study day the card is next due.")
    lapses = models.PositiveIntegerField(default=0)
    # Answers so far; a POST names the count it saw, so a repeated or stale answer is
    # recognised and applied once.
    reviews = models.PositiveIntegerField(default=0)
    introduced_on = models.DateField(help_text="Study day of the first answer.")
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_review_day = models.DateField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "card"], name="cardstate_one_per_student"),
        ]
        indexes = [
            # Ends in the card so the earliest due card is read off the index, not sorted
            # out of every card due that day.
            models.Index(fields=["student", "deck", "due", "card"], name="cardstate_due_card"),
            models.Index(
                fields=["student", "deck", "last_review_day"], name="cardstate_reviewed_day"
            ),
            models.Index(fields=["student", "deck", "introduced_on"], name="cardstate_introduced"),
        ]

    def __str__(self) -> str:
        return f"{self.student} / {self.card}: due {self.due}"


class DeckCardsVersion(models.Model):
    """How often a deck's set of active cards or their order has changed.

    Students' new-card cursors made before the latest change are not trusted
    (decks.services.study.cursors). A table of its own, written only by a trigger on the card
    table (migration 0010), so no save of a deck (the admin's form, `loaddata`)
    can write back an older count. No row means version 0.
    """

    deck = models.OneToOneField(Deck, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.deck}: version {self.version}"


class NewCardCursor(models.Model):
    """Where a student's unseen cards in a deck begin, so the queue need not walk the rest.

    The promise, while `deck_version` is the deck's `DeckCardsVersion`: every active card of
    the deck that sorts at or before (`after_position`, `after_card`) in deck order has a
    CardState for the student. The queue looks for new cards after that point, so finding
    the next one costs the same at 100 cards as at 100,000. A change to the deck's cards
    bumps its version; removing a student's state sets their cursor back to the start,
    (0, 0), which no card sorts before. `revision` counts writes, so a cursor computed
    from what an answer read is not written over a change made meanwhile.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    after_position = models.PositiveIntegerField()
    # The card's id, not a foreign key: deleting a card never breaks the promise.
    after_card = models.BigIntegerField()
    deck_version = models.PositiveIntegerField()
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "deck"], name="newcardcursor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student} / {self.deck}: new after card {self.after_card}"


class ReviewLog(models.Model):
    """Every answer ever given, never changed: the schedule can be replayed from it."""

    # No index of its own: the indexes below that start with the student serve every
    # lookup by student, and each index is one more write on every answer.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    # The state.reviews count the answer was given against; unique, so the same answer
    # submitted twice cannot be logged twice.
    sequence = models.PositiveIntegerField()
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    study_day = models.DateField()
    # False for the repeats of the same day, which SM-2 logs but does not schedule by.
    scheduled = models.BooleanField(default=True)
    time_taken_ms = models.PositiveIntegerField(null=True, blank=True)
    # How the answer was given, and for a typed or picked one what the check found:
    # statistics tell checked answers from self-rated ones by these.
    # Database defaults, so writers that do not name them (raw SQL, COPY) stay right.
    answered_by = models.CharField(
        max_length=8,
        choices=AnswerMode.choices,
        default=AnswerMode.SHOWN,
        db_default=AnswerMode.SHOWN,
    )
    checked_correct = models.BooleanField(null=True, blank=True)
    # The student said "I was right" against the check (a typo it missed).
    overridden = models.BooleanField(default=False, db_default=False)
    repetitions_before = models.PositiveIntegerField()
    easiness_before = models.DecimalField(max_digits=4, decimal_places=2)
    interval_before = models.PositiveIntegerField()
    due_before = models.DateField(null=True, blank=True)
    repetitions_after = models.PositiveIntegerField()
    easiness_after = models.DecimalField(max_digits=4, decimal_places=2)
    interval_after = models.PositiveIntegerField()
    due_after = models.DateField()

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "card", "sequence"], name="reviewlog_answer_once"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "deck", "study_day"], name="reviewlog_day"),
            # The statistics page reads a student's last days over all their decks.
            models.Index(fields=["student", "study_day"], name="reviewlog_student_day"),
            # Checked answers (typed or picked), which honest recall figures read; partial,
            # so shown answers, most of the log, neither fill nor slow it.
            models.Index(
                fields=["student", "study_day"],
                condition=~models.Q(answered_by="shown"),
                name="reviewlog_checked_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} rated {self.card} {self.rating} at {self.reviewed_at}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Review logs are append-only.")
        super().save(*args, **kwargs)


class FirstCheck(models.Model):
    """The check of a typed or picked answer that counts for one showing of a card.

    A check records nothing by itself, so without this a student could check again (type
    once more, pick another option) until "Right!" and rate with that verdict: the checked
    figures teachers read would then say what the student says. The first check of the
    card at this answer count is kept and every later check of that showing is judged by
    it. An undo that shows the card again at the same count keeps it too: the student has
    seen the answer.
    """

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    card = models.ForeignKey(Card, on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField()
    correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "card", "sequence"], name="firstcheck_once"),
        ]

    def __str__(self) -> str:
        verdict = "right" if self.correct else "wrong"
        return f"{self.student}'s first check of {self.card} at {self.sequence}: {verdict}"


class UndoneAnswer(models.Model):
    """An answer the student took back: the card and the answer count it was given at.

    Undo sets the card's answer count back, so the form that carried the undone answer
    would be valid again; a form shown before `undone_at_ms` for this card and count is
    refused (the answer's one read looks here), and the card shown after the undo, newer,
    is answered as usual.
    """

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    card = models.ForeignKey(Card, on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField()
    # Milliseconds since the epoch, the unit of the study form's `shown_at`.
    undone_at_ms = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "card", "sequence"], name="undoneanswer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} took back answer {self.sequence} of {self.card}"


# The auth group whose members are teachers: they use the admin for their decks and classes.
# Here, beside the models, because both the reads (`decks.selectors`) and the service that
# keeps the group's permissions (`decks.services.teachers`) name it.
TEACHERS_GROUP = "Teachers"


JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


JOIN_CODE_LENGTH = 8
# What a student can type: class_join upper-cases the input, so a lowercase code or one
# of a single character (32 to guess) would never be typed or be guessed at once.
JOIN_CODE_FORMAT = RegexValidator(
    rf"\A[{JOIN_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}\Z",
    f"A join code is {JOIN_CODE_LENGTH} characters from {JOIN_CODE_ALPHABET}: capitals and "
    "digits, without 0, O, 1 or I.",
)


def new_join_code() -> str:
    import secrets

    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Classroom(models.Model):
    """A class: teachers, students, the decks they study and a code to join."""

    name = models.CharField(_("name"), max_length=200)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="classes_taught", verbose_name=_("teachers")
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="classes_joined",
        blank=True,
        verbose_name=_("students"),
    )
    decks = models.ManyToManyField(
        Deck, related_name="classrooms", blank=True, verbose_name=_("decks")
    )
    join_code = models.CharField(
        _("join code"),
        max_length=16,
        unique=True,
        default=new_join_code,
        validators=[JOIN_CODE_FORMAT],
    )
    join_enabled = models.BooleanField(
        _("joining open"), default=True, help_text=_("Off: nobody can join with the code.")
    )
    exam_date = models.DateField(
        _("exam date"),
        null=True,
        blank=True,
        help_text=_("Until then no card of the class's decks is due past it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("class_detail", kwargs={"pk": self.pk})


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, verbose_name=_("class"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("student")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class StudentProfile(models.Model):
    """How a student appears to classmates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=60, blank=True)
    hide_from_leaderboard = models.BooleanField(
        default=False, help_text="Classmates see “Anonymous student”; teachers still see you."
    )

    def __str__(self) -> str:
        return self.display_name or str(self.user)


class DailyActivity(models.Model):
    """One student's study of one deck on one study day, kept with every review.

    Leaderboards and progress pages read these small rows (class size x days), never the
    review log; `rebuild_activity` recomputes them from the log.
    """

    # No index of its own: the indexes below that start with the student serve every
    # lookup by student, and each index is one more write on every answer.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity", db_index=False
    )
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    answers = models.PositiveIntegerField(default=0)
    # First answers of the day: each card counts once a day, so grinding does not pay.
    cards = models.PositiveIntegerField(default=0)
    # First answers of the day on cards seen on an earlier day, and those rated 3 or more.
    learned_answers = models.PositiveIntegerField(default=0)
    learned_recalled = models.PositiveIntegerField(default=0)
    # Cards that reached (+1) or fell below (-1) the mastery interval that day.
    mastered_delta = models.IntegerField(default=0)
    time_ms = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "deck", "day"], name="activity_once_a_day"),
        ]
        indexes = [models.Index(fields=["deck", "day"], name="activity_deck_day")]

    def __str__(self) -> str:
        return f"{self.student} / {self.deck} on {self.day}"


class DeckSettings(models.Model):
    """A student's own daily limits for one deck; empty means the deck's default."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deck_settings"
    )
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="+")
    new_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="New cards a day; empty for the deck's default."
    )
    reviews_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Reviews of seen cards a day; empty for no limit."
    )
    answer_mode = models.CharField(
        max_length=8,
        choices=AnswerMode.choices,
        blank=True,
        default="",
        db_default="",
        help_text="How this student answers this deck's cards; empty for the deck's way.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "deck"], name="decksettings_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student} / {self.deck}"


class ClassTest(models.Model):
    """A practice test a teacher sets for a class: which decks, how many questions, when.

    Students take it as a `Practice` of kind test, as often as they like while it is open;
    like every practice it never moves anyone's schedule.
    """

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="tests", verbose_name=_("class")
    )
    title = models.CharField(_("title"), max_length=200)
    decks = models.ManyToManyField(Deck, related_name="+", verbose_name=_("decks"))
    question_count = models.PositiveSmallIntegerField(
        _("number of questions"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    opens_on = models.DateField(_("from"))
    closes_on = models.DateField(_("until"), help_text=_("The last day it can be taken."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("class test")
        verbose_name_plural = _("class tests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="classtest_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.classroom}: {self.title}"

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class Practice(models.Model):
    """One round of practice beyond the day's queue, or one practice test.

    Its questions are drawn when it starts and kept with every answer given, so a test's
    result can be shown again and the class pages can count checked answers per card.
    Nothing here is read by the SM-2 schedule, the daily queue or the leaderboards.
    """

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("practice")
        TEST = "test", _("test")

    class Order(models.TextChoices):
        HARDEST = "hardest", _("hardest first")
        ALL = "all", _("all cards")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practices",
        db_index=False,
        verbose_name=_("student"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # One deck, or (for a test over all decks of a class) none and the class.
    deck = models.ForeignKey(
        Deck, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("deck"),
    )  # fmt: skip
    classroom = models.ForeignKey(
        Classroom, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("class"),
    )  # fmt: skip
    class_test = models.ForeignKey(
        ClassTest, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts",
        verbose_name=_("class test"),
    )  # fmt: skip
    # How practice asks (shown, typed, choice); empty for a test, which mixes typed and choice.
    way = models.CharField(_("way of answering"), max_length=8, blank=True)
    order = models.CharField(_("order"), max_length=8, choices=Order.choices, blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions"))
    correct_count = models.PositiveSmallIntegerField(_("right"), default=0)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(fields=["student", "kind", "started_at"], name="practice_student_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def score_percent(self) -> int:
        return round(100 * self.correct_count / self.question_count) if self.question_count else 0


class PracticeQuestion(models.Model):
    """One card asked in a practice or test, how it was asked, and the answer given."""

    class Way(models.TextChoices):
        SHOWN = "shown", _("shown")
        TYPED = "typed", _("typed")
        CHOICE = "choice", _("multiple choice")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="+")
    way = models.CharField(max_length=8, choices=Way.choices)
    # The right answer as the card had it when asked: a later edit does not rewrite a result.
    expected = models.TextField()
    # The four options of a multiple-choice question, as card HTML, in the order shown.
    options = models.JSONField(default=list, blank=True)
    given = models.TextField(blank=True)
    # None until answered. For "shown" it is the student's own word, not a check.
    correct = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "position"], name="practicequestion_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} #{self.position}: {self.card}"

    @property
    def checked(self) -> bool:
        """Whether Stamp judged the answer (typed or picked), not the student."""
        return self.way != self.Way.SHOWN


class Reminder(models.Model):
    """A student's request for one reminder a day, at an hour of the site's time zone, when
    cards wait. `sent_on` is the local day of the last one sent: the sender claims a day by
    moving it forward, so a reminder goes once a day however often the command runs."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder"
    )
    by_email = models.BooleanField(_("by e-mail"), default=False)
    by_push = models.BooleanField(_("as a notification"), default=False)
    hour = models.PositiveSmallIntegerField(_("hour"), default=18)
    # The language the student chose it in: the reminder speaks it.
    language = models.CharField(max_length=8, default="en")
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["hour", "sent_on"], name="reminder_hour_sent")]

    def __str__(self) -> str:
        return f"{self.student} at {self.hour}:00"


class PushSubscription(models.Model):
    """A device where the student allowed notifications: the Web Push endpoint and keys
    the browser gave. Removed when the push service says it has expired."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.student}: {self.endpoint[:40]}"

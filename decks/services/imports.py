"""Writing parsed cards into a deck: plan first (the preview), then apply all or nothing.

Parsers in decks/importers/ turn bytes into card records; this module matches them against
the deck by front, so a re-import updates cards in place and every student's progress on
them survives. Cards missing from the file are never deleted, only retired on request.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from decks.html import MEDIA_TAG, media_hashes
from decks.importers.base import CardRecord, ImportLimits, ParseResult, Problem, front_key
from decks.importers.isolation import parse_upload_isolated
from decks.importers.media import MediaFile
from decks.models import Card, CardState, Deck, ImportJob, ImportUpload
from decks.services.directions import (
    deck_directions_apply,
    reverse_cards_ensure,
    sibling_retirement_sync,
    sibling_sides_sync,
)
from decks.services.media import (
    files_removed_on_failure,
    media_adopt,
    media_files_save,
    media_store,
)


class ImportRejected(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def import_limits() -> ImportLimits:
    """The limits from settings, so operators can tune them without code changes."""
    return ImportLimits(
        max_bytes=settings.STAMP_IMPORT_MAX_BYTES,
        max_cards=settings.STAMP_IMPORT_MAX_CARDS,
        max_field_chars=settings.STAMP_IMPORT_MAX_FIELD_CHARS,
        max_unzipped_bytes=settings.STAMP_IMPORT_MAX_UNZIPPED_BYTES,
        max_media_files=settings.STAMP_MEDIA_MAX_FILES,
        max_media_file_bytes=settings.STAMP_MEDIA_MAX_FILE_BYTES,
        max_media_bytes=settings.STAMP_MEDIA_MAX_BYTES,
        max_image_pixels=settings.STAMP_MEDIA_MAX_PIXELS,
        max_card_text_chars=settings.STAMP_IMPORT_MAX_CARD_TEXT_CHARS,
        max_clozes_per_note=settings.STAMP_IMPORT_MAX_CLOZES_PER_NOTE,
        max_cards_per_note=settings.STAMP_IMPORT_MAX_CARDS_PER_NOTE,
        max_text_lines=settings.STAMP_IMPORT_MAX_TEXT_LINES,
    )


def tags_text(tags: tuple[str, ...]) -> str:
    """Tags as stored: space-separated, cut at a whole tag to fit the column."""
    text = " ".join(tags)
    return text if len(text) <= 255 else text[:255].rsplit(" ", 1)[0]


@dataclass
class ImportPlan:
    """What an import would do to a deck, shown to the teacher before anything is written."""

    parsed: ParseResult
    deck: Deck | None
    deck_title: str
    added: list[CardRecord] = field(default_factory=list)
    updated: list[tuple[Card, CardRecord]] = field(default_factory=list)
    unchanged: list[Card] = field(default_factory=list)
    missing: list[Card] = field(default_factory=list)
    missing_with_progress: set[int] = field(default_factory=set)
    # Fronts (front_key) of the records whose next record is their reverse: their cards
    # get a reverse sibling instead of a second, unlinked card.
    reversed_fronts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.parsed.errors

    @property
    def preview_cards(self) -> list[CardRecord]:
        return self.parsed.cards[:10]

    @property
    def media_to_store(self) -> list[MediaFile]:
        """The pictures and sounds of the cards this import writes."""
        records = [*self.added, *(record for _, record in self.updated)]
        hashes = dict.fromkeys(h for r in records for h in media_hashes(r.front + r.back))
        return [self.parsed.media[h] for h in hashes if h in self.parsed.media]

    @property
    def media_summary(self) -> dict[str, int]:
        """What the teacher is told before confirming: the pictures, sounds and bytes the
        import will store."""
        files = self.media_to_store
        return {
            "images": sum(media.is_image for media in files),
            "sounds": sum(not media.is_image for media in files),
            "bytes": sum(media.size for media in files),
        }


def _changed(card: Card, record: CardRecord) -> bool:
    return (
        card.front != record.front
        or card.back != record.back
        or card.tags != tags_text(record.tags)
        or card.retired_at is not None
    )


def _keeping_media(card: Card, record: CardRecord) -> CardRecord:
    """`record`, with the pictures and sound the card has kept on a side the file gives
    none: a teacher who added a picture in the admin keeps it when the file is imported
    again to correct its text."""
    sides = {}
    for side in ("front", "back"):
        incoming, current = getattr(record, side), getattr(card, side)
        if not media_hashes(incoming) and (kept := "".join(MEDIA_TAG.findall(current))):
            sides[side] = f"{incoming}<br>{kept}"
    return replace(record, **sides) if sides else record


def import_plan(*, parsed: ParseResult, deck: Deck | None, new_title: str = "") -> ImportPlan:
    """Match parsed cards against `deck` (None: a new deck) by front."""
    title = deck.title if deck else (new_title or parsed.deck_title or gettext("Imported deck"))
    plan = ImportPlan(parsed=parsed, deck=deck, deck_title=title)
    existing: dict[str, Card] = {}
    if deck is not None:
        # Reverse cards follow their forward card (decks.services.directions), never a file.
        for card in deck.cards.filter(direction=Card.Direction.FORWARD):
            existing.setdefault(front_key(card.front), card)
    seen: set[str] = set()
    previous_key = None
    for record in parsed.cards:
        if record.reverse and previous_key is not None:
            plan.reversed_fronts.append(previous_key)
            continue
        key = previous_key = front_key(record.front)
        seen.add(key)
        card = existing.get(key)
        if card is not None:
            record = _keeping_media(card, record)
        if card is None:
            plan.added.append(record)
        elif _changed(card, record):
            plan.updated.append((card, record))
        else:
            plan.unchanged.append(card)
    plan.missing = [
        card for key, card in existing.items() if key not in seen and card.retired_at is None
    ]
    if plan.missing:
        plan.missing_with_progress = set(
            CardState.objects.filter(card__in=plan.missing).values_list("card_id", flat=True)
        )
    return plan


def decks_titled(*, decks, title: str) -> list[Deck]:
    """The decks among `decks` whose title is `title`, case and spacing aside.

    A new deck of a taken name gets a slug ending in -2 and looks like its namesake
    everywhere students meet it: the preview offers the existing one instead.
    """
    wanted = " ".join(title.split()).casefold()
    # Narrowed in SQL by the first word, compared exactly here: SQLite's iexact folds ASCII only.
    first = wanted.split()[0] if wanted else ""
    candidates = decks.filter(title__icontains=first) if first else decks.none()
    return [deck for deck in candidates if " ".join(deck.title.split()).casefold() == wanted]


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "deck"
    slug, n = base, 2
    while Deck.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass(frozen=True)
class ImportResult:
    deck: Deck
    added: int
    updated: int
    unchanged: int
    retired: int


def deck_import(
    *,
    data: bytes,
    filename: str,
    format: str | None,
    owner: AbstractBaseUser | None,
    deck: Deck | None,
    new_title: str = "",
    retire_missing: bool = False,
    dry_run: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Parse `data` and write it into `deck` (or a new deck) in one transaction.

    Raises ImportRejected, with every problem, if the file has errors; the database is
    then untouched. With `dry_run`, returns the plan and writes nothing.
    """
    parsed = import_parse(data=data, filename=filename, format=format)
    return import_write(
        parsed=parsed,
        filename=filename,
        owner=owner,
        deck=deck,
        new_title=new_title,
        retire_missing=retire_missing,
        dry_run=dry_run,
    )


def import_parse(*, data: bytes, filename: str, format: str | None) -> ParseResult:
    """Read `data` under the import's limits; ImportRejected with every problem it has."""
    parsed = parse_upload_isolated(
        data, filename=filename, format=format or None, limits=import_limits()
    )
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    return parsed


def import_media_save(
    *, parsed: ParseResult, deck: Deck | None, new_title: str, written: list[str]
) -> None:
    """Store the pictures and sound the import will show, before its cards' transaction.

    The task worker does this as a step of its own, so the teacher's page can show it:
    inside the transaction it would be invisible. Files are stored once by their
    content, so this writes nothing that another deck's row could miss; if the
    transaction then fails, `files_removed_on_failure` takes back what this wrote.
    """
    plan = import_plan(parsed=parsed, deck=deck, new_title=new_title)
    media_files_save(files=plan.media_to_store, written=written)


def import_write(
    *,
    parsed: ParseResult,
    filename: str,
    owner: AbstractBaseUser | None,
    deck: Deck | None,
    new_title: str = "",
    retire_missing: bool = False,
    dry_run: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Write parsed cards into `deck` (or a new deck) in one transaction, all or nothing."""
    # Stored files are no part of the transaction: the ones it wrote go if it fails.
    with files_removed_on_failure() as written, transaction.atomic():
        if deck is not None:
            deck = Deck.objects.select_for_update().get(pk=deck.pk)
        plan = import_plan(parsed=parsed, deck=deck, new_title=new_title)
        if dry_run:
            return plan, None
        result = _apply(
            plan, owner=owner, filename=filename, retire_missing=retire_missing, written=written
        )
    return plan, result


def _apply(
    plan: ImportPlan,
    *,
    owner: AbstractBaseUser | None,
    filename: str,
    retire_missing: bool,
    written: list[str],
) -> ImportResult:
    deck = plan.deck
    if deck is None:
        deck = Deck.objects.create(
            title=plan.deck_title[:200],
            slug=_unique_slug(plan.deck_title),
            owner=owner,
            source=filename[:255],
        )
    media_store(deck=deck, files=plan.media_to_store, written=written)
    records = [*plan.added, *(record for _, record in plan.updated)]
    media_adopt(deck=deck, html=(r.front + r.back for r in records), user=owner)
    position = (deck.cards.aggregate(last=Max("position"))["last"] or 0) + 1
    new_cards = []
    for offset, record in enumerate(plan.added):
        new_cards.append(
            Card(
                deck=deck,
                front=record.front,
                back=record.back,
                tags=tags_text(record.tags),
                position=position + offset,
            )
        )
    Card.objects.bulk_create(new_cards, batch_size=1000)
    now = timezone.now()
    changed = []
    for card, record in plan.updated:
        card.front, card.back, card.tags = record.front, record.back, tags_text(record.tags)
        card.retired_at = None
        card.updated_at = now
        changed.append(card)
    Card.objects.bulk_update(
        changed, ["front", "back", "tags", "retired_at", "updated_at"], batch_size=1000
    )
    retired = 0
    if retire_missing and plan.missing:
        missing = [c.pk for c in plan.missing]
        retired = Card.objects.filter(pk__in=missing).update(retired_at=now, updated_at=now)
        # Their reverse cards leave study with them (not counted: the teacher sees cards).
        Card.objects.filter(sibling__in=missing, direction=Card.Direction.REVERSE).update(
            retired_at=now, updated_at=now
        )
    reverses_made = _both_directions_apply(deck, plan, new_cards=new_cards, changed=changed)
    Deck.objects.filter(pk=deck.pk).update(updated_at=now)
    return ImportResult(
        deck=deck,
        added=len(new_cards) + reverses_made,
        updated=len(changed),
        unchanged=len(plan.unchanged),
        retired=retired,
    )


def _both_directions_apply(
    deck: Deck, plan: ImportPlan, *, new_cards: list[Card], changed: list[Card]
) -> int:
    """Reverse siblings after an import: the file's reversed notes get theirs, an edited
    card's reverse follows the edit (keeping its progress), and a deck studied both ways
    gives its new cards theirs. Returns the reverse cards made."""
    made = 0
    if plan.reversed_fronts:
        by_front = {front_key(card.front): card for card in (*new_cards, *changed, *plan.unchanged)}
        forwards = [by_front[key] for key in plan.reversed_fronts if key in by_front]
        made += reverse_cards_ensure(cards=forwards)
        Card.objects.filter(
            pk__in=[c.sibling_id for c in forwards], retired_at__isnull=False
        ).update(retired_at=None, updated_at=timezone.now())
    sibling_sides_sync(cards=changed)
    sibling_retirement_sync(cards=changed)
    if deck.both_directions:
        made += deck_directions_apply(deck=deck)
    return made


def import_uploads_purge(*, now: datetime) -> int:
    """Delete the uploads left unconfirmed for longer than ImportUpload.TTL.

    Run from cron (`purge_uploads`) as well as before each preview: a teacher who never
    previews again would otherwise keep their stored files for good.
    """
    deleted, _ = ImportUpload.objects.filter(created_at__lt=now - ImportUpload.TTL).delete()
    # Their jobs too, once no worker holds them: a preview never confirmed keeps its plan.
    ImportJob.objects.filter(updated_at__lt=now - ImportUpload.TTL).exclude(
        stage__in=ImportJob.ACTIVE
    ).delete()
    return deleted


def import_upload_hold(*, teacher: AbstractBaseUser, now: datetime, **fields) -> ImportUpload:
    """Keep an upload for its confirm; a teacher holds at most STAMP_IMPORT_MAX_PENDING.

    Each preview stores the whole file, so twenty previews never confirmed were twenty
    stored files. The teacher's oldest go first: their previews were left behind, and
    confirming one answers that it is gone.
    """
    with transaction.atomic():
        import_uploads_purge(now=now)
        theirs = ImportUpload.objects.filter(uploaded_by=teacher).order_by("-created_at", "pk")
        oldest = list(theirs.values_list("pk", flat=True)[settings.STAMP_IMPORT_MAX_PENDING - 1 :])
        ImportUpload.objects.filter(pk__in=oldest).delete()
        return ImportUpload.objects.create(uploaded_by=teacher, **fields)

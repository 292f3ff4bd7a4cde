"""The admin is where teachers create, import and export decks.

Teachers (the Teachers group) see and change only their own decks and those shared with
them; superusers see everything.
"""

import io
import zipfile
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from decks.admin_forms import ImportConfirmForm, ImportUploadForm
from decks.importers.detect import parse_upload
from decks.models import Card, CardState, Classroom, Deck, ImportUpload, Membership, ReviewLog
from decks.services.exports import deck_to_apkg, deck_to_csv, export_filename
from decks.services.imports import ImportRejected, deck_import, import_limits, import_plan
from decks.services.teachers import (
    TEACHERS_GROUP,
    cards_editable_by,
    classes_taught_by,
    decks_editable_by,
)

# An upload waiting for confirmation this long is abandoned.
UPLOAD_TTL = timedelta(hours=6)


class CardInline(admin.TabularInline):
    model = Card
    fields = ("position", "front", "back", "tags", "retired_at")
    extra = 0
    show_change_link = True


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(decks, fmt: str) -> HttpResponse:
    render, content_type = {
        "csv": (deck_to_csv, "text/csv; charset=utf-8"),
        "apkg": (deck_to_apkg, "application/octet-stream"),
    }[fmt]
    decks = list(decks)
    if len(decks) == 1:
        return _download(render(decks[0]), export_filename(decks[0], fmt), content_type)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for deck in decks:
            archive.writestr(export_filename(deck, fmt), render(deck))
    return _download(buffer.getvalue(), f"decks-{fmt}.zip", "application/zip")


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "card_count", "new_cards_per_day", "updated_at")
    search_fields = ("title", "description", "source")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("editors",)
    inlines = [CardInline]
    actions = ["export_csv", "export_apkg"]
    change_list_template = "admin/decks/deck/change_list.html"

    def get_queryset(self, request: HttpRequest):
        return decks_editable_by(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return () if request.user.is_superuser else ("owner",)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "editors":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True)
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Deck, form, change: bool) -> None:
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="cards")
    def card_count(self, deck: Deck) -> int:
        return deck.cards.active().count()

    @admin.action(description="Export selected decks as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset):
        return _export(queryset, "csv")

    @admin.action(description="Export selected decks as Anki packages", permissions=["view"])
    def export_apkg(self, request: HttpRequest, queryset):
        return _export(queryset, "apkg")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="decks_deck_import"),
            path(
                "import/<uuid:upload_id>/confirm/",
                wrap(self.import_confirm_view),
                name="decks_deck_import_confirm",
            ),
            *super().get_urls(),
        ]

    def _require_import_permission(self, request: HttpRequest) -> None:
        if not (
            request.user.has_perm("decks.add_card") and request.user.has_perm("decks.add_deck")
        ):
            raise PermissionDenied

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import deck"),
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1: upload; the answer is the preview, and nothing is written yet."""
        self._require_import_permission(request)
        limits = import_limits()
        form = ImportUploadForm(
            request.POST or None,
            request.FILES or None,
            user=request.user,
            max_bytes=limits.max_bytes,
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            deck = form.cleaned_data["deck"]
            parsed = parse_upload(
                data,
                filename=upload.name,
                format=form.cleaned_data["format"] or None,
                limits=limits,
            )
            plan = import_plan(
                parsed=parsed, deck=deck, new_title=form.cleaned_data["new_deck_title"]
            )
            pending = None
            if plan.ok:
                ImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_TTL).delete()
                pending = ImportUpload.objects.create(
                    uploaded_by=request.user,
                    filename=upload.name[:255],
                    data=data,
                    format=form.cleaned_data["format"],
                    deck=deck,
                    new_deck_title=plan.deck_title if deck is None else "",
                )
            return TemplateResponse(
                request,
                "admin/decks/deck/import_preview.html",
                self._context(
                    request,
                    title=gettext("Preview: %(file)s") % {"file": upload.name},
                    plan=plan,
                    filename=upload.name,
                    pending=pending,
                    confirm_form=ImportConfirmForm(),
                ),
            )
        return TemplateResponse(
            request, "admin/decks/deck/import_form.html", self._context(request, form=form)
        )

    def import_confirm_view(self, request: HttpRequest, upload_id) -> HttpResponse:
        """Step 2: write everything in one transaction, or nothing."""
        self._require_import_permission(request)
        if request.method != "POST":
            return redirect("admin:decks_deck_import")
        pending = get_object_or_404(ImportUpload, pk=upload_id, uploaded_by=request.user)
        if (
            pending.deck_id
            and not decks_editable_by(request.user).filter(pk=pending.deck_id).exists()
        ):
            raise PermissionDenied
        form = ImportConfirmForm(request.POST)
        form.is_valid()
        try:
            _, result = deck_import(
                data=bytes(pending.data),
                filename=pending.filename,
                format=pending.format or None,
                owner=request.user,
                deck=pending.deck,
                new_title=pending.new_deck_title,
                retire_missing=form.cleaned_data.get("retire_missing", False),
            )
        except ImportRejected as rejected:
            for problem in rejected.problems:
                messages.error(request, str(problem))
            return redirect("admin:decks_deck_import")
        pending.delete()
        messages.success(
            request,
            f"Imported {pending.filename} into “{result.deck.title}”: {result.added} added, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.retired} retired.",
        )
        return redirect(reverse("admin:decks_deck_change", args=[result.deck.pk]))


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("deck", "position", "front", "tags", "retired_at")
    list_filter = ("deck", ("retired_at", admin.EmptyFieldListFilter))
    search_fields = ("front", "back", "tags")
    list_select_related = ("deck",)
    actions = ["retire", "restore"]

    def get_queryset(self, request: HttpRequest):
        return cards_editable_by(request.user).select_related("deck")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "deck":
            kwargs["queryset"] = decks_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(
        description="Retire selected cards (hide from study, keep history)", permissions=["change"]
    )
    def retire(self, request: HttpRequest, queryset):
        count = queryset.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        self.message_user(request, f"Retired {count} card(s).")

    @admin.action(description="Bring selected cards back into study", permissions=["change"])
    def restore(self, request: HttpRequest, queryset):
        count = queryset.exclude(retired_at__isnull=True).update(retired_at=None)
        self.message_user(request, f"Restored {count} card(s).")


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("student", "card", "repetitions", "easiness", "interval", "due", "lapses")
    list_filter = ("deck",)
    list_select_related = ("student", "card__deck")
    raw_id_fields = ("student", "card", "deck")


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ("reviewed_at", "student", "card", "rating", "scheduled", "interval_after")
    list_filter = ("deck", "rating")
    list_select_related = ("student", "card__deck")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("student", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("student",)
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "join_enabled", "exam_date", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("teachers", "decks")
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest):
        return classes_taught_by(request.user)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "decks":
            kwargs["queryset"] = decks_editable_by(request.user)
        elif db_field.name == "teachers":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True)
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A teacher who creates a class teaches it, so it never disappears from their list.
        form.instance.teachers.add(request.user)

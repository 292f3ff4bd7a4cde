"""The admin's import wizard: upload and preview, import into another deck, confirm, offer
the deck to classes.

Nothing is written until the teacher confirms: the upload waits in the database
(`ImportUpload`), so any app process can take the confirmation.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from decks.admin_forms import ImportConfirmForm, ImportUploadForm
from decks.importers.detect import FORMAT_LABELS
from decks.importers.isolation import parse_upload_isolated
from decks.models import ImportUpload
from decks.selectors import classes_taught_by, decks_editable_by
from decks.services.classes import deck_classes_add
from decks.services.clock import today_for_study
from decks.services.imports import (
    ImportRejected,
    deck_import,
    decks_titled,
    import_limits,
    import_plan,
    import_upload_hold,
)
from decks.services.media import files_removed_on_failure


class ImportWizardAdmin(admin.ModelAdmin):
    """The deck admin's four import pages, at /admin/decks/deck/import/..."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="decks_deck_import"),
            path(
                "import/<uuid:upload_id>/into/<int:deck_id>/",
                wrap(self.import_into_view),
                name="decks_deck_import_into",
            ),
            path(
                "import/done/<int:deck_id>/",
                wrap(self.import_done_view),
                name="decks_deck_import_done",
            ),
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
            parsed = parse_upload_isolated(
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
                pending = import_upload_hold(
                    teacher=request.user,
                    now=timezone.now(),
                    filename=upload.name[:255],
                    data=data,
                    format=form.cleaned_data["format"],
                    deck=deck,
                    new_deck_title=plan.deck_title if deck is None else "",
                    media_members={sha256: media.member for sha256, media in parsed.media.items()},
                )
            return self._preview(request, plan=plan, filename=upload.name, pending=pending)
        return TemplateResponse(
            request, "admin/decks/deck/import_form.html", self._context(request, form=form)
        )

    def _preview(self, request: HttpRequest, *, plan, filename: str, pending) -> HttpResponse:
        namesakes = []
        if plan.deck is None:
            namesakes = decks_titled(decks=decks_editable_by(request.user), title=plan.deck_title)
        return TemplateResponse(
            request,
            "admin/decks/deck/import_preview.html",
            self._context(
                request,
                title=gettext("Preview: %(file)s") % {"file": filename},
                plan=plan,
                filename=filename,
                format_label=FORMAT_LABELS.get(plan.parsed.format or "", ""),
                pending=pending,
                namesakes=namesakes,
                confirm_form=ImportConfirmForm(),
            ),
        )

    def import_into_view(self, request: HttpRequest, upload_id, deck_id) -> HttpResponse:
        """The preview again, for the same upload into an existing deck instead of a new one.

        Offered when the new deck would share its name with a deck the teacher has: a
        second import of a file then updates its deck instead of making a twin.
        """
        self._require_import_permission(request)
        if request.method != "POST":
            return redirect("admin:decks_deck_import")
        pending = get_object_or_404(ImportUpload, pk=upload_id, uploaded_by=request.user)
        deck = get_object_or_404(decks_editable_by(request.user), pk=deck_id)
        parsed = parse_upload_isolated(
            bytes(pending.data),
            filename=pending.filename,
            format=pending.format or None,
            limits=import_limits(),
        )
        pending.deck, pending.new_deck_title = deck, ""
        pending.save(update_fields=["deck", "new_deck_title"])
        plan = import_plan(parsed=parsed, deck=deck)
        return self._preview(request, plan=plan, filename=pending.filename, pending=pending)

    def import_confirm_view(self, request: HttpRequest, upload_id) -> HttpResponse:
        """Step 2: write everything in one transaction, or nothing."""
        self._require_import_permission(request)
        if request.method != "POST":
            return redirect("admin:decks_deck_import")
        form = ImportConfirmForm(request.POST)
        form.is_valid()
        try:
            # The upload is locked and deleted in the import's transaction, so a double
            # click or a second tab confirms it once; the other finds it gone (404). If
            # anything in it fails, the files the import stored go too.
            with files_removed_on_failure(), transaction.atomic():
                pending = get_object_or_404(
                    ImportUpload.objects.select_for_update(), pk=upload_id, uploaded_by=request.user
                )
                if (
                    pending.deck_id
                    and not decks_editable_by(request.user).filter(pk=pending.deck_id).exists()
                ):
                    raise PermissionDenied
                _, result = deck_import(
                    data=bytes(pending.data),
                    filename=pending.filename,
                    format=pending.format or None,
                    owner=request.user,
                    deck=pending.deck,
                    new_title=pending.new_deck_title,
                    retire_missing=form.cleaned_data.get("retire_missing", False),
                )
                pending.delete()
        except ImportRejected as rejected:
            for problem in rejected.problems:
                messages.error(request, str(problem))
            return redirect("admin:decks_deck_import")
        messages.success(
            request,
            gettext(
                "Imported %(file)s into “%(deck)s”: %(added)s added, %(updated)s updated, "
                "%(unchanged)s unchanged, %(retired)s retired."
            )
            % {
                "file": pending.filename,
                "deck": result.deck.title,
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "retired": result.retired,
            },
        )
        return redirect(reverse("admin:decks_deck_import_done", args=[result.deck.pk]))

    def import_done_view(self, request: HttpRequest, deck_id: int) -> HttpResponse:
        """The import's last page: a deck reaches students only in a class, so offer them.

        A teacher who stops at "imported" has a deck no student sees; ticking the classes
        here is the step that makes the import worth anything.
        """
        self._require_import_permission(request)
        deck = get_object_or_404(decks_editable_by(request.user), pk=deck_id)
        taught = classes_taught_by(request.user).order_by("name")
        if request.method == "POST":
            chosen = taught.filter(pk__in=request.POST.getlist("classes")).exclude(decks=deck)
            added = deck_classes_add(deck=deck, classrooms=chosen, today=today_for_study())
            if added:
                messages.success(
                    request,
                    gettext("“%(deck)s” is now in %(classes)s: its students can study it.")
                    % {"deck": deck.title, "classes": ", ".join(c.name for c in added)},
                )
            return redirect(reverse("admin:decks_deck_change", args=[deck.pk]))
        classes = [(classroom, classroom.decks.filter(pk=deck.pk).exists()) for classroom in taught]
        return TemplateResponse(
            request,
            "admin/decks/deck/import_done.html",
            self._context(
                request,
                title=gettext("Imported: %(deck)s") % {"deck": deck.title},
                deck=deck,
                classes=classes,
                in_a_class=any(has for _, has in classes) or deck.classrooms.exists(),
            ),
        )

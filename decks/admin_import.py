"""The admin's import wizard: upload, follow the import, preview, import into another
deck, confirm, offer the deck to classes.

Nothing is read or written in the request: the upload waits in the database
(`ImportUpload`) and the task worker reads it, and once confirmed writes it
(`decks.services.import_jobs`); the teacher's page follows the job (`ImportJob`). Any app
process can take any step.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decks.admin_forms import ImportConfirmForm, ImportUploadForm
from decks.importers.detect import FORMAT_LABELS
from decks.models import ImportJob, ImportUpload
from decks.selectors import classes_taught_by, decks_editable_by
from decks.services.classes import deck_classes_add
from decks.services.clock import today_for_study
from decks.services.import_jobs import (
    ImportQueueFull,
    import_job_confirm,
    import_job_preview,
    import_job_start,
    import_queue_full,
)
from decks.services.imports import decks_titled, import_limits, import_upload_hold

# Imports wait for the task worker; past STAMP_IMPORT_QUEUE_MAX the teacher is told at once.
QUEUE_FULL = _(
    "Too many imports are waiting to be read or written right now. Try again in a few minutes."
)


def _imported_message(job: ImportJob) -> str:
    return gettext(
        "Imported %(file)s into “%(deck)s”: %(added)s added, %(updated)s updated, "
        "%(unchanged)s unchanged, %(retired)s retired."
    ) % {
        "file": job.filename,
        **{k: job.result[k] for k in ("added", "updated", "unchanged", "retired")},
        "deck": job.result["deck_title"],
    }


class ImportWizardAdmin(admin.ModelAdmin):
    """The deck admin's import pages, at /admin/decks/deck/import/..."""

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
                "import/job/<uuid:job_id>/",
                wrap(self.import_job_view),
                name="decks_deck_import_job",
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
            # The task worker reads the file (import_jobs); this thread only stores it.
            if import_queue_full():
                form.add_error(None, QUEUE_FULL)
            else:
                upload = form.cleaned_data["file"]
                deck = form.cleaned_data["deck"]
                pending = import_upload_hold(
                    teacher=request.user,
                    now=timezone.now(),
                    filename=upload.name[:255],
                    data=upload.read(),
                    format=form.cleaned_data["format"],
                    deck=deck,
                    new_deck_title=form.cleaned_data["new_deck_title"] if deck is None else "",
                )
                return self._job_started(request, pending)
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
        pending.deck, pending.new_deck_title = deck, ""
        pending.save(update_fields=["deck", "new_deck_title"])
        return self._job_started(request, pending)

    def _job_started(self, request: HttpRequest, pending: ImportUpload) -> HttpResponse:
        """Queue the upload's reading and show its page; the form again if the queue is full."""
        try:
            job = import_job_start(teacher=request.user, upload=pending)
        except ImportQueueFull:
            messages.error(request, QUEUE_FULL)
            return redirect("admin:decks_deck_import")
        return redirect(reverse("admin:decks_deck_import_job", args=[job.pk]))

    def import_job_view(self, request: HttpRequest, job_id) -> HttpResponse:
        """An import in the task worker: its progress while it runs, the preview once the
        file is read, and where it ended once written."""
        self._require_import_permission(request)
        job = get_object_or_404(ImportJob, pk=job_id, teacher=request.user)
        if job.stage == ImportJob.Stage.PREVIEW:
            plan = import_job_preview(job)
            pending = job.upload if plan.ok else None
            return self._preview(request, plan=plan, filename=job.filename, pending=pending)
        if job.stage == ImportJob.Stage.DONE:
            messages.success(request, _imported_message(job))
            return redirect(reverse("admin:decks_deck_import_done", args=[job.result["deck"]]))
        if job.stage == ImportJob.Stage.FAILED:
            for problem in job.result.get("problems", []):
                messages.error(request, problem)
            return redirect("admin:decks_deck_import")
        steps = [ImportJob.Stage.PARSING, ImportJob.Stage.MEDIA, ImportJob.Stage.WRITING]
        done = {
            ImportJob.Stage.QUEUED: 0,
            ImportJob.Stage.PARSING: 0,
            ImportJob.Stage.WRITING_QUEUED: 1,
            ImportJob.Stage.MEDIA: 1,
            ImportJob.Stage.WRITING: 2,
        }[job.stage]
        return TemplateResponse(
            request,
            "admin/decks/deck/import_job.html",
            self._context(
                request,
                title=gettext("Importing %(file)s") % {"file": job.filename},
                job=job,
                steps=[
                    (step.label, index < done, step == job.stage)
                    for index, step in enumerate(steps)
                ],
                progress=done,
                progress_max=len(steps),
            ),
        )

    def import_confirm_view(self, request: HttpRequest, upload_id) -> HttpResponse:
        """Step 2: write everything in one transaction, or nothing."""
        self._require_import_permission(request)
        if request.method != "POST":
            return redirect("admin:decks_deck_import")
        form = ImportConfirmForm(request.POST)
        form.is_valid()
        pending = get_object_or_404(ImportUpload, pk=upload_id, uploaded_by=request.user)
        job = (
            ImportJob.objects.filter(upload=pending, teacher=request.user)
            .order_by("-created_at")
            .first()
        )
        if job is None:
            raise Http404("This upload has no preview.")
        try:
            # Once: a double click or a second tab finds it confirmed and follows it.
            import_job_confirm(
                job=job, retire_missing=form.cleaned_data.get("retire_missing", False)
            )
        except ImportQueueFull:
            messages.error(request, QUEUE_FULL)
            return redirect(reverse("admin:decks_deck_import_job", args=[job.pk]))
        return redirect(reverse("admin:decks_deck_import_job", args=[job.pk]))

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

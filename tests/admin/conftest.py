"""What the admin's tests share: an upload through the import wizard, a class's join code
saved through its admin page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decks.models import Classroom

CSV = b"voorkant;achterkant\nDe fiets;The bicycle\nHet ijsje;The ice cream\n"


def upload(client, data: bytes = CSV, name: str = "woorden.csv", **fields):
    return client.post(
        reverse("admin:decks_deck_import"),
        {
            "file": SimpleUploadedFile(name, data),
            "deck": "",
            "new_deck_title": "",
            "format": "",
            **fields,
        },
    )


def save_join_code(client, classroom: Classroom, code: str, **extra):
    client.force_login(classroom.teachers.get())
    page = client.get(reverse("admin:decks_classroom_change", args=[classroom.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in ("name", "exam_date")}
    data.update(join_code=code, join_enabled="on", teachers=[classroom.teachers.get().pk], **extra)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return client.post(reverse("admin:decks_classroom_change", args=[classroom.pk]), data)

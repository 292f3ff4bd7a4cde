from typing import cast

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decks.importers.detect import FORMAT_LABELS, FORMATS
from decks.models import Deck
from decks.selectors import decks_editable_by, teacher_named


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV, TSV, text export or Anki .apkg, up to 10 MB.")
    )
    deck = forms.ModelChoiceField(
        queryset=Deck.objects.none(),  # the teacher's own, set in __init__
        label=_("Deck"),
        required=False,
        empty_label=_("— a new deck —"),
        help_text=_(
            "Re-importing into a deck updates cards with the same front and adds new ones."
        ),
    )
    new_deck_title = forms.CharField(
        max_length=200,
        label=_("New deck title"),
        required=False,
        help_text=_("For a new deck; left empty, the file's own deck name or file name is used."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Detect automatically"))] + [(f, FORMAT_LABELS.get(f, f)) for f in FORMATS],
        required=False,
    )

    def __init__(self, *args, user: AbstractBaseUser, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        deck_field = cast(forms.ModelChoiceField, self.fields["deck"])
        deck_field.queryset = decks_editable_by(user).order_by("title")
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                gettext("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "name": upload.name,
                    "size": f"{upload.size / 1_048_576:.1f}",
                    "limit": f"{self.max_bytes / 1_048_576:.0f}",
                }
            )
        return upload


class ImportConfirmForm(forms.Form):
    retire_missing = forms.BooleanField(
        required=False,
        label=_("Retire the cards that are not in this file"),
        help_text=_("Retired cards leave study; students' history on them is kept."),
    )


class TeacherByUsernameForm(forms.ModelForm):
    """A model form with one more field: a teacher to add by their exact username.

    The admin's list offers only the teachers one already works with (`colleagues_of`);
    anyone else is added by typing the username they gave you.
    """

    add_teacher = forms.CharField(
        label=_("Add a teacher by username"),
        required=False,
        max_length=150,
        help_text=_("The exact username of a teacher who is not in the list above."),
    )

    def clean_add_teacher(self):
        username = self.cleaned_data["add_teacher"].strip()
        if not username:
            return None
        teacher = teacher_named(username)
        if teacher is None:
            raise forms.ValidationError(
                gettext("No teacher has the username “%(username)s”.") % {"username": username}
            )
        return teacher

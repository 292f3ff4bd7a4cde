from django import forms
from django.contrib.auth.models import AbstractBaseUser

from decks.importers.detect import FORMAT_LABELS, FORMATS
from decks.services.teachers import decks_editable_by


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV, TSV, text export or Anki .apkg, up to 10 MB.")
    deck = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="— a new deck —",
        help_text="Re-importing into a deck updates cards with the same front and adds new ones.",
    )
    new_deck_title = forms.CharField(
        max_length=200,
        required=False,
        help_text="For a new deck; left empty, the file's own deck name or file name is used.",
    )
    format = forms.ChoiceField(
        choices=[("", "Detect automatically")] + [(f, FORMAT_LABELS.get(f, f)) for f in FORMATS],
        required=False,
    )

    def __init__(self, *args, user: AbstractBaseUser, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = decks_editable_by(user).order_by("title")
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / 1_048_576:.1f} MB; the limit is "
                f"{self.max_bytes / 1_048_576:.0f} MB."
            )
        return upload


class ImportConfirmForm(forms.Form):
    retire_missing = forms.BooleanField(
        required=False,
        label="Retire the cards that are not in this file",
        help_text="Retired cards leave study; students' history on them is kept.",
    )

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from decks.models import DeckSettings
from decks.services.scheduling import MAX_QUALITY, MIN_QUALITY

RATING_LABELS = {
    1: _("Not at all"),
    2: _("Barely"),
    3: _("With effort"),
    4: _("Well"),
    5: _("Perfectly"),
}


class AnswerForm(forms.Form):
    card = forms.IntegerField(min_value=1)
    rating = forms.TypedChoiceField(coerce=int, choices=list(RATING_LABELS.items()))
    # How many answers the card had when shown, so a resent answer is applied once.
    seen = forms.IntegerField(min_value=0)
    # Server time in ms when the card was shown; gives the time taken without JavaScript.
    shown_at = forms.IntegerField(min_value=0, required=False)

    def clean_rating(self) -> int:
        rating = self.cleaned_data["rating"]
        if not MIN_QUALITY <= rating <= MAX_QUALITY:
            raise forms.ValidationError(_("Rate from 1 to 5."))
        return rating


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")
        labels = {"first_name": _("Your name (optional)")}


class DeckSettingsForm(forms.ModelForm):
    class Meta:
        model = DeckSettings
        fields = ("new_per_day", "reviews_per_day")
        labels = {"new_per_day": _("New cards a day"), "reviews_per_day": _("Reviews a day")}
        # The models' help texts, here so that they are translated.
        help_texts = {
            "new_per_day": _("New cards a day; empty for the deck's default."),
            "reviews_per_day": _("Reviews of seen cards a day; empty for no limit."),
        }
        widgets = {
            "new_per_day": forms.NumberInput(attrs={"min": 0, "max": 500}),
            "reviews_per_day": forms.NumberInput(attrs={"min": 0, "max": 5000}),
        }

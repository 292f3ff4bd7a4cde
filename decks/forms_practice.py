"""Forms of practice beyond the day's queue and of practice tests."""

from django import forms
from django.utils.translation import gettext_lazy as _

from decks.models import ClassTest, Practice, PracticeQuestion
from decks.services.practice import MAX_TYPED_CHARS, TEST_MAX_QUESTIONS, TEST_QUESTIONS

WAY_LABELS = {
    PracticeQuestion.Way.SHOWN: _("Show the answer"),
    PracticeQuestion.Way.TYPED: _("Type the answer"),
    PracticeQuestion.Way.CHOICE: _("Pick from four"),
}
ORDER_LABELS = {
    Practice.Order.HARDEST: _("My hardest cards first"),
    Practice.Order.ALL: _("All cards"),
}


class PracticeStartForm(forms.Form):
    way = forms.ChoiceField(
        label=_("How to answer"),
        choices=list(WAY_LABELS.items()),
        initial=PracticeQuestion.Way.TYPED,
        widget=forms.RadioSelect,
    )
    order = forms.ChoiceField(
        label=_("Which cards"),
        choices=list(ORDER_LABELS.items()),
        initial=Practice.Order.HARDEST,
        widget=forms.RadioSelect,
    )


class TestStartForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of questions"),
        min_value=1,
        max_value=TEST_MAX_QUESTIONS,
        initial=TEST_QUESTIONS,
        required=False,
    )
    # A teacher's test of the class, when the student takes that one.
    class_test = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class PracticeAnswerForm(forms.Form):
    position = forms.IntegerField(min_value=1)
    # Not max_length: a too-long answer gets its own message, not "could not be read".
    given = forms.CharField(required=False, strip=True)
    choice = forms.IntegerField(min_value=0, max_value=9, required=False)
    knew = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1", required=False,
        empty_value=None,
    )  # fmt: skip

    def too_long(self) -> bool:
        return len(self.cleaned_data.get("given") or "") > MAX_TYPED_CHARS


class ClassTestForm(forms.ModelForm):
    class Meta:
        model = ClassTest
        fields = ("title", "decks", "question_count", "opens_on", "closes_on")
        widgets = {
            "decks": forms.CheckboxSelectMultiple,
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "title": _("Title"),
            "decks": _("Decks"),
            "question_count": _("Number of questions"),
            "opens_on": _("From"),
            "closes_on": _("Until"),
        }
        help_texts = {"closes_on": _("The last day it can be taken.")}

    def __init__(self, *args, classroom, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = classroom.decks.order_by("title")

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The last day cannot come before the first."))
        return cleaned

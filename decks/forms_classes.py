from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from decks.models import Classroom, Deck, StudentProfile
from decks.services.clock import today_for_study


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=32, label=_("Class code"), help_text=_("The code your teacher gave you.")
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ("display_name", "hide_from_leaderboard")
        labels = {
            "display_name": _("Name on leaderboards"),
            "hide_from_leaderboard": _("Hide me from classmates on leaderboards"),
        }
        help_texts = {
            "display_name": _("Left empty, your first name or username is shown."),
            "hide_from_leaderboard": _(
                "Classmates see “Anonymous student”; teachers still see you."
            ),
        }


class ClassForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ("name", "decks", "exam_date", "join_enabled")
        widgets = {
            "decks": forms.CheckboxSelectMultiple,
            # <input type="date"> takes ISO dates only, whatever the language.
            "exam_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "name": _("Name"),
            "decks": _("Decks"),
            "exam_date": _("Exam date"),
            "join_enabled": _("Students can join with the code"),
        }
        help_texts = {
            "exam_date": _("Until then no card of the class's decks is due past it."),
        }

    def __init__(self, *args, decks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = decks if decks is not None else Deck.objects.all()
        self.fields["decks"].required = False
        # What either state of the box means: a help that described the saved state
        # contradicted the box once the teacher clicked it, before saving.
        self.fields["join_enabled"].help_text = _(
            "Ticked: anyone with the code or the join link can join. "
            "Unticked: nobody can join; students already in stay."
        )

    def clean_exam_date(self) -> date | None:
        """An exam already past schedules nothing; it is almost always a typo in the year.

        A past date the class already had may stay, so the rest of the form still saves.
        """
        exam_date = self.cleaned_data.get("exam_date")
        unchanged = self.instance.pk and exam_date == self.instance.exam_date
        if exam_date and not unchanged and exam_date < today_for_study():
            raise forms.ValidationError(
                _("%(date)s is in the past: pick the exam date from today on."),
                params={"date": date_format(exam_date, "j F Y")},
            )
        return exam_date

from django import forms
from django.utils.translation import gettext_lazy as _

from decks.models import Classroom, Deck, StudentProfile


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
            "join_enabled": _("Off: nobody can join with the code."),
            "exam_date": _("Until then no card of the class's decks is due past it."),
        }

    def __init__(self, *args, decks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = decks if decks is not None else Deck.objects.all()
        self.fields["decks"].required = False

from django import forms

from decks.models import Classroom, Deck, StudentProfile


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=32, label="Class code", help_text="The code your teacher gave you."
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ("display_name", "hide_from_leaderboard")
        labels = {
            "display_name": "Name on leaderboards",
            "hide_from_leaderboard": "Hide me from classmates on leaderboards",
        }
        help_texts = {"display_name": "Left empty, your first name or username is shown."}


class ClassForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ("name", "decks", "exam_date", "join_enabled")
        widgets = {
            "decks": forms.CheckboxSelectMultiple,
            "exam_date": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"join_enabled": "Students can join with the code"}

    def __init__(self, *args, decks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decks"].queryset = decks if decks is not None else Deck.objects.all()
        self.fields["decks"].required = False

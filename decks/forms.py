from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from decks.models import AnswerMode, DeckSettings
from decks.services.accounts import password_reset_mail_send
from decks.services.answer_check import MAX_GIVEN_CHARS
from decks.services.answer_modes import OPTION_MAX_CHARS
from decks.services.choices import OPTIONS
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
    rating = forms.TypedChoiceField(
        coerce=int, choices=list(RATING_LABELS.items()), required=False, empty_value=None
    )
    # After a check found the answer wrong: "I was right", with the rating 3-5 given.
    override_rating = forms.TypedChoiceField(
        coerce=int, choices=[(r, r) for r in (3, 4, 5)], required=False, empty_value=None
    )
    # How many answers the card had when shown, so a resent answer is applied once.
    seen = forms.IntegerField(min_value=0)
    # Server time in ms when the card was shown; gives the time taken without JavaScript.
    shown_at = forms.IntegerField(min_value=0, required=False)
    # The student's way to answer, so the next card is offered the same way unread.
    mode = forms.ChoiceField(choices=AnswerMode.choices, required=False)
    # The check's signed verdict, when the answer was typed or picked.
    verdict = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        rating, override = data.get("rating"), data.get("override_rating")
        if (rating is None) == (override is None):
            raise forms.ValidationError(_("Rate from 1 to 5."))
        data["overridden"] = override is not None
        data["rating"] = override if override is not None else rating
        if not MIN_QUALITY <= data["rating"] <= MAX_QUALITY:
            raise forms.ValidationError(_("Rate from 1 to 5."))
        data["mode"] = data.get("mode") or AnswerMode.SHOWN
        return data


class CheckForm(forms.Form):
    """A typed or picked answer to be checked; nothing is recorded until it is rated."""

    card = forms.IntegerField(min_value=1)
    seen = forms.IntegerField(min_value=0)
    shown_at = forms.IntegerField(min_value=0, required=False)
    mode = forms.ChoiceField(choices=[(AnswerMode.TYPED, ""), (AnswerMode.CHOICE, "")])
    # Empty is "I don't know".
    given = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_GIVEN_CHARS,
        error_messages={
            "max_length": _(
                "That answer is too long to check (at most %(limit_value)d characters)."
            )
        },
    )
    dont_know = forms.BooleanField(required=False)
    choice = forms.IntegerField(min_value=0, max_value=OPTIONS - 1, required=False)
    # The options as shown, so the result can show them again, and their signature:
    # a pick is judged only against options the server offered.
    option = forms.CharField(required=False)
    offered = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        options = self.data.getlist("option") if hasattr(self.data, "getlist") else []
        data["options"] = [o[:OPTION_MAX_CHARS] for o in options[:OPTIONS]]
        if data.get("mode") == AnswerMode.CHOICE and (
            data.get("choice") is None or len(data["options"]) != OPTIONS
        ):
            raise forms.ValidationError(_("Pick one of the four options."))
        return data


class AnswerModeForm(forms.Form):
    mode = forms.ChoiceField(choices=AnswerMode.choices, label=_("Answer by"))


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing a username no account can have before any lookup.

    AuthenticationForm sets the field's max_length after building it, so the length is
    never validated: a 256-character username reached django-axes, whose lockout table
    stores at most 255, and failed the request with a 500 on PostgreSQL.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = self.username_field.max_length
        self.fields["username"].validators.append(MaxLengthValidator(limit))


class SignUpForm(UserCreationForm):
    """Django's sign-up, with a name and an address for a forgotten password, both optional.

    Django puts a too-weak password's errors under the confirmation field; they are about
    the password, so they show under the password field, where it is typed.
    """

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "email")
        labels = {"first_name": _("Your name (optional)"), "email": _("E-mail (optional)")}
        help_texts = {"email": _("Only to send you a link if you forget your password.")}

    def validate_password_for_user(self, user, **kwargs) -> None:
        # django-stubs' BaseUserCreationForm lacks Django's SetPasswordMixin, which defines it.
        super().validate_password_for_user(user, password_field_name="password1")  # type: ignore[misc]


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


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose save only enqueues the mail (`password_reset_mail_send`):
    the page cannot tell, by its path or its time, whether the address has an account."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        # PasswordResetView passes these as keywords; the rest is the mail's, the task's.
        request: HttpRequest = kwargs["request"]
        password_reset_mail_send.enqueue(
            email=self.cleaned_data["email"],
            domain=kwargs.get("domain_override") or request.get_host(),
            use_https=bool(kwargs.get("use_https")),
        )


class EmailChangeForm(forms.Form):
    """A new address for password-reset links, confirmed with the current password: a
    borrowed, logged-in laptop must not be enough to take the account over by mail."""

    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Only to send you a link if you forget your password. Empty for none."),
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password


class ReminderForm(forms.Form):
    """One reminder a day: how, and at which hour of the site's time zone."""

    by_email = forms.BooleanField(label=_("By e-mail"), required=False)
    by_push = forms.BooleanField(
        label=_("As a notification on the devices where I turned them on"), required=False
    )
    hour = forms.TypedChoiceField(
        label=_("At what time"),
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        coerce=int,
        initial=18,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["hour"].help_text = _("The time in %(zone)s.") % {"zone": settings.TIME_ZONE}

    def clean(self):
        data = super().clean()
        # The address is changed only under "E-mail address", with the current password.
        if data.get("by_email") and not self.user.email:
            self.add_error("by_email", _("Give your e-mail address under E-mail address first."))
        return data

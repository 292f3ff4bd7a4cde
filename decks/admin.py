"""The admin is where teachers create, import and export decks.

Teachers (the Teachers group) see and change only their own decks and those shared with
them; superusers see everything.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from decks.admin_forms import TeacherByUsernameForm
from decks.admin_import import ImportWizardAdmin
from decks.html import IMAGE_TYPES, clean_card_html, media_hashes
from decks.importers.media import MediaRefused, media_file
from decks.models import Card, CardState, Classroom, Deck, Membership, ReviewLog
from decks.selectors import (
    cards_editable_by,
    classes_taught_by,
    colleagues_of,
    decks_editable_by,
)
from decks.services.classes import class_save
from decks.services.clock import today_for_study
from decks.services.directions import (
    deck_directions_apply,
    sibling_retirement_sync,
    sibling_sides_sync,
)
from decks.services.imports import import_limits
from decks.services.media import (
    card_image_remove,
    card_image_set,
    media_adopt,
    media_unused_delete,
)
from decks.templatetags.cards import card_html, card_text
from decks.views.exports import export_download

admin.site.site_header = admin.site.site_title = _("Stamp for teachers")

_PICTURE_TYPES = ",".join(IMAGE_TYPES)


def _picture_field(side: str) -> forms.FileField:
    labels = {
        "front": (
            _("Front picture"),
            _(
                "PNG, JPEG, GIF or WebP. Replaces the front's first picture, or goes after "
                "its text."
            ),
        ),
        "back": (
            _("Back picture"),
            _("PNG, JPEG, GIF or WebP. Replaces the back's first picture, or goes after its text."),
        ),
    }
    label, help_text = labels[side]
    return forms.FileField(
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": _PICTURE_TYPES}),
    )


class CardForm(forms.ModelForm):
    """Card text typed in the admin passes the same allow-list as imported text; a picture
    passes the same checks as an imported one."""

    front_image = _picture_field("front")
    remove_front_image = forms.BooleanField(required=False, label=_("Remove the front's picture"))
    back_image = _picture_field("back")
    remove_back_image = forms.BooleanField(required=False, label=_("Remove the back's picture"))

    class Meta:
        model = Card
        fields = ("deck", "front", "back", "position", "tags", "retired_at")

    def clean_front(self) -> str:
        return clean_card_html(self.cleaned_data["front"])

    def clean_back(self) -> str:
        return clean_card_html(self.cleaned_data["back"])

    def clean_front_image(self):
        return self._picture("front_image")

    def clean_back_image(self):
        return self._picture("back_image")

    def _picture(self, field: str) -> tuple[str, bytes] | None:
        upload = self.cleaned_data.get(field)
        if not upload:
            return None
        limits = import_limits()
        data = upload.read(limits.max_media_file_bytes + 1)
        try:
            picture = media_file(upload.name, data, limits=limits)
        except MediaRefused as refused:
            raise forms.ValidationError(f"{upload.name}: {refused}") from refused
        if not picture.is_image:
            raise forms.ValidationError(
                gettext("%(name)s: it is a sound, not a picture") % {"name": upload.name}
            )
        return upload.name, data


def _card_media_sync(deck: Deck, cards, user) -> None:
    """Pictures typed or pasted into card HTML become the deck's; removed ones leave it."""
    media_adopt(deck=deck, html=(card.front + card.back for card in cards), user=user)
    media_unused_delete(deck=deck)


def _has_progress(obj) -> bool:
    """Students have answered this card, or a card of this deck."""
    lookup = {"card": obj} if isinstance(obj, Card) else {"deck": obj}
    return CardState.objects.filter(**lookup).exists()


class ProgressProtectedAdmin(admin.ModelAdmin):
    """Teachers retire what students have studied; deleting it would erase their history."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not request.user.is_superuser and _has_progress(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)  # it would skip the per-object check
        return actions


class CardInline(admin.TabularInline):
    model = Card
    form = CardForm
    fields = ("position", "front", "back", "tags", "retired_at")
    extra = 0
    show_change_link = True
    can_delete = False  # retire instead: students' history stays
    # Admin's 40 x 10 textareas put Back and Tags past the edge at 1280 px; with
    # admin-cards.css the columns share the row and the text wraps inside them.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})}}

    def get_queryset(self, request: HttpRequest):
        # A reverse card follows its forward card: editing the forward one edits both.
        return super().get_queryset(request).filter(direction=Card.Direction.FORWARD)


@admin.register(Deck)
class DeckAdmin(ImportWizardAdmin, ProgressProtectedAdmin):
    list_display = ("title", "slug", "owner", "card_count", "new_cards_per_day", "updated_at")
    search_fields = ("title", "description", "source")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("editors",)
    form = TeacherByUsernameForm
    inlines = [CardInline]
    actions = ["export_csv", "export_apkg"]
    change_list_template = "admin/decks/deck/change_list.html"

    class Media:
        css = {"all": ("css/admin-cards.css",)}

    def get_queryset(self, request: HttpRequest):
        return decks_editable_by(request.user)

    # The card inline is one form per card in one page and one POST; past this many cards
    # the deck's cards are edited in the card list, which pages and searches.
    inline_cards_max = 100

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        shown = ("card_list",) if obj is not None else ()
        return shown if request.user.is_superuser else ("owner", *shown)

    def get_inline_instances(self, request: HttpRequest, obj=None):
        # A form posted from a page that showed the cards keeps them, so its edits save
        # even if an import pushed the deck past the limit since.
        posted_with_cards = "cards-TOTAL_FORMS" in request.POST
        if obj is not None and not posted_with_cards and obj.cards.count() > self.inline_cards_max:
            return []
        return super().get_inline_instances(request, obj)

    @admin.display(description=_("Cards"))
    def card_list(self, deck: Deck) -> str:
        url = reverse("admin:decks_card_changelist") + f"?deck__id__exact={deck.pk}"
        count = deck.cards.count()
        if count > self.inline_cards_max:
            text = ngettext(
                "%(count)s card: edit them in the card list",
                "%(count)s cards: edit them in the card list",
                count,
            ) % {"count": f"{count:,}"}
        else:
            text = gettext("Edit them below, or search them in the card list")
        return format_html('<a href="{}">{}</a>', url, text)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "editors":
            # The owner edits the deck anyway: offering them as its editor says nothing.
            kwargs["queryset"] = colleagues_of(request.user).exclude(pk=self._owner_id(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _owner_id(self, request: HttpRequest) -> int | None:
        """The deck's owner on its change page; on the add page the teacher, who becomes it."""
        object_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if object_id is None:
            return None if request.user.is_superuser else request.user.pk
        return Deck.objects.filter(pk=object_id).values_list("owner_id", flat=True).first()

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("add_teacher"):
            form.instance.editors.add(form.cleaned_data["add_teacher"])
        # After the cards: switched on, or new cards added in a deck studied both ways.
        if form.instance.both_directions or "both_directions" in form.changed_data:
            deck_directions_apply(deck=form.instance)

    def save_model(self, request: HttpRequest, obj: Deck, form, change: bool) -> None:
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Card:
            changed = [*formset.new_objects, *(card for card, _ in formset.changed_objects)]
            if changed:
                _card_media_sync(form.instance, changed, request.user)
                sibling_sides_sync(cards=changed)
                sibling_retirement_sync(cards=changed)

    @admin.display(description=_("cards"))
    def card_count(self, deck: Deck) -> int:
        return deck.cards.active().count()

    @admin.action(description=_("Export selected decks as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset):
        return export_download(list(queryset), "csv")

    @admin.action(description=_("Export selected decks as Anki packages"), permissions=["view"])
    def export_apkg(self, request: HttpRequest, queryset):
        return export_download(list(queryset), "apkg")


class StudyStatusFilter(admin.SimpleListFilter):
    """In study or retired, in the teacher's words (Django's own "empty / not empty" of the
    retirement date read as nonsense, in Dutch most of all)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("studied", _("In study")), ("retired", _("Retired"))]

    def queryset(self, request, queryset):
        if self.value() == "studied":
            return queryset.filter(retired_at__isnull=True)
        if self.value() == "retired":
            return queryset.filter(retired_at__isnull=False)
        return queryset


@admin.register(Card)
class CardAdmin(ProgressProtectedAdmin):
    form = CardForm
    # The pictures beside the text they belong to, with the fields that change them.
    fields = (
        "deck", "front", "back", "pictures", "front_image", "remove_front_image",
        "back_image", "remove_back_image", "position", "tags", "retired_at", "key",
    )  # fmt: skip
    # The direction is said under the front of a back-to-front card, not in a column of
    # its own: a column of "front to back" on nearly every row pushed Retired off the
    # list at 1280 px. The filter still picks either direction.
    list_display = ("front_text", "deck", "position", "tags", "retired_at")
    list_display_links = ("front_text",)
    # RelatedOnly: the filter lists only decks of cards this teacher may see.
    list_filter = (
        ("deck", admin.RelatedOnlyFieldListFilter),
        StudyStatusFilter,
        "direction",
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Moving a card would strand students' states and logs in the old deck. The key
        # is how a re-import or re-seed finds the card again: changed, the card's
        # progress would be orphaned by the next import.
        return ("deck", "pictures", "key") if obj is not None else ("pictures", "key")

    @admin.display(description=_("Front"), ordering="front")
    def front_text(self, card: Card) -> str:
        front = Truncator(card_text(card.front)).chars(120) or "—"
        if card.direction != Card.Direction.REVERSE:
            return front
        return format_html(
            '{}<span class="card-direction">{}</span>', front, Card.Direction.REVERSE.label
        )

    def response_change(self, request: HttpRequest, obj: Card) -> HttpResponse:
        """Back to the page the teacher came from (the hardest cards), when it said so."""
        response = super().response_change(request, obj)
        back = request.GET.get("next", "")
        plain_save = not any(
            key in request.POST for key in ("_continue", "_addanother", "_saveasnew")
        )
        if (
            plain_save
            and back
            and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return redirect(back)
        return response

    search_fields = ("front", "back", "tags")
    list_select_related = ("deck",)
    actions = ["retire", "restore"]

    class Media:
        css = {"all": ("css/admin-import.css", "css/admin-cards.css")}

    def save_model(self, request: HttpRequest, obj: Card, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for side in ("front", "back"):
            if picture := form.cleaned_data.get(f"{side}_image"):
                name, data = picture
                card_image_set(card=obj, side=side, name=name, data=data, limits=import_limits())
            elif form.cleaned_data.get(f"remove_{side}_image"):
                card_image_remove(card=obj, side=side)
        _card_media_sync(obj.deck, [obj], request.user)
        # The other direction gets the same edit, sides swapped, keeping its own progress.
        obj.refresh_from_db(fields=["front", "back", "tags", "retired_at", "sibling"])
        sibling_sides_sync(cards=[obj])
        sibling_retirement_sync(cards=[obj])
        if obj.deck.both_directions:
            deck_directions_apply(deck=obj.deck)

    @admin.display(description=_("Pictures and sound"))
    def pictures(self, card: Card) -> str:
        """What the card shows besides text, as students will see it."""
        parts = [
            format_html(
                '<span class="card-media"><strong>{}</strong>{}</span>', label, card_html(html)
            )
            for label, html in ((gettext("Front"), card.front), (gettext("Back"), card.back))
            if media_hashes(html)
        ]
        return format_html_join("", "{}", ((part,) for part in parts)) or "—"

    def get_queryset(self, request: HttpRequest):
        return cards_editable_by(request.user).select_related("deck")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "deck":
            kwargs["queryset"] = decks_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(
        description=_("Retire selected cards (hide from study, keep history)"),
        permissions=["change"],
    )
    def retire(self, request: HttpRequest, queryset):
        selected = list(queryset.filter(retired_at__isnull=True).values_list("pk", flat=True))
        count = Card.objects.filter(pk__in=selected).update(retired_at=timezone.now())
        sibling_retirement_sync(cards=Card.objects.filter(pk__in=selected))
        self.message_user(
            request,
            ngettext("Retired %(count)s card.", "Retired %(count)s cards.", count)
            % {"count": count},
        )

    @admin.action(description=_("Bring selected cards back into study"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset):
        selected = list(queryset.exclude(retired_at__isnull=True).values_list("pk", flat=True))
        count = Card.objects.filter(pk__in=selected).update(retired_at=None)
        sibling_retirement_sync(cards=Card.objects.filter(pk__in=selected))
        self.message_user(
            request,
            ngettext("Restored %(count)s card.", "Restored %(count)s cards.", count)
            % {"count": count},
        )


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("student", "card", "repetitions", "easiness", "interval", "due", "lapses")
    list_filter = ("deck",)
    list_select_related = ("student", "card__deck")
    raw_id_fields = ("student", "card", "deck")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A state belongs to its student and card: moving it would leave that card unseen
        # behind the student's new-card cursor, and its log behind it.
        return ("student", "card", "deck") if obj is not None else ()


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ("reviewed_at", "student", "card", "rating", "scheduled", "interval_after")
    list_filter = ("deck", "rating")
    list_select_related = ("student", "card__deck")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    """Students join with the class code; teachers may remove one, not enrol anyone."""

    model = Membership
    fields = ("student", "joined_at")
    readonly_fields = ("student", "joined_at")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "join_enabled", "exam_date", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("teachers", "decks")
    form = TeacherByUsernameForm
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest):
        return classes_taught_by(request.user)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "decks":
            kwargs["queryset"] = decks_editable_by(request.user)
        elif db_field.name == "teachers":
            kwargs["queryset"] = colleagues_of(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        classroom = form.instance
        with class_save(classroom=classroom, teacher=request.user, today=today_for_study()):
            super().save_related(request, form, formsets, change)
            # A teacher who creates a class teaches it, so it never disappears from their list.
            classroom.teachers.add(request.user)
            if form.cleaned_data.get("add_teacher"):
                classroom.teachers.add(form.cleaned_data["add_teacher"])


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "view on site" link, only for objects this user's admin lists.

    Django's own shortcut redirects any staff user to any object's page, which tells a
    teacher the slugs of other teachers' private decks and the ids of their classes.
    """
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model_admin = admin.site._registry.get(content_type.model_class())
    if model_admin is None or not model_admin.has_view_permission(request):
        raise Http404
    if not model_admin.get_queryset(request).filter(pk=object_id).exists():
        raise Http404
    return shortcut(request, content_type_id, object_id)

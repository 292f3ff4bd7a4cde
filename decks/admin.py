from django.contrib import admin

from decks.models import Card, CardState, Deck, ReviewLog


class CardInline(admin.TabularInline):
    model = Card
    fields = ("position", "front", "back", "tags")
    extra = 0
    show_change_link = True


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "new_cards_per_day", "updated_at")
    search_fields = ("title", "description", "source")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CardInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("deck", "position", "front", "tags")
    list_filter = ("deck",)
    search_fields = ("front", "back", "tags")
    list_select_related = ("deck",)


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("student", "card", "repetitions", "easiness", "interval", "due", "lapses")
    list_filter = ("deck",)
    list_select_related = ("student", "card__deck")
    raw_id_fields = ("student", "card", "deck")


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

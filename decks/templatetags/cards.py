from functools import lru_cache

from django import template
from django.utils.safestring import SafeString, mark_safe

from decks.html import clean_card_html

register = template.Library()


@register.filter
def card_html(html: str) -> SafeString:
    """Render stored card HTML, sanitised again on the way out as a second line of defence."""
    return mark_safe(_cleaned(html or ""))  # noqa: S308 - nh3 allow-list output


# A deck's cards are shown to every student of its classes, day after day: sanitise each
# text once per app process rather than on every answer. The key is the text itself, so
# an edited card is sanitised afresh; 2,048 texts of even a few kB each stay a few MB.
_cleaned = lru_cache(maxsize=2048)(clean_card_html)

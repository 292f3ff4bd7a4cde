from django import template
from django.utils.safestring import SafeString, mark_safe

from decks.html import clean_card_html

register = template.Library()


@register.filter
def card_html(html: str) -> SafeString:
    """Render stored card HTML, sanitised again on the way out as a second line of defence."""
    return mark_safe(clean_card_html(html or ""))  # noqa: S308 - nh3 allow-list output

import re
from html import unescape

from django import template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from decks.html import clean_card_html

register = template.Library()


@register.filter
def card_html(html: str) -> SafeString:
    """Render stored card HTML, sanitised again on the way out as a second line of defence."""
    return mark_safe(clean_card_html(html or ""))  # noqa: S308 - nh3 allow-list output


_ALT = re.compile(r'<img\b[^>]*\balt="([^"]*)"')


@register.filter
def card_text(html: str) -> str:
    """A card side as one line of text, for lists; a picture-only side says what it shows."""
    cleaned = card_html(html)
    text = " ".join(unescape(strip_tags(cleaned)).split())
    if text:
        return text
    names = [unescape(alt) for alt in _ALT.findall(cleaned) if alt.strip()]
    if names:
        return _("Picture: %(name)s") % {"name": ", ".join(names)}
    if "<img" in cleaned:
        return _("Picture")
    return _("Sound") if "<audio" in cleaned else ""

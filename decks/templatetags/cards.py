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


@register.filter
def comes_back(days: int) -> str:
    """When a card comes back, short enough for a rating button: "today", "1 d", "6 d",
    "2 mo", "1.5 y" (months of 30 days and years of 365, as Anki rounds them)."""
    if days <= 0:
        return _("today")
    if days < 30:
        return _("%(days)s d") % {"days": days}
    if days < 365:
        return _("%(months)s mo") % {"months": round(days / 30)}
    years = round(days / 365, 1)
    return _("%(years)s y") % {"years": f"{years:g}"}

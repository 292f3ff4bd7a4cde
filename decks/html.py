"""Card HTML: what a card may contain, and how plain text becomes card HTML.

Cards are stored as HTML so lists, line breaks and emphasis render as the teacher wrote
them. Everything that reaches a card passes through `clean_card_html`, an allow-list
(nh3, the Rust ammonia sanitiser): structure survives, script, event handlers, styles,
and javascript: links do not.
"""

from html import escape

import nh3

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "s", "mark", "small", "sub", "sup", "code", "pre",
    "br", "p", "div", "span", "ul", "ol", "li", "blockquote", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "ol": {"start", "type"},
    "td": {"colspan"},
    "th": {"colspan"},
}


def clean_card_html(html: str) -> str:
    """Return `html` with everything outside the card allow-list removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


def text_to_html(text: str) -> str:
    """Escape plain text and keep its line breaks."""
    lines = [escape(line.strip(), quote=False) for line in text.strip().splitlines()]
    return "<br>".join(lines)


def list_to_html(items: list[str], *, ordered: bool = False) -> str:
    """Render plain-text items as an HTML list."""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{escape(item.strip(), quote=False)}</li>" for item in items)
    return f"<{tag}>{body}</{tag}>"

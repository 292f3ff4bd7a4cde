"""Card HTML: what a card may contain, and how plain text becomes card HTML.

Cards are stored as HTML so lists, line breaks and emphasis render as the teacher wrote
them. Everything that reaches a card passes through `clean_card_html`, an allow-list
(nh3, the Rust ammonia sanitiser): structure survives, script, event handlers, styles,
and javascript: links do not. Pictures and sound are admitted only from the app's own
media URLs (`/media/<sha256>.<ext>`, decks.views.media), so a card can never load
anything from elsewhere or point at a file the media view would not check.
"""

import re
from html import escape, unescape

import nh3

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "s", "mark", "small", "sub", "sup", "code", "pre",
    "br", "p", "div", "span", "ul", "ol", "li", "blockquote", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "img", "audio",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "ol": {"start", "type"},
    "td": {"colspan"},
    "th": {"colspan"},
    "img": {"src", "alt", "width", "height"},
    "audio": {"src", "controls", "preload"},
}

MEDIA_URL_PREFIX = "/media/"
# The extension each stored type is served under; decks.importers.media decides the type.
MEDIA_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
}
IMAGE_TYPES = [kind for kind in MEDIA_EXTENSIONS if kind.startswith("image/")]
_IMAGE_EXTENSIONS = "|".join(MEDIA_EXTENSIONS[kind] for kind in IMAGE_TYPES)
_AUDIO_EXTENSIONS = "|".join(
    ext for kind, ext in MEDIA_EXTENSIONS.items() if kind.startswith("audio/")
)
_MEDIA_SOURCE = {
    "img": re.compile(rf"{MEDIA_URL_PREFIX}[0-9a-f]{{64}}\.(?:{_IMAGE_EXTENSIONS})"),
    "audio": re.compile(rf"{MEDIA_URL_PREFIX}[0-9a-f]{{64}}\.(?:{_AUDIO_EXTENSIONS})"),
}
MEDIA_URL = re.compile(
    rf"{MEDIA_URL_PREFIX}(?P<sha256>[0-9a-f]{{64}})\.(?P<ext>{_IMAGE_EXTENSIONS}|{_AUDIO_EXTENSIONS})"
)
# A picture or sound in sanitised card HTML, which has exactly these shapes.
MEDIA_TAG = re.compile(
    rf'<img [^<>]*src="{_MEDIA_SOURCE["img"].pattern}"[^<>]*>'
    rf'|<audio [^<>]*src="{_MEDIA_SOURCE["audio"].pattern}"[^<>]*></audio>'
)
_TAG = re.compile(r"<[^>]+>")
# nh3 keeps an element whose src it dropped; without a source it shows nothing.
_SOURCELESS = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>|<audio(?![^>]*\ssrc=)[^>]*>.*?</audio>", re.S)


def media_url(sha256: str, content_type: str) -> str:
    """The URL a stored media file is served under; its hash makes it never change."""
    return f"{MEDIA_URL_PREFIX}{sha256}.{MEDIA_EXTENSIONS[content_type]}"


def image_html(url: str, *, alt: str, width: int | None, height: int | None) -> str:
    """A picture as cards store it; its pixel size lets the page keep room for it."""
    size = f' width="{width}" height="{height}"' if width and height else ""
    return f'<img src="{url}" alt="{escape(alt)}"{size}>'


def _only_own_media(element: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        pattern = _MEDIA_SOURCE.get(element)
        return value if pattern is not None and pattern.fullmatch(value) else None
    if attribute in ("width", "height"):
        return value if value.isdigit() and len(value) <= 5 else None
    if attribute == "type":  # a lettered or roman list, as the sources number them
        return value if value in {"1", "a", "A", "i", "I"} else None
    return value


def clean_card_html(html: str) -> str:
    """Return `html` with everything outside the card allow-list removed."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_own_media,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    return _SOURCELESS.sub("", cleaned).strip()


def media_hashes(html: str) -> list[str]:
    """The sha256 of every media file a card's HTML shows, in order, once each."""
    return list(dict.fromkeys(match["sha256"] for match in MEDIA_URL.finditer(html)))


def text_to_html(text: str) -> str:
    """Escape plain text and keep its line breaks."""
    lines = [escape(line.strip(), quote=False) for line in text.strip().splitlines()]
    return "<br>".join(lines)


def plain_text(html: str) -> str:
    """A card side as one line of text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())

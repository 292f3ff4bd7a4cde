"""Card pictures and sound, served only to those who may study or edit a deck that uses them.

The URL holds the file's sha256, so its bytes never change: browsers keep it for a year
(privately, since access is checked) and revalidate with the hash as ETag. Everyone
without access gets the same 404 as for a file that does not exist.
"""

import io
import re
import zipfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.views.decorators.http import require_GET

from decks.html import MEDIA_EXTENSIONS
from decks.importers.media import MediaCollector, MediaLimitExceeded, MediaRefused
from decks.selectors import media_visible_to, pending_upload_with_media
from decks.services.imports import import_limits

_RANGE = re.compile(r"bytes=(\d{0,15})-(\d{0,15})")
_YEAR = 365 * 24 * 3600


@require_GET
def media_file(request: HttpRequest, sha256: str, ext: str) -> HttpResponse:
    media = media_visible_to(request.user, sha256)
    if media is not None and MEDIA_EXTENSIONS.get(media.content_type) == ext:
        return _deliver(request, media.file.name, media.content_type, media.size, sha256)
    # A teacher's preview shows the upload's pictures before anything is stored.
    data, content_type = _from_pending_upload(request, sha256)
    if MEDIA_EXTENSIONS.get(content_type) != ext:
        raise Http404
    return _respond(request, io.BytesIO(data), content_type, len(data), sha256)


def _deliver(
    request: HttpRequest, name: str, content_type: str, size: int, sha256: str
) -> HttpResponse:
    delivery = settings.STAMP_MEDIA_DELIVERY
    if delivery == "redirect":
        response = HttpResponseRedirect(default_storage.url(name))
        # The signed URL expires: the browser may reuse the redirect for a fifth of that.
        lifetime = settings.STORAGES["default"].get("OPTIONS", {}).get("querystring_expire")
        reuse = f"max-age={lifetime // 5}" if lifetime else "no-store"
        response["Cache-Control"] = f"private, {reuse}"
        return response
    if delivery in ("x-accel-redirect", "x-sendfile"):
        response = HttpResponse(content_type=content_type)
        if delivery == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.STAMP_MEDIA_ACCEL_PREFIX + name
        else:
            response["X-Sendfile"] = default_storage.path(name)
        return _cacheable(response, sha256)
    return _respond(request, default_storage.open(name, "rb"), content_type, size, sha256)


def _respond(request: HttpRequest, stream, content_type: str, size: int, sha256: str):
    """The bytes, whole or the one range an audio player asks for."""
    if request.headers.get("If-None-Match") == f'"{sha256}"':
        stream.close()
        return _cacheable(HttpResponseNotModified(), sha256)
    requested = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if requested is None:
        response = FileResponse(stream, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = _bounds(requested, size)
        if start is None:
            stream.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        stream.seek(start)
        body = stream.read(end - start + 1)
        stream.close()
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _cacheable(response, sha256)


def _bounds(requested: re.Match[str], size: int) -> tuple[int | None, int]:
    first, last = requested[1], requested[2]
    if not first and not last:
        return None, 0
    if not first:  # "bytes=-500": the last 500 bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return None, 0
    return start, end


def _cacheable(response: HttpResponse, sha256: str) -> HttpResponse:
    response["Cache-Control"] = f"private, max-age={_YEAR}, immutable"
    response["ETag"] = f'"{sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _from_pending_upload(request: HttpRequest, sha256: str) -> tuple[bytes, str]:
    """The file from the teacher's own upload awaiting confirmation, checked again."""
    pending = pending_upload_with_media(request.user, sha256)
    if pending is None:
        raise Http404
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(pending.data))) as archive:
            reader = MediaCollector(
                archive, {sha256: pending.media_members[sha256]}, import_limits()
            )
            media = reader.read(sha256)
    except (zipfile.BadZipFile, KeyError, MediaRefused, MediaLimitExceeded) as error:
        raise Http404 from error
    if media.sha256 != sha256:
        raise Http404
    return media.data, media.content_type

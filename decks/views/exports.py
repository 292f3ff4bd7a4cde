"""Deck downloads as responses, for the deck page and the admin's export actions alike.

Nothing is built whole in memory: a CSV streams row by row, and a package or an archive of
several decks is written to a temporary file and streamed from disk.
"""

import shutil
import tempfile
import zipfile

from django.http import FileResponse, StreamingHttpResponse

from decks.models import Deck
from decks.services.exports import deck_apkg_file, deck_csv_chunks, export_filename


def export_download(decks: list[Deck], fmt: str):
    """One deck as a `fmt` ("csv" or "apkg") download; several as a zip of them."""
    if len(decks) == 1:
        deck = decks[0]
        if fmt == "csv":
            response = StreamingHttpResponse(
                deck_csv_chunks(deck), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{export_filename(deck, fmt)}"'
            return response
        return FileResponse(
            deck_apkg_file(deck),
            as_attachment=True,
            filename=export_filename(deck, fmt),
            content_type="application/octet-stream",
        )
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for deck in decks:
            with archive.open(export_filename(deck, fmt), "w") as member:
                if fmt == "csv":
                    for chunk in deck_csv_chunks(deck):
                        member.write(chunk)
                else:
                    with deck_apkg_file(deck) as package:
                        shutil.copyfileobj(package, member)
    archive_file.seek(0)
    return FileResponse(
        archive_file,
        as_attachment=True,
        filename=f"decks-{fmt}.zip",
        content_type="application/zip",
    )

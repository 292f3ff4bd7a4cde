"""Small real pictures and sounds for tests, made in memory, and Anki packages holding them."""

import io
import struct
import wave
import zlib
from pathlib import Path

from PIL import Image


def png(width: int = 4, height: int = 3, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return _image("PNG", width, height, color)


def jpeg(width: int = 4, height: int = 3, color: tuple[int, int, int] = (30, 30, 200)) -> bytes:
    return _image("JPEG", width, height, color)


def noisy_jpeg(width: int = 200, height: int = 200) -> bytes:
    """A photo-like JPEG: noise does not compress, so the file is many kilobytes."""
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def gif(width: int = 4, height: int = 3) -> bytes:
    return _image("GIF", width, height, (30, 200, 30))


def webp(width: int = 4, height: int = 3) -> bytes:
    return _image("WEBP", width, height, (200, 200, 30))


def _image(fmt: str, width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def wav(frames: int = 800, tone: int = 0) -> bytes:
    """A short mono WAV; `tone` makes different files."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(struct.pack("<h", tone) * frames)
    return buffer.getvalue()


def mp3() -> bytes:
    """An ID3 header and silent MPEG-1 Layer III frames: what the type check reads."""
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame * 4


def ogg() -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01vorbis" + b"\x00" * 40


def m4a() -> bytes:
    return b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 64


def pyramid(width: int = 1200, height: int = 800, label: str = "Klantpiramide") -> bytes:
    """A picture a teacher might use: a customer pyramid with a caption, as PNG."""
    from PIL import ImageDraw

    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    colors = [(183, 28, 28), (230, 81, 0), (249, 168, 37), (67, 160, 71)]
    for level, color in enumerate(colors):
        top = int(height * 0.1 + level * height * 0.2)
        bottom = top + int(height * 0.2)
        half_top = int(width * 0.08 + level * width * 0.1)
        half_bottom = half_top + int(width * 0.1)
        middle = width // 2
        draw.polygon(
            [(middle - half_top, top), (middle + half_top, top),
             (middle + half_bottom, bottom), (middle - half_bottom, bottom)],
            fill=color,
        )  # fmt: skip
    draw.text((20, 20), label, fill=(20, 20, 20), font_size=max(16, height // 14))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tone(seconds: float = 1.0, hertz: int = 440, rate: int = 8000) -> bytes:
    """A sine tone as WAV: a sound a browser really plays."""
    import math

    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * hertz * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A 1 x 1 PNG whose header says it is `width` x `height` pixels (a decompression bomb)."""
    data = bytearray(png(1, 1))
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))  # IHDR's CRC
    return bytes(data)


def png_with_html() -> bytes:
    """A valid PNG with a web page after it: a polyglot some browsers would sniff as HTML."""
    return png() + b"<html><body><script>alert(document.cookie)</script></body></html>"


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def anki_package(tmp_path: Path, notes: list[tuple[str, str]], files: dict[str, bytes]) -> bytes:
    """An .apkg as desktop Anki exports it (modern format), with `files` in its media.

    Each note is (front, back) of a Basic note; fields name the files as Anki does.
    """
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder = tmp_path / "anki-source"
    folder.mkdir(exist_ok=True)
    collection = Collection(str(folder / "collection.anki2"))
    try:
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            assert collection.media.add_file(str(path)) == name
        deck_id = collection.decks.id("Stamp media")
        for front, back in notes:
            note = collection.new_note(collection.models.by_name("Basic"))
            note["Front"], note["Back"] = front, back
            collection.add_note(note, deck_id)
        out = folder / "deck.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
        )
        collection.export_anki_package(out_path=str(out), options=options, limit=None)
    finally:
        collection.close()
    return out.read_bytes()


def anki_media_of(package: bytes, tmp_path: Path) -> tuple[dict[str, bytes], list[list[str]]]:
    """What Anki finds when it imports `package`: its media files and each note's fields."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder = tmp_path / "anki-target"
    folder.mkdir(exist_ok=True)
    path = folder / "import.apkg"
    path.write_bytes(package)
    collection = Collection(str(folder / "collection.anki2"))
    try:
        collection.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        media_folder = Path(collection.media.dir())
        files = {item.name: item.read_bytes() for item in media_folder.iterdir() if item.is_file()}
        notes = [collection.get_note(note_id).fields for note_id in collection.find_notes("")]
    finally:
        collection.close()
    return files, notes

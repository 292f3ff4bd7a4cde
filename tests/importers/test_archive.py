"""The zip reading that Anki packages and zipped CSVs share: every byte unpacked is counted."""

import io
import zipfile

import pytest

from decks.importers.archive import ByteBudget, PackageError, read_member
from tests.importers.packages import make_zip


def test_reading_a_member_counts_real_bytes_against_the_budget():
    archive = zipfile.ZipFile(io.BytesIO(make_zip({"big": b"\0" * 300_000})))
    budget = ByteBudget(limit=100_000)
    with pytest.raises(PackageError) as raised:
        read_member(archive, "big", budget)
    assert "unpacks to more than" in raised.value.problems[0].message
    assert budget.used <= 100_000 + 64 * 1024  # stopped within one chunk of the limit

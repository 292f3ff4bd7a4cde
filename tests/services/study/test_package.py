"""The study loop is one package with one front: nothing outside imports its inner modules.

`decks.services.study` (its `__init__`) is what views, selectors, the admin, commands,
other services, bench/ and tests use. Its inner modules may change shape freely; only the
package itself and its own tests (this folder, which holds the seams other tests use) may
import them. Read from the source with `ast`, so an import inside a function counts too.
"""

import ast
import pkgutil
from pathlib import Path

from decks.services import study

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = Path(study.__file__).parent
OWN_TESTS = Path(__file__).parent
INNER = {module.name for module in pkgutil.iter_modules([str(PACKAGE)])}
SKIPPED = {"build", "media", "node_modules", "staticfiles", "test-artifacts"}


def python_files_outside_the_package() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in SKIPPED for part in path.relative_to(ROOT).parts)
        and PACKAGE not in path.parents
        and OWN_TESTS not in path.parents
    ]


def inner_imports(source: str) -> list[str]:
    """Every import in `source` that names an inner module of the study package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("decks.services.study.")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("decks.services.study."):
                found.append(node.module)
            elif node.module == "decks.services.study":
                found += [f"{node.module}.{a.name}" for a in node.names if a.name in INNER]
    return found


def test_the_package_has_the_inner_modules_this_test_looks_for():
    assert {"answer_writes", "card_states", "cursors", "queue", "reviews", "sql"} <= INNER


def test_an_inner_import_is_found_in_every_form_and_the_front_is_not():
    source = (
        "import decks.services.study.queue\n"
        "from decks.services.study.reviews import review_record\n"
        "def f():\n    from decks.services.study import answer_writes\n"
        "from decks.services.study import study_answer\n"
        "from decks.services import study\n"
    )
    assert inner_imports(source) == [
        "decks.services.study.queue",
        "decks.services.study.reviews",
        "decks.services.study.answer_writes",
    ]


def test_no_module_outside_the_study_package_imports_its_inner_modules():
    files = python_files_outside_the_package()
    assert ROOT / "decks" / "views" / "study.py" in files
    offenders = {
        str(path.relative_to(ROOT)): names
        for path in files
        if (names := inner_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "import these from decks.services.study, the package's front"

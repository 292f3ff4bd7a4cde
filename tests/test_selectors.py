"""Imports run one way: selectors read the models, services may read selectors.

Read from the source with `ast`, so an import inside a function (the way a cycle used to
be dodged) counts too.
"""

import ast
from pathlib import Path

from decks import selectors

SOURCE = Path(selectors.__file__).read_text(encoding="utf-8")


def project_imports(source: str) -> list[str]:
    """Every module of the project (`decks.*`) that `source` imports, in any form."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("decks")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("decks"):
            if node.module == "decks":
                found += [f"decks.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return found


def test_an_import_of_a_service_is_found_in_every_form():
    source = (
        "import decks.services.teachers\n"
        "from decks.services.classes import class_join\n"
        "def f():\n    from decks.services import study\n"
        "from decks import services\n"
        "from decks.models import Deck\n"
    )
    assert sorted(project_imports(source)) == [
        "decks.models",
        "decks.services",
        "decks.services",
        "decks.services.classes",
        "decks.services.teachers",
    ]


def test_selectors_never_import_a_service():
    services = [name for name in project_imports(SOURCE) if name.startswith("decks.services")]
    assert services == []


def test_selectors_import_nothing_of_the_project_but_the_models():
    assert set(project_imports(SOURCE)) == {"decks.models"}

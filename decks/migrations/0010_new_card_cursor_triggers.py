"""The new-card cursor's two rules, kept by the database itself.

Before this, every path that added, moved or brought back a card had to bump the deck's
version by hand, and every path that removed a card state had to set the student's cursor
back; a path that forgot (a bulk update, a data migration, a reorder screen) hid cards
from students. Triggers run on every write, whatever wrote it:

- a card inserted, moved (deck or position) or brought back (retired_at set to NULL)
  bumps its deck's `DeckCardsVersion`, so the cursors stamped earlier are not trusted;
- a card state deleted sets that student's cursor in that deck back to the start, with a
  new revision (an answer that read the cursor before then writes nothing over it).
  Only an existing cursor is updated: inserting one could resurrect a row that the
  deletion of its deck or student has just removed.

PostgreSQL runs them once per statement over the changed rows (an import of 20,000 cards
bumps its deck a few times, not 20,000); SQLite has only row triggers.
"""

from django.db import migrations

# One statement each: with server-side binding psycopg sends one command per execute.
_POSTGRESQL = [
    (
        """CREATE FUNCTION decks_cards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO decks_deckcardsversion (deck_id, version)
    SELECT DISTINCT deck_id, 1 FROM changed_new
    ON CONFLICT (deck_id) DO UPDATE SET version = decks_deckcardsversion.version + 1;
  ELSE
    INSERT INTO decks_deckcardsversion (deck_id, version)
    SELECT DISTINCT n.deck_id, 1 FROM changed_new n JOIN changed_old o ON o.id = n.id
    WHERE n.deck_id <> o.deck_id OR n.position <> o.position
       OR (o.retired_at IS NOT NULL AND n.retired_at IS NULL)
    ON CONFLICT (deck_id) DO UPDATE SET version = decks_deckcardsversion.version + 1;
  END IF;
  RETURN NULL;
END $$""",
        "DROP FUNCTION decks_cards_changed()",
    ),
    (
        """CREATE TRIGGER decks_card_inserted AFTER INSERT ON decks_card
  REFERENCING NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION decks_cards_changed()""",
        "DROP TRIGGER decks_card_inserted ON decks_card",
    ),
    (
        """CREATE TRIGGER decks_card_updated AFTER UPDATE ON decks_card
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION decks_cards_changed()""",
        "DROP TRIGGER decks_card_updated ON decks_card",
    ),
    (
        """CREATE FUNCTION decks_card_states_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE decks_newcardcursor u
  SET after_position = 0, after_card = 0, revision = u.revision + 1
  FROM (SELECT DISTINCT student_id, deck_id FROM removed) r
  WHERE u.student_id = r.student_id AND u.deck_id = r.deck_id;
  RETURN NULL;
END $$""",
        "DROP FUNCTION decks_card_states_removed()",
    ),
    (
        """CREATE TRIGGER decks_cardstate_deleted AFTER DELETE ON decks_cardstate
  REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION decks_card_states_removed()""",
        "DROP TRIGGER decks_cardstate_deleted ON decks_cardstate",
    ),
]

_BUMP_SQLITE = """
  INSERT INTO decks_deckcardsversion (deck_id, version) VALUES (NEW.deck_id, 1)
  ON CONFLICT (deck_id) DO UPDATE SET version = version + 1;"""

_SQLITE = [
    (
        f"CREATE TRIGGER decks_card_inserted AFTER INSERT ON decks_card BEGIN{_BUMP_SQLITE}\nEND;",
        "DROP TRIGGER decks_card_inserted;",
    ),
    (
        "CREATE TRIGGER decks_card_updated AFTER UPDATE ON decks_card\n"
        "WHEN NEW.deck_id <> OLD.deck_id OR NEW.position <> OLD.position\n"
        "  OR (OLD.retired_at IS NOT NULL AND NEW.retired_at IS NULL)\n"
        f"BEGIN{_BUMP_SQLITE}\nEND;",
        "DROP TRIGGER decks_card_updated;",
    ),
    (
        """CREATE TRIGGER decks_cardstate_deleted AFTER DELETE ON decks_cardstate BEGIN
  UPDATE decks_newcardcursor
  SET after_position = 0, after_card = 0, revision = revision + 1
  WHERE student_id = OLD.student_id AND deck_id = OLD.deck_id;
END;""",
        "DROP TRIGGER decks_cardstate_deleted;",
    ),
]


def _run(apps, schema_editor, *, forwards: bool) -> None:
    statements = _POSTGRESQL if schema_editor.connection.vendor == "postgresql" else _SQLITE
    if not forwards:
        statements = reversed(statements)
    for create, drop in statements:
        schema_editor.execute(create if forwards else drop, params=None)


def forwards(apps, schema_editor) -> None:
    _run(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor) -> None:
    _run(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("decks", "0009_new_card_cursor")]

    operations = [migrations.RunPython(forwards, backwards)]

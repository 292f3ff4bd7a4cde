"""Typed answers and how the server judges them: the rules' worked examples.

tests/services/test_answer_check.py checks decks.services.answer_check against them, and
tests/browser/test_answer_check_js.py checks that static/js/answer_check.js agrees.
"""

RIGHT, WRONG = True, False

# (expected card side, typed answer, right?)
TYPED_ANSWERS = [
    # case, accents, markup and entities, punctuation, spaces, a final full stop
    ("Amsterdam", "amsterdam", RIGHT),
    ("<p>Klantgerichtheid</p>", "KLANTGERICHTHEID", RIGHT),
    ("café", "cafe", RIGHT),
    ("België", "belgie", RIGHT),
    ("<b>Tom</b> &amp; Jerry", "tom & jerry", RIGHT),
    ("Tom &amp; Jerry", "tom jerry", RIGHT),
    ("e-mail", "email", RIGHT),
    ("CRM-bestand", "crm bestand", RIGHT),
    ("auto's", "autos", RIGHT),
    ("Het is zo, zei hij!", "het is zo zei hij", RIGHT),
    ("Op   tijd", "  op tijd  ", RIGHT),
    ("De klant.", "de klant", RIGHT),
    # a small typo in a word of 5 letters or more is forgiven
    ("Klanttevredenheid", "klanttevredenhied", RIGHT),
    ("Parijs", "Parij", RIGHT),
    ("accountmanager", "acountmanagr", RIGHT),
    ("Parijs", "Londen", WRONG),
    ("accountmanager", "acntmanagr", WRONG),
    # ... but not in a word of 4 letters or fewer, nor in a number
    ("kaas", "kass", WRONG),
    ("Rome", "Roma", WRONG),
    ("1492", "1493", WRONG),
    ("Artikel 12", "artikel 21", WRONG),
    # numbers must match in order, and no number may be added or lost
    ("1914 tot 1918", "1918 tot 1914", WRONG),
    ("1914 tot 1918", "1914 tot 1918", RIGHT),
    ("12 3", "123", WRONG),
    ("H7", "h 7", RIGHT),
    ("Hoofdstuk 7", "Hoofdstuk", WRONG),
    ("007", "7", WRONG),
    # text in parentheses in the expected answer is optional
    ("Klant (nieuwe klant of loyale klant)", "klant", RIGHT),
    ("Klant (nieuwe klant of loyale klant)", "klant nieuwe klant of loyale klant", RIGHT),
    ("(de) Verenigde Staten (VS)", "verenigde staten", RIGHT),
    ("(de) Verenigde Staten (VS)", "de verenigde staten", RIGHT),
    ("Verenigde Staten", "verenigde staten vs", WRONG),
    # " / " separates alternatives
    ("kat / poes", "poes", RIGHT),
    ("kat / poes", "kat", RIGHT),
    ("kat / poes", "kat / poes", RIGHT),
    ("kat / poes", "hond", WRONG),
    ("en/of", "en of", RIGHT),
    # a list is right with every item, in any order, one a line or comma separated
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, mensen", RIGHT),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "mensen\nstrategie", RIGHT),
    ("<ol><li>Strategie</li><li>Mensen</li></ol>", "1. mensen\n2. strategie", RIGHT),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "mensen; strategie", RIGHT),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie", WRONG),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, mensen, geld", WRONG),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, strategie", WRONG),
    ("<ul><li>Strategie</li><li>Mensen</li></ul>", "stratgie, mensen", RIGHT),
    ("<p>De drie:</p><ul><li>a b</li><li>c d</li></ul>", "c d, a b", RIGHT),
    (
        "<ol><li>Potentiële klant</li><li>Klant<ol><li>Nieuw</li></ol></li></ol>",
        "klant\npotentiele klant",
        RIGHT,
    ),
    # nothing typed is "I don't know"
    ("Amsterdam", "", WRONG),
    ("Amsterdam", "   ", WRONG),
    ("Amsterdam", "...", WRONG),
]

# (typed list, the items read from it)
TYPED_LISTS = [
    ("a, b", ["a", "b"]),
    ("a\nb", ["a", "b"]),
    ("- a\n- b\n\n", ["a", "b"]),
    ("1) a, x\n2) b", ["a, x", "b"]),
]

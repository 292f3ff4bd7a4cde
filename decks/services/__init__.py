"""Services: the app's writes and the rules of each domain, as small typed functions.

Where a read goes (STYLE.md: services write, selectors read):

- writes are keyword-only functions named `<thing>_<action>` (`class_join`,
  `deck_import`), each in the module of its domain;
- the study loop is one package, `study`, with its own reads inside it (the queue, the
  answer's read, the home page's counts); only its front, `decks.services.study`, is
  imported from outside;
- reads several views share, mostly who may see what (`decks_for`, `decks_editable_by`,
  `classes_taught_by`, `colleagues_of`), are selectors, in `decks.selectors`;
- a read that only one domain's pages make (statistics, progress, leaderboard) stays in
  that domain's service, beside the rule it applies.

Imports run one way: services may import `decks.selectors`; selectors never import a
service (tests/test_selectors.py).
"""

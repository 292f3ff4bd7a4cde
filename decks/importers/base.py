"""What every parser returns: plain card records plus problems with their line numbers.

Parsers turn bytes or text into these records and never touch the database, so they are
tested on input alone; one service writes the result.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CardRecord:
    front: str  # card HTML, already passed through decks.html.clean_card_html
    back: str
    tags: tuple[str, ...] = ()
    line: int | None = None  # 1-based line of the source where the card starts


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParseResult:
    cards: list[CardRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

// Is a typed answer right? The offline twin of decks/services/answer_check.py.
//
// A phone studying offline judges a typed answer here, so the student sees at once whether it
// was right; the server re-judges every answer when it syncs, and its verdict is the one of
// record. This mirrors the judging only, function by function under the Python names: the
// HTML is read on the server (the pack carries each back as parse_answer gives it, {text,
// items}) and the marked differences are drawn there too.
//
//   StampAnswerCheck.check({text, items}, given) ->
//     {correct, forgiven, blank, missed, extra, givenItems}
//
// correct, forgiven and blank are typed_answer_check's. For a list answer, missed holds the
// indexes of the expected items nothing given matched and extra those of the given items
// (givenItems, given_items in Python) matched to nothing; for any other answer, and when
// nothing was typed, all three are empty. tests/browser/test_answer_check_js.py holds the
// two checks to the same verdicts: change them together.
(function () {
  "use strict";

  const FORGIVE_FROM_LETTERS = 5;
  const TWO_TYPOS_FROM_LETTERS = 10;
  const MAX_OPTIONAL_PARTS = 4;

  // --- Python's notions of space, line and digit ----------------------------------------
  // JavaScript's \s and trim() are not Python's str.isspace(): they count U+FEFF and miss
  // U+001C-U+001F and U+0085.
  const SPACE = String.raw`\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
  const SPACES = new RegExp(`[${SPACE}]+`, "u");
  const OUTER_SPACES = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");
  // str.splitlines()
  const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/u;
  // str.isdigit(): decimal digits and the few other digits that NFKD leaves as they are
  // (the others, such as ² and ①, are plain digits by the time a word is looked at).
  const DIGIT = String.raw`\p{Nd}\u1369-\u1371\u19da\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}`;
  const ALL_DIGITS = new RegExp(`^[${DIGIT}]+$`, "u");
  const A_DIGIT = new RegExp(`[${DIGIT}]`, "u");

  function split(text) {
    return text.split(SPACES).filter(Boolean);
  }
  function strip(text) {
    return text.replace(OUTER_SPACES, "");
  }
  function squash(text) {
    return split(text).join(" ");
  }
  function isDigits(text) {
    return ALL_DIGITS.test(text);
  }
  // Lengths in characters, as Python counts them, not in UTF-16 units.
  function characters(text) {
    return Array.from(text);
  }

  // --- Normalising ------------------------------------------------------------------------

  // Where str.casefold() goes further than toLowerCase() and NFKD does not make up for it:
  // ß is ss, final ς is σ, old Cyrillic letter forms are their plain letters, Cherokee folds
  // to its capitals and the Greek iota subscript is a letter ι (ᾳ is αι). Python folds
  // before NFKD, so this comes before it here too.
  const CASEFOLD = /[ßς\u0345\u1c80-\u1c88\u13f8-\u13fd\uab70-\uabbf\u1f80-\u1faf\u1fb2-\u1fb4\u1fb7\u1fc2-\u1fc4\u1fc7\u1ff2-\u1ff4\u1ff7]/gu;
  const FOLDED = { "ß": "ss", "ς": "σ", "\u1c80": "в", "\u1c81": "д", "\u1c82": "о",
    "\u1c83": "с", "\u1c84": "т", "\u1c85": "т", "\u1c86": "ъ", "\u1c87": "ѣ", "\u1c88": "ꙋ" };
  function casefold(text) {
    return text.toLowerCase().replace(CASEFOLD, function (ch) {
      if (FOLDED[ch]) return FOLDED[ch];
      const code = ch.charCodeAt(0);
      if (code >= 0xab70) return String.fromCharCode(code - 0xab70 + 0x13a0);
      if (code >= 0x13f8 && code <= 0x13fd) return String.fromCharCode(code - 8);
      return ch.normalize("NFD").replace("\u0345", "ι");
    });
  }

  // Joined without a space: "e-mail" is "email", "auto's" is "autos".
  const JOINERS = /[-\u2010\u2011\u2012\u2013\u00ad'\u2019`´]/gu;
  // Python's [\W_]+: a word character is a letter or a number there too.
  const NOT_WORD = /[^\p{L}\p{N}]+/u;
  const COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;
  // A decimal digit before a letter (or other number), or one before a digit: a space goes
  // after it. (Python's lookbehind, written without one for Safari before 16.4.)
  const LETTER_DIGIT = /(\p{Nd})(?=[\p{L}\p{Nl}\p{No}])|([\p{L}\p{Nl}\p{No}])(?=\p{Nd})/gu;
  const ASCII = /^[\x00-\x7f]*$/;

  // Case and accents gone: é, ë and e are the same letter.
  function fold(text) {
    const folded = casefold(text);
    if (ASCII.test(folded)) return folded;
    return folded.normalize("NFKD").replace(COMBINING, "");
  }

  // The words of plain text as the check compares them; numbers are words of their own.
  function words(text) {
    const folded = fold(text).replace(JOINERS, "").replace(LETTER_DIGIT, "$1$2 ");
    return folded.split(NOT_WORD).filter(Boolean);
  }

  function numbers(ws) {
    return ws.filter(isDigits);
  }

  // Optimal string alignment distance: edits, with a swap of two neighbours as one.
  function osaDistance(a, b) {
    const s = characters(a);
    const t = characters(b);
    let before = [];
    let previous = [];
    for (let j = 0; j <= t.length; j++) previous.push(j);
    for (let i = 1; i <= s.length; i++) {
      const row = [i];
      for (let j = 1; j <= t.length; j++) {
        const cost = s[i - 1] === t[j - 1] ? 0 : 1;
        let best = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
          best = Math.min(best, before[j - 2] + 1);
        }
        row.push(best);
      }
      before = previous;
      previous = row;
    }
    return previous[t.length];
  }

  function forgivable(expected, given) {
    const length = characters(expected).length;
    if (length < FORGIVE_FROM_LETTERS || A_DIGIT.test(expected + given)) return false;
    const allowed = length >= TWO_TYPOS_FROM_LETTERS ? 2 : 1;
    if (Math.abs(length - characters(given).length) > allowed) return false;
    return osaDistance(expected, given) <= allowed;
  }

  // --- Matching one answer ----------------------------------------------------------------

  const OPTIONAL = /\(([^()]*)\)/gu;
  const ALTERNATIVES = new RegExp(`[${SPACE}]+/[${SPACE}]+`, "u");

  // text, part, text, part, ..., text for the first MAX_OPTIONAL_PARTS parenthesised parts.
  function optionalPieces(text) {
    const pieces = [];
    let start = 0;
    let found;
    OPTIONAL.lastIndex = 0;
    while (pieces.length < 2 * MAX_OPTIONAL_PARTS && (found = OPTIONAL.exec(text))) {
      pieces.push(text.slice(start, found.index), found[1]);
      start = OPTIONAL.lastIndex;
    }
    pieces.push(text.slice(start));
    return pieces;
  }

  // text with each parenthesised part kept and left out, and each " / " alternative.
  function variants(text, alternatives) {
    const parts = alternatives ? text.split(ALTERNATIVES) : [text];
    const texts = parts.length > 1 ? [text].concat(parts) : [text];
    const out = [];
    texts.forEach(function (alternative) {
      const pieces = optionalPieces(alternative);
      const optional = (pieces.length - 1) / 2;
      // In itertools.product((True, False), repeat=optional) order: all kept first.
      for (let mask = 0; mask < 2 ** optional; mask++) {
        let variant = pieces[0];
        for (let index = 0; index < optional; index++) {
          const kept = ((mask >> (optional - 1 - index)) & 1) === 0;
          variant += kept ? " " + pieces[2 * index + 1] + " " : " ";
          variant += pieces[2 * index + 2];
        }
        out.push(variant);
      }
    });
    return out;
  }

  function sameList(a, b) {
    return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
  }

  // [right, right only by a forgiven typo] for one variant's words against the given.
  function match(expected, given) {
    if (!given.length || !sameList(numbers(expected), numbers(given))) return [false, false];
    if (expected.join("") === given.join("")) return [true, false];
    if (expected.length !== given.length) return [false, false];
    const close = expected.every(function (e, i) { return e === given[i] || forgivable(e, given[i]); });
    return close ? [true, true] : [false, false];
  }

  // [right, right only by a forgiven typo]: an exact variant wins over a forgiven one.
  function judge(expectedText, givenText, alternatives) {
    const given = words(givenText);
    let forgivenMatch = false;
    const all = variants(expectedText, alternatives !== false);
    for (let i = 0; i < all.length; i++) {
      const [right, forgiven] = match(words(all[i]), given);
      if (right && !forgiven) return [true, false];
      forgivenMatch = forgivenMatch || right;
    }
    return [forgivenMatch, forgivenMatch];
  }

  // --- Lists ------------------------------------------------------------------------------

  const ITEM_MARKER = new RegExp(
    `^[${SPACE}]*(?:[-*•·–][${SPACE}]*|\\p{Nd}{1,2}[.)][${SPACE}]+|[a-zA-Z][.)][${SPACE}]+)`, "u");

  // A typed list: one item a line, or on one line separated by commas or semicolons.
  function givenItems(given) {
    const lines = given.split(LINE_BREAK).filter(function (line) { return strip(line); });
    if (lines.length > 1) {
      return lines.map(function (line) { return strip(line.replace(ITEM_MARKER, "")); });
    }
    return given.split(/[,;]/u).map(strip).filter(Boolean);
  }

  // Expected item -> given item, as many as can be matched one to one (Kuhn's algorithm).
  function pairs(expected, given) {
    const fits = expected.map(function (item) {
      const fit = [];
      given.forEach(function (text, g) { if (judge(item, text)[0]) fit.push(g); });
      return fit;
    });
    const givenTo = new Map();
    function assign(e, seen) {
      for (const g of fits[e]) {
        if (!seen.has(g)) {
          seen.add(g);
          if (!givenTo.has(g) || assign(givenTo.get(g), seen)) {
            givenTo.set(g, e);
            return true;
          }
        }
      }
      return false;
    }
    for (let e = 0; e < expected.length; e++) assign(e, new Set());
    const out = new Map();
    givenTo.forEach(function (e, g) { out.set(e, g); });
    return out;
  }

  function checkList(items, given) {
    const typed = givenItems(given);
    const paired = pairs(items, typed);
    const correct = paired.size === items.length && items.length === typed.length;
    let forgiven = false;
    const missed = [];
    items.forEach(function (item, e) {
      if (paired.has(e)) forgiven = forgiven || judge(item, typed[paired.get(e)])[1];
      else missed.push(e);
    });
    const matched = new Set(paired.values());
    const extra = typed.map(function (_, g) { return g; }).filter(function (g) { return !matched.has(g); });
    return { correct: correct, forgiven: correct && forgiven, blank: false,
      missed: missed, extra: extra, givenItems: typed };
  }

  // --- The check --------------------------------------------------------------------------

  // Judge `given` (typed plain text) against `expected`, a card side as parse_answer reads
  // it: {text: the answer on one line, items: a list answer's items, else empty}.
  function check(expected, given) {
    const items = expected.items || [];
    given = given || "";
    if (!words(given).length) {
      return { correct: false, forgiven: false, blank: true, missed: [], extra: [], givenItems: [] };
    }
    if (items.length) return checkList(items, given);
    const [right, forgiven] = judge(expected.text || "", squash(given));
    return { correct: right, forgiven: forgiven, blank: false, missed: [], extra: [], givenItems: [] };
  }

  window.StampAnswerCheck = { check: check, words: words, numbers: numbers };
})();

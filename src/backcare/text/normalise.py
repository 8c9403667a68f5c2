"""Normalise free text for matching, keeping a map back to the original characters.

Lower case; apostrophes dropped (can't -> cant, I'm -> im); commas kept as their own token; any
other punctuation becomes a space, except a decimal point or a slash between digits (38.6, 7/10);
sentences end at . ! ? ; and line breaks. Every character of the result remembers where it came
from, so a match can quote the person's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from backcare import rx

_APOSTROPHES = "'\u2019\u2018`\u00b4"
_SENTENCE_END = ".!?;\n\r"
MAX_CHARS = 20_000  # longer input is cut; nobody types more than this about their back


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of normalised text with, for each character, its index in the original."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The (start, end) in the original text of normalised characters start..end."""
        if not self.origin or start >= end:
            return (0, 0)
        # an answer put before its question ("numbness? no." -> "no numbness") runs backwards
        span = self.origin[start : max(start + 1, end)]
        return (min(span), max(span) + 1)


def sentences(text: str) -> list[Sentence]:
    """Split and normalise text into sentences."""
    text = text[:MAX_CHARS]
    out: list[Sentence] = []
    chars: list[str] = []
    origin: list[int] = []

    def emit(ch: str, i: int) -> None:
        if ch == " " and (not chars or chars[-1] == " "):
            return
        chars.append(ch)
        origin.append(i)

    def flush() -> None:
        while chars and chars[-1] == " ":
            chars.pop()
            origin.pop()
        if chars:
            out.append(Sentence("".join(chars), tuple(origin)))
        chars.clear()
        origin.clear()

    n = len(text)
    for i, raw in enumerate(text):
        ch = raw.lower()
        if ch in _APOSTROPHES:
            continue
        if ch.isalnum() and ch.isascii():
            emit(ch, i)
        elif ch in "./" and 0 < i < n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            emit(ch, i)
        elif ch in _SENTENCE_END:
            flush()
        elif ch == "," and _decimal_comma(text, i):
            emit(".", i)  # "38,5" of temperature is 38.5
        elif ch == ",":
            emit(" ", i)
            emit(",", i)
            emit(" ", i)
        elif ch == "%" or ch == "\u00b0":
            emit(" ", i)
            emit("%" if ch == "%" else "d", i)  # 38.5° -> "38.5 d" is read as degrees
            emit(" ", i)
        elif ch.isalpha():
            emit(_fold(ch), i)
        else:
            emit(" ", i)
    flush()
    return out


def _decimal_comma(text: str, i: int) -> bool:
    """A comma with exactly two digits before it and one after: a decimal comma ("38,5" of
    temperature), not a list ("3,4 days") nor a thousands separator ("1,000")."""
    before = text[max(0, i - 3) : i]
    after = text[i + 1 : i + 3]
    return (
        len(before) >= 2
        and before[-2:].isdigit()
        and (len(before) < 3 or not before[0].isdigit())
        and after[:1].isdigit()
        and not after[1:2].isdigit()
    )


def _fold(ch: str) -> str:
    """Accented Latin letters to plain ones (naïve -> naive); anything else is a word break."""
    import unicodedata

    base = unicodedata.normalize("NFKD", ch)[0]
    return base if base.isascii() and base.isalpha() else " "


WORD = rx.compile(r"[a-z]+")


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SMALL = (*_UNITS, "ten", "eleven", "twelve")  # stay words, except after "a hundred and"
_DIGIT_WORDS = ("zero", *_UNITS)
_NUMBER_WORDS = rx.compile(
    # "a hundred and one" (degrees Fahrenheit), "thirty eight point five" (degrees Celsius)
    rf"\b(?P<hundred>(?:a|one) hundred(?: and)?(?= (?:{'|'.join(_TENS + _TEENS + _UNITS)})\b) )?"
    rf"(?:(?P<tens>{'|'.join(_TENS)})(?: (?P<unit>{'|'.join(_UNITS)}))?"
    rf"|(?P<teen>{'|'.join(_TEENS)})"
    rf"|(?:(?<=hundred )|(?<=hundred and ))(?P<small>{'|'.join(_SMALL)}))"
    rf"(?: point (?P<decimal>{'|'.join(_DIGIT_WORDS)}|\d))?\b"
)


def with_numerals(sentence: Sentence) -> Sentence:
    """Write number words from 13 to 99 as digits ("seventy three" -> "73"), keeping the map.

    Ages, temperatures and weights are read from digits; people also spell them out. One to
    twelve stay words: "one side", "two legs" and "a couple" are not measurements."""
    text = sentence.text
    if not _NUMBER_WORDS.search(text):
        return sentence
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _NUMBER_WORDS.finditer(text):
        if m.group("small") and not m.group("hundred"):
            continue  # "one" to "twelve" stay words unless they end a hundred
        if m.group("teen"):
            value = _TEENS.index(m.group("teen")) + 13
        elif m.group("small"):
            value = _SMALL.index(m.group("small")) + 1
        else:
            value = (_TENS.index(m.group("tens")) + 2) * 10
            if m.group("unit"):
                value += _UNITS.index(m.group("unit")) + 1
        if m.group("hundred"):
            value += 100
        out.append(text[last : m.start()])
        origin.extend(sentence.origin[last : m.start()])
        digits = str(value)
        decimal = m.group("decimal")
        if decimal:
            digits += "." + (decimal if decimal.isdigit() else str(_DIGIT_WORDS.index(decimal)))
        out.append(digits)
        # the first digit maps to the first word, the last to the end of the words
        origin.extend(sentence.origin[m.start()] for _ in digits[:-1])
        origin.append(sentence.origin[m.end() - 1])
        last = m.end()
    out.append(text[last:])
    origin.extend(sentence.origin[last:])
    return Sentence("".join(out), tuple(origin))

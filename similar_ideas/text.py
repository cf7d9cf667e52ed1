"""From an idea's title and text to weighted terms: normalise, split, drop stop words, stem.

Everything here is deliberately small and rule-based (README, "Text"): the same function runs on
the stored ideas and on what a resident is typing, so a rule only has to be consistent, not right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Untrusted input is cut before any work that grows with its length; an idea is a few hundred
# words, so nothing a resident writes in earnest reaches either limit.
MAX_INPUT_CHARS = 20_000
MAX_TOKENS = 400

TITLE_WEIGHT = 2.0  # the title names the proposal; the body often wanders
GRAM_WEIGHT = 0.25  # a multiple of 1/4 keeps every sum of weights exact in binary floats
GRAM_SIZE = 4
GRAM_MIN_WORD = 8  # compounds ("Sitzbank", "Trinkbrunnen") are long; short words need no grams
MIN_STEM = 4
MAX_SUFFIXES = 2

# Longest first: "Kindern" loses "ern", not only "n".
SUFFIXES = ("ern", "en", "er", "es", "em", "e", "n", "s")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+")
# Plurals with umlaut ("Bank"/"Bänke", "Baum"/"Bäume"): after folding, the stem drops the "e"
# of ae/oe/ue. Not after "e" or "q", where "ue" is no umlaut ("neue", "Feuer", "Quelle").
_UMLAUT_STEM = re.compile(r"(?<![eq])([aou])e")

# Folded forms (ä -> ae, ß -> ss), compared before stemming. Function words of both languages,
# and the phrases every idea uses to propose something ("ich schlage vor", "es wäre schön").
_STOP_WORDS = """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim
    bin bis bitte bzw da dabei dadurch dafuer damit dann darf darum das dass dem den denn der des
    deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
    einen einer eines einfach er es etwa etwas euch fuer gab gibt gerne gern ging hab habe haben
    hat hatte hier ich ihm ihn ihnen ihr ihre im immer in ins ist ja je jede jedem jeden jeder
    jetzt kann kein keine koennen koennte koennten man manche mehr mein meine mich mir mit muss
    muessen nach nicht noch nun nur ob oder ohne sehr sein seine seit sich sie sind so soll
    sollen sollte sollten sondern statt um und uns unser unsere unter viel viele vom von vor
    waere waeren war waren warum was weil wenn wer werden wie wieder wir wird wo wuerde wuerden
    zu zum zur zwar zwischen schoen gut idee vorschlag vorschlagen schlage finde fande
    a about also an and any are as at be been but by can could do for from had has have how i if
    in into is it its just more my no not of on or our should so some than that the their them
    there these this to too very was we were what when where which while who why will with would
    you your please idea suggest suggestion propose nice good
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def normalise(text: str) -> str:
    """Lowercase, NFKC (composes "a" + combining diaeresis into "ä", widens "ﬁ"), then fold
    ä/ö/ü/ß so that "Bänke" and "Baenke" are one word."""
    return unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS]).lower().translate(_FOLD)


def words(text: str) -> Iterator[str]:
    """Runs of letters and digits of the normalised text, stop words and single letters left out,
    at most MAX_TOKENS of them."""
    count = 0
    for match in _WORD.finditer(normalise(text)):
        word = match.group()
        if len(word) < 2 or word in STOP_WORDS:
            continue
        yield word
        count += 1
        if count >= MAX_TOKENS:
            return


def stem(word: str) -> str:
    """Strip up to MAX_SUFFIXES inflection suffixes while MIN_STEM letters remain, then the
    umlaut's "e": "Bänken" -> "bank", "Kindern" -> "kind", "gardens" -> "gard"."""
    if word.isdigit():
        return word
    for _ in range(MAX_SUFFIXES):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return _UMLAUT_STEM.sub(r"\1", word)


def grams(stemmed: str) -> list[str]:
    """Character 4-grams of a long stem. They share the namespace of the stems on purpose: the
    gram "bank" of "sitzbank" is the stem of "Bank", and "grundschul" meets "schulhof" in "schu"."""
    if len(stemmed) < GRAM_MIN_WORD:
        return []
    return [stemmed[i : i + GRAM_SIZE] for i in range(len(stemmed) - GRAM_SIZE + 1)]


def add_terms(terms: dict[str, float], text: str, weight: float) -> None:
    for word in words(text):
        stemmed = stem(word)
        terms[stemmed] = terms.get(stemmed, 0.0) + weight
        for gram in grams(stemmed):
            terms[gram] = terms.get(gram, 0.0) + weight * GRAM_WEIGHT


def analyse(title: str, text: str) -> dict[str, float]:
    """Term -> weighted frequency: a title word counts TITLE_WEIGHT, a body word 1, each 4-gram
    of a long word GRAM_WEIGHT of its word. Title and body are cut to MAX_TOKENS words each."""
    terms: dict[str, float] = {}
    add_terms(terms, title, TITLE_WEIGHT)
    add_terms(terms, text, 1.0)
    return terms

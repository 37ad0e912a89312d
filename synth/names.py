"""How another centre writes a name it has written before: the variants of a re-registration.

A later registration's clerk hears the name again and writes it their way: in Devanagari,
in another transliteration (Salim / Saleem, Yadav / Yadava, Gurjar / Gujjar, Ganesh /
Ganes), with a one-letter typo, as initials ("G. Manjhi", "R. K. Mondal"), with "Kumar"
or "Devi" added or taking the surname's place, without the surname, or surname first;
sometimes two of these. ``variant`` makes one such name from a first name and a surname
and says what it changed.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import numpy as np
from indic_transliteration import sanscript

CHANGES = (
    "unchanged",
    "devanagari",
    "spelling",
    "typo",
    "initials",
    "kumar_devi",
    "surname_dropped",
    "order_swapped",
)
CHANGE_SHARES = np.array([0.31, 0.1, 0.2, 0.1, 0.09, 0.09, 0.06, 0.05])
"""Shares of a later registration's first change, as in the identity sample; a Latin
variant gets a second change in about one of six."""
SECOND_CHANGE = 0.17

_SPELLINGS: tuple[tuple[str, str], ...] = (
    (r"(?<=[a-z])i(?=[a-z])", "ee"),
    (r"ee", "i"),
    (r"(?<=[a-z])u(?=[a-z])", "oo"),
    (r"oo", "u"),
    (r"(?<=[^aeiou])$", "a"),
    (r"(?<=[^aeiou])a$", ""),
    (r"(?<=[aeiou])([bdgjklmnprst])(?=[aeiou])", r"\1\1"),
    (r"([bdgjklmnprst])\1", r"\1"),
    (r"sh", "s"),
    (r"(?<=[aeiou])s(?=[aeiou]|$)", "sh"),
    (r"v", "w"),
    (r"w", "v"),
    (r"iya", "ya"),
    (r"(?<=[kgtdpb])h", ""),
    (r"(?<=[aeiou])r(?=[aeiou])", "rh"),
    (r"(?<=[a-z]{3})(lal|das|ram)$", r" \1"),
)
"""Transliteration variants of Hindi sounds in Latin letters (a regex and its replacement);
one that applies is picked at random."""
_SPELLING_RULES = tuple((re.compile(a), b) for a, b in _SPELLINGS)
_MOHAMMAD = ("Mohammad", "Mohd", "Md", "Mohammed", "Mohd.")
_DEVANAGARI_WORDS = {"mohd": "मोहम्मद", "md": "मोहम्मद", "kumar": "कुमार", "devi": "देवी"}


@lru_cache(maxsize=65_536)
def devanagari(name: str) -> str:
    """A Latin-script name as a Hindi clerk writes it in Devanagari (through ITRANS: a
    consonant at a word's end keeps no vowel, a final "a" is long, ee / oo are long)."""
    words = []
    for word in name.lower().replace(".", "").split():
        if word in _DEVANAGARI_WORDS:
            words.append(_DEVANAGARI_WORDS[word])
            continue
        itrans = word.replace("ee", "I").replace("oo", "U").replace("w", "v")
        if itrans[-1] == "a":
            itrans = itrans[:-1] + "A"
        elif itrans[-1] not in "aeiouAIU":
            itrans += "a"
        words.append(sanscript.transliterate(itrans, sanscript.ITRANS, sanscript.DEVANAGARI))
    return " ".join(words)


def _respell(rng: random.Random, word: str) -> str:
    """The word in another Latin spelling of the same sound (unchanged if none applies)."""
    if word.rstrip(".") in _MOHAMMAD:
        others = [m for m in _MOHAMMAD if m != word]
        return others[rng.randrange(len(others))]
    lower = word.lower()
    fits = [(rule, to) for rule, to in _SPELLING_RULES if rule.search(lower)]
    if not fits:
        return word
    rule, to = fits[rng.randrange(len(fits))]
    changed = rule.sub(to, lower, count=1)
    return " ".join(part.capitalize() for part in changed.split()) if changed else word


def _typo(rng: random.Random, word: str) -> str:
    """One letter left out, doubled or swapped with the next (never the first letter)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _change(
    rng: random.Random, change: str, first: list[str], last: list[str], female: bool
) -> tuple[list[str], list[str]]:
    """``first`` and ``last`` (lists of words) after one Latin change."""
    filler = "Devi" if female else "Kumar"
    if change == "spelling":
        if last and (not first or rng.random() < 0.5):
            j = rng.randrange(len(last))
            last = [*last[:j], _respell(rng, last[j]), *last[j + 1 :]]
        elif first:
            j = rng.randrange(len(first))
            first = [*first[:j], _respell(rng, first[j]), *first[j + 1 :]]
    elif change == "typo":
        words = first + last
        j = rng.randrange(len(words))
        words[j] = _typo(rng, words[j])
        first, last = words[: len(first)], words[len(first) :]
    elif change == "initials":
        kumar = "Kumar" in first + last
        first = [f"{w[0]}." for w in first if w[0].isalpha() and w != "Kumar"]
        if not female and not kumar and len(first) == 1 and rng.random() < 0.45:
            first.append("K.")  # R. K. Mondal: the Kumar of the full name
    elif change == "kumar_devi":
        if filler in last or filler in first:
            first, last = [w for w in first if w != filler], [w for w in last if w != filler]
        elif rng.random() < 0.55 or not last or not first or first[-1].endswith("."):
            last = [filler]  # the filler where the surname was
        else:
            first = [*first, filler]
    elif change == "surname_dropped" and first:
        last = []
    elif change == "order_swapped" and last:
        first, last = last, first
    return first, last


def variant(
    rng: random.Random, change: str, first_name: str, surname: str, female: bool
) -> tuple[str, str]:
    """(name as the later registration writes it, what changed: ``CHANGES`` joined by +),
    for a first ``change`` drawn with ``CHANGE_SHARES``; ``rng`` draws the rest (a
    ``random.Random``: one name is a few draws, and numpy's scalar draws cost ten times more)."""
    first, last = first_name.split(), surname.split()
    if change == "unchanged":
        return " ".join(first + last), change
    if change == "devanagari":
        if rng.random() < 0.3:  # the surname left out or replaced, as Latin variants do
            first, last = _change(
                rng, ("surname_dropped", "kumar_devi")[rng.randrange(2)], first, last, female
            )
        return devanagari(" ".join(first + last)), change
    changes = [change]
    if rng.random() < SECOND_CHANGE:
        others = [c for c in CHANGES[2:] if c != change]
        changes.append(others[rng.randrange(len(others))])
    for c in changes:
        first, last = _change(rng, c, first, last, female)
    written = " ".join(first + last)
    if not written.strip(". "):
        return " ".join(first_name.split() + surname.split()), "unchanged"
    return written, "+".join(changes)

"""Person names in a form two registrations can be compared in.

Centres write one name many ways: Devanagari or Latin script, Mohammad / Mohd, Salim /
Saleem, "Kumar" or "Devi" added or left out, initials, the surname first. ``name_key`` turns
a name into lower-case Latin tokens (Devanagari through ``indic_transliteration``, then the
Hindi inherent vowel dropped where Hindi drops it) without the filler words; ``skeleton``
keeps a token's consonants so that vowel spellings (Saleem / Salim, Kanhaiya / Kanhaya,
Mahato / Mahto) meet in one blocking key. Similarity itself comes from ``rapidfuzz``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from indic_transliteration import sanscript

FILLERS = frozenset({"kumar", "kumari", "devi", "bai", "ben"})
SYNONYMS = {"md": "mohammad", "mohd": "mohammad", "mohammed": "mohammad", "mohamad": "mohammad"}
"""Words centres add or drop at will (the middle names Kumar and Devi): they say nothing
about who the person is, so they are set aside before comparing. Mohd / Md are spelt out
as Mohammad, which is often the given name itself (Mohammad Gurjar), so it stays."""

_SPELLINGS = (
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"[wv]"), "b"),  # Vijay / Bijay / Wijay, Ravidas / Rabidas
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[kgcjtdpb])h"), ""),
    (re.compile(r"([a-z])\1"), r"\1"),
    (re.compile(r"z"), "j"),
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ksh"),
)
"""Common Latin spellings of the same Hindi sound, folded before skeletons are taken."""

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Harvard-Kyoto writes long vowels in capitals, so the short inherent "a" stands apart.
_HK_VOWEL = "aAiIuUeo"
_SCHWA_END = re.compile(rf"(?<=[^{_HK_VOWEL}\s])a\b")
_SCHWA_MID = re.compile(rf"(?<=[{_HK_VOWEL}][^{_HK_VOWEL}\s])a(?=[^{_HK_VOWEL}\s][{_HK_VOWEL}])")
_SCHWA_AFTER_CLUSTER = re.compile(
    rf"(?<=[{_HK_VOWEL}][^{_HK_VOWEL}\s]{{2}})a(?=[^{_HK_VOWEL}\s][{_HK_VOWEL}])"
)
_FLAPPED = re.compile("\u0921\u093c|\u095c|\u0922\u093c|\u095d")
"""The flapped ड़ / ढ़ (either spelling), written "r" in Latin script (Lakra, Barha)."""
_HK_TO_LATIN = (
    (re.compile(r"c(?!h)"), "ch"),
    (re.compile(r"[zS]"), "sh"),
    (re.compile(r"[MJGN]"), "n"),
    (re.compile(r"H"), ""),
    (re.compile(r"R"), "r"),
)
"""Harvard-Kyoto letters as Hindi names are usually spelt in Latin script."""
_NOT_LETTER = re.compile(r"[^a-z\s]")


@lru_cache(maxsize=1_000_000)
def latin(name: str) -> str:
    """The name in lower-case ASCII Latin letters and single spaces."""
    text = name.strip()
    if _DEVANAGARI.search(text):
        text = _FLAPPED.sub("\u0930", text).replace("\u093c", "")
        hk = sanscript.transliterate(text, sanscript.DEVANAGARI, sanscript.HK)
        # Hindi drops the inherent short a at a word's end and between a vowel-consonant
        # and a consonant-vowel (rAmalAla -> rAmlAl); long vowels (A) are not touched.
        hk = _SCHWA_END.sub("", hk)
        hk = _SCHWA_AFTER_CLUSTER.sub("", _SCHWA_MID.sub("", hk))
        for pattern, replacement in _HK_TO_LATIN:
            hk = pattern.sub(replacement, hk)
        text = hk
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


@lru_cache(maxsize=1_000_000)
def name_key(name: str) -> tuple[str, ...]:
    """The name's tokens without filler words, however spelt (Devi, Dewi, Kumaar; all of
    them when the name is nothing else: "Mohammad"); initials stay as one-letter tokens."""
    tokens = [SYNONYMS.get(t, t) for t in latin(name).split()]
    kept = tuple(t for t in tokens if fold(t) not in _FOLDED_FILLERS)
    return kept or tuple(tokens)


@lru_cache(maxsize=1_000_000)
def fold(token: str) -> str:
    """A token with the common alternative spellings folded together."""
    for pattern, replacement in _SPELLINGS:
        token = pattern.sub(replacement, token)
    return token


_FOLDED_FILLERS = frozenset(fold(f) for f in FILLERS)


@lru_cache(maxsize=1_000_000)
def skeleton(token: str) -> str:
    """The folded token's first letter and its other consonants in alphabetical order
    (without h and y): vowels, aspiration and swapped letters are where spellings and
    slips differ most (Saleem / Salim, Rajes / Rajesh, Adbul / Abdul)."""
    folded = fold(token)
    if not folded:
        return ""
    return folded[0] + "".join(sorted(re.sub(r"[aeiouyh]", "", folded[1:])))

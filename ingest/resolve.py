"""Entity resolution: is "Jabhat al-Saba" the group we already know as "Jabhat Sab'a"?

Names of armed groups and people reach us in many spellings: case, diacritics,
punctuation, transliterations from Arabic or Cyrillic ("Mohammed", "Muhammad",
"Mouhamad"), the Arabic article written `al-`, `el-`, `ad-` or not at all,
word order ("Seven Hills Front" / "Front of the Seven Hills"). We compare, in
order of strength:

1. **exact**: the normalised name or an alias is equal (case, diacritics,
   punctuation, script and the articles al-/el-/… ignored);
2. **compact**: equal once spaces are removed ("Al Shabaab" / "Alshabaab");
3. **transliteration**: equal consonant skeletons once common transliteration
   pairs are folded (q/k, kh/h, ou/u, dj/j, doubled letters) — confident only
   for names long enough for the skeleton to mean something;
4. **fuzzy**: rapidfuzz's token-sort ratio on the content words.

Three guards keep different groups apart however similar they look: numbers
must agree ("3rd Brigade" is never "4th Brigade", "(2015-2019)" is never
"(2019-)"); so must direction and order qualifiers ("Northern Front" is not
"Southern Front"); and so must the content words: a name with a meaningful
word the other lacks ("Unity Movement" / "Movement", "Real Army" / "Army")
is another group, often a split of it, however high the character score.
Words are paired tolerantly (a typo or transliteration inside a word,
"Defense" / "Defence", "Darjo" / "Dario", still pairs), an acronym of the
other words ("(KLA)") is not a word of its own, and little generic words
("armed", "group") do not count.

A match is *confident* when its score reaches `CONFIDENT` and no other entity
comes within `MARGIN` of it; it then attaches to the existing entity and the
new spelling becomes an alias. Scores between `REVIEW` and `CONFIDENT`, or two
entities too close to call, are *ambiguous*: never merged silently, reported
for review (and `actorgraph merge KEEP OTHER` merges them once a person has
decided).

>>> match_key("Jabhat al-Saba")
'jabhat saba'
>>> r = Resolver()
>>> r.add("act_1", "ArmedActor", ["Front of the Seven Hills", "Jabhat Sab'a"])
>>> r.resolve("JABHAT AL-SABA", ["ArmedActor"]).status
'exact'
>>> r.resolve("Seven Hills Front", ["ArmedActor"]).status
'confident'
>>> r.resolve("Front of the Six Hills", ["ArmedActor"]).status
'new'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from anyascii import anyascii
from rapidfuzz import fuzz, process

from graph.names import normalise

CONFIDENT = 0.90
REVIEW = 0.75
MARGIN = 0.03
# External-id namespaces that bound an entity rather than name it: an ACLED
# actor is scoped by the country it was seen in (ACLED has no actor ids).
SCOPE_NAMESPACES = frozenset({"acled-country"})

# The Arabic article and its sun-letter assimilations, and the articles of the
# other languages our names come in. Dropped as whole words, never from inside one.
ARTICLES = frozenset(
    {"al", "el", "ul", "il", "ad", "ar", "as", "at", "ash", "az", "an", "ath", "the", "l"}
)
# Little words that carry no identity, ignored by the fuzzy comparison only.
FUNCTION_WORDS = frozenset(
    {"of", "the", "and", "for", "de", "du", "des", "la", "le", "les", "et", "pour", "wa", "w"}
)
# Words that say what kind of thing a group is, not which one: their absence
# does not make another group ("Kalmoran Forces" / "Kalmoran Armed Forces").
GENERIC_WORDS = frozenset({"armed", "group", "groups", "organisation", "organization"})
# Two words pair when their characters are this similar (a typo or a
# transliteration inside one word) or their consonant skeletons are equal.
WORD_SIMILARITY = 0.75
# Qualifiers that turn one group into another; they must agree.
_QUALIFIER_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "north",
            "northern",
            "south",
            "southern",
            "east",
            "eastern",
            "west",
            "western",
            "central",
            "nord",
            "sud",
            "est",
            "ouest",
            "centre",
            "center",
            "shamal",
            "janub",
            "sharq",
            "gharb",
        }
    ),
    frozenset({"upper", "lower", "haut", "bas", "new", "old", "greater", "lesser", "little"}),
)
_SAME_QUALIFIER = {
    "northern": "north",
    "nord": "north",
    "shamal": "north",
    "southern": "south",
    "sud": "south",
    "janub": "south",
    "eastern": "east",
    "est": "east",
    "sharq": "east",
    "western": "west",
    "ouest": "west",
    "gharb": "west",
    "centre": "central",
    "center": "central",
    "haut": "upper",
    "bas": "lower",
}
_NUMBER_WORDS = {
    w: str(i)
    for i, words in enumerate(
        [
            (),
            ("one", "first", "i"),
            ("two", "second", "ii"),
            ("three", "third", "iii"),
            ("four", "fourth", "iv"),
            ("five", "fifth", "v"),
            ("six", "sixth", "vi"),
            ("seven", "seventh", "vii"),
            ("eight", "eighth", "viii"),
            ("nine", "ninth", "ix"),
            ("ten", "tenth", "x"),
            ("eleven", "eleventh", "xi"),
            ("twelve", "twelfth", "xii"),
        ]
    )
    for w in words
}
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|e|er|eme|ème)?$")
# Transliteration folds, applied in order to each word before vowels are dropped.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("dj", "j"),
    ("tch", "ch"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("sch", "sh"),
    ("ch", "sh"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("w", "u"),
    ("y", "i"),
    ("z", "s"),
)
_VOWELS = re.compile(r"[aeiou]")
_DOUBLE = re.compile(r"(.)\1+")
# An event file repeats the same few hundred spellings on every row, and every
# comparison re-derives the same keys of both names: the pure functions of one
# name (or one pair of words) below are memoised. Bounded, so a long-lived app
# process does not grow without limit.
_NAME_CACHE = 1 << 16


# --------------------------------------------------------------------------- keys


@lru_cache(maxsize=_NAME_CACHE)
def folded(text: str) -> str:
    """Any script to ASCII, then lower case without diacritics and punctuation."""
    return normalise(anyascii(normalise(text)))


def _number(word: str) -> str:
    """'3rd', 'third' and 'iii' all become '3'; other words are left alone."""
    found = _ORDINAL.match(word)
    if found:
        return str(int(found.group(1)))
    if word in _NUMBER_WORDS and word not in ("i", "v", "x"):
        return _NUMBER_WORDS[word]
    return word


def _words(text: str) -> list[str]:
    words = [_number(w) for w in folded(text).split()]
    kept = [w for w in words if w not in ARTICLES]
    return kept or words


@lru_cache(maxsize=_NAME_CACHE)
def match_key(text: str) -> str:
    """The key exact matching compares: folded, articles dropped."""
    return " ".join(_words(text))


@lru_cache(maxsize=_NAME_CACHE)
def _content_key(text: str) -> str:
    words = [w for w in _words(text) if w not in FUNCTION_WORDS]
    return " ".join(words) or match_key(text)


@lru_cache(maxsize=_NAME_CACHE)
def skeleton(text: str) -> str:
    """Consonant skeleton with common transliteration pairs folded.

    >>> skeleton("Mohammed Qasim") == skeleton("Muhammad Kassem")
    True
    """
    out = []
    for word in _content_key(text).split():
        if word.isdigit():
            out.append(word)
            continue
        for a, b in _FOLDS:
            word = word.replace(a, b)
        head, tail = word[:1], word[1:]
        if head in "aeiou":
            head = "a"  # Omar / Umar, Ibrahim / Ebrahim
        word = _DOUBLE.sub(r"\1", head + _VOWELS.sub("", tail))
        out.append(word)
    return " ".join(out)


def _folded_words(text: str) -> list[str]:
    words = []
    for word in _content_key(text).split():
        for a, b in _FOLDS:
            word = word.replace(a, b)
        words.append(word)
    return words


# Vowels that transliterations swap freely (Mohammed / Muhammad, Qasim / Kassem,
# Youssef / Yusuf); `a` against `i` or `u` is a different name (Hamid / Hamad).
_VOWEL_SWAPS = frozenset(
    {frozenset("ou"), frozenset("ei"), frozenset("ea"), frozenset("eu"), frozenset("eo")}
)
_VOWEL_RUN = re.compile(r"[aeiou]+")


def vowels_compatible(a: str, b: str) -> bool:
    """Do the vowels of two names with the same skeleton differ only as transliterations do?"""
    wa, wb = _folded_words(a), _folded_words(b)
    if len(wa) != len(wb):
        return False
    for x, y in zip(wa, wb, strict=True):
        va = [r[0] for r in _VOWEL_RUN.findall(x[1:])]
        vb = [r[0] for r in _VOWEL_RUN.findall(y[1:])]
        if len(va) != len(vb):
            return False
        for p, q in zip(va, vb, strict=True):
            if p != q and frozenset((p, q)) not in _VOWEL_SWAPS:
                return False
    return True


@lru_cache(maxsize=_NAME_CACHE)
def numbers(text: str) -> frozenset[str]:
    """Numbers a name carries, as digits: 3rd, third and III are all 3."""
    return frozenset(w for w in map(_number, folded(text).split()) if w.isdigit())


@lru_cache(maxsize=_NAME_CACHE)
def qualifiers(text: str) -> frozenset[str]:
    words = set(folded(text).split())
    found = set()
    for family in _QUALIFIER_FAMILIES:
        for w in words & family:
            found.add(_SAME_QUALIFIER.get(w, w))
    return frozenset(found)


@lru_cache(maxsize=_NAME_CACHE)
def _word_skeleton(word: str) -> str:
    for a, b in _FOLDS:
        word = word.replace(a, b)
    head, tail = word[:1], word[1:]
    return _DOUBLE.sub(r"\1", ("a" if head in "aeiou" else head) + _VOWELS.sub("", tail))


@lru_cache(maxsize=_NAME_CACHE)
def _words_pair(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    if len(a) >= 3 and len(b) >= 3 and _word_skeleton(a) == _word_skeleton(b):
        return True
    return min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) / 100 >= WORD_SIMILARITY


def _acronym_of(word: str, words: list[str]) -> bool:
    """'kla' for ['kalmora', 'liberation', 'army']: an acronym adds no word of its own."""
    initials = "".join(w[0] for w in words if w and not w.isdigit())
    return len(word) >= 2 and word == initials


def unpaired_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Content words of `a` with no counterpart in `b`, and of `b` with none in `a`.

    >>> unpaired_words("Seven Unity Movement of Orrin", "Seven Movement of Orrin")
    (['unity'], [])
    >>> unpaired_words("Orrin Valley Defense Militia", "Orrin Valley Defence Militia")
    ([], [])
    """
    wa = [w for w in _content_key(a).split() if w not in GENERIC_WORDS]
    wb = [w for w in _content_key(b).split() if w not in GENERIC_WORDS]
    left, right = list(wa), list(wb)
    for w in wa:  # exact pairs first, so a typo never takes another word's partner
        if w in right:
            left.remove(w)
            right.remove(w)
    for w in list(left):
        partner = next((x for x in right if _words_pair(w, x)), None)
        if partner is not None:
            left.remove(w)
            right.remove(partner)
    if left and right and _words_pair("".join(left), "".join(right)):
        return [], []  # one word written as two: "Abdelrahman" / "Abd al-Rahman"
    left = [w for w in left if not _acronym_of(w, wb) and not _acronym_of(w, wa)]
    right = [w for w in right if not _acronym_of(w, wa) and not _acronym_of(w, wb)]
    return left, right


# --------------------------------------------------------------------------- resolver


Status = Literal["exact", "confident", "ambiguous", "new"]


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    score: float
    rule: str


@dataclass(frozen=True)
class Match:
    """What resolution decided for one name."""

    query: str
    status: Status
    id: str | None
    score: float
    rule: str
    candidates: tuple[Candidate, ...] = ()

    @property
    def attaches(self) -> bool:
        """True when the name may be attached to the existing entity `id`."""
        return self.status in ("exact", "confident")


@dataclass
class _Entry:
    id: str
    scope: str
    names: list[str] = field(default_factory=list)


def compare(a: str, b: str) -> tuple[float, str]:
    """Similarity of two names in [0, 1] and the rule that decided it."""
    if numbers(a) != numbers(b):
        return 0.0, "numbers differ"
    qa, qb = qualifiers(a), qualifiers(b)
    if qa and qb and qa != qb:
        return 0.0, "qualifiers differ"
    cap = 1.0 if qa == qb else CONFIDENT - 0.01
    ka, kb = match_key(a), match_key(b)
    if ka == kb:
        return min(1.0, cap), "exact"
    if ka.replace(" ", "") == kb.replace(" ", ""):
        return min(0.98, cap), "compact"
    extra_a, extra_b = unpaired_words(a, b)
    if extra_a or extra_b:
        return 0.0, "content words differ: " + ", ".join(extra_a + extra_b)
    ca, cb = _content_key(a), _content_key(b)
    sa, sb = skeleton(a), skeleton(b)
    fuzzy = max(fuzz.token_sort_ratio(ca, cb), fuzz.token_sort_ratio(ka, kb)) / 100
    if sa and sa == sb:
        # A skeleton means something only when it is long enough: "Hamid" and
        # "Hamad" share one, "Mohammed Qasim" and "Muhammad Kassem" really match.
        strong = len(sa.replace(" ", "")) >= 6 and " " in sa and vowels_compatible(a, b)
        score = max(0.93 if strong else 0.85, fuzzy if strong else min(fuzzy, 0.85))
        return min(score, cap), "transliteration"
    skel = fuzz.token_sort_ratio(sa, sb) / 100 if sa and sb else 0.0
    # Skeleton similarity alone is weak evidence: it lifts a fuzzy score, never past review.
    score = max(fuzzy, min(skel * 0.9, CONFIDENT - 0.01))
    return min(score, cap), "fuzzy"


def namespace(external_id: str) -> str:
    """'ucdp-side' for 'ucdp-side:123'."""
    return external_id.split(":", 1)[0]


def identifies(external_id: str) -> bool:
    """A dataset's id names one entity; a scope key ("acled-country:…") only bounds it."""
    return namespace(external_id) not in SCOPE_NAMESPACES


def ids_conflict(known: Collection[str], incoming: Collection[str]) -> list[str]:
    """Incoming ids in a namespace the record has ids in, but not among them.

    >>> ids_conflict({"ucdp-side:901"}, ["ucdp-side:902"])
    ['ucdp-side:902']
    >>> ids_conflict({"ucdp-side:901"}, ["acled-country:kalmora"])
    []
    """
    spaces = {namespace(k) for k in known}
    return [i for i in incoming if namespace(i) in spaces and i not in known]


class Resolver:
    """An index of known entities, by scope (a node kind, or kind and level for areas).

    Besides names it holds each entity's external ids, which are authoritative:
    an identifying id already known resolves to its entity whatever the name
    says, and an entity whose ids of the same namespace differ is never a
    candidate, however equal the names. A spelling a reviewer rejected for an
    entity is never matched to it again.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._exact: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._keys: dict[str, list[tuple[str, str, str]]] = defaultdict(
            list
        )  # scope -> key,id,name
        self._skeletons: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._external: dict[tuple[str, str], set[str]] = defaultdict(set)  # (scope, id) -> ids
        self._ids_of: dict[str, set[str]] = defaultdict(set)
        self._rejected: dict[str, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self,
        entity_id: str,
        scope: str,
        names: Iterable[str],
        *,
        external_ids: Iterable[str] = (),
        rejected: Iterable[str] = (),
    ) -> None:
        entry = self._entries.setdefault(entity_id, _Entry(entity_id, scope))
        for name in names:
            if not name or not name.strip() or name in entry.names:
                continue
            entry.names.append(name)
            key = match_key(name)
            self._exact[(scope, key)].add(entity_id)
            self._skeletons[(scope, skeleton(name))].append(len(self._keys[scope]))
            self._keys[scope].append((_content_key(name), entity_id, name))
        for external in external_ids:
            self._ids_of[entity_id].add(external)
            if identifies(external):
                self._external[(scope, external)].add(entity_id)
        self._rejected[entity_id].update(match_key(n) for n in rejected)

    def names_of(self, entity_id: str) -> list[str]:
        entry = self._entries.get(entity_id)
        return list(entry.names) if entry else []

    def external_ids_of(self, entity_id: str) -> set[str]:
        return set(self._ids_of.get(entity_id, set()))

    def _barred(self, entity_id: str, key: str, external_ids: Collection[str]) -> str | None:
        if key in self._rejected.get(entity_id, set()):
            return "a reviewer said this spelling is a different entity"
        clash = ids_conflict(self._ids_of.get(entity_id, set()), external_ids)
        if clash:
            return "different source ids: " + ", ".join(clash)
        return None

    def exact(self, name: str, scopes: Collection[str]) -> str | None:
        """The one entity `name` equals in `scopes`, or None: `resolve`'s "exact"
        answer for a name without source ids, without scoring every other name.

        Places come by the thousand in an event file and only an exact match
        may reuse one, so the fuzzy ranking `resolve` would add is never read.
        """
        key = match_key(name)
        found = [
            i
            for s in scopes
            for i in self._exact.get((s, key), ())
            if self._barred(i, key, ()) is None
        ]
        return found[0] if len(found) == 1 else None

    def resolve(
        self, name: str, scopes: Collection[str], *, external_ids: Collection[str] = ()
    ) -> Match:
        """Find the entity `name` (carrying `external_ids`) means, within `scopes`."""
        by_id = sorted(
            {
                i
                for s in scopes
                for x in external_ids
                if identifies(x)
                for i in self._external[(s, x)]
            }
        )
        if len(by_id) == 1:
            same = any(match_key(n) == match_key(name) for n in self.names_of(by_id[0]))
            rule = "same source id" if same else "same source id, another name"
            return Match(name, "exact", by_id[0], 1.0, rule)
        key = match_key(name)
        exact = sorted(
            i
            for s in scopes
            for i in self._exact.get((s, key), set())
            if self._barred(i, key, external_ids) is None
        )
        if len(exact) == 1:
            return Match(name, "exact", exact[0], 1.0, "exact")
        best: dict[str, Candidate] = {}
        for scope in scopes:
            choices = self._keys.get(scope, [])
            if not choices:
                continue
            shortlist = process.extract(
                _content_key(name),
                [c[0] for c in choices],
                scorer=fuzz.token_set_ratio,
                limit=12,
                score_cutoff=50,
            )
            picked = {idx for _, _, idx in shortlist}
            picked.update(self._skeletons.get((scope, skeleton(name)), []))
            for idx in picked:
                _, entity_id, known = choices[idx]
                if self._barred(entity_id, key, external_ids) is not None:
                    continue
                score, rule = compare(name, known)
                if entity_id not in best or score > best[entity_id].score:
                    best[entity_id] = Candidate(entity_id, known, round(score, 3), rule)
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.id))
        shown = tuple(c for c in ranked if c.score >= REVIEW)[:5]
        if len(exact) > 1 or len(by_id) > 1:
            several = set(exact) | set(by_id)
            tied = tuple(c for c in ranked if c.id in several) or shown
            return Match(name, "ambiguous", None, 1.0, "several entities share this name", tied)
        if not ranked or ranked[0].score < REVIEW:
            return Match(name, "new", None, ranked[0].score if ranked else 0.0, "no match")
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score >= CONFIDENT and top.score - runner_up > MARGIN:
            return Match(name, "confident", top.id, top.score, top.rule, shown)
        reason = "too close to call" if top.score >= CONFIDENT else f"{top.rule} match too weak"
        return Match(name, "ambiguous", None, top.score, reason, shown)

"""Language-neutral features of an article: numbers, names, consonant skeletons and word stems.

Every feature is a string prefixed by its kind (`n:3000`, `name:putin`, `sk:ptn`, `g:mltr`) so that
articles in different languages and scripts meet in one inverted index without translation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from itertools import chain, compress
from typing import Mapping

from reader.core.memo import Memo
from reader.core.spelling import STEM_CONSONANTS, skeleton, transliterate
from reader.core.unicode_marks import MARKS, MarkPattern

# Weight of one occurrence of each kind of feature; rarer evidence of a shared story weighs more.
KIND_WEIGHTS = {"n": 2.0, "name": 3.0, "sk": 1.5, "g": 1.0}
# In a script without case (Devanagari, Arabic, Hebrew, kana…) every word may be a name: its name feature
# weighs this share of a capitalised name's, so the few true names are not drowned by all other words.
CASELESS_NAME_SHARE = 0.2
# Words shorter than this (transliterated) give no stem feature.
MIN_STEM_WORD = 4
_WORD_CACHE_SIZE = 200_000
REASON_ITEMS = 5  # examples named in one reason
VARIANT_SIMILARITY = 0.6  # how alike two spellings with one skeleton must be to be shown as one name

# A number not preceded by a digit or separator: digit groups split by spaces (3 000 000,5), or digits
# with separators. It starts with the digit so that the search skips to digits at C speed.
_NUMBER_RE = re.compile(r"\d(?<![\d.,]\d)(?:\d{0,2}(?:[ \u00a0\u2009\u202f]\d{3}(?!\d))+(?:[.,]\d+)?|\d*(?:[.,]\d+)*)")
_NUMBER_SPACE_RE = re.compile(r"[ \u00a0\u2009\u202f]")


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
# Words: letter runs with the combining marks of any script inside (vowel signs, viramas); Katakana runs
# (foreign names in Japanese) and Han runs apart; Hiragana (particles, endings) separates words.
_WORD_RE = MarkPattern(rf"(?:[^\W\d_{_HAN}{_KANA}]+|[{MARKS}])+"
                       rf"|[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]+|[{_HAN}]+")
# Words, and the punctuation after which the next word starts a sentence (any script's full stops).
_TOKEN_RE = MarkPattern(rf"{_WORD_RE.template}|[.!?…:;\n«»“”\"()\u0964\u0965\u061f\u06d4\u3002\uff01\uff1f]")
_HAN_RE = re.compile(rf"[{_HAN}]")
_ONE_LIQUID_RE = re.compile(rf"[{_KANA}\u1100-\u11ff\uac00-\ud7af]")  # kana and Hangul: one letter for l and r
_LIQUID_VARIANTS = 3  # at most this many r of a kana name are also read as l (8 skeletons)
_ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# A word after a number that multiplies it (`2.5 million`, `25 लाख`, `3 тысячи`), transliterated, with its
# power of ten; Han multipliers follow the digits directly (`2500万`).
_SCALE_WORD_RE = MarkPattern(rf"[ \u00a0]?((?:[^\W\d_]|[{MARKS}])+)")
_SCALES = (
    (re.compile(r"(?:thousand|tausend|tysyach|tysiach|tisic|tisyach|hjar|hazar)|(?:tys|tis)$"), 3),
    (re.compile(r"lakh|lacs?$"), 5),
    (re.compile(r"million|milion|milyon|mlywn|mlyyn|mln$|mio$"), 6),
    (re.compile(r"krod|karod|crore"), 7),
    (re.compile(r"milliard|miliard|milyard|mlyr|billion|mlrd$|bn$"), 9),
)
_HAN_SCALES = {"千": 3, "万": 4, "萬": 4, "亿": 8, "億": 8}
# Latin letters by the names other scripts spell them with, transliterated: Hindi writes CDC as सी.डी.सी.,
# Russian BBC as Би-би-си. A run of them joined by dots or hyphens is the acronym.
_LETTER_NAMES = {name: letter for letter, names in (
    ("a", "e ey ei"), ("b", "bi bii"), ("c", "si sii"), ("d", "di dii"), ("e", "i ii"), ("f", "eph ef eff"),
    ("g", "ji jii dzhi"), ("h", "ec ech eich eych aich"), ("i", "ai ay aai"), ("j", "je jei dzhei dzhey jay"),
    ("k", "ke kei key kay"), ("l", "el ell"), ("m", "em emm"), ("n", "en enn"), ("o", "o ou"), ("p", "pi pii"),
    ("q", "kyu kiu"), ("r", "ar aar"), ("s", "es ess"), ("t", "ti tii"), ("u", "yu yuu iu"), ("v", "vi vii"),
    ("w", "dblyu dblu dabalyu dablyu"), ("x", "eks iks aiks"), ("y", "vai uai wai"), ("z", "jed zed zet"),
) for name in names.split()}
_LETTER = rf"(?:[^\W\d_]|[{MARKS}])"
_SEPARATORS = ".-\u2010"  # between the letters of a spelt acronym
_SEPARATOR_CLASS = f"[{re.escape(_SEPARATORS)}]"
_SPELLED_RE = MarkPattern(rf"{_LETTER}{{1,8}}(?:{_SEPARATOR_CLASS}{_LETTER}{{1,8}})+(?![\w{MARKS}])")
_SEPARATOR_RE = re.compile(rf"{_SEPARATOR_CLASS}(?=[^\W\d_])")  # where one may be: found at C speed
_SPLIT_RE = re.compile(_SEPARATOR_CLASS)
_BOUNDARY = 2
_HAN_RUN = 3  # a run of Han characters: words not delimited, so its character pairs are its features


def _plain_number(group: str) -> str:
    """Digits of any script as ASCII digits; separators are kept."""
    return group if group.isascii() else "".join(str(unicodedata.decimal(ch, ch)) for ch in group)


def _normalise_number(raw: str) -> list[str]:
    """Read one number written with any thousands and decimal separators; dates split into parts."""
    raw = _plain_number(_NUMBER_SPACE_RE.sub("", raw))
    separators = [ch for ch in raw if ch in ".,"]
    groups = re.split(r"[.,]", raw)
    if not separators:
        return [_canonical(raw, "")]
    if len(set(separators)) == 2:
        decimal_mark = raw[max(raw.rfind("."), raw.rfind(","))]
        whole, _, fraction = raw.rpartition(decimal_mark)
        return [_canonical(re.sub(r"[.,]", "", whole), fraction)]
    if len(groups) > 2:
        if all(len(group) == 3 for group in groups[1:]) and len(groups[0]) <= 3:
            return [_canonical("".join(groups), "")]
        if len(groups[-1]) == 3 and all(len(group) == 2 for group in groups[1:-1]) and len(groups[0]) <= 2:
            return [_canonical("".join(groups), "")]  # lakh and crore grouping: 1,00,000 and 12,34,56,789
        return [_canonical(group, "") for group in groups if group]  # 12.10.2013 and the like
    whole, fraction = groups
    if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole != "0":
        return [_canonical(whole + fraction, "")]
    return [_canonical(whole, fraction)]


def _canonical(whole: str, fraction: str) -> str:
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _scale(text: str, end: int) -> int:
    """The power of ten the word right after a number (ending at `end`) multiplies it by, or 0."""
    if end < len(text) and text[end] in _HAN_SCALES:
        return _HAN_SCALES[text[end]]
    word = _SCALE_WORD_RE.match(text, end, end + 24)
    if word is None:
        return 0
    latin = "".join(filter(str.isalnum, transliterate(word.group(1)).lower()))
    return next((power for pattern, power in _SCALES if pattern.match(latin)), 0)


def _scaled(number: str, power: int) -> str:
    whole, _, fraction = number.partition(".")
    fraction = fraction.ljust(power, "0")
    return _canonical(whole + fraction[:power], fraction[power:])


def numbers(text: str) -> list[str]:
    """Return the numbers in `text`, normalised: `3 000`, `3,000`, `3.000`, `३,०००` -> `3000`; `64,2` -> `64.2`;
    `1,00,000` (lakh grouping) -> `100000`. A number followed by a multiplier word also gives its value:
    `2.5 million`, `25 लाख`, `2500万` -> also `2500000`, `2500000`, `25000000`."""
    if "\u066b" in text or "\u066c" in text:  # Arabic decimal and thousands separators
        text = text.replace("\u066b", ".").replace("\u066c", ",")
    found: list[str] = []
    for match in _NUMBER_RE.finditer(text):
        raw = match.group()
        values = [raw.lstrip("0") or "0"] if raw.isascii() and raw.isdigit() else _normalise_number(raw)
        found.extend(values)
        power = _scale(text, match.end()) if len(values) == 1 else 0
        if power:
            found.append(_scaled(values[0], power))
    return found


def spelled_acronyms(text: str) -> list[str]:
    """Acronyms written letter by letter, lower case: capitals with full stops (`U.S.`, `F.B.I.` -> `us`,
    `fbi`) and letter names of another script (`सी.डी.सी.` -> `cdc`, `Би-би-си` -> `bbc`)."""
    return [acronym for acronym, _ in _spelled(text)]


def _spelled(text: str) -> list[tuple[str, str]]:
    """(acronym, as written) of each acronym written letter by letter (see `spelled_acronyms`)."""
    found, covered = [], 0
    for separator in _SEPARATOR_RE.finditer(text):
        start = position = separator.start()
        if position < covered:
            continue
        while start > position - 9 and start and _letter(text[start - 1]):
            start -= 1
        if start == position or start and (_letter(text[start - 1]) or text[start - 1] in _SEPARATORS):
            continue  # no letter before the separator, or a word too long to be a letter's name
        match = _SPELLED_RE.match(text, start)
        if match is None:
            continue
        covered = match.end()
        pieces = _SPLIT_RE.split(match.group())
        written = match.group() + "." * (text[match.end() : match.end() + 1] == ".")  # `U.S.`
        if match.group().isascii():
            if "." in match.group() and all(len(piece) == 1 and piece.isupper() for piece in pieces):
                found.append(("".join(pieces).lower(), written))
            continue
        letters = [_LETTER_NAMES.get("".join(filter(str.isalnum, transliterate(piece).lower()))) for piece in pieces]
        if all(letters):
            found.append(("".join(letters), written))
    return found


def _letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char)[0] == "M"


def _new_word_forms(token: str) -> tuple[str, str, str, int]:
    """Transliterated lower-case form, stem feature, skeleton and case of one token.

    Case is 1 (capitalised), -1 (lower case), 0 (a script without case), `_BOUNDARY` for punctuation
    that ends a sentence or `_HAN_RUN`. Forms shorter than two letters come back empty.
    """
    if not token[0].isalpha() and not unicodedata.category(token[0]).startswith("M"):
        return "", "", "", _BOUNDARY
    if _HAN_RE.match(token):
        return "", "", "", _HAN_RUN
    latin = token.lower() if token.isascii() else transliterate(token).lower()
    latin = "".join(ch for ch in latin if ch.isalnum())
    if len(latin) < 2:
        return "", "", "", -1
    first = token[0]
    case = 1 if first.isupper() else -1 if first.islower() else 0
    # Arabic script writes long vowels with waw and ya (`بوتين` -> `bwtyn`): they are not consonants there.
    if _ARABIC_RE.match(token):  # the article al- is written joined to its word
        bare = transliterate(token[2:]).lower() if token.startswith("\u0627\u0644") and len(token) > 4 else latin
        skel = skeleton("".join(ch for ch in bare if ch.isalnum() and ch not in "wy"))
    else:
        skel = skeleton(latin)
    stem = "g:" + skel[:STEM_CONSONANTS] if len(latin) >= MIN_STEM_WORD and len(skel) >= 2 else ""
    return latin, stem, skel, case


_WORD_FORMS: Memo[str, tuple[str, str, str, int]] = Memo(_new_word_forms, _WORD_CACHE_SIZE)


def _liquid_skeletons(latin: str) -> set[str]:
    """The skeletons of a kana or Hangul name read with each of its first r as r or as l: these
    scripts write both with one letter (ベルリン, berurin: Berlin `prln`; メルケル, merukeru: Merkel)."""
    parts = latin.split("r", _LIQUID_VARIANTS)
    forms = [parts[0]]
    for part in parts[1:]:
        forms = [form + liquid + part for form in forms for liquid in "rl"]
    return {skeleton(form) for form in forms}


def stem_features(word: str) -> list[str]:
    """The stem features one word gives an article (`g:` and its first consonants; a Han run's character
    pairs), whatever its script: a translation's stem meets the articles written in its language."""
    found = []
    for token in _WORD_RE.findall(word):
        _, stem, _, case = _WORD_FORMS[token]
        if case == _HAN_RUN:
            found += ["g:" + token[i : i + 2] for i in range(max(1, len(token) - 1))]
        elif stem:
            found.append(stem)
    return found


def _damping(weight: float) -> Memo[float, float]:
    """Count -> `weight` times the damped count."""
    return Memo(lambda count: weight if count == 1.0 else weight * (1.0 + math.log(count)), _WORD_CACHE_SIZE)


_DAMPED = {kind: _damping(weight) for kind, weight in KIND_WEIGHTS.items()}


def _weighted(counts: dict[str, float], kind: str, into: dict[str, float]) -> None:
    """Add `counts` to `into` as kind weight times a damped count."""
    into.update(zip(counts, map(_DAMPED[kind].__getitem__, counts.values())))


def extract_features(title: str, text: str, lang: str) -> dict[str, float]:
    """Return the features of an article with their weights (kind weight times a damped count).

    Names are capitalised words never seen in lower case in the article, and not only at the start
    of sentences; in scripts without case every word may be one. `lang` is not used: no rule may
    depend on the language.
    """
    del lang
    number_counts: dict[str, float] = {}
    stem_counts: dict[str, float] = {}
    name_counts: dict[str, float] = {}
    lower_forms: set[str] = set()
    mid_sentence: set[str] = set()
    name_skeletons: dict[str, str] = {}
    caseless: set[str] = set()
    liquid: set[str] = set()  # names written in kana or Hangul, whose r may stand for l
    acronyms: set[str] = set()  # names whatever else the article writes in lower case (`U.S.` and `us`)
    for boost, part in ((2.0, title), (1.0, text)):
        for number in numbers(part):
            if "." in number or len(number) > 1:
                number_counts["n:" + number] = number_counts.get("n:" + number, 0.0) + boost
        for acronym in spelled_acronyms(part) if "." in part or "-" in part else ():
            name_counts[acronym] = name_counts.get(acronym, 0.0) + boost
            name_skeletons[acronym] = skeleton(acronym)
            acronyms.add(acronym)
        tokens = _TOKEN_RE.findall(part)
        counts = Counter(tokens)  # each distinct token once, in order of first appearance
        forms = list(map(_WORD_FORMS.__getitem__, counts))
        boundaries = {token for token, form in zip(counts, forms) if form[3] == _BOUNDARY}
        # Tokens that start a sentence: the first, and each right after punctuation that ends one.
        initial = Counter(compress(tokens, chain((True,), map(boundaries.__contains__, tokens))))
        for (token, count), (latin, stem, skel, case) in zip(counts.items(), forms):
            if case == _BOUNDARY:
                continue
            if case == _HAN_RUN:
                for pair in {token[i : i + 2] for i in range(max(1, len(token) - 1))}:
                    stem_counts["g:" + pair] = stem_counts.get("g:" + pair, 0.0) + boost * count
                continue
            weight = boost * count
            if stem:
                stem_counts[stem] = stem_counts.get(stem, 0.0) + weight
            if latin:
                if case < 0:
                    lower_forms.add(latin)
                else:
                    name_counts[latin] = name_counts.get(latin, 0.0) + weight
                    name_skeletons[latin] = skel
                    if case == 0:
                        caseless.add(latin)
                        if "r" in latin and _ONE_LIQUID_RE.match(token):
                            liquid.add(latin)
                    if case == 0 or count > initial[token]:  # seen once not at a sentence start
                        mid_sentence.add(latin)
    features: dict[str, float] = {}
    _weighted(number_counts, "n", features)
    _weighted(stem_counts, "g", features)
    names = {
        latin: count for latin, count in name_counts.items()
        if latin in acronyms or latin in mid_sentence and latin not in lower_forms
    }
    _weighted({"name:" + latin: count for latin, count in names.items()}, "name", features)
    skeletons: dict[str, float] = {}
    for latin, count in names.items():
        for skel in _liquid_skeletons(latin) if latin in liquid else (name_skeletons[latin],):
            if len(skel) >= 2:
                skeletons["sk:" + skel] = skeletons.get("sk:" + skel, 0.0) + count
    _weighted(skeletons, "sk", features)
    for latin in caseless & names.keys():  # in a script without case any word may be a name: weigh it less
        features["name:" + latin] *= CASELESS_NAME_SHARE
    return features


def clear_caches() -> None:
    """Forget the transliteration cache (for benchmarks that time a cold start)."""
    _WORD_FORMS.clear()


def paragraph_anchors(paragraphs: list[str]) -> list[set[str]]:
    """Numbers, name skeletons and word stems of each paragraph; names are decided over all of them.

    Skeletons let `Poutine` in one paragraph meet `Putin` in its translation.
    """
    article = extract_features("", "\n".join(paragraphs), "")
    names = {feature[5:] for feature in article if feature.startswith("name:")}
    found = []
    for paragraph in paragraphs:
        anchors = {"n:" + number for number in numbers(paragraph) if "." in number or len(number) > 1}
        for token in _WORD_RE.findall(paragraph):
            latin, stem, skel, _ = _WORD_FORMS[token]
            if latin in names and len(skel) >= 2:
                anchors.add("sk:" + skel)
            if stem and len(latin) > MIN_STEM_WORD:
                anchors.add(stem)
        found.append(anchors)
    return found


def _reason(count: int, noun: str, plural: str, shown: list[str]) -> str:
    more = ", …" if count > len(shown) else ""
    return f"{count} shared {noun if count == 1 else plural}: {', '.join(shown)}{more}"


def name_spellings(title: str, text: str) -> dict[str, str]:
    """How the article itself writes each of its names: the transliterated form of a name feature ->
    the first word written so (`strobele` -> `Ströbele`, `us` -> `US`); an acronym spelt letter by
    letter as written (`cdc` -> `सी.डी.सी.`)."""
    spelled: dict[str, str] = {}
    for part in (title, text):
        for acronym, written in _spelled(part):
            spelled.setdefault(acronym, written)
        for token in dict.fromkeys(_TOKEN_RE.findall(part)):
            latin, _, _, case = _WORD_FORMS[token]
            if latin and case in (0, 1):
                spelled.setdefault(latin, token)
    return spelled


def reasons(features: dict[str, float], other: dict[str, float], spelled: Mapping[str, str] | None = None,
            other_spelled: Mapping[str, str] | None = None, translated: Mapping[str, str] | None = None) -> list[str]:
    """Short sentences naming the strongest evidence two articles share: names, numbers, spellings, words
    in translation. Names are shown as the articles write them (`spelled`, `other_spelled`: see
    `name_spellings`); `translated`: the first article's translated stem features, strongest first, each
    with the translation that gave it (see `related.translated`)."""
    ours, theirs = spelled or {}, other_spelled or {}
    shared = {f: w * other[f] for f, w in features.items() if f in other}
    strongest = sorted(shared, key=shared.__getitem__, reverse=True)
    shared_names = [ours.get(f[5:]) or theirs.get(f[5:]) or f[5:].capitalize()
                    for f in strongest if f.startswith("name:")]
    shared_numbers = [f[2:] for f in strongest if f.startswith("n:")]
    found = []
    if shared_names:
        found.append(_reason(len(shared_names), "name", "names", shared_names[:REASON_ITEMS]))
    if shared_numbers:
        found.append(_reason(len(shared_numbers), "number", "numbers", shared_numbers[:REASON_ITEMS]))
    other_names: dict[str, str] = {}
    for feature in other:
        if feature.startswith("name:") and feature not in shared:
            other_names.setdefault(skeleton(feature[5:]), feature[5:])
    variants: list[str] = []
    for feature in features:
        if feature.startswith("name:") and feature not in shared:
            name = feature[5:]
            match = other_names.get(skeleton(name))
            if match and len(name) > 3 and SequenceMatcher(None, name, match).ratio() >= VARIANT_SIMILARITY:
                variants.append(f"{ours.get(name) or name.capitalize()} ~ {theirs.get(match) or match.capitalize()}")
    if variants:
        shown = variants[:REASON_ITEMS]
        found.append(_reason(len(variants), "name spelt differently", "names spelt differently", shown))
    stems = sum(1 for f in shared if f.startswith("g:"))
    if stems:
        found.append(f"{stems} shared word stem{'' if stems == 1 else 's'}")
    in_translation = [shown for f, shown in (translated or {}).items() if f in other and f not in features]
    if in_translation:
        found.append(_reason(len(in_translation), "word in translation", "words in translation",
                             in_translation[:REASON_ITEMS]))
    return found

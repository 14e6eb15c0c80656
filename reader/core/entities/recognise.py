"""Named entities in article text: gazetteer matches plus automatic finds (names, money, percentages, dates)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from reader.core.entities.spans import NAME_KINDS, Span, normalise_name
from reader.core.entities.world_names import (
    BIG_CITY,
    COUNTRY,
    FAMILY,
    GIVEN,
    LANGUAGE,
    LEGAL_FORM,
    ORGANISATION,
    REGION,
    Known,
    lookup,
    place_key,
)
from reader.core.text import TOKEN_RE, find_word, fold

if TYPE_CHECKING:
    from reader.core.entities.gazetteer import Gazetteer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _alt(words: Sequence[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s") for w in sorted(set(words), key=len, reverse=True))


def _with_capitals(words: str) -> list[str]:
    return [form for word in words.split() for form in (word, word[:1].upper() + word[1:])]


# --- lexicon --------------------------------------------------------------------------------------------
_SCALE_WORDS = (
    "thousand million millions billion billions trillion mille milliard milliards Mio. Mrd. Mio Mrd Million "
    "Millionen Milliarde Milliarden Tausend Billionen millón millones mil milione milioni miliardo miliardi "
    "тыс. тысяч тысячи тысяча млн млн. млрд млрд. миллион миллиона миллионов миллиард миллиарда миллиардов"
).split()
_CURRENCY_NAMES = _with_capitals(
    "dollar dollars euro euros pound pounds sterling livre livres yen yuan renminbi franc francs rouble roubles ruble "
    "rubles rupee rupees bucks cents cent centimes dólar dólares libras dollari sterline рубль рубля рублей доллар "
    "доллара долларов евро фунт фунта фунтов юань юаня юаней"
) + "Pfund Franken Rubel US-Dollar USD EUR GBP CHF JPY CNY RUB".split()
_PERCENT_NAMES = ("per cent|percent|pour cent|pourcent|Prozent|por ciento|per cento|процент|процента|процентов|"
                  "percentage points|percentage point|points de pourcentage|Prozentpunkte|Prozentpunkten").split("|")
_UNITS = _alt(
    "km/h km² km2 m² m³ mph km cm mm m kg mg g t kt Mt l ml hl kWh MWh GWh TWh kW MW GW W kV Hz MHz GHz ha °C °F "
    "metres meters metre meter mètres mètre kilometres kilometers kilometre kilometer kilomètres kilomètre miles mile "
    "feet foot inches inch tonnes tonne tons ton kilograms kilogrammes kilos kilo grams grammes gram litres liters "
    "litre liter gallons gallon barrels barrel barils baril hectares hectare acres degrees degrés degré knots nœuds "
    "Meter Metern Kilometer Kilometern Kilogramm Gramm Tonnen Tonne Liter Litern Hektar Grad Knoten Megawatt "
    "metros kilómetros toneladas litros metri chilometri tonnellate litri км м кг т тонн тонны тонна метров метра "
    "километров километра литров баррелей гектаров градусов".split()
)
_NUMBER_WORDS = _words(
    "a an one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "several un une deux trois quatre cinq six sept huit neuf dix douze quinze vingt trente cinquante cent "
    "plusieurs ein eine einer einem einen zwei drei vier fünf sechs sieben acht neun zehn zwölf zwanzig dreißig "
    "fünfzig hundert mehrere uno una dos tres cuatro cinco diez cien due tre quattro cinque dieci cento "
    "один одна два две три четыре пять десять сто несколько"
)
_MONTHS = _words(
    "January February March April May June July August September October November December "
    "Januar Jänner Februar März Mai Juni Juli Oktober Dezember "
    + " ".join(_with_capitals(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre "
        "gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre "
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
        "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь "
        "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре"))
)
_WEEKDAYS = _words(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Montag Dienstag Mittwoch Donnerstag Freitag Samstag "
    "Sonntag Sonnabend "
    + " ".join(_with_capitals(
        "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo "
        "lunedì martedì mercoledì giovedì venerdì sabato domenica понедельник вторник среда среду четверг "
        "пятница пятницу суббота субботу воскресенье"))
)

# --- numbers, money, percentages, quantities, dates -----------------------------------------------------
_NUM = r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*"
_SCALES = _alt(_SCALE_WORDS)
_CURRENCIES = _alt(_CURRENCY_NAMES + list("$€£¥₽₹"))
_PERCENTS = _alt(_PERCENT_NAMES + ["%", "‰"])
_NUMBER_RE = re.compile(
    rf"\d(?<![\w.,]\d)\d*(?:[.,]\d+|[ \u00a0\u202f]\d{{3}}(?!\d))*(?:\s?(?:-|–|à|to|bis|a|до)\s?{_NUM})?(?:"
    rf"(?P<percent>\s?(?:{_PERCENTS}))"
    rf"|(?P<money>(?:[\s-](?:{_SCALES})(?:\s(?:{_SCALES}))?)?(?:\s(?:de|of|di)\s|\sd['’]|\s?)(?:{_CURRENCIES}))"
    rf"|(?P<quantity>(?:[\s-](?:{_SCALES}))?(?:\s(?:de|of)\s|\sd['’]|[\s-]?)(?:{_UNITS})"
    r"(?:\s(?:per|a|par|pro|в)\s(?:day|jour|Tag|year|an|Jahr|hour|heure|Stunde|сутки|год))?)"
    r")(?![\w$€£¥₽₹%])"
)
_SYMBOL_MONEY_RE = re.compile(
    rf"(?<![\w$€£¥₽₹])(?:(?:US|C|A|AU|NZ|HK|S)?[$€£¥₽₹]|(?:USD|EUR|GBP|CHF|JPY|CNY|RUB)\s)\s?{_NUM}"
    rf"(?:\s(?:{_SCALES})|(?:m|bn|mn|k|tn)(?!\w))?(?!\w)"
)
_NUMBER_WORD_ALT = _alt(list(_NUMBER_WORDS) + [w.capitalize() for w in _NUMBER_WORDS])
_WORD_AMOUNT_RE = re.compile(
    rf"(?<!\w)(?:{_NUMBER_WORD_ALT})(?:[\s-](?:{_NUMBER_WORD_ALT}))*"
    rf"(?:\s(?:bis|à|to|a|-|до)\s(?:{_NUMBER_WORD_ALT}))?"
    rf"(?:(?P<percent>\s(?:{_alt(_PERCENT_NAMES)}))"
    rf"|(?P<money>(?:\s(?:{_SCALES}))*(?:\s(?:de|of|di)\s|\sd['’]|\s)(?:{_alt(_CURRENCY_NAMES)})))(?!\w)"
)
# Words that end an amount written in words (`two million`, `trois milliards d'euros`), as TOKEN_RE cuts them.
_AMOUNT_TRIGGERS = frozenset(filter(re.compile(r"\w+").fullmatch, (w.split()[-1].rstrip(".") for w in (
    *_SCALE_WORDS, *_CURRENCY_NAMES, *_PERCENT_NAMES))))
_WEEKDAY_ALT = _alt(list(_WEEKDAYS))
_DAY_BEFORE_RE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY_ALT}),?\s+)?(?:(?:le|la|el|il|den|dem|am|the)\s+)?(?P<day>\d{{1,2}})"
    r"(?:er|st|nd|rd|th|\.|º)?(?:\s+(?:de|of|di))?\s+$"
)
_WEEKDAY_BEFORE_RE = re.compile(rf"(?P<weekday>{_WEEKDAY_ALT}),?\s+$")
_DAY_YEAR_AFTER_RE = re.compile(
    r"(?P<day>\s+\d{1,2}(?:st|nd|rd|th)?(?![\d.,]\d))?"
    r"(?P<year>,?\s+(?:de\s+|del\s+)?[12]\d{3}(?!\d)(?:\s?г\.|\sгода)?)?"
)
_MONTH_CONTEXT_RE = re.compile(
    r"(?:\b(?P<qualifier>early|late|mid|début|fin|mi|Anfang|Mitte|Ende|inicios|finales|inizio|fine|начале|конце)[\s-]+"
    r"|\b(?:in|im|since|until|by|from|during|of|en|depuis|jusqu'en|de|d'|dès|seit|bis|vom|ab|zum|desde|hasta|di|"
    r"nel|в|во|с|до|к)\s+)$",
    re.IGNORECASE,
)
_NUMERIC_DATE_RE = re.compile(r"\d\d?\d?\d?([./-])[01]?\d\1\d\d\d?\d?")
_NUMERIC_DATE_SHAPE_RE = re.compile(r"[12]\d{3}-[01]\d-[0-3]\d|[0-3]?\d([./])[01]?\d\1[12]\d{3}")

# --- names ----------------------------------------------------------------------------------------------
# Capital letters: Latin (Latin Extended-A interleaves capitals and small letters: `Ł`, `ł`, `Œ`, `œ`),
# Cyrillic and Greek.
_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(filter(str.isupper, map(chr, range(0x100, 0x180)))) + "А-ЯЁЀ-ЏΑ-Ω"
# A capitalised word after a non-word character or a French elision (l', d', qu'), without a possessive 's.
_NAME_TOKEN_RE = re.compile(
    rf"[{_UPPER}](?:(?<=(?<![\w-])[lLdDjJmMnNsStTcC]['’].)|(?<=(?<![\w-])[Qq]u['’].)|(?<![\w'’-].))"
    rf"(?!(?<=[LDJMNSTC])['’]|(?<=Q)u['’])(?:\.(?:[{_UPPER}]\.)+|\w*(?:[-&]\w+|['’](?!s(?!\w))\w+)*)(?![\w-])"
)
# An Arabic family name after its article, written in small letters (`Noury al-Maliki`, `el-Sisi`).
_ARTICLE_NAME_RE = re.compile(rf"(?<![\w'’-])(?:al|el|ad|as|ash|at|az|ar|an)-[{_UPPER}]\w+(?![\w-])")
_SENTENCE_MARK_RE = re.compile(r"[.!?:;…\n][\s\"'“”„«»‘’(\[\-–—]*")
_ABBREVIATIONS = _words("Mr Mrs Ms Dr St Mme Mlle Jr Sr No Nr Prof Gen")
_CONNECTOR_GAP_RE = re.compile(r" (?:[a-zäöüß]+ ){1,2}")
_PARTICLES = _words("de du des di da del della dos von van der den ter zu al bin ibn ben")
_GERMAN_WORDS = _words("von zu der den des")  # particles that German text uses as ordinary words
_LINKS = _words("of the for für de du des der la le di del y")
_AND_GAPS = frozenset((" and ", " et ", " und ", " y ", " e ", " и ", " і "))
_STOP = _words(
    "The A An This That These Those It Its He She They We I You His Her Their Our My Your In On At By For From "
    "With Without Of To As And But Or If When While After Before Since Because Although However Moreover "
    "Meanwhile Despite According Asked Some Many Most All One Two Three There Here What Who Which Why How Where So "
    "Such Each Every Other Another No Not Yes Also Even Still Then Thus Now Yet Only Just Both Under Over During "
    "Le La Les L Un Une Des Du De Dans Pour Par Sur Avec Sans Selon Mais Et Ou Il Elle Ils Elles Nous Vous On Ce "
    "Cet Cette Ces Son Sa Ses Leur Leurs Au Aux En À A Après Avant Depuis Pendant Comme Si Quand Lorsque Cependant "
    "Parmi Plus Moins Tous Tout Toute Toutes Chez Entre Vers Contre Cela Ceci Ainsi Enfin Aussi Alors Or Donc Pour "
    "Der Die Das Den Dem Des Ein Eine Einen Einem Einer Eines Im Am Um Zum Zur Vom Beim Auf Aus Bei Mit Nach Seit "
    "Von Vor Zu Für Über Unter Durch Gegen Ohne Und Oder Aber Doch Denn Wenn Als Wie Dass Er Sie Es Wir Ihr Ich "
    "Man Dies Diese Dieser Dieses Auch Noch Nur Schon So Da Dann Hier Dort Neben Dank Bereits Zwar Jedoch "
    "El Los Las Una Con Por Para Del Al Y Pero Lo Gli Di Da Per Che E Questo Questa "
    "В На По Он Она Они Это Этот Эта Как Но И А Что Для С К О Из При После До Мы Также Однако "
    "Given Thanks Following Including Unlike Like Among Amid Across Against Let Please Photo Read Source Copyright "
    "Yesterday Today Tomorrow Last Next Earlier Later Once Whether Instead Overall Indeed Perhaps "
    "Pourtant Toutefois Néanmoins Ensuite Puis Hier Aujourd Demain Désormais Malgré Grâce Lors Dès "
    "Je Tu Oui Non Pourquoi Comment Qui Que Quoi Aucun Aucune Maintenant Merci Voici Voilà Ici Chaque Certains "
    "Notre Nos Votre Vos Mon Ma Mes Ton Ta Tes Eh Ah Oh "
    "Während Nachdem Obwohl Weil Damit Bevor Sobald Seitdem Falls Trotz Laut Gemäß Wegen Außerdem Deshalb Daher "
    "Dennoch Trotzdem Inzwischen Heute Gestern Morgen Jetzt Nun Zudem Allerdings Stattdessen Viele Einige Jetzt "
    "Вчера Сегодня Теперь Кроме Пока Если Когда Хотя Поэтому За Об От Под Над Без Через Про Во Со Ко У Из-за "
    "Все Его Ее Их Там Тогда Так Уже Еще Ещё Лишь Только Эти Этих Этим Тот Та Те То Того Той Тем Более Менее "
    "Помимо Раньше Ранее Порой Затем Потом Позже Сейчас Между Среди Около Почти Даже Несмотря Вместе Впрочем "
    "Причем Кстати Возможно Конечно Наконец Сначала Кто Где Почему Зачем Каждый Многие Некоторые Несколько Всего "
    "Весь Вся Всех Ведь Вот Именно Здесь Сам Сама Сами Ни Не Нет Да Ну Чтобы Будет Был Была Были Было Может "
    "Можно Нужно Надо"
)
_NEVER_NAMES = _words(
    "American Americans British Chinese Russian Russians French German Germans Ukrainian Ukrainians European "
    "Europeans Western Eastern Northern Southern Soviet Dutch Greek Swiss Arab Arabs Iraqi Iranian Israeli "
    "Israelis Palestinian Palestinians Pakistani Afghan Turkish Polish Irish Scottish Welsh English Spanish "
    "Italian Japanese Korean Indian Canadian Mexican Brazilian African Asian Australian Belgian Syrian Egyptian "
    "Saudi Kurdish Muslim Muslims Jewish Catholic Republican Republicans Democrat Democrats "
    "Democratic Libertarians Internet Halloween Christmas Easter Web CEO CFO DNA ADN GPS TV PC PCs GDP PIB BIP AI IT "
    "OK PDF USB SMS CD DVD PR VIP SUV OPA CGT I No Nr Ende Anfang Mitte"
)
_TITLES = _words(
    "president minister secretary spokesman spokeswoman spokesperson chancellor senator governor mayor general gen "
    "admiral colonel sheriff judge king queen prince princess pope premier ambassador chairman ceo mr mrs ms dr "
    "prof professor sir lord lady m mm mme mlle président présidente ministre député sénateur maire porte-parole "
    "juge roi reine herr frau professorin doktor präsident präsidentin kanzler kanzlerin bundeskanzler "
    "bundeskanzlerin ministerin "
    "bürgermeister schatzkanzler geschäftsführer vorsitzende sprecher sprecherin presidente ministro señor sr "
    "signor rep sen gov президент министр премьер глава генерал мэр vice-president vice-président "
    "defender striker midfielder goalkeeper keeper forward coach manager captain skipper batsman bowler "
    "wicketkeeper opener champion leader chief director executive analyst economist lawyer attorney "
    "official founder chairwoman actor actress singer player rider driver teammate candidate "
    "entraîneur attaquant défenseur gardien capitaine avocat directeur patron chef joueur candidat "
    "trainer stürmer verteidiger torhüter kapitän anwalt politiker experte chef direktor spieler "
    "тренер нападающий защитник капитан адвокат директор депутат губернатор посол "
    "baron baroness pastor pfarrer pfarrerin abgeordnete abgeordneter bischof pastorin évêque "
    "sénatrice députée mairesse журналист писатель актер актриса певица певец professeur professeure docteur "
    "docteure профессор доктор"
)
# German roles are compounds (`US-Geheimdienstexperte`, `Ex-Präsident`): a word ending in one is a title too.
_GERMAN_ROLE_ENDINGS = ("experte", "expertin", "politiker", "politikerin", "sprecher", "sprecherin", "minister",
                        "ministerin", "präsident", "präsidentin", "chef", "chefin", "kanzler", "kanzlerin",
                        "anwalt", "anwältin", "trainer", "direktor", "direktorin", "analyst", "analystin",
                        "vorsitzende", "vorsitzender", "kandidat", "kandidatin", "berater", "beraterin",
                        "sekretär", "sekretärin", "botschafter", "botschafterin", "meister", "meisterin",
                        "leiter", "leiterin", "beauftragte", "beauftragter", "vorsteher", "vorsteherin")
_ORG_WORDS = _words(
    "ministry ministère ministerium agency agence agentur organization organisation union party parti partei "
    "council conseil bank banque banca banco forum university université universität universidad institute "
    "institut instituto commission kommission committee comité court cour tribunal gericht parliament parlement "
    "parlament congress congrès kongress senate sénat assembly assemblée association federation fédération "
    "verband league ligue liga exchange bourse börse office department administration service services army "
    "armée armee navy foundation fondation stiftung centre center zentrum club society société gesellschaft "
    "group groupe gruppe grupo holdings holding media médias news times post press presse zeitung journal "
    "tribune herald gazette radio television télévision tv network airlines airways motors motor electronics energy "
    "technologies technology systems industries capital partners fund fonds trust authority autorité behörde "
    "board bureau reserve réserve vereinigung gewerkschaft konzern co corp inc ltd llc plc sa ag gmbh se nv bv "
    "spa srl sarl ooo oao limited incorporated corporation company cie ооо оао зао пао министерство агентство "
    "réseau alliance coalition mouvement movement bewegung église church kirche corte consejo comisión consiglio "
    "commissione chiesa iglesia guard garde "
    "партия банк союз совет служба комитет университет компания корпорация фонд организация управление "
    "общество ассоциация федерация лига клуб академия колледж институт центр конгресс сенат парламент суд "
    "палата комиссия издательство газета телеканал дума администрация прокуратура"
)
# Russian names inflect their head word (`Европейского Союза`, `Организации`): a Cyrillic word is also an
# organisation's head when it is one of these stems with a case ending.
_CYRILLIC_ORG_STEMS = frozenset(word[:-1] if word[-1] in "аяоеёыиуюйь" else word
                                for word in _ORG_WORDS if "\u0400" <= word[0] <= "\u04ff")
_ORG_SUFFIXES = ("ministerium", "bank", "zeitung", "verband", "agentur", "gesellschaft", "partei", "konzern",
                 "behörde", "institut", "kommission", "gericht", "stiftung", "amt", "amtes", "amts", "verein",
                 "vereins")
_PLACE_WORDS = _words(
    "city republic kingdom states island islands street avenue river lake mountains mount bay sea ocean valley palace "
    "palais palast airport aéroport flughafen "
    "county province region oblast square république ville région île îles mer fleuve lac mont rue stadt "
    "republik insel see fluss straße platz república ciudad repubblica область республика город край район"
)
_PLACE_SUFFIXES = ("stan", "shire", "burg", "bourg", "ville", "grad", "hausen", "haven", "ingen", "dorf")
# German streets are one word (`Domgasse`, `Hauptstraße`); the bare `Straße` is the common noun.
_STREET_SUFFIXES = ("straße", "strasse", "gasse", "allee")
# Last words that make a name a place (`Signal Iduna Park`, `Veltins-Arena`), never first (`Park Geun-hye`).
_PLACE_LAST_WORDS = _words("park stadium stadion arena")
# A German noun that says the next name is a place: `US-Bundesstaat Georgia`, `Gemeinde Salem`, `Hauptstadt Kiew`.
_GERMAN_PLACE_HEADS = ("staat", "stadt", "gemeinde", "kreis", "provinz", "region", "insel", "ortsteil", "stadtteil")
# A German noun that says the next name is an organisation's: `Autobauer Volkswagen`, `Chiphersteller Intel`,
# `Fluggesellschaft Lufthansa`, `der Sender CNN` (a compound, or one of the bare words).
_GERMAN_ORG_HEADS = ("hersteller", "bauer", "konzern", "unternehmen", "firma", "gesellschaft", "sender", "verlag",
                     "händler", "anbieter", "betreiber", "zeitung", "magazin", "agentur", "partei", "verein", "bank")
_GERMAN_BARE_ORG_HEADS = _words("konzern unternehmen firma sender verlag zeitung magazin agentur partei verein")
_GERMAN_COMPASS = ("Nord", "Süd", "Ost", "West", "Mittel", "Zentral")  # Nordengland, Ostafrika
_TOPONYM_RE = re.compile(r"(?:Saint|Sainte|Val|San|Santa|Bad)-|-(?:sur|sous|en|lès|le|la|les|de|du|am|an)-|-d['’]")
# Macro-regions no ISO or CLDR list names; countries, regions and cities come from `world_names`.
_KNOWN_PLACES = frozenset(
    "West|Occident|Westen|Middle East|Moyen-Orient|Proche-Orient|Naher Osten|Nahen Osten|Nahost|Gaza|"
    "Ближний Восток|Запад".split("|")
)
_OTHER_WORDS = _words("act acts treaty convention agreement accord loi gesetz plan programme program prize award "
                      "cup coupe games olympics festival summit sommet gipfel war guerre krieg open series slam "
                      "championship championships tournament trophy olympic grand prix")
_SPEECH_VERBS = _words("said says told added explained stated wrote argued insisted claimed admitted noted denied "
                       "warned replied dit déclare déclaré affirme affirmé explique expliqué ajoute ajouté estime "
                       "précise souligne sagte sagt erklärte erklärt betonte betont meinte meint fügte sprach "
                       "gesagt kritisierte сказал заявил сообщил отметил")
_GERMAN_ADJECTIVE_ENDINGS = ("ische", "ischen", "ischer", "liche", "lichen", "licher", "ige", "igen", "iger", "ale",
                             "alen", "aler")
_PLACE_PREPOSITIONS = _words("in at near à en au aux nach aus bei nahe nel в во из")
_GERMAN_NOUN_ENDINGS = ("ung", "ungen", "heit", "keit", "schaft", "tion", "tionen", "tät", "nis", "nisse", "ismus",
                        "ment", "tum", "ling", "chen")
_GERMAN_PHRASES = _words("betrieb höhe kraft frage sachen zukunft richtung ordnung bezug folge form gefahr haft "
                         "sicht kontakt absprache zusammenarbeit bedarf protest preis angaben ansicht auftrag wunsch")
_GENERIC = _ORG_WORDS | _PLACE_WORDS | _words("state état etat staat estado stato government gouvernement regierung")
_ROMANCE = ("fr", "es", "it", "pt", "ca", "ro")
_GERMAN_DETERMINERS = _words(
    "der die das den dem des ein eine einen einem einer eines im am zum zur vom beim kein keine keinen keiner dieser "
    "diese dieses diesem diesen jeder jede jedes jedem jeden alle allen sein seine seiner seinem seinen ihr ihre "
    "ihrer ihrem ihren unser unsere"
)
# A capitalised adjective before a lowercase head names an institution: `Haute cour constitutionnelle`,
# `Grand conseil`, `Nueva corte`.
_ROMANCE_LEADING_ADJECTIVES = _words("haute haut grande grand nouvelle nouveau petite petit sainte saint premier "
                                     "première gran nueva nuevo alta alto")
_ROMANCE_HEAD_AFTER_RE = re.compile(r" (cour|conseil|commission|autorité|assemblée|banque|tribunal|église|corte|"
                                    r"consejo|comisión|consiglio|commissione|banca|banco|chiesa|iglesia)(?=[^\w'’-])")
# A square or street names its place in lower case before the name: `place Tiananmen`, `rue de Rivoli`.
_ROMANCE_LINK_BEFORE = r"(?: de la | de l['’]| des | du | de | d['’]| )$"  # between a lowercase head and its name
_ROMANCE_STREET_BEFORE_RE = re.compile(r"(?<![\w'’-])(?:place|rue|avenue|boulevard|quai|plaza|piazza|calle|via)"
                                       + _ROMANCE_LINK_BEFORE)
_FRENCH_HEAD_BEFORE_RE = re.compile(
    r"(?<!\w)(?:ministère|institut|université|agence|banque|commission|conseil|office|fondation|société|groupe|parti|"
    r"cour|tribunal|musée|hôpital|aéroport|ministerio|instituto|universidad|ministero|istituto|università)"
    + _ROMANCE_LINK_BEFORE
)
_FRENCH_ADJECTIVE_RE = re.compile(
    r" (?:[a-zéèêàâîôûç]+(?:ale?s?|aux|iennes?|éennes?|éens?|iens?|aises?|ais|oises?|ois|iques?|elles?|ées?|ères?"
    r"|ifs?|ives?|aires?|istes?)|suprêmes?)(?=[^\w'’-])"
)
_FRENCH_COMPLEMENT_RE = re.compile(r" (?:de la |de l['’]|du |des |de |d['’])[a-zéèêëàâîïôûùç]{4,}(?=[^\w'’-])")
_FRENCH_NAMED_COMPLEMENT_RE = re.compile(r" (?:de la |de l['’]|du |des |de |d['’])[A-ZÀ-Ö][\w'’-]*(?=[^\w'’-]|$)")
# A German organisation's complement: `Organisation für das Verbot chemischer Waffen`, `Bundesamt für
# Verfassungsschutz und Terrorismusbekämpfung`, `Institut für Sicherheitsstudien`.
_GERMAN_NOUN = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜa-zäöüß]+)*"
_GERMAN_MORE = rf"(?: (?:und|der|des) {_GERMAN_NOUN}| [a-zäöüß]+(?:er|en|es) {_GERMAN_NOUN})"
_GERMAN_COMPLEMENT_RE = re.compile(
    rf" für (?:(?:den|die|das|der|dem) )?(?:[a-zäöüß]+(?:e|en|er|es) )?{_GERMAN_NOUN}{_GERMAN_MORE}{{0,2}}"
    r"(?=[^\w'’-]|$)"
)
_GERMAN_MORE_RE = re.compile(rf"{_GERMAN_MORE}{{1,2}}(?=[^\w'’-]|$)")  # after `Bundesamt für Verfassungsschutz`
_COMPASS_RE = re.compile(r" (?:(?:occidental|oriental|septentrional|méridional|central)(?:e|es|aux)?|"
                         r"(?:du (?:[Ss]ud|[Nn]ord)|de l['’](?:[Ee]st|[Oo]uest))(?:-(?:est|ouest))?)(?=[^\w'’-])")
# a compass adjective before a place, in any case: Northern Europe, Северной Европы, Північної Європи
_COMPASS_BEFORE_RE = re.compile(r"(?:(?:north|south|east|west)(?:ern)?|central|северн|южн|западн|восточн|центральн"
                                r"|північн|південн|західн|східн)\w*$", re.IGNORECASE)
# Russian and Ukrainian capitalise only the first word of a descriptive name: a capitalised adjective, up to
# two lowercase ones and a lowercase head noun that says what it names (`Тюменской области`, `Ялуторовского
# автомобильного завода`, `Київської області`), with an acronym after it (`Геологической службы США`); or a
# street's lowercase head before its name (`улице Взлетной`).
_SLAVIC = ("ru", "uk", "be")
_SLAVIC_ENDINGS = r"(?:[ыиоея]й|[ая]я|[ое]е|[ыи]е|[оеё]го|[оеё]му|[ыиое]м|[ую]ю|[ыи]х|[ыи]ми|ої|ій|ім|ою)"
_SLAVIC_ADJECTIVE_RE = re.compile(_SLAVIC_ENDINGS + "$")
_SLAVIC_PLACE_HEADS = ("област", "район", "кра[йяюе]", "мор(?:е|я|ю|ем)", "океан", "залив", "озер", "рек[аиеуо]",
                       "остров", "полуостров", "пролив", "улиц", "вулиц", "проспект", "площад", "переул",
                       "набережн", "бульвар", "округ", "республик", "губерни", "кабинет", "пустын", "долин")
_SLAVIC_ORG_HEADS = ("служб", "управлени", "управлінн", "завод", "фабрик", "комбинат", "компани", "компані",
                     "корпораци", "обществ", "товариств", "ассоциаци", "асоціаці", "комитет", "комітет",
                     "министерств", "міністерств", "ведомств", "парти", "парті", "союз", "банк", "университет",
                     "університет", "институт", "інститут", "академи", "академі", "суд", "совет", "палат",
                     "фонд", "агентств", "дом[ауе]?", "клуб", "дум", "собрани", "церкв", "церков", "больниц",
                     "лікарн", "театр", "музе", "федераци", "федераці", "лиг", "сборн", "збірн")
_SLAVIC_HEAD_AFTER_RE = re.compile(
    rf"(?: [а-яёіїєґ'’]+{_SLAVIC_ENDINGS}){{0,2}}"
    rf" (?:(?P<place>{'|'.join(_SLAVIC_PLACE_HEADS)})|(?P<organisation>{'|'.join(_SLAVIC_ORG_HEADS)}))"
    r"[а-яёіїєґ]*(?: [А-ЯЁІЇЄҐ]{2,6}(?![\w-]))?(?![\w-])")
_SLAVIC_HEAD_BEFORE_RE = re.compile(r"(?<![\w-])(?:улиц|вулиц|проспект|переул|площад|бульвар)[а-яёіїєґ]* $")
_CYRILLIC_ENDING_RE = re.compile(r"(?:ого|ому|ыми|ими|ой|ая|ый|ий|ым|им|ом|ою|ей|ую|ы|и|а|я|у|ю|е|о)$")
_LOWER_AFTER_HYPHEN_RE = re.compile(r"-[a-zäöüß]")
_MAX_NAME_WORDS = 8
_MAX_JOIN_GAP = 12  # characters between two words of one name (`Banque de France`), at most
_NAME_GAPS = frozenset((" ", "\u00a0", " & "))
_OPENERS = " \t\"'“”„«»‘’([-–—"
_MONEY_HINTS = ("$", "€", "£", "¥", "₽", "₹", "USD", "EUR", "GBP", "CHF", "JPY", "CNY", "RUB")
_NUMBER_WORDS_ANY_CASE = _NUMBER_WORDS | frozenset(word.capitalize() for word in _NUMBER_WORDS)
_NOT_NAME_TOKENS = (_MONTHS | _WEEKDAYS | _NUMBER_WORDS_ANY_CASE | frozenset(_SCALE_WORDS) | frozenset(_CURRENCY_NAMES)
                    | frozenset(_PERCENT_NAMES) | _words("Meter Metern Kilometer Tonnen Tonne Liter GMT UTC")
                    | _words("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
                    | _words("janv févr avr juil sept oct déc Okt Dez"))
_Token = tuple[int, int, str]
_INITIAL_RE = re.compile(rf"[{_UPPER}]\. [{_UPPER}][a-zà-ÿ]")  # A. Parore: an initial, not the article
# Russian family names in any case: Иванов, Иванова, Ивановым, Толстого, Достоевский, Достоевскому.
_RUSSIAN_SURNAME_RE = re.compile(r"[а-яё](?:[оеё]в|[иы]н)(?:а|у|ым|ой|е|ым|ою)?$|[сц]к(?:ий|ая|ого|ому|им|ой)$")
# A score after a town's name makes it a team (Leeds 1 Newcastle 2), never a dateline's date or a year.
_SCORE_RE = re.compile(r" \d{1,3}(?![\d.:/-]?\d)(?! ?(?:%|[a-z]))")


def recognise(text: str, lang: str, gazetteer: Gazetteer | None = None,
              words: set[str] | None = None) -> list[Span]:
    """Entities in `text`, sorted and non-overlapping. `words`: the set of its `TOKEN_RE` words, when
    the caller has them.

    Gazetteer matches win over automatic finds; among automatic finds numbers and dates win over names,
    then the longest.
    """
    candidates = gazetteer.match(text) if gazetteer is not None else []
    candidates += _recognise_automatic(text, lang, set(TOKEN_RE.findall(text)) if words is None else words)
    candidates.sort(key=lambda s: (s.source != "gazetteer", s.type in NAME_KINDS, s.start - s.end, s.start))
    taken = bytearray(len(text) + 1)
    chosen: list[Span] = []
    for span in candidates:
        if span.end > span.start and taken.find(1, span.start, span.end) == -1:
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
    chosen.sort(key=lambda span: span.start)
    return chosen


def _auto(text: str, start: int, end: int, kind: str) -> Span:
    return Span(start, end, text[start:end], kind, None, "automatic")


def _recognise_automatic(text: str, lang: str, words: set[str]) -> list[Span]:
    spans: list[Span] = []
    for match in _NUMBER_RE.finditer(text):
        kind = "percent" if match.group("percent") else "money" if match.group("money") else "quantity"
        start = match.start()
        if kind == "percent" and start and text[start - 1] in "-+−±" and (start < 2 or not text[start - 2].isalnum()):
            start -= 1
        spans.append(_auto(text, start, match.end(), kind))
    if any(hint in text for hint in _MONEY_HINTS):
        spans += [_auto(text, m.start(), m.end(), "money") for m in _SYMBOL_MONEY_RE.finditer(text)]
    spans += [_auto(text, *m.span(), "date") for m in _NUMERIC_DATE_RE.finditer(text) if _is_numeric_date(text, m)]
    triggers = words & _AMOUNT_TRIGGERS
    if triggers and not words.isdisjoint(_NUMBER_WORDS_ANY_CASE):
        found = set()
        for start, end in _whole_words(text, triggers):
            for match in _WORD_AMOUNT_RE.finditer(text, max(0, start - 60), end + 30):
                found.add((match.start(), match.end(), "percent" if match.group("percent") else "money"))
        spans += [_auto(text, *item) for item in found]
    for start, end in _whole_words(text, words & _MONTHS):
        if date := _date_around(text, start, end):
            spans.append(date)
    tokens = [(m.start(), m.end(), m.group()) for m in _NAME_TOKEN_RE.finditer(text)
              if m.group() not in _NOT_NAME_TOKENS or _INITIAL_RE.match(text, m.start())]
    tokens += [(m.start(), m.end(), m.group()) for m in _ARTICLE_NAME_RE.finditer(text)]
    tokens.sort()
    return spans + _find_names(text, lang, tokens, words)


def _whole_words(text: str, words: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Start and end of each occurrence of `words` in `text` as a whole word."""
    for word in words:
        start = find_word(text, word)
        while start >= 0:
            yield start, start + len(word)
            start = find_word(text, word, start + 1)


def _is_numeric_date(text: str, match: re.Match[str]) -> bool:
    """Whether a digits-and-separators match is a whole ISO (2024-05-07) or day.month.year date."""
    value, separator = match.group(), match.group(1)
    start, end = match.span()
    previous, following = text[max(0, start - 1) : start], text[end : end + 2]
    if not _NUMERIC_DATE_SHAPE_RE.fullmatch(value) or previous.isalnum() or previous in (".", ",", "/", "-"):
        return False
    after = following[:1]
    if after.isalnum() or after in ("/", "-") or (after in (".", ",") and following[1:].isdigit()):
        return False
    if separator == "-":
        return True
    day, month = value.split(separator)[:2]
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _date_around(text: str, start: int, end: int) -> Span | None:
    """A date built around the month name at text[start:end], or None when the month stands alone without context."""
    before = text[max(0, start - 40) : start]
    after = _DAY_YEAR_AFTER_RE.match(text, end)
    first, last = start, end
    day = _DAY_BEFORE_RE.search(before)
    if day:
        first = start - len(before) + (day.start("weekday") if day.group("weekday") else day.start("day"))
        if after and after.group("year"):
            last = after.end("year")
    else:
        if after and (after.group("day") or after.group("year")):
            last = after.end()
        weekday = _WEEKDAY_BEFORE_RE.search(before)
        if weekday:
            first = start - len(before) + weekday.start("weekday")
        elif last == end:
            context = _MONTH_CONTEXT_RE.search(before)
            if not context:
                return None
            if context.group("qualifier"):
                first = start - len(before) + context.start("qualifier")
    return _auto(text, first, last, "date")


def _sentence_starts(text: str) -> set[int]:
    """Offsets where sentences (or lines) begin; a full stop after an initial or `Mr` ends none."""
    starts = {len(text) - len(text.lstrip(_OPENERS))}
    for match in _SENTENCE_MARK_RE.finditer(text):
        stop = match.start()
        if text[stop] == "." and stop:
            initial = text[stop - 1].isupper() and (stop < 2 or not text[stop - 2].isalnum())
            if initial or text[max(0, stop - 4) : stop].split(" ")[-1] in _ABBREVIATIONS:
                continue
        starts.add(match.end())
    return starts


def _headline_ranges(text: str) -> list[tuple[int, int]]:
    """Short lines written in English Title Case, where capitals say little about names (a line that is
    mostly known names, as in a list of players and their countries, is no headline)."""
    ranges, start = [], 0
    for line in text.split("\n"):
        if 10 < len(line) <= 150 and line.rstrip()[-1:] != ".":
            words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
            capitalised = [w for w in words if w[0].isupper()]
            if len(words) >= 3 and len(capitalised) >= 0.75 * len(words) and sum(
                    _world(w) is not None for w in capitalised) < 0.5 * len(capitalised):
                ranges.append((start, start + len(line)))
        start += len(line) + 1
    return ranges


@lru_cache(maxsize=20_000)
def _is_title(word: str, lang: str, plural: bool = False) -> bool:
    """Whether a (lowercased) word is a title or role that introduces a person's name (`plural`: or the
    names right after it, `judges`, `juges`)."""
    word = word.rstrip(".")
    if word == "m" and lang != "fr":
        return False  # M. Atherton
    return word in _TITLES or plural and len(word) > 4 and word[-1] == "s" and word[:-1] in _TITLES or (
        lang == "de" and len(word) > 6 and word.endswith(_GERMAN_ROLE_ENDINGS))


_LIST_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*|,")
_LIST_NAMES = 6  # names a list after one title may hold


def _listed_after_title(text: str, start: int, lang: str) -> bool:
    """Whether the name at `start` ends a list of names that a title introduced (`les juges Scalia,
    Thomas, Alito et Kennedy`): names joined by commas and `and`, back to a lowercase title."""
    close = text[max(0, start - 5) : start]  # most names follow no comma or `and`: the regex is spared
    if not (close.endswith(", ") or any(map(close.endswith, _AND_GAPS))):
        return False
    words = _LIST_WORD_RE.findall(text, max(0, start - 40 * _LIST_NAMES), start)
    names = 0
    for word in reversed(words):
        if word == "," or f" {word} " in _AND_GAPS:
            continue
        if not word[0].isupper():
            return names > 0 and _is_title(word.lower(), lang, True)
        names += 1
        if names > _LIST_NAMES:
            return False
    return False


_BEFORE_AND_RE = re.compile(r"([^\W\d_][\w-]*)(?:,| and| et| und| и| y| e) $")
_AND_AFTER_RE = re.compile(r"(?:,| and| et| und| и| y| e) ([^\W\d_][\w-]*)")


def _beside_place(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is listed with a known place (`Hobart und Launceston`)."""
    before = _BEFORE_AND_RE.search(text, max(0, start - 40), start)
    after = _AND_AFTER_RE.match(text, end)
    return any(found and _is_place_name(found.group(1)) for found in (before, after))


def _place_genitive(word: str) -> bool:
    """Whether a German word is a place's genitive (`Deutschlands`, `Chinas`), not a name of its own that
    ends so (`Haas`, not Haa in Bhutan)."""
    return word[-1] == "s" and _is_place_name(word[:-1]) and not _has(word, GIVEN + FAMILY)


@lru_cache(maxsize=100_000)
def _world(name: str) -> Known | None:
    """What the world table knows of a name; an all-capitals word only as a country (`US`, `UAE`)."""
    found = lookup(name)
    if found is not None and name.isupper() and len(name) > 1 and COUNTRY not in found.flags:
        return None
    return found


def _is_place_name(name: str, anyone: bool = False) -> bool:
    """A macro-region, a country, or a region or city of 100,000 people or more that is no person's name
    (`anyone`: or is one too)."""
    found = _world(name)
    return name in _KNOWN_PLACES or found is not None and (found.has(COUNTRY) or found.has(REGION + BIG_CITY)
                                                             and (anyone or not found.person))


def _capital_lines(text: str) -> list[tuple[int, int]]:
    """Lines written in capitals (headlines, datelines, tables), where a capital says nothing of a name."""
    ranges, start = [], 0
    for line in text.split("\n"):
        if sum(word != word.upper() for word in line.split(None, 5)[:5]) < 2:  # mostly capitals: look closer
            words = [word for word in line.split() if any(char.isalpha() for char in word)]
            if words and sum(map(_in_capitals, words)) >= 0.8 * len(words) and max(map(len, words)) > 2:
                ranges.append((start, start + len(line)))
        start += len(line) + 1
    return ranges


def _in_capitals(word: str) -> bool:
    """Whether every letter of `word` is a capital (letters of caseless scripts are not)."""
    return all(char.isupper() for char in word if char.isalpha())


def _capital_names(text: str, caps: list[_Token], seen: set[str], words: set[str]) -> list[list[_Token]]:
    """Names in lines of capitals, title-cased: well-known places (NEW YORK, LONDON 1996-08-22) and words
    seen as names elsewhere in the text; never a word the text also writes in lower case."""
    groups: list[list[_Token]] = []
    for start, end, word in caps:
        token = (start, end, word.title())
        if groups and text[groups[-1][-1][1] : start] == " ":
            groups[-1].append(token)
        else:
            groups.append([token])
    names = []
    for group in groups:
        first = 0
        while first < len(group):
            last = next((last for last in range(len(group), first + 1, -1)
                         if _is_place_name(" ".join(word for _, _, word in group[first:last]), anyone=True)), first + 1)
            token = group[first]
            if last > first + 1 or token[2] not in _STOP and token[2].lower() not in words and (
                    fold(token[2]) in seen or _is_place_name(token[2], anyone=True)):
                names.append(group[first:last])
            first = last
    return names


def _inside(ranges: list[tuple[int, int]], position: int) -> bool:
    return any(first <= position < last for first, last in ranges)


def _discourse_key(word: str) -> str:
    """A name as the rest of its article may write it: a Cyrillic word without its case ending
    (Задорожной, Задорожная: Задорожн)."""
    if len(word) > 5 and _cyrillic_word(word):
        return _CYRILLIC_ENDING_RE.sub("", word) or word
    return word


def _cyrillic_word(word: str) -> bool:
    return "\u0400" <= word[:1] <= "\u04ff"


def _foreign_looking(word: str) -> bool:
    """Whether a capitalised word in German text is unlike a German noun: it ends in a vowel other than
    e or in c (`Obama`, `Osmicic`), or goes on in lower case after a hyphen (`Ki-moon`)."""
    return word[-1] in "aiouyc" and word.lower() not in _GERMAN_DETERMINERS or bool(_LOWER_AFTER_HYPHEN_RE.search(word))


def _is_acronym(word: str) -> bool:
    return word.isupper() and 2 <= len(word.replace(".", "").replace("&", "")) <= 6


def _is_head_word(word: str) -> bool:
    """Words that name what a multi-word name is (`Bank` of ..., `Agentur` für ...)."""
    low = word.lower()
    return _is_org_word(low) or low in _PLACE_WORDS or low in _PLACE_LAST_WORDS


def _is_org_word(low: str) -> bool:
    """Whether a lowercased word says an organisation is named (`bank`, `ministerium`, `bundesamtes`)."""
    return low in _ORG_WORDS or len(low) > 7 and low.endswith(_ORG_SUFFIXES) or _cyrillic_word(low) and any(
        low[: len(low) - cut] in _CYRILLIC_ORG_STEMS for cut in (1, 2) if len(low) - cut >= 3)


def _is_street(low: str) -> bool:
    """Whether a lowercased German word names a street (`domgasse`), not the common noun (`straße`)."""
    return len(low) > 7 and low.endswith(_STREET_SUFFIXES)


def _compass_compound(word: str) -> bool:
    """Whether a German word is a compass point written together with a known place (`Nordengland`)."""
    return any(word.startswith(point) and len(word) > len(point) + 3 and _is_place_name(word[len(point):].title())
               for point in _GERMAN_COMPASS)


def _known_whole(names: list[str]) -> bool:
    """Whether a run of words is a name known as a whole (`Nahen Osten`, `Weißen Hauses`)."""
    joined = " ".join(names)
    return joined in _KNOWN_PLACES or _world(joined) is not None


def _is_org_head(low: str) -> bool:
    """Whether a lowercased German word says that an organisation's name follows (`autobauer`, `konzern`)."""
    return low in _GERMAN_BARE_ORG_HEADS or low.endswith(_GERMAN_ORG_HEADS) and any(
        low.endswith(head) and len(low) > len(head) + 2 for head in _GERMAN_ORG_HEADS)


def _is_place_head(low: str) -> bool:
    """Whether a lowercased German word says that a place's name follows (`us-bundesstaat`, `gemeinde`)."""
    return low.endswith(_GERMAN_PLACE_HEADS)


def _is_abbreviation(word: str) -> bool:
    """An acronym, or a short abbreviation with capitals inside (`VfB`, `TuS`, `SpVgg`): no German noun."""
    return _is_acronym(word) or len(word) <= 5 and sum(map(str.isupper, word)) >= 2


def _and_more(text: str, run: list[_Token], right: _Token) -> bool:
    """Whether an organisation named with a complement goes on after `and` (`Center for Democracy and
    Technology`; `right` follows `run` after an `and`): in the run, a head word is joined to its complement
    by a link, and what follows is no name known by itself (`Bank of England and Barclays`)."""
    if len(run) < 2 or _world(right[2]) is not None:
        return False
    return any(text[a[1] : b[0]].strip() in _LINKS and _is_head_word(a[2]) for a, b in zip(run, run[1:]))


def _joins(text: str, left: _Token, right: _Token, lang: str) -> bool:
    if left[2].isascii() != right[2].isascii() and (_cyrillic_word(left[2]) or _cyrillic_word(right[2])):
        return False  # Instagram Анастасии: a name does not change script
    gap = text[left[1] : right[0]]
    if gap in _NAME_GAPS:
        return True
    if gap == ". ":
        return len(left[2]) == 1
    if len(gap) > _MAX_JOIN_GAP or not _CONNECTOR_GAP_RE.fullmatch(gap):
        return False
    links = gap.split()
    if all(link in _PARTICLES and not (lang == "de" and link in _GERMAN_WORDS) for link in links):
        return True  # Rio de Janeiro; but von, zu and der are German prepositions and articles too
    return all(link in _LINKS or link in _PARTICLES for link in links) and _is_head_word(left[2])


def _pieces(text: str, tokens: list[_Token], run: list[int], lang: str, headline: bool, words: set[str],
            mid: set[str], counts: Counter[str], starts: set[int]) -> list[tuple[list[int], bool]]:
    """Cut a run into candidate names without sentence-initial common words, demonyms and titles.

    Each piece comes with whether a title introduced it.
    """
    names = [tokens[i][2] for i in run]
    if headline:
        keep = [i for i, name in zip(run, names)
                if (name in mid or _is_acronym(name) or _is_place_name(name)) and name not in _NEVER_NAMES]
        return [([i], False) for i in keep] if len(keep) < len(run) else [(run, False)]
    if len(run) > _MAX_NAME_WORDS:
        return []
    if tokens[run[0]][0] in starts:
        first = names[0]
        known = (_has(first, COUNTRY) if lang == "de" else _is_place_name(first)) or _has(first, ORGANISATION)
        rare = first not in mid and not _is_acronym(first) and not known  # German: Dabei is also a town
        adjective = lang == "de" and first.lower().endswith(("e", "en", "er", "em")) and not _has(first, GIVEN)
        # Erstklassige Immobilien; but Rainer, Walter: given names
        initial = len(run) > 1 and _INITIAL_RE.match(text, tokens[run[0]][0])
        noun_before_head = lang in _SLAVIC and len(run) > 1 and _is_head_word(names[1]) and not (
            _is_head_word(first) or _SLAVIC_ADJECTIVE_RE.search(first.lower()))  # Доклад Организации …
        if not initial and (first in _STOP or first.lower() in words or rare and (
                len(run) == 1 and counts[first] < 2 or adjective or noun_before_head)):
            run, names = run[1:], names[1:]
    while run and (names[0] in _NEVER_NAMES and not (len(names) > 1 and (_is_place_name(" ".join(names)) or any(
            map(_is_head_word, names[1:])))) or lang == "de" and names[0] in _STOP or len(names[0]) == 1 and not
            _INITIAL_RE.match(text, tokens[run[0]][0])):
        run, names = run[1:], names[1:]  # American diplomats, but Soviet Union and European Union
    if lang == "de" and len(run) > 1 and (_is_place_head(names[0].lower()) or _is_org_head(names[0].lower())
                                          and text[tokens[run[0]][1] : tokens[run[1]][0]] == " "):
        run, names = run[1:], names[1:]  # US-Bundesstaat Georgia: the place is Georgia; Autobauer Volkswagen
        # (but Agentur für Arbeit)
    if lang == "de" and len(run) > 1 and not (_is_head_word(names[0]) or _is_head_word(names[-1])
                                              or _is_abbreviation(names[0]) or _known_whole(names)):
        before = text[max(0, tokens[run[0]][0] - 30) : tokens[run[0]][0]].lower().split()
        adjective = len(before) > 1 and before[-2] in _GERMAN_DETERMINERS and before[-1].endswith(("en", "er", "em"))
        if before and (before[-1] in _GERMAN_DETERMINERS or adjective):  # der Bericht, im neuen Bericht
            run, names = run[1:], names[1:]
    if not run or len(run) == 1 and (names[0] in _STOP or len(names[0]) == 1):
        return []  # a lone function word or letter is no name, wherever it stands
    if lang == "de" and len(run) > 1 and _place_genitive(names[-1]):
        return [(run[-1:], False)]  # Fertigungssektor Chinas
    titles = [k for k, name in enumerate(names) if _is_title(name.lower(), lang)]
    if not titles or names[-1].lower().rstrip(".") in _ORG_WORDS:
        return [(run, False)]
    pieces = []
    if titles[0] and any(_is_head_word(name) for name in names[: titles[0]]):
        pieces.append((run[: titles[0]], False))
    tail = run[titles[-1] + 1 :]
    gap = text[tokens[tail[0] - 1][1] : tokens[tail[0]][0]] if tail else ""
    if tail and gap not in _NAME_GAPS and not (gap == ". " and len(names[titles[-1]]) <= 3) and len(tail) < 2:
        return pieces
    if len(tail) > 1 and _is_place_name(tokens[tail[0]][2]):  # Президент России Владимир Путин
        pieces.append((tail[:1], False))
        tail = tail[1:]
    return pieces + ([(tail, True)] if tail else [])


def _german_complement(text: str, names: list[str], start: int, end: int) -> int:
    """Where a German organisation's name ends with its `für` complement, or 0 when it has none."""
    head = names[-1].lower()
    if _is_org_word(head):
        complement = _GERMAN_COMPLEMENT_RE.match(text, end)
        return complement.end() if complement else 0
    if len(names) > 1 and _is_head_word(names[0]) and " für " in text[start:end]:
        more = _GERMAN_MORE_RE.match(text, end)
        return more.end() if more else 0
    return 0


def _place_suffixed(low: str) -> bool:
    """Whether a lowercased word ends as place names do (`Tübingen`, `Düsseldorf`, `Winterlingens`), not as
    a noun does (`Bedingungen`, `Dorf`)."""
    low = low[:-1] if low.endswith("s") and len(low) > 8 else low
    return len(low) >= 7 and low.endswith(_PLACE_SUFFIXES) and not low.endswith("ungen")


def _previous_words(text: str, start: int) -> list[str]:
    """Up to two lowercased words right before `start` (none when punctuation intervenes)."""
    if start < 2 or text[start - 1] not in " \u00a0":
        return []
    return [word.lower().rstrip(".,") for word in text[max(0, start - 30) : start].split()[-2:]]


def _german_noun(text: str, word: str, start: int) -> bool:
    """Whether a lone capitalised German word is most likely a common noun (the usual case)."""
    low = word.lower()
    if _is_acronym(word) or "-" in word or _is_org_word(low) or _place_suffixed(low) or _is_street(low):
        return False
    if start < 2 or text[start - 1] != " ":
        return True
    previous = text[text.rfind(" ", max(0, start - 30), start - 1) + 1 : start - 1].lower()
    return previous not in _PLACE_PREPOSITIONS and not _is_title(previous, "de") and not _is_place_head(previous)


def _name_kind(text: str, names: list[str], start: int, end: int, lang: str, titled: bool,
               known: dict[str, str], alone: set[str]) -> tuple[str | None, int, int]:
    """The kind of a candidate name (None: not a name) and its span.

    French-style names take in lowercase heads and adjectives (`institut Pasteur`, `Banque centrale européenne`).
    """
    single = len(names) == 1
    joined = names[0] if single else " ".join(names)
    if not single and len(written := " ".join(text[start:end].split())) != len(joined):
        joined = written  # with its particles: Rio de Janeiro
    if single and (joined in known or _discourse_key(joined) in known):
        return known.get(joined) or known[_discourse_key(joined)], start, end
    world = _world(joined)
    if world is not None and ORGANISATION in world.flags and not titled:
        return "organisation", start, end  # Reuters, Twitter, Газпром: known by their bare name
    if lang in _ROMANCE and world is not None and world.place and (compass := _COMPASS_RE.match(text, end)):
        end = compass.end()  # Afrique occidentale
    if len(names) == 2 and _COMPASS_BEFORE_RE.match(names[0]) and (place := _world(names[1])) and place.place:
        return "place", start, end
    if single and world is None and lang == "de" and _compass_compound(joined):
        return "place", start, end  # Nordengland, Ostafrika
    if single and world is None and lang == "de" and _german_noun(text, joined, start) and not (
            _place_genitive(joined)):
        return None, start, end  # the usual German capitalised word: a noun (but Deutschlands, Syriens)
    before = _previous_words(text, start)
    determined = lang == "de" and bool(before) and before[-1] in _GERMAN_DETERMINERS  # das Essen, im Westen
    titled = titled or bool(before) and (_is_title(before[-1], lang, True) or _is_title(before[0], lang)
                                         and before[-1] not in _LINKS) or (
        (world is None or world.person) and _listed_after_title(text, start, lang))
    if lang == "de" and before and _is_org_head(before[-1]) and not titled:
        return "organisation", start, end  # der Autobauer Volkswagen
    if world is not None and LANGUAGE in world.flags and COUNTRY not in world.flags and (
            world.flags == LANGUAGE or text[end : end + 2].strip()[:1].islower()) and not (
            world.person and (titled or _says(text, end))):  # but Pope Francis, Francis said
        return None, start, end  # Russian, Français, Thai officials: nationality and language words
    if single and world is not None and world.place and not world.person and _beside_place(text, start, end):
        return "place", start, end  # in Hobart und Launceston: a town beside a place is one
    if joined in _KNOWN_PLACES or (lang == "de" and _place_genitive(joined)) or (
            world is not None and not (lang == "de" and not world.has(COUNTRY) and (
                determined or single and not world.has(REGION + BIG_CITY))) and (
            world.has(COUNTRY + REGION) and not (titled and world.person) or world.place and not (
                world.person or titled))):
        return "place", start, end
    if single and lang == "de" and (world is None or not world.has(COUNTRY + REGION + BIG_CITY) or determined) and (
            _german_noun(text, joined, start) and not (world is not None and world.person and _says(text, end)
                                                       and not determined)):
        return None, start, end  # Kraft, Meister: nouns; but a known surname that speaks is a person
    last = names[-1].lower().rstrip(".")
    if lang in _SLAVIC:
        if _SLAVIC_ADJECTIVE_RE.search(last) and (head := _SLAVIC_HEAD_AFTER_RE.match(text, end)):
            first = len(names) - 1  # the name starts with its adjectives: not `Голова` before `Київської області`
            while first and _SLAVIC_ADJECTIVE_RE.search(names[first - 1].lower()):
                first -= 1
            start = text.find(names[first], start) if first else start
            return ("place" if head.group("place") else "organisation"), start, head.end()
        if street := _SLAVIC_HEAD_BEFORE_RE.search(text, max(0, start - 16), start):
            return "place", street.start(), end
        if single and _SLAVIC_ADJECTIVE_RE.search(last) and text[end : end + 2][1:].islower() and not (
                world is not None and world.person or _RUSSIAN_SURNAME_RE.search(joined)):
            return None, start, end  # Бывшая жена, в Чикагском суде: an adjective before its noun
    if lang in _ROMANCE:
        if single and last in _ROMANCE_LEADING_ADJECTIVES and (head := _ROMANCE_HEAD_AFTER_RE.match(text, end)):
            end, last = head.end(), head.group(1)
        if last in _GENERIC:
            for _ in range(2):
                if adjective := _FRENCH_ADJECTIVE_RE.match(text, end):
                    end = adjective.end()
            if last in _ORG_WORDS and (complement := _FRENCH_COMPLEMENT_RE.match(text, end)):
                end = complement.end()  # Agence nationale de sécurité
                if adjective := _FRENCH_ADJECTIVE_RE.match(text, end):
                    end = adjective.end()  # Association canadienne des soins palliatifs
            if last in _ORG_WORDS and (named := _FRENCH_NAMED_COMPLEMENT_RE.match(text, end)):
                end = named.end()  # Réseau des soins palliatifs du Québec
        if head := _FRENCH_HEAD_BEFORE_RE.search(text, max(0, start - 30), start):
            return "organisation", head.start(), end
        if street := _ROMANCE_STREET_BEFORE_RE.search(text, max(0, start - 16), start):
            return "place", street.start(), end
    if lang == "de" and (complement := _german_complement(text, names, start, end)):
        return "organisation", start, complement
    if single and end == start + len(joined) and (last in _GENERIC or last[-1] == "s" and last[:-1] in _GENERIC):
        # an institution's common noun capitalised inside a sentence is that institution (`la Cour`, `the
        # Senate`); German capitalises every noun, and in Russian it lowered the held-out figures
        institution = lang not in ("de", *_SLAVIC) and bool(before) and last in _ORG_WORDS and joined[0].isupper()
        return ("organisation" if institution else None), start, end
    lowers = [last] if single else [name.lower().rstrip(".") for name in names]
    if last in _OTHER_WORDS:
        return None, start, end
    if " & " in text[start:end] or any(map(_is_org_word, lowers)) or not single and _has(names[-1], LEGAL_FORM):
        return "organisation", start, end
    if _place_suffixed(last) or any(low in _PLACE_WORDS for low in lowers) or (
            last.rsplit("-", 1)[-1] in _PLACE_LAST_WORDS and (not single or "-" in last)) or (
            lang == "de" and _is_street(last)) or ("-" in joined and (
            _TOPONYM_RE.search(joined) or any(part in _PLACE_WORDS for low in lowers for part in low.split("-")))):
        return "place", start, end
    if single and _is_acronym(joined):
        return "organisation", start, end
    if titled:
        return "person", start, end
    previous = before[-1] if before else ""
    if _says(text, end):
        return "person", start, end
    if single:
        return _single_kind(text, joined, start, lang, previous, world), start, end
    if _has(names[0], GIVEN) or len(names[0]) == 1 or names[0][-1] == "." and len(names[0]) <= 3 or (
            _RUSSIAN_SURNAME_RE.search(names[-1]) and len(names) <= 3):
        return "person", start, end  # Chris Cairns, A. Parore, Сергей Удальцов
    if world is not None and world.place:
        return "place", start, end
    if any(map(_is_place_name, names[1:])) or _is_place_name(names[0]) and _has(names[0], COUNTRY + BIG_CITY):
        return "organisation", start, end  # Bayer Leverkusen, Dynamo Moscow; not Колин Седдон (Kolín, a region)
    if previous in _PLACE_PREPOSITIONS and len(names) == 2:
        return "place", start, end
    if lang == "de" and any(low.endswith(_GERMAN_NOUN_ENDINGS + _GERMAN_ADJECTIVE_ENDINGS) for low in lowers):
        return None, start, end  # Katholische Theologie, Theologische Überlegungen
    if lang == "de" and not any(_has(name, GIVEN + FAMILY) or _foreign_looking(name) for name in names) and not any(
            map(_is_acronym, names)):
        return None, start, end  # Minuten Dauer, Sein Dank: German nouns side by side, no name word in them
    if len(names) <= 3 and not any(name.isupper() for name in names):
        return ("organisation" if names[0] in alone and names[-1] not in alone else "person"), start, end
    return "organisation", start, end


def _single_kind(text: str, word: str, start: int, lang: str, previous: str, world: Known | None) -> str | None:
    """The kind of a lone capitalised word without a title, a speech verb or a name word in it."""
    if lang == "de" and _is_place_head(previous):
        return "place"
    if previous in _PLACE_PREPOSITIONS and (world is not None and world.place or lang != "de" and not (
            word.lower().endswith(_GERMAN_NOUN_ENDINGS))):
        return "place"
    if world is not None and world.place and world.has(BIG_CITY):
        return "place"
    if world is not None and world.person or _RUSSIAN_SURNAME_RE.search(word):
        return "person"
    if lang == "fr" and (previous == "la" or text[max(0, start - 2) : start] in ("l'", "l’")):
        return "place"
    if lang == "de" or (lang == "fr" and previous in ("les", "des", "aux") and word.endswith(
            ("ois", "ais", "ains", "iens", "éens"))):
        return None
    return "organisation"


def _says(text: str, end: int) -> bool:
    """Whether a verb of saying follows a name ending at `end` (`Murphy said`, `Murphy hat gesagt`)."""
    following = text[end : end + 24].split()[:2]
    return bool(following) and (following[0].rstrip(",") in _SPEECH_VERBS or len(following) > 1 and following[0] in (
        "has", "had", "a", "hat", "habe") and following[1].rstrip(",.") in _SPEECH_VERBS)


def _has(word: str, flags: str) -> bool:
    found = _world(word)
    return found is not None and found.has(flags)


def _find_names(text: str, lang: str, tokens: list[_Token], words: set[str]) -> list[Span]:
    """Person, organisation and place names from runs of capitalised words."""
    if not tokens:
        return []
    headlines = _headline_ranges(text) if lang == "en" else []

    def in_headline(position: int) -> bool:
        return any(first <= position < last for first, last in headlines)

    starts = _sentence_starts(text)
    capitals = _capital_lines(text)
    caps = [token for token in tokens if _inside(capitals, token[0])] if capitals else []
    if caps:
        tokens = [token for token in tokens if not _inside(capitals, token[0])]
    mid = {word for start, _, word in tokens if start not in starts and not (headlines and in_headline(start))}
    counts = Counter(map(itemgetter(2), tokens))
    capital_names = _capital_names(text, caps, {fold(word) for word in mid}, words) if caps else []
    runs: list[list[int]] = []  # none when every word is in a line of capitals
    for index, right in enumerate(tokens):
        left = tokens[index - 1]
        if index and right[0] - left[1] <= _MAX_JOIN_GAP and (_joins(text, left, right, lang) or text[
                left[1] : right[0]] in _AND_GAPS and _and_more(text, [tokens[i] for i in runs[-1]], right)):
            runs[-1].append(index)
        else:
            runs.append([index])
    pieces = []
    for run in runs:
        headline = bool(headlines) and in_headline(tokens[run[0]][0])
        pieces += _pieces(text, tokens, run, lang, headline, words, mid, counts, starts)
    for group in capital_names:
        pieces.append((list(range(len(tokens), len(tokens) + len(group))), False))
        tokens = tokens + group
    alone = {tokens[piece[0]][2] for piece, _ in pieces if len(piece) == 1}
    known: dict[str, str] = {}
    spans = []
    lone_kinds: dict[str, set[str]] = {}
    for piece, titled in sorted(pieces, key=lambda item: len(item[0]) == 1):
        start, end = tokens[piece[0]][0], tokens[piece[-1]][1]
        names = [tokens[i][2] for i in piece]
        kind, start, end = _name_kind(text, names, start, end, lang, titled, known, alone)
        if kind is None:
            continue
        if kind == "person" and len(names) > 2 and _has(names[1], GIVEN) and not _has(names[0], GIVEN + FAMILY):
            start, names = tokens[piece[1]][0], names[1:]  # a word before the given name is no part of it
        spans.append(_auto(text, start, end, kind))
        if len(names) > 1 and kind == "person" and not _has(names[-1], COUNTRY):
            known[_discourse_key(names[-1])] = "person"
        elif len(names) > 1 and kind == "organisation" and not _is_place_name(names[0]):
            known.setdefault(names[0], "organisation")
        elif len(names) == 1:
            lone_kinds.setdefault(names[0], set()).add(kind)
    spans = [_auto(text, span.start, span.end, "organisation") if span.type == "place" and _SCORE_RE.match(
        text, span.end) and not _has(span.text.title(), COUNTRY) else span for span in spans]
    # A lone word is "organisation" only by default: one occurrence with a person or place cue decides for all.
    retyped = {word: "person" if "person" in found else "place" for word, found in lone_kinds.items()
               if "organisation" in found and len(found) > 1}
    return [_auto(text, span.start, span.end, retyped[span.text]) if span.text in retyped else span for span in spans]


def name_key(span: Span) -> str:
    """The index term of an automatic name: a country's one id whatever the spelling (`US`, `America`,
    `États-Unis` -> `united_states`), else the normalised name."""
    if span.type in ("place", "organisation") and (key := place_key(span.text)):
        return key
    return normalise_name(span.text)


def entity_terms(spans: Sequence[Span]) -> list[str]:
    """Search-index terms: gazetteer ids and the keys (`name_key`) of automatic person/organisation/place finds."""
    terms: dict[str, None] = {}
    for span in spans:
        if span.entity_id:
            terms[span.entity_id] = None
        elif span.type in NAME_KINDS and (key := name_key(span)):
            terms[key] = None
    return list(terms)


def summarise(spans: Sequence[Span], gazetteer: Gazetteer | None = None) -> list[dict]:
    """Entities with counts, grouped by id (or name key, or normalised text), most frequent first.

    A row's `text` is a gazetteer entity's canonical (first) name, else its most frequent spelling here;
    `names` holds the other spellings the article uses.
    """
    groups: dict[str, list[Span]] = {}
    for span in spans:
        if span.entity_id:
            key = f"id:{span.entity_id}"
        elif span.type in NAME_KINDS:
            key = f"name:{name_key(span) or span.text}"
        else:
            key = f"{span.type}:{' '.join(fold(span.text).split())}"
        groups.setdefault(key, []).append(span)
    rows = []
    for members in groups.values():
        spellings = [text for text, _ in Counter(member.text for member in members).most_common()]
        kind = Counter(member.type for member in members).most_common(1)[0][0]
        first = members[0]
        canonical = gazetteer.aliases(first.entity_id)[:1] if gazetteer is not None and first.entity_id else []
        text = canonical[0] if canonical else spellings[0]
        rows.append({"text": text, "type": kind, "id": first.entity_id, "count": len(members),
                     "source": first.source, "names": [name for name in spellings if name != text]})
    rows.sort(key=lambda row: -row["count"])
    return rows

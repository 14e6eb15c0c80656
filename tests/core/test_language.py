"""Language identification on the seeds, on newstest2014 and on other scripts."""

from __future__ import annotations

import pytest

from benchmarks.newstest import DATA_DIR, load
from reader.core.corpus.language import detect_language
from tests.conftest import DEMO_CORPUS

SEEDS = {"000": "en", "001": "en", "002": "fr", "003": "en", "004": "fr"}


@pytest.mark.parametrize("prefix,lang", sorted(SEEDS.items()))
def test_seed_languages(prefix, lang):
    path = next(DEMO_CORPUS.glob(f"{prefix}_*.txt"))
    assert detect_language(path.read_text(encoding="utf-8")) == lang


@pytest.mark.skipif(not DATA_DIR.is_dir(), reason="newstest2014 not available")
def test_newstest2014_at_least_99_percent():
    total = wrong = 0
    for pair, lang in [("fr-en", "fr"), ("fr-en", "en"), ("de-en", "de"), ("de-en", "en")]:
        for doc in load(pair, lang):
            total += 1
            wrong += detect_language(doc.as_text()) != lang
    assert total > 600
    assert wrong / total <= 0.01


@pytest.mark.parametrize("text,lang", [
    ("Министр обороны заявил, что поставки продолжатся в следующем году.", "ru"),
    ("Міністр оборони заявив, що постачання триватимуть наступного року.", "uk"),
    ("Ministr obrany řekl, že dodávky budou pokračovat i příští rok.", "cs"),
    ("रक्षा मंत्री ने कहा कि आपूर्ति अगले साल भी जारी रहेगी।", "hi"),
    ("国防部长表示，明年将继续供应。", "zh"),
    ("وقال وزير الدفاع إن الإمدادات ستستمر العام المقبل.", "ar"),
    ("El ministro de Defensa dijo que los suministros continuarán el próximo año.", "es"),
    ("Il ministro della Difesa ha detto che le forniture continueranno il prossimo anno.", "it"),
])
def test_other_languages_and_scripts(text, lang):
    assert detect_language(text) == lang


def test_too_little_text_is_undetermined():
    assert detect_language("") == "und"
    assert detect_language("42") == "und"


def test_the_unpacked_model_is_cached_and_a_damaged_copy_is_ignored(tmp_path):
    from tests.conftest import printed_with_cache

    code = "from reader.core.corpus.language import detect_language as d; print(d('Le gouvernement a annoncé une loi'))"

    def detect() -> str:
        return printed_with_cache(tmp_path, code)

    assert detect() == "fr"
    [cached] = (tmp_path / "reader").glob("langid-*.pickle")
    assert detect() == "fr"  # read from the cache
    cached.write_bytes(b"not a pickle")
    assert detect() == "fr"
    assert cached.stat().st_size > 1000  # rewritten whole

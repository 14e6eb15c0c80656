"""Read the WMT newstest2014 SGML files: documents as (docid, lang, title, sentences)."""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(os.environ.get("READER_NEWSTEST", "../shared/data/newstest2014"))
FILES = {
    ("fr-en", "fr"): "newstest2014-fren-ref.fr.sgm",
    ("fr-en", "en"): "newstest2014-fren-src.en.sgm",
    ("de-en", "de"): "newstest2014-deen-ref.de.sgm",
    ("de-en", "en"): "newstest2014-deen-src.en.sgm",
}
_DOC_RE = re.compile(r'<doc[^>]*docid="([^"]+)"[^>]*>(.*?)</doc>', re.S)
_SEG_RE = re.compile(r"<seg[^>]*>(.*?)</seg>", re.S)


@dataclass
class Document:
    docid: str
    lang: str
    title: str
    sentences: list[str]

    def as_text(self) -> str:
        """The document as a `.txt` article: title line, blank line, paragraphs of three sentences."""
        paragraphs = [" ".join(self.sentences[i:i + 3]) for i in range(0, len(self.sentences), 3)]
        return self.title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def load(pair: str, lang: str, data_dir: Path = DATA_DIR) -> list[Document]:
    """The documents of one side of a newstest2014 pair (`fr-en`/`de-en`, language code)."""
    source = (data_dir / FILES[(pair, lang)]).read_text(encoding="utf-8")
    docs = []
    for docid, body in _DOC_RE.findall(source):
        segs = [html.unescape(s).strip() for s in _SEG_RE.findall(body)]
        if segs:
            docs.append(Document(docid, lang, segs[0], segs[1:]))
    return docs


class ParallelDocument(Document):
    """A document of a prepared parallel set: its paragraphs as given."""

    def as_text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.sentences) + "\n"


def load_parallel(folder: Path, pair: str) -> dict[str, dict[str, ParallelDocument]]:
    """Both sides of `folder/<pair>.jsonl` by language, then docid: lines of {docid, lang_a, lang_b,
    title_a, text_a, title_b, text_b}, paragraphs split at blank lines."""
    sides: dict[str, dict[str, ParallelDocument]] = {}
    for line in (folder / f"{pair}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for side in "ab":
            lang = row[f"lang_{side}"]
            paragraphs = [p.strip() for p in row[f"text_{side}"].split("\n\n") if p.strip()]
            sides.setdefault(lang, {})[str(row["docid"])] = ParallelDocument(str(row["docid"]), lang,
                                                                            row[f"title_{side}"], paragraphs)
    return sides

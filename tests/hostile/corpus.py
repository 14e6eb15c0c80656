"""A hostile corpus, generated in a temporary folder: every kind of bad input an analyst may collect."""

from __future__ import annotations

import os
from pathlib import Path

MARKUP = "Markup [b]bold[/b] [/] [@click=app.quit]quit[/] [link=https://evil.example]x[/link] [red]red"
ESCAPES = ("Escapes \x1b[2J\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ "
           "\x1b]52;c;cHduZWQ=\x07 \x9b31m C1 \x85 \x07bell")
BIDI = "Bidi \u202egnirts desrever\u202c and zero\u200bwidth\u2066isolate\u2069 \ufeffbom"

# name -> bytes content (names are relative to the corpus root)
FILES: dict[str, bytes] = {
    "markup.txt": f"{MARKUP}\n\nBody with {MARKUP} inside and hostilemarker.\n".encode(),
    "escapes.txt": f"{ESCAPES}\n\nBody {ESCAPES} hostilemarker.\n".encode(),
    "bidi.txt": f"{BIDI}\n\nBody {BIDI} hostilemarker.\n".encode(),
    "cp1252.txt": "Café crème – 5 €\n\nÉté à Paris, hostilemarker “quotes”.\n".encode("cp1252"),
    "latin1.txt": "Ça coûte\n\nDéjà vu hostilemarker ÿ.\n".encode("latin-1"),
    "bom.txt": "\ufeffWith BOM\n\nBody hostilemarker.\n".encode("utf-8"),
    "nul.txt": b"Binary\x00\x01\x02 hostilemarker",
    "empty.txt": b"",
    "blank.txt": b"   \n\t\n  \n",
    "crlf.txt": b"CRLF title\r\n\r\nLine one hostilemarker\r\nLine two\r\n",
    "deep/" + "/".join(f"d{i}" for i in range(40)) + "/deep.txt": b"Deep\n\nDeep hostilemarker.\n",
    "name with spaces [and brackets].txt": b"Spaces\n\nSpaces hostilemarker.\n",
    "-leading-dash.txt": b"Dash\n\nDash hostilemarker.\n",
    "ünïcödé-名前.txt": "Unicode name\n\nUnicode hostilemarker.\n".encode(),
    "report.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "badfront.md": b"---\ntitle: [unclosed\nlang: !!python/object/apply:os.system ['echo pwned']\n---\nBody hostilemarker.\n",
    "execfront.md": b"---\ntitle: !!python/object/apply:os.system ['touch /tmp/reader-pwned']\n---\nBody hostilemarker.\n",
    "broken.html": b"<html><body><p>Unclosed <b>tags <script>alert(1)</script> hostilemarker<div",
    "sidecar-bad.txt": b"Bad sidecar\n\nBody hostilemarker.\n",
    "sidecar-bad.txt.yaml": b"tags: [unclosed\n# analyst notes here\n",
    "sidecar-exec.txt": b"Exec sidecar\n\nBody hostilemarker.\n",
    "sidecar-exec.txt.yaml": b"tags: !!python/object/apply:os.system ['touch /tmp/reader-pwned']\n",
    "sidecar-bomb.txt": b"Bomb sidecar\n\nBody hostilemarker.\n",
    "sidecar-bomb.txt.yaml": (b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                              + b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n".encode() for i in range(8))),
    "tagged.txt": b"Tagged\n\nTagged body hostilemarker.\n",
    "tagged.txt.yaml": b'tags: ["esc\\e[31mred", "rtl\\u202eflip", "bell\\a", "[b]markup[/b]"]\nnotes: "n\\e]0;t\\a"\n',
    "entities.yaml": b"entities: !!python/object/apply:os.system ['touch /tmp/reader-pwned']\n",
}
BIG_LINE_BYTES = 5 * 1024 * 1024


def make_hostile_corpus(root: Path) -> Path:
    """Write the hostile corpus under `root` and return it."""
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "huge-line.txt").write_bytes(b"Huge line hostilemarker " + b"word " * (BIG_LINE_BYTES // 5))
    (root / "many-lines.txt").write_text("Many lines\n\n" + "".join(
        f"Line {i} of a long article with hostilemarker words.\n" for i in range(50_000)), encoding="utf-8")
    os.symlink(root, root / "deep" / "cycle")
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("Secret\n\nOutside hostilemarker.\n")
    os.symlink(outside, root / "link-out")
    os.symlink(outside / "secret.txt", root / "secret-link.txt")
    return root


ARTICLES = sorted(n for n in FILES if n.endswith((".txt", ".md", ".html"))
                  and not n.startswith(("nul", "empty", "blank")))

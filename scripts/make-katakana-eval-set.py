#!/usr/bin/env python3
"""Issue 23, item 5's katakana readings, as a dev set: Tests/OptOutCoreTests/Eval/katakana.jsonl and
katakana-ordinary.jsonl (seed 20261207).

Sources (none of them the held-out sets):
- JMnedict (EDRDG, CC BY-SA 4.0, via PyPI jamdict-data 1.5): the full names of people written in katakana with their
  Latin spelling whose idseq hashes into the dev half; scripts/generate-katakana-names.py leaves exactly those out of
  katakana-names.txt, so the gate reads them from the other entries' words, as it would a name it never saw.
- The dev set's artists (Eval/phrases.txt, clip-interrogator 0.6.0, MIT), written in katakana by e2k 0.8.1 (PyPI, a
  neural English-to-katakana model): a second renderer, which spells names its own way (ルットコスキー).
- JMdict (EDRDG, CC BY-SA 4.0, same package): katakana loanwords with their English glosses, and Japanese templates
  written here, for prompts that name no one.

katakana.jsonl: `{"category", "artist", "prompt"}`:
- `katakana_jmnedict`: half the held-out people (201 of 402), `グレッグ・ルトコフスキ風の城`.
- `katakana_e2k`: 500 dev artists in e2k's katakana.
- `kana_romaji`: the dev artists (147) whose every word is the romaji of a JMnedict family or given name, written family
  name first in the kana JMnedict gives (かつしかほくさい, カツシカ・ホクサイ).
katakana-ordinary.jsonl: `{"prompt"}`, 3,000 prompts that name no registered artist: loanwords joined by ・ (1,000),
loanwords in Japanese sentences (1,000), and portraits of the other held-out people, who are not registered (201), some of
whom share a first name or a surname with a registered one.
The registry for this set: the dev artists plus the people of `katakana_jmnedict` (Eval/katakana-phrases.txt).
"""
import hashlib
import importlib.util
import json
import os
import random
import re
import sqlite3
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
rng = random.Random(20261207)
KATAKANA = re.compile(r"[\u30A1-\u30FA\u30FC]+")


def held_out(idseq):
    return hashlib.sha256(f"katakana-dev:{idseq}".encode()).digest()[0] % 2 == 0


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


spec = importlib.util.find_spec("jamdict_data")
db = sqlite3.connect(os.path.join(os.path.dirname(spec.origin), "jamdict.db"))

# Held-out people: katakana full names parted by ・ with as many Latin words.
people = {}
for idseq, kana, gloss in db.execute(
        """SELECT k.idseq, k.text, g.text FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq
           JOIN NETransGloss g ON g.tid = t.ID JOIN NETransType ty ON ty.tid = t.ID WHERE ty.text = 'person'"""):
    gloss = re.sub(r"\([^)]*\)", "", gloss).strip()
    parts = kana.split("\u30FB")
    words = gloss.split()
    if held_out(idseq) and len(parts) >= 2 and len(parts) == len(words) and all(KATAKANA.fullmatch(p) for p in parts) \
            and all(re.fullmatch(r"[A-Za-z][a-z]+", fold(w)) for w in words) and idseq not in people:
        people[idseq] = (gloss, kana)
people = sorted(people.values())
rng.shuffle(people)
dev_artists = {fold(l.strip()).lower() for l in open(os.path.join(EVAL, "phrases.txt"))}
registered, unregistered = people[:len(people) // 2], [p for p in people[len(people) // 2:] if fold(p[0]).lower() not in dev_artists]

TEMPLATES = ["{}風の城", "{}のスタイルで描いた女性の肖像", "美しい風景、{}、油絵", "{}によるイラスト、高精細", "アート・バイ・{}、夕焼け",
             "{}風、幻想的な森", "ドラゴン、{}の画風", "{}タッチの猫"]
cases = []
for gloss, kana in registered:
    cases.append({"category": "katakana_jmnedict", "artist": gloss, "prompt": rng.choice(TEMPLATES).format(kana)})

artists = [l.strip() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()]
from e2k import C2K  # noqa: E402
c2k = C2K()
latin = [a for a in artists if len(a.split()) >= 2 and all(re.fullmatch(r"[A-Za-z]{2,}", fold(w)) for w in a.split())]
for artist in rng.sample(latin, 500):
    kana = "\u30FB".join(c2k(fold(w).lower()) for w in artist.split())
    cases.append({"category": "katakana_e2k", "artist": artist, "prompt": rng.choice(TEMPLATES).format(kana)})

# Japanese names in romaji: every word the romaji of a JMnedict family or given name.
readings = {}
for kind, kana in db.execute(
        """SELECT ty.text, k.text FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq JOIN NETransType ty ON ty.tid = t.ID
           WHERE ty.text IN ('surname', 'given', 'fem', 'masc')"""):
    if re.fullmatch(r"[\u3041-\u3096]+", kana):
        readings.setdefault(kind == "surname", {}).setdefault(kana, None)
# Hepburn romaji as the gate writes names (long vowels once): the katakana list's own reading, so the two agree.
_spec = importlib.util.spec_from_file_location("katakana_names", os.path.join(ROOT, "scripts", "generate-katakana-names.py"))
_names = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_names)
romaji = _names.romaji


family = {}
given = {}
for is_family, table in readings.items():
    for kana in table:
        r = romaji(kana)
        if r and len(r) >= 3:
            (family if is_family else given).setdefault(r, kana)
japanese = []
for artist in artists:
    words = [fold(w).lower() for w in artist.split()]
    if len(words) == 2 and words[0] in given and words[1] in family:
        japanese.append((artist, family[words[1]], given[words[0]]))
for artist, family_kana, given_kana in rng.sample(japanese, min(300, len(japanese))):
    whole = family_kana + given_kana
    form = rng.choice([whole, "".join(chr(ord(c) + 0x60) for c in family_kana) + "\u30FB" + "".join(chr(ord(c) + 0x60) for c in given_kana)])
    cases.append({"category": "kana_romaji", "artist": artist, "prompt": rng.choice(TEMPLATES).format(form)})

# Ordinary: JMdict katakana loanwords.
loanwords = sorted({kana for (kana,) in db.execute(
    """SELECT k.text FROM Kana k JOIN Sense s ON s.idseq = k.idseq JOIN pos p ON p.sid = s.ID
       WHERE p.text LIKE 'noun (common)%'""") if KATAKANA.fullmatch(kana) and len(kana) >= 2})
ordinary = []
for _ in range(1000):
    ordinary.append("\u30FB".join(rng.sample(loanwords, rng.randint(2, 4))))
SENTENCES = ["{}の{}、{}", "{}と{}のある部屋、{}", "{}を持った少女、{}、{}", "{}な{}、背景に{}", "{}、{}、{}、高品質"]
for _ in range(1000):
    ordinary.append(rng.choice(SENTENCES).format(*rng.sample(loanwords, 3)))
for gloss, kana in unregistered:
    ordinary.append(rng.choice(["{}の肖像", "{}の写真", "ポートレート、{}", "{}が描かれた絵"]).format(kana))

with open(os.path.join(EVAL, "katakana.jsonl"), "w") as out:
    for case in cases:
        out.write(json.dumps(case, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "katakana-ordinary.jsonl"), "w") as out:
    for prompt in ordinary:
        out.write(json.dumps({"prompt": prompt}, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "katakana-phrases.txt"), "w") as out:
    for gloss, _ in registered:
        out.write(gloss + "\n")
counts = {}
for case in cases:
    counts[case["category"]] = counts.get(case["category"], 0) + 1
print(counts, len(ordinary), "ordinary", len(loanwords), "loanwords", len(japanese), "romaji names")

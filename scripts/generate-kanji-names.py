#!/usr/bin/env python3
"""Readings of Japanese family and given names in kanji, for the gate's romaji readings of a kanji registration:
Sources/OptOutServer/Resources/kanji-name-readings.txt.

Source: JMnedict (the EDRDG's Japanese names dictionary, CC BY-SA 4.0), as the PyPI package jamdict-data 1.5 ships
it (an SQLite file). Kept: entries typed surname, given, fem or masc, written in one to three kanji, with their
hiragana readings. A name in kanji has many readings (新海: しんかい, にいみ, あらうみ ...), so each kanji string keeps at
most three, the most used first: how many of JMnedict's full names of people (50,133 "person" entries, e.g.
新海誠 しんかいまこと) start (family names) or end (given names) with that kanji read that way; then the dictionary's order.

Output lines: `S` or `G`, kanji, readings comma-separated, tab-separated.
Usage: scripts/generate-kanji-names.py [path/to/jamdict.db]  (default: download jamdict-data with pip)
"""
import collections
import lzma
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "kanji-name-readings.txt")
KANJI = re.compile(r"[\u4e00-\u9fff\u3005]{1,3}")
KANA = re.compile(r"[\u3041-\u3096]+")


def database():
    if len(sys.argv) > 1:
        return sys.argv[1], None
    folder = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", folder, "jamdict-data==1.5"], check=True)
    archive = [f for f in os.listdir(folder) if f.endswith(".tar.gz")][0]
    with tarfile.open(os.path.join(folder, archive)) as tar:
        member = [m for m in tar.getmembers() if m.name.endswith("jamdict.db.xz")][0]
        with tar.extractfile(member) as packed, open(os.path.join(folder, "jamdict.db"), "wb") as out:
            shutil.copyfileobj(lzma.open(packed), out)
    return os.path.join(folder, "jamdict.db"), folder


path, folder = database()
db = sqlite3.connect(path)
names = collections.defaultdict(list)  # (kind, kanji) -> readings in dictionary order
query = """SELECT kj.text, k.text, ty.text FROM NEKanji kj JOIN NEKana k ON k.idseq = kj.idseq
           JOIN NETranslation t ON t.idseq = kj.idseq JOIN NETransType ty ON ty.tid = t.ID
           WHERE ty.text IN ('surname', 'given', 'fem', 'masc') ORDER BY kj.idseq, k.ID"""
for kanji, kana, kind in db.execute(query):
    if KANJI.fullmatch(kanji) and KANA.fullmatch(kana):
        key = ("S" if kind == "surname" else "G", kanji)
        if kana not in names[key]:
            names[key].append(kana)
people = [(kanji, kana) for kanji, kana in db.execute(
    """SELECT kj.text, k.text FROM NEKanji kj JOIN NEKana k ON k.idseq = kj.idseq JOIN NETranslation t ON t.idseq = kj.idseq
       JOIN NETransType ty ON ty.tid = t.ID WHERE ty.text = 'person'""") if re.fullmatch(r"[\u4e00-\u9fff\u3005]{2,6}", kanji) and KANA.fullmatch(kana)]
evidence = collections.Counter()
for kanji, kana in people:
    for cut in range(1, min(4, len(kanji))):
        for kind, part, rest in (("S", kanji[:cut], kanji[cut:]), ("G", kanji[-cut:], kanji[:-cut])):
            for reading in names.get((kind, part), []):
                if (kana.startswith(reading) if kind == "S" else kana.endswith(reading)) and len(reading) < len(kana):
                    evidence[(kind, part, reading)] += 1
with open(OUT, "w") as out:
    out.write("# Made by scripts/generate-kanji-names.py from JMnedict (EDRDG, CC BY-SA 4.0, via jamdict-data 1.5): "
              "S (family) or G (given), kanji, at most three hiragana readings, the most used in JMnedict's people first.\n")
    for (kind, kanji), readings in sorted(names.items()):
        ranked = sorted(readings, key=lambda r: (-evidence[(kind, kanji, r)], readings.index(r)))[:3]
        out.write(f"{kind}\t{kanji}\t{','.join(ranked)}\n")
print(f"{len(names)} names from {len(people)} people -> {OUT} ({os.path.getsize(OUT)} bytes)")
if folder:
    shutil.rmtree(folder)

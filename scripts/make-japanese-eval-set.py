#!/usr/bin/env python3
"""Japanese names in romaji with their long vowels written out, as a dev set: Tests/OptOutCoreTests/Eval/japanese.jsonl,
japanese-phrases.txt and japanese-ordinary.jsonl (seed 20261211).

Names: 300 Japanese names made by Faker 40 (ja_JP), each a family name and a given name with their kana
(`last_name_pair`, `first_name_*_pair`), registered in kanji. Each is written in romaji from its kana by pykakasi 2.3
(PyPI), given name first or family name first, inside fragments of the dev set's ordinary prompts:
- `ja_plain`: long vowels written once ("Ryosuke Takahashi"), as the gate's own readings write them;
- `ja_long_ou`: long vowels as the kana write them, by pykakasi's Hepburn ("Kentarou Satou", "Yuusuke");
- `ja_long_oh`: the passport's oh for a long o ("Satoh", "Ohtomo"), made from the first by this script;
- `ja_macron`: long vowels with a macron ("Satō", "Yūsuke");
- `ja_kunrei`: Kunrei-shiki, by pykakasi ("Kouzi", "Syuuhei").
- japanese-ordinary.jsonl: 1,000 portraits of Japanese people who are not registered, written the same ways, none
  spelt as a registered name is, none whose kana is one of a registered name's likely readings as the gate reads it
  (`kanji-name-readings.txt`: "中村淳" is also Nakamura Atsushi), and none a Latin name of the dev set.
"""
import json
import os
import random
import re

import pykakasi
from faker import Faker

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
SEED = 20261211
rng = random.Random(SEED)
kakasi = pykakasi.kakasi()

ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]
fragments = sorted({f for p in ordinary for f in p.split(", ") if f})


def romaji(kana, style):
    return "".join(part[style] for part in kakasi.convert(kana))


def spell(kana, kind):
    if kind == "ja_kunrei":
        return romaji(kana, "kunrei")
    written = romaji(kana, "hepburn")
    if kind == "ja_long_ou":
        return written
    if kind == "ja_long_oh":
        return re.sub(r"o[ou](?![aeiou])", "oh", written)
    if kind == "ja_macron":
        return re.sub(r"o[ou](?![aeiou])", "ō", re.sub(r"uu", "ū", written))
    return re.sub(r"o[ou](?![aeiou])", "o", re.sub(r"uu", "u", written))


def written(person, kind):
    (family, family_kana), (given, given_kana) = person
    first, last = spell(given_kana, kind).capitalize(), spell(family_kana, kind).capitalize()
    return rng.choice([f"{first} {last}", f"{last} {first}"])


faker = Faker("ja_JP")
faker.seed_instance(SEED)


def person():
    family = faker.last_name_pair()
    given = rng.choice([faker.first_name_male_pair, faker.first_name_female_pair])()
    return (family[0], family[1]), (given[0], given[1])


people = []
seen = set()
while len(people) < 300:
    p = person()
    if p[0][0] + p[1][0] not in seen:
        seen.add(p[0][0] + p[1][0])
        people.append(p)

KINDS = ["ja_plain", "ja_long_ou", "ja_long_oh", "ja_macron", "ja_kunrei"]
rows = []
spelt = set()
for kind in KINDS:
    for p in people:
        text = written(p, kind)
        spelt.update({spell(p[1][1], k) + " " + spell(p[0][1], k) for k in KINDS})
        joiner = rng.choice(["by", "art by", "in the style of", "painted by", "illustration by"])
        before = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
        rows.append({"category": kind, "artist": p[0][0] + p[1][0], "prompt": f"{before}, {joiner} {text}, {rng.choice(fragments)}"})

# Not the dev set's Latin names either ("Taro Yamamoto"), nor one of its one-word names ("Murakami").
latin = {l.strip().lower() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()}
# The kana the gate reads a registered name in: its likely readings (Sources/OptOutServer/Resources/
# kanji-name-readings.txt, JMnedict's), besides Faker's own.
likely = {}
for line in open(os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "kanji-name-readings.txt")):
    if not line.startswith("#"):
        kind, kanji, readings = line.rstrip("\n").split("\t")
        likely[(kind, kanji)] = [kakasi.convert(r)[0]["kana"] for r in readings.split(",")]
readable = set()
for (family, family_kana), (given, given_kana) in people:
    for f in [family_kana] + likely.get(("S", family), []):
        for g in [given_kana] + likely.get(("G", given), []):
            readable.add((f, g))
ordinary_rows = []
while len(ordinary_rows) < 1000:
    p = person()
    plain = [spell(p[1][1], "ja_plain"), spell(p[0][1], "ja_plain")]
    # Nobody the gate reads a registered name as, in one of its likely readings ("中村淳" as Nakamura Atsushi).
    if (p[0][0] + p[1][0] in seen or (p[0][1], p[1][1]) in readable
            or any(spell(p[1][1], k) + " " + spell(p[0][1], k) in spelt for k in KINDS)
            or " ".join(plain) in latin or " ".join(reversed(plain)) in latin or any(w in latin for w in plain)):
        continue
    before = ", ".join(rng.sample(fragments, rng.randint(1, 3)))
    ordinary_rows.append({"category": "ordinary", "artist": None, "prompt": f"portrait of {written(p, rng.choice(KINDS))}, {before}"})

with open(os.path.join(EVAL, "japanese.jsonl"), "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "japanese-ordinary.jsonl"), "w") as out:
    for row in ordinary_rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "japanese-phrases.txt"), "w") as out:
    for p in people:
        out.write(p[0][0] + p[1][0] + "\n")
print(f"{len(people)} names, {len(rows)} prompts, {len(ordinary_rows)} ordinary")

#!/usr/bin/env python3
"""Issue 23, item 5's Arabic and Hebrew renderings of Latin names, as a dev set: Tests/OptOutCoreTests/Eval/semitic.jsonl
(seed 20261207).

Source: Unicode CLDR's exemplar city names in English, Arabic and Hebrew, as the PyPI package babel 2.19 ships them
(Unicode licence): real renderings of names written in Latin letters (Tirana: تيرانا, טירנה), by CLDR's translators,
not by this project. Kept: names whose English form is Latin letters and whose Arabic or Hebrew form has as many
words, where the city's name is not translated (the Arabic or Hebrew form is no ordinary word of that language's
wordfreq list, the one the server ships as world-words.txt).

- semitic.jsonl: the renderings, `{"script": "arabic" | "hebrew", "latin": "Rio Gallegos", "rendering": "ريو جالييوس"}`.
- semitic-prompts.jsonl: `{"category": "arabic" | "hebrew", "artist", "prompt"}`, 300 two-word names a script made of
  two one-word renderings ("Tirana Kinshasa": تيرانا كينشاسا), inside an Arabic or Hebrew prompt written here.
- semitic-ordinary.jsonl: `{"prompt"}`, 2,000 ordinary prompts: 1,000 a language of 4 to 12 of the 20,000 commonest
  words of wordfreq's Arabic or Hebrew (world-words.txt), in an order of their frequency's chance.
"""
import random
import json
import os
import re
import unicodedata

from babel import Locale

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval", "semitic.jsonl")
world = {}
for line in open(os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "world-words.txt")):
    if not line.startswith("#"):
        language, word = line.rstrip("\n").split("\t")
        world.setdefault(language, set()).add(word)


def plain(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


english = Locale("en").time_zones
rows = []
for script, code, letters in (("arabic", "ar", r"[\u0621-\u064A ]+"), ("hebrew", "he", r"[\u05D0-\u05EA\u05F3\u05F4' ]+")):
    for zone, names in Locale(code).time_zones.items():
        rendering = names.get("city")
        latin = english.get(zone, {}).get("city") or zone.split("/")[-1].replace("_", " ")
        latin = plain(latin).replace("\u2019", "'")
        if not rendering or not re.fullmatch(r"[A-Za-z ]+", latin) or not re.fullmatch(letters, rendering):
            continue
        if len(latin.split()) != len(rendering.split()) or any(w in world[code] for w in rendering.split() if len(rendering.split()) == 1):
            continue
        rows.append({"script": script, "latin": latin, "rendering": rendering})
with open(OUT, "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
rng = random.Random(20261207)
TEMPLATES = {"arabic": ["لوحة بأسلوب {}، ألوان زيتية", "صورة لقلعة، {}، إضاءة سينمائية", "رسم {} لامرأة في الحديقة"],
             "hebrew": ["ציור בסגנון {}, צבעי שמן", "טירה בערפל, {}, תאורה קולנועית", "דיוקן של אישה מאת {}"]}
prompts = []
for script in ("arabic", "hebrew"):
    single = [r for r in rows if r["script"] == script and " " not in r["latin"]]
    for _ in range(300):
        first, second = rng.sample(single, 2)
        prompts.append({"category": script, "artist": f"{first['latin']} {second['latin']}",
                        "prompt": rng.choice(TEMPLATES[script]).format(f"{first['rendering']} {second['rendering']}")})
with open(os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval", "semitic-prompts.jsonl"), "w") as out:
    for row in prompts:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
ordinary = []
for code in ("ar", "he"):
    words = [l.rstrip("\n").split("\t")[1] for l in open(os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "world-words.txt"))
             if l.startswith(code + "\t")]
    weights = [1 / (rank + 10) for rank in range(len(words))]
    for _ in range(1000):
        ordinary.append({"prompt": " ".join(rng.choices(words, weights, k=rng.randint(4, 12)))})
with open(os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval", "semitic-ordinary.jsonl"), "w") as out:
    for row in ordinary:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
print(len(rows), "renderings;", sum(r["script"] == "arabic" for r in rows), "Arabic")

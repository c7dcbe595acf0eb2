#!/usr/bin/env python3
"""Chinese names in Latin letters, as a dev set: Tests/OptOutCoreTests/Eval/chinese.jsonl, chinese-phrases.txt and
chinese-ordinary.jsonl (seed 20261212).

Names: 300 Chinese names made by Faker 40 (zh_CN and zh_TW), registered in Han. Each is written in Latin letters by
pypinyin 0.55 (PyPI), family name first or last, inside fragments of the dev set's ordinary prompts:
- `zh_pinyin`: pinyin without tones, the given name joined, hyphenated or spaced ("Wang Xiuying", "Xiu-ying Wang");
- `zh_wade_giles`: Wade-Giles as pypinyin writes it, with or without its apostrophes, the given name hyphenated or
  joined ("Ch'i Pai-shih", "Chi Paishih"); its ü written u ("Hsu").
- chinese-ordinary.jsonl: 1,000 portraits of Chinese people who are not registered, written the same ways, none
  spelt as a registered name is in either way, and none holding a registered name's syllables as words of their own
  in either order ("Li Yang" for 杨立 written given name first; "Yu Ying Li" holds "Ying Li"). One inside a
  hyphenated or joined given name stays ("Chen Li-xue" beside the registered 陈莉).
"""
import json
import os
import random

from faker import Faker
from pypinyin import Style, pinyin

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
SEED = 20261212
rng = random.Random(SEED)

ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]
fragments = sorted({f for p in ordinary for f in p.split(", ") if f})


def syllables(name, style):
    return [s[0].replace("v", "u").replace("ü", "u") for s in pinyin(name, style=style)]


def spell(name, kind):
    style = Style.NORMAL if kind == "zh_pinyin" else Style.WADEGILES
    parts = syllables(name, style)
    if kind == "zh_wade_giles" and rng.random() < 0.5:
        parts = [p.replace("'", "") for p in parts]
    family, given = parts[0].capitalize(), parts[1:]
    joiner = rng.choice(["", "-", " "] if kind == "zh_pinyin" else ["-", ""])
    written = given[0].capitalize() + joiner + (given[1] if joiner != " " else given[1].capitalize()) if len(given) == 2 else given[0].capitalize()
    return rng.choice([f"{family} {written}", f"{written} {family}"])


def key(name, style):
    parts = [p.replace("'", "") for p in syllables(name, style)]
    return parts[0] + " " + "".join(parts[1:])


fakers = [Faker("zh_CN"), Faker("zh_TW")]
for f in fakers:
    f.seed_instance(SEED)
names = []
while len(names) < 300:
    name = rng.choice(fakers).name()
    if len(name) in (2, 3) and name not in names:
        names.append(name)
spelt = {key(n, s) for n in names for s in (Style.NORMAL, Style.WADEGILES)}
# The registered names as syllables, in both orders: a portrait whose written syllables hold one of them, apart
# ("Li Yang" for 杨立 given name first reads as 李洋; "Yu Ying Li" holds "Ying Li", 李英 family name last), names it
# as written and is left out; one inside a hyphenated or joined given name ("Chen Li-xue") is not.
registered = set()
for n in names:
    for s in (Style.NORMAL, Style.WADEGILES):
        parts = [p.replace("'", "") for p in syllables(n, s)]
        registered.add((parts[0], "".join(parts[1:])))
        registered.add(("".join(parts[1:]), parts[0]))


def holds_registered(written):
    words = [w.replace("'", "").lower() for w in written.split()]
    return any((a, b) in registered for a, b in zip(words, words[1:]))

rows = []
for kind in ("zh_pinyin", "zh_wade_giles"):
    for name in names:
        joiner = rng.choice(["by", "art by", "in the style of", "painted by", "ink painting by"])
        before = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
        rows.append({"category": kind, "artist": name, "prompt": f"{before}, {joiner} {spell(name, kind)}, {rng.choice(fragments)}"})

ordinary_rows = []
while len(ordinary_rows) < 1000:
    name = rng.choice(fakers).name()
    if len(name) not in (2, 3) or name in names or any(key(name, s) in spelt for s in (Style.NORMAL, Style.WADEGILES)):
        continue
    written = spell(name, rng.choice(["zh_pinyin", "zh_wade_giles"]))
    if holds_registered(written):
        continue
    before = ", ".join(rng.sample(fragments, rng.randint(1, 3)))
    ordinary_rows.append({"category": "ordinary", "artist": None, "prompt": f"portrait of {written}, {before}"})

with open(os.path.join(EVAL, "chinese.jsonl"), "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "chinese-ordinary.jsonl"), "w") as out:
    for row in ordinary_rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "chinese-phrases.txt"), "w") as out:
    for name in names:
        out.write(name + "\n")
print(f"{len(names)} names, {len(rows)} prompts, {len(ordinary_rows)} ordinary")

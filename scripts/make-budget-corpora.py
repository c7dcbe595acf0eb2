#!/usr/bin/env python3
"""Ordinary text for the work budget's headroom (optout-bench --budget-corpora): one prompt a line, `\\n` for a
line break, written to the folder given (default /tmp/optout-budget).

Sources, none of them held by the project's held-out sets:
- clip-long.txt: 500 prompts of about 4,000 scalars joined from the dev set's ordinary prompts (Eval/ordinary.jsonl,
  clip-interrogator fragments), as EvaluationTests builds them.
- world-<script>.txt: the world dev set's ordinary texts of each script, one by one, and joined to 800 and to 4,000
  scalars (Eval/world/ordinary.jsonl).
- licences.txt: English prose, the licences Debian ships in /usr/share/common-licenses (base-files), in pieces of
  800 and 4,000 scalars.
- mentions.txt: prompts of 30 to 200 @mentions and hashtags of made-up handles: one to three dictionary words
  (Resources/english-words.txt), run together or joined by `_` or `.`, some with digits.
- discord.txt: 20,000 Stable Diffusion Discord prompts, when the corpus is given (--discord FILE, one prompt a line;
  bartman081523/stable-diffusion-discord-messages, not committed).
"""
import json
import os
import random
import sys
import unicodedata

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "/tmp/optout-budget"
os.makedirs(out, exist_ok=True)
rng = random.Random(20261206)


def write(name, prompts):
    with open(os.path.join(out, name), "w") as f:
        for p in prompts:
            f.write(p.replace("\n", "\\n") + "\n")


def cut(text, n):
    return text[:n]


ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(root, "Tests/OptOutCoreTests/Eval/ordinary.jsonl"))]
long_prompts, index = [], 0
for _ in range(500):
    p = ""
    while len(p) < 3800:
        p += (", " if p else "") + ordinary[index % len(ordinary)]
        index += 7
    long_prompts.append(cut(p, 4000))
write("clip-long.txt", long_prompts)


def script_of(text):
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x2FF:
            name = unicodedata.name(ch, "")
            for s in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "CYRILLIC", "GREEK", "ARABIC", "HEBREW"):
                if s in name:
                    return {"HIRAGANA": "kana", "KATAKANA": "kana", "CJK": "han"}.get(s, s.lower())
    return None


world = [json.loads(l)["prompt"] for l in open(os.path.join(root, "Tests/OptOutCoreTests/Eval/world/ordinary.jsonl"))]
by_script = {}
for text in world:
    s = script_of(text)
    if s:
        by_script.setdefault(s, []).append(text)
for s, texts in sorted(by_script.items()):
    rows = list(texts)
    for size in (800, 4000):
        for _ in range(100):
            joined = ""
            while len(joined) < size:
                joined += ("\n" if joined else "") + rng.choice(texts)
            rows.append(cut(joined, size))
    write(f"world-{s}.txt", rows)

prose = ""
folder = "/usr/share/common-licenses"
if os.path.isdir(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            prose += open(path, errors="replace").read() + "\n"
pieces = []
for size in (800, 4000):
    for start in range(0, max(len(prose) - size, 0), size * 3):
        pieces.append(" ".join(prose[start:start + size].split()))
write("licences.txt", pieces[:400])

words = [w.strip() for w in open(os.path.join(root, "Sources/OptOutServer/Resources/english-words.txt")) if w.strip() and not w.startswith("#")]
common = [w for w in words if 3 <= len(w) <= 8][:20000]
mentions = []
for _ in range(300):
    count = rng.randint(30, 200)
    handles = []
    for _ in range(count):
        handle = rng.choice(["", "_", "."]).join(rng.choice(common) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.3:
            handle += str(rng.randint(1, 999))
        handles.append(("@" if rng.random() < 0.8 else "#") + handle)
    mentions.append(cut(" ".join(handles), 4000))
write("mentions.txt", mentions)

if "--discord" in sys.argv:
    path = sys.argv[sys.argv.index("--discord") + 1]
    lines = [l.rstrip("\n") for l in open(path, errors="replace") if l.strip()]
    rng.shuffle(lines)
    write("discord.txt", [cut(l, 4000) for l in lines[:20000]])
print("wrote", sorted(os.listdir(out)), "to", out)

# A registry of 20,000 names in the world set's 24 locales, each in its own script (Faker, another seed than the
# world set's), for optout-bench --phrases: the budget is measured with names of every script registered.
try:
    from faker import Faker
    locales = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "pt_BR", "nl_NL", "sv_SE", "cs_CZ", "hu_HU", "tr_TR",
               "vi_VN", "da_DK", "hr_HR", "ru_RU", "uk_UA", "el_GR", "ja_JP", "zh_CN", "ko_KR", "hi_IN", "ar_AA", "he_IL"]
    fakes = {locale: Faker(locale) for locale in locales}
    for fake in fakes.values():
        fake.seed_instance(20261206)
    names, seen = [], set()
    while len(names) < 20000:
        locale = locales[len(names) % len(locales)]
        name = fakes[locale].name()
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    with open(os.path.join(out, "names-24-locales.phrases"), "w") as f:
        f.write("\n".join(names) + "\n")
except ImportError:
    print("faker not installed: no names-24-locales.phrases")

#!/usr/bin/env python3
"""Issue 23's readings, as a dev set: Tests/OptOutCoreTests/Eval/v3.jsonl and v3-ordinary.jsonl (seed 20261206).

Names: the dev set's artists (Eval/phrases.txt: clip-interrogator 0.6.0's artists.txt, MIT). Context: fragments of
the dev set's ordinary prompts (Eval/ordinary.jsonl, clip-interrogator's flavors.txt with every fragment that names an
artist left out). Nothing here comes from the held-out sets.

- v3.jsonl: 400 prompts for each reading, each naming one artist: `sd_weights` ("(Greg:1.2) (Rutkowski:1.1)",
  "[Greg] [Rutkowski]"), `keywords` (AND, BREAK), `mj_weights` ("Greg::1.5 Rutkowski::1"), `middle_initial`
  ("Greg M. Rutkowski"), `aside` ("Greg (artist) Rutkowski", 'Greg "the master" Rutkowski'), `initials`
  ("G. Rutkowski", only names whose surname has five letters or more and is no English word nor a frequent word of
  any of wordfreq's 23 languages, as the gate reads them), `glued`
  ("gregrutkowskistyle", "artbygregrutkowski"), `partial_spacing` ("Greg Rut kow ski") and `hyphenated`
  ("Rutkow-\\nski").
- v3-ordinary.jsonl: 4,000 ordinary prompts written with the same syntax: weights on fragments, AND and BREAK between
  them, Midjourney weights and parameters, asides in brackets and quotes, words hyphenated at a line break.
"""
import json
import os
import random
import re
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
PER_KIND = 400
ORDINARY = 4000
rng = random.Random(20261206)

artists = [l.strip() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()]
ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]
fragments = sorted({f for p in ordinary for f in p.split(", ") if f})
english = {w.strip().lower() for w in open(os.path.join(ROOT, "Sources/OptOutServer/Resources/english-words.txt")) if not w.startswith("#")}
# The frequent words of 23 languages (wordfreq, as the server reads them): a surname among them takes no initials.
frequent = {l.rstrip("\n").split("\t")[-1] for l in open(os.path.join(ROOT, "Sources/OptOutServer/Resources/world-words.txt")) if not l.startswith("#")}


def plain(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words_of(name):
    return name.split()


def multi(name):
    ws = words_of(name)
    return len(ws) >= 2 and all(re.fullmatch(r"[A-Za-z][A-Za-z'\-]*", plain(w)) for w in ws)


def sd_weights(name):
    ws = words_of(name)
    if len(ws) < 2:
        return None
    style = rng.choice(["round", "square", "double"])
    if style == "round":
        return " ".join(f"({w}:{rng.choice(['1.1', '1.2', '1.3', '0.9', '1.5'])})" for w in ws)
    if style == "square":
        return " ".join(f"[{w}]" for w in ws)
    return " ".join(f"(({w}))" for w in ws)


def keywords(name):
    ws = words_of(name)
    if len(ws) < 2:
        return None
    keyword = rng.choice([" AND ", " BREAK "])
    cut = rng.randint(1, len(ws) - 1)
    return " ".join(ws[:cut]) + keyword + " ".join(ws[cut:])


def mj_weights(name):
    ws = words_of(name)
    if len(ws) < 2:
        return None
    return " ".join(f"{w}::{rng.choice(['', '1', '1.5', '2', '0.5'])}" for w in ws)


def middle_initial(name):
    ws = words_of(name)
    if len(ws) < 2:
        return None
    letter = rng.choice("ABCDEFGHJKLMNPRSTW")
    return " ".join(ws[:-1]) + f" {letter}{rng.choice(['.', ''])} " + ws[-1]


ASIDES = ["(artist)", "(painter)", "(illustrator)", "\"the master\"", "(1920)", "\u201cthe elder\u201d", "(concept artist)", "\"the great\""]


def aside(name):
    ws = words_of(name)
    if len(ws) < 2:
        return None
    cut = rng.randint(1, len(ws) - 1)
    return " ".join(ws[:cut]) + " " + rng.choice(ASIDES) + " " + " ".join(ws[cut:])


def initials(name):
    ws = words_of(plain(name))
    if not multi(name) or len(ws) > 4:
        return None
    surname = ws[-1].lower()
    if len(surname) < 5 or surname in english or surname in frequent or not surname.isalpha() or any(len(w) < 2 for w in ws[:-1]):
        return None
    if len(ws) > 2 and rng.random() < 0.5:
        return "".join(w[0].upper() + "." for w in ws[:-1]) + " " + ws[-1]
    return ws[0][0].upper() + rng.choice([".", ""]) + " " + ws[-1]


def glued(name):
    joined = re.sub(r"[^a-z]", "", plain(name).lower())
    if len(joined) < 5:
        return None
    before = rng.choice(["", "", "artby", "inthestyleof", "by", "styleof"])
    after = rng.choice(["style", "art", "artstyle", "inspired", ""]) if not before else rng.choice(["", "", "style"])
    if not before and not after:
        after = "style"
    return rng.choice(["", "#"]) + before + joined + after


def split_word(word, pieces):
    if len(word) < 3 * pieces - 1:
        return None
    cuts = sorted(rng.sample(range(2, len(word) - 1), pieces - 1))
    parts = [word[i:j] for i, j in zip([0] + cuts, cuts + [len(word)])]
    if any(len(p) < 2 or len(p) > 6 for p in parts):
        return None
    return parts


def partial_spacing(name):
    ws = words_of(name)
    longest = max(range(len(ws)), key=lambda i: len(ws[i]))
    word = ws[longest]
    if len(word) < 7 or not plain(word).isalpha():
        return None
    for _ in range(10):
        parts = split_word(word, 3 if len(word) <= 12 else 4)
        if parts:
            return " ".join(ws[:longest] + [" ".join(parts)] + ws[longest + 1:])
    return None


def hyphenated(name):
    ws = words_of(name)
    longest = max(range(len(ws)), key=lambda i: len(ws[i]))
    word = ws[longest]
    if len(word) < 6 or not plain(word).isalpha():
        return None
    cut = rng.randint(2, len(word) - 2)
    return " ".join(ws[:longest] + [word[:cut] + rng.choice(["-\n", "- ", "-"]) + word[cut:]] + ws[longest + 1:])


KINDS = {"sd_weights": sd_weights, "keywords": keywords, "mj_weights": mj_weights, "middle_initial": middle_initial,
         "aside": aside, "initials": initials, "glued": glued, "partial_spacing": partial_spacing, "hyphenated": hyphenated}


def context(disguised):
    before = ", ".join(rng.sample(fragments, rng.randint(2, 5)))
    after = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
    joiner = rng.choice(["by", "art by", "in the style of", "inspired by", "painted by", "style of"])
    if disguised.startswith("#") or disguised.startswith("artby") or disguised.startswith("inthestyleof"):
        return f"{before}, {disguised}, {after}"
    return f"{before}, {joiner} {disguised}, {after}"


def decorate(prompt):
    """An ordinary prompt in generators' syntax."""
    parts = prompt.split(", ")
    out = []
    for part in parts:
        r = rng.random()
        if r < 0.2:
            part = f"({part}:{rng.choice(['1.1', '1.2', '1.4', '0.8'])})"
        elif r < 0.3:
            part = f"[{part}]"
        elif r < 0.4:
            part = f"(({part}))"
        elif r < 0.45:
            words = part.split()
            if len(words) >= 2:
                cut = rng.randint(1, len(words) - 1)
                part = " ".join(words[:cut]) + " " + rng.choice(ASIDES) + " " + " ".join(words[cut:])
        elif r < 0.5:
            words = part.split()
            longest = max(words, key=len)
            if len(longest) >= 6:
                cut = rng.randint(2, len(longest) - 2)
                part = part.replace(longest, longest[:cut] + "-\n" + longest[cut:], 1)
        out.append(part)
    joined = ""
    for index, part in enumerate(out):
        if index:
            joined += rng.choice([", ", ", ", ", ", " AND ", " BREAK ", ", ", ":: ", "::2 "])
        joined += part
    if rng.random() < 0.3:
        joined += rng.choice([" --ar 16:9", " --v 5 --stylize 250", " --ar 2:3 --no text", " --q 2"])
    return joined


rows = []
for kind, make in KINDS.items():
    made, tries = 0, 0
    while made < PER_KIND and tries < 200000:
        tries += 1
        artist = rng.choice(artists)
        disguised = make(artist)
        if not disguised:
            continue
        rows.append({"category": kind, "artist": artist, "prompt": context(disguised)})
        made += 1
with open(os.path.join(EVAL, "v3.jsonl"), "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "v3-ordinary.jsonl"), "w") as out:
    for prompt in rng.sample(ordinary, ORDINARY):
        out.write(json.dumps({"prompt": decorate(prompt)}, ensure_ascii=False) + "\n")
print(f"{len(rows)} prompts in {len(KINDS)} readings, {ORDINARY} ordinary prompts in generators' syntax -> {EVAL}")

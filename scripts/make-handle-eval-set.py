#!/usr/bin/env python3
"""Misspelt handles, as a dev set: Tests/OptOutCoreTests/Eval/handles.jsonl (seed 20261209).

Names: 600 of the dev set's artists of two words or more in plain Latin letters (Eval/phrases.txt: clip-interrogator
0.6.0's artists.txt, MIT). Context: fragments of the dev set's ordinary prompts. Nothing here comes from the held-out
sets. Each name is run together as an account handle ("@gregrutkowski", "gregrutkowski_art",
"@greg.rutkowski") with one slip anywhere after its first letter: a letter left out (`handle_del`), added
(`handle_ins`), changed (`handle_sub`), doubled (`handle_double`) or two letters swapped (`handle_swap`).
"""
import json
import os
import random
import re
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
rng = random.Random(20261209)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def plain(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


names = [l.strip() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()]
names = [n for n in names if len(n.split()) >= 2 and re.fullmatch(r"[a-z ]+", plain(n).lower())]
fragments = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]


def slip(word):
    at = rng.randrange(1, len(word))
    kind = rng.choice(["del", "ins", "sub", "swap", "double"])
    if kind == "swap" and at == len(word) - 1:
        kind = "del"
    if kind == "del":
        return word[:at] + word[at + 1:], kind
    if kind == "ins":
        return word[:at] + rng.choice(LETTERS) + word[at:], kind
    if kind == "sub":
        return word[:at] + rng.choice(LETTERS.replace(word[at], "")) + word[at + 1:], kind
    if kind == "double":
        return word[:at] + word[at] + word[at:], kind
    return word[:at] + word[at + 1] + word[at] + word[at + 2:], kind


with open(os.path.join(EVAL, "handles.jsonl"), "w") as out:
    for name in rng.sample(names, 600):
        words = plain(name).lower().split()
        style = rng.choice(["at", "at_underscore", "suffix", "at_suffix", "dots"])
        suffix = rng.choice(["art", "official", "studio", "arts", "draws"])
        if style == "dots":
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            words[longest], kind = slip(words[longest])
            handle = "@" + ".".join(words)
        else:
            joined, kind = slip("".join(words))
            handle = {"at": "@" + joined, "at_underscore": "@" + joined + "_", "suffix": joined + "_" + suffix,
                      "at_suffix": "@" + joined + suffix}[style]
        prompt = rng.choice(fragments) + ", art by " + handle
        out.write(json.dumps({"category": "handle_" + kind, "artist": name, "prompt": prompt}, ensure_ascii=False) + "\n")

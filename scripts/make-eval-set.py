#!/usr/bin/env python3
"""Builds the prompt gate's dev set in Tests/OptOutCoreTests/Eval/ (deterministic: seed 20261126).

Data: artists.txt (5,265 artist names) and flavors.txt (100,970 prompt fragments) from the PyPI package
clip-interrogator 0.6.0 (MIT licence, (c) 2022 pharmapsychotic), fetched with pip.

- phrases.txt: every artist name, one a line: the registry under test.
- disguised.jsonl: for each disguise, prompts that name one artist in that disguise, inside real prompt fragments:
  {"category", "artist", "prompt"}. Categories: case, marks, confusable, invisible, spacing, separator,
  concatenation, leet, fuzzy (one substitution, deletion or transposition in a word of 6+ letters), combo (two
  non-fuzzy disguises at once) and combo_fuzzy (a misspelling plus another disguise).
- ordinary.jsonl: prompts of 4 to 12 fragments that name no artist: fragments holding an artist's full name, or a
  word of six or more letters that is one edit from a word of an artist's name, are left out, so a refusal is a
  false positive of the gate's views, not a real name.
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
PER_CATEGORY = 1000
ORDINARY = 10000
rng = random.Random(20261126)


def load():
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", directory, "clip-interrogator==0.6.0"], check=True)
        wheel = [f for f in os.listdir(directory) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(directory, wheel)) as archive:
            artists = archive.read("clip_interrogator/data/artists.txt").decode().splitlines()
            flavors = archive.read("clip_interrogator/data/flavors.txt").decode().splitlines()
    return [a.strip() for a in artists if a.strip()], [f.strip() for f in flavors if f.strip()]


def skeleton(word):
    """The gate's phonetic skeleton (Sources/OptOutCore/Normalization/Transliteration.swift, Phonetic)."""
    out = []
    i = 0
    def push(c):
        if not out or out[-1] != c:
            out.append(c)
    while i < len(word):
        pair = word[i:i + 2]
        if pair in ("sh", "zh"):
            push(word[i]); i += 2
        elif pair in ("kh", "gh"):
            push("h" if pair == "kh" else "g"); i += 2
        elif pair in ("ch", "ck"):
            push("k"); i += 2
        elif pair == "ph":
            push("f"); i += 2
        elif pair == "th":
            push("t"); i += 2
        elif pair in ("ts", "tz", "dz"):
            push("z"); i += 2
        elif pair == "ou":
            push("u"); i += 2
        elif pair == "nd":
            push("n"); push("t"); i += 2
        else:
            c = word[i]
            if c in "cq":
                push("k")
            elif c == "w":
                push("v")
            elif c in "yj":
                push("i")
            elif c == "x":
                push("k"); push("s")
            else:
                push(c)
            i += 1
    return "".join(out)


def words(text):
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", stripped.lower())


CONFUSABLE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445", "y": "\u0443",
              "i": "\u0456", "s": "\u0455", "j": "\u0458", "h": "\u04bb", "A": "\u0391", "B": "\u0392", "E": "\u0395",
              "H": "\u0397", "K": "\u039a", "M": "\u039c", "N": "\u039d", "O": "\u039f", "P": "\u03a1", "T": "\u03a4"}
ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "c": "ç", "y": "ý", "A": "Á", "E": "É", "O": "Ö"}
LEET = {"a": "4", "e": "3", "i": "1", "l": "1", "o": "0", "s": "5", "t": "7"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff", "\u2060", "\u202e", "\u2066"]


def case(name):
    return rng.choice([name.upper(), name.lower(), name.swapcase(), "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name))])


def marks(name):
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if stripped != name:
        return stripped
    positions = [i for i, c in enumerate(name) if c in ACCENT]
    if not positions:
        return name[0] + "\u0301" + name[1:]
    out = list(name)
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 2))):
        out[i] = ACCENT[out[i]]
    return "".join(out)


def confusable(name):
    style = rng.random()
    if style < 0.2:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    if style < 0.3:
        def bold(c):
            if "A" <= c <= "Z":
                return chr(0x1D400 + ord(c) - 65)
            if "a" <= c <= "z":
                return chr(0x1D41A + ord(c) - 97)
            return c
        return "".join(bold(c) for c in name)
    positions = [i for i, c in enumerate(name) if c in CONFUSABLE]
    if not positions:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    out = list(name)
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 3))):
        out[i] = CONFUSABLE[out[i]]
    return "".join(out)


def invisible(name):
    out = list(name)
    for _ in range(rng.randint(1, 3)):
        out.insert(rng.randint(1, len(out) - 1), rng.choice(INVISIBLE))
    return "".join(out)


def spacing(name):
    letters = [c for c in name if c.isalnum()]
    return rng.choice([" ", ".", " ", "-"]).join(letters)


def separator(name):
    parts = name.split()
    if len(parts) < 2:
        return None
    return rng.choice(["_", ".", "-", "/", "+", "__"]).join(parts)


def concatenation(name):
    parts = name.split()
    if len(parts) < 2:
        return None
    if rng.random() < 0.5:
        return "#" + "".join(p[:1].upper() + p[1:] for p in parts)
    return "".join(parts).lower()


def leet(name):
    positions = [i for i, c in enumerate(name) if c.lower() in LEET]
    if not positions:
        return None
    out = list(name)
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 3))):
        out[i] = LEET[out[i].lower()]
    return "".join(out)


def fuzzy(name):
    tokens = re.split(r"(\W+)", name)
    long_words = [i for i, t in enumerate(tokens) if len(t) >= 6 and t.isalpha()]
    if not long_words:
        return None
    i = rng.choice(long_words)
    word = tokens[i]
    kind = rng.choice(["sub", "del", "swap"])
    p = rng.randint(1, len(word) - 2)
    if kind == "sub":
        letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[p].lower()])
        word = word[:p] + letter + word[p + 1:]
    elif kind == "del":
        word = word[:p] + word[p + 1:]
    else:
        if word[p] == word[p + 1]:
            return None
        word = word[:p] + word[p + 1] + word[p] + word[p + 2:]
    tokens[i] = word
    return "".join(tokens)


SIMPLE = {"case": case, "marks": marks, "confusable": confusable, "invisible": invisible, "spacing": spacing,
          "separator": separator, "concatenation": concatenation, "leet": leet, "fuzzy": fuzzy}
# Pairs that compose: the second is applied to the first's output.
COMBOS = [("leet", "separator"), ("leet", "concatenation"), ("confusable", "case"), ("marks", "invisible"),
          ("leet", "spacing"), ("invisible", "leet"), ("case", "separator"), ("confusable", "concatenation"),
          ("marks", "leet"), ("case", "spacing")]
FUZZY_COMBOS = [("fuzzy", "case"), ("fuzzy", "leet"), ("fuzzy", "confusable"), ("fuzzy", "separator"),
                ("fuzzy", "concatenation"), ("fuzzy", "invisible"), ("fuzzy", "marks")]


def main():
    artists, flavors = load()
    os.makedirs(OUT, exist_ok=True)
    name_words = {tuple(words(a)) for a in artists if words(a)}
    max_len = max(len(n) for n in name_words)
    long_name_words = {w for n in name_words for w in n if len(w) >= 6}

    def one_edit(a, b):
        if abs(len(a) - len(b)) > 1 or a == b:
            return False
        if len(a) == len(b):
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
        long, short = (a, b) if len(a) > len(b) else (b, a)
        return any(long[:i] + long[i + 1:] == short for i in range(len(long)))

    by_length = {}
    for w in long_name_words:
        by_length.setdefault(len(w), []).append(w)

    def names_an_artist(fragment):
        ws = words(fragment)
        for n in range(1, max_len + 1):
            for i in range(len(ws) - n + 1):
                if tuple(ws[i:i + n]) in name_words:
                    return True
        for w in ws:
            if len(w) >= 5 and any(one_edit(w, c) for L in (len(w) - 1, len(w), len(w) + 1) for c in by_length.get(L, [])):
                return True
        return False

    clean = [f for f in flavors if not names_an_artist(f)]
    print(f"{len(artists)} artists; {len(clean)} of {len(flavors)} fragments name no artist")
    # The ordinary prompts also leave out fragments that name an artist surname first ("shinkai makoto",
    # "bowater charlie"), which the gate reads as names since it reads word order; the disguised prompts keep `clean`
    # so they stay as they were.
    rotated = {n[-1:] + n[:-1] for n in name_words if len(n) in (2, 3)}

    def names_an_artist_surname_first(fragment):
        ws = words(fragment)
        return any(tuple(ws[i:i + n]) in rotated for n in (2, 3) for i in range(len(ws) - n + 1))

    ordinary_fragments = [f for f in clean if not names_an_artist_surname_first(f)]
    print(f"{len(clean) - len(ordinary_fragments)} more fragments name an artist surname first")
    # Since the gate reads a slip in a word of four or five letters when the rest of the name is exact ("patrick
    # nagle"), and spellings that sound alike ("vlop" for WLOP), fragments that name an artist so are left out too.
    sounds = {tuple(skeleton(w) for w in n) for n in name_words}
    short_slips = {}
    for n in name_words:
        if len(n) < 2:
            continue
        for i, w in enumerate(n):
            if 4 <= len(w) <= 5:
                short_slips.setdefault(n[:i] + ("*",) + n[i + 1:], []).append(w)

    anchored = {}
    for n in name_words:
        if len(n) >= 2 and sum(len(w) for w in n) >= 12:
            for j, w in enumerate(n):
                anchored.setdefault((len(n), j, w), []).append(n)

    def distance(a, b, limit=2):
        if abs(len(a) - len(b)) > limit:
            return limit + 1
        previous2, previous = None, list(range(len(b) + 1))
        for i in range(1, len(a) + 1):
            current = [i] + [0] * len(b)
            for j in range(1, len(b) + 1):
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
                if previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                    current[j] = min(current[j], previous2[j - 2] + 1)
            previous2, previous = previous, current
        return previous[-1]

    single_words = {n[0] for n in name_words if len(n) == 1}

    joined_names = {"".join(n) for n in name_words if len(n) >= 2 and len("".join(n)) >= 10}
    for n in name_words:
        if len(n) in (2, 3):
            rotated_name = n[-1:] + n[:-1]
            if sum(len(w) for w in n) >= 12:
                for j, w in enumerate(rotated_name):
                    anchored.setdefault((len(n), j, w), []).append(rotated_name)

    def names_an_artist_by_ear_or_slip(fragment):
        ws = [re.sub(r"\d+k$", "", w) for w in words(fragment)]
        # A name run together ("krenzcushart"), or written with a short word split ("le - page").
        if any(w in joined_names for w in ws):
            return True
        for i in range(len(ws) - 1):
            if len(ws[i]) <= 5 and len(ws[i + 1]) <= 5:
                joined = ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2:]
                if any(tuple(joined[k:k + n]) in name_words for n in range(1, max_len + 1) for k in range(len(joined) - n + 1)):
                    return True
        return by_ear_or_slip(ws)

    def by_ear_or_slip(ws):
        # Words with a resolution stuck to them ("frazetta8k") are read without it, as the gate reads them.
        # A one-word name written as two short words ("ross draws").
        if any(a + b in single_words for a, b in zip(ws, ws[1:]) if len(a) <= 5 and len(b) <= 5):
            return True
        for n in range(2, max_len + 1):
            for i in range(len(ws) - n + 1):
                window = tuple(ws[i:i + n])
                for j, w in enumerate(window):
                    for name in anchored.get((n, j, w), []):
                        if sum(distance(x, y) for x, y in zip(window, name)) <= 2:
                            return True
        for n in range(1, max_len + 1):
            for i in range(len(ws) - n + 1):
                window = tuple(ws[i:i + n])
                if tuple(skeleton(w) for w in window) in sounds:
                    return True
                for j in range(n):
                    key = window[:j] + ("*",) + window[j + 1:]
                    if any(one_edit(window[j], w) for w in short_slips.get(key, [])):
                        return True
        return False

    before = len(ordinary_fragments)
    ordinary_fragments = [f for f in ordinary_fragments if not names_an_artist_by_ear_or_slip(f)]
    print(f"{before - len(ordinary_fragments)} more fragments name an artist by ear or with a slip in a short word")

    def context(disguised):
        before = ", ".join(rng.sample(clean, rng.randint(2, 5)))
        after = ", ".join(rng.sample(clean, rng.randint(1, 4)))
        joiner = rng.choice(["by", "art by", "in the style of", "inspired by", "painted by", "style of"])
        return f"{before}, {joiner} {disguised}, {after}"

    with open(os.path.join(OUT, "phrases.txt"), "w") as out:
        out.write("\n".join(artists) + "\n")
    rows = []
    for category, function in SIMPLE.items():
        made = 0
        while made < PER_CATEGORY:
            artist = rng.choice(artists)
            disguised = function(artist)
            if disguised is None or disguised == artist and category != "case":
                continue
            rows.append({"category": category, "artist": artist, "prompt": context(disguised)})
            made += 1
    for category, pairs in (("combo", COMBOS), ("combo_fuzzy", FUZZY_COMBOS)):
        made = 0
        while made < PER_CATEGORY:
            artist = rng.choice(artists)
            first, second = rng.choice(pairs)
            step = SIMPLE[first](artist)
            if step is None:
                continue
            disguised = SIMPLE[second](step)
            if disguised is None:
                continue
            rows.append({"category": category, "artist": artist, "prompt": context(disguised), "disguises": [first, second]})
            made += 1
    with open(os.path.join(OUT, "disguised.jsonl"), "w") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "ordinary.jsonl"), "w") as out:
        for _ in range(ORDINARY):
            out.write(json.dumps({"prompt": ", ".join(rng.sample(ordinary_fragments, rng.randint(4, 12)))}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} disguised prompts, {ORDINARY} ordinary prompts -> {OUT}")


if __name__ == "__main__":
    main()

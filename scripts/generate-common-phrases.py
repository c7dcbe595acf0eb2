#!/usr/bin/env python3
"""Builds Sources/OptOutServer/Resources/common-phrases.txt: the word sequences that ordinary prompts use as
phrases, for the collision guard (a phrase found here waits for a moderator instead of blocking at once).

Background corpus: the prompt vocabulary of the PyPI package clip-interrogator 0.6.0 (MIT licence,
(c) 2022 pharmapsychotic): flavors.txt (100,970 real prompt fragments), mediums.txt, movements.txt and
negative.txt, fetched with pip. Fragments that hold an artist's full name (from its artists.txt) are left out, so
a real artist's name never counts as an everyday phrase; so are fragments holding a word of an artist's name that is
no English word, as written or one slip away ("rene margitte", "ilya kushinov": people misspell names), the filter
of scripts/generate-guard-lists.py.

A sequence of 2 to 5 words is listed when at least THRESHOLD distinct fragments hold it as whole words. Words are
folded as the gate folds them (NFKD, marks dropped, lower case, letters and digits only), which the guard repeats
with Folding.words before comparing.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "common-phrases.txt")
THRESHOLD = 3
MAX_WORDS = 5


def words(text):
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", stripped.lower())


def load():
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", directory, "clip-interrogator==0.6.0"], check=True)
        wheel = [f for f in os.listdir(directory) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(directory, wheel)) as archive:
            read = lambda name: archive.read("clip_interrogator/data/" + name).decode().splitlines()
            artists = read("artists.txt")
            fragments = read("flavors.txt") + read("mediums.txt") + read("movements.txt") + read("negative.txt")
    return [a for a in artists if a.strip()], [f for f in fragments if f.strip()]


def main():
    artists, fragments = load()
    names = {" ".join(words(a)) for a in artists}
    names = {n for n in names if " " in n}
    import importlib.util
    spec = importlib.util.spec_from_file_location("lists", os.path.join(ROOT, "scripts", "generate-guard-lists.py"))
    lists = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lists)
    misspelt = lists.ArtistFilter({tuple(words(a)) for a in artists if words(a)})
    counts = collections.Counter()
    kept = 0
    for fragment in fragments:
        folded = words(fragment)
        text = " " + " ".join(folded) + " "
        if any(" " + name + " " in text for name in names if name.split()[0] in folded) or misspelt.names_an_artist(folded):
            continue
        kept += 1
        seen = set()
        for n in range(2, MAX_WORDS + 1):
            for i in range(len(folded) - n + 1):
                seen.add(" ".join(folded[i:i + n]))
        counts.update(seen)
    common = sorted(p for p, c in counts.items() if c >= THRESHOLD)
    with open(OUT, "w") as out:
        out.write(f"# Word sequences that at least {THRESHOLD} of {kept:,} ordinary prompt fragments hold as whole words;\n")
        out.write("# made by scripts/generate-common-phrases.py from clip-interrogator 0.6.0 (MIT, (c) 2022 pharmapsychotic).\n")
        for phrase in common:
            out.write(phrase + "\n")
    print(f"{len(common):,} common phrases from {kept:,} fragments ({len(fragments) - kept:,} naming an artist left out)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds Sources/OptOutServer/Resources/cjk-common-words.txt: common two-character Chinese (and so Japanese kanji)
words, for the collision guard. A phrase of a script written without spaces is found inside runs of its script, so a
two-character name that is also an everyday word ("中国", "发展") would be found in ordinary text: such a phrase waits
for a moderator instead of blocking at once.

Source: the dictionary of the PyPI package jieba 0.42.1 (MIT licence), with word frequencies from its corpus: the
COUNT most frequent words of two characters, person names (part of speech `nr`) left out.
Run:  python3 scripts/generate-cjk-words.py
"""
import os
import subprocess
import sys
import tarfile
import tempfile

COUNT = 20000
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "cjk-common-words.txt")

with tempfile.TemporaryDirectory() as directory:
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", directory, "jieba==0.42.1"], check=True)
    archive = [f for f in os.listdir(directory) if f.endswith(".tar.gz")][0]
    with tarfile.open(os.path.join(directory, archive)) as tar:
        text = tar.extractfile("jieba-0.42.1/jieba/dict.txt").read().decode("utf-8")
rows = []
for line in text.splitlines():
    parts = line.split()
    if len(parts) >= 2 and len(parts[0]) == 2 and all("\u4e00" <= c <= "\u9fff" for c in parts[0]):
        if len(parts) > 2 and parts[2] == "nr":
            continue
        rows.append((-int(parts[1]), parts[0]))
rows.sort()
words = [w for _, w in rows[:COUNT]]
with open(OUT, "w", encoding="utf-8") as out:
    out.write(f"# The {len(words)} most frequent two-character words of jieba 0.42.1's dictionary (MIT), person names left out.\n")
    out.write("# Made by scripts/generate-cjk-words.py; do not edit.\n")
    out.write("\n".join(words) + "\n")
print(f"{len(words)} words -> {OUT}")

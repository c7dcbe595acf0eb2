#!/usr/bin/env python3
"""Katakana renderings of names written in Latin letters, for the gate's katakana readings of a Latin registration
("Greg Rutkowski" is also found as グレッグ・ルトコフスキ): Sources/OptOutServer/Resources/katakana-names.txt.

Source: JMnedict (the EDRDG's Japanese names dictionary, CC BY-SA 4.0), as the PyPI package jamdict-data 1.5 ships
it (an SQLite file). Kept: entries written in katakana only whose gloss is in Latin letters, of every type (the
dictionary types "Smith" as a place; a word is only ever used to render a registered name's word). A one-word entry gives
its word (ブルーノ: Bruno); a full name whose words the katakana parts with ・ or ＝ gives each word (ブルーノ・ワルター:
Bruno, Walter). A word keeps at most four renderings, the most frequent first.

Held out: the full names of people whose idseq hashes into the dev half (see scripts/make-katakana-eval-set.py) give
nothing here, so that the dev set measures names the file was not made from.

Japanese names in romaji: romaji writes a long vowel once ("Ryohei", "Yuichi", "Ohara"), kana twice (りょうへい,
ゆういち, おおはら). For every family or given name of JMnedict read in hiragana whose Hepburn romaji drops a long vowel,
the romaji gives its kana (at most three, the most frequent first); the gate writes any other romaji in kana syllable
by syllable.

Ordinary katakana words: JMdict's katakana words with a priority mark (news, ichi, spec, gai: the common ones,
アイスクリーム, スマートフォン). A name whose katakana rendering is one of them is not read in katakana: the rendering is
ordinary Japanese text (the server adds wordfreq's Japanese words, world-words.txt).

Output lines: `F`, the folded Latin word, its katakana renderings comma-separated; `R`, romaji, its hiragana
readings with long vowels comma-separated; `O`, an ordinary katakana word; tab-separated.
Usage: scripts/generate-katakana-names.py [path/to/jamdict.db]  (default: download jamdict-data with pip)
"""
import collections
import hashlib
import importlib.util
import os
import re
import sys
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Sources", "OptOutServer", "Resources", "katakana-names.txt")
KATAKANA = re.compile(r"[\u30A1-\u30FA\u30FC]+")


def held_out(idseq):
    """The dev half: full names of people kept for the katakana dev set."""
    return hashlib.sha256(f"katakana-dev:{idseq}".encode()).digest()[0] % 2 == 0


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def latin_words(gloss):
    gloss = re.sub(r"\([^)]*\)", " ", gloss)
    words = re.split(r"[\s\-]+", fold(gloss).replace("'", "").replace("\u2019", "").strip())
    return [w for w in words if w]


def kana_words(kana):
    return [w for w in re.split(r"[\u30FB\uFF1D=\u30A0 ]", kana) if w]


def entries(db):
    query = """SELECT k.idseq, k.text, g.text,
                      (SELECT group_concat(ty.text) FROM NETransType ty WHERE ty.tid = t.ID)
               FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq JOIN NETransGloss g ON g.tid = t.ID"""
    for idseq, kana, gloss, types in db.execute(query):
        kinds = set((types or "unclass").split(","))
        yield idseq, kana, gloss, kinds


def database():
    if len(sys.argv) > 1:
        return sys.argv[1]
    spec = importlib.util.find_spec("jamdict_data")
    if spec is None:
        import subprocess
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "jamdict-data==1.5"], check=True)
        spec = importlib.util.find_spec("jamdict_data")
    return os.path.join(os.path.dirname(spec.origin), "jamdict.db")


def main():
    import sqlite3
    db = sqlite3.connect(database())
    counts = collections.defaultdict(collections.Counter)
    for idseq, kana, gloss, kinds in entries(db):
        words, parts = latin_words(gloss), kana_words(kana)
        if not parts or not all(KATAKANA.fullmatch(p) for p in parts):
            continue
        if not words or not all(re.fullmatch(r"[a-z]{2,}", w) for w in words):
            continue
        if len(parts) > 1 and "person" in kinds and held_out(idseq):
            continue
        if len(words) == len(parts):
            for word, part in zip(words, parts):
                counts[word][part] += 1
    long_vowels = collections.defaultdict(collections.Counter)
    for (kana,) in db.execute(
            """SELECT k.text FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq JOIN NETransType ty ON ty.tid = t.ID
               WHERE ty.text IN ('surname', 'given', 'fem', 'masc')"""):
        if not re.fullmatch(r"[\u3041-\u3096]+", kana):
            continue
        spelt = romaji(kana, collapse=False)
        short = romaji(kana)
        if spelt and short and spelt != short and len(short) >= 3:
            long_vowels[short][kana] += 1
    with open(OUT, "w") as out:
        out.write("# Made by scripts/generate-katakana-names.py from JMnedict (EDRDG, CC BY-SA 4.0, via jamdict-data 1.5):"
                  " F, a name's word in Latin letters (folded), at most four katakana renderings, the most frequent first.\n")
        for word in sorted(counts):
            forms = [form for form, _ in counts[word].most_common(4)]
            out.write(f"F\t{word}\t{','.join(forms)}\n")
        for word in sorted(long_vowels):
            forms = [form for form, _ in long_vowels[word].most_common(3)]
            out.write(f"R\t{word}\t{','.join(forms)}\n")
        common = sorted({kana for (kana,) in db.execute("SELECT DISTINCT k.text FROM Kana k JOIN KNP p ON p.kid = k.ID")
                         if KATAKANA.fullmatch(kana)})
        for word in common:
            out.write(f"O\t{word}\t-\n")
    print(f"{len(counts)} words, {len(long_vowels)} romaji with long vowels -> {OUT}")


SYLLABLES = {}
for row, consonant in zip(["あいうえお", "かきくけこ", "がぎぐげご", "さしすせそ", "ざじずぜぞ", "たちつてと", "だぢづでど", "なにぬねの",
                           "はひふへほ", "ばびぶべぼ", "ぱぴぷぺぽ", "まみむめも", "らりるれろ"],
                          ["", "k", "g", "s", "z", "t", "d", "n", "h", "b", "p", "m", "r"]):
    for kana, vowel in zip(row, "aiueo"):
        SYLLABLES[kana] = consonant + vowel
SYLLABLES.update({"し": "shi", "じ": "ji", "ち": "chi", "ぢ": "ji", "つ": "tsu", "づ": "zu", "ふ": "fu", "や": "ya", "ゆ": "yu",
                  "よ": "yo", "わ": "wa", "を": "o", "ん": "n"})


def romaji(kana, collapse=True):
    """Hepburn romaji as names are written in Latin letters (the gate's JapaneseNames.romaji): long vowels once."""
    out, double, i = "", False, 0
    while i < len(kana):
        c = kana[i]
        if c == "っ":
            double = True
            i += 1
            continue
        if i + 1 < len(kana) and kana[i + 1] in "ゃゅょ" and c in SYLLABLES:
            base = SYLLABLES[c][:-1]
            syllable = (base if base in ("sh", "ch", "j") else base + "y") + {"ゃ": "a", "ゅ": "u", "ょ": "o"}[kana[i + 1]]
            i += 2
        elif c in SYLLABLES:
            syllable = SYLLABLES[c]
            i += 1
        else:
            return None
        if double:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out += syllable
    if collapse:
        for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
            out = out.replace(long, short)
    return out


if __name__ == "__main__":
    main()

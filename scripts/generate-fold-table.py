#!/usr/bin/env python3
"""Generates Sources/OptOutCore/Normalization/FoldTable.swift: how the prompt gate folds every non-ASCII scalar.

For each code point from U+0080 up (Hangul syllables and surrogates aside) it applies, in order:
  1. invisible and format characters (general category Cf, variation selectors, the other default-ignorables) -> nothing
  2. combining marks (Mn, Mc, Me) -> nothing
  3. white space -> a separator
  4. NFKD (compatibility decomposition: fullwidth, mathematical alphanumerics, ligatures, circled letters ...),
     marks dropped, then full case folding
  5. the UTS #39 confusable mapping into ASCII letters and digits: a scalar that Unicode's confusables.txt lists as
     confusable with an ASCII letter or digit maps to it (a letter is preferred over a digit).
  6. katakana spelling variants, the way foreign names are written in katakana more than one way: the long-vowel
     mark and the small tsu (ー ッ) -> nothing, small vowels and small ya, yu, yo -> their full size (ジェームズ and
     ジエムズ, グレッグ and グレグ fold alike); the dots and double hyphen between a name's words (・ ･ ゠) -> white
     space, which joins a run of kana (グレッグ・ルトコフスキ is one run). Step 4 already folds voiced kana to
     unvoiced ones (ガ -> カ) by dropping the combining voicing mark.
Only scalars whose fold differs from themselves are written. Each entry records what was undone (case, marks,
confusable, invisible, space), which the gate reports as `via`.

The confusables data is Unicode's confusables.txt as shipped in the PyPI package confusable-homoglyphs 3.3.1
(MIT; its confusables.json is generated from confusables.txt). Run:  python3 scripts/generate-fold-table.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

CASE, MARKS, CONFUSABLE, INVISIBLE, SPACE = 1, 2, 4, 8, 16
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Sources", "OptOutCore", "Normalization", "FoldTable.swift")

# Default-ignorable code points that are not Cf (DerivedCoreProperties.txt): they render as nothing.
EXTRA_IGNORABLE = [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0] + list(range(0x180B, 0x1810)) \
    + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)) + list(range(0xE0000, 0xE1000))


def load_confusables():
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", directory, "confusable-homoglyphs==3.3.1"], check=True)
        wheel = [f for f in os.listdir(directory) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(directory, wheel)) as archive:
            return json.loads(archive.read("confusable_homoglyphs/confusables.json"))


def ascii_target(char, confusables):
    """The ASCII letter or digit `char` is confusable with, or None."""
    candidates = [entry["c"] for entry in confusables.get(char, [])]
    letters = sorted({c.lower() for c in candidates if len(c) == 1 and c.isascii() and c.isalpha()})
    digits = sorted({c for c in candidates if len(c) == 1 and c.isascii() and c.isdigit()})
    if letters:
        return letters[0]
    if digits:
        return digits[0]
    return None


# Step 6: katakana spelling variants.
KANA_SPACE = {"\u30FB", "\uFF65", "\u30A0"}
KANA_LOOSE = {"\u30FC": "", "\u30C3": "", "\u30A1": "\u30A2", "\u30A3": "\u30A4", "\u30A5": "\u30A6",
              "\u30A7": "\u30A8", "\u30A9": "\u30AA", "\u30E3": "\u30E4", "\u30E5": "\u30E6", "\u30E7": "\u30E8",
              "\u30EE": "\u30EF"}


def fold(cp, confusables):
    char = chr(cp)
    if char in KANA_SPACE:
        return " ", SPACE
    category = unicodedata.category(char)
    if category == "Cf" or cp in IGNORABLE:
        return "", INVISIBLE
    if category in ("Mn", "Mc", "Me"):
        return "", MARKS
    if category in ("Zs", "Zl", "Zp") or char in "\u0085":
        return " ", SPACE
    flags = 0
    decomposed = unicodedata.normalize("NFKD", char)
    if category in ("So", "Sk", "Sm") and len(decomposed) > 1:
        return None  # a symbol spelled with letters (trade mark, telephone sign): a symbol, not the letters

    if decomposed != unicodedata.normalize("NFD", char):
        flags |= CONFUSABLE  # a compatibility form: fullwidth, mathematical, circled ...
    stripped = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Mc", "Me"))
    if stripped != decomposed:
        flags |= MARKS
    out = []
    folded = stripped.casefold()
    if folded != stripped:
        flags |= CASE
    for c in folded:
        if c in STROKE:
            # A letter with a stroke or a ligature that does not decompose: its base letters.
            flags |= MARKS
            out.append(STROKE[c])
            continue
        if not c.isascii():
            # Both cases of a letter must fold alike, so a small letter also takes its capital's confusable
            # (Greek small kappa folds to k because capital kappa is confusable with K).
            target = ascii_target(c, confusables)
            upper = c.upper()
            if target is None and len(upper) == 1 and upper != c:
                target = ascii_target(upper, confusables)
            if target is not None:
                flags |= CONFUSABLE
                c = target
        out.append(c)
    result = "".join(out)
    loosened = "".join(KANA_LOOSE.get(c, c) for c in result)
    if loosened != result:
        flags |= MARKS
        result = loosened
    if result == char:
        return None
    return result, flags


IGNORABLE = set(EXTRA_IGNORABLE)

# Letters with a stroke, bar or hook, and ligatures, that have no decomposition: folded (after case folding) to the
# letters they are written as without it (Vietnamese đ, Polish ł, Danish ø, Maltese ħ, Turkish ı, German ß, æ, œ,
# Icelandic þ and ð).
STROKE = {"đ": "d", "ð": "d", "ł": "l", "ƚ": "l", "ŀ": "l", "ø": "o", "ħ": "h", "ŧ": "t", "ı": "i", "ß": "ss",
          "ẞ": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ƀ": "b", "ɨ": "i", "ʉ": "u", "ƶ": "z", "ȥ": "z", "ȼ": "c",
          "ɇ": "e", "ɉ": "j", "ɍ": "r", "ɏ": "y", "ǥ": "g", "ɖ": "d", "ɗ": "d", "ƈ": "c", "ƙ": "k", "ƥ": "p",
          "ƭ": "t", "ɓ": "b", "ɠ": "g", "ʈ": "t", "ɦ": "h", "ĳ": "ij", "ŉ": "n", "ſ": "s"}


def main():
    confusables = load_confusables()
    entries = []
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF or 0xAC00 <= cp <= 0xD7A3:
            continue
        if unicodedata.category(chr(cp)) == "Cn" and cp not in IGNORABLE:
            continue
        folded = fold(cp, confusables)
        if folded is None:
            continue
        target, flags = folded
        entries.append(f"{cp:X}:{flags:X}:" + ",".join(f"{ord(c):X}" for c in target))
    body = ";".join(entries)
    with open(OUT, "w") as out:
        out.write("// Generated by scripts/generate-fold-table.py from Python's unicodedata "
                  f"(Unicode {unicodedata.unidata_version}) and Unicode's confusables.txt\n"
                  "// (via confusable-homoglyphs 3.3.1). Do not edit; regenerate.\n\n")
        out.write("/// `scalar:flags:target,target;...` in hex; flags are ``FoldFlags`` raw values.\n")
        out.write(f"let foldTableSource = \"{body}\"\n")
    print(f"{len(entries)} entries, {len(body)} bytes -> {OUT}")


if __name__ == "__main__":
    main()

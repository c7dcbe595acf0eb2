#!/usr/bin/env python3
"""Builds the collision guard's lists of what ordinary prompts and ordinary text use, beside common-phrases.txt:

- Sources/OptOutServer/Resources/prompt-words.txt: single words that at least WORD_THRESHOLD distinct prompts of the
  background corpus hold ("artstation", "photorealistic", "bokeh", "james"); a one-word phrase found here waits for a
  moderator.
- Sources/OptOutServer/Resources/prompt-phrases.txt: sequences of 2 to 4 words that at least PHRASE_THRESHOLD distinct
  prompts hold ("highly detailed", "trending on artstation").

Prompts that name a known artist are left out before counting (the 5,265 artists of clip-interrogator 0.6.0's
artists.txt, MIT, fetched with pip, and Danbooru's artist tags with at least 1,000 posts), so that a real artist's
name ("greg rutkowski", "mucha") never counts as ordinary text: the guard is about phrases that refuse prompts naming
no artist. A prompt names an artist when it holds a whole name, or a word of a name that is not an English word
(SCOWL, english-words.txt) as written or one slip away ("rutkowsky", "kuvshinov", "greg"): people misspell names.
- Sources/OptOutServer/Resources/booru-tags.txt: the tags anime-style prompts are written in ("1girl", "best
  quality", "lowres", "looking at viewer", "hatsune miku"): every general, meta, copyright and character tag of
  Danbooru with at least TAG_THRESHOLD posts, and the quality tags, from the tag lists of the public repository
  DominikDoom/a1111-sd-webui-tagcomplete (MIT licence: tags/danbooru.csv, tags/extra-quality-tags.csv); artists' tags
  are left out.
- Sources/OptOutServer/Resources/world-words.txt: the most frequent words of 23 languages the gate reads (wordfreq
  3.1.1, Apache-2.0 code, CC BY-SA 4.0 data), so that "кошка", "γάτα", "고양이", "アニメ" and "風景" wait too.

Background corpus: the prompts people sent to the Stable Diffusion Discord bot in its beta (August 2022), as
collected in the public repository bartman081523/stable-diffusion-discord-messages (its prompts-only/*.txt.gz files,
5.5 million lines, 1.94 million distinct prompts; no licence is stated there, so only these counts, not prompts, are
kept in this repository). Prompts are split by a hash into two halves: the lists come from the even half only; the
odd half is left for measuring (scripts/measure-guard.py), so the figures are not taken on what built the lists.

Usage: generate-guard-lists.py PROMPTS.txt DANBOORU.csv QUALITY.csv
  (PROMPTS.txt: one prompt a line, e.g. the concatenated prompts-only files)
"""
import collections
import hashlib
import os
import re
import sys
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RESOURCES = os.path.join(ROOT, "Sources", "OptOutServer", "Resources")
WORD_THRESHOLD = 20
PHRASE_THRESHOLD = 20
MAX_WORDS = 4
WORLD_LANGUAGES = ["en", "ru", "uk", "el", "ja", "zh", "ko", "ar", "he", "hi", "de", "fr", "es", "it", "pt", "pl", "cs",
                   "tr", "vi", "nl", "sv", "da", "hu"]
WORLD_WORDS = 20000
TAG_THRESHOLD = 1000


def words(text):
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", stripped.lower())


def known_artists(tags_path):
    """Folded names of known artists: clip-interrogator's list and Danbooru's well-used artist tags."""
    import csv
    import subprocess
    import tempfile
    import zipfile
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", directory, "clip-interrogator==0.6.0"], check=True)
        wheel = [f for f in os.listdir(directory) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(directory, wheel)) as archive:
            names = archive.read("clip_interrogator/data/artists.txt").decode().splitlines()
    with open(tags_path, encoding="utf-8") as source:
        for row in csv.reader(source):
            if len(row) >= 3 and row[1] == "1" and row[2].isdigit() and int(row[2]) >= 1000:
                names.append(re.sub(r"\s*\(.*\)$", "", row[0].replace("_", " ")))
    return {tuple(words(name)) for name in names if words(name) and len(words(name)) <= MAX_WORDS}


def deletions(word):
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_slip(a, b):
    """Equal, or one substitution, insertion, deletion or swap of neighbours apart."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if abs(len(a) - len(b)) != 1:
        return False
    long, short = (a, b) if len(a) > len(b) else (b, a)
    i = 0
    while i < len(short) and long[i] == short[i]:
        i += 1
    return long[i + 1:] == short[i:]


class ArtistFilter:
    def __init__(self, artists):
        self.artists = artists
        with open(os.path.join(RESOURCES, "english-words.txt"), encoding="utf-8") as source:
            english = {line.strip() for line in source if not line.startswith("#")}
        distinctive = {w for name in artists for w in name if w not in english and not w.isdigit() and len(w) >= 3}
        self.exact = {w for w in distinctive if len(w) < 5}
        self.index = collections.defaultdict(set)
        for w in distinctive:
            if len(w) >= 5:
                for key in deletions(w) | {w}:
                    self.index[key].add(w)
        self.english = english
        self.memo = {}

    def is_name_word(self, word):
        known = self.memo.get(word)
        if known is None:
            if word in self.english:
                known = False
            elif word in self.exact:
                known = True
            else:
                candidates = set(self.index.get(word, ()))
                for d in deletions(word):
                    candidates |= self.index.get(d, set())
                known = len(word) >= 4 and any(one_slip(word, c) for c in candidates)
            self.memo[word] = known
        return known

    def names_an_artist(self, folded):
        if any(self.is_name_word(w) for w in folded):
            return True
        return any(tuple(folded[i:i + n]) in self.artists for n in range(1, MAX_WORDS + 1) for i in range(len(folded) - n + 1))


def distinct_prompts(path, wanted_half):
    """The distinct prompts of one half of the corpus file (one prompt a line; the bot's own lines left out), each
    with the number of distinct prompts of the whole file read so far."""
    seen = set()
    with open(path, encoding="utf-8", errors="replace") as corpus:
        for line in corpus:
            prompt = line.strip()
            if not prompt or prompt.startswith("the commands for each") or prompt in seen:
                continue
            seen.add(prompt)
            if half(prompt) == wanted_half:
                yield prompt, len(seen)


def half(prompt):
    """0 for the half the lists are built from, 1 for the half kept for measuring."""
    return hashlib.sha1(prompt.encode()).digest()[0] & 1


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    artists = ArtistFilter(known_artists(sys.argv[2]))
    word_counts = collections.Counter()
    phrase_counts = collections.Counter()
    used = 0
    naming = 0
    for prompt, _ in distinct_prompts(sys.argv[1], 0):
        folded = words(prompt)[:80]
        if artists.names_an_artist(folded):
            naming += 1
            continue
        used += 1
        word_counts.update(set(folded))
        grams = set()
        for n in range(2, MAX_WORDS + 1):
            for i in range(len(folded) - n + 1):
                grams.add(" ".join(folded[i:i + n]))
        phrase_counts.update(grams)
    header = (f"# Made by scripts/generate-guard-lists.py from {used:,} distinct prompts that name no known artist (the even half; "
              f"{naming:,} more named one) of the Stable Diffusion "
              f"Discord beta's prompts (bartman081523/stable-diffusion-discord-messages); no licence is stated there, so only "
              f"folded words and word sequences with their counts are kept, never a prompt.\n")
    prompt_words = sorted((w for w, c in word_counts.items() if c >= WORD_THRESHOLD), key=lambda w: (-word_counts[w], w))
    with open(os.path.join(RESOURCES, "prompt-words.txt"), "w", encoding="utf-8") as out:
        out.write(header + f"# Words that at least {WORD_THRESHOLD} of those prompts hold, with how many.\n")
        for word in prompt_words:
            out.write(f"{word}\t{word_counts[word]}\n")
    prompt_phrases = sorted((p for p, c in phrase_counts.items() if c >= PHRASE_THRESHOLD), key=lambda p: (-phrase_counts[p], p))
    with open(os.path.join(RESOURCES, "prompt-phrases.txt"), "w", encoding="utf-8") as out:
        out.write(header + f"# Sequences of 2 to {MAX_WORDS} words that at least {PHRASE_THRESHOLD} of those prompts hold, with how many.\n")
        for phrase in prompt_phrases:
            out.write(f"{phrase}\t{phrase_counts[phrase]}\n")
    import csv
    tags = []
    with open(sys.argv[2], encoding="utf-8") as source:
        for row in csv.reader(source):
            if len(row) >= 3 and row[1] != "1" and row[2].isdigit() and int(row[2]) >= TAG_THRESHOLD:
                tags.append(row[0].replace("_", " "))
    with open(sys.argv[3], encoding="utf-8") as source:
        tags += [row[0].replace("_", " ") for row in csv.reader(source) if row]
    with open(os.path.join(RESOURCES, "booru-tags.txt"), "w", encoding="utf-8") as out:
        out.write(f"# Made by scripts/generate-guard-lists.py: Danbooru's general, meta, copyright and character tags with at least "
                  f"{TAG_THRESHOLD} posts, and the quality tags, from DominikDoom/a1111-sd-webui-tagcomplete (MIT licence, (c) 2022 "
                  f"Dominik Reh): tags/danbooru.csv and tags/extra-quality-tags.csv.\n")
        for tag in dict.fromkeys(tags):
            out.write(tag + "\n")
    import importlib.metadata
    import wordfreq
    with open(os.path.join(RESOURCES, "world-words.txt"), "w", encoding="utf-8") as out:
        out.write(f"# Made by scripts/generate-guard-lists.py: the {WORLD_WORDS} most frequent words of each language from wordfreq "
                  f"{importlib.metadata.version('wordfreq')} (code Apache-2.0; data CC BY-SA 4.0, from Wikipedia, subtitles, news, books, web text, "
                  f"Twitter and Reddit, see its README), as language<TAB>word.\n")
        for language in WORLD_LANGUAGES:
            for word in wordfreq.top_n_list(language, WORLD_WORDS):
                out.write(f"{language}\t{word}\n")
    print(f"{used:,} prompts ({naming:,} naming an artist left out): {len(prompt_words):,} words, {len(prompt_phrases):,} phrases; "
          f"{len(WORLD_LANGUAGES)} languages x {WORLD_WORDS} words")


if __name__ == "__main__":
    main()

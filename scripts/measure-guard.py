#!/usr/bin/env python3
"""Measures what one account could make the prompt gate refuse (issue 22, item 2), with the server's own collision
guard, folding and views (`optout-gate evaluate --worst`), on ordinary prompts the guard's lists were not built from.

Ordinary prompts, from three corpora:
- discord: 20,000 prompts of the odd half of the Stable Diffusion Discord beta's prompts (the half
  scripts/generate-guard-lists.py leaves out), naming no known artist (the same filter);
- krea: the 1,000 prompts of krea-ai/open-prompts' data/1k.csv (Discord prompts of another collection), naming no
  known artist;
- clip: Tests/OptOutCoreTests/Eval/ordinary.jsonl (10,000 prompts made of clip-interrogator's fragments), and
  world: Tests/OptOutCoreTests/Eval/world/ordinary.jsonl (4,600, with text in eight other scripts).

Phrases an attacker would try, made from the odd half's own frequent words and word sequences (never from the lists'
half): as they are ("artstation", "highly detailed"), reversed ("detailed highly"), run together and split ("art
station"), with one slip ("artstatoin"), in leet ("h1ghly"), spelt in Cyrillic and Greek letters by sound ("портраит
оф"), and in Han characters whose pinyin spells them ("阿满" for "a man"). Each is one artist; then the 50 phrases
the guard lets block that refuse the most, together as one profile (the most a profile may have block without a
moderator, CollisionGuard.maxUnreviewedPhrases: PROFILE below).

Usage: measure-guard.py PROMPTS.txt DANBOORU.csv KREA-1k.csv [BINARY]
"""
import collections
import csv
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
spec = importlib.util.spec_from_file_location("lists", os.path.join(ROOT, "scripts", "generate-guard-lists.py"))
lists = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lists)

CYRILLIC = {"a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "дж", "k": "к", "l": "л",
            "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс",
            "y": "й", "z": "з"}
GREEK = {"a": "α", "b": "μπ", "c": "κ", "d": "ντ", "e": "ε", "f": "φ", "g": "γκ", "h": "χ", "i": "ι", "j": "τζ", "k": "κ", "l": "λ",
         "m": "μ", "n": "ν", "o": "ο", "p": "π", "q": "κ", "r": "ρ", "s": "σ", "t": "τ", "u": "ου", "v": "β", "w": "ου", "x": "ξ",
         "y": "ι", "z": "ζ"}
PROFILE = int(os.environ.get("PROFILE", "50"))
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def han_spelling(phrase):
    """Han characters whose pinyin (tones dropped) spells each word, or None."""
    from pypinyin import pinyin_dict
    global SYLLABLES
    if "SYLLABLES" not in globals():
        SYLLABLES = {}
        for code, readings in pinyin_dict.pinyin_dict.items():
            plain = lists.words(readings.split(",")[0])
            if plain and plain[0] not in SYLLABLES and 0x4E00 <= code <= 0x9FFF:
                SYLLABLES[plain[0]] = chr(code)
    out = [SYLLABLES.get(word) for word in phrase.split()]
    return "".join(out) if all(out) else None


def variants(phrase, kind):
    if kind == "as_is":
        return [phrase]
    words = phrase.split()
    if kind == "reversed" and len(words) >= 2:
        return [" ".join(reversed(words))]
    if kind == "run_together" and len(words) >= 2:
        return ["".join(words)]
    if kind == "split" and len(words) == 1 and len(phrase) >= 8:
        return [phrase[:len(phrase) // 2] + " " + phrase[len(phrase) // 2:]]
    if kind == "slip":
        long = [i for i, w in enumerate(words) if len(w) >= 6]
        if long:
            i = long[0]
            w = words[i]
            return [" ".join(words[:i] + [w[:2] + w[3] + w[2] + w[4:]] + words[i + 1:])]
    if kind == "leet" and any(c in LEET for c in phrase):
        return ["".join(LEET.get(c, c) if k % 2 == 0 else c for k, c in enumerate(phrase))]
    if kind == "cyrillic":
        return ["".join(CYRILLIC.get(c, c) for c in phrase)]
    if kind == "greek":
        return ["".join(GREEK.get(c, c) for c in phrase)]
    if kind == "pinyin":
        spelled = han_spelling(phrase)
        return [spelled] if spelled else []
    return []


def evaluate(binary, registry, prompts, worst):
    with tempfile.TemporaryDirectory() as directory:
        registry_path = os.path.join(directory, "registry.jsonl")
        prompts_path = os.path.join(directory, "prompts.jsonl")
        with open(registry_path, "w", encoding="utf-8") as out:
            for artist in registry:
                out.write(json.dumps(artist, ensure_ascii=False) + "\n")
        with open(prompts_path, "w", encoding="utf-8") as out:
            for prompt in prompts:
                out.write(json.dumps({"prompt": prompt, "artist": None}, ensure_ascii=False) + "\n")
        result = subprocess.run([binary, "evaluate", "--registry", registry_path, "--prompts", prompts_path, "--examples", "0",
                                 "--worst", str(worst)], capture_output=True, text=True, check=True)
        return result.stdout


def parse_worst(text):
    phrases = [(m.group(1), int(m.group(2))) for m in re.finditer(r"^    phrase (.*): (\d+) \(", text, re.M)]
    artists = [(m.group(1), int(m.group(2))) for m in re.finditer(r"^    artist (.*): (\d+) \(", text, re.M)]
    held = int(re.search(r"(\d+) held by the collision guard", text).group(1))
    active = int(re.search(r"registry: (\d+) phrases block", text).group(1))
    return phrases, artists, held, active


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary = sys.argv[4] if len(sys.argv) > 4 else os.path.join(ROOT, ".build", "release", "optout-gate")
    artists = lists.ArtistFilter(lists.known_artists(sys.argv[2]))
    rng = random.Random(20261206)
    dev, distinct = [], 0
    word_counts, phrase_counts = collections.Counter(), collections.Counter()
    for prompt, distinct in lists.distinct_prompts(sys.argv[1], 1):
        folded = lists.words(prompt)[:80]
        if artists.names_an_artist(folded):
            continue
        dev.append(prompt)
        word_counts.update(set(folded))
        phrase_counts.update({" ".join(folded[i:i + n]) for n in range(2, 4) for i in range(len(folded) - n + 1)})
    corpora = {"discord": rng.sample(dev, 20000)}
    with open(sys.argv[3], encoding="utf-8") as source:
        krea = [row["prompt"] for row in csv.DictReader(source)]
    corpora["krea"] = [p for p in krea if not artists.names_an_artist(lists.words(p))]
    for name, path in [("clip", "Tests/OptOutCoreTests/Eval/ordinary.jsonl"), ("world", "Tests/OptOutCoreTests/Eval/world/ordinary.jsonl")]:
        with open(os.path.join(ROOT, path), encoding="utf-8") as source:
            corpora[name] = [json.loads(line)["prompt"] for line in source if line.strip() and json.loads(line).get("artist") is None]
    top_words = [w for w, _ in word_counts.most_common(3000) if len(w) >= 2]
    top_phrases = [p for p, _ in phrase_counts.most_common(3000)]
    kinds = {"as_is": top_words + top_phrases, "reversed": top_phrases[:1500], "run_together": top_phrases[:1000],
             "split": top_words[:1500], "slip": top_words[:1500] + top_phrases[:500], "leet": top_words[:500] + top_phrases[:500],
             "cyrillic": top_words[:1000] + top_phrases[:1000], "greek": top_words[:500] + top_phrases[:500],
             "pinyin": top_phrases[:3000] + top_words[:3000]}
    candidates, kind_of = [], {}
    for kind, sources in kinds.items():
        for source in sources:
            for variant in variants(source, kind):
                if variant not in kind_of and len(variant) >= 2:
                    kind_of[variant] = kind
                    candidates.append(variant)
    print(f"dev half: {len(dev):,} ordinary prompts (of {distinct:,} distinct prompts read); corpora: "
          + ", ".join(f"{name} {len(prompts):,}" for name, prompts in corpora.items()))
    registry = [{"name": phrase} for phrase in candidates]
    worst_by_corpus = {}
    for name, prompts in corpora.items():
        text = evaluate(binary, registry, prompts, 100)
        phrases, _, held, active = parse_worst(text)
        worst_by_corpus[name] = phrases
        top = phrases[0] if phrases else ("none", 0)
        if os.environ.get("SHOW_WORST"):
            print("    " + ", ".join(f"{p!r} ({kind_of.get(p, '?')}) {c}" for p, c in phrases[:int(os.environ['SHOW_WORST'])]))
        print(f"{name}: {len(candidates):,} phrases tried, {held:,} held, {active:,} block; worst single phrase "
              f"{top[0]!r} ({kind_of.get(top[0], '?')}) refuses {top[1]} of {len(prompts):,} ({100 * top[1] / len(prompts):.3f} %)")
    held_by_kind = collections.Counter()
    tried_by_kind = collections.Counter(kind_of.values())
    text = evaluate(binary, registry, ["a prompt"], 0)
    # Which were held: evaluate reports counts only, so ask the guard per kind through one registry each.
    for kind in tried_by_kind:
        subset = [{"name": p} for p in candidates if kind_of[p] == kind]
        _, _, held, _ = parse_worst(evaluate(binary, subset, ["a prompt"], 1))
        held_by_kind[kind] = held
    print("held by the guard, per kind: " + ", ".join(f"{k} {held_by_kind[k]}/{tried_by_kind[k]}" for k in tried_by_kind))
    # One profile with the PROFILE phrases that refuse the most, over all corpora.
    totals = collections.Counter()
    for phrases in worst_by_corpus.values():
        for phrase, count in phrases:
            totals[phrase] += count
    profile = [p for p, _ in totals.most_common(PROFILE)]
    if profile:
        account = [{"name": "Profile Of Many", "creations": profile}]
        for name, prompts in corpora.items():
            _, artists_, _, _ = parse_worst(evaluate(binary, account, prompts, 1))
            count = artists_[0][1] if artists_ else 0
            print(f"{name}: one profile with the {len(profile)} worst phrases refuses {count} of {len(prompts):,} "
                  f"({100 * count / len(prompts):.3f} %)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds the prompt gate's world dev set in Tests/OptOutCoreTests/Eval/world/ (deterministic: seed 20261127).

Names the gate was never tuned on: artists made by Faker (PyPI faker, MIT) in 24 locales, each in its own script
(Latin with its letters, Cyrillic, Greek, Han, kana, Hangul, Arabic, Hebrew, Devanagari), some with aliases (Japanese
artists always with their romanized name) and named works. Disguised prompts name one of them inside real prompt
fragments (clip-interrogator 0.6.0's flavors.txt, as the first dev set) or inside text of the name's own language.
Romanizations come from Unidecode (PyPI, GPL) for Cyrillic and Greek, hangul-romanize (PyPI) with customary family
names for Korean, and indic-transliteration's IAST (PyPI) with Hindi schwa deletion for Devanagari, not from ICU, which
the gate uses: the set does not agree with the gate by construction. Ordinary prompts: prompt fragments, portraits of people who are not registered but share a
first name or a surname with an artist, and ordinary text in Japanese and Chinese (Faker's word lists), Korean (bill
and constitution text from KoNLPy 0.6.0's corpora, GPL) and Russian, Greek, Arabic, Hebrew (Faker).

- artists.jsonl: {"name", "aliases", "creations", "locale"}, as `import-artists` and `optout-gate evaluate` read it.
- disguised.jsonl: {"category", "artist", "prompt"}: `artist` is the artist's name; the prompt may name an alias.
- ordinary.jsonl: {"prompt"}.
"""
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

from faker import Faker
from unidecode import unidecode

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval", "world")
spec = importlib.util.spec_from_file_location("first", os.path.join(ROOT, "scripts", "make-eval-set.py"))
first = importlib.util.module_from_spec(spec)
spec.loader.exec_module(first)
rng = random.Random(20261127)
first.rng = rng

LATIN = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "pt_BR", "nl_NL", "sv_SE", "cs_CZ", "hu_HU", "tr_TR",
         "vi_VN", "da_DK", "hr_HR"]
OTHER = ["ru_RU", "uk_UA", "el_GR", "zh_CN", "ja_JP", "ko_KR", "ar_AA", "he_IL", "hi_IN"]
NO_SPACE = {"zh_CN", "ja_JP", "ko_KR"}
ARTISTS = 2400
PER_CATEGORY = 150
fakers = {}


def faker(locale):
    if locale not in fakers:
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(rng.randint(0, 1 << 30))
    return fakers[locale]


def clean_name(text):
    return re.sub(r"\s+", " ", text).strip()


VIETNAMESE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Huy", "Khánh",
                    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
                    "Thắng", "Trang", "Trung", "Tuấn", "Việt", "Yến", "Đông", "Điệp", "Đức", "Giang", "Khoa"]


def person(locale):
    f = faker(locale)
    if locale == "ja_JP":
        last, _, last_roman = f.last_name_pair()
        first_, _, first_roman = f.first_name_pair()
        return f"{last}{rng.choice(['', ' '])}{first_}", [f"{first_roman} {last_roman}"]
    if locale in ("zh_CN", "ko_KR"):
        return f.last_name() + f.first_name(), []
    if locale == "vi_VN":
        middle = rng.choice(["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quang", "Ngọc", "Đình", "Xuân"])
        return f"{f.last_name()} {middle} {rng.choice(VIETNAMESE_GIVEN)}", []
    first_, last = f.first_name(), f.last_name()
    if locale == "hu_HU":
        return clean_name(f"{last} {first_}"), []
    return clean_name(f"{first_} {last}"), []


def words(text):
    return first.words(text)


LETTERS = {"Cyrillic": "абвгдежзиклмнопрстуфхцчшщыэюя", "Greek": "αβγδεζηθικλμνξοπρστυφχψω",
           "Devanagari": "कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह", "Latin": "abcdefghijklmnopqrstuvwxyz",
           "Hangul": "가나다라마바사아자차카타파하", "Arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "Hebrew": "אבגדהוזחטיכלמנסעפצקרשת"}


def script_of(text):
    for c in text:
        if c.isalpha():
            name = unicodedata.name(c, "")
            for script in ("CYRILLIC", "GREEK", "DEVANAGARI", "HANGUL", "ARABIC", "HEBREW", "CJK", "HIRAGANA", "KATAKANA"):
                if name.startswith(script):
                    return {"CJK": "Han", "HIRAGANA": "kana", "KATAKANA": "kana"}.get(script, script.capitalize())
    return "Latin"


# Latin letters to Cyrillic and Greek, as people write a foreign name in their own letters.
TO_CYRILLIC = [("sch", "ш"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("kh", "х"),
               ("ph", "ф"), ("th", "т"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"),
               ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
               ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"),
               ("w", "в"), ("x", "кс"), ("y", "и"), ("z", "з")]
TO_GREEK = [("th", "θ"), ("ph", "φ"), ("ch", "χ"), ("ps", "ψ"), ("a", "α"), ("b", "μπ"), ("c", "κ"), ("d", "ντ"),
            ("e", "ε"), ("f", "φ"), ("g", "γκ"), ("h", "χ"), ("i", "ι"), ("j", "τζ"), ("k", "κ"), ("l", "λ"),
            ("m", "μ"), ("n", "ν"), ("o", "ο"), ("p", "π"), ("q", "κ"), ("r", "ρ"), ("s", "σ"), ("t", "τ"),
            ("u", "ου"), ("v", "β"), ("w", "β"), ("x", "ξ"), ("y", "ι"), ("z", "ζ")]


def transcribe(name, table):
    out = []
    for word in name.split():
        w = first.words(unidecode(word))
        if not w:
            return None
        w = "".join(w)
        result = ""
        i = 0
        while i < len(w):
            for latin, other in table:
                if w.startswith(latin, i):
                    result += other
                    i += len(latin)
                    break
            else:
                result += w[i]
                i += 1
        if table is TO_GREEK and result.endswith("σ"):
            result = result[:-1] + "ς"
        out.append(result[:1].upper() + result[1:])
    return " ".join(out)


def latin_words(name):
    return re.findall(r"[^\W\d_]+", name)


def slip(word, kind, alphabet):
    p = rng.randint(1, len(word) - 1) if len(word) > 2 else 1
    if kind == "sub":
        p = min(p, len(word) - 1)
        letter = rng.choice([c for c in alphabet if c != word[p].lower()])
        return word[:p] + letter + word[p + 1:]
    if kind == "del":
        p = min(p, len(word) - 1)
        return word[:p] + word[p + 1:]
    if kind == "ins":
        return word[:p] + rng.choice(alphabet + word[p - 1]) + word[p:]
    p = min(p, len(word) - 2)
    if p < 0 or word[p] == word[p + 1]:
        return None
    return word[:p] + word[p + 1] + word[p] + word[p + 2:]


def misspell(name, min_length, kinds, alphabet="abcdefghijklmnopqrstuvwxyz", slips=1):
    tokens = re.split(r"(\s+)", name)
    candidates = [i for i, t in enumerate(tokens) if len(t) >= min_length and t.isalpha()]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = tokens[i]
    for _ in range(slips):
        word = slip(word, rng.choice(kinds), alphabet)
        if word is None:
            return None
    tokens[i] = word
    return "".join(tokens)


PHONETIC = [("w", "v"), ("v", "w"), ("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ski", "sky"),
            ("sky", "ski"), ("ou", "u"), ("y", "i"), ("i", "y"), ("ss", "s"), ("ll", "l"), ("tt", "t"), ("nn", "n"),
            ("mm", "m"), ("l", "ll"), ("t", "tt"), ("n", "nn"), ("s", "ss"), ("ks", "x"), ("x", "ks"), ("qu", "kw")]


def phonetic(name):
    lower = name.lower()
    options = [(a, b) for a, b in PHONETIC if a in lower[1:]]
    if not options:
        return None
    a, b = rng.choice(options)
    positions = [m.start() for m in re.finditer(re.escape(a), lower) if m.start() > 0]
    if not positions:
        return None
    p = rng.choice(positions)
    return name[:p] + b + name[p + len(a):]


def forms(name):
    parts = name.split()
    last = parts[-1]
    style = rng.choice(["plural", "ish", "esque", "like", "possessive_plural"])
    if style == "plural":
        return "the " + " ".join(parts[:-1] + [last + ("es" if last.endswith("s") else "s")])
    if style == "ish":
        return name + rng.choice(["-ish", "ish"])
    if style == "esque":
        return name + rng.choice(["esque", "-esque"])
    if style == "like":
        return name + "-like"
    return "the " + " ".join(parts[:-1] + [last + "s'"])


def handle(name):
    joined = "".join("".join(first.words(unidecode(p))) for p in name.split())
    style = rng.choice(["at", "suffix", "underscore", "at_suffix"])
    suffix = rng.choice(["art", "official", "studio", "illustration", "arts", "draws", "paints"])
    if style == "at":
        return "@" + joined
    if style == "suffix":
        return joined + suffix
    if style == "underscore":
        return joined + "_" + suffix
    return "@" + joined + rng.choice(["", "_"]) + suffix


SYMBOLS = ["🎨", "✨", "★", "♥", "🔥", "™", "❤️", "🌸", "✦", "☆"]


def symbol_inside(name):
    parts = name.split()
    i = rng.randrange(len(parts))
    w = parts[i]
    if len(w) < 2:
        return None
    p = rng.randint(1, len(w) - 1)
    parts[i] = w[:p] + rng.choice(SYMBOLS) + w[p:]
    return " ".join(parts)


def symbol_between(name):
    parts = name.split()
    if len(parts) < 2:
        return None
    return f" {rng.choice(SYMBOLS)} ".join(parts)


def order(name, comma):
    parts = name.split()
    if len(parts) not in (2, 3):
        return None
    return parts[-1] + ("," if comma else "") + " " + " ".join(parts[:-1])


STROKE = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe",
          "ð": "d", "þ": "th", "ħ": "h", "ı": "i"}


def stroke(name):
    if not any(c in STROKE for c in name):
        return None
    return "".join(STROKE.get(c, c) for c in name)


# How Korean family names are usually written (a hand list, not the gate's).
KOREAN_FAMILY = {"김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jeong", "강": "Kang", "조": "Jo", "윤": "Yun",
                 "장": "Jang", "임": "Im", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin", "권": "Gwon", "황": "Hwang",
                 "안": "An", "송": "Song", "류": "Ryu", "홍": "Hong"}
VOWELS = set("aeiou")


def hindi_roman(word):
    """IAST without marks, with Hindi schwa deletion: the final inherent vowel, and a medial one between a vowel-consonant
    and a consonant-vowel ("mehata" is "mehta")."""
    from indic_transliteration import sanscript
    latin = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.IAST)
    inherent = [i for i, c in enumerate(latin) if c == "a"]  # long vowels are ā, so a plain a is inherent
    plain = first.words(latin)
    latin = "".join(plain)
    if len(latin) > 3 and latin.endswith("a") and latin[-2] not in VOWELS:
        latin = latin[:-1]
    for i in range(len(latin) - 3, 1, -1):
        if latin[i] == "a" and latin[i - 1] not in VOWELS and latin[i - 2] in VOWELS and latin[i + 1] not in VOWELS \
                and i + 2 < len(latin) and latin[i + 2] in VOWELS:
            latin = latin[:i] + latin[i + 1:]
            break
    return latin[:1].upper() + latin[1:]


def romanize(name, locale):
    if locale == "hi_IN":
        return " ".join(hindi_roman(w) for w in name.split())
    if locale == "ko_KR":
        from hangul_romanize import Transliter
        from hangul_romanize.rule import academic
        translit = Transliter(academic)
        family, given = name[0], name[1:]
        family_latin = KOREAN_FAMILY.get(family) if rng.random() < 0.6 else None
        family_latin = family_latin or translit.translit(family).capitalize()
        syllables = [translit.translit(c) for c in given]
        style = rng.choice(["joined", "hyphen", "spaced"])
        given_latin = {"joined": "".join(syllables), "hyphen": "-".join(syllables), "spaced": " ".join(syllables)}[style]
        given_latin = given_latin[:1].upper() + given_latin[1:]
        return f"{family_latin} {given_latin}" if rng.random() < 0.7 else f"{given_latin} {family_latin}"
    latin = unidecode(name)
    return latin if rng.random() < 0.7 else latin.lower()


def spaced_no_space_script(name):
    letters = [c for c in name if not c.isspace()]
    return rng.choice([" ", "\u200b", " ", "\u3000", "\u200c"]).join(letters)


def native_fuzzy(name):
    script = script_of(name)
    alphabet = LETTERS.get(script)
    if alphabet is None:
        return None
    return misspell(name.lower() if script in ("Cyrillic", "Greek") else name, 6, ["sub", "del", "ins", "swap"], alphabet)


def native_context(locale, disguised, glue=True):
    f = faker(locale)
    if locale == "ko_KR":
        return f"{disguised}{rng.choice(['풍', ' 스타일', '의 그림', '풍의'])} {rng.choice(['밤하늘', '풍경화', '초상화', '바다'])}"
    if locale in ("ja_JP",):
        return f"{disguised}{rng.choice(['風の', 'の', 'のような', 'スタイルの'])}{f.word()}{f.word()}"
    if locale in ("zh_CN",):
        return f"{disguised}{rng.choice(['风格的', '的', '画的'])}{f.word()}{f.word()}"
    return f"{f.word()} {disguised} {f.word()}"


def main():
    artists_txt, flavors = first.load()
    os.makedirs(OUT, exist_ok=True)
    locales = LATIN + OTHER
    artists = []
    seen = set()
    while len(artists) < ARTISTS:
        locale = locales[len(artists) % len(locales)]
        name, aliases = person(locale)
        if name.lower() in seen or len(name) < 2:
            continue
        seen.add(name.lower())
        if rng.random() < 0.15 and locale in LATIN:
            alias, _ = person(locale)
            aliases.append(alias)
        creations = []
        if rng.random() < 0.2:
            creations.append(faker("en_US").catch_phrase())
        artists.append({"name": name, "aliases": aliases, "creations": creations, "locale": locale})
    registered = {a["name"].lower() for a in artists} | {x.lower() for a in artists for x in a["aliases"]}
    first_names = {}
    for a in artists:
        parts = a["name"].split()
        if len(parts) >= 2:
            first_names.setdefault(a["locale"], []).append(parts)

    flavour_words = set()
    clean = [f for f in flavors if not re.search(r"\b(by|style of)\b", f)][:40000]
    rng.shuffle(clean)

    def context(disguised):
        before = ", ".join(rng.sample(clean, rng.randint(1, 4)))
        after = ", ".join(rng.sample(clean, rng.randint(1, 3)))
        joiner = rng.choice(["by", "art by", "in the style of", "inspired by", "painted by", "style of", "like"])
        return f"{before}, {joiner} {disguised}, {after}"

    latin = [a for a in artists if a["locale"] in LATIN]
    two_word_latin = [a for a in latin if len(a["name"].split()) in (2, 3)]
    cyr_greek = [a for a in artists if a["locale"] in ("ru_RU", "uk_UA", "el_GR")]
    romanizable = [a for a in artists if a["locale"] in ("ru_RU", "uk_UA", "el_GR", "hi_IN", "ko_KR")]
    no_space = [a for a in artists if a["locale"] in NO_SPACE]
    non_latin = [a for a in artists if a["locale"] in OTHER]
    with_stroke = [a for a in artists if stroke(a["name"])]
    with_works = [a for a in artists if a["creations"]]
    with_alias = [a for a in artists if a["aliases"]]

    def long_phrase(a):
        return len(re.sub(r"\W", "", a["name"])) >= 12

    def short_word_pair(a):
        parts = a["name"].split()
        return len(parts) >= 2 and any(4 <= len(p) <= 5 for p in parts)

    simple = lambda fn: (lambda a: fn(a["name"]))
    categories = {
        "case": (latin + cyr_greek, simple(first.case)),
        "marks": (latin, simple(first.marks)),
        "confusable": (latin, simple(first.confusable)),
        "invisible": (artists, simple(first.invisible)),
        "spacing": (latin, simple(first.spacing)),
        "separator": (latin, simple(first.separator)),
        "concatenation": (latin, simple(first.concatenation)),
        "leet": (latin, simple(first.leet)),
        "fuzzy": (latin, lambda a: misspell(a["name"], 6, ["sub", "del", "swap"])),
        "insertion": (latin, lambda a: misspell(a["name"], 5, ["ins"])),
        "short_word_slip": ([a for a in latin if short_word_pair(a)],
                            lambda a: (lambda p: " ".join(
                                (slip(w, rng.choice(["sub", "del", "ins", "swap"]), "abcdefghijklmnopqrstuvwxyz") or w)
                                if i == p else w for i, w in enumerate(a["name"].split())))(
                                rng.choice([i for i, w in enumerate(a["name"].split()) if 4 <= len(w) <= 5 and w.isalpha()] or [0]))),
        "two_slips": ([a for a in latin if long_phrase(a)], lambda a: misspell(misspell(a["name"], 6, ["sub", "del", "ins", "swap"]) or "", 6, ["sub", "del", "ins", "swap"])),
        "phonetic": (latin, simple(phonetic)),
        "order": (two_word_latin, lambda a: order(a["name"], False)),
        "order_comma": (two_word_latin, lambda a: order(a["name"], True)),
        "forms": (latin, simple(forms)),
        "handle": (latin, simple(handle)),
        "symbol_inside": (latin + cyr_greek, simple(symbol_inside)),
        "symbol_between": (latin, simple(symbol_between)),
        "stroke": (with_stroke, simple(stroke)),
        "in_cyrillic": (latin, lambda a: transcribe(a["name"], TO_CYRILLIC)),
        "in_greek": (latin, lambda a: transcribe(a["name"], TO_GREEK)),
        "romanized": (romanizable, lambda a: romanize(a["name"], a["locale"])),
        "no_space_inline": (no_space, lambda a: ("NATIVE", a["name"].replace(" ", ""))),
        "no_space_spaced": (no_space, lambda a: ("NATIVE", spaced_no_space_script(a["name"]))),
        "native_fuzzy": ([a for a in non_latin if native_fuzzy(a["name"])], lambda a: native_fuzzy(a["name"])),
        "alias_or_work": (with_alias + with_works, lambda a: rng.choice(a["aliases"] + a["creations"])),
    }
    rows = []
    for category, (pool, function) in categories.items():
        made = 0
        attempts = 0
        while made < PER_CATEGORY and attempts < 100000:
            attempts += 1
            artist = rng.choice(pool)
            disguised = function(artist)
            native = False
            if isinstance(disguised, tuple):
                native, disguised = True, disguised[1]
            if not disguised or (disguised == artist["name"] and category not in ("case", "alias_or_work")):
                continue
            if native:
                prompt = native_context(artist["locale"], disguised)
                if rng.random() < 0.5:
                    prompt = context(prompt)
            elif artist["locale"] in OTHER and rng.random() < 0.3:
                prompt = native_context(artist["locale"], disguised)
            else:
                prompt = context(disguised)
            rows.append({"category": category, "artist": artist["name"], "prompt": prompt})
            made += 1
        assert made == PER_CATEGORY, (category, made)

    # Ordinary prompts.
    ordinary = []
    # Prompt fragments alone.
    for _ in range(1500):
        ordinary.append(", ".join(rng.sample(clean, rng.randint(3, 10))))
    # People who are not registered, sharing a first name or a surname with an artist of their locale.
    made = 0
    while made < 1500:
        locale = rng.choice(locales)
        f = faker(locale)
        pool = first_names.get(locale)
        if not pool:
            continue
        parts = rng.choice(pool)
        if rng.random() < 0.5:
            other = clean_name(f"{parts[0]} {f.last_name()}")
        else:
            other = clean_name(f"{f.first_name()} {parts[-1]}")
        if other.lower() in registered:
            continue
        template = rng.choice(["portrait of {}", "a photo of {}", "{} at the beach", "{} smiling, studio light", "wedding photo of {}"])
        ordinary.append(context(template.format(other)) if rng.random() < 0.5 else template.format(other))
        made += 1
    # Ordinary text in other scripts.
    korean = []
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", directory, "konlpy==0.6.0"], check=True)
        wheel = [f for f in os.listdir(directory) if f.endswith(".whl")][0]
        with zipfile.ZipFile(os.path.join(directory, wheel)) as archive:
            for member in sorted(archive.namelist()):
                if member.startswith("konlpy/data/corpus/") and member.endswith(".txt"):
                    text = archive.read(member).decode("utf-8", "replace")
                    korean += [s.strip() for s in re.split(r"(?<=[.?!다])\s+|\n+", text) if len(s.strip()) > 15]
    rng.shuffle(korean)
    for sentence in korean[:400]:
        ordinary.append(sentence[:300])
    for locale in ("ja_JP", "zh_CN", "zh_TW", "ru_RU", "el_GR", "ar_AA", "he_IL", "uk_UA"):
        for _ in range(300 if locale in ("ja_JP", "zh_CN") else 100):
            text = faker(locale).text(max_nb_chars=rng.choice([60, 120, 200]))
            ordinary.append(text)
    rng.shuffle(ordinary)

    with open(os.path.join(OUT, "artists.jsonl"), "w") as out:
        for a in artists:
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "disguised.jsonl"), "w") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "ordinary.jsonl"), "w") as out:
        for prompt in ordinary:
            out.write(json.dumps({"prompt": prompt}, ensure_ascii=False) + "\n")
    print(f"{len(artists)} artists in {len(locales)} locales, {len(rows)} disguised prompts in {len(categories)} kinds, "
          f"{len(ordinary)} ordinary prompts -> {OUT}")


if __name__ == "__main__":
    main()

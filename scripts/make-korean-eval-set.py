#!/usr/bin/env python3
"""Korean names in Latin letters as people write them, as a dev set: Tests/OptOutCoreTests/Eval/korean.jsonl,
korean-phrases.txt and korean-ordinary.jsonl (seed 20261210).

Names: 300 Korean names made by Faker 40 (ko_KR), registered in Hangul (korean-phrases.txt). Each is written three
ways, family name first or last, the given name joined, hyphenated or spaced, inside fragments of the dev set's
ordinary prompts:
- `korean_rr`: the Revised Romanization, by ko-pron 1.2 (PyPI; a port of Wiktionary's ko-pron module), the family
  name and the given name romanized apart ("Jeong Seong-ho");
- `korean_mr`: McCune-Reischauer, by ko-pron, the given name as one word ("Chŏng Sŏngho", or with its marks left
  out);
- `korean_customary`: the spellings Korean passports and artists' names customarily use ("Jung Sung-ho",
  "Park Eun-joo"), from the tables below: family names as Statistics Korea's commonest are usually written, and
  given-name syllables by their usual spelling. These tables were written for this set; the gate's rules share their
  idea (eo as u, u as oo), so this kind measures the rules more than unseen spellings.
- korean-ordinary.jsonl: 1,000 portraits of Korean people who are not registered, written the same three ways, none
  spelt as a registered name is in that way.
"""
import json
import os
import random
import unicodedata

from faker import Faker
from ko_pron import romanise

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
SEED = 20261210
rng = random.Random(SEED)

FAMILY = {"김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang", "조": "Cho", "윤": "Yoon",
          "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin", "권": "Kwon", "황": "Hwang",
          "안": "Ahn", "송": "Song", "류": "Ryu", "유": "Yoo", "전": "Jeon", "홍": "Hong", "고": "Ko", "문": "Moon",
          "양": "Yang", "손": "Son", "배": "Bae", "백": "Baek", "허": "Heo", "남": "Nam", "심": "Shim", "노": "Noh",
          "하": "Ha", "곽": "Kwak", "성": "Sung", "차": "Cha", "주": "Joo", "우": "Woo", "구": "Koo", "민": "Min",
          "진": "Jin", "나": "Na", "지": "Ji", "엄": "Um", "변": "Byun", "채": "Chae", "원": "Won", "천": "Chun",
          "방": "Bang", "공": "Kong", "현": "Hyun", "함": "Ham", "여": "Yeo", "추": "Choo", "도": "Do", "석": "Seok",
          "선": "Sun", "설": "Seol", "마": "Ma", "길": "Gil", "연": "Yeon", "표": "Pyo", "명": "Myung", "기": "Ki",
          "반": "Ban", "왕": "Wang", "금": "Keum", "옥": "Ok", "육": "Yook", "인": "In", "맹": "Maeng", "제": "Je",
          "모": "Mo", "탁": "Tak", "국": "Kook", "은": "Eun", "용": "Yong", "예": "Ye", "경": "Kyung", "봉": "Bong",
          "염": "Yeom"}
SYLLABLE = {"정": "jung", "성": "sung", "영": "young", "수": "soo", "준": "joon", "현": "hyun", "은": "eun",
            "민": "min", "지": "ji", "희": "hee", "숙": "sook", "자": "ja", "훈": "hoon", "호": "ho", "서": "seo",
            "연": "yeon", "우": "woo", "진": "jin", "주": "joo", "혜": "hye", "경": "kyung", "석": "seok", "철": "chul",
            "명": "myung", "상": "sang", "동": "dong", "광": "kwang", "재": "jae", "태": "tae", "용": "yong",
            "순": "soon", "옥": "ok", "미": "mi", "선": "sun", "하": "ha", "윤": "yoon", "원": "won", "혁": "hyuk",
            "승": "seung", "아": "ah", "예": "ye", "도": "do", "유": "yoo", "건": "gun", "범": "bum", "병": "byung",
            "기": "ki", "규": "kyu", "근": "keun", "길": "gil", "덕": "duk", "춘": "chun", "종": "jong", "중": "joong",
            "국": "kook", "남": "nam", "란": "ran", "래": "rae", "림": "rim", "시": "si", "신": "shin", "식": "sik",
            "열": "yeol", "욱": "wook", "웅": "woong", "인": "in", "일": "il", "찬": "chan", "채": "chae", "환": "hwan",
            "효": "hyo", "휘": "hwi", "희": "hee", "빈": "bin", "보": "bo", "봉": "bong", "복": "bok", "부": "boo",
            "숙": "sook", "애": "ae", "양": "yang", "여": "yeo", "옥": "ok", "완": "wan", "은": "eun", "의": "eui",
            "이": "yi", "임": "im", "장": "jang", "전": "jeon", "제": "je", "조": "jo", "창": "chang", "천": "chun",
            "철": "chul", "택": "taek", "한": "han", "해": "hae", "혜": "hye", "홍": "hong", "화": "hwa", "회": "hoe",
            "후": "hoo", "흥": "heung", "다": "da", "나": "na", "라": "ra", "소": "so", "세": "se", "예": "ye"}

artists = [l.strip() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()]
ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]
fragments = sorted({f for p in ordinary for f in p.split(", ") if f})


def plain(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def spell(name, system):
    family, given = name[0], name[1:]
    if system == "customary":
        fam = FAMILY.get(family, romanise(family, "rr").capitalize())
        syllables = [SYLLABLE.get(s, romanise(s, "rr")) for s in given]
    elif system == "rr":
        fam = romanise(family, system).capitalize()
        syllables = [romanise(s, system) for s in given]
    else:
        # McCune-Reischauer romanizes the given name as one word (its consonants change between syllables).
        fam, whole = romanise(family, "mr").capitalize(), romanise(given, "mr").replace("'", "")
        if rng.random() < 0.5:
            fam, whole = plain(fam), plain(whole)
        written = rng.choice([f"{fam} {whole.capitalize()}", f"{whole.capitalize()} {fam}"])
        return written, (fam.lower(), plain(whole).lower())
    joiner = rng.choice(["", "-", " "])
    given_written = syllables[0].capitalize() + joiner + (syllables[1] if joiner != " " else syllables[1].capitalize())
    if len(syllables) > 2:
        given_written += "".join(syllables[2:])
    return rng.choice([f"{fam} {given_written}", f"{given_written} {fam}"]), (fam.lower(), "".join(syllables).lower())


def context(written):
    before = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
    joiner = rng.choice(["by", "art by", "in the style of", "painted by", "illustration by"])
    return f"{before}, {joiner} {written}, {rng.choice(fragments)}"


faker = Faker("ko_KR")
faker.seed_instance(SEED)
names = []
while len(names) < 300:
    name = faker.name()
    if len(name) == 3 and name not in names:
        names.append(name)

rows = []
spelt = {"rr": set(), "mr": set(), "customary": set()}
for system, kind in (("rr", "korean_rr"), ("mr", "korean_mr"), ("customary", "korean_customary")):
    for name in names:
        written, key = spell(name, system)
        spelt[system].add(key)
        rows.append({"category": kind, "artist": name, "prompt": context(written)})

ordinary_rows = []
while len(ordinary_rows) < 1000:
    name = faker.name()
    if len(name) != 3 or name in names:
        continue
    system = rng.choice(["rr", "mr", "customary"])
    written, key = spell(name, system)
    # Not spelt the same as a registered name is, in any of the three ways.
    if any(key in keys for keys in spelt.values()):
        continue
    before = ", ".join(rng.sample(fragments, rng.randint(1, 3)))
    ordinary_rows.append({"category": "ordinary", "artist": None, "prompt": f"portrait of {written}, {before}"})

with open(os.path.join(EVAL, "korean.jsonl"), "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "korean-ordinary.jsonl"), "w") as out:
    for row in ordinary_rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "korean-phrases.txt"), "w") as out:
    for name in names:
        out.write(name + "\n")
print(f"{len(names)} names, {len(rows)} prompts, {len(ordinary_rows)} ordinary")

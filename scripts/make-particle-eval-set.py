#!/usr/bin/env python3
"""Names with particles written surname first, as a dev set: Tests/OptOutCoreTests/Eval/particles.jsonl,
particle-phrases.txt and particles-ordinary.jsonl (seed 20261208).

Names: the dev set's artists whose surname carries a particle (Eval/phrases.txt: clip-interrogator 0.6.0's
artists.txt, MIT: "Anthony van Dyck", "Andrea del Sarto", "Antonio de la Gandara"), and names made by Faker 40
in six locales whose surnames carry them (nl_NL, nl_BE, fr_FR, pt_BR, es_ES, es_MX: "Naud van der Ploeg",
"Pauline de la Bailly", "Esther da Rosa"), written to particle-phrases.txt for the registry. Context: fragments of the
dev set's ordinary prompts. Nothing here comes from the held-out sets.

- particles.jsonl: each name once in each of two kinds, inside prompt fragments:
  `particle_first`, the surname with its particles first ("van Dyck, Anthony", "Van der Ploeg Naud");
  `particle_last`, the surname first and the particles last, as catalogues sort ("Dyck, Anthony van",
  "Ploeg Naud van der").
- particles-ordinary.jsonl: 1,000 ordinary prompts naming people who are not registered, written the same ways:
  a registered surname with its particles beside the given name of one of the Faker people ("van Dyck, Maria"), not
  one the gate would read as a registered name: not when the surname, with its particles or without, is registered
  alone ("Van Gogh", "Caravaggio"), nor when the given name is two slips or fewer from the registered one's
  ("Catharina da Cruz" is "Catarina da Cruz" misspelt; "Charles-André Le Roux" starts as "Charles Le Roux").
"""
import json
import os
import random
import unicodedata

from faker import Faker

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
EVAL = os.path.join(ROOT, "Tests", "OptOutCoreTests", "Eval")
SEED = 20261208
rng = random.Random(SEED)

# The particles the gate reads (NameParticles in OptOutCore), lower case.
PARTICLES = {"van", "von", "de", "da", "di", "del", "della", "dello", "dei", "degli", "der", "den", "des", "du", "le",
             "la", "ten", "ter", "dos", "das", "zu", "zur", "vom", "af", "al", "el", "bin", "ibn"}
LOCALES = {"nl_NL": 80, "nl_BE": 60, "fr_FR": 60, "pt_BR": 50, "es_ES": 50, "es_MX": 20}

artists = [l.strip() for l in open(os.path.join(EVAL, "phrases.txt")) if l.strip()]
ordinary = [json.loads(l)["prompt"] for l in open(os.path.join(EVAL, "ordinary.jsonl"))]
fragments = sorted({f for p in ordinary for f in p.split(", ") if f})


def split(name):
    """(given words, particles, surname), or None when the name holds no particle before its last word."""
    words = name.split()
    first = len(words) - 1
    while first > 1 and words[first - 1].lower() in PARTICLES:
        first -= 1
    if first == len(words) - 1 or not all(w.replace("-", "").replace("'", "").isalpha() for w in words):
        return None
    return words[:first], words[first:-1], words[-1]


def plain(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slips(a, b):
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def plainish(name):
    return unicodedata.normalize("NFC", name)


dev = [a for a in artists if split(a)]
made = []
seen = set(a.lower() for a in artists)
for locale, count in LOCALES.items():
    faker = Faker(locale)
    faker.seed_instance(SEED)
    tries = 0
    while count and tries < 20000:
        tries += 1
        name = plainish(f"{faker.first_name()} {faker.last_name()}")
        if split(name) and name.lower() not in seen and "-" not in name:
            seen.add(name.lower())
            made.append(name)
            count -= 1

names = dev + made


def capitalised(particles):
    if rng.random() < 0.5:
        return [particles[0][0].upper() + particles[0][1:]] + particles[1:]
    return particles


def particle_first(name):
    given, particles, surname = split(name)
    head = " ".join(capitalised(particles) + [surname])
    return head + rng.choice([", ", " "]) + " ".join(given)


def particle_last(name):
    given, particles, surname = split(name)
    return surname + rng.choice([", ", " "]) + " ".join(given + [p.lower() for p in particles])


def context(disguised):
    before = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
    after = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
    joiner = rng.choice(["by", "art by", "in the style of", "painted by", "style of", ""])
    if not joiner:
        return f"{disguised}, {before}, {after}"
    return f"{before}, {joiner} {disguised}, {after}"


rows = []
for kind, disguise in (("particle_first", particle_first), ("particle_last", particle_last)):
    for name in names:
        rows.append({"category": kind, "artist": name, "prompt": context(disguise(name))})

# Ordinary: people who are not registered, written the same ways.
registered = set(n.lower() for n in names)
registered_alone = set(a.lower() for a in artists)
# Given names of the Faker people, none of them a registered name alone ("Rembrandt", "Michelangelo").
by_surname = {}
for n in names:
    g, p, sn = split(n)
    by_surname.setdefault(" ".join(p + [sn]).lower(), []).append(g[0])


def first_name(given):
    return plain(given.split("-")[0]).lower()


givens = sorted({split(n)[0][0] for n in made} - {a for a in artists if " " not in a})
ordinary_rows = []
while len(ordinary_rows) < 1000:
    name = rng.choice(names)
    given, particles, surname = split(name)
    other = [rng.choice(givens)]
    # Not a registered name, nor one whose particles and surname are registered alone ("Van Gogh"), nor a given name
    # that starts with the registered one's ("Charles-André" after "Charles Le Roux": read as that name, then more).
    if (" ".join(other + particles + [surname]).lower() in registered
            or " ".join(particles + [surname]).lower() in registered_alone or surname.lower() in registered_alone
            or any(slips(first_name(other[0]), first_name(g)) <= 2 for g in by_surname[" ".join(particles + [surname]).lower()])):
        continue
    person = " ".join(other + particles + [surname])
    written = rng.choice([particle_first, particle_last])(person)
    before = ", ".join(rng.sample(fragments, rng.randint(1, 4)))
    ordinary_rows.append({"category": "ordinary", "artist": None, "prompt": f"portrait of {written}, {before}"})

with open(os.path.join(EVAL, "particles.jsonl"), "w") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "particles-ordinary.jsonl"), "w") as out:
    for row in ordinary_rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
with open(os.path.join(EVAL, "particle-phrases.txt"), "w") as out:
    for name in made:
        out.write(name + "\n")
print(f"{len(dev)} dev artists and {len(made)} Faker names with particles; {len(rows)} prompts, {len(ordinary_rows)} ordinary")

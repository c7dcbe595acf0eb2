#!/usr/bin/env bash
# Regenerates the collision guard's word list from Debian's wamerican (SCOWL size 50).
# Only lower-case entries are kept: capitalised entries are proper nouns, which is what artists' names are.
set -euo pipefail
apt-get install -y -qq wamerican >/dev/null
out="$(dirname "$0")/../Sources/OptOutServer/Resources/english-words.txt"
{
  echo "# Common English words (lower-case entries of SCOWL size 50, Debian wamerican $(dpkg-query -W -f='${Version}' wamerican)). See english-words.LICENSE."
  grep -E '^[a-z]+$' /usr/share/dict/american-english
} > "$out"
cp /usr/share/doc/wamerican/copyright "$(dirname "$out")/english-words.LICENSE"
wc -l "$out"

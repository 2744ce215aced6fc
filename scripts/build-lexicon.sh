#!/usr/bin/env bash
# build-lexicon.sh [SEEDS_DIR] - rebuild data/da-freq.tsv, data/da-bigrams.tsv
# and data/da-acronyms.tsv the way the shipped files were built: fetch the
# Danish HTML documentation packages with `apt-get download` (not installed),
# unpack them in a temporary directory, and count words with
# scripts/build-lexicon.py.  Needs manpages-da and gettext (msgunfmt) installed
# for the man pages and translations; without them those sources are skipped.
# Run from anywhere; writes into the repository's data/.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEEDS=$(cd "${1:-$ROOT/../shared/seeds}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download libreoffice-help-da debian-edu-doc-da >/dev/null)
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
cd "$ROOT" && python3 scripts/build-lexicon.py "$SEEDS" --html "$tmp/x"
wc -l data/da-freq.tsv data/da-bigrams.tsv data/da-acronyms.tsv

#!/usr/bin/env bash
# make-eval.sh SEEDS_DIR - (re)build the garbled evaluation pairs in
# tests/normalize-eval/ from the clean reports 001 and 002: every third prose
# line (>= 8 words) is taken out for evaluation (scripts/build-lexicon.py
# never counts these lines), damaged by scripts/garble.py with fixed seeds, and
# split alternately into a dev half (for tuning) and a held-out half (reported).
# The held-out half is also damaged twice more, all OCR (seed 2027) and all
# typed without æ ø å (seed 2028), so each kind of damage is measured alone.
set -eu
SEEDS=${1:-../shared/seeds}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/tests/normalize-eval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$SEEDS"/001_*.txt "$SEEDS"/002_*.txt; do
	sed 's/\r$//; s/^[[:space:]]*//; s/[[:space:]]*$//' "$f" |
		awk 'NF >= 8 && length($0) >= 50 && !/\t/' | awk 'NR % 3 == 0'
done >"$tmp/clean"
python3 "$ROOT/scripts/garble.py" 2026 mix <"$tmp/clean" >"$tmp/damaged"
paste "$tmp/damaged" "$tmp/clean" | awk -F'\t' -v dev="$OUT/garbled-dev.tsv" -v held="$OUT/garbled-heldout.tsv" '
	BEGIN { h = "# damaged (scripts/garble.py 2026 mix) <TAB> clean line of seeds/001 or 002"
		print h > dev; print h > held }
	{ print > (NR % 2 ? dev : held) }'
# the same held-out lines, each kind of damage alone
grep -v '^#' "$OUT/garbled-heldout.tsv" | cut -f2 >"$tmp/held"
for kind in ocr:2027 ascii:2028; do
	python3 "$ROOT/scripts/garble.py" "${kind#*:}" "${kind%:*}" <"$tmp/held" >"$tmp/d"
	{ echo "# damaged (scripts/garble.py ${kind#*:} ${kind%:*}) <TAB> clean line of seeds/001 or 002"
	  paste "$tmp/d" "$tmp/held"; } >"$OUT/garbled-${kind%:*}-heldout.tsv"
done
wc -l "$OUT"/garbled-*.tsv

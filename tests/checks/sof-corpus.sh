#!/usr/bin/env bash
# The shipped SOF corpus is what scripts/make-sof-corpus.py writes, and its
# gold codes reproduce every published X and Y (the script asserts both).
set -eu
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
python3 "$ROOT/scripts/make-sof-corpus.py" --check "$ROOT/corpora/sof" >"$TMP/out"
tail -1 "$TMP/out"
grep -q '^all published X and Y reproduced' "$TMP/out"
echo "REPORT sof corpus: $(grep -c ' ok$' "$TMP/out") published X/Y pairs reproduced by the gold codes"
# The held-out and development answers are what scripts/make-heldout.py writes.
python3 "$ROOT/scripts/make-heldout.py" "$TMP/heldout" >/dev/null
for f in barrierer undtagelser sygdom; do
	cmp -s "$TMP/heldout/$f.csv" "$ROOT/corpora/heldout/$f.csv" ||
		{ echo "corpora/heldout/$f.csv differs from what scripts/make-heldout.py writes"; exit 1; }
done

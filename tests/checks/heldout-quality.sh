#!/usr/bin/env bash
# Quality of the shipped codebooks' rules on answers they were not tuned on
# (corpora/heldout; sygdom.csv is development data for its codebook).
# Reports macro-F1 and the weakest category; fails only if koder code fails.
set -eu
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
for q in barrierer:sof-barrierer undtagelser:sof-undtagelser sygdom:sygdom-aarsager; do
	f=${q%%:*} cb=${q#*:}
	[ -f "$ROOT/codebooks/$cb.json" ] || { echo "no codebooks/$cb.json yet"; continue; }
	"$KODER" code --codebook "$ROOT/codebooks/$cb.json" --id id --text text -q \
		"$ROOT/corpora/heldout/$f.csv" >"$TMP/$f.pred"
	python3 "$ROOT/scripts/score-codes.py" "$ROOT/corpora/heldout/$f.csv" "$TMP/$f.pred" >"$TMP/$f.score"
	macro=$(sed -n 's/^macro-F1 //p' "$TMP/$f.score")
	worst=$(awk 'NR>1 && NF==7 && $1 != "answers" {print $7, $1}' "$TMP/$f.score" | sort -n | head -1)
	n=$(sed -n 's/^answers \([0-9]*\),.*/\1/p' "$TMP/$f.score")
	echo "REPORT heldout $cb: macro-F1 $macro, weakest category ${worst#* } F1 ${worst% *}, $n answers"
done

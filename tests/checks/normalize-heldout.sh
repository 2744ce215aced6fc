#!/usr/bin/env bash
# normalize-heldout.sh - the normalizer on documents it has never seen, each
# failure class on its own, so a regression in one class shows.
# Sets (tests/normalize-eval, built by scripts/make-normalize-heldout.py; the
# dev halves are for tuning and are not scored here):
#   ocr000-heldout  real OCR of seeds/000 (a report the lexicon never read)
#   prose-ocr       gimp-help-da pages held out by page, damaged at the OCR
#                   rates measured in data/da-confusions.tsv
#   prose-rare      the same pages with the rare confusions forced (& @ z s p
#                   B d, I/l, | and 1 for I)
#   places          sentences about Danish places, names held out by name
# Classes: I (| or 1 for I), C (compound or form the lexicon lacks whole),
# N (place name), A (capital I for l), R (real-word error), X (other).
# Floors sit just under today's figures; a class with fewer than 10 damaged
# tokens in a set is reported, not gated.  Under $SANITIZED=1 an even sample
# of 30 lines per set is scored and only gross failures are gated.
set -eu
EVAL="$ROOT/tests/normalize-eval"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
sample=()
[ "${SANITIZED:-0}" = 1 ] && sample=(--max-rows 30)
out=$(python3 "$EVAL/score.py" --classes "${sample[@]}" "$KODER" \
	"$EVAL"/ocr000-heldout.tsv "$EVAL"/prose-ocr-heldout.tsv \
	"$EVAL"/prose-rare-heldout.tsv "$EVAL"/places-heldout.tsv)
# floors: set class floor% (repaired)   and per set: set - repaired-floor% changed-ceiling%
FLOORS='
ocr000-heldout - 99.0 0.10
ocr000-heldout C 95
ocr000-heldout I 95
ocr000-heldout X 99.5
prose-ocr-heldout - 98.5 0.20
prose-ocr-heldout C 96
prose-ocr-heldout R 95
prose-ocr-heldout X 99
prose-rare-heldout - 97.0 0.20
prose-rare-heldout C 96
prose-rare-heldout A 75
prose-rare-heldout R 99
prose-rare-heldout X 99.5
places-heldout - 99.0 0.10
places-heldout N 98
places-heldout R 99
places-heldout X 99.5
'
[ "${SANITIZED:-0}" = 1 ] && FLOORS='
ocr000-heldout - 85 1.0
prose-ocr-heldout - 85 1.0
prose-rare-heldout - 65 1.0
places-heldout - 85 1.0
'
echo "$out" | awk -v floors="$FLOORS" -v sanitized="${SANITIZED:-0}" '
BEGIN {
	n = split(floors, L, "\n")
	for (i = 1; i <= n; i++) {
		if (split(L[i], f, " ") < 3) continue
		if (f[2] == "-") { setfloor[f[1]] = f[3]; setceil[f[1]] = f[4] }
		else clfloor[f[1] " " f[2]] = f[3]
	}
	name["I"] = "| or 1 for I"; name["C"] = "compounds/forms"; name["N"] = "place names"
	name["A"] = "case (I for l)"; name["R"] = "real-word errors"; name["X"] = "other confusions"
	bad = 0
}
/^[a-z0-9-]+: repaired/ {
	set = $1; sub(":", "", set)
	split($3, a, "/"); rep = 100 * a[1] / (a[2] ? a[2] : 1)
	split($8, b, "/"); chg = 100 * b[1] / (b[2] ? b[2] : 1)
	printf "REPORT normalize %s: damaged tokens repaired %s = %.1f%%, correct tokens changed %s = %.2f%%\n", set, $3, rep, $8, chg
	if (set in setfloor && rep < setfloor[set]) { print "FAIL " set ": repaired " rep "% below " setfloor[set] "%"; bad = 1 }
	if (set in setceil && chg > setceil[set]) { print "FAIL " set ": changed " chg "% above " setceil[set] "%"; bad = 1 }
}
/^CLASS / {
	k = $2 " " $3; p = 100 * $4 / $5
	printf "REPORT normalize   %s %s: %d/%d = %.1f%%\n", $2, name[$3], $4, $5, p
	if (k in clfloor && (sanitized == 1 || $5 >= 10) && p < clfloor[k]) { print "FAIL " k ": " p "% below " clfloor[k] "%"; bad = 1 }
}
/^CONTEXT / { ctx += $3; cor += $4 }
END {
	p = 100 * ctx / (cor ? cor : 1)
	printf "REPORT normalize held-out: correct tokens changed into another word by context %d/%d = %.3f%%\n", ctx, cor, p
	if (p > 0.1) { print "FAIL context changes " p "% above 0.1%"; bad = 1 }
	exit bad
}'

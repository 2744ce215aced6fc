#!/usr/bin/env bash
# normalize-quality.sh - how well `koder normalize` repairs damaged Danish, on
# evaluation pairs in tests/normalize-eval: hand-corrected OCR lines of
# seeds/000 and garbled clean lines of 001/002 (scripts/make-eval.sh), each
# split into a dev half (used to tune) and a held-out half (only measured).
# Reports damaged tokens repaired, correct tokens wrongly changed and token
# accuracy on the held-out halves (in all, and per set: real OCR of 000,
# mixed damage, OCR damage alone, typing without æ ø å alone), and fails below the floors below, which
# sit just under what the normalizer reaches.  (The document-held-out sets
# are scored per failure class by normalize-heldout.sh.)
set -eu
FLOOR_REPAIRED=97.0     # % of damaged tokens repaired exactly (held-out)
CEIL_CHANGED=0.20       # % of correct tokens wrongly changed (held-out)
EVAL="$ROOT/tests/normalize-eval"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
held=$(python3 "$EVAL/score.py" "$KODER" "$EVAL"/garbled-*heldout.tsv "$EVAL"/ocr000-heldout.tsv)
dev=$(python3 "$EVAL/score.py" "$KODER" "$EVAL"/garbled-dev.tsv "$EVAL"/ocr000-dev.tsv)
echo "$dev" | sed 's/^/dev: /'
echo "$held" | sed 's/^/held-out: /'
read -r _ rep chg acc <<<"$(echo "$held" | grep '^TOTAL')"
echo "REPORT normalize held-out: damaged tokens repaired $rep%, correct tokens wrongly changed $chg%, token accuracy $acc%"
echo "$held" | grep -v '^TOTAL' | sed 's/^/REPORT normalize   /'
read -r _ drep dchg dacc <<<"$(echo "$dev" | grep '^TOTAL')"
echo "REPORT normalize dev:      damaged tokens repaired $drep%, correct tokens wrongly changed $dchg%, token accuracy $dacc%"
awk -v r="$rep" -v c="$chg" -v fr="$FLOOR_REPAIRED" -v fc="$CEIL_CHANGED" 'BEGIN {
	if (r + 0 < fr + 0) { print "repaired " r "% is below the floor " fr "%"; exit 1 }
	if (c + 0 > fc + 0) { print "wrongly changed " c "% is above the ceiling " fc "%"; exit 1 }
}'

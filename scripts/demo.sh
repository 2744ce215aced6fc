#!/usr/bin/env bash
# demo.sh KODER - the main job on the shipped SOF corpus, in seconds:
# read the survey export, repair the answers, code them with the shipped
# codebooks, and count "Anført af X ud af Y" per wave and role; print the
# table and draw the chart.  Then the same table from the gold codes (as if
# a coder had reviewed every answer), which is what the report published.
set -eu
KODER=${1:-./koder}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS="$ROOT/corpora/sof"
OUT=${DEMO_OUT:-"$(cd "$(dirname "$KODER")" && pwd)/demo"}
mkdir -p "$OUT"
"$KODER" --version
echo
echo "== The survey export ($CORPUS/survey.csv), its columns:"
head -1 "$CORPUS/survey.csv" | sed 's/^\xEF\xBB\xBF//; s/;/ | /g'
echo
echo "== Repairing damaged text (koder normalize --explain), a few answers:"
head -4 "$ROOT/data/sample-answers.txt" | "$KODER" normalize --explain || true
echo
echo "== koder tally corpora/sof: read -> normalize -> code -> count (engine suggestions)"
start=$(date +%s.%N)
"$KODER" tally "$CORPUS" --question barrierer --chart "$OUT/sof-barrierer.svg"
"$KODER" tally "$CORPUS" --format xlsx -o "$OUT/sof.xlsx"
end=$(date +%s.%N)
echo
echo "== The same from the gold codes (every answer reviewed), as published:"
"$KODER" tally "$CORPUS" --question barrierer --codes "$CORPUS/gold-barrierer.csv" \
	--chart "$OUT/sof-barrierer-gold.svg" | sed -n '1,10p'
echo "   ..."
echo
echo "== Coding and counting both questions took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s.  Wrote:"
echo "   $OUT/sof-barrierer.svg       chart of the engine's counts (open in a browser)"
echo "   $OUT/sof-barrierer-gold.svg  chart of the gold counts"
echo "   $OUT/sof.xlsx                both questions, one sheet per codebook"
if command -v rsvg-convert >/dev/null; then
	rsvg-convert -w 980 "$OUT/sof-barrierer.svg" -o "$OUT/sof-barrierer.png" &&
		echo "   $OUT/sof-barrierer.png       the chart as a picture"
fi

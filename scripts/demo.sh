#!/usr/bin/env bash
# demo.sh KODER - the main job on the shipped data.  Until counting lands, the
# job shown is the first step: repair a shipped sample of damaged survey
# answers (OCR and typing without æ ø å) and show what changed.
set -eu
KODER=${1:-./koder}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
sample="$ROOT/data/sample-answers.txt"
"$KODER" --version
echo
echo "== Damaged answers ($sample), first 8 lines:"
head -8 "$sample"
echo
echo "== koder normalize: the same lines repaired"
head -8 "$sample" | "$KODER" normalize
echo
echo "== koder normalize --explain: every change (file, line, word, repair, why)"
head -8 "$sample" | "$KODER" normalize --explain
echo
echo "$(wc -l <"$sample") lines in, $("$KODER" normalize "$sample" | wc -l) lines out;" \
	"$("$KODER" normalize --explain "$sample" | wc -l) words repaired."

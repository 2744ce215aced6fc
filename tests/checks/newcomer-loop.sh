#!/usr/bin/env bash
# A newcomer's loop on the five studies koder never saw (corpora/newstudy-*,
# docs/new-study.md): the first codebook scored against the gold, then a
# model trained on half of the coded answers codes the other half, both
# ways round.  Fails when a study's trained macro-F1 (average of the two
# halves) falls below a floor a little under what was measured when the
# studies were built, or below its own first codebook's.  Under a
# sanitizer build only the first study runs (keeps the check to seconds).
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "python3 not found"; exit 77; }

# study and floor for its average trained macro-F1 (measured: 0.779, 0.811,
# 0.603; hjemmearbejde was written after the trainer's changes, to check
# they were not tuned to the first two.  After the trainer learned from the
# codebook's own examples and definitions and chose thresholds over three
# shuffled cross-validations: 0.789, 0.803, 0.623 - samarbejde was kept
# out of that work and checked at its end.  After each include pattern's
# words became a training row below 1,000 answers: 0.786, 0.822, 0.645.
# selvbetjening, a fourth study written after all of that (issue 16 item 6)
# so the trainer's next changes are measured on answers it was not tuned
# on: 0.643 when it was added.  After the features were scaled by their
# naive Bayes ratios below 1,000 answers (developed on the first three,
# selvbetjening measured once at the end): 0.792, 0.819, 0.704, 0.686.
# After the rescue threshold (an answer the no-answer phrases took as no
# answer may get the model's likeliest category): 0.797, 0.829, 0.704,
# 0.686; over NEWCOMER_HASH_BYTE=0..3 0.7920, 0.8262, 0.7003, 0.6823)
# laeger, a fifth study written blind while the rescue threshold was being
# made (prefix E seed 5), measured before and after it: 0.724 both times
# (0.7218 over the four split bytes).
studies="aktivering:0.77 samarbejde:0.81 hjemmearbejde:0.67 selvbetjening:0.66 laeger:0.70"
[ "${SANITIZED:-0}" = 1 ] && studies="aktivering:0.74"

for s in $studies; do
	name=${s%%:*} floor=${s#*:}
	out=$(sh "$ROOT/scripts/newcomer-loop.sh" "$ROOT/corpora/newstudy-$name" "$KODER" 2>&1) \
		|| fail "$name: the loop failed: $out"
	first=$(printf '%s\n' "$out" | sed -n 's/^first-codebook macro-F1 \([0-9.]*\).*/\1/p')
	line=$(printf '%s\n' "$out" | grep '^trained macro-F1 ')
	avg=${line##* }
	[ -n "$first" ] && [ -n "$avg" ] || fail "$name: no figures in: $out"
	echo "REPORT newstudy-$name first-codebook macro-F1 $first; $line"
	second=$(printf '%s\n' "$out" | grep '^second-round macro-F1 ')
	[ -n "$second" ] && echo "REPORT newstudy-$name $second (codebook revised on one half, scored on the other)"
	python3 -c "import sys; sys.exit(0 if $avg >= $floor else 1)" \
		|| fail "$name: trained macro-F1 $avg below the floor $floor"
	python3 -c "import sys; sys.exit(0 if $avg >= $first else 1)" \
		|| fail "$name: trained macro-F1 $avg below the first codebook's $first"
done
exit 0

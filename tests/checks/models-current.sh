#!/usr/bin/env bash
# models-current.sh - the shipped learned models (codebooks/*.model) are what
# 'koder train' makes (scripts/train-models.sh) from the coded answers and
# the codebooks as they are now: retrained into a scratch folder, every model
# must come out byte for byte the same.  A changed training file, category,
# pattern, normalizer or feature definition without a retrained model fails
# here.
set -eu
work="$TMP/models-current"
rm -rf "$work"
mkdir -p "$work"
"$ROOT/scripts/train-models.sh" "$KODER" "$work" >"$work/train.out"
status=0
for m in "$ROOT"/codebooks/*.model; do
	if ! cmp -s "$m" "$work/$(basename "$m")"; then
		echo "$(basename "$m") is not what scripts/train-models.sh makes now: retrain and commit it"
		status=1
	fi
done
grep -E "macro-F1" "$work/train.out" | sed "s/^ */REPORT models (held-out folds, patterns alone vs with the model): /"
exit $status

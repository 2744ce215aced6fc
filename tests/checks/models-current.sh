#!/usr/bin/env bash
# models-current.sh - the shipped learned models (codebooks/*.model) are what
# scripts/train-model.py makes from the coded answers and the codebooks as
# they are now: retrained into a scratch copy of the codebooks folder, every
# model must come out byte for byte the same.  A changed training file,
# category or feature definition without a retrained model fails here.
set -eu
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
work="$TMP/models-current"
rm -rf "$work"
mkdir -p "$work"
cp -R "$ROOT/scripts" "$ROOT/corpora" "$work/"
mkdir -p "$work/codebooks"
cp "$ROOT"/codebooks/*.json "$work/codebooks/"
python3 "$work/scripts/train-model.py" --koder "$KODER" >"$work/train.out"
status=0
for m in "$ROOT"/codebooks/*.model; do
	if ! cmp -s "$m" "$work/codebooks/$(basename "$m")"; then
		echo "$(basename "$m") is not what scripts/train-model.py makes now: retrain and commit it"
		status=1
	fi
done
cat "$work/train.out"
exit $status

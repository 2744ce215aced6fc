#!/usr/bin/env bash
# train-models.sh [KODER] [OUTDIR] - train each shipped codebook's learned
# word model with 'koder train' from the coded answers it learns from, and
# write it as OUTDIR/ID.model (default: codebooks/, beside the codebook).
#
# What each model learns from: the development answers (corpora/dev), the
# coded SOF survey where the codebook codes one of its questions, and every
# file of its prefix in corpora/train.  Never corpora/test, which measures
# the result (tests/checks/rules-quality.sh), nor corpora/heldout, except
# sygdom's held-out file, which served as development answers for that
# codebook from the start.  Folds and thresholds are seeded: the same data
# gives the same file.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KODER=${1:-$ROOT/build/koder}
OUT=${2:-$ROOT/codebooks}
cd "$ROOT"
sof="--survey corpora/sof/survey.csv --id Respondent-ID"
train() {  # codebook-id dev-file train-prefix [extra args]
	local cb=$1 dev=$2 prefix=$3
	shift 3
	local args=(--codebook "codebooks/$cb.json" --gold "corpora/dev/$dev.csv")
	for f in corpora/train/"$prefix"-*.csv; do args+=(--gold "$f"); done
	"$KODER" train "${args[@]}" "$@" -o "$OUT/$cb.model"
}
train sof-barrierer barrierer barrierer --gold corpora/sof/gold-barrierer.csv \
	$sof --answer "Barrierer for implementeringen"
train sof-undtagelser undtagelser undtagelser --gold corpora/sof/gold-undtagelser.csv \
	$sof --answer "Andre undtagelseskriterier"
train sygdom-aarsager sygdom sygdom --gold corpora/heldout/sygdom.csv

#!/usr/bin/env bash
# demo.sh KODER - the main job on the shipped data.
set -eu
KODER=${1:-./koder}
"$KODER" --version

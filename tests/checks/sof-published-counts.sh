#!/usr/bin/env bash
# sof-published-counts.sh - the proof that koder counts like the report: the
# SOF gold codes, given to `koder tally` as final codes (imported into a
# project store as coder "gold" with `koder review --import`, and directly
# with --codes), reproduce EVERY published X and Y in
# tests/fixtures/published-counts.json (a copy of the report's figures, so
# the test does not depend on ../shared).  Then, for information only, how
# close the rule engine's own suggestions come to the gold counts.
set -u
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
C=$ROOT/corpora/sof
REF=$ROOT/tests/fixtures/published-counts.json
for q in barrierer undtagelser; do
	if ! ls "$ROOT/codebooks/sof-$q.json" >/dev/null 2>&1 && [ -z "${KODER_DATADIR:-}" ]; then
		echo "codebooks/sof-$q.json is not there yet"; exit 77
	fi
done

# Compare a tally (json) with the published figures; prints one line per
# difference and a summary "N/M".
compare() {
	python3 - "$REF" "$1" "$2" <<'EOF'
import json, sys
ref = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))
mode = sys.argv[3]          # "exact" or "report"
got = {(r["codebook"], r["wave"], r["role"], r["category"]): r for r in rows}
checked = wrong = 0
absdiff = []
for table in ref["tables"]:
    cb = table["codebook"]
    for wave, roles in table["bases"].items():
        for role, y in roles.items():
            for cat, per in table["counts"].items():
                x = per[wave][role]
                r = got.get((cb, wave, role, cat))
                gx, gy = (r["count"], r["base"]) if r else (None, None)
                checked += 1
                if gx != x or gy != y:
                    wrong += 1
                    if mode == "exact":
                        print(f"DIFF {cb} {wave} {role} {cat}: published {x}/{y}, koder {gx}/{gy}")
                if gx is not None:
                    absdiff.append(abs(gx - x))
if mode == "exact":
    print(f"{checked - wrong}/{checked}")
    sys.exit(1 if wrong else 0)
within = sum(d <= 2 for d in absdiff)
mean = sum(absdiff) / len(absdiff) if absdiff else float("nan")
print(f"X within 2 of gold in {within}/{checked} cells, mean |X - gold| {mean:.1f}")
EOF
}

status=0
tally_json() {  # tally_json OUT [ARGS...]: both questions into one json array
	local out=$1; shift
	"$KODER" tally "$C" --format json -o "$out" "$@"
}

# Route 1: --codes, one question at a time (a codes file holds one question).
for q in barrierer undtagelser; do
	"$KODER" tally "$C" --question $q --codes "$C/gold-$q.csv" --format json \
		-o "$TMP/codes-$q.json" || { echo "tally --codes $q failed"; status=1; }
done
python3 -c 'import json,sys; print(json.dumps(sum((json.load(open(f)) for f in sys.argv[1:]), [])))' \
	"$TMP/codes-barrierer.json" "$TMP/codes-undtagelser.json" >"$TMP/codes.json"
if res=$(compare "$TMP/codes.json" exact); then
	echo "REPORT sof published counts via --codes: ${res##*$'\n'} X/Y cells reproduced"
else
	echo "$res"; status=1
fi

# Route 2: the gold as a coder's decisions in a project store (koder review --import).
if "$KODER" review --help 2>/dev/null | grep -q -- '--import'; then
	for q in barrierer undtagelser; do
		"$KODER" review --import "$C/gold-$q.csv" --coder gold --db "$TMP/x.db" \
			--question $q "$C" >"$TMP/import-$q.log" 2>&1 ||
			{ cat "$TMP/import-$q.log"; status=1; }
	done
	if tally_json "$TMP/db.json" --db "$TMP/x.db"; then
		if res=$(compare "$TMP/db.json" exact); then
			echo "REPORT sof published counts via review --import + tally --db: ${res##*$'\n'} X/Y cells reproduced"
		else
			echo "$res"; status=1
		fi
		# Every substantive answer's code came from the coder.
		python3 - "$TMP/db.json" <<'EOF' || status=1
import json, sys
rows = json.load(open(sys.argv[1]))
bad = [r for r in rows if r["reviewed"] < r["base"]]
if bad:
    print("answers not marked as reviewed:", bad[:3]); sys.exit(1)
EOF
	else
		echo "tally --db failed"; status=1
	fi
else
	echo "REPORT sof published counts via review --import: skipped (no 'koder review --import' yet)"
fi

# For information: the engine's own suggestions against the gold.
if tally_json "$TMP/engine.json"; then
	echo "REPORT sof engine vs published: $(compare "$TMP/engine.json" report)"
fi
exit $status

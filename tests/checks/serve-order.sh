#!/usr/bin/env bash
# serve-order.sh - the web review's queue order, at the API: koder serve
# --order uncertain starts a coder's queue with an answer where the SOF
# codebook's patterns and its learned model disagree (the session library's
# order, as koder review --order uncertain), says so ("order", "why"); the
# page's control (GET /api/answer?order=survey) goes back to survey order
# (M0001 first), the choice is the coder's own, and a wrong order is a 400.
set -u
: "${KODER:?}" "${ROOT:?}" "${TMP:?}"
command -v curl >/dev/null || { echo "curl is not installed (sudo make deps)"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not found"; exit 77; }
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
WAIT=$([ "${SANITIZED:-0}" = 1 ] && echo 600 || echo 200)

"$KODER" serve --db "$TMP/p.db" "$ROOT/corpora/sof" --listen 127.0.0.1:0 --order uncertain \
	--coder anna --coder bo >"$TMP/links" 2>"$TMP/log" &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for ((i = 0; i < WAIT; i++)); do
	[ "$(grep -c ' http' "$TMP/links" 2>/dev/null)" -ge 2 ] && break
	kill -0 $PID 2>/dev/null || { cat "$TMP/log"; echo "the server did not start"; exit 1; }
	sleep 0.05
done
ANNA=$(awk '$1 == "anna" { print $2 }' "$TMP/links")
BO=$(awk '$1 == "bo" { print $2 }' "$TMP/links")
BASE=${ANNA%/login/*}
curl -s -o /dev/null -c "$TMP/ja" "$ANNA"
curl -s -o /dev/null -c "$TMP/jb" "$BO"
# field JSON KEY...: print a field of a JSON reply
field() { python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[k] if v is not None else None
print("null" if v is None else v)' "$@"; }

r=$(curl -s -b "$TMP/ja" "$BASE/api/answer?move=current")
check "--order uncertain: the queue says so" "$(echo "$r" | field order)" uncertain
check "a learned model made it" "$(echo "$r" | field order_model)" True
check "the first answer: the patterns and the model disagree" "$(echo "$r" | field answer why)" disagree
first=$(echo "$r" | field answer respondent)
[ "$first" != M0001 ] && ok "it is not the survey's first answer ($first)" \
	|| bad "uncertain order starts with M0001"
r=$(curl -s -b "$TMP/ja" "$BASE/api/answer?move=current&order=survey")
check "order=survey: survey order" "$(echo "$r" | field order)" survey
check "order=survey: M0001 first" "$(echo "$r" | field answer respondent)" M0001
check "no why in survey order" "$(echo "$r" | field answer why)" null
r=$(curl -s -b "$TMP/jb" "$BASE/api/answer?move=current")
check "bo's queue keeps the server's order" "$(echo "$r" | field order)" uncertain
check "bo starts where anna started" "$(echo "$r" | field answer respondent)" "$first"
r=$(curl -s -b "$TMP/ja" "$BASE/api/answer?move=next")
check "anna's choice stays" "$(echo "$r" | field order)" survey
check "a wrong order" "$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/ja" "$BASE/api/answer?order=random")" 400
echo "REPORT serve --order uncertain: first answer $first, why disagree (survey order: M0001)"
[ $fails = 0 ]

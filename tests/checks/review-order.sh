#!/usr/bin/env bash
# koder review --order uncertain in a real terminal: the first answer shown
# is one where the codebook's patterns and its learned model disagree
# ("model disagrees" on its line: the session library's order; the SOF
# codebook ships a model), the title says so, and f s goes back to survey
# order (M0001 first) with the o key and back again.
set -eu
. "$ROOT/tests/checks/review.lib"
DB=p.db

start a "$KODER" review --db $DB --coder anna --question barrierer --order uncertain "$SOF"
wait_for a "view: all, uncertain first"
wait_for a "· model disagrees"
wait_re a '\[1/345\] [A-Z][0-9]+'
first=$(screen a | sed -n 's/.*\[1\/345\] \([A-Z][0-9]*\).*/\1/p' | head -1)
[ "$first" != M0001 ] || { echo "uncertain order starts with M0001, the survey's first"; exit 1; }
# decide it: the next one shown is the next in the uncertain order, not M0001
keys a Enter
wait_for a "Saved $first"
wait_for a "[2/345]"
gone a "M0001"
# o: survey order, at the first answer not reviewed
keys a o
wait_for a "Survey order."
wait_for a "[1/345] M0001"
gone a "uncertain first"
keys a o
wait_for a "Uncertain first: where the patterns and the"
wait_for a "view: all, uncertain first"
keys a q
dead "$(cat "$TMP/a.pid")"
n=$(sql "$TMP/$DB" "select count(*) from decisions where coder = 'anna'")
[ "$n" = 1 ] || { echo "expected 1 decision, found $n"; exit 1; }
echo "REPORT review --order uncertain: first answer $first (M0001 in survey order)"

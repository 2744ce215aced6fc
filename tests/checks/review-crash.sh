#!/usr/bin/env bash
# Nothing committed is lost: kill -9 in the middle and resume; a closed
# terminal (SIGHUP) restores the terminal and keeps every decision; two
# coders reviewing the same store at the same time lose nothing.
set -eu
. "$ROOT/tests/checks/review.lib"
DB=p.db
"$KODER" review --import "$SOF/gold-undtagelser.csv" --coder gold --db $TMP/$DB "$SOF" 2>/dev/null

# --- kill -9 after five decisions
start a "$KODER" review --db $DB --coder anna --question barrierer
wait_for a "Reviewed 0/345"
for i in 1 2 3 4 5; do
	keys a Enter
	wait_for a "Reviewed $i/345"
done
pid=$(cat $TMP/a.pid)
kill -9 $pid
# (the screen is left as the killed process had it: wait for the process)
dead $pid
n=$(sql $TMP/$DB "select count(*) from decisions where coder = 'anna'")
[ "$n" = 5 ] || { echo "after kill -9: $n decisions, expected 5"; exit 1; }
start b "$KODER" review --db $DB --coder anna --question barrierer
wait_for b "[6/345]"
wait_for b "Reviewed 5/345"

# --- the terminal closes: SIGHUP ends the session cleanly
keys b Enter
wait_for b "Reviewed 6/345"
kill -HUP "$(cat $TMP/b.pid)"
wait_for b "EXIT=130"
wait_for b "6 of 345 answers reviewed by anna"
n=$(sql $TMP/$DB "select count(*) from decisions where coder = 'anna'")
[ "$n" = 6 ] || { echo "after SIGHUP: $n decisions, expected 6"; exit 1; }

# --- two coders at once on the same store, keys interleaved
start c "$KODER" review --db $DB --coder bo --question barrierer
start d "$KODER" review --db $DB --coder cy --question barrierer
wait_for c "Reviewed 0/345"
wait_for d "Reviewed 0/345"
for i in $(seq 1 15); do
	keys c Enter
	keys d x
done
wait_for c "Reviewed 15/345"
wait_for d "Reviewed 15/345"
gone c "NOT SAVED"
gone d "NOT SAVED"
keys c q
keys d q
wait_for c "EXIT=0"
wait_for d "EXIT=0"
got=$(sql $TMP/$DB "select coder, count(*), count(distinct answer_id) from decisions group by coder order by coder")
want="anna|6|6
bo|15|15
cy|15|15
gold|213|213"
[ "$got" = "$want" ] || { echo "decisions per coder:"; echo "$got"; echo "expected:"; echo "$want"; exit 1; }
echo ok

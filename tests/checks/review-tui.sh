#!/usr/bin/env bash
# koder review in a real terminal: confirm, override, note, undo, filter,
# search, help, quit and resume, evidence in colour, æøå on screen.
set -eu
. "$ROOT/tests/checks/review.lib"
DB=p.db

start a "$KODER" review --db $DB --coder anna --question barrierer "$SOF"
wait_for a "[1/345] M0001 · Midtvejs · Medarbejder"
wait_for a "Reviewed 0/345 · Midtvejs 0/179 · Afslutning 0/166"
wait_for a "Større administrativ byrde"            # æøå from the codebook
wait_for a "[ikke relevant]"                        # evidence, NO_COLOR: brackets

# confirm the suggestion (ingen_svar)
keys a Enter
wait_for a "Saved M0001: ingen_svar"
wait_for a "[2/345] M0003"
wait_for a "Reviewed 1/345"

# override: add category 1 to the suggested rettidighed
keys a 1
wait_for a " 1 [x]  Manglende tid"
keys a Enter
wait_for a "Saved M0003: tid_sagsantal;rettidighed"

# a note, saved with the next decision
keys a n
wait_for a " Note:"
keys a -l "usikker på denne"
keys a Enter
wait_for a "Note (saved with the decision): usikker på denne"
keys a x
wait_for a "(with note)"
wait_for a "Reviewed 3/345"

# undo the last decision: back to that answer, not reviewed
keys a u
wait_for a "is not reviewed again"
wait_for a "Reviewed 2/345"
wait_for a "[3/345]"

# filter, search, help
keys a f
wait_for a "Filter: a all"
keys a u
wait_for a "view: uncertain"
keys a f
wait_for a "Filter: a all"
keys a a
wait_for a "view: all"
keys a /
wait_for a " Search:"
keys a -l "afstand"
keys a Enter
wait_for a 'Found "afstand"'
keys a '?'
wait_for a "koder review - keys"
keys a Space
wait_for a "Reviewed 2/345"

keys a q
wait_for a "EXIT=0"
wait_for a "2 of 345 answers reviewed by anna"

got=$(sql $TMP/$DB "select action, codes, coalesce(note,'') from decisions order by decision_id")
want="confirm|ingen_svar|
override|tid_sagsantal;rettidighed|
override|ingen_svar|usikker på denne
undo||undoes decision 3"
[ "$got" = "$want" ] || { echo "decisions:"; echo "$got"; echo "expected:"; echo "$want"; exit 1; }

# resume at the first answer anna has not reviewed; no survey needed now
start b "$KODER" review --db $DB --coder anna
wait_for b "[3/345]"
wait_for b "Reviewed 2/345"
# a smaller window: redrawn, categories in two columns
$T resize-window -t "=b:" -x 70 -y 15
wait_re b " 1 \[ \].* 6 \[ \]"
# Ctrl-C ends the session like a signal: exit 130, terminal restored;
# a note being typed then is not saved, and the summary says so
keys b n
wait_for b " Note:"
keys b -l "halv note"
keys b C-c
wait_for b "EXIT=130"
wait_for b "2 of 345 answers reviewed"
wait_for b "note being typed when the review was stopped was not saved"

# colour: evidence highlighted, no brackets
$T new-session -d -s c -x 80 -y 24 "cd '$TMP' && env -u NO_COLOR '$KODER' review --db $DB --coder dora; sleep 600"
wait_for c "[1/345]"
for ((i = 0; i < WAIT; i++)); do
	$T capture-pane -e -p -t "=c:" | grep -q $'\e\\[43m' && break
	sleep 0.1
done
[ $i -lt $WAIT ] || { echo "no evidence highlight in colour"; $T capture-pane -e -p -t "=c:" | cat -v; exit 1; }
keys c q

# not a terminal: a clear message, not a garbled screen
if "$KODER" review --db $TMP/$DB --coder anna </dev/null >$TMP/out 2>&1; then
	echo "review without a terminal should fail"; exit 1
fi
grep -q "review needs a terminal" $TMP/out || { cat $TMP/out; exit 1; }
echo ok

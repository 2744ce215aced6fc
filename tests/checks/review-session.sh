#!/usr/bin/env bash
# The review session keeps a coder's work, in a real terminal: a saved note
# survives going back to the answer and pressing Enter; undo in one window
# never takes back a decision made in another; a sample given to the wrong
# coder can be listed, removed and reassigned; the disagreements view shows
# each coder's codes and updates while another coder works.
set -eu
. "$ROOT/tests/checks/review.lib"
DB=p.db
cd "$TMP"

# latest NAME RESPONDENT: that coder's latest row on the answer (action|codes|note)
latest() {
	sql $TMP/$DB "select d.action, coalesce(d.codes,''), coalesce(d.note,'') from decisions d
		join answers a on a.answer_id = d.answer_id where d.coder = '$1'
		and a.respondent = '$2' and a.question = 'barrierer' order by d.decision_id desc limit 1"
}

# --- a note survives revisit + Enter
start a "$KODER" review --db $DB --coder anna --question barrierer "$SOF"
wait_for a "[1/345] M0001"
keys a Enter
wait_for a "[2/345] M0003"
keys a n
wait_for a " Note:"
keys a -l "spørg Lone"
keys a Enter
wait_for a "Note (saved with the decision): spørg Lone"
keys a Enter
wait_for a "(with note)"
wait_for a "[3/345]"
keys a k
wait_for a "[2/345] M0003"
wait_for a " Note: spørg Lone"          # shown again on the way back
keys a Enter                            # confirm again, note untouched
wait_for a "Saved M0003: rettidighed (with note)"
got=$(latest anna M0003)
[ "$got" = "confirm|rettidighed|spørg Lone" ] || { echo "M0003 after revisit: $got"; exit 1; }
n=$(sql $TMP/$DB "select count(*) from decisions where coder = 'anna' and note = 'spørg Lone'")
[ "$n" = 2 ] || { echo "decisions with the note: $n (want 2)"; exit 1; }
# editing the note to nothing removes it, with the same codes
keys a k
wait_for a "[2/345] M0003"
keys a n
wait_for a " Note: spørg Lone"
keys a BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
keys a Enter
wait_for a "(note removed)"
got=$(latest anna M0003)
[ "$got" = "override|rettidighed|" ] || [ "$got" = "confirm|rettidighed|" ] \
	|| { echo "M0003 after removing the note: $got"; exit 1; }
keys a q
wait_for a "EXIT=0"

# --- undo in window A never undoes window B's decision (same coder)
start b "$KODER" review --db $DB --coder bo --question barrierer
wait_for b "[1/345] M0001"
keys b Enter                            # b: bo decides M0001
wait_for b "Saved M0001"
wait_for b "[2/345] M0003"
start c "$KODER" review --db $DB --coder bo --question barrierer
wait_for c "[2/345] M0003"              # c resumes after b's work
keys c Enter                            # c: bo decides M0003
wait_for c "Saved M0003"
keys b u                                # b undoes ITS decision (M0001), not c's
wait_for b "Undone: M0001 is not reviewed again."
keys b u
wait_for b "Nothing to undo."
got=$(latest bo M0003)
[ "$got" = "confirm|rettidighed|" ] || { echo "c's decision on M0003 was changed: $got"; exit 1; }
got=$(latest bo M0001)
case "$got" in undo\|\|*) ;; *) echo "M0001 not undone: $got"; exit 1 ;; esac
# b decides a third answer, c overrides it, b's undo leaves c's decision
keys b j
wait_for b "[2/345] M0003"
wait_for b "✓ reviewed"                 # decided in window c: shown so in b
keys b j
wait_for b "[3/345]"
keys b x
wait_for b "Saved"
resp=$(sql $TMP/$DB "select a.respondent from decisions d join answers a using(answer_id)
	where d.coder = 'bo' order by d.decision_id desc limit 1")
wait_for c "[3/345] $resp"              # c is there already, from its own Enter
keys c 1
keys c Enter
wait_for c "Saved $resp: "
want=$(latest bo "$resp")
case "$want" in override\|*) ;; *) echo "c's override of $resp not stored: $want"; exit 1 ;; esac
keys b u
wait_for b "Not undone: $resp was decided again since"
got=$(latest bo "$resp")
[ "$got" = "$want" ] || { echo "c's override of $resp was undone: $got"; exit 1; }
keys b q
keys c q
wait_for b "EXIT=0"
wait_for c "EXIT=0"

# --- a sample given to the wrong coder: list, reassign, remove
"$KODER" review --db $DB --question barrierer --sample 3 --seed 5 --coder anna 2>/dev/null
start d "$KODER" review --db $DB --coder anna --question barrierer
wait_for d "(sample)"
wait_re d "\[[0-9]/3\]"
keys d q
wait_for d "EXIT=0"
"$KODER" review --db $DB --question barrierer --sample-list >list.txt 2>list.err
[ "$(grep -c '^anna	' list.txt)" = 3 ] || { echo "sample list:"; cat list.txt; exit 1; }
"$KODER" review --db $DB --question barrierer --sample-reassign carl --coder anna 2>err
grep -qF "anna's sample of barrierer given to carl: 3 answers" err || { cat err; exit 1; }
"$KODER" review --db $DB --question barrierer --sample-list --coder carl >list.txt 2>/dev/null
[ "$(grep -c '^carl	' list.txt)" = 3 ] || { echo "carl's sample:"; cat list.txt; exit 1; }
start e "$KODER" review --db $DB --coder anna --question barrierer
wait_re e "\[[0-9]+/345\]"              # anna sees all her work again
gone e "(sample)"
keys e q
start f "$KODER" review --db $DB --coder carl --question barrierer
wait_for f "(sample)"
wait_for f "[1/3]"
keys f q
wait_for f "EXIT=0"
"$KODER" review --db $DB --question barrierer --sample-remove --coder carl 2>err
grep -qF "3 answers of barrierer no longer in carl's sample" err || { cat err; exit 1; }
set +e
"$KODER" review --db $DB --question barrierer --sample-remove --coder carl 2>err
rc=$?
set -e
[ $rc != 0 ] && grep -qF "carl has no sample" err || { echo "second remove: rc=$rc"; cat err; exit 1; }
n=$(sql $TMP/$DB "select count(*) from samples")
[ "$n" = 0 ] || { echo "samples left: $n"; exit 1; }

# --- the disagreements view follows the store while it is open
start g "$KODER" review --db $DB --coder anna --question barrierer
wait_re g "\[[0-9]+/345\]"
keys g f
wait_for g "Filter: a all"
keys g d
wait_for g "view: disagreements"
wait_for g "No answer in this view"
printf 'id,codes\nM0001,afstand\n' >bo.csv
"$KODER" review --db $DB --question barrierer --import bo.csv --coder bo 2>/dev/null
wait_for g "[1/1] M0001"                # no key pressed: re-read within seconds
wait_for g "Coders: anna: ingen_svar · bo: afstand"
keys g q
wait_for g "EXIT=0"
echo ok

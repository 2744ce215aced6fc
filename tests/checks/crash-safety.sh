#!/usr/bin/env bash
# crash-safety.sh - kill koder with SIGKILL at random moments while it
#   codes a survey to a file      (koder code -o)
#   imports decisions             (koder review --import)
#   migrates decisions            (koder migrate)
#   records decisions in the TUI  (koder review, keys fed through a pty)
# and check after every kill that each output file is the old one or the
# complete new one, that the store passes PRAGMA integrity_check, that every
# decision committed before the kill is still there, and that an import or a
# migration is there whole or not at all.  Then fill the "disk" (ulimit -f,
# /dev/full) and check for a clear error and nothing lost.
# At least 200 kills (60 when SANITIZED=1, where each run is slower).
set -u
: "${KODER:?}" "${TMP:?}" "${ROOT:?}"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
command -v script >/dev/null || { echo "script(1) missing (bsdutils)"; exit 77; }
cd "$TMP" || exit 1
if [ "${SANITIZED:-0}" = 1 ]; then N=1000 RUNS_CODE=15 RUNS_IMPORT=15 RUNS_MIGRATE=15 RUNS_TUI=15
else N=3000 RUNS_CODE=70 RUNS_IMPORT=45 RUNS_MIGRATE=45 RUNS_TUI=40; fi
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# ---- data: N answers, codebook v1 (waves corpus) and v3 to migrate to
python3 - "$N" <<'PY'
import random, sys
random.seed(7)
parts = ["Vi mangler tid til opgaverne", "Der er for mange sager pr. medarbejder",
         "Lægen svarer ikke", "Afstanden til virksomhederne er stor", "ved ikke", "-",
         "Borgerne er for syge", "Ledelsen prioriterer det ikke", "for lidt tid og for mange sager"]
with open("survey.csv", "w") as f:
    f.write("id;Måling;Funktion;Svar\n")
    for i in range(1, int(sys.argv[1]) + 1):
        f.write(f"{i};{random.choice(['Nulpunkt', 'Midtvejs', 'Afslutning'])};"
                f"{random.choice(['Leder', 'Medarbejder'])};"
                f"{random.choice(parts)}. {random.choice(parts)}\n")
PY
cp "$ROOT/corpora/waves/codebook-v1.json" v1.json
cp "$ROOT/corpora/waves/codebook-v3.json" v3.json
cat >corpus.json <<'EOF'
{"name": "crash", "title": "crash test", "survey": "survey.csv",
 "columns": {"id": "id", "wave": "Måling", "role": "Funktion"},
 "waves": ["Nulpunkt", "Midtvejs", "Afslutning"],
 "roles": [{"name": "Medarbejder", "plural": "medarbejdere", "values": ["Medarbejder"]},
           {"name": "Leder", "plural": "ledere", "values": ["Leder"]}],
 "questions": [{"id": "q", "column": "Svar", "codebook": "v1.json"}]}
EOF
CODE=("$KODER" code -q --codebook v1.json --text Svar --id id)
"${CODE[@]}" -o ref.csv survey.csv || { echo "koder code failed"; exit 1; }
"$KODER" review --import ref.csv --coder anna --db base.db corpus.json 2>/dev/null ||
	{ echo "koder review --import failed"; exit 1; }
python3 -c "import sqlite3; sqlite3.connect('base.db').execute('PRAGMA wal_checkpoint(TRUNCATE)')"

# store_state DB... -> one line per store: "DB integrity anna_import
# anna_migrate bob carl" (one python for all: it is most of a run's cost)
store_state() {
	python3 - "$@" <<'PY'
import sqlite3, sys
for db in sys.argv[1:]:
    c = sqlite3.connect(db)
    ok = c.execute("PRAGMA integrity_check").fetchone()[0]
    def n(q): return c.execute(q).fetchone()[0]
    print(db, ok.replace(" ", "_"),
          n("select count(*) from decisions where coder='anna' and action='import'"),
          n("select count(*) from decisions where coder='anna' and action='migrate'"),
          n("select count(*) from decisions where coder='bob'"),
          n("select count(*) from decisions where coder='carl'"))
    c.close()
PY
}

# duration of a complete run, in ms, to spread the kills over it
elapsed_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
# run_killed MAX_MS CMD...: start CMD, SIGKILL it after a random 0..MAX_MS ms
run_killed() {
	local max=$1 pid ms; shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	ms=$(( RANDOM % (max + 1) ))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
RANDOM=42
kills=0

# ---- 1. coding to a file: out.csv is the old file or the complete new one
t=$(elapsed_ms "${CODE[@]}" -o t.csv survey.csv)
old=0 new=0
for i in $(seq 1 $RUNS_CODE); do
	echo "old file" >out.csv
	run_killed "$t" "${CODE[@]}" -o out.csv survey.csv
	kills=$((kills + 1))
	if cmp -s out.csv ref.csv; then new=$((new + 1))
	elif [ "$(cat out.csv)" = "old file" ]; then old=$((old + 1))
	else bad "code -o: out.csv is neither old nor complete after a kill (run $i)"; fi
done
rm -f .out.csv.koder-*
echo "REPORT crash safety: code -o: $RUNS_CODE kills (run ${t} ms): $old old, $new complete, $((RUNS_CODE - old - new)) broken"

# ---- 2. importing decisions: anna's import intact, bob's whole or absent
t=$( cp base.db t.db; elapsed_ms "$KODER" review --import ref.csv --coder bob --db t.db corpus.json; rm -f t.db*)
for i in $(seq 1 $RUNS_IMPORT); do
	cp base.db imp$i.db
	run_killed "$t" "$KODER" review --import ref.csv --coder bob --db imp$i.db corpus.json
	kills=$((kills + 1))
done
none=0 whole=0
while read -r db ok a _ b _; do
	[ "$ok" = ok ] || bad "review --import: integrity_check says $ok ($db)"
	[ "$a" = "$N" ] || bad "review --import: anna has $a of $N decisions after a kill ($db)"
	if [ "$b" = 0 ]; then none=$((none + 1)); elif [ "$b" = "$N" ]; then whole=$((whole + 1))
	else bad "review --import: half an import ($b of $N rows) after a kill ($db)"; fi
done < <(store_state imp*.db)
rm -f imp*.db*
echo "REPORT crash safety: review --import: $RUNS_IMPORT kills (run ${t} ms): $none not imported, $whole imported whole"

# ---- 3. migration: the old decisions stay; the migration is whole or
# absent, and running it again finishes it.  Whole is what a run nobody
# killed migrates: M of the N decisions (v3 added rettidighed, which andet
# covered under v1, so the andet decisions are flagged for review, not
# carried; such a run exits 1)
t=$( cp base.db t.db; elapsed_ms "$KODER" migrate --db t.db --to v3.json)
M=$(store_state t.db | awk '{ print $4 }')
rm -f t.db*
[ "$M" -gt 0 ] || bad "migrate: a run nobody killed migrated nothing"
for i in $(seq 1 $RUNS_MIGRATE); do
	cp base.db mig$i.db
	run_killed "$t" "$KODER" migrate --db mig$i.db --to v3.json
	kills=$((kills + 1))
done
none=0 whole=0
while read -r db ok a m _ _; do
	[ "$ok" = ok ] || bad "migrate: integrity_check says $ok ($db)"
	[ "$a" = "$N" ] || bad "migrate: anna's $N decisions became $a after a kill ($db)"
	if [ "$m" = 0 ]; then none=$((none + 1)); elif [ "$m" = "$M" ]; then whole=$((whole + 1))
	else bad "migrate: half a migration ($m of $M) after a kill ($db)"; fi
done < <(store_state mig*.db)
for i in $(seq 5 5 $RUNS_MIGRATE); do
	st=0; "$KODER" migrate --db mig$i.db --to v3.json >/dev/null 2>&1 || st=$?
	[ $st -le 1 ] || bad "migrate: rerun after a kill failed with $st (mig$i.db)"
done
while read -r db ok _ m _ _; do
	[ "$ok" = ok ] && [ "$m" = "$M" ] || bad "migrate: rerun after a kill left $ok, $m of $M migrated ($db)"
done < <(store_state $(seq -f 'mig%g.db' 5 5 $RUNS_MIGRATE))
rm -f mig*.db*
echo "REPORT crash safety: migrate: $RUNS_MIGRATE kills (run ${t} ms): $none not migrated, $whole migrated whole ($M of $N carried, the rest flagged); rerun after a kill completes"

# ---- 4. the review screen: Enter confirms one answer at a time; every
# answer the status line showed as reviewed must be in the store
for i in $(seq 1 $RUNS_TUI); do
	cp base.db tui$i.db
	( for _ in $(seq 1 400); do printf '\r'; sleep 0.005; done ) |
		TERM=xterm script -qfec "stty rows 24 cols 80; exec $KODER review --db tui$i.db --coder carl" /dev/null \
		>tui$i.out 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $(( 150 + RANDOM % 350 )))"
	pkill -9 -P "$pid" -f "review --db tui$i.db" 2>/dev/null || true
	kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	kills=$((kills + 1))
done
lost=0 decided=0
while read -r db ok _ _ _ c; do
	shown=$(grep -ao 'Reviewed [0-9]*/' "${db%.db}.out" | tail -1 | tr -dc 0-9)
	shown=${shown:-0}
	[ "$ok" = ok ] || bad "review: integrity_check says $ok ($db)"
	if [ "$c" -lt "$shown" ]; then
		bad "review: the screen showed $shown reviewed but the store has $c ($db)"
		lost=$((lost + 1))
	fi
	decided=$((decided + c))
done < <(store_state tui*.db)
rm -f tui*.db* tui*.out
echo "REPORT crash safety: review screen: $RUNS_TUI kills, $decided decisions saved in all, $lost runs lost a decision shown as saved"

# ---- 5. a full disk: a clear error, the old file and the store intact
echo "old file" >out.csv
( trap '' XFSZ; ulimit -f 16; "${CODE[@]}" -o out.csv survey.csv ) 2>err.txt
rc=$? rc_code=$?
[ "$rc" = 5 ] || bad "disk full: koder code -o exited $rc, expected 5: $(cat err.txt)"
grep -q 'File too large\|No space' err.txt || bad "disk full: unclear message: $(cat err.txt)"
[ "$(cat out.csv)" = "old file" ] || bad "disk full: out.csv was changed"
"${CODE[@]}" survey.csv >/dev/full 2>err.txt
rc=$?
[ "$rc" = 5 ] || bad "/dev/full: koder code exited $rc, expected 5: $(cat err.txt)"
rm -f k.db k.db-wal k.db-shm; cp base.db k.db
( trap '' XFSZ; ulimit -f 64; "$KODER" review --import ref.csv --coder bob --db k.db corpus.json ) 2>err.txt
rc=$?
[ "$rc" != 0 ] || bad "disk full: review --import into a store that cannot grow succeeded"
read -r _ ok a _ b _ <<<"$(store_state k.db)"
[ "$ok" = ok ] && [ "$a" = "$N" ] && { [ "$b" = 0 ] || [ "$b" = "$N" ]; } ||
	bad "disk full: store after a failed import: $ok, anna $a, bob $b"
echo "REPORT crash safety: disk full: code -o exit $rc_code, review --import exit $rc: $(head -1 err.txt)"

echo "REPORT crash safety: $kills kills in all, $fail problems"
[ $fail -eq 0 ]

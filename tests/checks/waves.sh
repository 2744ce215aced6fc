#!/usr/bin/env bash
# The worked example end to end (corpora/waves): decisions made under three
# codebook versions are imported, migrated to version 3 (rehearsed first),
# the flagged decisions (split category, andet under version 1) re-reviewed, and the tally must then equal
# the tally of the exact version-3 gold; diff --db and learn must find what
# the example was built to contain.
set -u
K=$KODER
W=$ROOT/corpora/waves
DB=$TMP/p.db
fail() { echo "FAIL: $*"; exit 1; }

# 1. each wave's decisions under the codebook in force at that wave
$K review --import $W/gold-nulpunkt-v1.csv --coder gold --db $DB $W/corpus-v1.json 2>/dev/null \
	|| fail "import v1"
$K review --import $W/gold-midtvejs-v2.csv --coder gold --db $DB $W/corpus-v2.json 2>/dev/null \
	|| fail "import v2"
$K review --import $W/gold-afslutning-v3.csv --coder gold --db $DB $W 2>/dev/null || fail "import v3"

# 2. a dry run changes nothing (byte for byte) and says what it would do
cp $DB $TMP/before.db
$K migrate --dry-run --db $DB --to $W/codebook-v3.json >$TMP/dry.txt 2>$TMP/dry.err
[ $? -eq 1 ] || fail "dry run should exit 1 (decisions to review)"
cmp -s $DB $TMP/before.db || fail "dry run changed the store"
grep -q "dry run: nothing is written" $TMP/dry.txt || fail "dry run not announced"

# 3. migrate: merged tid/sagsantal carried, split velvilje flagged (never
#    guessed), and so is every version-1 decision on andet: version 2 added
#    rettidighed, which andet covered until then
$K migrate --db $DB --to $W/codebook-v3.json --from $W/codebook-v1.json \
	--from $W/codebook-v2.json --review-list $TMP/review.csv >$TMP/migrate.txt 2>$TMP/migrate.err
[ $? -eq 1 ] || fail "migrate should exit 1 (decisions to review)"
split=$(cat $W/gold-nulpunkt-v1.csv $W/gold-midtvejs-v2.csv | grep -c 'velvilje')
residual=$(grep -v velvilje $W/gold-nulpunkt-v1.csv | grep -c '[,;]andet\(;\|$\)')
got=$(($(wc -l <$TMP/review.csv) - 1))
[ "$got" = "$((split + residual))" ] || fail "flagged $got decisions, expected $split on velvilje + $residual on andet"
grep -v '^id,' $TMP/review.csv | grep -v velvilje | grep -vq 'added rettidighed (since version 1), which andet' \
	&& fail "flagged a decision without velvilje or andet"
grep -q "tid  *merged   -> tid_sagsantal" $TMP/migrate.txt || fail "merge not reported"
grep -q "Written: " $TMP/migrate.txt || fail "nothing written"
echo "REPORT waves: migrate: $(grep -o "[0-9]* carried" $TMP/migrate.txt | head -1) through a merge, $got flagged for review ($split split, $residual on andet)"

# a second migration finds nothing new to carry
$K migrate --dry-run --db $DB --to $W/codebook-v3.json >$TMP/again.txt 2>/dev/null
grep -q "0 valid as they are, 0 carried" $TMP/again.txt || fail "second migration carried again"

# 4. re-review the flagged answers (the gold coder decides with version 3)
{ echo "id,codes"; cut -d, -f1 $TMP/review.csv | tail -n +2 | while read -r id; do
	grep "^$id," $W/gold-all-v3.csv; done; } >$TMP/rereview.csv
$K review --import $TMP/rereview.csv --coder gold --db $DB $W 2>/dev/null || fail "re-review import"

# 5. every X and Y now equals the exact version-3 gold
$K tally --db $DB --format csv $W >$TMP/migrated.csv || fail "tally --db"
$K tally --codes $W/gold-all-v3.csv --format csv $W >$TMP/gold.csv || fail "tally --codes"
cut -d';' -f1-10 $TMP/migrated.csv >$TMP/a
cut -d';' -f1-10 $TMP/gold.csv >$TMP/b
diff $TMP/a $TMP/b || fail "migrated counts differ from the version-3 gold"
echo "REPORT waves: $(($(wc -l <$TMP/a) - 1)) X/Y rows after migration equal the version-3 gold"

# 6. diff with effect: the split moves suggestions, and the table shows it
$K diff --db $DB $W/codebook-v2.json $W/codebook-v3.json >$TMP/diff.txt || fail "diff --db"
grep -q "velvilje -> velvilje_borger + velvilje_arbejdsgiver" $TMP/diff.txt || fail "split"
grep -q "answers change their suggested codes" $TMP/diff.txt || fail "no changed answers"
grep -q "^  velvilje  *Nulpunkt  *Medarbejder" $TMP/diff.txt || fail "no row for velvilje"
# the same answers read from the survey give the same table
$K diff $W/codebook-v2.json $W/codebook-v3.json $W >$TMP/diff-corpus.txt || fail "diff CORPUS"
sed -n '/^Anført/,$p' $TMP/diff.txt | sort >$TMP/a
sed -n '/^Anført/,$p' $TMP/diff-corpus.txt | sort >$TMP/b
diff $TMP/a $TMP/b || fail "diff with the corpus and with --db disagree"
echo "REPORT waves: diff v2 -> v3 moves $(grep -o '^[0-9]* of [0-9]* answers' $TMP/diff.txt)"

# 7. learn: the phrasings the rules miss (køretid for afstand) and the praise
#    of employers (an exclusion for velvilje_arbejdsgiver) are found
sum=$(cksum <$W/codebook-v3.json)
$K learn --db $DB --codebook $W/codebook-v3.json >$TMP/learn.txt || fail "learn"
grep -A3 '^afstand ' $TMP/learn.txt | grep -q 'include "køre\*", *fixes [0-9]*, breaks 0' \
	|| fail "learn did not propose køre* for afstand"
grep -A3 '^velvilje_arbejdsgiver ' $TMP/learn.txt | grep -q 'exclude "positiv\*", *fixes [0-9]*, breaks 0' \
	|| fail "learn did not propose positiv* as an exclusion"
[ "$sum" = "$(cksum <$W/codebook-v3.json)" ] || fail "learn changed the codebook"
echo "REPORT waves: learn proposes $(grep -c '^  \(include\|exclude\)' $TMP/learn.txt) rule changes"

# 8. what the proposals are worth: paste them all, and count the answers on
#    which the rules then give exactly the coders' codes (in-sample: learned
#    from these same reviewed answers)
# paste_into LEARN-OUTPUT NEW-CODEBOOK: every proposal into a copy of version 3
paste_into() {
	python3 - $W/codebook-v3.json "$1" "$2" <<'PY'
import json, re, sys
cb = json.load(open(sys.argv[1], encoding="utf-8"))
cats = {c["id"]: c for c in cb["categories"]}
cat = None
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r'^(\S+) "', line)
    if m:
        cat = cats.get(m.group(1))
    m = re.match(r'^  (include|exclude) "(.*)",', line)
    if m and cat is not None:
        cat.setdefault(m.group(1), []).append(m.group(2))
json.dump(cb, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY
}
paste_into $TMP/learn.txt $TMP/learned.json
if ! $K code --help >/dev/null 2>&1; then
	echo "REPORT waves: 'koder code' is not available, so learn's proposals were not measured"
	echo ok
	exit 0
fi
# agree CODEBOOK [ID-PREFIX] -> "answers where the rules give the coders' exact codes, answers"
agree() {
	set -o pipefail
	$K code -q --codebook "$1" --text "Barrierer for implementeringen" --id Respondent-ID \
		$W/survey.csv | python3 -c '
import csv, sys
gold = {r["id"]: set(r["codes"].split(";")) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
        if r["id"].startswith(sys.argv[2])}
got = {r["id"]: set(filter(None, r["codes"].split(";"))) for r in csv.DictReader(sys.stdin)}
print(sum(gold[i] == got.get(i) for i in gold), len(gold))' $W/gold-all-v3.csv "${2:-}"
}
read -r before n <<<"$(agree $W/codebook-v3.json)"
read -r after _ <<<"$(agree $TMP/learned.json)"
[ -n "$before" ] && [ -n "$after" ] && [ "$n" -gt 0 ] || fail "koder code on the worked example"
[ "$after" -ge "$before" ] || fail "learn's proposals made the rules agree less ($before -> $after)"
echo "REPORT waves: rules give the coders' exact codes on $before/$n answers; with learn's proposals pasted, $after/$n (in-sample)"

# 9. held out: learn from Nulpunkt and Midtvejs only, measure on Afslutning
$K learn --db $DB --codebook $W/codebook-v3.json --wave Nulpunkt --wave Midtvejs \
	>$TMP/learn-early.txt || fail "learn --wave"
paste_into $TMP/learn-early.txt $TMP/learned-early.json
read -r before n <<<"$(agree $W/codebook-v3.json A)"
read -r after _ <<<"$(agree $TMP/learned-early.json A)"
echo "REPORT waves: held out (learned from Nulpunkt+Midtvejs, $(grep -c '^  \(include\|exclude\)' $TMP/learn-early.txt) proposals): Afslutning exact codes $before/$n -> $after/$n"
echo ok

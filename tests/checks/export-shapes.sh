#!/usr/bin/env bash
# export-shapes.sh - the SOF survey as other survey tools and office programs
# export it counts exactly like the same data as a plain CSV: Excel "Unicode
# text" (UTF-16), a Danish Excel CSV (Windows-1252, trailing separators),
# Qualtrics' extra header rows (CSV and .xlsx) and SurveyMonkey's (CSV and
# .xlsx), header names in other case and spacing, .xlsx files written by
# other writers (inline strings, rich text, sparse rows, numbers for ids and
# wave codes, a title row above the header, a second sheet, Excel's _x000D_
# escapes), Excel 97-2003 .xls (written by xlwt), SurveyXact's dataset export
# (.xlsx with the data on its second sheet, its Excel 2003 XML, its ANSI and
# Unicode CSV: variable names and codes), Microsoft Forms' .xlsx (a form per
# wave, ids repeating), LimeSurvey's CSV, Google Forms' CSV (no id but the
# submission time), SPSS files with unlabelled codes, user-missing values and
# very long strings, or in Windows-1252 without an encoding record (written
# by PSPP), and Stata 118, 117 and 114 files with value labels.  The files
# are made by
# export-shapes.py (byte by byte) and PSPP, never by koder.
set -u
command -v pspp >/dev/null || { echo "no pspp (apt-get install pspp)"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
C=$ROOT/corpora/sof
W=$TMP/export-shapes
rm -rf "$W" && mkdir -p "$W"
status=0
BOTH=()
fail() { echo "FAIL: $*"; status=1; }

# the system Python: it has Debian's xlwt, which writes the .xls shapes
/usr/bin/python3 -c 'import xlwt' 2>/dev/null || { echo "no python3-xlwt (apt-get install python3-xlwt)"; exit 77; }
/usr/bin/python3 "$ROOT/tests/checks/export-shapes.py" "$C" "$W" || exit 1
ln -s "$C" "$W/sof"

# The .sav: PSPP reads the codes as numbers and declares role 99 missing.
cat >"$W/sav.sps" <<EOF
GET DATA /TYPE=TXT /FILE='$W/sav.tsv' /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=1 /DELIMITERS='\t'
  /VARIABLES=RespondentID A10 Kommune A20 maaling F1.0 funktion F2.0
             barrierer A9000 undtagelser A400.
COMPUTE barrierer = REPLACE(barrierer, '@@NL@@', X'0A').
COMPUTE undtagelser = REPLACE(undtagelser, '@@NL@@', X'0A').
MISSING VALUES funktion (99).
VARIABLE LABELS RespondentID 'Respondent-ID' maaling 'Måling'
  funktion 'Arbejdsfunktion' barrierer 'Barrierer for implementeringen'
  undtagelser 'Andre undtagelseskriterier'.
SAVE OUTFILE='$W/sav-codes/survey.sav'.
EOF
pspp "$W/sav.sps" >"$W/sav.log" 2>&1 || { cat "$W/sav.log"; exit 1; }
# The same with labels: the wave as one-letter string codes (N, M, A) with
# value labels, the role's codes labelled, 99 labelled "Ved ikke" and
# declared missing; the descriptor names the labels.
labels=$(python3 -c 'import json, sys
roles = [v for r in json.load(open(sys.argv[1]))["roles"] for v in r["values"]]
print(" ".join("%d '"'"'%s'"'"'" % (k + 1, v) for k, v in enumerate(roles)))' "$C/corpus.json")
sed -e '/^SAVE/,$d' "$W/sav.sps" >"$W/sav-labels.sps"
cat >>"$W/sav-labels.sps" <<EOF
STRING maaling_c (A1).
RECODE maaling (1='N') (2='M') (3='A') INTO maaling_c.
VALUE LABELS maaling_c 'N' 'Nulpunkt' 'M' 'Midtvejs' 'A' 'Afslutning'
  /funktion $labels 99 'Ved ikke'.
VARIABLE LABELS maaling_c 'Måling'.
DELETE VARIABLES maaling.
SAVE OUTFILE='$W/sav-labels/survey.sav'.
EOF
pspp "$W/sav-labels.sps" >"$W/sav-labels.log" 2>&1 || { cat "$W/sav-labels.log"; exit 1; }
# Windows-1252 without an encoding record (SPSS before version 16): PSPP
# writes it in that code page, fix-sav.py drops the encoding record.
cat >"$W/sav1252.sps" <<EOF
SET LOCALE='windows-1252'.
GET DATA /TYPE=TXT /FILE='$W/sav1252.tsv' /ENCODING='windows-1252'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=1 /DELIMITERS='\t'
  /VARIABLES=RespondentID A10 Kommune A20 maaling A10 funktion F2.0
             barrierer A9000 undtagelser A400 kanal_tlf F1.0 kanal_mail F1.0.
COMPUTE barrierer = REPLACE(barrierer, '@@NL@@', X'0D0A').
COMPUTE undtagelser = REPLACE(undtagelser, '@@NL@@', X'0D0A').
MISSING VALUES funktion (99).
VALUE LABELS maaling 'nulpunkt' 'Nulpunkt' 'midtvejs' 'Midtvejs' 'afslutning' 'Afslutning'
  /funktion $labels 99 'Ved ikke'
  /kanal_tlf kanal_mail 0 'Ikke valgt' 1 'Valgt'.
VARIABLE LABELS RespondentID 'Respondent-ID' maaling 'Måling'
  funktion 'Arbejdsfunktion' barrierer 'Barrierer for implementeringen'
  undtagelser 'Andre undtagelseskriterier'.
MRSETS /MDGROUP NAME=\$kanaler LABEL='Hvilke kanaler bruger I?'
  VARIABLES=kanal_tlf kanal_mail VALUE=1.
SAVE OUTFILE='$W/sav1252.sav'.
EOF
pspp "$W/sav1252.sps" >"$W/sav1252.log" 2>&1 || { cat "$W/sav1252.log"; exit 1; }
python3 "$ROOT/tests/checks/fix-sav.py" "$W/sav1252.sav" "$W/sav-cp1252/survey.sav" || exit 1

for d in "$W"/*/; do
	cp "$C"/gold-*.csv "$d" 2>/dev/null
done

# tally NAME [OPTIONS]: the shape's tallies must equal its reference CSV's,
# and so must the exit status and the warnings (status 1: rows without a
# role, in both).
# LABEL names the check (default NAME); BOTH holds options for both tallies.
tally() {
	local name=$1 ref rc want
	shift
	ref=$(cat "$W/$name.ref")
	# each reference is tallied and coded once (with BOTH: again, apart)
	[ ${#BOTH[@]} -eq 0 ] || { ref=$ref-both; [ -e "$W/$ref" ] || ln -s "$(cat "$W/$name.ref")" "$W/$ref"; }
	if [ ! -f "$W/$ref.status" ]; then
		"$KODER" tally "$W/$ref" "${BOTH[@]}" --format json -o "$W/$ref.json" 2>"$W/$ref.err"
		echo $? >"$W/$ref.status"
	fi
	want=$(cat "$W/$ref.status")
	[ $want -le 1 ] || { cat "$W/$ref.err"; fail "tally of the reference $ref"; return; }
	"$KODER" tally "$W/$name" "${BOTH[@]}" "$@" --format json -o "$W/$name.json" 2>"$W/$name.err"
	rc=$?
	local label=${LABEL:-$name}
	if [ $rc -ne $want ]; then
		cat "$W/$name.err"; fail "$label: status $rc, the CSV's $want"; return
	fi
	if ! diff <(sed 's/^koder: [^:]*: //' "$W/$ref.err") <(sed 's/^koder: [^:]*: //' "$W/$name.err"); then
		fail "$label: other warnings than the CSV's"; return
	fi
	if ! cmp -s "$W/$ref.json" "$W/$name.json"; then
		fail "$label: tallies differ from the CSV"
		diff <(python3 -m json.tool "$W/$ref.json") <(python3 -m json.tool "$W/$name.json") | head -20
		return
	fi
	# koder code on the survey file itself: the same codes, answer by answer
	# (one question: the other is read by the same code, and tallied above)
	if [ ${#BOTH[@]} -eq 0 ]; then
		local f col rf n=0
		# the question's column (a tool's variable name such as SurveyXact's
		# "s_2" where the shape has one), then the survey's file or files
		# (a file per wave: each against the reference's rows of its wave,
		# WAVEFILE.csv beside the reference)
		while read -r f; do
			if [ -z "${col:-}" ]; then col=$f; continue; fi
			rf=survey.csv
			[ "$f" = "${f#*/}" ] || { rf=${f%%/*}; f=${f#*/}; }
			[ -f "$W/$ref.$rf.code" ] ||
				"$KODER" code -q --codebook sof-barrierer --text "Barrierer for implementeringen" \
					"$W/$ref/$rf" >"$W/$ref.$rf.code" || { fail "koder code on $ref/$rf"; return; }
			"$KODER" code -q --codebook sof-barrierer --text "$col" "$@" "$W/$name/$f" >"$W/$name.code" ||
				{ fail "$label: koder code cannot read $f"; return; }
			cmp -s "$W/$ref.$rf.code" "$W/$name.code" ||
				{ fail "$label: koder code codes $f otherwise than the CSV"; return; }
			n=$((n + $(wc -l <"$W/$name.code") - 1))
		done < <(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([q["column"] for q in d["questions"] if q["id"] == "barrierer"][0])
s = d["survey"]
for w, f in (s.items() if isinstance(s, dict) else [(None, s)]):
    print(f if w is None else w.lower() + ".csv/" + f)' "$W/$name/corpus.json")
	fi
	echo "REPORT export-shapes $label: same tallies as the CSV ($(grep -c '"category"' "$W/$name.json") cells)${BOTH[*]:+ with ${BOTH[*]##*/}}$([ ${#BOTH[@]} -eq 0 ] && echo ", same codes from koder code ($n answers)")"
}

tally utf16
tally utf16be
tally dk-excel
tally dk-excel-title
tally qualtrics
tally surveymonkey
tally names
tally nbsp
tally xlsx-inline
tally xlsx-rich --sheet Data
# the survey found on the sheet that has the descriptor's columns
LABEL=xlsx-rich-nosheet
tally xlsx-rich
LABEL=
tally xlsx-codes
# the coders' decisions by id "0001" meet the cells holding 1 shown as 0001
BOTH=(--question barrierer --codes "$W/gold-num.csv") LABEL=xlsx-codes-decisions
tally xlsx-codes
BOTH=() LABEL=
tally xlsx-title
tally xlsx-surveymonkey
tally xls --sheet Data
tally xls-codes
tally xlsx-excel-crlf
tally xlsx-qualtrics
tally surveyxact-xlsx
tally surveyxact-xml
tally surveyxact-ansi
tally surveyxact-unicode
tally msforms
# the coders' decisions by response number and wave meet each wave's file
BOTH=(--question barrierer --codes "$W/msforms/gold-wave-barrierer.csv") LABEL=msforms-decisions
tally msforms
BOTH=() LABEL=
tally limesurvey
tally gforms
# decisions keyed by the submission time, Google Forms' only key
BOTH=(--question barrierer --codes "$W/gold-ts.csv") LABEL=gforms-decisions
tally gforms
BOTH=() LABEL=
tally sav-codes
tally sav-labels
tally sav-cp1252
tally dta-labels
tally dta117
tally dta114
exit $status

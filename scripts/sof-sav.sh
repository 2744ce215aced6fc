#!/usr/bin/env bash
# sof-sav.sh TSV OUT.sav [WIDTH] [OUT.zsav] - an SPSS file of the SOF survey's
# shape, written by PSPP itself (not by koder), for the tests and benchmarks
# that read .sav as evaluators receive it (tests/checks/survey-files.sh,
# bench/sav.sh).
#
# TSV holds the SOF survey's six columns without a header, one answer per
# line, line breaks inside answers written as @@NL@@ (PSPP's text reader
# cannot take line breaks inside quoted fields).  In the .sav the variable
# names differ from the CSV headers (the headers become variable labels, so
# a descriptor finds columns by label), the wave and the work function become
# numeric codes with value labels (AUTORECODE: 1 = Afslutning, 2 = Midtvejs,
# 3 = Nulpunkt), and string values are padded with blanks as SPSS stores
# them.  WIDTH is the answers' string width (default 3000); OUT.zsav, if
# given, is also written, compressed.
set -eu
tsv=$1 sav=$2 width=${3:-3000} zsav=${4:-}
sps=$(mktemp)
trap 'rm -f "$sps" "$sps.log"' EXIT
{
	cat <<EOF
GET DATA /TYPE=TXT /FILE='$tsv' /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=1 /DELIMITERS='\t'
  /VARIABLES=RespondentID A10 Kommune A20 maaling_s A20 funktion_s A60
             barrierer A$width undtagelser A$width.
COMPUTE barrierer = REPLACE(barrierer, '@@NL@@', X'0A').
COMPUTE undtagelser = REPLACE(undtagelser, '@@NL@@', X'0A').
AUTORECODE VARIABLES=maaling_s funktion_s /INTO maaling funktion.
VARIABLE LABELS RespondentID 'Respondent-ID' maaling 'Måling'
  funktion 'Arbejdsfunktion' barrierer 'Barrierer for implementeringen'
  undtagelser 'Andre undtagelseskriterier'.
DELETE VARIABLES maaling_s funktion_s.
SAVE OUTFILE='$sav'.
EOF
	[ -z "$zsav" ] || echo "SAVE OUTFILE='$zsav' /ZCOMPRESSED."
} >"$sps"
pspp "$sps" >"$sps.log" 2>&1 || { cat "$sps.log"; exit 1; }

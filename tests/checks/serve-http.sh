#!/usr/bin/env bash
# serve-http.sh - koder serve at the HTTP level, with curl: logins (plain
# GET, cookie flags, wrong and revoked tokens, rate limit), a session
# required on every /api/ route, the CSRF header on every POST, the Host
# check, the security headers, --add-coder and --revoke on a running server,
# TLS, refusing plain http on a non-loopback address, no answer text in the
# log, and a clean stop on SIGTERM with the decision in the store.
set -u
: "${KODER:?}" "${ROOT:?}" "${TMP:?}"
command -v curl >/dev/null || { echo "curl is not installed (sudo make deps)"; exit 77; }
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
WAIT=$([ "${SANITIZED:-0}" = 1 ] && echo 600 || echo 200)

DB="$TMP/p.db"
# start OUT LOG ARGS...: a server in the background; waits for its links.
# FSIZE=KB limits the size of the files it may write (ulimit -f).
start() {
	local out=$1 log=$2 n=0 i; shift 2
	for a in "$@"; do [ "$a" = --coder ] && n=$((n + 1)); done
	( if [ -n "${FSIZE:-}" ]; then trap '' XFSZ; ulimit -f "$FSIZE"; fi
	  exec "$KODER" serve "$@" ) >"$out" 2>"$log" &
	PID=$!
	for ((i = 0; i < WAIT; i++)); do
		[ "$(grep -c ' http' "$out" 2>/dev/null)" -ge "$n" ] && return 0
		kill -0 $PID 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
start "$TMP/links" "$TMP/log" --db "$DB" "$ROOT/corpora/sof" --listen 127.0.0.1:0 \
	--coder anna --coder bo || { cat "$TMP/log"; echo "the server did not start"; exit 1; }
trap 'kill $PID 2>/dev/null' EXIT
cat "$TMP/links" | sed 's|/login/.*|/login/…|'
ANNA=$(awk '$1 == "anna" { print $2 }' "$TMP/links")
BO=$(awk '$1 == "bo" { print $2 }' "$TMP/links")
BASE=${ANNA%/login/*}
HOSTPORT=${BASE#http://}
check "two NAME URL lines on stdout, flushed while the server runs" "$(wc -l <"$TMP/links")" 2
case $HOSTPORT in 127.0.0.1:0|127.0.0.1:) bad "port 0 was not replaced by the port bound" ;;
	127.0.0.1:*) ok "port 0 picks a free port ($HOSTPORT)" ;; *) bad "URL $ANNA" ;; esac
tok=${ANNA##*/}
check "the token has 256 bits (64 hex)" "${#tok}" 64
grep -q "$tok" "$DB" 2>/dev/null && bad "the token itself is in the store" || ok "the store keeps no token, only its hash"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
J="$TMP/jar"
check "GET /api/session without a session" "$(code "$BASE/api/session")" 401
for r in answer tally disagreements samples changes find; do
	check "GET /api/$r without a session" "$(code "$BASE/api/$r")" 401
done
check "POST /api/decision without a session" "$(code -X POST -d '{}' "$BASE/api/decision")" 401
check "a wrong token" "$(code "$BASE/login/$(printf '%064d' 0)")" 403
check "a malformed token" "$(code "$BASE/login/abc")" 403

H=$(curl -s -D - -o /dev/null -c "$J" "$ANNA")
echo "$H" | grep -q '^HTTP/1.1 303' && ok "the link logs in with a plain GET (303)" || bad "login: $H"
echo "$H" | grep -qi '^Location: /\s*$' && ok "it redirects to the page, so the token leaves the address bar" || bad "no redirect to /"
echo "$H" | grep -i '^Set-Cookie:' | grep -q 'HttpOnly' && echo "$H" | grep -i '^Set-Cookie:' | grep -q 'SameSite=Strict' \
	&& ok "the session cookie is HttpOnly and SameSite=Strict" || bad "cookie flags: $(echo "$H" | grep -i set-cookie)"
S=$(curl -s -b "$J" "$BASE/api/session")
echo "$S" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["coder"]=="anna" and d["progress"]["total"]>0' \
	&& ok "GET /api/session gives the coder's name and progress" || bad "session: ${S:0:200}"
CSRF=$(echo "$S" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
ID=$(curl -s -b "$J" "$BASE/api/answer?move=current" | python3 -c 'import json,sys; print(json.load(sys.stdin)["answer"]["id"])')
body="{\"id\":$ID,\"codes\":\"andet\",\"note\":\"HEMMELIG-NOTE\"}"
check "POST /api/decision without X-CSRF-Token" "$(code -b "$J" -H 'Content-Type: application/json' -d "$body" "$BASE/api/decision")" 403
case $CSRF in *0) WRONG=${CSRF%?}1 ;; *) WRONG=${CSRF%?}0 ;; esac
check "POST /api/decision with a wrong X-CSRF-Token" "$(code -b "$J" -H "X-CSRF-Token: $WRONG" -d "$body" "$BASE/api/decision")" 403
check "POST /api/decision with the token" "$(code -b "$J" -H "X-CSRF-Token: $CSRF" -d "$body" "$BASE/api/decision")" 200
# The group commit's -wal file is laid out ahead (so a sync rewrites blocks
# rather than growing the file), and a pause in the writing folds it into
# the store (the idle checkpoint) long before the size that forces one.
walsize=$(stat -c %s "$DB-wal")
[ "$walsize" -ge $((36 << 20)) ] && ok "the -wal file is laid out ahead ($walsize bytes)" || bad "-wal file size $walsize"
before=$(md5sum <"$DB")
for i in $(seq 80); do
	curl -s -o /dev/null -b "$J" -H "X-CSRF-Token: $CSRF" -d "{\"id\":$ID,\"codes\":\"andet\"}" "$BASE/api/decision"
done
[ "$(md5sum <"$DB")" = "$before" ] || echo "# (a pause during the decisions already folded some in)"
sleep 1.5
[ "$(md5sum <"$DB")" != "$before" ] && ok "a pause in the writing folds the -wal file into the store" \
	|| bad "no checkpoint after 80 decisions and a pause"
check "POST /api/undo without X-CSRF-Token" "$(code -b "$J" -d '{}' "$BASE/api/undo")" 403
check "a foreign Host header (DNS rebinding) on the page" "$(code -H 'Host: evil.example:80' "$BASE/")" 421
check "a foreign Host header on the API" "$(code -b "$J" -H 'Host: evil.example' "$BASE/api/session")" 421
check "localhost:PORT passes the Host check (401, not 421)" "$(code -H "Host: localhost:${HOSTPORT#*:}" "$BASE/api/session")" 401
HD=$(curl -s -D - -o /dev/null "$BASE/")
echo "$HD" | grep -i '^Content-Security-Policy:' | grep -q "frame-ancestors 'none'" && echo "$HD" | grep -i '^Content-Security-Policy:' | grep -q "script-src 'self'" \
	&& ok "CSP: own scripts only, no framing" || bad "CSP header: $HD"
echo "$HD" | grep -qi '^X-Frame-Options: DENY' && ok "X-Frame-Options: DENY" || bad "no X-Frame-Options"
curl -s "$BASE/app.js" | grep -q "textContent" && ok "the page's script is served from the binary" || bad "no app.js"

# --add-coder and --revoke while the server runs
"$KODER" serve --db "$DB" --add-coder carl >"$TMP/carl" 2>"$TMP/carl.err"
CARL=$(awk '$1 == "carl" { print $2 }' "$TMP/carl")
case $CARL in "$BASE"/login/*) ok "--add-coder prints a link to the running server" ;; *) bad "--add-coder: $(cat "$TMP/carl" "$TMP/carl.err")" ;; esac
check "carl logs in without a restart" "$(code -c "$TMP/jar3" "$CARL")" 303
check "carl's session works" "$(code -b "$TMP/jar3" "$BASE/api/session")" 200
"$KODER" serve --db "$DB" --revoke carl 2>/dev/null
check "a revoked coder's session ends at once" "$(code -b "$TMP/jar3" "$BASE/api/session")" 401
check "a revoked coder's link no longer logs in" "$(code "$CARL")" 403
"$KODER" serve --db "$DB" --add-coder bo >"$TMP/bo2" 2>&1
check "a new link for bo replaces the old one" "$(code "$BO")" 403
BO2=$(awk '$1 == "bo" { print $2 }' "$TMP/bo2")

# rate limit: the attempts above plus these pass ten a minute
for i in 1 2 3 4 5 6 7 8 9 10 11; do last=$(code "$BASE/login/$(printf '%064d' $i)"); done
check "logins are rate-limited" "$last" 429

# no answer text or token in the log; SIGTERM keeps the decision
kill -TERM $PID; wait $PID; st=$?
check "SIGTERM stops the server with status 0" "$st" 0
grep -q "every decision is saved" "$TMP/log" && ok "it says every decision is saved" || bad "stop message: $(tail -2 "$TMP/log")"
grep -q "HEMMELIG-NOTE" "$TMP/log" && bad "a note is in the log" || ok "no answer text or note in the log"
grep -q "$tok" "$TMP/log" && bad "a token is in the log" || ok "no token in the log"
"$KODER" review --db "$DB" --export "$TMP/x.csv" --coder anna 2>/dev/null
grep -q "HEMMELIG-NOTE" "$TMP/x.csv" && ok "the decision made over HTTP is in the store" || bad "decision missing from the export"
"$KODER" tally --db "$DB" --format json >"$TMP/tally.json" 2>"$TMP/tally.err" \
	&& python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(c["category"]=="andet" and c["count"]>=1 for c in d)' "$TMP/tally.json" \
	&& ok "koder tally --db counts it" || bad "tally --db: $(head -3 "$TMP/tally.err")"

# started again without --coder, the links given before still work
start "$TMP/none" "$TMP/log2" --db "$DB" --listen 127.0.0.1:0 || bad "restart without --coder"
for _ in $(seq 100); do grep -q ' at http' "$TMP/log2" && break; sleep 0.05; done
NB=$(sed -n 's/.* at \(http[^;]*\);.*/\1/p' "$TMP/log2")
check "after a restart without --coder, bo's link still logs in" "$(code "$NB/login/${BO2##*/}")" 303
kill -TERM $PID; wait $PID

# no room for the laid-out -wal file (a file-size limit below its 36 MB):
# the server runs without it, and a decision is still acknowledged and kept
cp "$DB" "$TMP/small.db"
FSIZE=16384 start "$TMP/slinks" "$TMP/slog" --db "$TMP/small.db" --listen 127.0.0.1:0 --coder anna
SA=$(awk '$1 == "anna" { print $2 }' "$TMP/slinks")
if [ -n "$SA" ]; then
	ok "with no room to lay out the -wal file the server still starts"
	SB=${SA%/login/*}
	curl -s -o /dev/null -c "$TMP/sjar" "$SA"
	SC=$(curl -s -b "$TMP/sjar" "$SB/api/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
	SI=$(curl -s -b "$TMP/sjar" "$SB/api/answer?move=current" | python3 -c 'import json,sys; print(json.load(sys.stdin)["answer"]["id"])')
	check "... and acknowledges a decision" "$(code -b "$TMP/sjar" -H "X-CSRF-Token: $SC" \
		-d "{\"id\":$SI,\"codes\":\"andet\",\"note\":\"LILLE-DISK\"}" "$SB/api/decision")" 200
	[ "$(stat -c %s "$TMP/small.db-wal")" -lt $((16 << 20)) ] && ok "... with its -wal file as SQLite grows it" \
		|| bad "-wal file $(stat -c %s "$TMP/small.db-wal") bytes under a 16 MB limit"
else
	bad "no room for the -wal layout stops the server: $(cat "$TMP/slog")"
fi
kill -TERM $PID; wait $PID
check "... and stops cleanly" "$?" 0
"$KODER" review --db "$TMP/small.db" --export "$TMP/small.csv" --coder anna 2>/dev/null
grep -q "LILLE-DISK" "$TMP/small.csv" && ok "... keeping the decision" || bad "the decision is missing after a stop"

# plain http on other machines' addresses is refused; TLS is served
"$KODER" serve --db "$DB" --listen 0.0.0.0:0 --coder anna >/dev/null 2>"$TMP/e"
check "a non-loopback address without TLS is refused (wrong usage)" "$?" 2
grep -q -- "--tls-cert" "$TMP/e" && ok "the refusal says how to serve TLS" || bad "refusal: $(cat "$TMP/e")"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
		-days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1
	start "$TMP/tlinks" "$TMP/tlog" --db "$DB" --listen 127.0.0.1:0 --coder anna \
		--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" || { bad "the TLS server did not start: $(cat "$TMP/tlog")"; }
	TA=$(awk '$1 == "anna" { print $2 }' "$TMP/tlinks")
	case $TA in https://*) ok "with --tls-cert the links are https" ;; *) bad "TLS link: $TA" ;; esac
	TH=$(curl -sk -D - -o /dev/null "$TA")
	echo "$TH" | grep -i '^Set-Cookie:' | grep -q 'Secure' && ok "over TLS the cookie is Secure" || bad "TLS login: $TH"
	check "plain http to the TLS port fails" "$(code "${TA/https/http}")" 000
	kill -TERM $PID; wait $PID
	# a team server: every address, TLS, no --host; coders open the link
	# with this machine's address in it, and a foreign name is still refused
	start "$TMP/wlinks" "$TMP/wlog" --db "$DB" --listen 0.0.0.0:0 --coder anna \
		--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" || bad "the 0.0.0.0 TLS server did not start: $(cat "$TMP/wlog")"
	WA=$(awk '$1 == "anna" { print $2 }' "$TMP/wlinks")
	WP=${WA#https://0.0.0.0:}; WP=${WP%%/*}
	IP=$(hostname -I 2>/dev/null | awk '{ print $1 }')
	check "--listen 0.0.0.0: the link opened by this machine's address logs in" \
		"$(code -k "https://${IP:-127.0.0.1}:$WP/login/${WA##*/}")" 303
	check "--listen 0.0.0.0: a foreign Host is still refused" \
		"$(code -k -H "Host: evil.example:$WP" "https://127.0.0.1:$WP/")" 421
	grep -q -- "--host NAME" "$TMP/wlog" && ok "--listen 0.0.0.0 without --host says to give --host" || bad "no --host hint: $(cat "$TMP/wlog")"
	kill -TERM $PID; wait $PID
else
	echo "skip - TLS (openssl is not installed)"
fi
# IPv6 loopback
if start "$TMP/v6links" "$TMP/v6log" --db "$DB" --listen '[::1]:0' --coder anna; then
	V6=$(awk '$1 == "anna" { print $2 }' "$TMP/v6links")
	case $V6 in "http://[::1]:"*) check "--listen [::1]:0 logs in" "$(code -g "$V6")" 303 ;;
		*) bad "IPv6 link: $V6" ;; esac
	kill -TERM $PID; wait $PID
else
	grep -q "Cannot assign\|not available\|not supported" "$TMP/v6log" && echo "skip - no IPv6 here" || bad "[::1]: $(cat "$TMP/v6log")"
fi
[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"

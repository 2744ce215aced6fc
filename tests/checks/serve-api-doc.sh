#!/usr/bin/env bash
# serve-api-doc.sh - docs/serve-api.md names koder serve's endpoints as the
# server routes them: every "### METHOD /path" heading there is requested on
# a running server with its method (and must not be a 404), and the routes
# in the server's route table (sdata_api in serve_data.c, logout and login
# in serve.c) are exactly the documented ones, so an endpoint renamed,
# added or removed without the doc fails here.
set -u
: "${KODER:?}" "${ROOT:?}" "${TMP:?}"
command -v curl >/dev/null || { echo "curl is not installed (sudo make deps)"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not found"; exit 77; }
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
WAIT=$([ "${SANITIZED:-0}" = 1 ] && echo 600 || echo 200)
DOC="$ROOT/docs/serve-api.md"

grep -E '^### (GET|POST) /' "$DOC" | awk '{ print $2, $3 }' | sort >"$TMP/doc"
n=$(wc -l <"$TMP/doc")
[ "$n" -ge 15 ] && ok "docs/serve-api.md names $n endpoints" || bad "only $n endpoint headings in $DOC"

# The route table: sdata_api's GET branch, then its POST branch.
awk '/^int sdata_api\(/ { on = 1; m = "GET" }
	on && /if \(!post\)/ { m = "GET" }
	on && /} else {/ { m = "POST" }
	on && match($0, /strcmp\(route, "\/[a-z]+"\)/) {
		r = substr($0, RSTART + 15, RLENGTH - 17); print m, "/api" r }
	on && /^}/ { on = 0 }' "$ROOT/src/cli/serve_data.c" >"$TMP/code"
grep -q 'post && !strcmp(url, "/api/logout")' "$ROOT/src/cli/serve.c" && echo "POST /api/logout" >>"$TMP/code"
grep -q '!strncmp(url, "/login/", 7) && !strcmp(method, "GET")' "$ROOT/src/cli/serve.c" \
	&& echo "GET /login/TOKEN" >>"$TMP/code"
sort -o "$TMP/code" "$TMP/code"
[ "$(wc -l <"$TMP/code")" -ge 15 ] || bad "the route table was not found in serve_data.c: $(cat "$TMP/code")"
if diff "$TMP/doc" "$TMP/code" >"$TMP/diff"; then
	ok "the documented endpoints are the server's routes"
else
	bad "docs/serve-api.md (<) and the server's routes (>) differ:"
	sed 's/^/#   /' "$TMP/diff"
fi

"$KODER" serve --db "$TMP/p.db" "$ROOT/corpora/sof" --question barrierer --listen 127.0.0.1:0 \
	--coder anna >"$TMP/links" 2>"$TMP/log" &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for ((i = 0; i < WAIT; i++)); do
	grep -q ' http' "$TMP/links" 2>/dev/null && break
	kill -0 $PID 2>/dev/null || break
	sleep 0.05
done
ANNA=$(awk '$1 == "anna" { print $2 }' "$TMP/links")
[ -n "$ANNA" ] || { cat "$TMP/log"; echo "the server did not start"; exit 1; }
BASE=${ANNA%/login/*}
J="$TMP/jar"
st=$(curl -s -o /dev/null -w '%{http_code}' -c "$J" "$ANNA")
[ "$st" = 303 ] && ok "GET /login/TOKEN logs in (303)" || bad "GET /login/TOKEN: $st"
CSRF=$(curl -s -b "$J" "$BASE/api/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')

# Each documented API endpoint with its method and no arguments: a 404 "no
# such API route" means the doc names a route the server does not have.
# Logout ends the session, so it goes last.
while read -r method path; do
	case $path in /api/*) ;; *) continue ;; esac
	if [ "$method" = GET ]; then
		st=$(curl -s -o "$TMP/body" -w '%{http_code}' -b "$J" "$BASE$path")
	else
		st=$(curl -s -o "$TMP/body" -w '%{http_code}' -b "$J" -H "X-CSRF-Token: $CSRF" \
			-d '{}' "$BASE$path")
	fi
	if [ "$st" = 404 ] || [ "$st" = 401 ]; then
		bad "$method $path: $st $(cat "$TMP/body")"
	else
		ok "$method $path is routed ($st)"
	fi
done < <(grep -v ' /api/logout$' "$TMP/doc"; grep ' /api/logout$' "$TMP/doc")
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" "$BASE/api/session")
[ "$st" = 401 ] && ok "after POST /api/logout the session is gone (401)" || bad "after logout: $st"
kill -TERM $PID; wait $PID
[ $fails = 0 ]

#!/usr/bin/env bash
# serve-browser.sh - koder serve in a real browser (tests/browser/run.mjs):
# the system chromium driven through the DevTools protocol by playwright-core
# from npm.  Logs in through the printed links, confirms, overrides, notes,
# undoes, bulk codes (and undoes it), adds a category, two coders at once,
# kill -9 of the server mid-work, hostile answer text.  Screenshots of the
# main screens go to $BUILD/screenshots/.
# Without chromium or the npm runner this skips (77) on a developer's
# machine and FAILS in CI (CI or KODER_REQUIRE_BROWSER set): CI installs both
# with 'make deps'.
set -u
: "${KODER:?}" "${ROOT:?}" "${BUILD:?}" "${TMP:?}"
missing=""
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -d "$ROOT/tests/browser/node_modules/playwright-core" ] || missing="$missing playwright-core(npm ci in tests/browser)"
if [ -n "$missing" ]; then
	echo "serve-browser: missing:$missing; install with 'sudo make deps'"
	if [ -n "${CI:-}${KODER_REQUIRE_BROWSER:-}" ]; then exit 1; fi
	exit 77
fi
shots="$BUILD/screenshots"
start=$(date +%s)
cd "$ROOT/tests/browser" && KODER="$KODER" ROOT="$ROOT" TMP="$TMP" SHOTS="$shots" \
	timeout 600 node run.mjs
rc=$?
echo "REPORT serve-browser: $(( $(date +%s) - start )) s, screenshots in $shots"
exit $rc

#!/usr/bin/env bash
# include-graph.sh [ROOT] - which module of koder uses which, from the
# #include "..." lines: the library (src/lib), the public header (include/)
# and the command line (src/cli).  A module is a .c/.h pair; its edges are
# the local headers its .c and .h include (system headers are left out).
#
# Prints a plain-text adjacency list, one module a line, library first:
#   lib/tally -> lib/buf lib/codebook lib/error
#   cli/cmd_tally -> cli/cli cli/cmd lib/corpus ...
# then a summary (modules, edges, the library modules no command uses
# directly), and last every violation of the library boundary: a src/lib
# file that includes a src/cli header ("VIOLATION lib/x -> cli/y").  The
# library must never see the command line (docs/hacking.md), so the exit
# status is 1 when there is one, else 0; tests/checks/lib-boundary.sh runs
# this.  Why from #include lines: they are what the compiler enforces, with
# -Isrc/lib only for library objects, and need no build.
set -eu
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"

# One awk pass over every file (a shell loop per #include line took most
# of a minute on a loaded machine).  A header is resolved the way the
# including side's -I order would: its own directory first, then src/lib,
# include/, src/cli; a path naming cli/ is on the command-line side.
shopt -s nullglob
files=(src/lib/*.c src/lib/*.h src/cli/*.c src/cli/*.h)
hdrs() { (cd "$1" 2>/dev/null && for h in *.h; do printf '%s ' "$h"; done) || true; }
awk -v libh="$(hdrs src/lib)" -v clih="$(hdrs src/cli)" -v inch="$(hdrs include)" '
BEGIN {
	n = split(libh, a, " "); for (i = 1; i <= n; i++) has["lib", a[i]] = 1
	n = split(clih, a, " "); for (i = 1; i <= n; i++) has["cli", a[i]] = 1
	n = split(inch, a, " "); for (i = 1; i <= n; i++) has["include", a[i]] = 1
}
FNR == 1 {
	side = FILENAME; sub(/^src\//, "", side); sub(/\/.*/, "", side)
	base = FILENAME; sub(/.*\//, "", base); sub(/\.[ch]$/, "", base)
	mod = side "/" base
	mods[mod] = 1
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	h = $0; sub(/^[^"]*"/, "", h); sub(/".*/, "", h)
	hb = h; sub(/.*\//, "", hb)
	if (h ~ /cli\//) w = "cli"
	else if (has[side, hb]) w = side
	else if (has["lib", hb]) w = "lib"
	else if (has["include", hb]) w = "include"
	else if (has["cli", hb]) w = "cli"
	else w = "?"
	dep = w "/" hb; sub(/\.h$/, "", dep)
	if (dep == mod || seen[mod, dep]++) next
	deps[mod] = deps[mod] " " dep
	nedges++
	if (side == "lib" && w == "cli")
		viol[++nviol] = "VIOLATION " mod " -> " dep " (" FILENAME " includes \"" h "\": the library must not see src/cli)"
	if (side == "cli" && w == "lib") used[dep] = 1
}
END {
	for (m in mods) {
		n = split(deps[m], d, " ")
		# sort the deps (insertion sort: a handful each)
		for (i = 2; i <= n; i++) { v = d[i]; for (j = i - 1; j >= 1 && d[j] > v; j--) d[j + 1] = d[j]; d[j + 1] = v }
		line = m " ->"
		for (i = 1; i <= n; i++) line = line " " d[i]
		print line | "sort"
		if (m ~ /^lib\//) { nlib++; if (!used[m]) { x = m; sub(/^lib\//, "", x); ind = ind " " x } }
		else ncli++
	}
	close("sort")
	print ""
	printf "modules: %d library, %d command line; %d edges\n", nlib, ncli, nedges
	n = split(ind, d, " ")
	for (i = 2; i <= n; i++) { v = d[i]; for (j = i - 1; j >= 1 && d[j] > v; j--) d[j + 1] = d[j]; d[j + 1] = v }
	line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? " " : "") d[i]
	print "library modules the command line does not include directly: " (line == "" ? "(none)" : line)
	for (i = 1; i <= nviol; i++) print viol[i]
	if (nviol) exit 1
	print "library -> command line: none (the boundary holds)"
}' "${files[@]}"

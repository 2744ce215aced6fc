#!/usr/bin/env bash
# The library boundary (docs/hacking.md): nothing in src/lib includes a
# src/cli header, and nothing in src/lib prints to the terminal or ends the
# process (printf, puts, putchar, perror, fprintf/fputs/fputc/fwrite to
# stdout or stderr, exit, _exit, abort) - a library caller (the web review,
# a binding) must get every problem back as a struct kerr.  Writing to a
# FILE * the caller passed in is fine and not flagged, and so is outfile.c
# choosing stdout when the caller asked for standard output ("-"), and so is
# the one _exit of xls.c's forked child (marked on its line), which ends the
# child, never the caller's process.
#
# Both detectors are first run on a small tree made here that breaks each
# rule, so this check cannot pass by detecting nothing.  Prints the size of
# the include graph (scripts/include-graph.sh) as a REPORT line.
set -eu

# lib_prints DIR: every call in DIR/*.c,*.h that prints or exits, comments
# and string literals removed first (prose saying "never exits" is fine).
lib_prints() {
	python3 - "$1" <<'EOF'
import re, sys, glob, os
bad = re.compile(r'\b(printf|puts|putchar|perror|exit|_exit|_Exit|abort|quick_exit)\s*\('
                 r'|\b(fprintf|vfprintf|fputs|fputc|putc|fwrite)\s*\([^;]*\b(stdout|stderr)\b')
tok = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
found = 0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.[ch]"))):
    src = open(f, encoding="utf-8", errors="replace").read()
    # blank comments and literals but keep the newlines, so lines still count
    code = tok.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)) if m.group(0)[0] == '/'
                   else '""', src)
    for no, line in enumerate(code.split("\n"), 1):
        if line.lstrip().startswith("#"):
            continue
        m = bad.search(line)
        # xls.c's forked child ends itself: marked, and only that call
        if m and m.group(1) == "_exit" and "lib-boundary: the forked child's own end" in src.split("\n")[no - 1]:
            continue
        if m:
            print("%s:%d: %s" % (f, no, src.split("\n")[no - 1].strip()))
            found += 1
sys.exit(1 if found else 0)
EOF
}

# 1. the detectors catch what they must
t="$TMP/boundary"
mkdir -p "$t/src/lib" "$t/src/cli" "$t/include"
printf '#include "cli.h"\nint f(void);\n' >"$t/src/lib/bad.h"
printf '#include "bad.h"\nint f(void) { return 0; }\n' >"$t/src/lib/bad.c"
printf '/* cli.h */\n' >"$t/src/cli/cli.h"
printf '/* koder.h */\n' >"$t/include/koder.h"
if "$ROOT/scripts/include-graph.sh" "$t" >"$t/graph.out" 2>&1; then
	echo "include-graph.sh did not flag lib/bad -> cli/cli:"; cat "$t/graph.out"; exit 1
fi
grep -q '^VIOLATION lib/bad -> cli/cli' "$t/graph.out" || { echo "no VIOLATION line:"; cat "$t/graph.out"; exit 1; }
cat >"$t/src/lib/p.c" <<'EOF'
/* never exits, never printf()s: prose is fine */
#include <stdio.h>
static const char *s = "exit(1) in a string is fine";
int g(FILE *fp) { fprintf(fp, "fine"); return s[0]; }
int h(int x) { if (x) exit(3); return printf("no"); }
void k(void) { fprintf(stderr, "no\n"); }
void m(void) { fputs("no", stdout); }
EOF
lib_prints "$t/src/lib" >"$t/prints.out" || true
n=$(grep -c . "$t/prints.out" || true)
if [ "$n" != 3 ]; then
	echo "the print/exit detector found $n lines in the test file, expected 3:"
	cat "$t/prints.out"; exit 1
fi

# 2. the real tree
status=0
if ! "$ROOT/scripts/include-graph.sh" "$ROOT" >"$TMP/graph.out" 2>&1; then
	grep '^VIOLATION' "$TMP/graph.out" || cat "$TMP/graph.out"
	status=1
fi
if ! lib_prints "$ROOT/src/lib" >"$TMP/prints.out"; then
	echo "src/lib prints or exits (return a struct kerr and let the command print):"
	cat "$TMP/prints.out"
	status=1
fi
sed -n 's/^modules: /REPORT include graph: /p' "$TMP/graph.out"
[ $status = 0 ] && echo ok
exit $status

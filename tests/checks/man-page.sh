#!/usr/bin/env bash
# The man page documents every command exactly as its --help does
# (regenerate with 'make man' after changing a command's help).
set -eu
[ "${SANITIZED:-0}" = 1 ] && exit 77
cp "$ROOT/docs/koder.1" "$TMP/koder.1"
(cd "$ROOT" && python3 scripts/make-man.py "$KODER" "$TMP/koder.1")
if ! diff -u "$ROOT/docs/koder.1" "$TMP/koder.1"; then
	echo "docs/koder.1 is out of date: run 'make man'"
	exit 1
fi
for c in $("$KODER" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/Commands:/ {print $1}'); do
	grep -q "^\.SS koder $c" "$ROOT/docs/koder.1" || { echo "man page lacks koder $c"; exit 1; }
done
command -v man >/dev/null && man -l "$ROOT/docs/koder.1" >/dev/null 2>"$TMP/man.err"
if [ -s "$TMP/man.err" ]; then cat "$TMP/man.err"; exit 1; fi
echo ok

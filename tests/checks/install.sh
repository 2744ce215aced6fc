#!/usr/bin/env bash
# make install puts the binary, the man page, the codebooks and the data
# under DESTDIR/PREFIX, and the installed binary finds its shipped files.
set -eu
dest="$TMP/root"
make -s -C "$ROOT" BUILD="$BUILD" PREFIX=/opt/koder DESTDIR="$dest" install >/dev/null
for f in bin/koder share/man/man1/koder.1; do
	[ -f "$dest/opt/koder/$f" ] || { echo "missing after install: $f"; exit 1; }
done
ls "$dest"/opt/koder/share/koder/codebooks/*.json >/dev/null 2>&1 || { echo "no codebooks installed"; exit 1; }
"$dest/opt/koder/bin/koder" --version | grep -q '^koder [0-9]' || { echo "installed binary does not run"; exit 1; }
man -l "$dest/opt/koder/share/man/man1/koder.1" >/dev/null 2>&1 || command -v man >/dev/null || true
make -s -C "$ROOT" BUILD="$BUILD" PREFIX=/opt/koder DESTDIR="$dest" uninstall >/dev/null
[ ! -e "$dest/opt/koder/bin/koder" ] || { echo "uninstall left the binary"; exit 1; }
echo ok

#!/usr/bin/env bash
# make install puts the binary, the man page, the codebooks and the data
# under DESTDIR/PREFIX, and the installed binary finds its shipped files.
set -eu
# Once is enough, and the sanitizer build's binary is not what users install.
[ "${SANITIZED:-0}" = 1 ] && exit 77
dest="$TMP/root"
# -o: install the binary that was tested; never rebuild it from here.
nomake="-o $BUILD/koder -o all"
make -s -C "$ROOT" $nomake BUILD="$BUILD" PREFIX=/opt/koder DESTDIR="$dest" install >/dev/null
for f in bin/koder share/man/man1/koder.1; do
	[ -f "$dest/opt/koder/$f" ] || { echo "missing after install: $f"; exit 1; }
done
ls "$dest"/opt/koder/share/koder/codebooks/*.json >/dev/null 2>&1 || { echo "no codebooks installed"; exit 1; }
"$dest/opt/koder/bin/koder" --version | grep -q '^koder [0-9]' || { echo "installed binary does not run"; exit 1; }
# Installed under another PREFIX than it was built for, it still finds its
# codebooks and lexicon (KODER_DATADIR unset: only the install tree can answer).
env -u KODER_DATADIR "$dest/opt/koder/bin/koder" check sof-barrierer | grep -q "$dest/opt/koder/share/koder/codebooks/sof-barrierer.json: ok" \
	|| { echo "installed koder does not find its shipped codebook"; exit 1; }
[ "$(echo 'Fgrste samtale pa arbejdspladsen' | env -u KODER_DATADIR "$dest/opt/koder/bin/koder" normalize)" = "Første samtale på arbejdspladsen" ] \
	|| { echo "installed koder does not find its lexicon"; exit 1; }
man -l "$dest/opt/koder/share/man/man1/koder.1" >/dev/null 2>&1 || command -v man >/dev/null || true
make -s -C "$ROOT" $nomake BUILD="$BUILD" PREFIX=/opt/koder DESTDIR="$dest" uninstall >/dev/null
[ ! -e "$dest/opt/koder/bin/koder" ] || { echo "uninstall left the binary"; exit 1; }
echo ok

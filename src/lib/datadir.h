/*
 * datadir.h - where koder's shipped files live (lexicon data, codebooks).
 *
 * Shipped files are named by a path relative to a root, e.g.
 * "data/da-freq.tsv" or "codebooks/sof-barrierer.json".  The root is, in
 * order: $KODER_DATADIR; the source tree the running binary was built in
 * (so ./koder and build-asan/koder work from a checkout without installing);
 * <prefix>/share/koder beside <prefix>/bin/koder (a relocated install);
 * the installed share directory ($(PREFIX)/share/koder, fixed at build time).
 */
#ifndef KODER_DATADIR_H
#define KODER_DATADIR_H

struct buf;

/* Find `rel` under the roots above.  On success appends the full path to
 * `out` (caller owns `out`) and returns 0; returns KERR_NOTFOUND when no root
 * has it (then `out` holds the installed path that was expected). */
int datadir_find(const char *rel, struct buf *out);

#endif

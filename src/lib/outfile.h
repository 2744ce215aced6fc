/*
 * outfile.h - output files written whole or not at all.
 *
 * koder never truncates a user's file and then fails half way: output goes to
 * a temporary file beside the target (same directory, so rename(2) is atomic),
 * which is flushed, fsync'd and renamed over the target only when everything
 * was written.  A crash, a full disk or an error leaves the old file intact.
 * The path "-" (or NULL) means standard output, which is written directly.
 *
 * What the user named is honoured (the target may be in the hands of
 * someone who wants harm done, e.g. a link planted in a shared directory):
 *  - a symbolic link is followed (up to 40 links) and the file it points to
 *    is replaced atomically; the link itself stays a link;
 *  - /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are the
 *    descriptors koder holds and are written straight through, as are
 *    devices and FIFOs (/dev/null, /dev/tty, a named pipe): never replaced;
 *  - an existing file keeps its permission bits (and, where allowed, its
 *    owner and group); a read-only one (no write bit, or not writable by
 *    this user) is refused with KERR_WRITE rather than silently replaced;
 *  - a directory is refused before any work is done.
 * Every failure to write is KERR_WRITE (exit status 5).
 *
 * Ownership: the struct owns its FILE, the temp path and the target path;
 * outfile_commit and outfile_abort release all of them.  Callers that need a
 * file name instead of a FILE (libxlsxwriter) may fclose(o->fp), set it to
 * NULL, write to o->tmp and then commit.
 */
#ifndef KODER_OUTFILE_H
#define KODER_OUTFILE_H

#include <stdio.h>

struct kerr;

struct outfile {
	FILE *fp;      /* where to write */
	char *path;    /* target; NULL for stdout */
	char *tmp;     /* temporary file; NULL for stdout or a device */
	char *target;  /* what the rename replaces: path with links followed */
};

/* Open `path` ("-" or NULL = stdout).  Returns 0 or KERR_WRITE/KERR_NOMEM
 * with the target named in `e`. */
int outfile_open(struct outfile *o, const char *path, struct kerr *e);
/* Finish: flush, fsync and rename into place (or flush stdout).  Returns 0,
 * or KERR_WRITE after removing the temp file (the target is untouched). */
int outfile_commit(struct outfile *o, struct kerr *e);
/* Give up: remove the temp file, keep the target as it was.  No-op after
 * commit or on a zeroed struct. */
void outfile_abort(struct outfile *o);

/* For writers that need a file name, not a FILE (libxlsxwriter writes a
 * workbook by seeking in it): 0 when o->tmp is one; else (standard output,
 * a device, a FIFO) KERR_WRITE with a message naming `path`, and nothing
 * closed, so the caller aborts.  Without it libxlsxwriter was handed NULL and
 * printed "Memory allocation failed". */
int outfile_named(const struct outfile *o, const char *path, struct kerr *e);

#endif

/*
 * infile.h - opening an input that must be a regular file.
 *
 * Codebooks, their models and the lexicon's data files are read whole into
 * memory and named by people (a codebook names its model): a FIFO named there
 * would block koder in open(2) forever, and a device (/dev/zero, /dev/tty)
 * would be read without end.  infile_open refuses anything but a regular
 * file, without blocking: it opens with O_NONBLOCK, checks with fstat, and
 * only then hands out a normal, blocking FILE.  Surveys are not opened here:
 * they may be pipes and FIFOs (`koder code <(unzip -p ...)` keeps working).
 *
 * Ownership: the returned FILE belongs to the caller (fclose).
 */
#ifndef KODER_INFILE_H
#define KODER_INFILE_H

#include <stdio.h>

struct kerr;

/* Open `path` for reading if it is a regular file.  `what` names it in
 * messages ("the codebook").  Returns the FILE, or NULL with `e` filled:
 * KERR_IO (exit 3) for a missing or unreadable file and for a directory,
 * FIFO, socket or device; KERR_NOMEM. */
FILE *infile_open(const char *path, const char *what, struct kerr *e);

#endif

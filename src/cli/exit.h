/*
 * exit.h - the documented exit statuses of the koder command (koder(1),
 * README "Exit statuses"), and how a library error code maps to one.
 *
 * Why here and not in the library: an exit status is the command line's
 * word to a shell script; the library reports `enum kerr_code` and never
 * exits, so a second front end (the web review, a binding) need not know
 * these numbers.
 */
#ifndef KODER_EXIT_H
#define KODER_EXIT_H

#include "error.h"

/*
 * Documented exit statuses of the koder command (see koder(1), README).
 * Every command returns one of these.
 */
enum koder_exit {
	EXIT_OK = 0,          /* success */
	EXIT_PROBLEMS = 1,    /* finished, but the input had problems that were reported
	                         (a failed check, skipped rows, repaired bad bytes) */
	EXIT_USAGE = 2,       /* wrong command line */
	EXIT_NOINPUT = 3,     /* an input file is missing or unreadable */
	EXIT_DATAERR = 4,     /* an input file is malformed; nothing was written */
	EXIT_CANTCREATE = 5,  /* an output file could not be written; earlier files intact */
	EXIT_STORE = 6,       /* the project store is unusable */
	EXIT_LIMIT = 7,       /* a size or backtracking limit was reached */
	EXIT_SOFTWARE = 8,    /* out of memory or an internal error */
	EXIT_INTERRUPTED = 130
};

/* The exit status the command line uses for this code. */
int kerr_exit(enum kerr_code code);

#endif

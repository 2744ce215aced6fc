/*
 * error.h - the one error type used everywhere in koder.
 *
 * Library code never prints and never exits: a function that can fail takes
 * a `struct kerr *` (which may be NULL when the caller does not care), fills
 * it in, and returns the error code (0 = success).  The record says what
 * failed and where: file, 1-based line and column, and a path inside the
 * thing (a JSON path such as categories[3].include[2], or a column name).
 * Parsers that report every problem rather than the first collect records in
 * a `struct kerr_list`.  Only the command line (cli.c) turns a record into
 * text on stderr and an exit status (kerr_exit in src/cli/exit.h).
 *
 * Ownership: struct kerr holds fixed-size arrays and owns nothing; a
 * kerr_list owns its `items` array, freed by kerr_list_release.
 */
#ifndef KODER_ERROR_H
#define KODER_ERROR_H

#include <stddef.h>

struct buf;

enum kerr_code {
	KERR_OK = 0,
	KERR_NOMEM,       /* out of memory */
	KERR_IO,          /* a file could not be opened, read or written (see sys_errno) */
	KERR_ENCODING,    /* text in an encoding koder cannot read */
	KERR_SYNTAX,      /* malformed CSV or JSON */
	KERR_SCHEMA,      /* well-formed but wrong: missing key, wrong type, unknown id */
	KERR_PATTERN,     /* a codebook pattern does not compile */
	KERR_LIMIT,       /* a size, time or regex-backtracking limit was reached */
	KERR_NOTFOUND,    /* a named thing (column, category, answer) does not exist */
	KERR_STORE,       /* the project store is unusable (corrupt, locked, newer) */
	KERR_CHECK,       /* a check failed: an example did not match, counts differ */
	KERR_INVALID,     /* a caller passed an argument that makes no sense */
	KERR_USAGE,       /* the command line is wrong */
	KERR_INTERRUPTED, /* stopped by a signal */
	KERR_WRITE,       /* an output (file, standard output, workbook) could not be
			   * written: exit 5, not the input's 3 */
	KERR__COUNT
};

struct kerr {
	enum kerr_code code;
	int sys_errno;      /* errno for KERR_IO, else 0 */
	char file[256];     /* "" when the error is not about a file */
	long line, col;     /* 1-based; 0 when unknown */
	char path[256];     /* JSON path or column name; "" when none */
	char msg[768];      /* what went wrong, and what to do next when known */
};

/* Reset to "no error". */
void kerr_clear(struct kerr *e);
/* Record an error with a printf-style message.  Keeps any location already
 * set.  Returns `code`, so `return kerr_set(e, KERR_SYNTAX, "...")` reads well.
 * `e` may be NULL. */
int kerr_set(struct kerr *e, enum kerr_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record an I/O error from errno about `file`.  Returns KERR_IO. */
/* kerr_errno for an output that could not be written: code KERR_WRITE. */
int kerr_write_errno(struct kerr *e, int err, const char *file, const char *what);
int kerr_errno(struct kerr *e, int err, const char *file, const char *what);
/* Set the location (file may be NULL to keep the current one). */
void kerr_at(struct kerr *e, const char *file, long line, long col);
/* Set the path inside the input (JSON path, column name). */
void kerr_path(struct kerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Short stable name of a code, e.g. "syntax error". Static storage. */
const char *kerr_name(enum kerr_code code);
/* Append "file:line:col: path: msg" (parts that are unset are left out). */
int kerr_format(const struct kerr *e, struct buf *out);

struct kerr_list {
	struct kerr *items;  /* owned */
	size_t n, cap;
};
#define KERR_LIST_INIT { NULL, 0, 0 }
/* Append a copy of `e`.  Returns 0 or KERR_NOMEM. */
int kerr_list_add(struct kerr_list *l, const struct kerr *e);
void kerr_list_release(struct kerr_list *l);

#endif

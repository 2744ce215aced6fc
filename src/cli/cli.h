/*
 * cli.h - what only the command line does: option tables, help text,
 * messages on stderr, exit statuses, progress on a terminal.
 *
 * Library modules never print or exit; commands (cmd_*.c) use these helpers
 * so every command speaks the same way:
 *   koder: <what failed>: '<subject>': <why>
 * and `--help` prints to stdout and exits 0, while misuse prints the synopsis
 * to stderr and exits EXIT_USAGE (2).
 *
 * Ownership: nothing returned here needs freeing, except xstrdup/xmalloc
 * results (the caller frees them).  The x* allocators abort with a message on
 * out-of-memory, which is acceptable only in the command line.
 */
#ifndef KODER_CLI_H
#define KODER_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "exit.h"

/* One option of a command: its table row doubles as its help line. */
struct cli_opt {
	int key;            /* short option letter, or a value >= 256 for long-only */
	const char *name;   /* long name without "--" */
	const char *arg;    /* argument name shown in help ("FILE"); NULL = no argument */
	const char *help;   /* one line */
};

/* A command's help: synopsis lines, one-line summary, options, free text. */
struct cli_usage {
	const char *synopsis;     /* "koder normalize [OPTION]... [FILE]..." (may hold \n) */
	const char *summary;      /* one sentence */
	const struct cli_opt *opts; /* terminated by a row with name == NULL */
	const char *details;      /* more paragraphs, examples, exit statuses; may be NULL */
};

#define CLI_MAX_OPTS 48
struct cli_parser {
	struct option lopts[CLI_MAX_OPTS + 1];
	char shorts[CLI_MAX_OPTS * 2 + 3];
};

/* Build a getopt_long parser from an option table and reset getopt state. */
void cli_parser_init(struct cli_parser *p, const struct cli_opt *opts);
/* Next option key, -1 at the end, '?' on an unknown option or a missing
 * argument (getopt has then printed why). The argument is in `optarg`. */
int cli_next(struct cli_parser *p, int argc, char **argv);

/* Print full help to stdout; returns EXIT_OK. */
int cli_help(const struct cli_usage *u);
/* Print "koder: <msg>" (if fmt) plus the synopsis and a hint to stderr;
 * returns EXIT_USAGE. */
int cli_misuse(const struct cli_usage *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Columns s[0..n) takes on a terminal: its characters, not its bytes (æ is
 * two bytes and one column). */
size_t cli_width(const char *s, size_t n);
/* Print s on stdout left-aligned in `width` columns (cli_width), as
 * printf's %-*s would for ASCII. */
void cli_put_padded(const char *s, size_t width);

/* "koder: <message>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print an error record as "koder: <file:line:col: path: msg>" on stderr and
 * return its exit status. */
int cli_error(const struct kerr *e);
/* Print every record of a list; returns the exit status of the first. */
int cli_errors(const struct kerr_list *l);
/* Print "koder: <message>" and exit with `status`. */
void cli_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/*
 * Progress on stderr for long runs, only when stderr is a terminal and
 * NO_PROGRESS is unset: "label: 12345 / 100000 (12%)" redrawn at most a few
 * times per second.  total may be 0 when unknown.
 */
struct cli_progress {
	const char *label;
	size_t total, done;
	double last;
	int on;
};
void cli_progress_start(struct cli_progress *p, const char *label, size_t total);
void cli_progress_add(struct cli_progress *p, size_t n);
void cli_progress_end(struct cli_progress *p);

/* Parse a non-negative integer option value; returns 0 or -1 if not a number. */
int cli_parse_size(const char *s, size_t *out);

#endif

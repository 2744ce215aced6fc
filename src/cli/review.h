/*
 * review.h - the terminal review: the UI in which a coder confirms or
 * overrides the engine's suggestion for one answer after another, and
 * adjudicates coders' disagreements.  The session itself (decisions, undo,
 * notes, filters, progress, samples) is the library's session.h; this is
 * only its terminal front end.
 *
 * The UI draws with raw termios and ANSI escapes (no curses): one full
 * frame per keystroke, written at once, sized to the terminal (80x24 is
 * enough), with colour unless NO_COLOR is set (then evidence is marked with
 * [brackets]).  Text is UTF-8; widths count code points.
 *
 * Durability: every decision goes through session_decide, which returns
 * only once it is on disk, before the next answer is drawn.  The terminal
 * is restored on quit, on error and on SIGINT/SIGTERM/SIGHUP.
 *
 * Ownership: the store is borrowed; a review owns everything else and
 * releases it before returning.
 */
#ifndef KODER_REVIEW_H
#define KODER_REVIEW_H

#include <stddef.h>

struct kerr;
struct store;

enum review_mode {
	REVIEW_CODE,        /* code answers (the coder's sample only, if one is assigned) */
	REVIEW_ADJUDICATE   /* step through disagreements; decisions are final */
};

struct review_opts {
	const char *question;   /* stored question id */
	const char *coder;
	enum review_mode mode;
	int in_fd, out_fd;      /* the terminal (usually 0 and 1) */
	int order_uncertain;    /* start with the uncertain order (session.h) */
};

/* What a session did, for the command's closing line. */
struct review_summary {
	size_t decided;         /* decisions made in this session */
	size_t reviewed, total; /* answers this coder has decided / answers shown */
	int interrupted;        /* ended by a signal or Ctrl-C */
	int note_unsaved;       /* ... while a note was being typed (not saved) */
};

/*
 * Run the interactive session until the coder quits.  Returns 0, or a kerr
 * code (KERR_INVALID when the terminal is not a terminal, KERR_STORE ...)
 * with `e` filled and the terminal restored.
 */
int review_run(struct store *s, const struct review_opts *o, struct review_summary *sum,
	struct kerr *e);

/* Timings of the render and commit paths on the store's question, for
 * bench/review.sh: `n` answers drawn to memory and `n` decisions committed
 * by coder "bench".  Milliseconds. */
struct review_bench {
	size_t answers;
	double load_ms;
	double render_p50, render_p99, render_max;
	double commit_p50, commit_p99, commit_max;
};
int review_bench(struct store *s, const char *question, size_t n, struct review_bench *b,
	struct kerr *e);

#endif

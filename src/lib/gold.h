/*
 * gold.h - coded answers, wherever they are kept: a CSV with the answers
 * and their codes (corpora/train's id,text,codes), a file of id,codes rows
 * with the survey that holds the answers (the corpora's gold files, 'koder
 * code' output; id,wave,codes for a panel), or the coders' decisions in a
 * project store.
 *
 * Why one module: learning a model (train.h) and scoring the engine
 * against the coders (score.h) read the same coded answers, and a coder
 * should be able to hand either the same file.
 *
 * Each reader calls fn(ctx, id, text, len, codes, e) for every coded answer:
 * id the respondent (NULL when the file has none), text the answer as
 * written (len bytes), codes the ids or labels joined by ';'.  All are
 * borrowed for the call.  A non-zero return from fn is a problem with that
 * answer: it goes to `errs` with the file and line and reading goes on
 * (KERR_NOMEM and KERR_LIMIT stop it).  The readers return 0 or the first
 * problem's code; nothing they allocate outlives them.
 */
#ifndef KODER_GOLD_H
#define KODER_GOLD_H

#include <stddef.h>

struct codebook;
struct corpus;
struct kerr;
struct kerr_list;
struct store;

typedef int (*gold_fn)(void *ctx, const char *id, const char *text, size_t len,
	const char *codes, struct kerr *e);

/* A CSV with text_col and codes_col (and id_col, which may be NULL). */
int gold_read_csv(const char *path, const char *id_col, const char *text_col,
	const char *codes_col, gold_fn fn, void *ctx, struct kerr_list *errs);

/*
 * The answers of `survey`'s question `question` (an id or column; NULL: its
 * first) whose respondent has codes in `gold` (columns id, codes and, for a
 * panel, wave), read by survey.h and matched as decisions.h matches a
 * --codes file: by (wave, id) when the gold file has a wave column, by id
 * alone when not.  Survey rows without codes are left out.  Problems, each
 * with its file and line: a respondent twice in the gold (in one wave) or
 * in the survey; a wave column in the gold and none in the survey; an id in
 * several waves of the survey and no wave column in the gold (which wave's
 * answer the codes are for cannot be told: add one); a gold id the survey
 * lacks.
 */
int gold_read_joined(const struct corpus *survey, const char *question, const char *gold,
	gold_fn fn, void *ctx, struct kerr_list *errs);

/* Either: gold_read_csv when `path` has text_col (and its id column when it
 * has one), else gold_read_joined with `survey` and `question`; a file
 * with neither is KERR_SCHEMA, saying to give the survey. */
int gold_read(const char *path, const char *text_col, const char *codes_col,
	const struct corpus *survey, const char *question, gold_fn fn, void *ctx,
	struct kerr_list *errs);

/* Every answer of `question` a coder decided (the final decision: an
 * adjudication, else the coders'), in survey order.  With `version` (not
 * NULL) only decisions made under that codebook version count: one under an
 * older version that 'koder migrate' left for review means the old
 * categories (an andet from before a category was carved out of it), so it
 * is left out and counted in *stale (may be NULL).  fn's error stops the
 * walk and is returned, with `e` set. */
int gold_read_store(struct store *st, const char *question, const char *version,
	size_t *stale, gold_fn fn, void *ctx,
	struct kerr *e);

/* Where a command's coded answers come from: --gold files (with their
 * columns, and the --survey their id,codes rows take the answers from),
 * and/or the final decisions of one question in a project store. */
struct gold_source {
	const char *const *files;   /* nfiles --gold files, read in order */
	size_t nfiles;
	const char *text_col, *codes_col;               /* NULL: "text", "codes" */
	const struct corpus *survey;   /* the survey of id,codes files (a descriptor, or
	                                  one filled from flags); NULL: none */
	const char *survey_question;   /* its question; NULL: the first */
	const char *db;             /* a project store, or NULL */
	const char *question;       /* its question; NULL: default_question */
};

/*
 * Every coded answer of `src` to fn: the files first (gold_read), then the
 * store's decisions (gold_read_store with `version` and `stale`; the store
 * is opened read-only and closed again).  Problems go to errs; reading the files goes on past a
 * bad row so that all are named, the store is not read when a file had
 * problems.  Returns 0 or the first problem's code.  Everything is
 * borrowed.
 */
int gold_read_all(const struct gold_source *src, const char *default_question,
	const char *version, size_t *stale, gold_fn fn, void *ctx, struct kerr_list *errs);

/* Set flags[c] = 1 (flags has cb->ncats entries, the caller zeroes them)
 * for each code in `codes`: category ids or labels joined by ';', matched
 * without regard to case, blanks around them ignored.  Returns 0, or
 * KERR_SCHEMA naming the first code that is not a category. */
int gold_parse_codes(const struct codebook *cb, const char *codes, unsigned char *flags,
	struct kerr *e);

#endif

/*
 * score.h - the engine against the coders: per category precision, recall,
 * F1 and Cohen's kappa, macro-F1, the most frequent confusions, and for
 * every answer the engine got wrong, why.
 *
 * Why: a newcomer's codebook misses how people write, and the way to see it
 * is to put the engine's codes beside the coders' and read each difference
 * with its reason: no pattern matched; a pattern matched but a negation cue
 * cancelled it (naming the cue); an exclude vetoed it (naming the exclude);
 * the learned model coded it; nothing matched and it became the residual
 * andet; or a pattern matched that the coders did not agree with (naming
 * the pattern and the words).
 *
 * Macro-F1 is scripts/score-codes.py's: the mean F1 over every category in
 * the gold or the engine's codes, ingen_svar and andet included.
 *
 * Ownership: score_new returns a scorer the caller frees (score_free); the
 * engine is borrowed and must outlive it (score_new switches its rules to
 * explaining, which costs nothing when nothing is cancelled).  Pointers
 * into the report stay valid until score_free.
 */
#ifndef KODER_SCORE_H
#define KODER_SCORE_H

#include <stddef.h>

struct engine;
struct kerr;
struct score;

enum score_reason {
	SCORE_NO_PATTERN = 1,   /* missed: none of the category's patterns matched */
	SCORE_NEGATED,          /* missed: a match cancelled by a negation cue */
	SCORE_EXCLUDED,         /* missed: an exclude vetoed the category */
	SCORE_NO_ANSWER,        /* missed: the engine took the answer as no answer */
	SCORE_PATTERN,          /* extra: a pattern matched the coders disagree with */
	SCORE_MODEL,            /* extra: the learned model coded it */
	SCORE_RESIDUAL,         /* extra: andet because nothing matched */
	SCORE_NONSUBST          /* extra: ingen_svar from a "no answer" phrase */
};

/* One category an answer got wrong. */
struct score_miss {
	size_t cat;
	int extra;              /* 1: the engine coded it and the coders did not */
	enum score_reason reason;
	size_t pattern;         /* include/exclude index (PATTERN, NEGATED, EXCLUDED) */
	size_t start, end;      /* the words, in the answer as written (0, 0: none) */
	size_t cue_start, cue_end;  /* NEGATED: the cue word */
};

/* One answer the engine got wrong; strings owned by the scorer. */
struct score_error {
	char *id;               /* "" when the source has no ids */
	char *text;             /* as written */
	char *gold, *got;       /* codes joined by ';' */
	struct score_miss *miss;
	size_t nmiss;
};

struct score_counts {
	size_t tp, fp, fn, tn;
};

/* gold category -> engine category in answers where the first was missed
 * and the second coded instead. */
struct score_confusion {
	size_t gold, got, n;
};

int score_new(struct engine *en, struct score **out, struct kerr *e);
void score_free(struct score *s);

/*
 * Score one coded answer (a gold_fn: see gold.h): code `text` and compare
 * with `codes` (ids or labels joined by ';', any case).  Blank answers are
 * left out.  Returns 0, KERR_SCHEMA for an unknown code (e names it),
 * KERR_NOMEM or KERR_LIMIT.
 */
int score_add(void *score, const char *id, const char *text, size_t len, const char *codes,
	struct kerr *e);

/* The figures so far.  counts has one entry per codebook category. */
size_t score_answers(const struct score *s);
const struct score_counts *score_counts(const struct score *s);
double score_macro_f1(const struct score *s);
/* Confusions, most frequent first (ties in codebook order); *n entries. */
const struct score_confusion *score_confusions(struct score *s, size_t *n);
/* The answers the engine got wrong, in the order added: all of them, or
 * the first n after score_keep_errors(s, n).  Each keeps its text and
 * reasons, so a scorer keeping every one grows with the answers; one
 * keeping a few (koder score lists 30) stays flat. */
const struct score_error *score_errors(const struct score *s, size_t *n);
void score_keep_errors(struct score *s, size_t n);
/* How many answers the engine got wrong, kept or not. */
size_t score_wrong(const struct score *s);

/* Cohen's kappa of one category's yes/no (NaN when undefined). */
double score_kappa(const struct score_counts *c);

/* Plain words for a reason ("no pattern matched", ...). */
const char *score_reason_text(enum score_reason r);

#endif

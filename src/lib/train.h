/*
 * train.h - fitting a codebook's learned word model (model.h) from answers
 * that coders have coded, and measuring on held-out folds whether it helps.
 *
 * Why: the patterns code what their writer foresaw; a study's own coders
 * know the rest.  A training set is the coded answers, each run once through
 * the codebook's patterns (without any model) so that the model is fitted
 * for exactly the place rules_match gives it: after the patterns.
 *
 * How: one logistic regression per column (every category but andet and
 * ingen_svar, then ingen_svar, then andet when the codebook has it) over
 * the answer's features (model_each_feature), fitted by liblinear
 * (logreg.h).  The answers are split into K folds (seeded); each fold is
 * coded by a model fitted on the others, and the thresholds that decide
 * how the model joins the patterns (model_decide) are chosen by
 * coordinate search on those held-out codes, maximising macro-F1.  The
 * held-out macro-F1 with the model is compared with the patterns' own on
 * the same answers: a model that does not beat them is refused.  The model
 * written is fitted on every answer, with the chosen thresholds.
 *
 * Macro-F1 is scripts/score-codes.py's: the mean F1 over every category
 * that occurs in the gold or the predictions, ingen_svar and andet
 * included.
 *
 * Ownership: a train_set owns copies of everything added; train_fit fills
 * a train_report the caller releases (train_report_release) and appends
 * the model file to the caller's buffer.  The engine is borrowed.
 */
#ifndef KODER_TRAIN_H
#define KODER_TRAIN_H

#include <stddef.h>

struct buf;
struct codebook;
struct engine;
struct kerr;
struct kerr_list;
struct store;
struct train_set;

/* The figures of one category, counted over answers. */
struct train_counts {
	size_t tp, fp, fn;
};

struct train_report {
	size_t nanswers;        /* answers trained on */
	size_t nfeatures;       /* distinct features seen */
	size_t nwritten;        /* features in the model file (after pruning) */
	size_t folds;
	double C;               /* the regularisation chosen */
	double th[5];           /* residual, add, nonsub, andet, weak */
	/* per codebook category (ncats entries each): held-out counts with the
	 * patterns alone and with the model */
	size_t ncats;
	struct train_counts *patterns, *model;
	double macro_patterns, macro_model;
	int refused;            /* 1: the model does not beat the patterns */
};

struct train_opts {
	size_t folds;           /* 0: 5 */
	unsigned long seed;     /* fold assignment */
	double C;               /* 0: chosen from a small grid by cross-validation */
	double prune;           /* features with every weight below: 0 means 0.02 */
};

/* An empty set for the engine's codebook.  The engine should code with the
 * patterns alone (engine_opts.no_model); it is borrowed and must outlive
 * the set.  Returns 0 or KERR_NOMEM; *out is the caller's (train_set_free). */
int train_set_new(struct engine *en, struct train_set **out, struct kerr *e);
void train_set_free(struct train_set *s);

/*
 * Add one coded answer: its text (len bytes) and its codes as the store
 * keeps them (category ids joined by ';'; ids and labels match without
 * regard to case).  A blank answer is skipped.  Returns 0; KERR_SCHEMA when
 * a code is not a category of the codebook (e names it, with the nearest
 * id); KERR_NOMEM; KERR_LIMIT from the patterns.
 */
int train_set_add(struct train_set *s, const char *text, size_t len, const char *codes,
	struct kerr *e);

/*
 * Add every row of a CSV file of coded answers (as corpora/train has them:
 * a text column and a codes column, named text_col and codes_col; other
 * columns are ignored).  A problem row is appended to `errs` with its line
 * and reading goes on; returns 0 or the first error's code (KERR_IO,
 * KERR_SYNTAX, KERR_SCHEMA, KERR_NOMEM, KERR_LIMIT).
 */
int train_set_add_csv(struct train_set *s, const char *path, const char *text_col,
	const char *codes_col, struct kerr_list *errs);

/*
 * Add the answers of a survey CSV (`survey`, columns id_col and text_col)
 * whose respondent has codes in `gold` (a CSV with columns id and codes, as
 * 'koder code' and the corpora's gold files have them).  Survey rows
 * without gold codes are left out; a gold id that is not in the survey is
 * an error.  Problems go to `errs` as in train_set_add_csv.
 */
int train_set_add_joined(struct train_set *s, const char *survey, const char *id_col,
	const char *text_col, const char *gold, struct kerr_list *errs);

/*
 * A gold file either way: train_set_add_csv when it has the text_col
 * column; otherwise, when `survey` is given, train_set_add_joined with the
 * survey's id_col and answer_col.  A file with neither is KERR_SCHEMA
 * (in errs, saying to give the survey).
 */
int train_set_add_gold(struct train_set *s, const char *path, const char *text_col,
	const char *codes_col, const char *survey, const char *id_col, const char *answer_col,
	struct kerr_list *errs);

/*
 * Add every answer of `question` in the store that a coder decided (the
 * final decision: an adjudication, else the coders' own).  Answers nobody
 * decided are left out.  Returns 0 or the first error code, with `e` set.
 */
int train_set_add_store(struct train_set *s, struct store *st, const char *question,
	struct kerr *e);

/* Answers added so far. */
size_t train_set_count(const struct train_set *s);

/*
 * Fit, cross-validate and (unless refused) append the model file to
 * `model` (may be NULL: measure only).  Returns 0 (see rep->refused),
 * KERR_INVALID when the set has fewer answers than folds, or KERR_NOMEM.
 */
int train_fit(struct train_set *s, const struct train_opts *opts, struct train_report *rep,
	struct buf *model, struct kerr *e);

void train_report_release(struct train_report *rep);

#endif

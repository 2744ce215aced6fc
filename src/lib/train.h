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
 * (logreg.h); below 1,000 answers each feature's value is its naive Bayes
 * log-count ratio for the column (NBSVM), folded into the weights written.  The codebook's own words (each category's examples, label
 * and description, and below 1,000 answers each include pattern's words)
 * are rows of their category in every fit, never held out.  The answers
 * are split into K folds (seeded); each fold is coded by a model fitted
 * on the others, and the thresholds that decide
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
struct train_set;

/* The figures of one category, counted over answers. */
struct train_counts {
	size_t tp, fp, fn;
};

struct train_report {
	size_t nseen;           /* answers given (train_set_count) */
	size_t nanswers;        /* answers learned from: all, or a uniform sample of
	                           8,000 when more were given */
	size_t ncv;             /* of them, cross-validated: at most 2,500 */
	size_t nfeatures;       /* distinct features seen */
	size_t nwritten;        /* features in the model file (after pruning) */
	size_t folds;
	size_t reps;            /* cross-validations on differently shuffled folds;
	                           the counts below are summed over them */
	double C;               /* the regularisation chosen */
	double th[8];           /* residual, add, nonsub, andet, weak, top, lean, rescue */
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
 * regard to case).  A blank answer is skipped.  The set keeps a uniform
 * sample (reservoir, seeded) of at most 8,000 answers, so memory stays
 * flat however many are added; the patterns code the sample in
 * train_fit.  Returns 0; KERR_SCHEMA when a code is not a category of the
 * codebook (e names it, with the nearest id); KERR_NOMEM.
 */
int train_set_add(struct train_set *s, const char *text, size_t len, const char *codes,
	struct kerr *e);

/* train_set_add as a gold_fn (gold.h): ctx is the set, the id unused. */
int train_set_add_gold(void *set, const char *id, const char *text, size_t len,
	const char *codes, struct kerr *e);

/* Answers added so far (blank ones left out), sampled or not. */
size_t train_set_count(const struct train_set *s);

/*
 * Fit, cross-validate and (unless refused) append the model file to
 * `model` (may be NULL: measure only).  Cross-validation runs on a random
 * 2,500 of the sample when it is larger; the model written learns from the
 * whole sample.  Returns 0 (see rep->refused), KERR_SCHEMA when the set
 * has fewer answers than folds, KERR_INVALID for fewer than 2 folds,
 * KERR_LIMIT from the patterns, or KERR_NOMEM.
 */
int train_fit(struct train_set *s, const struct train_opts *opts, struct train_report *rep,
	struct buf *model, struct kerr *e);

void train_report_release(struct train_report *rep);

#endif

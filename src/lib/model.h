/*
 * model.h - a codebook's learned word model: for each category, logistic
 * weights over the words of an answer's match key, trained from answers
 * that coders have coded (scripts/train-model.py writes the file).
 *
 * Why beside the rules: patterns catch what their writers foresaw; staff
 * also describe a barrier without its usual words ("mester sagde vi ikke
 * skulle komme og forstyrre").  The rules stay the first word: the model
 * only codes an answer that no pattern coded (instead of `andet`, or as
 * `ingen_svar`), and adds a category to a coded answer only when it is very
 * sure.  Such codes are suggestions like any other, marked as coming from
 * the model, for a coder to confirm.
 *
 * Features (the training script computes the same): the key is cut into
 * words (runs of a-z, 0-9 and bytes >= 0x80); each word w gives "w:w", its
 * first five bytes "p:..." when longer than five, its last six "s:..." when
 * longer than eight, and with the word before it "b:prev_w".  Words over
 * MODEL_MAX_WORD bytes are skipped.  Each feature counts once per answer.
 *
 * File format (UTF-8 text, tab-separated, one record a line):
 *   koder-model  1
 *   codebook     ID
 *   categories   ID ID ...        the columns (codebook category ids)
 *   thresholds   R A N [O W]      residual, add, no-answer; optionally andet
 *                                override and weak (0..1; see struct
 *                                model_thresholds)
 *   bias         B B ...          one per column
 *   FEATURE      W W ...          one line per feature
 *
 * Ownership: model_load returns a model the caller frees with model_free.
 * A model keeps scratch space for model_score: one model per thread.
 */
#ifndef KODER_MODEL_H
#define KODER_MODEL_H

#include <stddef.h>

struct codebook;
struct kerr;
struct model;

#define MODEL_MAX_WORD 40

struct model_thresholds {
	double residual;   /* an answer no pattern coded gets each category this sure */
	double add;        /* a coded answer also gets a category this sure */
	double nonsub;     /* an answer no pattern coded, and no category above
	                      `residual`, is ingen_svar when the model is this sure */
	double andet;      /* with an andet column: an answer the patterns coded is
	                      andet instead when the model is this sure of andet ... */
	double weak;       /* ... and below this for every category they coded
	                      (andet > 1: never) */
};

/*
 * Read the model at `path` for codebook `cb`: every column must be one of
 * cb's categories.  Returns 0 with *out owned by the caller, or KERR_IO /
 * KERR_SYNTAX / KERR_SCHEMA / KERR_NOMEM with `e` naming the file, line and
 * what was expected, and *out = NULL.
 */
int model_load(const char *path, const struct codebook *cb, struct model **out,
	       struct kerr *e);

/* Free a model.  NULL is a no-op. */
void model_free(struct model *m);

/* The thresholds the file sets. */
const struct model_thresholds *model_thresholds(const struct model *m);

/*
 * Probabilities for match key k[0..len): p[c] for every category c of the
 * codebook (cb->ncats entries, written by the caller's array), -1 for the
 * categories the model has no column for.  Allocates nothing.
 */
void model_score(struct model *m, const char *k, size_t len, double *p);

#endif

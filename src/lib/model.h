/*
 * model.h - a codebook's learned word model: for each category, logistic
 * weights over the words of an answer's match key, trained from answers
 * that coders have coded (train.h fits it; `koder train` writes the file).
 *
 * Why beside the rules: patterns catch what their writers foresaw; staff
 * also describe a barrier without its usual words ("mester sagde vi ikke
 * skulle komme og forstyrre").  The rules stay the first word: the model
 * only codes an answer that no pattern coded (instead of `andet`, or as
 * `ingen_svar`), and adds a category to a coded answer only when it is very
 * sure.  Such codes are suggestions like any other, marked as coming from
 * the model, for a coder to confirm.
 *
 * Features (model_each_feature, for training and scoring alike): the key
 * is cut into words (runs of a-z, 0-9 and bytes >= 0x80); each word w gives
 * "w:w", its first five bytes "p:..." when longer than five, its last six
 * "s:..." when longer than eight, the character 4-grams of "<w>" as
 * "c:..." (what is left of a word misspelt, typed without æøå, inflected or
 * inside a compound: the keys of "genoptraening" and "træningen" share
 * their grams from "trae" on), and with the word before it "b:prev_w".  Words over
 * MODEL_MAX_WORD bytes are skipped.  Each feature counts once per answer.
 *
 * File format (UTF-8 text, tab-separated, one record a line):
 *   koder-model  1
 *   codebook     ID
 *   categories   ID ID ...        the columns (codebook category ids)
 *   thresholds   R A N [O W [T [L [S]]]]  residual, add, no-answer;
 *                                optionally andet override and weak (0..1),
 *                                top (0..2), lean (0..10) and rescue (0..2;
 *                                see struct model_thresholds)
 *   bias         B B ...          one per column
 *   FEATURE      W W ...          one line per feature
 *
 * Ownership: model_load returns a model the caller frees with model_free.
 * A model keeps scratch space for model_score: one model per thread.  That
 * includes a bounded cache of each word's feature rows (at most 1.3 MB,
 * touched as words arrive), so scoring a stream stays flat in memory.
 */
#ifndef KODER_MODEL_H
#define KODER_MODEL_H

#include <stddef.h>

struct buf;
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
	double top;        /* an answer no pattern coded, and no category above
	                      `residual`, gets its likeliest category when the
	                      model is this sure of it and surer of it than of
	                      andet (> 1: never) */
	double lean;       /* `top` picks the likeliest category only when it is
	                      at least this many times as likely as andet */
	double rescue;     /* an answer the no-answer phrases took as no answer
	                      ("ikke noget", "ved ikke hvem jeg skal spørge")
	                      gets its likeliest category instead when the model
	                      is this sure of it and surer of it than of
	                      ingen_svar (> 1: never; model_rescue) */
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

/*
 * Call fn(ctx, f, n) for every feature of match key k[0..len) in order,
 * f[0..n) being its text with its two-byte prefix ("w:sager",
 * "b:for_mange"); f is the walker's scratch, valid during the call only.
 * A feature occurring twice is given twice.  Scoring and training both
 * walk features through here, so they cannot disagree.
 */
void model_each_feature(const char *k, size_t len,
	void (*fn)(void *ctx, const char *f, size_t n), void *ctx);

/*
 * What the model does to an answer after the patterns: `coded`[c] is 1 for
 * the categories the patterns gave it, `veto`[c] for those an exclude
 * forbade (may be NULL), p the model's probabilities (model_score: -1 for a
 * category without a column).  Writes add[c] = 1 for each category the
 * model adds (never ingen_svar, andet, a vetoed or a coded one: those above
 * `residual` on an uncoded answer, above `add` on a coded one, else on an
 * uncoded answer its likeliest category when above `top` and above andet's
 * probability times `lean`), and says
 * whether the answer keeps its codes (plus add), becomes andet instead
 * (MODEL_ANDET: the model is sure of andet and unsure of every coded
 * category), or is no answer (MODEL_NONSUB: nothing coded or added, and the
 * model is sure it is not an answer).  The one statement of these rules:
 * rules_match applies it and training chooses thresholds with it.
 */
enum model_verdict { MODEL_KEEP, MODEL_ANDET, MODEL_NONSUB };
enum model_verdict model_decide(const struct model_thresholds *th,
	const struct codebook *cb, const double *p, const unsigned char *coded,
	const unsigned char *veto, unsigned char *add);

/*
 * The category an answer the no-answer phrases took as no answer has
 * instead (th->rescue, on the model's probabilities p): its likeliest one,
 * never ingen_svar or andet, when at least th->rescue and above p of
 * ingen_svar; -1 when it stays no answer.  The one statement of the rule:
 * rules_match applies it and training chooses th->rescue with it.
 */
long model_rescue(const struct model_thresholds *th, const struct codebook *cb,
	const double *p);

/*
 * Append a model file (the format above) to `out`: columns col_cat[0..ncol)
 * (codebook category indexes), bias[ncol], feature names[nfeat] with their
 * weights w[f * ncol + c]; a feature whose every weight is below `prune` in
 * size is left out.  Weights are written with four decimals.  Returns 0 or
 * KERR_NOMEM.  Everything is borrowed.
 */
int model_format(const struct codebook *cb, const struct model_thresholds *th,
	const size_t *col_cat, size_t ncol, const double *bias, char *const *names,
	const double *w, size_t nfeat, double prune, struct buf *out);

#endif

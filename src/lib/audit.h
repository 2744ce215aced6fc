/*
 * audit.h - checking the engine on a simple random sample, and counts
 * corrected for its errors.
 *
 * An audit is a simple random sample (not stratified: every engine-coded
 * answer has the same chance) of the answers to one question that no coder
 * has decided, assigned to one coder like a double-coding sample and
 * recorded in the store's meta table under "audit:QUESTION" (coder, seed,
 * size, population, time), so tally can tell audit decisions from any other
 * review.  Once the coder has coded the sample, each category's sensitivity
 * (Se: of the answers the coder put in the category, the share the engine
 * put there too) and specificity (Sp: of those the coder left out, the share
 * the engine left out) are estimated from the engine's suggestion and the
 * coder's decision on the audited answers.  docs/audit.md explains how tally
 * --audit corrects the engine-coded counts with them (Rogan-Gladen) and the
 * assumptions.
 *
 * Uses the store only (no session): the sample is an ordinary assignment.
 * Ownership: nothing returned needs freeing except audit_est_release's.
 */
#ifndef KODER_AUDIT_H
#define KODER_AUDIT_H

#include <stddef.h>

struct store;
struct tally;
struct kerr;

/*
 * Draw `n` answers of `question` at random (seeded) among the non-blank
 * answers without a coder's decision, assign them to `coder` and record the
 * audit.  *drawn gets how many were assigned, *population how many answers
 * were eligible.  Returns 0, KERR_NOTFOUND (no eligible answer) or a store
 * error.
 */
int audit_draw(struct store *s, const char *question, const char *coder, size_t n,
	       unsigned long long seed, size_t *drawn, size_t *population, struct kerr *e);

/* Per category of a tally (nets included): the audit's 2x2 table, coder
 * (truth) by engine. */
struct audit_cat {
	size_t tp, fn, fp, tn;
};

struct audit_est {
	char coder[128];
	unsigned long long seed;
	size_t drawn, population;   /* as recorded */
	size_t audited;             /* sample answers the coder has decided (substantive) */
	size_t nonsubst;            /* decided ingen_svar: not in Se/Sp */
	struct audit_cat *cat;      /* t->ncats entries */
	size_t ncats;
};

/*
 * Read the audit of `question` (tally `t` gives the categories): the
 * coder's decisions on the sample against the engine's suggestions.
 * Returns 0, KERR_NOTFOUND when no audit was drawn, or a store error.
 * Release with audit_est_release.
 */
int audit_estimate(struct store *s, const char *question, const struct tally *t,
		   struct audit_est *out, struct kerr *e);
void audit_est_release(struct audit_est *a);

/* Se and Sp of category k (1 when nothing to estimate from). */
double audit_se(const struct audit_est *a, size_t k);
double audit_sp(const struct audit_est *a, size_t k);

/*
 * The corrected share of one cell: X of Y answers, of which n_e were coded
 * by the engine and x_e of those put in category k; the rest (X - x_e of
 * Y - n_e) were decided by coders and are taken as they are.  The engine's
 * part is corrected by Rogan-Gladen and its 95 % interval carries the
 * sampling error of the engine share and of Se and Sp (delta method, see
 * stats_rg_interval).  *publish is 1 when the uncorrected share's Wilson
 * interval covers the corrected share.
 */
void audit_correct(const struct audit_est *a, size_t k, size_t x, size_t y, size_t x_e,
		   size_t n_e, double *share, double *lo, double *hi, int *publish);

#endif

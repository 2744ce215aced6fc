/*
 * stats.h - the statistics a published share needs: a Wilson interval, the
 * exact tests that say whether two shares differ (Fisher for independent
 * groups, McNemar for the same respondents twice), p-value adjustment across
 * a table, and the Rogan-Gladen correction of a share counted by an
 * imperfect coder (the engine) with its interval.
 *
 * Why its own module: tally, the reports and the audit all need the same
 * formulas, and each is easy to get subtly wrong (R's two-sided Fisher p,
 * Holm's monotonicity).  Probability distributions come from GSL, never
 * hand-written series.
 *
 * Nothing here allocates except stats_adjust's scratch (freed before it
 * returns).
 */
#ifndef KODER_STATS_H
#define KODER_STATS_H

#include <stddef.h>

/* z for a two-sided 95 % interval. */
#define STATS_Z95 1.959963984540054

/*
 * Wilson score interval for x successes of n at the normal quantile z.
 * n = 0 gives [0, 1].
 */
void stats_wilson(size_t x, size_t n, double z, double *lo, double *hi);

/*
 * Two-sided p of Fisher's exact test on the 2x2 table [[a, b], [c, d]],
 * computed as R's fisher.test does: the sum of the probabilities of all
 * tables with the same margins that are no more likely than the observed
 * one (with R's relative tolerance 1e-7).
 */
double stats_fisher(size_t a, size_t b, size_t c, size_t d);

/*
 * Two-sided p of the exact McNemar test: of the n = b + c discordant pairs,
 * b went one way; p = min(1, 2 * P(Binom(n, 1/2) <= min(b, c))).
 */
double stats_mcnemar(size_t b, size_t c);

enum stats_adjust {
	STATS_ADJ_HOLM = 0,   /* Holm's step-down (controls the family-wise error) */
	STATS_ADJ_BH,         /* Benjamini-Hochberg (controls the false discovery rate) */
	STATS_ADJ_NONE
};

/* Parse "holm", "bh", "none".  Returns 0 or -1. */
int stats_adjust_parse(const char *s, enum stats_adjust *m);
const char *stats_adjust_name(enum stats_adjust m);

/*
 * Adjust p[0..n) in place as R's p.adjust does.  Returns 0, or -1 when out
 * of memory (p is then unchanged).
 */
int stats_adjust(double *p, size_t n, enum stats_adjust m);

/*
 * Rogan-Gladen: the true share from an observed share q given the coder's
 * sensitivity se and specificity sp: (q + sp - 1) / (se + sp - 1), clipped
 * to [0, 1].  When se + sp <= 1 the engine carries no information and the
 * result is q.
 */
double stats_rogan_gladen(double q, double se, double sp);

/*
 * A 95 % interval for the Rogan-Gladen share by the delta method, carrying
 * the sampling error of q (from n answers) and of se and sp (estimated from
 * n_pos and n_neg audited answers the coder found positive and negative).
 * The variances use the estimates shrunk towards 1/2 by the Agresti-Coull
 * "add two successes and two failures", so that a perfect audit (se = 1)
 * still has an error.  Clipped to [0, 1].
 */
void stats_rg_interval(double q, size_t n, double se, size_t n_pos, double sp, size_t n_neg,
		       double *lo, double *hi);

#endif

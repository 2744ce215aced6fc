/*
 * logreg.h - binary logistic regression over sparse 0/1 features, fitted
 * by liblinear (L2-regularised, primal trust-region Newton: solver L2R_LR).
 *
 * Why its own module: liblinear's header defines a `struct model` of its
 * own, which would clash with the learned word model (model.h), and
 * liblinear prints progress on stdout unless told not to; the library never
 * prints.  Only this file includes linear.h, and it silences liblinear once.
 *
 * The data: rows of feature indexes (0-based, each feature at most once a
 * row, ascending, value 1), in CSR form: the features of row i are
 * col[start[i] .. start[i+1]).  A bias term is fitted too.
 *
 * Ownership: logreg_fit writes into arrays the caller owns; it allocates
 * nothing that outlives the call.  Not thread-safe (liblinear's print hook
 * is global; set once).
 */
#ifndef KODER_LOGREG_H
#define KODER_LOGREG_H

#include <stddef.h>

struct kerr;

struct logreg_data {
	size_t nrows;
	size_t nfeat;             /* features are 0 .. nfeat-1 */
	const size_t *start;      /* [nrows + 1] */
	const unsigned *col;      /* [start[nrows]] */
};

/*
 * Fit P(y=1 | x) = 1 / (1 + exp(-(w.x + bias))) on the rows whose
 * use[i] is 1 (use NULL: every row), with labels y[i] (0 or 1) and inverse
 * regularisation strength C (liblinear's C; larger fits harder).  Writes
 * w[0..nfeat) and *bias.  When the used rows are all of one label, w is 0
 * and the bias gives that label a probability of 0.99 (or 0.01).  Returns 0,
 * or KERR_NOMEM / KERR_INVALID (no row used) with `e` saying so.
 */
int logreg_fit(const struct logreg_data *d, const unsigned char *y,
	const unsigned char *use, double C, double *w, double *bias, struct kerr *e);

/* logreg_fit with feature f's value scale[f] instead of 1 wherever it
 * occurs (scale NULL: 1); w is on the scaled features. */
int logreg_fit_scaled(const struct logreg_data *d, const unsigned char *y,
	const unsigned char *use, const double *scale, double C, double *w, double *bias,
	struct kerr *e);

/* The probability of y=1 for row i under (w, bias). */
double logreg_prob(const struct logreg_data *d, size_t i, const double *w, double bias);

#endif

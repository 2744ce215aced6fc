/*
 * agree.h - inter-coder agreement: percent agreement, Cohen's kappa and
 * Krippendorff's alpha, and the report `koder agree` prints from the store.
 *
 * Why: a share of answers is double-coded to show the coding is reliable,
 * and the engine is compared with each coder in the same way so the
 * codebook's weak categories show.  Each category is judged as its own
 * yes/no question (was the answer coded to it?); the whole code set is
 * judged too, as one nominal value per answer.
 *
 * Statistics (nominal data):
 *   percent  share of units on which two coders give the same value
 *   kappa    Cohen (1960): (p_o - p_e) / (1 - p_e), p_e from each coder's
 *            own marginals; NaN when p_e = 1 (both coders constant)
 *   alpha    Krippendorff (2011): 1 - D_o / D_e from the coincidence
 *            matrix over units with two or more values (missing allowed);
 *            NaN when there is no variation (D_e = 0) or no pairable unit
 *
 * Ownership: agree_compute returns a report the caller frees with
 * agree_free; every string in it is owned by the report.
 */
#ifndef KODER_AGREE_H
#define KODER_AGREE_H

#include <stddef.h>

struct codebook;
struct kerr;
struct store;

/* Values are small non-negative integers; AGREE_MISSING marks no value. */
#define AGREE_MISSING (-1)

double agree_percent(const int *a, const int *b, size_t n);
double agree_kappa(const int *a, const int *b, size_t n);
/* v[u * ncoders + c] is coder c's value for unit u (or AGREE_MISSING). */
double agree_alpha(const int *v, size_t nunits, size_t ncoders);

/* Two raters compared on the answers both coded. */
struct agree_pair {
	size_t a, b;             /* rater indexes; the engine is rater `ncoders` */
	size_t n;                /* answers both coded */
	double *percent, *kappa; /* [ncats] */
	double set_percent;      /* the whole code set equal */
	double set_kappa;        /* the code set as one nominal value */
};

struct agree_disagreement {
	char *respondent, *wave, *role;
	char *codes;             /* "anna: tid_sagsantal · bo: andet" */
	char *final;             /* an adjudicated final code, or NULL */
};

struct agree_report {
	char **raters;           /* coders sorted by name, then "engine" */
	size_t ncoders;          /* coders (the engine is raters[ncoders]) */
	size_t ncats;
	size_t units;            /* answers coded by two or more coders */
	size_t answers;          /* answers of the question */
	double *alpha;           /* [ncats] across all coders */
	size_t *alpha_units;     /* [ncats] units with two or more values */
	double set_alpha;
	struct agree_pair *pairs;    /* coder pairs, then engine vs each coder */
	size_t npairs;
	struct agree_disagreement *dis;
	size_t ndis;
};

/* Compute the report for `question` (categories of `cb`).  Adjudications
 * are not a coder's own coding and are left out of the statistics. */
int agree_compute(struct store *s, const char *question, const struct codebook *cb,
	struct agree_report **out, struct kerr *e);
void agree_free(struct agree_report *r);

#endif

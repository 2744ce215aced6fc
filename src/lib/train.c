/* train.c - fitting a codebook's learned word model and measuring it on
 * held-out folds (see train.h). */
#include "train.h"
#include "buf.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "gold.h"
#include "logreg.h"
#include "model.h"
#include "rules.h"
#include "strtab.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRAIN_MAX_FEATURES (1u << 24)   /* distinct features; more is not a survey */
#define TRAIN_MAX_ANSWERS ((size_t)1 << 32)
/* A word model learns from at most this many answers, a uniform sample of
 * all that are given: more add little to it and cost time and memory
 * (koder train on 100,000 answers must take seconds, in flat memory). */
#define TRAIN_SAMPLE 8000
/* Cross-validation (choosing C and the thresholds, and the held-out
 * figures) runs on at most this many of them: every shipped codebook's
 * and every newcomer study's answers, and a stable choice on more. */
#define TRAIN_CV_MAX 2500
/* Below this many answers, cross-validation runs TRAIN_REPEATS times on
 * differently shuffled folds and the thresholds are chosen on all of them:
 * on a newcomer's hundred answers one split decides by a handful of
 * answers whether the model may code the uncoded ones at all. */
#define TRAIN_REPEAT_BELOW 1000
#define TRAIN_REPEATS 3
/* Below this many answers, each include pattern's words are a row too
 * (seed_rows).  With thousands of coded answers the patterns' words are in
 * the answers already: the shipped models' held-out figures moved by noise
 * (-0.014 to +0.005), and a codebook's 700 patterns cost a tenth more time
 * on the 8,000 answers learned from. */
#define TRAIN_PATTERN_ROWS_BELOW 1000
/* Below this many answers the features are scaled by their naive Bayes
 * log-count ratios (nb_ratios), smoothed by TRAIN_NB_ALPHA (0.1, 0.25, 0.5,
 * 1 and 2 measured on the newcomer studies: 0.5 best).  With thousands of
 * coded answers the plain features do as well: retrained so, the shipped
 * models moved by -0.016 to +0.008 on their test and held-out answers
 * (sof-undtagelser lost on all four sets). */
#define TRAIN_NB_BELOW 1000
#define TRAIN_NB_ALPHA 0.5

struct train_set {
	struct engine *en;
	const struct codebook *cb;
	struct engine_answer ans;
	/* the sample learned from (train.h): text[slot], its length and the
	 * coder's codes sgold[slot * ncats] */
	char **text;
	size_t *tlen;
	unsigned char *sgold;
	size_t nseen, nsample, sample_cap;
	uint64_t rng;
	int featurized;
	/* feature text -> index; names[index] is the text, for the model file */
	struct strtab dict;
	char **names;
	size_t nnames, names_cap;
	/* the answers' features, CSR (logreg.h) */
	size_t *start;          /* [nrows + 1] */
	unsigned *col;
	size_t nrows, rows_cap, ncol, col_cap;
	/* per answer: [nrows * ncats] flags */
	unsigned char *coded;   /* the patterns' codes (not the residual andet) */
	unsigned char *veto;    /* categories an exclude forbade */
	unsigned char *gold;    /* the coder's codes */
	unsigned char *nonsub;  /* [nrows]: the patterns found no answer */
	unsigned char *scratch; /* [2 * ncats]: one answer's codes and the model's additions */
	unsigned *tmp;          /* one answer's feature indexes */
	size_t ntmp, tmp_cap;
	int err;                /* KERR_NOMEM / KERR_LIMIT from the feature walk */
};

int train_set_new(struct engine *en, struct train_set **out, struct kerr *e)
{
	struct train_set *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s || strtab_init(&s->dict, 1 << 16) || !(s->start = calloc(1, sizeof *s->start))
	    || !(s->scratch = malloc(2 * engine_codebook(en)->ncats + 2))) {
		if (s) {
			strtab_release(&s->dict);
			free(s->start);
		}
		free(s);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	s->en = en;
	s->cb = engine_codebook(en);
	s->rng = 0x9e3779b97f4a7c15u;
	engine_answer_init(&s->ans);
	*out = s;
	return 0;
}

void train_set_free(struct train_set *s)
{
	size_t i;

	if (!s)
		return;
	engine_answer_release(&s->ans);
	strtab_release(&s->dict);
	for (i = 0; i < s->nsample; i++)
		free(s->text[i]);
	free(s->text);
	free(s->tlen);
	free(s->sgold);
	for (i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->start);
	free(s->col);
	free(s->coded);
	free(s->veto);
	free(s->gold);
	free(s->nonsub);
	free(s->tmp);
	free(s->scratch);
	free(s);
}

size_t train_set_count(const struct train_set *s)
{
	return s->nseen;
}

/* Grow *p (of *cap elements of size sz) to hold need; 0 or -1. */
static int grow(void *p, size_t *cap, size_t need, size_t sz)
{
	void *np;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	if (!(np = realloc(*(void **)p, nc * sz)))
		return -1;
	*(void **)p = np;
	*cap = nc;
	return 0;
}

/* model_each_feature's callback: the feature's index, new ones named. */
static void take_feature(void *ctx, const char *f, size_t n)
{
	struct train_set *s = ctx;
	uint32_t idx;

	if (s->err)
		return;
	if (!strtab_get(&s->dict, f, n, &idx)) {
		char *name;

		if (s->nnames >= TRAIN_MAX_FEATURES) {
			s->err = KERR_LIMIT;
			return;
		}
		idx = (uint32_t)s->nnames;
		if (grow(&s->names, &s->names_cap, s->nnames + 1, sizeof *s->names)
		    || !(name = malloc(n + 1)) || strtab_put(&s->dict, f, n, idx, 0)) {
			s->err = KERR_NOMEM;
			return;
		}
		memcpy(name, f, n);
		name[n] = '\0';
		s->names[s->nnames++] = name;
	}
	if (grow(&s->tmp, &s->tmp_cap, s->ntmp + 1, sizeof *s->tmp)) {
		s->err = KERR_NOMEM;
		return;
	}
	s->tmp[s->ntmp++] = idx;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Code text[0..len) with the patterns and add its features as the next
 * row, with the coder's codes gold[ncats]. */
static int featurize(struct train_set *s, const char *text, size_t len,
		     const unsigned char *gold, struct kerr *e)
{
	const struct codebook *cb = s->cb;
	size_t k = cb->ncats, i, row = s->nrows, n;
	const struct rules_result *res = &s->ans.res;
	int rc;

	if (grow(&s->start, &s->rows_cap, row + 2, sizeof *s->start)) {
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	/* the flag arrays grow with rows_cap */
	{
		size_t cap = s->rows_cap;
		unsigned char *c1 = realloc(s->coded, cap * k + 1), *c2, *c3, *c4;

		if (c1)
			s->coded = c1;
		c2 = realloc(s->veto, cap * k + 1);
		if (c2)
			s->veto = c2;
		c3 = realloc(s->gold, cap * k + 1);
		if (c3)
			s->gold = c3;
		c4 = realloc(s->nonsub, cap + 1);
		if (c4)
			s->nonsub = c4;
		if (!c1 || !c2 || !c3 || !c4)
			return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	memcpy(s->gold + row * k, gold, k);
	if ((rc = engine_code(s->en, text, len, &s->ans, e)))
		return rc;
	memset(s->coded + row * k, 0, k);
	memset(s->veto + row * k, 0, k);
	s->nonsub[row] = (unsigned char)res->nonsubstantive;
	for (i = 0; i < res->ncats; i++)
		if (!(res->residual && (long)res->cats[i] == cb->andet))
			s->coded[row * k + res->cats[i]] = 1;
	for (i = 0; i < k; i++)
		s->veto[row * k + i] = (unsigned char)rules_vetoed(engine_rules(s->en), i);
	s->ntmp = 0;
	model_each_feature(s->ans.n.key.data, s->ans.n.key.len, take_feature, s);
	if (s->err == KERR_LIMIT)
		return kerr_set(e, KERR_LIMIT, "more than %u distinct words and phrases to learn "
				"from", TRAIN_MAX_FEATURES);
	if (s->err)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	qsort(s->tmp, s->ntmp, sizeof *s->tmp, cmp_unsigned);
	for (i = 0, n = 0; i < s->ntmp; i++)
		if (!n || s->tmp[i] != s->tmp[n - 1])
			s->tmp[n++] = s->tmp[i];
	if (grow(&s->col, &s->col_cap, s->ncol + n, sizeof *s->col))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	memcpy(s->col + s->ncol, s->tmp, n * sizeof *s->tmp);
	s->ncol += n;
	s->start[row + 1] = s->ncol;
	s->nrows++;
	return 0;
}

/* The next number of the set's seeded stream (xorshift64). */
static uint64_t next_random(struct train_set *s)
{
	uint64_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

int train_set_add(struct train_set *s, const char *text, size_t len, const char *codes,
		  struct kerr *e)
{
	size_t k = s->cb->ncats, i, slot;
	unsigned char *g = s->scratch;
	char *copy;
	int rc;

	for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'
				|| text[i] == '\n'); i++)
		;
	if (i == len)
		return 0;
	/* every answer's codes are checked, sampled or not */
	memset(g, 0, k);
	if ((rc = gold_parse_codes(s->cb, codes ? codes : "", g, e)))
		return rc;
	if (s->nseen >= TRAIN_MAX_ANSWERS)
		return kerr_set(e, KERR_LIMIT, "more than %zu answers to train on", TRAIN_MAX_ANSWERS);
	/* reservoir sampling: the first TRAIN_SAMPLE answers, then each later
	 * one replaces a random one with the chance TRAIN_SAMPLE / seen, so
	 * the sample is a uniform one of every answer, in flat memory */
	s->nseen++;
	if (s->nsample < TRAIN_SAMPLE) {
		slot = s->nsample;
	} else {
		slot = (size_t)(next_random(s) % s->nseen);
		if (slot >= TRAIN_SAMPLE)
			return 0;
	}
	if (slot == s->nsample) {
		if (grow(&s->text, &s->sample_cap, slot + 1, sizeof *s->text))
			return kerr_set(e, KERR_NOMEM, "out of memory");
		{
			size_t *nl = realloc(s->tlen, s->sample_cap * sizeof *nl);
			unsigned char *ng;

			if (nl)
				s->tlen = nl;
			ng = realloc(s->sgold, s->sample_cap * k + 1);
			if (ng)
				s->sgold = ng;
			if (!nl || !ng)
				return kerr_set(e, KERR_NOMEM, "out of memory");
		}
	}
	if (!(copy = malloc(len + 1)))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (slot == s->nsample)
		s->nsample++;
	else
		free(s->text[slot]);
	s->text[slot] = copy;
	s->tlen[slot] = len;
	memcpy(s->sgold + slot * k, g, k);
	return 0;
}

/* Open a CSV and find its columns; on failure the problem is in errs. */
int train_set_add_gold(void *set, const char *id, const char *text, size_t len,
		       const char *codes, struct kerr *e)
{
	(void)id;
	return train_set_add(set, text, len, codes, e);
}

/* 1 when b[0..n) holds a letter or digit: a row without one would teach
 * a category's bias, not its words. */
static int has_word(const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)b[i] >= 0x80 || (b[i] >= 'a' && b[i] <= 'z')
		    || (b[i] >= 'A' && b[i] <= 'Z') || (b[i] >= '0' && b[i] <= '9'))
			return 1;
	return 0;
}

/*
 * The words of include pattern `pat` as plain text appended to `out`: the
 * pattern language's operators (`*`, `( | )?`, `#`, NEAR/N, BEFORE/N,
 * `noneg:`) become spaces, so "savn* BEFORE/4 (kolleg*|det sociale)" reads
 * "savn kolleg det sociale"; the model's features of that text are the
 * grams and words an answer of the category shares with it even where the
 * pattern does not match ("savnet", "kollegaerne").  A raw `re:`
 * expression has no words to give; `when WORDS re:...` gives its WORDS.
 * Returns 0 or KERR_NOMEM.
 */
static int pattern_words(const char *pat, struct buf *out)
{
	const char *re = strstr(pat, "re:"), *end = pat + strlen(pat), *q;

	if (re && (re == pat || re[-1] == ' '))
		end = re;   /* the expression itself, or after `when WORDS` */
	if (!strncmp(pat, "when ", 5))
		pat += 5;
	if (!strncmp(pat, "noneg:", 6))
		pat += 6;
	for (q = pat; q < end; q++) {
		size_t n = 0;

		if (!strncmp(q, "BEFORE", 6))
			n = 6;
		else if (!strncmp(q, "NEAR", 4))
			n = 4;
		if (n) {   /* the operator and its /N */
			q += n;
			if (q < end && *q == '/')
				for (q++; q < end && *q >= '0' && *q <= '9'; q++)
					;
			q--;
			if (buf_add(out, " ", 1))
				return KERR_NOMEM;
			continue;
		}
		if (buf_add(out, strchr("*()|?#", *q) ? " " : q, 1))
			return KERR_NOMEM;
	}
	return 0;
}

/*
 * The codebook's own words as answers coded with their category: each
 * example, each include pattern's words (pattern_words), and the label
 * with the description.  They are what the newcomer wrote down before any
 * answer was coded, and with a hundred coded answers a category has a
 * dozen: these add its vocabulary where the coders' answers have not yet
 * shown it ("privatliv" in the label of fleksibilitet; one row a pattern,
 * below TRAIN_PATTERN_ROWS_BELOW answers, gave the three newcomer studies
 * 0.01 to 0.03 more macro-F1 than one row of all of them, or none).
 * They are rows after the sample's: every fit learns from them, no
 * held-out figure counts them.
 */
static int seed_rows(struct train_set *s, struct kerr *e)
{
	const struct codebook *cb = s->cb;
	size_t k = cb->ncats, c, j;
	unsigned char *g = s->scratch;
	struct buf t = BUF_INIT;
	int rc = 0;

	for (c = 0; !rc && c < k; c++) {
		const struct codebook_category *cat = &cb->cats[c];

		if ((long)c == cb->andet)
			continue;
		memset(g, 0, k);
		g[c] = 1;
		for (j = 0; !rc && j < cat->nexamples; j++)
			rc = featurize(s, cat->examples[j], strlen(cat->examples[j]), g, e);
		if (rc || (long)c == cb->ingen_svar)
			continue;
		for (j = 0; !rc && s->nsample < TRAIN_PATTERN_ROWS_BELOW && j < cat->ninclude; j++) {
			t.len = 0;
			if (pattern_words(cat->include[j], &t))
				rc = kerr_set(e, KERR_NOMEM, "out of memory");
			else if (has_word(t.data, t.len))
				rc = featurize(s, t.data, t.len, g, e);
		}
		if (rc)
			continue;
		t.len = 0;
		if (buf_addf(&t, "%s. %s", cat->label ? cat->label : "",
			     cat->description ? cat->description : ""))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		else
			rc = featurize(s, t.data, t.len, g, e);
	}
	buf_release(&t);
	return rc;
}

/* ---- scoring --------------------------------------------------------- */

/* The codes of answer i: the patterns' alone (p NULL) or with the model's
 * probabilities p[ncats] under thresholds th.  Writes out[ncats]. */
static void final_codes(const struct train_set *s, size_t i, const double *p,
			const struct model_thresholds *th, unsigned char *out, unsigned char *add)
{
	const struct codebook *cb = s->cb;
	size_t k = cb->ncats, c, n = 0;
	const unsigned char *coded = s->coded + i * k;

	memset(out, 0, k);
	if (s->nonsub[i]) {
		long r = p ? model_rescue(th, cb, p) : -1;

		out[r >= 0 ? (size_t)r : (size_t)cb->ingen_svar] = 1;
		return;
	}
	if (p) {
		enum model_verdict v = model_decide(th, cb, p, coded, s->veto + i * k, add);

		if (v == MODEL_ANDET) {
			out[cb->andet] = 1;
			return;
		}
		if (v == MODEL_NONSUB) {
			out[cb->ingen_svar] = 1;
			return;
		}
		for (c = 0; c < k; c++)
			n += (out[c] = coded[c] | add[c]) != 0;
	} else {
		for (c = 0; c < k; c++)
			n += (out[c] = coded[c]) != 0;
	}
	if (!n && cb->andet >= 0)
		out[cb->andet] = 1;
}

/* Count the codes of every answer `in` marks against the gold, in each of
 * `reps` cross-validations (prob holds reps blocks of nrows * ncats; the
 * counts are their sums); returns macro-F1 of the summed counts. */
static double score(const struct train_set *s, const unsigned char *in, const double *prob,
		    size_t reps, const struct model_thresholds *th, struct train_counts *counts)
{
	size_t k = s->cb->ncats, i, c, r, used = 0;
	unsigned char *out = s->scratch, *add = s->scratch + k;
	double sum = 0;

	memset(counts, 0, k * sizeof *counts);
	for (r = 0; r < reps; r++)
	for (i = 0; i < s->nrows; i++) {
		const unsigned char *g = s->gold + i * k;

		if (!in[i])
			continue;
		final_codes(s, i, prob ? prob + (r * s->nrows + i) * k : NULL, th, out, add);
		for (c = 0; c < k; c++) {
			counts[c].tp += out[c] && g[c];
			counts[c].fp += out[c] && !g[c];
			counts[c].fn += !out[c] && g[c];
		}
	}
	for (c = 0; c < k; c++) {
		const struct train_counts *t = &counts[c];

		if (!t->tp && !t->fp && !t->fn)
			continue;
		used++;
		sum += t->tp ? 2.0 * t->tp / (2.0 * t->tp + t->fp + t->fn) : 0;
	}
	return used ? sum / used : 0;
}

/* ---- fitting --------------------------------------------------------- */

struct fitter {
	struct train_set *s;
	struct logreg_data d;
	size_t *cols;           /* column -> category */
	size_t ncols;
	unsigned char *y;       /* [nrows] */
	double *w;              /* [nfeat] */
	double *r;              /* [nfeat]: one column's log-count ratios (nb_ratios) */
	double *npos, *nneg;    /* [nfeat]: nb_ratios' counts */
};

/*
 * r[f] for label y on the rows `use` marks (NULL: every row): the log of
 * how much likelier feature f is in a row of the category than in one
 * outside it, each side's counts smoothed by TRAIN_NB_ALPHA (Wang and
 * Manning's NBSVM).  fit_columns fits the regression on features of value
 * r[f] instead of 1: a word that only the category's answers use starts
 * out weighty, and with a dozen answers a category the regularisation no
 * longer flattens it to the level of words every category uses.  On the
 * three newcomer studies, over four splits into halves: aktivering 0.794
 * -> 0.792, samarbejde 0.811 -> 0.821, hjemmearbejde 0.669 -> 0.699.
 */
static void nb_ratios(struct fitter *f, const unsigned char *y, const unsigned char *use)
{
	const struct logreg_data *d = &f->d;
	size_t i, j, F = d->nfeat;
	double P = TRAIN_NB_ALPHA * (double)F, Q = P;

	memset(f->npos, 0, F * sizeof *f->npos);
	memset(f->nneg, 0, F * sizeof *f->nneg);
	for (i = 0; i < d->nrows; i++) {
		double *t = y[i] ? f->npos : f->nneg;

		if (use && !use[i])
			continue;
		for (j = d->start[i]; j < d->start[i + 1]; j++)
			t[d->col[j]] += 1;
		*(y[i] ? &P : &Q) += (double)(d->start[i + 1] - d->start[i]);
	}
	for (j = 0; j < F; j++)
		f->r[j] = log((f->npos[j] + TRAIN_NB_ALPHA) / P)
			  - log((f->nneg[j] + TRAIN_NB_ALPHA) / Q);
}

/* Fit every column on the rows `use` marks; prob[i * ncats + cat] for the
 * rows `score_rows` marks (NULL: none), weights into W[f * ncols + c] when
 * W is not NULL, biases into B[ncols]. */
static int fit_columns(struct fitter *f, const unsigned char *use, const unsigned char *score_rows,
		       double C, double *prob, double *W, double *B, struct kerr *e)
{
	struct train_set *s = f->s;
	size_t k = s->cb->ncats, c, i;
	int rc;

	for (c = 0; c < f->ncols; c++) {
		size_t cat = f->cols[c];
		double bias;

		for (i = 0; i < s->nrows; i++)
			f->y[i] = s->gold[i * k + cat];
		/* fitted on the scaled features; w[f] * r[f] is the weight of
		 * the feature's presence, what the model file holds */
		if (s->nsample < TRAIN_NB_BELOW)
			nb_ratios(f, f->y, use);
		if ((rc = logreg_fit_scaled(&f->d, f->y, use,
					    s->nsample < TRAIN_NB_BELOW ? f->r : NULL, C, f->w,
					    &bias, e)))
			return rc;
		for (i = 0; s->nsample < TRAIN_NB_BELOW && i < f->d.nfeat; i++)
			f->w[i] *= f->r[i];
		for (i = 0; score_rows && i < s->nrows; i++)
			if (score_rows[i])
				prob[i * k + cat] = logreg_prob(&f->d, i, f->w, bias);
		if (W)
			for (i = 0; i < f->d.nfeat; i++)
				W[i * f->ncols + c] = f->w[i];
		if (B)
			B[c] = bias;
	}
	return 0;
}

/* Held-out probabilities of every answer `in` marks, each from a model
 * fitted on the other folds (of those answers). */
static int cross_probs(struct fitter *f, const unsigned char *in, const unsigned *fold,
		       size_t folds, double C, double *prob, unsigned char *use, unsigned char *held,
		       struct kerr *e)
{
	size_t i, k, n = f->s->nrows;
	int rc;

	for (i = 0; i < n * f->s->cb->ncats; i++)
		prob[i] = -1;
	for (k = 0; k < folds; k++) {
		for (i = 0; i < n; i++) {
			/* the codebook's rows (after the sample's) in every fit */
			use[i] = (in[i] && fold[i] != k) || i >= f->s->nsample;
			held[i] = in[i] && fold[i] == k;
		}
		if ((rc = fit_columns(f, use, held, C, prob, NULL, NULL, e)))
			return rc;
	}
	return 0;
}

/* Coordinate search over the eight thresholds: each in turn takes the value
 * of its grid that scores best with the others held, until nothing moves. */
static double choose_thresholds(const struct train_set *s, const unsigned char *in,
				const double *prob, size_t reps, struct model_thresholds *th,
				struct train_counts *counts)
{
	static const double grid[8][16] = {
		{ 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, -1 },
		{ 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1, -1 },
		{ 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, -1 },
		{ 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, -1 },
		{ 0.1, 0.2, 0.3, 0.4, 0.5, -1 },
		{ 0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 2, -1 },
		{ 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, -1 },
		{ 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 2, -1 },
	};
	double *v[8] = { &th->residual, &th->add, &th->nonsub, &th->andet, &th->weak, &th->top,
			 &th->lean, &th->rescue };
	double best = score(s, in, prob, reps, th, counts);
	int round, moved = 1;
	size_t p, g;

	for (round = 0; round < 4 && moved; round++) {
		moved = 0;
		for (p = 0; p < 8; p++) {
			double keep = *v[p], at = keep;

			for (g = 0; grid[p][g] >= 0; g++) {
				double m;

				*v[p] = grid[p][g];
				m = score(s, in, prob, reps, th, counts);
				if (m > best + 1e-12) {
					best = m;
					at = grid[p][g];
				}
			}
			*v[p] = at;
			moved |= at != keep;
		}
	}
	return score(s, in, prob, reps, th, counts);
}

int train_fit(struct train_set *s, const struct train_opts *opts, struct train_report *rep,
	      struct buf *model, struct kerr *e)
{
	static const double Cs[] = { 0.3, 1, 3, 10, 30 };
	const struct codebook *cb = s->cb;
	size_t k = cb->ncats, n, N, folds, i, c, r, reps, st;
	struct fitter f;
	struct model_thresholds th = { 0.45, 0.95, 0.6, 0.6, 0.3, 2, 1, 2 }, best_th = th;
	double *prob = NULL, *W = NULL, *B = NULL, prune, best = -1;
	unsigned *fold = NULL;
	size_t *perm = NULL;
	unsigned char *use = NULL, *held = NULL, *in = NULL;
	struct train_counts *tmp = NULL;
	uint64_t x;
	int rc = 0;

	memset(rep, 0, sizeof *rep);
	memset(&f, 0, sizeof f);
	/* the sample's answers, coded by the patterns, as rows of features;
	 * then the codebook's own words (seed_rows) */
	for (i = 0; !s->featurized && i < s->nsample; i++)
		if ((rc = featurize(s, s->text[i], s->tlen[i], s->sgold + i * k, e)))
			return rc;
	if (!s->featurized && (rc = seed_rows(s, e)))
		return rc;
	s->featurized = 1;
	n = s->nsample;
	N = s->nrows;   /* with the codebook's own rows after the sample's */
	folds = opts && opts->folds ? opts->folds : 5;
	prune = opts && opts->prune > 0 ? opts->prune : 0.02;
	if (folds < 2)
		return kerr_set(e, KERR_INVALID, "%zu folds are too few: at least 2", folds);
	/* the data, not the command line: exit 4, not 2 */
	if (n < folds)
		return kerr_set(e, KERR_SCHEMA, "%zu coded answers are too few to train on in %zu "
				"folds: code more answers first", n, folds);
	rep->nanswers = n;
	rep->nseen = s->nseen;
	rep->nfeatures = s->nnames;
	rep->folds = folds;
	rep->ncats = k;
	f.s = s;
	f.d.nrows = N;
	f.d.nfeat = s->nnames;
	f.d.start = s->start;
	f.d.col = s->col;
	f.cols = malloc((k + 1) * sizeof *f.cols);
	f.y = malloc(N + 1);
	f.w = malloc((s->nnames + 1) * sizeof *f.w);
	f.r = malloc((s->nnames + 1) * sizeof *f.r);
	f.npos = malloc((s->nnames + 1) * sizeof *f.npos);
	f.nneg = malloc((s->nnames + 1) * sizeof *f.nneg);
	prob = malloc((TRAIN_REPEATS * N * k + 1) * sizeof *prob);
	fold = malloc((TRAIN_REPEATS * N + 1) * sizeof *fold);
	perm = malloc((n + 1) * sizeof *perm);
	use = malloc(N + 1);
	held = malloc(N + 1);
	in = malloc(N + 1);
	tmp = calloc(k + 1, sizeof *tmp);
	rep->patterns = calloc(k + 1, sizeof *rep->patterns);
	rep->model = calloc(k + 1, sizeof *rep->model);
	if (!f.cols || !f.y || !f.w || !f.r || !f.npos || !f.nneg || !prob || !fold || !perm || !use || !held || !in || !tmp
	    || !rep->patterns || !rep->model) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	/* the columns, in the order the shipped models have them */
	for (c = 0; c < k; c++)
		if ((long)c != cb->andet && (long)c != cb->ingen_svar)
			f.cols[f.ncols++] = c;
	f.cols[f.ncols++] = (size_t)cb->ingen_svar;
	if (cb->andet >= 0)
		f.cols[f.ncols++] = (size_t)cb->andet;
	/* folds: a seeded shuffle (xorshift) of the answers dealt round-robin,
	 * so each fold gets n/K answers whatever order they came in; with few
	 * answers, `reps` such shuffles (thresholds chosen on one split of a
	 * hundred answers swing from one seed to the next) */
	reps = n < TRAIN_REPEAT_BELOW ? TRAIN_REPEATS : 1;
	x = (opts ? opts->seed : 0) * 2654435761u + 0x9e3779b97f4a7c15u;
	for (r = 0; r < reps; r++) {
		unsigned *fr = fold + r * N;

		for (i = 0; i < n; i++)
			perm[i] = i;
		for (i = n; i > 1; i--) {
			size_t j, t;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = (size_t)(x % i);
			t = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = t;
		}
		for (i = 0; i < n; i++) {
			fr[perm[i]] = (unsigned)(i % folds);
			if (!r)   /* a random TRAIN_CV_MAX of them */
				in[perm[i]] = i < TRAIN_CV_MAX;
		}
		for (i = n; i < N; i++)   /* the codebook's rows: never held out */
			fr[i] = (unsigned)folds;
	}
	for (i = n; i < N; i++)
		in[i] = 0;
	rep->ncv = n < TRAIN_CV_MAX ? n : TRAIN_CV_MAX;
	rep->reps = reps;
	rep->macro_patterns = score(s, in, NULL, reps, NULL, rep->patterns);
	for (i = 0; i < sizeof Cs / sizeof *Cs; i++) {
		double C = opts && opts->C > 0 ? opts->C : Cs[i], m;

		for (r = 0; r < reps; r++)
			if ((rc = cross_probs(&f, in, fold + r * N, folds, C, prob + r * N * k, use,
					      held, e)))
				goto out;
		/* two starts: the model codes only what it is sure of, or every
		 * uncoded answer its likeliest category; the search from one
		 * seldom crosses to the other */
		for (st = 0; st < 2; st++) {
			th = (struct model_thresholds){ 0.45, 0.95, 0.6, 0.6, 0.3, st ? 0 : 2, 1, 2 };
			m = choose_thresholds(s, in, prob, reps, &th, tmp);
			if (m > best + 1e-12) {
				best = m;
				best_th = th;
				rep->C = C;
				memcpy(rep->model, tmp, k * sizeof *tmp);
			}
		}
		if (opts && opts->C > 0)
			break;
	}
	rep->macro_model = best;
	rep->th[0] = best_th.residual;
	rep->th[1] = best_th.add;
	rep->th[2] = best_th.nonsub;
	rep->th[3] = best_th.andet;
	rep->th[4] = best_th.weak;
	rep->th[5] = best_th.top;
	rep->th[6] = best_th.lean;
	rep->th[7] = best_th.rescue;
	rep->refused = rep->macro_model < rep->macro_patterns;
	if (rep->refused || !model)
		goto out;
	W = malloc((s->nnames * f.ncols + 1) * sizeof *W);
	B = malloc((f.ncols + 1) * sizeof *B);
	if (!W || !B) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = fit_columns(&f, NULL, NULL, rep->C, NULL, W, B, e)))
		goto out;
	{
		size_t before = model->len, lines = 0;

		if (model_format(cb, &best_th, f.cols, f.ncols, B, s->names, W, s->nnames, prune,
				 model)) {
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
			goto out;
		}
		for (i = before; i < model->len; i++)
			lines += model->data[i] == '\n';
		rep->nwritten = lines > 5 ? lines - 5 : 0;
	}
out:
	free(f.cols);
	free(f.y);
	free(f.w);
	free(f.r);
	free(f.npos);
	free(f.nneg);
	free(prob);
	free(fold);
	free(perm);
	free(use);
	free(held);
	free(in);
	free(tmp);
	free(W);
	free(B);
	return rc;
}

void train_report_release(struct train_report *rep)
{
	free(rep->patterns);
	free(rep->model);
	memset(rep, 0, sizeof *rep);
}

/* model.c - reading a codebook's learned word model and scoring answers with
 * it (see model.h for the features and the file format). */
#include "model.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "infile.h"
#include "strtab.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MODEL_MAX_BYTES ((size_t)64 << 20)   /* a model file larger than this is not one */

/*
 * model_score's cache of a word's own features (w:, p:, s: and the
 * character grams) as the rows they hit, in feature order.  A word gives
 * up to 3 + n - 1 features, each a hash and a probe of the feature table
 * (a cache miss: the table is larger than the CPU's caches); the words of
 * answers repeat massively, so the rows of a word seen before are one probe
 * away.  A word's record is one run of the arena: its length and row
 * count, its rows, its text (compared in full: the cache never guesses).
 * Bounded: when full it is emptied and refills with the words still in use.
 * Only the rows that exist are kept, in the order the features come, so the
 * sums come out bit for bit as without the cache.
 */
#define WC_WORDS 16384                       /* distinct words remembered */
#define WC_SLOTS (2 * WC_WORDS)              /* power of two */
#define WC_ARENA (WC_WORDS * 16)             /* uint32s of all records */
/* the largest record: header, n + 2 rows, the text in uint32s */
#define WC_RECORD (1 + MODEL_MAX_WORD + 2 + (MODEL_MAX_WORD + 3) / 4)

struct word_cache {
	uint64_t *slot;           /* [WC_SLOTS]: hash << 32 | record + 1; 0 = empty */
	uint32_t *arena;          /* [WC_ARENA]; NULL: score without a cache */
	size_t nwords, used;
};

/* Bits of a filter over the features' hashes (two a feature): most words
 * pairs and many grams of an answer are not features, and the filter, a
 * fraction of the table's size, answers "not there" without probing it. */
#define FILTER_BITS ((size_t)1 << 18)

struct model {
	size_t ncb;               /* categories in the codebook */
	size_t ncol;              /* columns of the model */
	size_t *col_cat;          /* [ncol]: codebook category of each column */
	float *bias;              /* [ncol] */
	float *w;                 /* [nfeat * ncol] */
	size_t nfeat;
	/* feature -> row: open addressing on a 64-bit hash of the feature's
	 * text (a table of numbers is a fraction of one of strings, and it is
	 * probed some hundred times an answer) */
	uint64_t *hkey;           /* [hcap]: hash, 0 = empty slot */
	uint32_t *hrow;           /* [hcap] */
	size_t hmask;
	struct model_thresholds th;
	/* scratch for model_score */
	unsigned char *seen;      /* [nfeat]: == stamp when counted in this answer
	                             (a byte: the array stays in the CPU's cache) */
	unsigned char stamp;
	double *z;                /* [ncol] */
	struct word_cache wc;
	uint64_t *filter;         /* [FILTER_BITS / 64] */
};

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->col_cat);
	free(m->bias);
	free(m->w);
	free(m->seen);
	free(m->z);
	free(m->hkey);
	free(m->hrow);
	free(m->wc.slot);
	free(m->wc.arena);
	free(m->filter);
	free(m);
}

const struct model_thresholds *model_thresholds(const struct model *m)
{
	return &m->th;
}

/* strtab's hash of b[0..n) (the table is built in the same process, so
 * byte order does not matter); never 0, which marks an empty slot. */
static uint64_t hash_bytes(const char *b, size_t n)
{
	uint64_t h = strtab_hash(b, n);

	return h ? h : 1;
}

/* The filter's two bits for hash h (high bits: the low ones pick the slot). */
#define FILTER_A(h) ((size_t)((h) >> 20) & (FILTER_BITS - 1))
#define FILTER_B(h) ((size_t)((h) >> 42) & (FILTER_BITS - 1))

static int filter_has(const uint64_t *f, size_t bit)
{
	return (int)(f[bit / 64] >> (bit % 64)) & 1;
}

/* The row of the feature with hash h, or -1. */
static long feature_row(const struct model *m, uint64_t h)
{
	size_t i = (size_t)h & m->hmask;

	if (!filter_has(m->filter, FILTER_A(h)) || !filter_has(m->filter, FILTER_B(h)))
		return -1;

	for (; m->hkey[i]; i = (i + 1) & m->hmask)
		if (m->hkey[i] == h)
			return (long)m->hrow[i];
	return -1;
}

/* Index every feature line's text (kept in text, in file order). */
static int index_features(struct model *m, char *const *names)
{
	size_t cap = 16, i;

	while (cap < 2 * m->nfeat + 2)
		cap *= 2;
	m->hkey = calloc(cap, sizeof *m->hkey);
	m->hrow = calloc(cap, sizeof *m->hrow);
	m->filter = calloc(FILTER_BITS / 64, sizeof *m->filter);
	if (!m->hkey || !m->hrow || !m->filter)
		return KERR_NOMEM;
	m->hmask = cap - 1;
	for (i = 0; i < m->nfeat; i++) {
		uint64_t h = hash_bytes(names[i], strlen(names[i]));
		size_t j = (size_t)h & m->hmask;

		while (m->hkey[j] && m->hkey[j] != h)
			j = (j + 1) & m->hmask;
		m->hkey[j] = h;    /* a repeated feature: its last line wins */
		m->hrow[j] = (uint32_t)i;
		m->filter[FILTER_A(h) / 64] |= (uint64_t)1 << (FILTER_A(h) % 64);
		m->filter[FILTER_B(h) / 64] |= (uint64_t)1 << (FILTER_B(h) % 64);
	}
	return 0;
}

/* The tab-separated fields of one line (modified in place); at most max. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *t = strchr(line, '\t');

		f[n++] = line;
		if (!t)
			break;
		*t = '\0';
		line = t + 1;
	}
	return n;
}

/*
 * A weight as model_format writes it, "-0.1234": digits, a point, at most
 * 15 digits in all, into *d; 0 when the text is of another shape.  The
 * digits as an integer (exact below 2^53) divided by a power of ten (exact
 * up to 10^22) is one IEEE division of exact values, so *d is the correctly
 * rounded value, as strtod's is: the same double, at a tenth of the cost
 * (a shipped model has some 180,000 weights, read at every start).
 */
static int plain_decimal(const char *s, double *d)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
					1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	uint64_t v = 0;
	int neg = *s == '-', digits = 0, decimals = -1;

	for (s += neg; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 15)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
		decimals += decimals >= 0;
	}
	if (!digits)
		return 0;
	*d = (double)v / pow10[decimals < 0 ? 0 : decimals];
	if (neg)
		*d = -*d;
	return 1;
}

/* Parse n numbers f[0..n) into out; 0 or -1 when one is not a number. */
static int parse_floats(char **f, size_t n, float *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *end;
		double d;

		if (!plain_decimal(f[i], &d)) {
			errno = 0;
			d = strtod(f[i], &end);
			if (end == f[i] || *end || errno || !isfinite(d))
				return -1;
		}
		if (fabs(d) > 1e6)
			return -1;
		out[i] = (float)d;
	}
	return 0;
}

struct reader {
	const char *path;
	struct kerr *e;
	long line;
};

static int bad(struct reader *rd, enum kerr_code code, const char *what)
{
	kerr_set(rd->e, code, "%s; retrain the model with 'koder train', or "
		 "remove \"model\" from the codebook", what);
	kerr_at(rd->e, rd->path, rd->line, 0);
	return code;
}

/* The header lines, in order; fills the columns and thresholds. */
static int read_header(struct reader *rd, struct model *m, const struct codebook *cb,
		       char **f, size_t nf, int which)
{
	static const char *const key[] = { "koder-model", "codebook", "categories",
					   "thresholds", "bias" };
	char msg[160];
	size_t i;

	if (strcmp(f[0], key[which])) {
		snprintf(msg, sizeof msg, "expected a \"%s\" line here", key[which]);
		return bad(rd, KERR_SYNTAX, msg);
	}
	switch (which) {
	case 0:
		if (nf != 2 || strcmp(f[1], "1"))
			return bad(rd, KERR_SCHEMA, "this is not a koder model of format 1");
		return 0;
	case 1:
		if (nf != 2 || strcmp(f[1], cb->id ? cb->id : "")) {
			snprintf(msg, sizeof msg, "the model is for codebook \"%.60s\", not \"%.60s\"",
				 nf > 1 ? f[1] : "", cb->id ? cb->id : "");
			return bad(rd, KERR_SCHEMA, msg);
		}
		return 0;
	case 2:
		m->ncol = nf - 1;
		m->col_cat = calloc(m->ncol + 1, sizeof *m->col_cat);
		m->bias = calloc(m->ncol + 1, sizeof *m->bias);
		m->z = calloc(m->ncol + 1, sizeof *m->z);
		if (!m->col_cat || !m->bias || !m->z)
			return kerr_set(rd->e, KERR_NOMEM, "out of memory reading %s", rd->path);
		if (!m->ncol)
			return bad(rd, KERR_SCHEMA, "the model has no categories");
		for (i = 0; i < m->ncol; i++) {
			long c = codebook_find(cb, f[i + 1]);

			if (c < 0) {
				snprintf(msg, sizeof msg, "category \"%.60s\" is not in the codebook",
					 f[i + 1]);
				return bad(rd, KERR_SCHEMA, msg);
			}
			m->col_cat[i] = (size_t)c;
		}
		return 0;
	case 3: {
		/* no andet override and no top rule unless given; andet and
		 * the likeliest category weigh the same unless given */
		float t[8] = { 0, 0, 0, 2, 0, 2, 1, 2 };

		if ((nf != 4 && nf != 6 && nf != 7 && nf != 8 && nf != 9)
		    || parse_floats(f + 1, nf - 1, t))
			return bad(rd, KERR_SCHEMA, "expected three, five, six, seven or eight "
				   "thresholds from 0 to 1 (the sixth and eighth up to 2, the "
				   "seventh up to 10)");
		for (i = 0; i < nf - 1; i++)
			if (t[i] < 0 || t[i] > (i == 5 || i == 7 ? 2 : i == 6 ? 10 : 1))
				return bad(rd, KERR_SCHEMA, "expected three, five, six, seven or eight "
					   "thresholds from 0 to 1 (the sixth and eighth up to 2, the "
					   "seventh up to 10)");
		m->th.residual = t[0];
		m->th.add = t[1];
		m->th.nonsub = t[2];
		m->th.andet = t[3];
		m->th.weak = t[4];
		m->th.top = t[5];
		m->th.lean = t[6];
		m->th.rescue = t[7];
		return 0;
	}
	default:
		if (nf != m->ncol + 1 || parse_floats(f + 1, m->ncol, m->bias))
			return bad(rd, KERR_SCHEMA, "expected one number per category");
		return 0;
	}
}

static int read_model(struct reader *rd, struct model *m, const struct codebook *cb,
		      char *text, size_t len)
{
	char *line = text, *end = text + len, **f, **names = NULL;
	size_t cap = 0;
	int rc = 0, which = 0;

	f = malloc((cb->ncats + 8) * sizeof *f);
	if (!f)
		return kerr_set(rd->e, KERR_NOMEM, "out of memory reading %s", rd->path);
	while (!rc && line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t nf;

		if (nl)
			*nl = '\0';
		rd->line++;
		nf = split_tabs(line, f, cb->ncats + 8);
		if (which < 5) {
			rc = read_header(rd, m, cb, f, nf, which++);
		} else if (*line) {
			if (nf != m->ncol + 1 || !*f[0] || strlen(f[0]) > 4 * MODEL_MAX_WORD) {
				rc = bad(rd, KERR_SCHEMA, "expected a feature and one weight per category");
				break;
			}
			if (m->nfeat == cap) {
				float *w;
				char **nm;

				cap = cap ? 2 * cap : 4096;
				w = realloc(m->w, cap * m->ncol * sizeof *w);
				if (w)
					m->w = w;
				nm = realloc(names, cap * sizeof *nm);
				if (nm)
					names = nm;
				if (!w || !nm) {
					rc = kerr_set(rd->e, KERR_NOMEM, "out of memory reading %s", rd->path);
					break;
				}
			}
			if (parse_floats(f + 1, m->ncol, m->w + m->nfeat * m->ncol)) {
				rc = bad(rd, KERR_SCHEMA, "a weight is not a number");
				break;
			}
			names[m->nfeat++] = f[0];
		}
		line = nl ? nl + 1 : end;
	}
	free(f);
	if (!rc && which < 5)
		rc = bad(rd, KERR_SYNTAX, "the file ends before its header does");
	if (!rc && index_features(m, names))
		rc = kerr_set(rd->e, KERR_NOMEM, "out of memory reading %s", rd->path);
	free(names);
	if (!rc && !(m->seen = calloc(m->nfeat + 1, sizeof *m->seen)))
		rc = kerr_set(rd->e, KERR_NOMEM, "out of memory reading %s", rd->path);
	if (!rc) {
		/* the pages are touched only as words arrive; without the
		 * memory the model scores uncached, just as well */
		m->wc.slot = calloc(WC_SLOTS, sizeof *m->wc.slot);
		m->wc.arena = malloc(WC_ARENA * sizeof *m->wc.arena);
		if (!m->wc.slot || !m->wc.arena) {
			free(m->wc.arena);
			m->wc.arena = NULL;
		}
	}
	return rc;
}

int model_load(const char *path, const struct codebook *cb, struct model **out,
	       struct kerr *e)
{
	struct reader rd = { path, e, 0 };
	struct buf text = BUF_INIT;
	struct model *m;
	FILE *fp;
	char chunk[65536];
	size_t n;
	int rc = 0;

	*out = NULL;
	/* a FIFO or device named in a codebook would block or never end */
	if (!(fp = infile_open(path, "the codebook's model", e)))
		return e ? e->code : KERR_IO;
	buf_init(&text, MODEL_MAX_BYTES);
	while (!rc && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (buf_add(&text, chunk, n))
			rc = kerr_set(e, KERR_LIMIT, "the model is larger than %zu MB",
				      MODEL_MAX_BYTES >> 20);
	if (!rc && ferror(fp))
		rc = kerr_errno(e, errno ? errno : EIO, path, "cannot read the codebook's model");
	fclose(fp);
	m = calloc(1, sizeof *m);
	if (!rc && !m)
		rc = kerr_set(e, KERR_NOMEM, "out of memory reading %s", path);
	if (!rc && memchr(text.data, '\0', text.len))
		rc = bad(&rd, KERR_SYNTAX, "the file holds a NUL byte: it is not a model");
	if (!rc) {
		m->ncb = cb->ncats;
		rc = read_model(&rd, m, cb, text.data, text.len);
	}
	buf_release(&text);
	if (rc) {
		if (e && !e->file[0])
			kerr_at(e, path, rd.line, 0);
		model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* The character grams: four bytes of "<word>" (measured on the newcomer
 * studies, 3-, 4- and 5-grams together did no better than 4-grams alone, at
 * three times the cost per answer).  A one-letter word has none; two-letter
 * words keep "<ik>", "<ok>", which short answers lean on. */
#define MODEL_GRAM 4
#define MODEL_GRAM_MIN_WORD 2

static int key_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* The next word of k[0..len) from *i on: its start *s and length (0 at the
 * end); *i moves past it.  Words longer than MODEL_MAX_WORD are skipped. */
static inline size_t next_word(const char *k, size_t len, size_t *i, size_t *s)
{
	while (*i < len) {
		size_t n;

		while (*i < len && !key_word_byte((unsigned char)k[*i]))
			(*i)++;
		*s = *i;
		while (*i < len && key_word_byte((unsigned char)k[*i]))
			(*i)++;
		n = *i - *s;
		if (n && n <= MODEL_MAX_WORD)
			return n;
	}
	return 0;
}

/* The features of word w[0..n) on its own, in order: "w:", "p:", "s:" and
 * the character grams (each_feature adds the pair with the word before). */
static inline void word_features(const char *w, size_t n,
				 void (*fn)(void *ctx, const char *f, size_t n), void *ctx)
{
	char f[MODEL_MAX_WORD + 4], g[MODEL_MAX_WORD + 2];

	memcpy(f, "w:", 2);
	memcpy(f + 2, w, n);
	fn(ctx, f, n + 2);
	if (n > 5) {
		memcpy(f, "p:", 2);
		fn(ctx, f, 7);
	}
	if (n > 8) {
		memcpy(f, "s:", 2);
		memcpy(f + 2, w + n - 6, 6);
		fn(ctx, f, 8);
	}
	if (n >= MODEL_GRAM_MIN_WORD) {
		/* the word's character grams, with its start and end marked */
		size_t L = n + 2, a;

		g[0] = '<';
		memcpy(g + 1, w, n);
		g[n + 1] = '>';
		memcpy(f, "c:", 2);
		for (a = 0; a + MODEL_GRAM <= L; a++) {
			memcpy(f + 2, g + a, MODEL_GRAM);
			fn(ctx, f, MODEL_GRAM + 2);
		}
	}
}

/* "b:prev_word", the pair of p[0..pn) and w[0..n) (f holds 2 * MODEL_MAX_WORD + 3). */
static inline size_t pair_feature(char *f, const char *p, size_t pn, const char *w, size_t n)
{
	memcpy(f, "b:", 2);
	memcpy(f + 2, p, pn);
	f[2 + pn] = '_';
	memcpy(f + 3 + pn, w, n);
	return pn + n + 3;
}

/*
 * The features of match key k[0..len), in order (model.h says which):
 * fn(ctx, f, n) for each, f being the feature's text ("w:word"), n its
 * length.  A feature that occurs twice is given twice.  One definition for
 * scoring and training, so the two can never disagree (model_score walks
 * the same next_word, word_features and pair_feature, with a cache).
 */
static void each_feature(const char *k, size_t len,
			 void (*fn)(void *ctx, const char *f, size_t n), void *ctx)
{
	char f[2 * MODEL_MAX_WORD + 4];
	size_t i = 0, s = 0, n, ps = 0, pn = 0;

	while ((n = next_word(k, len, &i, &s))) {
		word_features(k + s, n, fn, ctx);
		if (pn)
			fn(ctx, f, pair_feature(f, k + ps, pn, k + s, n));
		ps = s;
		pn = n;
	}
}

void model_each_feature(const char *k, size_t len,
			void (*fn)(void *ctx, const char *f, size_t n), void *ctx)
{
	each_feature(k, len, fn, ctx);
}

/* Add the weights of row `row` (once per answer). */
static inline void add_row(struct model *m, uint32_t row)
{
	const float *w = m->w + (size_t)row * m->ncol;
	double *z = m->z;
	size_t c = 0, n = m->ncol;

	if (m->seen[row] == m->stamp)
		return;
	m->seen[row] = m->stamp;
#ifdef __SSE2__
	/* two columns an instruction: the sums are these adds (each column's
	 * float widened exactly, added in the same order), only side by side;
	 * the rows' adds are most of what scoring an answer costs */
	for (; c + 1 < n; c += 2)
		_mm_storeu_pd(z + c, _mm_add_pd(_mm_loadu_pd(z + c),
			_mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(w + c))))));
#endif
	for (; c < n; c++)
		z[c] += w[c];
}

/* Add the weights of feature f[0..n) (once per answer). */
static void add_feature(void *ctx, const char *f, size_t n)
{
	struct model *m = ctx;
	long row = feature_row(m, hash_bytes(f, n));

	if (row >= 0)
		add_row(m, (uint32_t)row);
}

/* word_features' callback filling a cache record: the rows that exist. */
static void cache_feature(void *ctx, const char *f, size_t n)
{
	struct model *m = ctx;
	long row = feature_row(m, hash_bytes(f, n));

	if (row >= 0)
		m->wc.arena[m->wc.used++] = (uint32_t)row;
}

/* Add the weights of word w[0..n)'s own features, through the cache. */
static void add_word(struct model *m, const char *w, size_t n)
{
	struct word_cache *wc = &m->wc;
	uint64_t h = hash_bytes(w, n), tag = h >> 32 << 32;
	size_t i = (size_t)h & (WC_SLOTS - 1), r, nrows;
	uint32_t *rec;

	for (; wc->slot[i]; i = (i + 1) & (WC_SLOTS - 1)) {
		if ((wc->slot[i] & ~(uint64_t)UINT32_MAX) != tag)
			continue;
		rec = wc->arena + (uint32_t)wc->slot[i] - 1;
		nrows = rec[0] >> 8;
		if ((rec[0] & 0xFF) == n && !memcmp(rec + 1 + nrows, w, n)) {
			for (r = 0; r < nrows; r++)
				add_row(m, rec[1 + r]);
			return;
		}
	}
	if (wc->nwords == WC_WORDS || wc->used + WC_RECORD > WC_ARENA) {
		memset(wc->slot, 0, WC_SLOTS * sizeof *wc->slot);
		wc->nwords = wc->used = 0;
		for (i = (size_t)h & (WC_SLOTS - 1); wc->slot[i]; i = (i + 1) & (WC_SLOTS - 1))
			;
	}
	rec = wc->arena + wc->used;
	wc->slot[i] = tag | (wc->used + 1);
	wc->nwords++;
	wc->used++;
	word_features(w, n, cache_feature, m);
	nrows = (size_t)(wc->arena + wc->used - rec) - 1;
	rec[0] = (uint32_t)(nrows << 8 | n);
	memcpy(rec + 1 + nrows, w, n);
	wc->used += (n + 3) / 4;
	for (r = 0; r < nrows; r++)
		add_row(m, rec[1 + r]);
}

void model_score(struct model *m, const char *k, size_t len, double *p)
{
	char f[2 * MODEL_MAX_WORD + 4];
	size_t c, i = 0, s = 0, n, ps = 0, pn = 0;

	if (++m->stamp == 0) {
		memset(m->seen, 0, m->nfeat * sizeof *m->seen);
		m->stamp = 1;
	}
	for (c = 0; c < m->ncol; c++)
		m->z[c] = m->bias[c];
	if (!m->wc.arena) {
		each_feature(k, len, add_feature, m);
	} else {
		/* each_feature's walk, a word's own features from the cache */
		while ((n = next_word(k, len, &i, &s))) {
			add_word(m, k + s, n);
			if (pn)
				add_feature(m, f, pair_feature(f, k + ps, pn, k + s, n));
			ps = s;
			pn = n;
		}
	}
	for (c = 0; c < m->ncb; c++)
		p[c] = -1;
	for (c = 0; c < m->ncol; c++)
		p[m->col_cat[c]] = 1 / (1 + exp(-m->z[c]));
}

enum model_verdict model_decide(const struct model_thresholds *th, const struct codebook *cb,
				const double *p, const unsigned char *coded,
				const unsigned char *veto, unsigned char *add)
{
	size_t c, ncoded = 0, nadd = 0, at = cb->ncats;
	double t, best = -1;

	for (c = 0; c < cb->ncats; c++) {
		add[c] = 0;
		ncoded += coded[c] != 0;
	}
	/* the patterns found words of a category, but the answer as a whole is
	 * plainly about something else ("stor afstand mellem ledelsen og os").
	 * A coded category the model has no column for (p < 0: added to the
	 * codebook after the model was trained, often carved out of andet) is
	 * one it cannot judge, and its andet still holds what that category
	 * now covers: the patterns stand. */
	if (ncoded && cb->andet >= 0 && p[cb->andet] >= th->andet) {
		for (c = 0; c < cb->ncats; c++)
			if (coded[c] && (p[c] >= th->weak || p[c] < 0))
				break;
		if (c == cb->ncats)
			return MODEL_ANDET;
	}
	t = ncoded ? th->add : th->residual;
	for (c = 0; c < cb->ncats; c++) {
		if ((long)c == cb->ingen_svar || (long)c == cb->andet || (veto && veto[c]) || coded[c])
			continue;
		if (p[c] > best) {
			best = p[c];
			at = c;
		}
		if (p[c] < t)
			continue;
		add[c] = 1;
		nadd++;
	}
	/* with a hundred coded answers a true category's probability stays
	 * low, yet it is still the one the answer leans to: the likeliest
	 * category, when surer than andet */
	if (!ncoded && !nadd && at < cb->ncats && best >= th->top
	    && (cb->andet < 0 || th->lean * p[cb->andet] < best)) {
		add[at] = 1;
		nadd++;
	}
	if (!ncoded && !nadd && cb->ingen_svar >= 0 && p[cb->ingen_svar] >= th->nonsub)
		return MODEL_NONSUB;
	return MODEL_KEEP;
}

long model_rescue(const struct model_thresholds *th, const struct codebook *cb,
		  const double *p)
{
	size_t c;
	long at = -1;

	if (th->rescue > 1)
		return -1;
	for (c = 0; c < cb->ncats; c++)
		if ((long)c != cb->ingen_svar && (long)c != cb->andet && (at < 0 || p[c] > p[at]))
			at = (long)c;
	if (at < 0 || p[at] < th->rescue || (cb->ingen_svar >= 0 && p[at] <= p[cb->ingen_svar]))
		return -1;
	return at;
}

/* A weight as the file writes it: four decimals, no "-0.0000". */
static int add_weight(struct buf *out, double w)
{
	if (fabs(w) < 0.00005)
		w = 0;
	return buf_addf(out, "\t%.4f", w);
}

int model_format(const struct codebook *cb, const struct model_thresholds *th,
		 const size_t *col_cat, size_t ncol, const double *bias,
		 char *const *names, const double *w, size_t nfeat, double prune,
		 struct buf *out)
{
	size_t c, f;
	int rc;

	rc = buf_addf(out, "koder-model\t1\ncodebook\t%s\ncategories", cb->id ? cb->id : "");
	for (c = 0; !rc && c < ncol; c++)
		rc = buf_addf(out, "\t%s", cb->cats[col_cat[c]].id);
	if (!rc)   /* the fields that change nothing left out (older readers) */
		rc = th->rescue <= 1
		     ? buf_addf(out, "\nthresholds\t%g\t%g\t%g\t%g\t%g\t%g\t%g\t%g\nbias",
				th->residual, th->add, th->nonsub, th->andet, th->weak,
				th->top <= 2 ? th->top : 2, th->lean, th->rescue)
		     : th->lean != 1
		     ? buf_addf(out, "\nthresholds\t%g\t%g\t%g\t%g\t%g\t%g\t%g\nbias",
				th->residual, th->add, th->nonsub, th->andet, th->weak,
				th->top <= 2 ? th->top : 2, th->lean)
		     : th->top <= 1
		     ? buf_addf(out, "\nthresholds\t%g\t%g\t%g\t%g\t%g\t%g\nbias", th->residual,
				th->add, th->nonsub, th->andet, th->weak, th->top)
		     : buf_addf(out, "\nthresholds\t%g\t%g\t%g\t%g\t%g\nbias", th->residual,
				th->add, th->nonsub, th->andet, th->weak);
	for (c = 0; !rc && c < ncol; c++)
		rc = add_weight(out, bias[c]);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	for (f = 0; !rc && f < nfeat; f++) {
		const double *row = w + f * ncol;

		for (c = 0; c < ncol && fabs(row[c]) < prune; c++)
			;
		if (c == ncol)
			continue;   /* too small to matter anywhere */
		rc = buf_add(out, names[f], strlen(names[f]));
		for (c = 0; !rc && c < ncol; c++)
			rc = add_weight(out, row[c]);
		if (!rc)
			rc = buf_add(out, "\n", 1);
	}
	return rc ? KERR_NOMEM : 0;
}

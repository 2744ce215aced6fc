/* test_model.c - the learned word model: its features and probabilities,
 * how rules_match uses it (only for answers the patterns left uncoded, or
 * when very sure; never against an exclude), and every way a model file can
 * be wrong, each reported at the codebook's "model" key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "model.h"
#include "normalize.h"
#include "rules.h"

static const char book[] =
	"{\"id\": \"t\", \"version\": 1, \"model\": \"t.model\", \"categories\": [\n"
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"travl*\"]},\n"
	"{\"id\": \"ag\", \"label\": \"AG\", \"include\": [\"arbejdsgiver*\"], \"exclude\": [\"glade chefer\"]},\n"
	"{\"id\": \"andet\", \"label\": \"Andet\"}\n"
	"]}\n";

/* columns tid, ag, ingen_svar; thresholds residual .5, add .9, no answer .8 */
static const char model_head[] =
	"koder-model\t1\ncodebook\tt\ncategories\ttid\tag\tingen_svar\n"
	"thresholds\t0.5\t0.9\t0.8\nbias\t-2\t-2\t-3\n";
static const char model_body[] =
	"w:kalenderen\t3\t0\t0\n"      /* tid: sigmoid(1) = .73 */
	"p:kalen\t0\t0\t0\n"
	"w:chefer\t0\t2.5\t0\n"        /* ag: sigmoid(.5) = .62 */
	"b:glade_chefer\t0\t3\t0\n"    /* ag very sure, but an exclude vetoes it */
	"w:mester\t0\t5\t0\n"          /* ag: sigmoid(3) = .95 */
	"s:elding\t0\t0\t6\n"          /* ingen_svar: sigmoid(3) = .95 (tilbagemelding) */
	"w:vidtgaaende\t0\t1\t0\n";

static char dir[64];

static void write_file(const char *name, const char *a, const char *b)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(a, fp);
	fputs(b, fp);
	fclose(fp);
}

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/koder-model-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file("t.json", book, "");
	return 0;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

struct fix {
	struct codebook *cb;
	struct rules *r;
	struct normalized ans;
	struct rules_result res;
};

/* Load t.json with the model text given; returns rules_compile's code. */
static int load(struct fix *f, const char *model, struct kerr_list *errs)
{
	char path[128];

	memset(f, 0, sizeof *f);
	write_file("t.model", model, "");
	snprintf(path, sizeof path, "%s/t.json", dir);
	assert_int_equal(codebook_load(path, &f->cb, errs), 0);
	normalized_init(&f->ans);
	rules_result_init(&f->res);
	return rules_compile(f->cb, &f->r, errs);
}

static void unload(struct fix *f)
{
	rules_result_release(&f->res);
	normalized_release(&f->ans);
	rules_free(f->r);
	codebook_free(f->cb);
}

static const char *code(struct fix *f, const char *text)
{
	static char out[128];
	struct normalizer *n;
	struct normalize_opts o = { 1 };
	struct kerr e;
	size_t i;

	assert_int_equal(normalizer_new(&n, &o, &e), 0);
	assert_int_equal(normalize_text(n, text, strlen(text), &f->ans, &e), 0);
	normalizer_free(n);
	assert_int_equal(rules_match(f->r, &f->ans, &f->res, &e), 0);
	out[0] = 0;
	for (i = 0; i < f->res.ncats; i++) {
		strcat(out, i ? ";" : "");
		strcat(out, f->cb->cats[f->res.cats[i]].id);
	}
	return out;
}

static void test_codes(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	size_t i;

	(void)state;
	char *m = malloc(sizeof model_head + sizeof model_body);
	assert_non_null(m);
	strcpy(m, model_head);
	strcat(m, model_body);
	assert_int_equal(load(&f, m, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_true(rules_has_model(f.r));
	/* the patterns first */
	assert_string_equal(code(&f, "Vi har travlt"), "tid");
	/* uncoded by the patterns: the model's categories above .5 */
	assert_string_equal(code(&f, "Kalenderen er fuld"), "tid");
	assert_int_equal(f.res.nev, 1);
	assert_int_equal(f.res.ev[0].pattern, RULES_MODEL_PATTERN);
	assert_int_equal(f.res.ev[0].start, 0);
	assert_int_equal(f.res.ev[0].end, strlen("Kalenderen er fuld"));
	assert_string_equal(code(&f, "Kalenderen og cheferne"), "tid");   /* w:chefer only for the word */
	assert_string_equal(code(&f, "kalenderen, chefer"), "tid;ag");
	/* a feature counts once however often its word occurs */
	assert_string_equal(code(&f, "chefer chefer chefer"), "ag");
	/* coded by a pattern: another category only when the model is over .9 */
	assert_string_equal(code(&f, "travlt, kalenderen"), "tid");
	assert_string_equal(code(&f, "travlt og mester vil ikke"), "tid;ag");
	/* evidence in codebook order: the pattern's, then the model's */
	assert_int_equal(f.res.nev, 2);
	assert_int_equal(f.res.ev[1].pattern, RULES_MODEL_PATTERN);
	/* an exclude vetoes the model too */
	assert_string_equal(code(&f, "glade chefer"), "andet");
	/* the model is sure the answer says nothing */
	assert_string_equal(code(&f, "samme tilbagemelding"), "ingen_svar");
	assert_true(f.res.nonsubstantive);
	/* nothing sure enough: andet as without a model */
	assert_string_equal(code(&f, "vidtgaaende reformer"), "andet");
	assert_true(f.res.residual);
	/* --no-model: the patterns alone */
	rules_free(f.r);
	assert_int_equal(rules_compile_patterns(f.cb, &f.r, &errs), 0);
	assert_string_equal(code(&f, "Kalenderen er fuld"), "andet");
	assert_string_equal(code(&f, "samme tilbagemelding"), "andet");
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.items[i].msg);
	kerr_list_release(&errs);
	unload(&f);
	free(m);
}

static void test_score(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	struct model *m;
	struct kerr e;
	double p[4];
	char path[128];
	char *text = malloc(sizeof model_head + sizeof model_body);

	(void)state;
	assert_non_null(text);
	strcpy(text, model_head);
	strcat(text, model_body);
	assert_int_equal(load(&f, text, &errs), 0);
	snprintf(path, sizeof path, "%s/t.model", dir);
	assert_int_equal(model_load(path, f.cb, &m, &e), 0);
	assert_true(fabs(model_thresholds(m)->residual - 0.5) < 1e-6);
	assert_true(fabs(model_thresholds(m)->add - 0.9) < 1e-6);
	assert_true(fabs(model_thresholds(m)->nonsub - 0.8) < 1e-6);
	model_score(m, "kalenderen", 10, p);
	assert_true(fabs(p[0] - 1 / (1 + exp(-1.0))) < 1e-6);
	assert_true(fabs(p[1] - 1 / (1 + exp(2.0))) < 1e-6);
	assert_true(p[2] < 0);       /* andet: no column */
	assert_true(fabs(p[3] - 1 / (1 + exp(3.0))) < 1e-6);
	/* word pairs: "glade chefer" has w:chefer and b:glade_chefer */
	model_score(m, "glade chefer", 12, p);
	assert_true(fabs(p[1] - 1 / (1 + exp(-3.5))) < 1e-6);
	/* the pair is of neighbouring words, whatever stands between them */
	model_score(m, "glade, chefer", 13, p);
	assert_true(fabs(p[1] - 1 / (1 + exp(-3.5))) < 1e-6);
	model_free(m);
	kerr_list_release(&errs);
	unload(&f);
	free(text);
}

/*
 * model_score keeps a cache of each word's feature rows; the probabilities
 * must be exactly, bit for bit, what the features model_each_feature gives
 * and the file's weights add up to, summed in that order: a reference
 * scorer here, over answers with more distinct words than the cache holds
 * (so it is emptied and refilled), each scored twice (the second time from
 * the cache), words repeated within an answer, and words too long to count.
 */
#define REF_SLOTS ((size_t)1 << 20)

struct ref {
	char **name;              /* [REF_SLOTS]: a feature's text, or NULL */
	float (*w)[3];            /* its weights, as model_load parses them */
	unsigned *seen, stamp;    /* counted in this answer */
	double z[3];
	int collect;              /* 1: record every feature as a candidate */
	size_t *cand;             /* slots of the candidates, in the order found */
	size_t ncand, capcand;
};

static size_t ref_slot(const struct ref *r, const char *f, size_t n)
{
	size_t h = 1469598103934665603u, i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)f[i]) * 1099511628211u;
	for (h &= REF_SLOTS - 1;; h = (h + 1) & (REF_SLOTS - 1))
		if (!r->name[h] || (strlen(r->name[h]) == n && !memcmp(r->name[h], f, n)))
			return h;
}

static void ref_feature(void *ctx, const char *f, size_t n)
{
	struct ref *r = ctx;
	size_t i = ref_slot(r, f, n), c;

	if (r->collect) {
		if (!r->name[i]) {
			assert_true(r->ncand < r->capcand);
			r->name[i] = strndup(f, n);
			r->cand[r->ncand++] = i;
		}
		return;
	}
	if (!r->name[i] || r->seen[i] == r->stamp)
		return;
	r->seen[i] = r->stamp;
	for (c = 0; c < 3; c++)
		r->z[c] += r->w[i][c];
}

static unsigned long rnd_state = 20261207;

static unsigned long rnd(unsigned long n)
{
	rnd_state = rnd_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned long)(rnd_state >> 33) % n;
}

static void test_score_cached(void **state)
{
	enum { NWORDS = 40000, NANS = 8000 };
	static const char *const letters[] = { "a", "e", "i", "n", "r", "s", "t", "k", "l",
					       "d", "g", "o", "\xc3\xa6", "\xc3\xb8", "7" };
	static const char *const seps[] = { " ", " ", " ", ", ", ". ", "-" };
	struct ref r = { 0 };
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	struct model *m;
	struct kerr e;
	struct buf text = BUF_INIT;
	char **words = calloc(NWORDS, sizeof *words), **answers = calloc(NANS, sizeof *answers);
	double p[4];
	char path[128];
	size_t i, k, c, pass;

	(void)state;
	assert_non_null(words);
	assert_non_null(answers);
	r.name = calloc(REF_SLOTS, sizeof *r.name);
	r.w = calloc(REF_SLOTS, sizeof *r.w);
	r.seen = calloc(REF_SLOTS, sizeof *r.seen);
	r.capcand = REF_SLOTS / 2;
	r.cand = calloc(r.capcand, sizeof *r.cand);
	assert_true(r.name && r.w && r.seen && r.cand);
	/* words of 1 to 14 letters, a few of 41 to 50 (too long to count) */
	for (i = 0; i < NWORDS; i++) {
		size_t n = rnd(50) == 0 ? 41 + rnd(10) : 1 + rnd(14), len = 0;
		char w[128];

		for (k = 0; k < n; k++)
			len += (size_t)sprintf(w + len, "%s", letters[rnd(15)]);
		words[i] = strdup(w);
	}
	/* answers of 1 to 30 words, common words far more often than rare ones */
	for (i = 0; i < NANS; i++) {
		size_t n = 1 + rnd(30), len = 0;
		char a[2048];

		for (k = 0; k < n; k++) {
			size_t wi = rnd(4) ? rnd(1 + rnd(NWORDS)) : rnd(200);

			len += (size_t)snprintf(a + len, sizeof a - len, "%s%s", k ? seps[rnd(6)] : "",
						words[wi]);
		}
		answers[i] = strdup(a);
		r.collect = 1;
		model_each_feature(a, len, ref_feature, &r);
	}
	/* more distinct words than model.c's cache holds (WC_WORDS, 16384) */
	for (i = k = 0; i < r.ncand; i++)
		k += !strncmp(r.name[r.cand[i]], "w:", 2);
	assert_true(k > 20000);
	/* a third of the features the answers have, with weights */
	assert_int_equal(buf_add(&text, model_head, strlen(model_head)), 0);
	for (i = 0; i < r.ncand; i++) {
		size_t at = r.cand[i];

		if (rnd(3)) {
			free(r.name[at]);
			r.name[at] = NULL;
			continue;
		}
		assert_int_equal(buf_addf(&text, "%s", r.name[at]), 0);
		for (c = 0; c < 3; c++) {
			char num[32];

			snprintf(num, sizeof num, "%.4f", ((long)rnd(20001) - 10000) / 10000.0);
			assert_int_equal(buf_addf(&text, "\t%s", num), 0);
			r.w[at][c] = (float)strtod(num, NULL);
		}
		assert_int_equal(buf_add(&text, "\n", 1), 0);
	}
	/* the features left out broke the probe runs: put the others back in
	 * a table of their own */
	{
		char **keep = calloc(REF_SLOTS, sizeof *keep);
		float (*kw)[3] = calloc(REF_SLOTS, sizeof *kw);

		assert_true(keep && kw);
		memcpy(keep, r.name, REF_SLOTS * sizeof *keep);
		memcpy(kw, r.w, REF_SLOTS * sizeof *kw);
		memset(r.name, 0, REF_SLOTS * sizeof *r.name);
		for (i = 0; i < REF_SLOTS; i++)
			if (keep[i]) {
				size_t at = ref_slot(&r, keep[i], strlen(keep[i]));

				r.name[at] = keep[i];
				memcpy(r.w[at], kw[i], sizeof kw[i]);
			}
		free(keep);
		free(kw);
	}
	assert_int_equal(buf_add(&text, "", 1), 0);
	assert_int_equal(load(&f, text.data, &errs), 0);
	snprintf(path, sizeof path, "%s/t.model", dir);
	assert_int_equal(model_load(path, f.cb, &m, &e), 0);
	r.collect = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < NANS; i++) {
			const char *a = answers[pass ? NANS - 1 - i : i];

			r.stamp++;
			r.z[0] = -2;
			r.z[1] = -2;
			r.z[2] = -3;
			model_each_feature(a, strlen(a), ref_feature, &r);
			model_score(m, a, strlen(a), p);
			assert_true(p[0] == 1 / (1 + exp(-r.z[0])));
			assert_true(p[1] == 1 / (1 + exp(-r.z[1])));
			assert_true(p[3] == 1 / (1 + exp(-r.z[2])));
			assert_true(p[2] < 0);
		}
	model_free(m);
	kerr_list_release(&errs);
	unload(&f);
	buf_release(&text);
	for (i = 0; i < REF_SLOTS; i++)
		free(r.name[i]);
	for (i = 0; i < NWORDS; i++)
		free(words[i]);
	for (i = 0; i < NANS; i++)
		free(answers[i]);
	free(words);
	free(answers);
	free(r.name);
	free(r.w);
	free(r.seen);
	free(r.cand);
}

/* With an andet column and five thresholds: an answer the patterns coded
 * becomes andet when the model is sure of andet and unsure of the codes. */
static void test_andet_override(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;

	(void)state;
	assert_int_equal(load(&f, "koder-model\t1\ncodebook\tt\ncategories\ttid\tag\tandet\n"
			      "thresholds\t0.5\t0.9\t0.8\t0.6\t0.3\nbias\t-1\t-2\t-3\n"
			      "w:ledelsen\t-3\t0\t4\n"   /* andet .73, tid .02 */
			      "w:sagerne\t5\t0\t0\n", &errs), 0);
	assert_string_equal(code(&f, "travlt hos ledelsen"), "andet");
	assert_true(f.res.residual);
	assert_int_equal(f.res.nev, 0);
	/* the model is not unsure of the category coded: it stays */
	assert_string_equal(code(&f, "travlt med sagerne hos ledelsen"), "tid");
	assert_string_equal(code(&f, "travlt"), "tid");
	kerr_list_release(&errs);
	unload(&f);
}

/* A model trained before a category was added (no column for ag, the
 * answers it now covers learned as andet) cannot judge ag: an answer its
 * patterns code ag keeps ag, however sure the model is of andet - else a
 * category carved out of andet would vanish back into it. */
static void test_andet_override_added(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;

	(void)state;
	assert_int_equal(load(&f, "koder-model\t1\ncodebook\tt\ncategories\ttid\tandet\n"
			      "thresholds\t0.5\t0.9\t0.8\t0.6\t0.3\nbias\t-1\t-3\n"
			      "w:arbejdsgiverne\t-3\t5\n"   /* andet .88, tid .02 */
			      "w:ledelsen\t-3\t5\n", &errs), 0);
	assert_string_equal(code(&f, "arbejdsgiverne"), "ag");
	/* a category it has a column for is still overridden */
	assert_string_equal(code(&f, "travlt hos ledelsen"), "andet");
	kerr_list_release(&errs);
	unload(&f);
}

/* The seventh threshold, lean: an answer no pattern coded gets its
 * likeliest category (top) only when that is `lean` times as likely as
 * andet; without it, when merely likelier. */
static void test_lean(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	static const char head[] = "koder-model\t1\ncodebook\tt\ncategories\ttid\tag\tandet\n";
	static const char body[] = "bias\t-1\t-3\t-1.5\n";   /* tid .27, ag .05, andet .18 */
	char model[256];

	(void)state;
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.8\t1\t0\t0.1\t2\n%s", head, body);
	assert_int_equal(load(&f, model, &errs), 0);
	assert_string_equal(code(&f, "kantinen serverer god mad om fredagen"), "andet");
	assert_true(f.res.residual);
	unload(&f);
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.8\t1\t0\t0.1\n%s", head, body);
	assert_int_equal(load(&f, model, &errs), 0);
	assert_string_equal(code(&f, "kantinen serverer god mad om fredagen"), "tid");
	unload(&f);
	/* lean above 10 is not a threshold */
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.8\t1\t0\t0.1\t11\n%s", head, body);
	assert_int_equal(load(&f, model, &errs), KERR_SCHEMA);
	unload(&f);
	kerr_list_release(&errs);
}

/* The eighth threshold, rescue: an answer the no-answer phrases take as no
 * answer ("Intet", "ved ikke hvem ...") gets the model's likeliest category
 * when the model is that sure of it and surer than of ingen_svar; without
 * the threshold (or above 1) it stays no answer. */
static void test_rescue(void **state)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	static const char head[] = "koder-model\t1\ncodebook\tt\n"
		"categories\ttid\tag\tingen_svar\tandet\n";
	/* "intet": tid .73, ingen_svar .27; "ved ikke": ingen_svar .88 */
	static const char body[] = "bias\t-2\t-3\t-1\t-3\n"
		"w:intet\t3\t0\t0\t0\n"
		"w:ved\t0\t0\t3\t0\n"
		"w:hvem\t0\t3.5\t-4\t0\n";
	char model[512];

	(void)state;
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.95\t1\t0\t2\t1\t0.6\n%s",
		 head, body);
	assert_int_equal(load(&f, model, &errs), 0);
	assert_string_equal(code(&f, "Intet"), "tid");
	assert_false(f.res.nonsubstantive);
	assert_int_equal(f.res.nev, 1);
	assert_int_equal(f.res.ev[0].pattern, RULES_MODEL_PATTERN);
	/* surer of ingen_svar than of any category: no answer */
	assert_string_equal(code(&f, "ved ikke"), "ingen_svar");
	assert_true(f.res.nonsubstantive);
	/* the short no-answer rule after the patterns: ag .62 >= .6, above
	 * ingen_svar's .12 */
	assert_string_equal(code(&f, "ved ikke hvem"), "ag");
	assert_string_equal(code(&f, ""), "ingen_svar");
	unload(&f);
	/* rescue 0.8: tid's .73 is not enough */
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.95\t1\t0\t2\t1\t0.8\n%s",
		 head, body);
	assert_int_equal(load(&f, model, &errs), 0);
	assert_string_equal(code(&f, "Intet"), "ingen_svar");
	unload(&f);
	/* seven thresholds: never */
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.95\t1\t0\t2\t1\n%s", head, body);
	assert_int_equal(load(&f, model, &errs), 0);
	assert_string_equal(code(&f, "Intet"), "ingen_svar");
	unload(&f);
	/* above 2 is not a threshold */
	snprintf(model, sizeof model, "%sthresholds\t0.9\t0.9\t0.95\t1\t0\t2\t1\t2.5\n%s",
		 head, body);
	assert_int_equal(load(&f, model, &errs), KERR_SCHEMA);
	unload(&f);
	kerr_list_release(&errs);
}

/* A bad model: rules_compile fails with `code`, at the codebook's "model"
 * key, naming the model file and what is wrong. */
static void expect_bad(const char *model, int code, const char *words)
{
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;

	assert_int_equal(load(&f, model, &errs), code);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.items[0].path, "model");
	assert_true(errs.items[0].line > 0);
	if (!strstr(errs.items[0].msg, words) || !strstr(errs.items[0].msg, "t.model")) {
		fprintf(stderr, "message: %s\n", errs.items[0].msg);
		fail();
	}
	kerr_list_release(&errs);
	unload(&f);
}

static void test_bad_models(void **state)
{
	char path[128];

	(void)state;
	expect_bad("", KERR_SYNTAX, "ends before its header");
	expect_bad("hello\n", KERR_SYNTAX, "koder-model");
	expect_bad("koder-model\t2\n", KERR_SCHEMA, "format 1");
	expect_bad("koder-model\t1\ncodebook\tother\n", KERR_SCHEMA, "\"other\", not \"t\"");
	expect_bad("koder-model\t1\ncodebook\tt\ncategories\ttid\tfoo\n", KERR_SCHEMA,
		   "\"foo\" is not in the codebook");
	expect_bad("koder-model\t1\ncodebook\tt\ncategories\ttid\nthresholds\t0.5\t2\t0.5\n",
		   KERR_SCHEMA, "thresholds");
	expect_bad("koder-model\t1\ncodebook\tt\ncategories\ttid\nthresholds\t.5\t.9\t.8\n"
		   "bias\tx\n", KERR_SCHEMA, "one number per category");
	expect_bad("koder-model\t1\ncodebook\tt\ncategories\ttid\nthresholds\t.5\t.9\t.8\n"
		   "bias\t0\nw:a\t1\t2\n", KERR_SCHEMA, "one weight per category");
	expect_bad("koder-model\t1\ncodebook\tt\ncategories\ttid\nthresholds\t.5\t.9\t.8\n"
		   "bias\t0\nw:a\tnan\n", KERR_SCHEMA, "not a number");
	/* a missing file */
	snprintf(path, sizeof path, "%s/t.model", dir);
	{
		struct fix f;
		struct kerr_list errs = KERR_LIST_INIT;
		char cb[128];

		memset(&f, 0, sizeof f);
		snprintf(cb, sizeof cb, "%s/t.json", dir);
		assert_int_equal(codebook_load(cb, &f.cb, &errs), 0);
		unlink(path);
		normalized_init(&f.ans);
		rules_result_init(&f.res);
		assert_int_equal(rules_compile(f.cb, &f.r, &errs), KERR_IO);
		assert_int_equal(errs.n, 1);
		assert_string_equal(errs.items[0].path, "model");
		assert_non_null(strstr(errs.items[0].msg, "t.model"));
		kerr_list_release(&errs);
		/* the patterns alone do not read the model at all */
		assert_int_equal(rules_compile_patterns(f.cb, &f.r, &errs), 0);
		assert_int_equal(errs.n, 0);
		assert_false(rules_has_model(f.r));
		assert_string_equal(code(&f, "Kalenderen er fuld"), "andet");
		unload(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_score_cached),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_andet_override),
		cmocka_unit_test(test_andet_override_added),
		cmocka_unit_test(test_bad_models),
		cmocka_unit_test(test_lean),
		cmocka_unit_test(test_rescue),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

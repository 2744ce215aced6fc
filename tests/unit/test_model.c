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
	/* --no-model */
	rules_set_model(f.r, 0);
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
		unload(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_andet_override),
		cmocka_unit_test(test_andet_override_added),
		cmocka_unit_test(test_bad_models),
		cmocka_unit_test(test_lean),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

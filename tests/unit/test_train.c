/* test_train.c - learning a word model from coded answers: a signal planted
 * in the answers (a word no pattern knows) is found, the held-out figures
 * show it, the file written loads and codes with it, and bad gold codes
 * are named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "model.h"
#include "train.h"

/* "tid" has a pattern; "leder" has none: only the model can find it. */
static const char book[] =
	"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"travl*\"]},\n"
	"{\"id\": \"leder\", \"label\": \"Ledelse\", \"include\": [\"ledelsen svigter\",\n"
	" \"noneg:savn* BEFORE/4 (lederskab*|sparring)\", \"re:\\\\bxyzzy\\\\b\"]},\n"
	"{\"id\": \"andet\", \"label\": \"Andet\"}\n"
	"]}\n";

static const char *const filler[] = {
	"det er svært at sige", "vi gør hvad vi kan", "borgerne har mange sager",
	"samarbejdet kunne være bedre", "der er mange regler", "kommunen har ændret meget",
	"det går op og ned", "man skal have tålmodighed",
};

/* A deterministic stream of answers: every third names the planted word
 * ("chefen" - the leader - which no pattern has) and is coded leder, every
 * fifth is busy (travlt: the pattern's tid); the rest are andet. */
static void answer(unsigned i, char *text, size_t size, const char **codes)
{
	const char *f = filler[(i * 7) % 8], *g = filler[(i * 3 + 1) % 8];

	if (i % 3 == 0) {
		snprintf(text, size, "%s, og chefen bakker ikke op, %s", f, g);
		*codes = i % 5 == 0 ? "leder;tid" : "leder";
		if (i % 5 == 0)
			snprintf(text, size, "vi har travlt og chefen bakker ikke op, %s", f);
	} else if (i % 5 == 0) {
		snprintf(text, size, "%s, vi har for travlt", f);
		*codes = "tid";
	} else {
		snprintf(text, size, "%s; %s", f, g);
		*codes = "andet";
	}
}

/* Add the first n answers of the stream to set. */
static void add_answers(struct train_set *set, unsigned n)
{
	char text[200];
	const char *codes;
	unsigned i;

	for (i = 0; i < n; i++) {
		answer(i, text, sizeof text, &codes);
		assert_int_equal(train_set_add(set, text, strlen(text), codes, NULL), 0);
	}
}

struct fix {
	struct codebook *cb;
	struct engine *en;
	struct train_set *set;
};

static int setup(void **state)
{
	struct fix *x = calloc(1, sizeof *x);
	struct engine_opts eo = { .no_model = 1 };

	assert_non_null(x);
	assert_int_equal(codebook_parse(book, strlen(book), "t.json", &x->cb, NULL), 0);
	assert_int_equal(engine_new(x->cb, &eo, &x->en, NULL), 0);
	assert_int_equal(train_set_new(x->en, &x->set, NULL), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fix *x = *state;

	train_set_free(x->set);
	engine_free(x->en);
	codebook_free(x->cb);
	free(x);
	return 0;
}

static void test_planted_signal(void **state)
{
	struct fix *x = *state;
	struct train_opts to = { 5, 7, 0, 0 };
	struct train_report rep;
	struct buf model = BUF_INIT;
	long leder = codebook_find(x->cb, "leder");

	add_answers(x->set, 300);
	assert_int_equal(train_set_add(x->set, "  ", 2, "andet", NULL), 0);   /* blank: skipped */
	assert_int_equal(train_set_count(x->set), 300);
	assert_int_equal(train_fit(x->set, &to, &rep, &model, NULL), 0);
	/* the patterns never find leder; the model finds it on held-out folds
	 * (counts summed over the repeated cross-validations of a small set) */
	assert_true(rep.reps >= 1);
	assert_int_equal(rep.patterns[leder].tp, 0);
	assert_int_equal(rep.patterns[leder].fn, 100 * rep.reps);
	assert_true(rep.model[leder].tp >= 95 * rep.reps);
	assert_true(rep.model[leder].fp <= 5 * rep.reps);
	assert_true(rep.macro_model > rep.macro_patterns + 0.2);
	assert_false(rep.refused);
	/* no answer the no-answer phrases took is coded otherwise: no rescue */
	assert_true(rep.th[7] > 1);
	/* the file holds the word, for leder's column (the second) more than
	 * for tid's; its weight is shared with the phrases it stands in and
	 * its character grams */
	{
		const char *line = strstr(model.data, "\nw:chefen\t");
		double wt, wl;

		assert_non_null(line);
		assert_int_equal(sscanf(line + 10, "%lf\t%lf", &wt, &wl), 2);
		assert_true(wl > 0.2);
		assert_true(wl > wt + 0.15);
		assert_non_null(strstr(model.data, "categories\ttid\tleder\tingen_svar\tandet\n"));
	}
	train_report_release(&rep);
	buf_release(&model);
}

/* Coders who code "Ingenting" as a category (asked what the leader did):
 * the no-answer phrases take it as no answer, and training chooses the
 * rescue threshold that gives it the model's category instead, while
 * "ved ikke" stays no answer. */
static void test_rescue_learned(void **state)
{
	struct fix *x = *state;
	struct train_opts to = { 5, 7, 0, 0 };
	struct train_report rep;
	struct buf model = BUF_INIT;
	long leder = codebook_find(x->cb, "leder");
	unsigned i;

	add_answers(x->set, 200);
	for (i = 0; i < 30; i++) {
		assert_int_equal(train_set_add(x->set, "Ingenting", 9, "leder", NULL), 0);
		assert_int_equal(train_set_add(x->set, "ved ikke", 8, "ingen_svar", NULL), 0);
	}
	assert_int_equal(train_fit(x->set, &to, &rep, &model, NULL), 0);
	assert_true(rep.th[7] <= 1);
	/* the patterns miss every leder answer; the model finds the planted
	 * ones and the rescued "Ingenting" ones on held-out folds */
	assert_int_equal(rep.patterns[leder].tp, 0);
	assert_true(rep.model[leder].tp >= 90 * rep.reps);
	assert_int_equal(rep.model[codebook_find(x->cb, "ingen_svar")].fp, 0);
	{
		const char *th = strstr(model.data, "\nthresholds\t");
		size_t tabs = 0;

		assert_non_null(th);
		for (th++; *th != '\n'; th++)
			tabs += *th == '\t';
		assert_int_equal(tabs, 8);
	}
	train_report_release(&rep);
	buf_release(&model);
}

static void test_written_model_codes(void **state)
{
	struct fix *x = *state;
	struct train_report rep;
	struct buf model = BUF_INIT, path = BUF_INIT;
	struct engine *en2;
	struct engine_answer a;
	struct engine_opts eo = { 0 };
	struct codebook *cb2;
	char dir[] = "/tmp/koder-train-XXXXXX";
	FILE *fp;

	add_answers(x->set, 200);
	assert_int_equal(train_fit(x->set, NULL, &rep, &model, NULL), 0);
	assert_non_null(mkdtemp(dir));
	buf_addf(&path, "%s/t.model", dir);
	fp = fopen(path.data, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(model.data, 1, model.len, fp), model.len);
	fclose(fp);
	/* the codebook with the model: an answer no pattern codes, naming the
	 * boss, is coded leder by the model (said as the answers say it: the
	 * model learnt the words of whole answers) */
	assert_int_equal(codebook_parse(book, strlen(book), "t.json", &cb2, NULL), 0);
	free(cb2->model);
	cb2->model = strdup(path.data);
	assert_int_equal(engine_new(cb2, &eo, &en2, NULL), 0);
	engine_answer_init(&a);
	assert_int_equal(engine_code(en2, "man skal have tålmodighed, og chefen bakker ikke op",
				     strlen("man skal have tålmodighed, og chefen bakker ikke op"),
				     &a, NULL), 0);
	assert_int_equal(a.res.ncats, 1);
	assert_int_equal(a.res.cats[0], (size_t)codebook_find(cb2, "leder"));
	engine_answer_release(&a);
	engine_free(en2);
	codebook_free(cb2);
	unlink(path.data);
	rmdir(dir);
	buf_release(&path);
	buf_release(&model);
	train_report_release(&rep);
}

/* Below 1,000 answers each include pattern's words are a row of its
 * category: the model knows a pattern's words no answer used, the
 * operators are not words, and a raw expression gives none. */
static void test_pattern_rows(void **state)
{
	struct fix *x = *state;
	struct train_opts to = { 5, 7, 0, 0 };
	struct train_report rep;
	struct buf model = BUF_INIT;
	const char *line;
	double wt, wl;
	unsigned i;

	add_answers(x->set, 200);
	assert_int_equal(train_fit(x->set, &to, &rep, &model, NULL), 0);
	assert_false(rep.refused);
	/* "lederskab" and "sparring" are in no answer, only in leder's pattern */
	for (i = 0; i < 2; i++) {
		line = strstr(model.data, i ? "\nw:sparring\t" : "\nw:lederskab\t");
		assert_non_null(line);
		assert_int_equal(sscanf(strchr(line + 1, '\t'), "%lf\t%lf", &wt, &wl), 2);
		assert_true(wl > 0);
		assert_true(wl > wt);
	}
	assert_non_null(strstr(model.data, "\nw:savn\t"));
	assert_null(strstr(model.data, "\nw:4\t"));
	assert_null(strstr(model.data, "before"));
	assert_null(strstr(model.data, "noneg"));
	assert_null(strstr(model.data, "xyzzy"));
	train_report_release(&rep);
	buf_release(&model);
}

static void test_bad_codes(void **state)
{
	struct fix *x = *state;
	struct kerr e;
	struct train_report rep;

	kerr_clear(&e);
	assert_int_equal(train_set_add(x->set, "for travlt", 10, "tid;nosuch", &e), KERR_SCHEMA);
	assert_non_null(strstr(e.msg, "'nosuch'"));
	/* labels and any case are codes too */
	assert_int_equal(train_set_add(x->set, "for travlt", 10, "TID; Ledelse", NULL), 0);
	assert_int_equal(train_set_count(x->set), 1);
	/* too few answers for the folds: said plainly */
	kerr_clear(&e);
	assert_int_equal(train_fit(x->set, NULL, &rep, NULL, &e), KERR_SCHEMA);
	assert_non_null(strstr(e.msg, "too few"));
	train_report_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_planted_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_model_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rescue_learned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pattern_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_codes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

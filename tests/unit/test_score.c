/* test_score.c - the engine against the coders: counts, the answers got
 * wrong, and a scorer asked to keep only a few of them counting them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "score.h"

static const char book[] =
	"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"travl*\"]},\n"
	"{\"id\": \"andet\", \"label\": \"Andet\"}\n"
	"]}\n";

/* Five answers, three coded differently from the coders. */
static void add_five(struct score *sc)
{
	struct kerr e;

	kerr_clear(&e);
	assert_int_equal(score_add(sc, "1", "travlt", 6, "tid", &e), 0);
	assert_int_equal(score_add(sc, "2", "travlhed", 8, "andet", &e), 0);   /* wrong */
	assert_int_equal(score_add(sc, "3", "for lidt tid", 12, "tid", &e), 0);  /* wrong */
	assert_int_equal(score_add(sc, "4", "mester", 6, "andet", &e), 0);
	assert_int_equal(score_add(sc, "5", "kaffe", 5, "tid", &e), 0);          /* wrong */
}

static void test_keep_errors(void **state)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	struct engine *en = NULL;
	struct engine_opts eo = { .no_model = 1 };
	struct score *sc = NULL;
	const struct score_error *err;
	struct kerr e;
	size_t n;

	(void)state;
	kerr_clear(&e);
	assert_int_equal(codebook_parse(book, sizeof book - 1, "t.json", &cb, &errs), 0);
	assert_int_equal(engine_new(cb, &eo, &en, &errs), 0);

	/* by default every answer got wrong is kept, in the order added */
	assert_int_equal(score_new(en, &sc, &e), 0);
	add_five(sc);
	assert_int_equal(score_answers(sc), 5);
	assert_int_equal(score_wrong(sc), 3);
	err = score_errors(sc, &n);
	assert_int_equal(n, 3);
	assert_string_equal(err[0].id, "2");
	assert_string_equal(err[2].id, "5");
	score_free(sc);

	/* keeping one: the first is kept, all three still counted, and the
	 * figures are the same */
	assert_int_equal(score_new(en, &sc, &e), 0);
	score_keep_errors(sc, 1);
	add_five(sc);
	assert_int_equal(score_wrong(sc), 3);
	err = score_errors(sc, &n);
	assert_int_equal(n, 1);
	assert_string_equal(err[0].id, "2");
	assert_string_equal(err[0].text, "travlhed");
	assert_int_equal(score_counts(sc)[0].tp, 1);
	assert_int_equal(score_counts(sc)[0].fn, 2);
	score_free(sc);

	/* none kept (koder score --errors 0) */
	assert_int_equal(score_new(en, &sc, &e), 0);
	score_keep_errors(sc, 0);
	add_five(sc);
	assert_int_equal(score_wrong(sc), 3);
	(void)score_errors(sc, &n);
	assert_int_equal(n, 0);
	score_free(sc);

	engine_free(en);
	codebook_free(cb);
	kerr_list_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

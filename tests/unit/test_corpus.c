/* test_corpus.c - corpus descriptors: the shipped SOF one, value lookup,
 * every problem of a broken one reported with its JSON path. */
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
#include "corpus.h"
#include "error.h"

static void test_shipped_sof(void **state)
{
	struct corpus c;
	struct kerr_list errs = KERR_LIST_INIT;
	struct buf path = BUF_INIT;

	(void)state;
	assert_int_equal(corpus_load(&c, "corpora/sof", &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_string_equal(c.dir, "corpora/sof");
	assert_string_equal(c.id_col, "Respondent-ID");
	assert_string_equal(c.wave_col, "Måling");
	assert_int_equal(c.nwaves, 3);
	assert_int_equal(corpus_wave_of(&c, "midtvejs "), 1);
	assert_int_equal(corpus_wave_of(&c, "Slut"), -1);
	assert_int_equal(c.nroles, 2);
	assert_string_equal(c.roles[1].plural, "ledere");
	assert_int_equal(corpus_role_of(&c, "Faglig koordinator"), 1);
	assert_int_equal(corpus_role_of(&c, "Virksomhedskonsulent"), 0);
	assert_int_equal(corpus_role_of(&c, "Medarbejder"), 0);
	assert_int_equal(corpus_role_of(&c, "Borgmester"), -1);
	assert_int_equal(c.nby, 1);
	assert_non_null(corpus_question_find(&c, "undtagelser"));
	assert_ptr_equal(corpus_question_find(&c, "barrierer for implementeringen"),
			 &c.questions[0]);
	assert_null(corpus_question_find(&c, "nope"));
	corpus_resolve(&c, c.survey, &path);
	assert_string_equal(path.data, "corpora/sof/survey.csv");
	buf_release(&path);
	corpus_release(&c);
	corpus_release(&c);
}

static void test_every_problem_reported(void **state)
{
	static const char bad[] =
		"{\"survey\": 3, \"columns\": {\"wave\": \"W\"},\n"
		" \"waves\": [\"A\", 7], \"roles\": [{\"plural\": \"x\"}],\n"
		" \"questions\": [{\"id\": \"q\", \"column\": \"C\"}]}";
	char dir[] = "/tmp/koder-corpus-XXXXXX", file[64];
	struct corpus c;
	struct kerr_list errs = KERR_LIST_INIT;
	FILE *fp;
	size_t i;
	struct buf all = BUF_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/corpus.json", dir);
	fp = fopen(file, "w");
	fputs(bad, fp);
	fclose(fp);
	assert_int_equal(corpus_load(&c, file, &errs), KERR_SCHEMA);
	for (i = 0; i < errs.n; i++)
		buf_addf(&all, "%s|", errs.items[i].path);
	assert_string_equal(all.data, "survey|columns.id|waves[1]|roles[0].name|questions[0].codebook|");
	assert_null(c.dir);
	kerr_list_release(&errs);
	fp = fopen(file, "w");
	fputs("{\"survey\": \"s.csv\",\n  oops}", fp);
	fclose(fp);
	assert_int_equal(corpus_load(&c, dir, &errs), KERR_SYNTAX);
	assert_int_equal(errs.items[0].line, 2);
	kerr_list_release(&errs);
	remove(file);
	rmdir(dir);
	assert_int_equal(corpus_load(&c, dir, &errs), KERR_IO);
	kerr_list_release(&errs);
	buf_release(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_sof),
		cmocka_unit_test(test_every_problem_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

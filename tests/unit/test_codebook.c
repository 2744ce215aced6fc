/* test_codebook.c - loading codebook JSON: the fields, the built-in
 * ingen_svar, nets and their members, and that every problem is reported
 * with its JSON path, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "error.h"

static int parse(const char *text, struct codebook **cb, struct kerr_list *errs)
{
	return codebook_parse(text, strlen(text), "t.json", cb, errs);
}

/* The error in `l` whose path is `path`, or NULL. */
static const struct kerr *find(const struct kerr_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].path, path))
			return &l->items[i];
	return NULL;
}

static void test_good(void **state)
{
	static const char text[] =
		"{\"id\": \"x\", \"version\": 2, \"title\": \"T\", \"language\": \"da\",\n"
		" \"nets\": [{\"id\": \"n1\", \"label\": \"Net én\"}],\n"
		" \"categories\": [\n"
		"  {\"id\": \"a\", \"label\": \"Å\", \"net\": \"n1\", \"include\": [\"tid\"],\n"
		"   \"replaces\": [\"old_a\"], \"negation\": false},\n"
		"  {\"id\": \"b\", \"label\": \"B\", \"include\": [\"b*\"], \"exclude\": [\"bx\"],\n"
		"   \"examples\": [\"b\"], \"counterexamples\": [\"c\"], \"_note\": \"ok\"},\n"
		"  {\"id\": \"andet\", \"label\": \"Andet\"}\n"
		" ], \"nonsubstantive\": [\"ingen barrierer\"]}\n";
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;

	(void)state;
	assert_int_equal(parse(text, &cb, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_string_equal(cb->id, "x");
	assert_string_equal(cb->version, "2");
	assert_int_equal(cb->ncats, 4);
	assert_string_equal(cb->cats[3].id, "ingen_svar");
	assert_true(cb->cats[3].builtin);
	assert_int_equal(cb->ingen_svar, 3);
	assert_int_equal(cb->andet, 2);
	assert_true(cb->cats[2].residual);
	assert_int_equal(cb->cats[0].net_index, 0);
	assert_false(cb->cats[0].negation);
	assert_true(cb->cats[1].negation);
	assert_int_equal(cb->nets[0].nmembers, 1);
	assert_int_equal(cb->nets[0].members[0], 0);
	assert_string_equal(cb->cats[0].replaces[0], "old_a");
	assert_int_equal(cb->cats[1].nexclude, 1);
	assert_int_equal(codebook_find(cb, "b"), 1);
	assert_int_equal(codebook_find(cb, "zz"), -1);
	assert_int_equal(codebook_find_net(cb, "n1"), 0);
	assert_true(cb->nnonsubstantive > cb->nnonsubstantive_default);
	assert_string_equal(cb->nonsubstantive[cb->nnonsubstantive - 1], "ingen barrierer");
	{
		long line, col;

		codebook_locate(cb, "categories[1].include[0]", &line, &col);
		assert_int_equal(line, 6);
		assert_int_equal(col, 41);
	}
	codebook_free(cb);
	kerr_list_release(&errs);
}

/* There is an error at `path` on `line` (0 = any) saying `needle`. */
static void expect(const struct kerr_list *l, const char *path, long line, long col,
		   const char *needle)
{
	const struct kerr *e = find(l, path);

	if (!e)
		fail_msg("no error at %s", path);
	assert_string_equal(e->file, "t.json");
	if (line)
		assert_int_equal(e->line, line);
	if (col)
		assert_int_equal(e->col, col);
	if (needle && !strstr(e->msg, needle))
		fail_msg("error at %s says '%s', expected '%s'", path, e->msg, needle);
}

static void test_all_errors_located(void **state)
{
	static const char text[] =
		"{\"id\": \"x\", \"version\": 1,\n"
		" \"categories\": [\n"
		"  {\"id\": \"a\", \"label\": \"A\", \"net\": \"nope\", \"include\": [\"tid\", 3]},\n"
		"  {\"id\": \"a\", \"label\": \"A2\", \"include\": [\"x\"]},\n"
		"  {\"id\": \"B\u00e6\", \"label\": \"B\", \"include\": []},\n"
		"  {\"id\": \"c\", \"exlude\": [\"x\"], \"include\": [\"c\"]}\n"
		" ]}\n";
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;

	(void)state;
	assert_int_equal(parse(text, &cb, &errs), KERR_SCHEMA);
	assert_null(cb);
	expect(&errs, "categories[0].net", 3, 36, "unknown net");
	expect(&errs, "categories[0].include[1]", 3, 0, "expected a string");
	expect(&errs, "categories[1].id", 4, 0, "duplicate");
	expect(&errs, "categories[2].id", 5, 0, "plain id");
	expect(&errs, "categories[2].include", 5, 0, "no include patterns");
	expect(&errs, "categories[3].exlude", 6, 0, "unknown key");
	expect(&errs, "categories[3].label", 6, 3, "missing");  /* the category: the key is missing */
	assert_int_equal(errs.n, 7);
	kerr_list_release(&errs);
}

static void test_syntax_error(void **state)
{
	static const char text[] = "{\"id\": \"x\",\n \"version\": 1\n \"categories\": []}";
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;

	(void)state;
	assert_int_equal(parse(text, &cb, &errs), KERR_SYNTAX);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.items[0].line, 3);
	assert_int_equal(errs.items[0].col, 2);
	kerr_list_release(&errs);
	assert_int_equal(parse("{\"id\": \"x\"} x", &cb, &errs), KERR_SYNTAX);
	assert_int_equal(errs.items[0].col, 13);
	kerr_list_release(&errs);
}

static void test_missing_file(void **state)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;

	(void)state;
	assert_int_equal(codebook_load("/nonexistent/cb.json", &cb, &errs), KERR_IO);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.items[0].file, "/nonexistent/cb.json");
	kerr_list_release(&errs);
}

static void test_shipped_codebooks_load(void **state)
{
	static const char *const files[] = {
		"codebooks/sof-barrierer.json", "codebooks/sof-undtagelser.json",
		"codebooks/sygdom-aarsager.json", NULL
	};
	size_t i;

	(void)state;
	for (i = 0; files[i]; i++) {
		struct kerr_list errs = KERR_LIST_INIT;
		struct codebook *cb = NULL;

		assert_int_equal(codebook_load(files[i], &cb, &errs), 0);
		assert_int_equal(errs.n, 0);
		assert_true(cb->andet >= 0);
		codebook_free(cb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_all_errors_located),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_shipped_codebooks_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_qdc.c - REFI-QDA codebooks: slugs, stable guids, write/read round
 * trip, groups as nets, ATLAS.ti-style Sets, and broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "qdc.h"

static void slug_is(const char *name, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(qdc_slug(name, &b), 0);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void test_slug(void **state)
{
	(void)state;
	slug_is("Rettidighed", "rettidighed");
	slug_is("Større administrativ byrde", "stoerre_administrativ_byrde");
	slug_is("  Afstand -- til AG!  ", "afstand_til_ag");
	slug_is("Svær kulturændring blandt medarbejdere i deres nye rolle",
		"svaer_kulturaendring_blandt_medarbejdere");
	slug_is("1. samtale", "k_1_samtale");
	slug_is("???", "kode");
	slug_is("Café på Ærø", "cafe_paa_aeroe");
}

static void test_guid_stable(void **state)
{
	struct qdc_book a, b;

	(void)state;
	qdc_book_init(&a);
	qdc_book_init(&b);
	assert_int_equal(qdc_book_add(&a, "sof", "afstand", "Afstand", NULL, 1, QDC_NONE, NULL), 0);
	assert_int_equal(qdc_book_add(&b, "sof", "afstand", "Lang afstand", "x", 1, QDC_NONE, NULL), 0);
	assert_int_equal(qdc_book_add(&b, "sof", "velvilje", "Velvilje", NULL, 1, QDC_NONE, NULL), 0);
	/* a relabel keeps the guid; another id gets another one */
	assert_string_equal(a.codes[0].guid, b.codes[0].guid);
	assert_string_not_equal(b.codes[0].guid, b.codes[1].guid);
	assert_int_equal(strlen(a.codes[0].guid), 36);
	assert_int_equal(a.codes[0].guid[14], '8');
	qdc_book_release(&a);
	qdc_book_release(&b);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/koder-qdc-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_round_trip(void **state)
{
	struct qdc_book b, r;
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;
	char *path = strdup("/tmp/koder-qdc-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	cJSON *json;
	char *s;

	(void)state;
	qdc_book_init(&b);
	qdc_book_init(&r);
	assert_int_equal(qdc_book_add(&b, "u", "foer", "Før inddragelse", NULL, 0, QDC_NONE, NULL), 0);
	assert_int_equal(qdc_book_add(&b, "u", "afstand", "Lang afstand <30 km> & \"mere\"",
		"Lang vej\ntil arbejdspladsen", 1, 0, NULL), 0);
	assert_int_equal(qdc_book_add(&b, "u", "andet", "Andet", NULL, 1, QDC_NONE, NULL), 0);
	assert_int_equal(qdc_write(&b, f, NULL), 0);
	fclose(f);
	assert_int_equal(qdc_read(path, &r, &warn, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(warn.n, 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.codes[1].name, "Lang afstand <30 km> & \"mere\"");
	assert_string_equal(r.codes[1].description, "Lang vej\ntil arbejdspladsen");
	assert_string_equal(r.codes[1].guid, b.codes[1].guid);
	assert_int_equal(r.codes[1].parent, 0);
	assert_int_equal(r.codes[0].codable, 0);
	assert_string_equal(r.codes[0].key, "foer_inddragelse");

	assert_int_equal(qdc_to_json(&r, "u", "Undtagelser", &json, NULL), 0);
	s = cJSON_PrintUnformatted(json);
	assert_non_null(strstr(s, "\"nets\":[{\"id\":\"foer_inddragelse\",\"label\":\"Før inddragelse\"}]"));
	assert_non_null(strstr(s, "\"net\":\"foer_inddragelse\",\"include\":[]"));
	free(s);
	cJSON_Delete(json);
	unlink(path);
	free(path);
	qdc_book_release(&b);
	qdc_book_release(&r);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
}

static void test_sets_and_nesting(void **state)
{
	struct qdc_book r;
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;
	char *path = write_tmp(
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<CodeBook origin=\"ATLAS.ti\" xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\n"
		"<Code guid=\"1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\" name=\"Tid\" isCodable=\"true\">\n"
		"  <Code guid=\"2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\" name=\"Tid\" isCodable=\"true\"/>\n"
		"</Code>\n"
		"<Code guid=\"3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\" name=\"ingen svar\" isCodable=\"true\"/>\n"
		"</Codes><Sets><Set name=\"Gruppe\" guid=\"4FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\">"
		"<MemberCode guid=\"3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\"/></Set></Sets></CodeBook>\n");

	(void)state;
	qdc_book_init(&r);
	assert_int_equal(qdc_read(path, &r, &warn, &errs), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.codes[0].key, "tid");
	assert_string_equal(r.codes[1].key, "tid_2");
	assert_string_equal(r.codes[2].key, "ingen_svar_2");
	assert_int_equal(r.codes[2].parent, 3);
	assert_int_equal(warn.n, 1);
	assert_string_equal(r.origin, "ATLAS.ti");
	unlink(path);
	free(path);
	qdc_book_release(&r);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
}

static void bad_file(const char *text, enum kerr_code want, long line, const char *msg)
{
	struct qdc_book r;
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;
	char *path = write_tmp(text);

	qdc_book_init(&r);
	assert_int_equal(qdc_read(path, &r, &warn, &errs), want);
	assert_true(errs.n >= 1);
	assert_int_equal(errs.items[0].line, line);
	assert_non_null(strstr(errs.items[0].msg, msg));
	unlink(path);
	free(path);
	qdc_book_release(&r);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
}

static void test_bad_files(void **state)
{
	(void)state;
	bad_file("<CodeBook><Codes>\n<Code name=\"x\">\n</Codes>", KERR_SYNTAX, 3, "not well-formed");
	bad_file("<Project/>", KERR_SCHEMA, 1, "not <CodeBook>");
	bad_file("<CodeBook>\n<Codes><Code guid=\"x\" isCodable=\"true\"/></Codes></CodeBook>",
		KERR_SCHEMA, 2, "no name");
	bad_file("<CodeBook><Codes><Code name=\"g\" isCodable=\"false\"/></Codes></CodeBook>",
		KERR_SCHEMA, 1, "no codable codes");
	bad_file("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
		"<CodeBook><Codes><Code name=\"&e;\" isCodable=\"true\"/></Codes></CodeBook>",
		KERR_SYNTAX, 2, "declares the entity \"e\"");
	/* an internal entity too: xmlGetProp would expand every use of it */
	bad_file("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY big \"xxxxxxxxxx\">]>\n"
		"<CodeBook><Codes><Code name=\"&big;&big;\" isCodable=\"true\"/></Codes></CodeBook>",
		KERR_SYNTAX, 2, "does not expand entities");
}

static void test_missing_file(void **state)
{
	struct qdc_book r;
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;

	(void)state;
	qdc_book_init(&r);
	assert_int_equal(qdc_read("/nonexistent/x.qdc", &r, &warn, &errs), KERR_IO);
	qdc_book_release(&r);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_guid_stable),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sets_and_nesting),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_pii.c - personal data: CPR dates and centuries, phone groupings,
 * e-mail, names, masking, kind lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "pii.h"

/* Mask `in` with all kinds and compare with `want`. */
static void check_mask(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	size_t found;

	assert_int_equal(pii_mask(in, strlen(in), PII_ALL, &b, &found, NULL), 0);
	if (strcmp(b.data, want))
		fail_msg("masking '%s'\n got '%s'\nwant '%s'", in, b.data, want);
	buf_release(&b);
}

static void test_cpr_dates(void **state)
{
	(void)state;
	assert_true(pii_cpr_valid("0102031234"));
	assert_true(pii_cpr_valid("3112994321"));
	assert_false(pii_cpr_valid("3202031234"));   /* no 32nd */
	assert_false(pii_cpr_valid("0113031234"));   /* no 13th month */
	assert_false(pii_cpr_valid("0002031234"));   /* no day 0 */
	assert_false(pii_cpr_valid("3104801234"));   /* 31 April */
}

static void test_cpr_centuries(void **state)
{
	(void)state;
	/* digit 7 = 0-3: 1900s; 1900 is not a leap year */
	assert_false(pii_cpr_valid("2902000123"));
	assert_true(pii_cpr_valid("2902960123"));
	/* 4: 00-36 -> 2000s (2000 is a leap year), else 1900s */
	assert_true(pii_cpr_valid("2902004123"));
	assert_false(pii_cpr_valid("2902014123"));
	/* 5-8: 00-57 -> 2000s, 58-99 -> 1800s (1800 not leap, 1880 leap) */
	assert_true(pii_cpr_valid("2902085123"));
	assert_true(pii_cpr_valid("2902805123"));
	assert_false(pii_cpr_valid("2902705123"));   /* 1870 */
	/* 9: like 4 */
	assert_true(pii_cpr_valid("2902369123"));
	assert_false(pii_cpr_valid("2902379123"));   /* 1937 */
	/* modulus 11 is not required: 0101011234 fails it but is a valid number */
	assert_true(pii_cpr_valid("0101011234"));
}

static void test_cpr_in_text(void **state)
{
	(void)state;
	check_mask("cpr 010203-1234.", "cpr [CPR].");
	check_mask("cpr 0102031234", "cpr [CPR]");
	check_mask("cpr 010203 1234", "cpr [CPR]");
	check_mask("sagsnr 3202031234", "sagsnr 3202031234");
	check_mask("x0102031234", "x0102031234");
	check_mask("01020312345", "01020312345");
	check_mask("010203-12345", "010203-12345");
}

static void test_phone(void **state)
{
	(void)state;
	check_mask("ring 22334455", "ring [TELEFON]");
	check_mask("ring 22 33 44 55!", "ring [TELEFON]!");
	check_mask("ring 2233 4455", "ring [TELEFON]");
	check_mask("ring 2233-4455", "ring [TELEFON]");
	check_mask("ring +45 22334455", "ring [TELEFON]");
	check_mask("ring +4522334455", "ring [TELEFON]");
	check_mask("ring 0045 22 33 44 55", "ring [TELEFON]");
	check_mask("ring (+45) 2233 4455", "ring [TELEFON]");
	/* not phone numbers */
	check_mask("i 2019-2020 og 2020 2021", "i 2019-2020 og 2020 2021");
	check_mask("nr 12345678", "nr 12345678");             /* starts with 1 */
	check_mask("22 33 44 55 66", "22 33 44 55 66");       /* too many groups */
	check_mask("budget 25000000 kr", "budget 25000000 kr");
	check_mask("kr. 25000000", "kr. 25000000");
	check_mask("3,25000000", "3,25000000");
	check_mask("22 33-44 55", "22 33-44 55");             /* mixed separators */
	check_mask("Anført af 58 ud af 125", "Anført af 58 ud af 125");
	check_mask("20-11-2020", "20-11-2020");
}

static void test_email(void **state)
{
	(void)state;
	check_mask("skriv til mette.hansen@kk.dk.", "skriv til [EMAIL].");
	check_mask("<a_b+c@sub.example.com>", "<[EMAIL]>");
	check_mask("hej @ alle", "hej @ alle");
	check_mask("x@y", "x@y");
	check_mask("x@y.1", "x@y.1");
}

static void test_names(void **state)
{
	(void)state;
	check_mask("Jeg talte med Mette Hansen i går", "Jeg talte med [NAVN] i går");
	check_mask("Mette Hansen ringede", "[NAVN] ringede");
	check_mask("Anne Marie Sørensen kom", "[NAVN] kom");
	check_mask("min sagsbehandler Søren sagde", "min sagsbehandler [NAVN] sagde");
	check_mask("vi talte med hr. Larsen", "vi talte med hr. [NAVN]");
	check_mask("det sagde Jensen også", "det sagde [NAVN] også");
	check_mask("spørg Hans-Henrik Møller", "spørg [NAVN]");
	check_mask("ministeren Mette F. sagde", "ministeren [NAVN] sagde");
	/* not names */
	check_mask("Per uge kommer der 10", "Per uge kommer der 10");
	check_mask("Mette synes det er fint", "[NAVN] synes det er fint");
	check_mask("det var Per og Bo", "det var [NAVN] og [NAVN]");
	check_mask("Bo i eget hjem. Hans leder", "Bo i eget hjem. Hans leder");
	check_mask("hans leder ringede", "hans leder ringede");
	check_mask("kontakt til AG og SDP", "kontakt til AG og SDP");
	check_mask("samarbejde med Jobcenter Aarhus", "samarbejde med Jobcenter Aarhus");
	check_mask("Mette AG", "[NAVN] AG");
}

static void test_overlap_priority(void **state)
{
	struct pii_hits h = PII_HITS_INIT;
	const char *s = "jens.jensen@x.dk Jens Jensen";

	(void)state;
	assert_int_equal(pii_find(s, strlen(s), PII_ALL, &h, NULL), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.v[0].kind, PII_EMAIL);
	assert_int_equal(h.v[1].kind, PII_NAME);
	assert_int_equal(h.v[1].start, 17);
	/* only the kinds asked for */
	assert_int_equal(pii_find(s, strlen(s), PII_NAME, &h, NULL), 0);
	assert_int_equal(h.n, 1);
	pii_hits_release(&h);
}

static void test_hostile_bytes(void **state)
{
	static const char junk[] = "\xc3\x00@\xff.\xc3" "12345678\x80@@..-\xc3\x85se \xc3";
	struct pii_hits h = PII_HITS_INIT;
	char *big;
	size_t i, n = 1 << 20;

	(void)state;
	assert_int_equal(pii_find(junk, sizeof(junk) - 1, PII_ALL, &h, NULL), 0);
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = "Mette Hansen 22334455 a@b.dk "[i % 29];
	assert_int_equal(pii_find(big, n, PII_ALL, &h, NULL), 0);
	assert_true(h.n > 100000);
	for (i = 1; i < h.n; i++)
		assert_true(h.v[i].start >= h.v[i - 1].end);
	free(big);
	pii_hits_release(&h);
}

static void test_kinds_parse(void **state)
{
	unsigned k = 0;
	struct kerr e;

	(void)state;
	assert_int_equal(pii_kinds_parse("cpr,email", &k, NULL), 0);
	assert_int_equal(k, PII_CPR | PII_EMAIL);
	assert_int_equal(pii_kinds_parse("all", &k, NULL), 0);
	assert_int_equal(k, PII_ALL);
	kerr_clear(&e);
	assert_int_equal(pii_kinds_parse("cpr,adresse", &k, &e), KERR_USAGE);
	assert_non_null(strstr(e.msg, "'adresse'"));
	assert_int_equal(pii_kinds_parse("", &k, NULL), KERR_USAGE);
}

static void test_mask_limit(void **state)
{
	struct buf b;
	struct kerr e;

	(void)state;
	buf_init(&b, 4);
	kerr_clear(&e);
	assert_int_equal(pii_mask("ring 22334455", 13, PII_ALL, &b, NULL, &e), KERR_LIMIT);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpr_dates),
		cmocka_unit_test(test_cpr_centuries),
		cmocka_unit_test(test_cpr_in_text),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_overlap_priority),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_kinds_parse),
		cmocka_unit_test(test_mask_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

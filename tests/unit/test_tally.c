/* test_tally.c - counting X and Y per wave and role (nets once, ingen_svar
 * out of the base, reviewed answers counted) and every report format. */
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
#include "error.h"
#include "report.h"
#include "tally.h"

static const struct tally_cat_def cats[] = {
	{ "foer", "Kriterier før inddragelse", NULL, 1 },
	{ "tidlig", "Tidlig raskmelding", "foer", 0 },
	{ "afstand", "Lang afstand", "foer", 0 },
	{ "andet", "Andet", NULL, 0 },
};

/* Midtvejs: 3 employees (one "ved ikke", one both net members, one andet),
 * 1 leader with no answer; Afslutning: 1 leader tidlig, reviewed. */
static struct tally *sample(void)
{
	struct tally *t;
	unsigned char f[4];
	enum tally_kind k;
	struct kerr e;

	assert_int_equal(tally_new(&t, "Andre undtagelseskriterier", "undtagelser", "sof-u",
				   "Undtagelser", "2", cats, 4, &e), 0);
	assert_int_equal(tally_wave(t, "Nulpunkt"), 0);
	assert_int_equal(tally_wave(t, "Midtvejs"), 1);
	assert_int_equal(tally_wave(t, "Afslutning"), 2);
	assert_int_equal(tally_role(t, "Medarbejder", "medarbejdere"), 0);
	assert_int_equal(tally_role(t, "Leder", "ledere"), 1);
	assert_int_equal(tally_wave(t, "Midtvejs"), 1);
	assert_int_equal(tally_parse_codes(t, "ingen_svar", f, &k, &e), 0);
	assert_int_equal(k, TALLY_NONSUBST);
	tally_add(t, 0, 1, 0, k, f, 0);
	assert_int_equal(tally_parse_codes(t, "tidlig; afstand", f, &k, &e), 0);
	assert_int_equal(k, TALLY_SUBST);
	tally_add(t, 0, 1, 0, k, f, 0);
	assert_int_equal(tally_parse_codes(t, "andet", f, &k, &e), 0);
	tally_add(t, 0, 1, 0, k, f, 0);
	tally_add(t, 0, 1, 1, TALLY_EMPTY, NULL, 0);
	tally_add(t, 0, 0, 0, TALLY_EMPTY, NULL, 0);
	assert_int_equal(tally_parse_codes(t, "tidlig", f, &k, &e), 0);
	tally_add(t, 0, 2, 1, k, f, 1);
	return t;
}

/* The y="..." of the SVG tag whose class attribute is at p, or -1. */
static double text_y(const char *s, const char *p)
{
	const char *q = p;

	while (q > s && q[-1] != '<')
		q--;
	q = strstr(q, " y=\"");
	return q && q < p ? atof(q + 4) : -1;
}

static void test_counts(void **state)
{
	struct tally *t = sample();
	const struct tally_cell *c;
	unsigned char f[4];
	enum tally_kind k;
	struct kerr e;

	(void)state;
	c = tally_cell(t, 0, 1, 0);
	assert_non_null(c);
	assert_int_equal(c->respondents, 3);
	assert_int_equal(c->answered, 3);
	assert_int_equal(c->base, 2);
	assert_int_equal(c->count[0], 1);  /* the net: once, though both members apply */
	assert_int_equal(c->count[1], 1);
	assert_int_equal(c->count[2], 1);
	assert_int_equal(c->count[3], 1);
	assert_int_equal(c->reviewed, 0);
	c = tally_cell(t, 0, 1, 1);
	assert_int_equal(c->respondents, 1);
	assert_int_equal(c->base, 0);
	c = tally_cell(t, 0, 2, 1);
	assert_int_equal(c->reviewed, 1);
	assert_int_equal(c->count[0], 1);
	assert_null(tally_cell(t, 0, 2, 0));
	assert_false(tally_wave_asked(t, 0, 0));
	assert_true(tally_wave_asked(t, 0, 1));
	assert_int_equal(tally_parse_codes(t, "tidlig;nope", f, &k, &e), KERR_SCHEMA);
	assert_string_equal(e.path, "nope");
	assert_int_equal(tally_parse_codes(t, "foer", f, &k, &e), KERR_SCHEMA);
	assert_int_equal(tally_parse_codes(t, "", f, &k, &e), 0);
	assert_int_equal(k, TALLY_SUBST);
	tally_free(t);
}

static void test_unknown_net(void **state)
{
	static const struct tally_cat_def bad[] = { { "a", "A", "zz", 0 } };
	struct tally *t;
	struct kerr e;

	(void)state;
	assert_int_equal(tally_new(&t, "q", NULL, "cb", "", "", bad, 1, &e), KERR_SCHEMA);
	assert_null(t);
}

/* Many cells (a --by split over many groups) stay findable. */
static void test_many_cells(void **state)
{
	struct tally *t;
	struct kerr e;
	char name[16];
	size_t g;

	(void)state;
	assert_int_equal(tally_new(&t, "q", NULL, "cb", "", "", cats, 4, &e), 0);
	tally_wave(t, "W");
	tally_role(t, "R", NULL);
	for (g = 0; g < 500; g++) {
		snprintf(name, sizeof(name), "g%zu", g);
		assert_int_equal(tally_group(t, name), (long)g);
		tally_add(t, g, 0, 0, TALLY_SUBST, (const unsigned char *)"\0\1\0\0", 0);
		tally_add(t, g, 0, 0, TALLY_EMPTY, NULL, 0);
	}
	assert_int_equal(tally_group(t, "g7"), 7);
	assert_int_equal(tally_group(t, "g499"), 499);
	assert_int_equal(t->ngroups, 500);
	for (g = 0; g < 500; g++) {
		const struct tally_cell *c = tally_cell(t, g, 0, 0);

		assert_int_equal(c->group, g);
		assert_int_equal(c->respondents, 2);
		assert_int_equal(c->count[1], 1);
	}
	tally_free(t);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t got;

	assert_non_null(fp);
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, got);
	fclose(fp);
	return buf_detach(&b, n);
}

static void test_formats(void **state)
{
	struct tally *t = sample();
	char dir[] = "/tmp/koder-tally-XXXXXX", path[64];
	struct kerr e;
	char *s;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.txt", dir);
	assert_int_equal(report_write(&t, 1, REPORT_TEXT, path, &e), 0);
	s = slurp(path, &n);
	assert_non_null(strstr(s, "Kriterier før inddragelse (samlet)\n"
			       "  Midtvejs: Anført af 1 ud af 2 medarbejdere.\n"
			       "  Afslutning: Anført af 1 ud af 1 ledere.\n"));
	assert_null(strstr(s, "Nulpunkt:"));
	assert_non_null(strstr(s, "  Midtvejs, medarbejdere: 3 respondenter, 3 svarede, "
			       "2 substantielt (Y); 0 af 3 svar gennemset af en koder.\n"
			       "  Midtvejs, ledere: 1 respondenter, 0 svarede"));
	assert_non_null(strstr(s, "  Afslutning, ledere: 1 respondenter, 1 svarede, 1 substantielt "
			       "(Y); 1 af 1 svar gennemset af en koder.\n"));
	free(s);
	remove(path);

	snprintf(path, sizeof(path), "%s/t.csv", dir);
	assert_int_equal(report_write(&t, 1, REPORT_CSV, path, &e), 0);
	s = slurp(path, &n);
	assert_memory_equal(s, "\xEF\xBB\xBFSpørgsmål;Kodebog;Måling;", 27);
	assert_non_null(strstr(s, "\r\nAndre undtagelseskriterier;sof-u;Midtvejs;Medarbejder;"
			       "tidlig;Tidlig raskmelding;nej;1;2;50,0;3;0;9,5;90,5;ja\r\n"));
	free(s);
	remove(path);

	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(report_write(&t, 1, REPORT_JSON, path, &e), 0);
	s = slurp(path, &n);
	assert_non_null(strstr(s, "\"wave\":\t\"Midtvejs\",\n\t\t\"role\":\t\"Medarbejder\",\n"
			       "\t\t\"category\":\t\"foer\""));
	assert_non_null(strstr(s, "\"share\":\t0.5,"));
	assert_non_null(strstr(s, "\"share\":\tnull"));
	free(s);
	remove(path);

	snprintf(path, sizeof(path), "%s/t.md", dir);
	assert_int_equal(report_write(&t, 1, REPORT_MD, path, &e), 0);
	s = slurp(path, &n);
	assert_non_null(strstr(s, "| **Kriterier før inddragelse** (samlet) | 1 af 2 (50 %) |"));
	free(s);
	remove(path);

	snprintf(path, sizeof(path), "%s/t.xlsx", dir);
	assert_int_equal(report_write(&t, 1, REPORT_XLSX, path, &e), 0);
	s = slurp(path, &n);
	assert_memory_equal(s, "PK", 2);
	free(s);
	remove(path);
	assert_int_equal(report_write(&t, 1, REPORT_XLSX, "-", &e), KERR_INVALID);

	snprintf(path, sizeof(path), "%s/t.svg", dir);
	assert_int_equal(report_chart_svg(&t, 1, "SOF & co", path, &e), 0);
	s = slurp(path, &n);
	assert_non_null(strstr(s, "<svg xmlns="));
	assert_non_null(strstr(s, "SOF &amp; co"));
	assert_non_null(strstr(s, "Midtvejs, medarbejdere (Y = 2)"));
	assert_non_null(strstr(s, "50 % (1/2)"));
	{
		/* the axis labels (11px) stand clear below the legend (12px) */
		double legend = 0, axis = 1e9, v;
		const char *p;

		for (p = s; (p = strstr(p, "class=\"l\"")); p++)
			if ((v = text_y(s, p)) > legend)
				legend = v;
		for (p = s; (p = strstr(p, "class=\"a\"")); p++)
			if ((v = text_y(s, p)) >= 0 && v < axis)
				axis = v;
		assert_true(legend > 0 && axis < 1e9);
		assert_true(axis - legend >= 20);
	}
	free(s);
	remove(path);

	/* An unwritable target: an error naming it, nothing left behind. */
	snprintf(path, sizeof(path), "%s/no/such/dir.txt", dir);
	assert_int_equal(report_write(&t, 1, REPORT_TEXT, path, &e), KERR_WRITE);
	rmdir(dir);
	tally_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_unknown_net),
		cmocka_unit_test(test_many_cells),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

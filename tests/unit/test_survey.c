/* test_survey.c - the one survey reader every command uses: waves and roles
 * resolved to the descriptor's names (by name, by value, trimmed), values
 * the descriptor lacks kept as written (trimmed) or, without a list, folded
 * to the first spelling; blank cells "(ukendt)", no column "(alle)"; the
 * duplicate check keyed by (wave, id), so a panel id in two waves is no
 * duplicate, and its error naming both lines; a wide panel export read once
 * per wave; a survey in a file per wave read as one, in one header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "error.h"
#include "survey.h"

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
	static char p[128];
	FILE *fp;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_survey.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void corpus_with(struct corpus *c, int waves)
{
	assert_int_equal(corpus_init(c), 0);
	assert_int_equal(corpus_set_str(&c->id_col, "id"), 0);
	assert_int_equal(corpus_set_str(&c->wave_col, "runde"), 0);
	assert_int_equal(corpus_set_str(&c->role_col, "rolle"), 0);
	assert_int_equal(corpus_add_question(c, "svar", "Svar", NULL), 0);
	if (waves) {
		c->waves = calloc(2, sizeof *c->waves);
		c->waves[0].name = strdup("Nulpunkt");
		c->waves[1].name = strdup("Afslutning");
		c->waves[1].values = calloc(1, sizeof(char *));
		c->waves[1].values[0] = strdup("slut");
		c->waves[1].nvalues = 1;
		c->nwaves = 2;
	}
}

static void waves_and_roles(void **state)
{
	struct corpus c;
	struct survey *s = NULL;
	struct survey_row row;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	const char *p = write_file("a.csv", "id;runde;rolle;Svar\n"
		"1;Nulpunkt;Leder;a\n"
		"2; nulpunkt ;;b\n"
		"3;SLUT;Leder;c\n"
		"4;Midtvejs;leder;d\n"
		"5;  ; Leder ;e\n");

	(void)state;
	corpus_with(&c, 1);
	assert_int_equal(survey_open(&s, &c, p, NULL, &errs), 0);
	kerr_clear(&e);
	assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
	assert_string_equal(row.wave, "Nulpunkt");
	assert_int_equal(row.wave_index, 0);
	assert_string_equal(row.role, "Leder");   /* no role list: the value */
	assert_int_equal(row.role_index, -1);
	assert_string_equal(row.answer[0], "a");
	assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
	assert_string_equal(row.wave, "Nulpunkt");   /* trimmed, any case */
	assert_string_equal(row.role, SURVEY_UNKNOWN);
	assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
	assert_string_equal(row.wave, "Afslutning");  /* by one of its values */
	assert_int_equal(row.wave_index, 1);
	assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
	assert_string_equal(row.wave, "Midtvejs");   /* not listed: as written */
	assert_int_equal(row.wave_index, -1);
	assert_string_equal(row.role, "Leder");      /* no list: first spelling */
	assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
	assert_string_equal(row.wave, SURVEY_UNKNOWN);
	assert_string_equal(row.role, "Leder");      /* trimmed */
	assert_int_equal(survey_next(s, &row, &e), SURVEY_END);
	survey_close(s);
	corpus_release(&c);
	kerr_list_release(&errs);
}

static void duplicates(void **state)
{
	struct corpus c;
	struct survey *s = NULL;
	struct survey_row row;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	long dup[6];
	int i = 0, got;
	const char *p = write_file("d.csv", "id;runde;rolle;Svar\n"
		"A1;Nulpunkt;Leder;a\n"
		"A1;Afslutning;Leder;b\n"     /* a panel: the same id in another wave */
		"A2;Nulpunkt;Leder;c\n"
		"A1;nulpunkt;Leder;d\n"       /* the same wave spelt otherwise */
		" ;Nulpunkt;Leder;e\n"
		" ;Nulpunkt;Leder;f\n");      /* blank ids are not duplicates */

	(void)state;
	corpus_with(&c, 1);
	assert_int_equal(survey_open(&s, &c, p, NULL, &errs), 0);
	kerr_clear(&e);
	while ((got = survey_next(s, &row, &e)) == SURVEY_ROW) {
		dup[i++] = row.dup_line;
		if (row.dup_line) {
			struct kerr de;

			kerr_clear(&de);
			assert_int_equal(survey_dup_error(s, &row, &de), KERR_SCHEMA);
			assert_string_equal(de.msg, "respondent id \"A1\" appears twice in wave "
				"Nulpunkt: on line 2 and on line 5");
			assert_int_equal(de.line, 5);
			assert_string_equal(de.path, "id");
		}
	}
	assert_int_equal(got, SURVEY_END);
	assert_int_equal(i, 6);
	assert_int_equal(dup[0], 0);
	assert_int_equal(dup[1], 0);
	assert_int_equal(dup[2], 0);
	assert_int_equal(dup[3], 2);
	assert_int_equal(dup[4], 0);
	assert_int_equal(dup[5], 0);
	survey_close(s);
	corpus_release(&c);
	kerr_list_release(&errs);
}

/* 200,000 respondents in two waves: the check grows many times over (in
 * parts, survey.c), no respondent is taken for another, and a repeat at the
 * end still names the line of its first occurrence. */
static void duplicates_many(void **state)
{
	enum { N = 100000 };
	struct corpus c;
	struct survey *s = NULL;
	struct survey_row row;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	char path[128];
	FILE *fp;
	long i, ndup = 0, dup_line[3] = { 0 };
	int got;

	(void)state;
	snprintf(path, sizeof path, "%s/many.csv", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("id;runde;rolle;Svar\n", fp);
	for (i = 0; i < 2 * N; i++)
		fprintf(fp, "R%07ld;%s;Leder;x\n", i % N, i < N ? "Nulpunkt" : "Afslutning");
	fputs("R0000000;Nulpunkt;Leder;x\n"          /* first on line 2 */
	      "R0099999;Afslutning;Leder;x\n"        /* first on line 200001 */
	      "R0012345;Nulpunkt;Leder;x\n", fp);   /* first on line 12347 */
	fclose(fp);
	corpus_with(&c, 1);
	assert_int_equal(survey_open(&s, &c, path, NULL, &errs), 0);
	kerr_clear(&e);
	while ((got = survey_next(s, &row, &e)) == SURVEY_ROW)
		if (row.dup_line) {
			assert_true(row.line > 2 * N + 1);
			assert_true(ndup < 3);
			dup_line[ndup++] = row.dup_line;
		}
	assert_int_equal(got, SURVEY_END);
	assert_int_equal(ndup, 3);
	assert_int_equal(dup_line[0], 2);
	assert_int_equal(dup_line[1], 2 * N + 1);
	assert_int_equal(dup_line[2], 12347);
	survey_close(s);
	corpus_release(&c);
	kerr_list_release(&errs);
}

static void missing_columns(void **state)
{
	struct corpus c;
	struct survey *s = NULL;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	size_t col;
	const char *p = write_file("m.csv", "ID;Svar;Kommune\nx;y;z\n");

	(void)state;
	corpus_with(&c, 0);
	/* every missing column at once: runde and rolle */
	assert_int_not_equal(survey_open(&s, &c, p, NULL, &errs), 0);
	assert_null(s);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.items[0].msg, "no column \"runde\""));
	assert_non_null(strstr(errs.items[1].msg, "no column \"rolle\""));
	kerr_list_release(&errs);
	assert_int_equal(corpus_set_str(&c.wave_col, NULL), 0);
	assert_int_equal(corpus_set_str(&c.role_col, NULL), 0);
	assert_int_equal(survey_open(&s, &c, p, NULL, &errs), 0);
	kerr_clear(&e);
	assert_int_equal(survey_find_column(s, "kommune", &col, &e), 0);
	assert_int_equal(col, 2);
	assert_int_equal(survey_find_column(s, "By", &col, &e), KERR_SCHEMA);
	assert_non_null(strstr(e.msg, "no column \"By\""));
	assert_string_equal(survey_column_name(s, 2), "Kommune");
	assert_int_equal(survey_nfiles(s), 1);
	{
		struct survey_row row;

		assert_int_equal(survey_next(s, &row, &e), SURVEY_ROW);
		assert_string_equal(row.wave, SURVEY_ALL);
		assert_string_equal(row.role, SURVEY_ALL);
	}
	survey_close(s);
	corpus_release(&c);
	kerr_list_release(&errs);
}

/* A wide panel export read through a descriptor: each row once per wave, in
 * the descriptor's wave order whatever the map's order, with that wave's
 * answer and role; a wave missed (no answer, no role) gives no row; the
 * duplicate check still keyed by (wave, id). */
static void wide_rows(void **state)
{
	struct corpus c;
	struct survey *s = NULL;
	struct survey_row row;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	const char *want[][4] = {
		{ "1", "Nulpunkt", "Leder", "a0" }, { "1", "Afslutning", "Medarbejder", "a1" },
		{ "2", "Nulpunkt", "Leder", "" }, { "3", "Afslutning", "Leder", "c1" },
	};
	size_t n = 0;
	char path[128];

	(void)state;
	write_file("w.csv", "id;R0;R1;Q_0;Q_1\n"
		"1;Leder;Medarbejder;a0;a1\n"
		"2;Leder;;;\n"          /* took part in Nulpunkt, answered blank */
		"3;;Leder;;c1\n");      /* missed Nulpunkt */
	write_file("w.json", "{\"survey\": \"w.csv\", \"columns\": {\"id\": \"id\","
		" \"role\": {\"Afslutning\": \"R1\", \"Nulpunkt\": \"R0\"}},"
		" \"waves\": [\"Nulpunkt\", \"Afslutning\"],"
		" \"questions\": [{\"id\": \"q\", \"codebook\": \"cb.json\","
		" \"column\": {\"Afslutning\": \"Q_1\", \"Nulpunkt\": \"Q_0\"}}]}");
	snprintf(path, sizeof path, "%s/w.json", dir);
	assert_int_equal(corpus_load(&c, path, &errs), 0);
	assert_int_equal(corpus_by_wave(&c), 1);
	assert_int_equal(survey_open(&s, &c, NULL, NULL, &errs), 0);
	kerr_clear(&e);
	while (survey_next(s, &row, &e) == SURVEY_ROW) {
		assert_true(n < 4);
		assert_string_equal(row.respondent, want[n][0]);
		assert_string_equal(row.wave, want[n][1]);
		assert_string_equal(row.role, want[n][2]);
		assert_int_equal(row.answer_len[0], strlen(want[n][3]));
		assert_memory_equal(row.answer[0], want[n][3], row.answer_len[0]);
		assert_int_equal(row.dup_line, 0);
		n++;
	}
	assert_int_equal(n, 4);
	survey_close(s);
	corpus_release(&c);
	kerr_list_release(&errs);
}

/* A file per wave: each file's rows are of its wave; the files' columns
 * come in one header (the wave column koder adds, the first file's, then
 * the later file's new ones), whatever order each file has them in; a
 * question named per wave is read from each wave's column; an id in two
 * waves is no duplicate; a column missing from a later file is reported
 * naming that file. */
static void file_per_wave(void **state)
{
	struct corpus c;
	struct survey *s = NULL;
	struct survey_row row;
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	const char *want[][5] = {   /* id, wave, role, answer, Kommune */
		{ "1", "Nulpunkt", "Leder", "a0", "Aarhus" },
		{ "2", "Nulpunkt", "Medarbejder", "b0", "Vejle" },
		{ "1", "Afslutning", "Leder", "a1", "Aarhus" },
	};
	size_t n = 0, col;
	char path[128];

	(void)state;
	write_file("p0.csv", "id;Rolle;Kommune;Svar\n1;Leder;Aarhus;a0\n2;Medarbejder;Vejle;b0\n");
	write_file("p1.csv", "Svar_slut,Kommune,id,Rolle,Ny\n\"a1\",Aarhus,1,Leder,x\n");
	write_file("p.json", "{\"survey\": {\"Afslutning\": \"p1.csv\", \"Nulpunkt\": \"p0.csv\"},"
		" \"columns\": {\"id\": \"id\", \"role\": \"Rolle\"},"
		" \"waves\": [\"Nulpunkt\", \"Afslutning\"],"
		" \"questions\": [{\"id\": \"q\", \"codebook\": \"cb.json\","
		" \"column\": {\"Nulpunkt\": \"Svar\", \"Afslutning\": \"Svar_slut\"}}]}");
	snprintf(path, sizeof path, "%s/p.json", dir);
	assert_int_equal(corpus_load(&c, path, &errs), 0);
	assert_int_equal(corpus_has_waves(&c), 1);
	assert_int_equal(survey_open(&s, &c, NULL, NULL, &errs), 0);
	assert_int_equal(survey_nfiles(s), 2);
	assert_int_equal(survey_wide_nwaves(s), 0);
	/* wave, id, Rolle, Kommune, Svar (p0.csv, the descriptor's first
	 * wave), then Ny from p1.csv; Svar_slut is the question's column, Svar */
	assert_int_equal(survey_ncolumns(s), 6);
	assert_string_equal(survey_column_name(s, 0), "wave");
	assert_string_equal(survey_column_name(s, 3), "Kommune");
	assert_string_equal(survey_column_name(s, 5), "Ny");
	assert_int_equal(survey_find_column(s, "ny", &col, NULL), 0);
	assert_int_equal(col, 5);
	kerr_clear(&e);
	while (survey_next(s, &row, &e) == SURVEY_ROW) {
		assert_true(n < 3);
		assert_string_equal(row.respondent, want[n][0]);
		assert_string_equal(row.wave, want[n][1]);
		assert_string_equal(row.role, want[n][2]);
		assert_int_equal(row.answer_len[0], strlen(want[n][3]));
		assert_memory_equal(row.answer[0], want[n][3], row.answer_len[0]);
		assert_int_equal(row.dup_line, 0);
		assert_int_equal(row.nfields, 6);
		assert_string_equal(row.field[0], want[n][1]);
		assert_string_equal(row.field[3], want[n][4]);
		assert_string_equal(row.field[4], want[n][3]);
		assert_string_equal(row.field[5], n == 2 ? "x" : "");
		assert_non_null(strstr(survey_file(s), n == 2 ? "p1.csv" : "p0.csv"));
		n++;
	}
	assert_int_equal(n, 3);
	survey_close(s);
	corpus_release(&c);

	/* the later wave's file lacks the role column: named with its file */
	write_file("p1.csv", "Svar_slut,Kommune,id\na1,Aarhus,1\n");
	assert_int_equal(corpus_load(&c, path, &errs), 0);
	assert_int_not_equal(survey_open(&s, &c, NULL, NULL, &errs), 0);
	assert_null(s);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.items[0].file, "p1.csv"));
	assert_non_null(strstr(errs.items[0].msg, "no column \"Rolle\""));
	corpus_release(&c);
	kerr_list_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(waves_and_roles),
		cmocka_unit_test(wide_rows),
		cmocka_unit_test(file_per_wave),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(duplicates_many),
		cmocka_unit_test(missing_columns),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

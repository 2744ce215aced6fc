/* test_table.c - survey files as tables: .sav (value labels read as the
 * values, user-missing as missing, trailing blanks gone, columns found by
 * name or label), .dta, .xlsx (shared and inline strings, gaps, a named
 * sheet), CSV unchanged, and clear errors for damaged files.  The .sav and
 * .dta are written here with readstat's writer, the .xlsx with
 * libxlsxwriter (independent of the reader under test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readstat.h>
#include <xlsxwriter.h>

#include "error.h"
#include "table.h"

static char dir[64];

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static ssize_t to_file(const void *data, size_t len, void *ctx)
{
	return (ssize_t)fwrite(data, 1, len, ctx);
}

/* id (string, padded), rolle (1 Leder / 2 Medarbejder, 9 = user-missing
 * "Ved ikke"), svar (string with label "Svar på spørgsmålet") */
static void write_stat(const char *file, int dta)
{
	FILE *fp = fopen(file, "wb");
	readstat_writer_t *w = readstat_writer_init();
	readstat_label_set_t *ls;
	readstat_variable_t *id, *rolle, *svar;
	static const char *const ids[] = { "A1", "A2", "A3", "A4" };
	static const double roles[] = { 1, 2, 9, 3 };
	static const char *const answers[] = { "Tid   ", "", "Afstand", "Æbler og pærer" };

	assert_non_null(fp);
	readstat_set_data_writer(w, to_file);
	if (dta)
		readstat_writer_set_file_format_version(w, 118);
	ls = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "roller");
	readstat_label_double_value(ls, 1, "Leder");
	readstat_label_double_value(ls, 2, "Medarbejder");
	readstat_label_double_value(ls, 9, "Ved ikke");
	id = readstat_add_variable(w, "id", READSTAT_TYPE_STRING, 8);
	rolle = readstat_add_variable(w, "rolle", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(rolle, "Arbejdsfunktion");
	readstat_variable_set_label_set(rolle, ls);
	if (!dta)
		readstat_variable_add_missing_double_value(rolle, 9);
	svar = readstat_add_variable(w, "svar", READSTAT_TYPE_STRING, 40);
	readstat_variable_set_label(svar, "Svar på spørgsmålet");
	if (dta)
		assert_int_equal(readstat_begin_writing_dta(w, fp, 4), READSTAT_OK);
	else
		assert_int_equal(readstat_begin_writing_sav(w, fp, 4), READSTAT_OK);
	for (int i = 0; i < 4; i++) {
		readstat_begin_row(w);
		readstat_insert_string_value(w, id, ids[i]);
		readstat_insert_double_value(w, rolle, roles[i]);
		readstat_insert_string_value(w, svar, answers[i]);
		readstat_end_row(w);
	}
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	fclose(fp);
}

static void read_stat(const char *name, int dta)
{
	char file[128];
	struct table *t;
	struct kerr e;
	table_row row;
	size_t col;

	path(file, sizeof(file), name);
	write_stat(file, dta);
	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_int_equal(table_format(t), dta ? TABLE_DTA : TABLE_SAV);
	assert_int_equal(table_ncols(t), 3);
	assert_string_equal(table_col_name(t, 1), "rolle");
	assert_string_equal(table_col_label(t, 1), "Arbejdsfunktion");
	/* by name, by label, case and composition ignored */
	assert_int_equal(table_find(t, "ROLLE", &col, &e), 0);
	assert_int_equal(col, 1);
	assert_int_equal(table_find(t, "Arbejdsfunktion", &col, &e), 0);
	assert_int_equal(col, 1);
	assert_int_equal(table_find(t, "svar på spørgsmålet", &col, &e), 0);
	assert_int_equal(col, 2);
	assert_int_equal(table_find(t, "Kommune", &col, &e), KERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "\"rolle\""));
	assert_int_equal(table_nlabels(t, 1), 3);

	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_int_equal(row.n, 3);
	assert_string_equal(row.field[0], "A1");
	assert_string_equal(row.field[1], "Leder");           /* the label, not 1 */
	assert_string_equal(row.field[2], "Tid");            /* trailing blanks gone */
	assert_int_equal(row.len[2], 3);
	assert_string_equal(table_value_code(t, 1, row.field[1]), "1");
	assert_int_equal(row.line, 2);
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[1], "Medarbejder");
	assert_string_equal(row.field[2], "");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	/* SPSS user-missing 9 is missing; Stata has no user-missing: its label */
	assert_string_equal(row.field[1], dta ? "Ved ikke" : "");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[1], "3");              /* no label: the number */
	assert_string_equal(row.field[2], "Æbler og pærer");
	assert_null(table_value_code(t, 1, "3"));
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	table_close(t);
}

static void sav_file(void **state)
{
	(void)state;
	read_stat("s.sav", 0);
}

static void dta_file(void **state)
{
	(void)state;
	read_stat("s.dta", 1);
}

/* Closing a table half way stops the parser thread cleanly (no leak, no hang). */
static void sav_closed_early(void **state)
{
	char file[128];
	struct table *t;
	struct kerr e;
	table_row row;

	(void)state;
	path(file, sizeof(file), "early.sav");
	write_stat(file, 0);
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	table_close(t);
}

static void xlsx_file(void **state)
{
	char file[128];
	lxw_workbook *wb;
	lxw_worksheet *ws, *ws2;
	struct table *t;
	struct table_opts o;
	struct kerr e;
	table_row row;

	(void)state;
	path(file, sizeof(file), "s.xlsx");
	wb = workbook_new(file);
	ws = workbook_add_worksheet(wb, "Forside");
	worksheet_write_string(ws, 0, 0, "ikke data", NULL);
	ws2 = workbook_add_worksheet(wb, "Data");
	worksheet_write_string(ws2, 1, 0, "ID", NULL);          /* header on row 2 */
	worksheet_write_string(ws2, 1, 1, "Måling", NULL);
	worksheet_write_string(ws2, 1, 2, "Svar", NULL);
	worksheet_write_number(ws2, 2, 0, 17, NULL);
	worksheet_write_string(ws2, 2, 1, "Nulpunkt", NULL);
	worksheet_write_string(ws2, 2, 2, "Lang afstand; 30 km\nog mere", NULL);
	worksheet_write_number(ws2, 3, 0, 2.5, NULL);            /* gap: no Måling */
	worksheet_write_string(ws2, 3, 2, "Tid", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	memset(&o, 0, sizeof(o));
	o.sheet = "data";
	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, &o, &e), 0);
	assert_int_equal(table_format(t), TABLE_XLSX);
	assert_int_equal(table_ncols(t), 3);
	assert_string_equal(table_col_name(t, 1), "Måling");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[0], "17");
	assert_string_equal(row.field[2], "Lang afstand; 30 km\nog mere");
	assert_int_equal(row.line, 3);
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[0], "2.5");
	assert_string_equal(row.field[1], "");
	assert_string_equal(row.field[2], "Tid");
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	table_close(t);

	/* the first sheet by default; a missing sheet names those that exist */
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_string_equal(table_col_name(t, 0), "ikke data");
	table_close(t);
	o.sheet = "Ark1";
	assert_int_equal(table_open(&t, file, &o, &e), KERR_NOTFOUND);
	assert_null(t);
	assert_non_null(strstr(e.msg, "no sheet \"Ark1\"; the sheets are: \"Forside\", \"Data\""));
}

/* Excel's escapes in cell text are decoded: a CR ("_x000D_", as Excel and
 * libxlsxwriter write it) followed by LF reads as LF, a lone one as LF, and
 * "_x005F_x" is a literal "_x"; text that is no escape stays as it is. */
static void xlsx_escapes(void **state)
{
	char file[128];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct table *t;
	struct kerr e;
	table_row row;

	(void)state;
	path(file, sizeof(file), "esc.xlsx");
	wb = workbook_new(file);
	ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "id", NULL);
	worksheet_write_string(ws, 0, 1, "svar", NULL);
	worksheet_write_string(ws, 1, 0, "a\r\nb\rc", NULL);
	worksheet_write_string(ws, 1, 1, "_x005F_x0041_ og _x00e6_ og _xD83D__xDE00_ og _x12_ og _xD800_", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[0], "a\nb\nc");
	assert_string_equal(row.field[1], "_x0041_ og \xc3\xa6 og \xf0\x9f\x98\x80 og _x12_ og _xD800_");
	table_close(t);
}

/* An Excel 2003 XML spreadsheet (SpreadsheetML): the sheet by name, or the
 * one whose header has the columns wanted; gaps by ss:Index on rows and
 * cells, a merged cell spanning columns, numbers in shortest form, an error
 * cell as missing, rich text, a cell's comment left out, line breaks as LF. */
static void xmlss_file(void **state)
{
	static const char x[] =
		"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
		"<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
		"xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\" "
		"xmlns:html=\"http://www.w3.org/TR/REC-html40\">\n"
		"<Worksheet ss:Name=\"Labels\"><Table><Row><Cell><Data ss:Type=\"String\">s_1</Data></Cell>"
		"<Cell><Data ss:Type=\"Number\">1</Data></Cell></Row></Table></Worksheet>\n"
		"<Worksheet ss:Name=\"Dataset\"><Table>\n"
		"<Row ss:Index=\"2\"><Cell><Data ss:Type=\"String\">id</Data></Cell>"
		"<Cell ss:MergeAcross=\"1\"><Data ss:Type=\"String\">s_1</Data></Cell>"
		"<Cell><Data ss:Type=\"String\">s_2</Data></Cell></Row>\n"
		"<Row><Cell><Data ss:Type=\"Number\">7.0</Data></Cell>"
		"<Cell ss:Index=\"4\"><ss:Data ss:Type=\"String\"><B>Tid</B> og&#13;&#10;<Font>sager</Font></ss:Data>"
		"<Comment><ss:Data>en note</ss:Data></Comment></Cell></Row>\n"
		"<Row ss:Index=\"5\"><Cell><Data ss:Type=\"Number\">2.5</Data></Cell>"
		"<Cell><Data ss:Type=\"Error\">#N/A</Data></Cell></Row>\n"
		"</Table></Worksheet>\n</Workbook>\n";
	static const char *const want[] = { "id", "s_2", NULL };
	char file[128];
	FILE *f;
	struct table *t;
	struct table_opts o;
	struct kerr e;
	table_row row;

	(void)state;
	path(file, sizeof(file), "ss.xml");
	assert_non_null(f = fopen(file, "wb"));
	assert_int_equal(fwrite(x, 1, sizeof(x) - 1, f), sizeof(x) - 1);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.want = want;
	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, &o, &e), 0);
	assert_int_equal(table_format(t), TABLE_XMLSS);
	assert_int_equal(table_ncols(t), 4);
	assert_string_equal(table_col_name(t, 1), "s_1");
	assert_string_equal(table_col_name(t, 2), "");
	assert_string_equal(table_col_name(t, 3), "s_2");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_int_equal(row.line, 3);
	assert_string_equal(row.field[0], "7");
	assert_string_equal(row.field[3], "Tid og\nsager");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_int_equal(row.line, 5);
	assert_string_equal(row.field[0], "2.5");
	assert_string_equal(row.field[1], "");
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	table_close(t);

	/* the first sheet by default; a sheet by name; a missing one named */
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_string_equal(table_col_name(t, 0), "s_1");
	table_close(t);
	o.want = NULL;
	o.sheet = "dataset";
	assert_int_equal(table_open(&t, file, &o, &e), 0);
	assert_string_equal(table_col_name(t, 0), "id");
	table_close(t);
	o.sheet = "Data";
	assert_int_equal(table_open(&t, file, &o, &e), KERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no sheet \"Data\"; the sheets are: \"Labels\", \"Dataset\""));
}

/* A title row (one cell) above the header is skipped when a row of two or
 * more cells follows; a one-column sheet keeps its first row as header; a
 * missing column names the header's row and sheet; a number formatted
 * "000" reads with its leading zeros. */
static void xlsx_title_rows(void **state)
{
	char file[128];
	lxw_workbook *wb;
	lxw_worksheet *ws, *ws2;
	lxw_format *pad;
	struct table *t;
	struct table_opts o;
	struct kerr e;
	table_row row;
	size_t idx;

	(void)state;
	path(file, sizeof(file), "title.xlsx");
	wb = workbook_new(file);
	pad = workbook_add_format(wb);
	format_set_num_format(pad, "000");
	ws = workbook_add_worksheet(wb, "Data");
	worksheet_write_string(ws, 0, 0, "SOF-undersøgelsen, eksport maj 2024", NULL);
	worksheet_write_string(ws, 1, 1, "(foreløbige tal)", NULL);
	worksheet_write_string(ws, 3, 0, "ID", NULL);             /* header on row 4 */
	worksheet_write_string(ws, 3, 1, "Svar", NULL);
	worksheet_write_number(ws, 4, 0, 7, pad);                 /* shown as 007 */
	worksheet_write_string(ws, 4, 1, "Tid", NULL);
	ws2 = workbook_add_worksheet(wb, "Liste");
	worksheet_write_string(ws2, 0, 0, "Svar", NULL);           /* one column */
	worksheet_write_string(ws2, 1, 0, "Tid", NULL);
	worksheet_write_string(ws2, 2, 0, "Penge", NULL);
	ws2 = workbook_add_worksheet(wb, "Pandas");
	worksheet_write_string(ws2, 0, 1, "Svar", NULL);           /* A1: the index, unnamed */
	worksheet_write_number(ws2, 1, 0, 0, NULL);
	worksheet_write_string(ws2, 1, 1, "Tid", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_int_equal(table_ncols(t), 2);
	assert_string_equal(table_col_name(t, 0), "ID");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[0], "007");
	assert_int_equal(row.line, 5);
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	assert_int_equal(table_find(t, "Måling", &idx, &e), KERR_NOTFOUND);
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.msg, "(row 4 of sheet \"Data\")"));
	assert_non_null(strstr(e.msg, "the columns are: \"ID\", \"Svar\""));
	table_close(t);

	memset(&o, 0, sizeof(o));
	o.sheet = "Liste";
	assert_int_equal(table_open(&t, file, &o, &e), 0);
	assert_int_equal(table_ncols(t), 1);
	assert_string_equal(table_col_name(t, 0), "Svar");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[0], "Tid");
	assert_int_equal(row.line, 2);
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	table_close(t);
	o.sheet = "Pandas";
	assert_int_equal(table_open(&t, file, &o, &e), 0);
	assert_string_equal(table_col_name(t, 1), "Svar");
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[1], "Tid");
	table_close(t);
}

static void csv_file(void **state)
{
	char file[128];
	FILE *fp;
	struct table *t;
	struct kerr e;
	table_row row;

	(void)state;
	path(file, sizeof(file), "s.csv");
	fp = fopen(file, "w");
	fputs("ID;Svar\n1;\"to\nlinjer\"\n", fp);
	fclose(fp);
	assert_int_equal(table_open(&t, file, NULL, &e), 0);
	assert_int_equal(table_format(t), TABLE_CSV);
	assert_null(table_col_label(t, 0));
	assert_int_equal(table_next(t, &row, &e), TABLE_ROW);
	assert_string_equal(row.field[1], "to\nlinjer");
	assert_int_equal(table_next(t, &row, &e), TABLE_END);
	table_close(t);
}

static void damaged_files(void **state)
{
	char file[128], buf[4096];
	FILE *fp, *in;
	struct table *t;
	struct kerr e;
	table_row row;
	size_t n;
	int rc;

	(void)state;
	/* a .sav cut in the middle of its data */
	path(file, sizeof(file), "s.sav");
	write_stat(file, 0);
	in = fopen(file, "rb");
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	path(file, sizeof(file), "cut.sav");
	fp = fopen(file, "wb");
	fwrite(buf, 1, n > 40 ? n - 40 : n, fp);
	fclose(fp);
	kerr_clear(&e);
	rc = table_open(&t, file, NULL, &e);
	if (rc == 0) {
		while ((rc = table_next(t, &row, &e)) == TABLE_ROW)
			;
		table_close(t);
		assert_true(rc < 0);
	}
	assert_non_null(strstr(e.file, "cut.sav"));
	/* a zip that is not a workbook */
	path(file, sizeof(file), "x.xlsx");
	fp = fopen(file, "wb");
	fwrite("PK\x03\x04garbage", 1, 11, fp);
	fclose(fp);
	kerr_clear(&e);
	assert_int_equal(table_open(&t, file, NULL, &e), KERR_SYNTAX);
	assert_non_null(strstr(e.msg, "Excel"));
	/* no such file */
	path(file, sizeof(file), "missing.sav");
	assert_int_equal(table_open(&t, file, NULL, &e), KERR_IO);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/koder-table-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sav_file),
		cmocka_unit_test(dta_file),
		cmocka_unit_test(sav_closed_early),
		cmocka_unit_test(xlsx_file),
		cmocka_unit_test(xlsx_title_rows),
		cmocka_unit_test(xlsx_escapes),
		cmocka_unit_test(xmlss_file),
		cmocka_unit_test(csv_file),
		cmocka_unit_test(damaged_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

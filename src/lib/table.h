/*
 * table.h - a survey file as a table: a header of column names and a stream
 * of rows of UTF-8 string cells, whatever the file is: CSV, SPSS .sav or
 * .zsav, Stata .dta, or the first (or a named, or the wanted columns') sheet of an
 * Excel .xlsx, an Excel 97-2003 .xls or an Excel 2003 XML spreadsheet
 * (SpreadsheetML).
 *
 * Why its own module: evaluators get their data from survey platforms as
 * .sav or .xlsx, with roles and waves stored as numeric codes carrying value
 * labels.  Everything that reads a survey (the survey reader, tally, export)
 * wants the same thing from all of them: the cells as the text a person sees.
 * So this module hides the format:
 *
 *  - the format is chosen by content (the file's magic bytes), the extension
 *    only breaking ties; anything not recognised is read as CSV (csv.h);
 *  - a value with a value label is read as its label (role 1 labelled
 *    "Leder" reads "Leder"); table_value_code gives the code back, so a
 *    descriptor may name either (see table_value_code);
 *  - SPSS user-missing values and system-missing values read as "" (missing);
 *  - SPSS string values lose their trailing blanks;
 *  - numbers without a label read in their shortest exact decimal form
 *    ("3", "2.5"), dates as numbers (we never need them as dates); an .xlsx
 *    number whose format is zeros only ("000") keeps the leading zeros it
 *    shows ("007"), as ids typed in Excel are;
 *  - an .xlsx error cell (#N/A, #DIV/0!) reads as "" (missing);
 *  - an .xls reads like an .xlsx, except that its number formats are not
 *    known (a 7 shown as 007 reads "7") and its dates read as text
 *    ("2024-05-01");
 *  - an .xlsx or .xls header is the first row with a cell, unless that row holds
 *    one cell, in column A (a title), and a row of two or more cells
 *    follows within ten rows: that row is the header;
 *  - text is converted to UTF-8 from the file's own declared encoding.
 *
 * A column is found by its variable name, or failing that by its variable
 * label (SPSS and Stata variables carry one), both compared the way
 * csv_header_find compares names.
 *
 * Streaming: rows are handed out one at a time and memory stays bounded by a
 * few rows (CSV, xlsx) or one block of rows (readstat formats, which parse
 * with callbacks: a parser thread fills a block of rows while the caller
 * reads the previous one).  Shared strings of an xlsx are held whole: Excel
 * needs them for every row.  An .xls sheet is held whole (the format has at
 * most 65,536 rows of 256 cells; TABLE_XLS_MAX_BYTES of text): it is parsed
 * in a child process (see table.c), so a damaged file that crashes the
 * parser is an error here, not a crash.
 *
 * Ownership: table_open returns a table the caller frees with table_close.
 * Row cells stay valid until the next table_next or table_close; header
 * names and labels until table_close.
 */
#ifndef KODER_TABLE_H
#define KODER_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "csv.h"

struct kerr;
struct table;

enum table_format {
	TABLE_CSV = 0,
	TABLE_SAV,      /* SPSS .sav (also .zsav: same reader) */
	TABLE_ZSAV,
	TABLE_DTA,      /* Stata .dta */
	TABLE_XLSX,
	TABLE_XLS,      /* Excel 97-2003 .xls (BIFF) */
	TABLE_XMLSS     /* Excel 2003 XML spreadsheet (SpreadsheetML): read as .xlsx */
};

/* An .xls sheet's text is held whole: at most this much of it. */
#define TABLE_XLS_MAX_BYTES ((size_t)256 << 20)

struct table_opts {
	struct csv_opts csv;   /* for CSV only: separator, encoding, ragged rows */
	const char *sheet;     /* xlsx: sheet name; NULL = the first sheet, or: */
	/* .xlsx or Excel 2003 XML without a sheet named: the first sheet whose
	 * header has every one of these column names (NULL-terminated), when one
	 * has them all (a survey tool's data on its second sheet); NULL: the
	 * first sheet */
	const char *const *want;
	int empty_ok;          /* an empty sheet opens with no columns and no
	                          rows (else it is an error) */
};

/*
 * The rows: the same struct as csv.h's so callers of csv_next need not
 * change.  `line` is the CSV line, the xlsx row number, or for .sav/.dta the
 * case number + 1 (the header counting as line 1, as in a CSV export).
 */
typedef struct csv_row table_row;

/* table_next results, as csv_next's. */
enum { TABLE_END = 0, TABLE_ROW = 1 };

/*
 * Open the survey file at `path` (name used in messages).  opts may be NULL.
 * Returns 0 with *out set, or KERR_IO (cannot read), KERR_SYNTAX (damaged or
 * unsupported file), KERR_NOTFOUND (no such sheet, listing those that
 * exist), KERR_ENCODING, KERR_LIMIT, KERR_NOMEM, with *out = NULL and `e`
 * filled.
 */
int table_open(struct table **out, const char *path, const struct table_opts *opts,
	       struct kerr *e);

/*
 * The same for a stream the caller opened (standard input): read as CSV,
 * or, when `fp` is a regular file that holds a .sav/.zsav/.dta/.xlsx and
 * `path` names it, as that format.  The table never closes `fp`.
 */
int table_open_fp(struct table **out, FILE *fp, const char *path, const struct table_opts *opts,
		  struct kerr *e);

/*
 * Next row: TABLE_ROW with `row` filled, TABLE_END, or a negative -KERR_*
 * with `e` filled.  As csv_next: a ragged CSV row returns -KERR_SYNTAX and
 * reading may go on; any other error ends the table.  Rows of .sav/.dta/.xlsx
 * always have table_ncols cells.
 */
int table_next(struct table *t, table_row *row, struct kerr *e);

/* Free the table and close its file.  NULL is fine. */
void table_close(struct table *t);

enum table_format table_format(const struct table *t);
/* The format's name for messages: "CSV", "SPSS .sav", "Stata .dta", ... */
const char *table_format_name(enum table_format f);
/* Guess the format from the first bytes of a file and its name. */
enum table_format table_sniff(const char *path, const unsigned char *head, size_t n);

/* The CSV reader under a CSV table, for what writing the file back as it
 * came needs (its separator, its byte-order mark); NULL for the other
 * formats.  Owned by the table. */
const struct csv_reader *table_csv(const struct table *t);

size_t table_ncols(const struct table *t);
/* Column i's name (variable name, or the CSV/xlsx header cell). */
const char *table_col_name(const struct table *t, size_t i);
/* A workbook's sheets (.xlsx, .xls): their number, and their names quoted
 * and joined ("\"Info\", \"Data\"") in *names (borrowed); 0 and "" for the
 * other formats.  The sheet read is table_sheet's. */
size_t table_sheets(const struct table *t, const char **names);
/* Sheet i's name (i < table_sheets), or NULL; the sheet read, or NULL for
 * the formats without sheets. */
const char *table_sheet_name(const struct table *t, size_t i);
const char *table_sheet(const struct table *t);
/* Column i's variable label, or NULL (CSV and xlsx have none). */
const char *table_col_label(const struct table *t, size_t i);

/*
 * Find a column by name, else by label (see csv_header_find for the rules of
 * comparison).  Returns 0 with *idx set, KERR_NOTFOUND with a message
 * listing the columns, or KERR_SCHEMA if two columns answer to the name.
 */
int table_find(const struct table *t, const char *name, size_t *idx, struct kerr *e);

/*
 * Value labels of column i: the number of labelled values, and each one's
 * code (as text, e.g. "1") and label.  0 for CSV/xlsx or an unlabelled
 * column.  Pointers valid until table_close.
 */
size_t table_nlabels(const struct table *t, size_t col);
const char *table_label_code(const struct table *t, size_t col, size_t i);
const char *table_label_text(const struct table *t, size_t col, size_t i);

/*
 * The value label's code for a cell of column `col` that reads `text`
 * (NULL if the cell was not a labelled value).  Lets a descriptor that
 * names waves by code ("1") match a cell read as its label ("Nulpunkt").
 */
const char *table_value_code(const struct table *t, size_t col, const char *text);

/* Is column i numeric in the source file (.sav/.dta)? 0 for CSV/xlsx. */
int table_col_numeric(const struct table *t, size_t i);

#endif

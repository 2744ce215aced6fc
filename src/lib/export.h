/*
 * export.h - the survey with its coded answers merged in, as evaluators
 * analyse it: every original column, and per coded question one 0/1 column
 * per category and per net, the final codes as text, and who decided them
 * (a coder or the engine).  Formats: SPSS .sav/.zsav and Stata .dta
 * (libreadstat's writer), Excel .xlsx (libxlsxwriter, constant memory) and
 * CSV in the Danish Excel dialect (csv.h's writer: BOM, `;`, CRLF).
 *
 * Missing, not 0: a respondent without a substantive answer to a question
 * (no answer, or ingen_svar) gets missing in that question's 0/1 columns
 * (system-missing in .sav, `.` in .dta, an empty cell in CSV and xlsx), so
 * a mean of the column is the published share X/Y.
 *
 * In .sav and .dta: the 0/1 columns carry the category (or net) label as
 * their variable label and the value labels 0 = "ikke nævnt", 1 = "nævnt";
 * a .sav also declares each question's categories (not its nets) as a
 * multiple dichotomy set $QUESTION counting the value 1 (readstat's writer
 * has no such record, so export.c inserts it into the dictionary);
 * original columns keep their variable labels and, when the survey was a
 * .sav or .dta itself, their numeric codes and value labels.  Names are
 * made valid for the format (SPSS: 64 bytes, a letter first; Stata: 32
 * ASCII characters) and unique; the original name becomes the label.
 *
 * The .sav and .dta headers hold the number of cases and the string widths,
 * so export_open reads the survey once before the rows come (memory stays
 * flat: one pass counts, the caller's pass writes).
 *
 * Output goes through outfile.h: written whole or not at all.
 *
 * Ownership: export_open returns an export the caller finishes with
 * export_commit or throws away with export_free (which also removes the
 * temporary file).  Everything passed in is borrowed for the call only
 * (the array of tallies is copied), except `src` and the tallies
 * themselves, which must outlive the export.
 */
#ifndef KODER_EXPORT_H
#define KODER_EXPORT_H

#include <stddef.h>

#include "table.h"
#include "tally.h"

struct corpus;
struct kerr;
struct export;
struct survey;
struct survey_opts;

enum export_format {
	EXPORT_CSV = 0,
	EXPORT_XLSX,
	EXPORT_SAV,
	EXPORT_ZSAV,
	EXPORT_DTA
};

/* "csv", "xlsx", "sav", "zsav", "dta".  Returns 0 or KERR_INVALID. */
int export_format_parse(const char *s, enum export_format *f);
/* The format a file name's extension asks for.  Returns 0 or KERR_INVALID. */
int export_format_of_path(const char *path, enum export_format *f);

/* One question's final codes for the current row. */
struct export_answer {
	enum tally_kind kind;          /* TALLY_EMPTY, TALLY_NONSUBST or TALLY_SUBST */
	const unsigned char *flags;    /* ncats entries (categories; nets derived here) */
	int reviewed;                  /* 1: a coder's decision; 0: the engine's */
};

/*
 * Start writing `path` in format `f`.  `c`, `survey` and `so` are how the
 * survey `src` was opened (survey_open: it is opened again here once, for
 * .sav/.dta, whose header holds the number of rows and the string widths;
 * a row written is a file row, with so->wide_whole for a wide export), and
 * its header (survey_column_name) gives the original columns; `ts[0..nq)`
 * the questions in the order export_row gets their
 * answers, and `names[0..nq)` what their columns are named after (NULL:
 * each tally's question id; a wide panel export names a question once per
 * wave, "samarbejde_Nulpunkt").  Returns 0 or KERR_IO, KERR_NOMEM,
 * KERR_LIMIT (a string too long for .dta), KERR_INVALID (xlsx or .sav to
 * standard output).
 */
int export_open(struct export **out, const char *path, enum export_format f,
		const struct corpus *cp, const char *survey, const struct survey_opts *so,
		const struct survey *src, struct tally *const *ts, const char *const *names,
		size_t nq, struct kerr *e);

/* One survey row and its answers (nq of them).  Returns 0 or KERR_IO/KERR_NOMEM. */
int export_row(struct export *x, const table_row *row, const struct export_answer *a,
	       struct kerr *e);

/* Finish the file and move it into place.  Returns 0 or KERR_IO; the export
 * is freed either way. */
int export_commit(struct export *x, struct kerr *e);

/* Give up (the target is untouched) and free.  NULL is fine. */
void export_free(struct export *x);

#endif

/*
 * survey.h - reading a survey export: one row per respondent and wave, with
 * the respondent's id, wave, role, the answer to each open question, and
 * every other column.
 *
 * Why its own module: `code`, `tally`, `review` (reading the survey into the
 * store), `diff`, `migrate`, `learn`, `agree` and `scan` all read the same
 * files, and three of them used to do it each a little differently.  Here
 * the columns are found once (by the corpus descriptor's names, or the ones
 * given on the command line, which fill the same struct corpus), wave and
 * role values are resolved once to the descriptor's group names, and the
 * duplicate check (the same respondent twice in one wave) is done once.
 *
 * Wave and role of a row: the descriptor's group name when the value
 * matches one (corpus_wave_of, corpus_role_of); the value as written,
 * trimmed, when none does (the caller decides whether that is an error:
 * tally lists such values) - and when the descriptor lists no waves (roles)
 * at all, values that differ only in case or composed/decomposed letters
 * are one group, written as the first spelling seen; "(ukendt)" for a blank
 * cell; "(alle)" when the survey has no such column.  Each distinct value
 * is resolved once and remembered, so the per-row cost is a hash lookup.
 *
 * A wide panel export (the descriptor names each question's column per
 * wave, struct corpus_bywave) gives each file row once per wave, with that
 * wave's answers and role, skipping a wave the respondent evidently missed
 * (no answer and, with a role column per wave, no role): every command
 * then counts and stores it as it would the same export in long shape.
 *
 * A survey in several files (the descriptor's corpus_file list: a file
 * per wave, per role, or per wave and role) is read file after file, in
 * the descriptor's wave order, as one survey: a row's wave and role are
 * its file's when the file names them, and its fields come in one header
 * (survey_column_name) with a wave and a role column added for them.
 *
 * Rows come from table.h: CSV (any separator, UTF-8 or Windows-1252), SPSS
 * .sav/.zsav, Stata .dta or an .xlsx sheet; a labelled value reads as its
 * label, and the descriptor may name a wave or role by its code instead.
 *
 * Memory: what grows with the survey is the duplicate check, 12 bytes a
 * slot (13 for a survey in several files), 16 to 32 bytes per respondent
 * (a 64-bit hash of wave and id, and the line it was first seen on;
 * growing holds 1/64 of it twice); two
 * different respondents collide with odds of about 2^-64 per pair.
 *
 * Ownership: a survey owns its reader, file and tables (survey_close).  The
 * corpus is borrowed and must outlive it.  A survey_row's pointers are
 * borrowed from the survey and stay valid until the next survey_next,
 * except `wave` and `role`, which stay valid until survey_close.
 */
#ifndef KODER_SURVEY_H
#define KODER_SURVEY_H

#include <stddef.h>
#include <stdio.h>

struct corpus;
struct corpus_question;
struct kerr;
struct kerr_list;
struct survey;
struct table;

#define SURVEY_NO_COLUMN ((size_t)-1)
#define SURVEY_UNKNOWN "(ukendt)"
#define SURVEY_ALL "(alle)"

struct survey_opts {
	const char *question;      /* only this question (id or column); NULL = all */
	int encoding;              /* enum csv_encoding; 0 = detect */
	size_t max_field;          /* bytes per field; 0 = the reader's default */
	int no_id;                 /* 1: no id column is needed (rows are numbered) */
	int no_dup_check;          /* 1: no duplicate check (dup_line stays 0), so
	                              memory does not grow with the survey */
	int optional_questions;    /* 1: a question column that is missing is left
	                              out (SURVEY_NO_COLUMN), not an error */
	const char *sheet;         /* an .xlsx survey: this sheet; NULL = the first */
	int wide_whole;            /* a wide export: a file row in which the
	                              respondent missed every wave is given too,
	                              once, with wide_wave SURVEY_NO_WAVE (for a
	                              writer that copies every file row; what
	                              counts answers skips it) */
};

struct survey_row {
	long line;                 /* line on which the row starts (1 = header) */
	size_t index;              /* 1 = the first data row */
	const char *respondent;    /* the id as written; the row number with no_id */
	size_t respondent_len;
	const char *wave, *role;   /* group names (see above) */
	long wave_index, role_index;  /* into the corpus's waves / roles, or -1 */
	const char *wave_value, *role_value;  /* as written; NULL without the column */
	long dup_line;             /* > 0: this respondent was already seen in this
	                              wave, on that line */
	size_t dup_file;           /* and in that file of the survey (survey_dup_error
	                              names it) */
	const char *const *answer; /* [nquestions]: each question's answer ("" when
	                              the column is missing) */
	const size_t *answer_len;
	size_t nfields;            /* every column of the row, in header order */
	const char *const *field;
	const size_t *len;
	size_t wide_wave;          /* a wide export: this row's wave, an index for
	                              survey_wide_wave; SURVEY_NO_WAVE for a long
	                              export and for a row given by wide_whole */
	int row_done;              /* 1 on the last row given for its file row
	                              (every row of a long export) */
};

#define SURVEY_NO_WAVE ((size_t)-1)

enum { SURVEY_END = 0, SURVEY_ROW = 1 };

/*
 * Open the survey of corpus `c`: the file at `path`, or the descriptor's own
 * survey when path is NULL ("-" is standard input).  The id, wave and role
 * columns and each question's column are found in the header; every column
 * that is missing goes to `errs` (file, line 1, the column named) and the
 * first code is returned.  *out is the caller's (survey_close).  `opts` may
 * be NULL.
 */
int survey_open(struct survey **out, const struct corpus *c, const char *path,
	const struct survey_opts *opts, struct kerr_list *errs);

/*
 * The next row: SURVEY_ROW with `row` filled, SURVEY_END, or a negative
 * -KERR_* code with `e` naming file and line.  After -KERR_SYNTAX (a row
 * whose field count differs from the header's) reading may go on; after any
 * other error the survey is done.
 */
int survey_next(struct survey *s, struct survey_row *row, struct kerr *e);

/*
 * The duplicate check's finding as the error every command reports: row
 * (with dup_line > 0) names a respondent already seen in its wave.  Fills
 * `e` (file, line, the id column) and returns KERR_SCHEMA.
 */
int survey_dup_error(const struct survey *s, const struct survey_row *row, struct kerr *e);

/* Free the survey and close its file.  NULL is a no-op. */
void survey_close(struct survey *s);

/* A wide export's waves, in the order its rows come (0 for a long export),
 * and the group name of each. */
size_t survey_wide_nwaves(const struct survey *s);
const char *survey_wide_wave(const struct survey *s, size_t i);

/* The name of the file being read, as used in messages ("<stdin>" for
 * standard input): with a file per wave, the file the last row came from. */
const char *survey_file(const struct survey *s);
/* The questions read, in corpus order (after opts->question). */
size_t survey_nquestions(const struct survey *s);
const struct corpus_question *survey_question(const struct survey *s, size_t i);
/* Index of a column in the header (csv_name_equal), or SURVEY_NO_COLUMN. */
size_t survey_column(const struct survey *s, const char *name);
/* The same with the reason when there is none: KERR_SCHEMA with `e` naming
 * the file and listing the columns, or two columns answering to the name. */
int survey_find_column(const struct survey *s, const char *name, size_t *idx, struct kerr *e);
/* The survey's header, in which a row's fields come: the file's columns;
 * with a file per wave the wave column koder adds ("wave"), the first
 * file's columns and each later file's new ones.  Name of column i as in
 * the (first) file that has it, and the number of columns. */
const char *survey_column_name(const struct survey *s, size_t i);
size_t survey_ncolumns(const struct survey *s);
/* What an export keeps of column i (table.h): its variable label (NULL
 * for none), whether it is numeric (in every file that has it), its value
 * labels and the code of a cell read as its label - each as the first file
 * that has the column says.  Strings valid until survey_close. */
const char *survey_column_label(const struct survey *s, size_t i);
int survey_column_numeric(const struct survey *s, size_t i);
size_t survey_nlabels(const struct survey *s, size_t i);
const char *survey_label_code(const struct survey *s, size_t i, size_t j);
const char *survey_label_text(const struct survey *s, size_t i, size_t j);
const char *survey_value_code(const struct survey *s, size_t i, const char *text);
/* The number of files read: 1, or with a file per wave one per wave. */
size_t survey_nfiles(const struct survey *s);

#endif

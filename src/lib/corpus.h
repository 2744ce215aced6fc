/*
 * corpus.h - the corpus descriptor: what a survey export means.
 *
 * A survey CSV alone does not say which column is the respondent id, which
 * the wave, in what order the waves come, which work functions count as
 * Leder and which as Medarbejder, what the plural of a role is in a report,
 * or which open-answer column is coded with which codebook.  The descriptor
 * (corpora/<name>/corpus.json, documented in docs/corpus-format.md) says it
 * once; command-line flags (--id --wave --role --text --codebook) fill or
 * override the same struct, so any CSV works without one.
 *
 * Value matching: wave and role values match case-insensitively with
 * surrounding white space ignored (csv_name_equal).  A corpus with no waves
 * (or no roles) listed takes every value as it comes, in order of first
 * appearance; a role with no "values" matches its own name.
 *
 * Ownership: every string and array in struct corpus is owned by it and
 * freed by corpus_release.  Callers that fill the struct by hand (from
 * flags) must give it malloc'd strings (corpus_set_str does that).
 */
#ifndef KODER_CORPUS_H
#define KODER_CORPUS_H

#include <stddef.h>

struct buf;
struct kerr;
struct kerr_list;

/* A wave (Nulpunkt, Midtvejs, ...) and the column values that mean it. */
struct corpus_wave {
	char *name;
	char **values;     /* NULL-free array; empty = the name itself */
	size_t nvalues;
};

/* A role group (Medarbejder, Leder) and the column values that mean it. */
struct corpus_role {
	char *name;        /* "Medarbejder" */
	char *plural;      /* "medarbejdere", used in "Anført af X ud af Y medarbejdere" */
	char **values;     /* e.g. "Myndighedssagsbehandler"; empty = the name itself */
	size_t nvalues;
};

/* A column given per wave, for a wide panel export: one row per
 * respondent, and each wave's answer (or role) in a column of its own
 * ("Q5_1", "Q5_2").  The survey reader gives such a row once per wave.
 * Also the survey's file per wave (a survey exported once per wave:
 * "column" is then each wave's file). */
struct corpus_bywave {
	char **wave;       /* wave names or values, as the descriptor writes them */
	char **column;     /* each wave's column (or file) */
	size_t n;          /* 0: one column for every wave */
};

/* A file of a survey exported in several: once per wave ("survey":
 * {"Nulpunkt": "w1.sav", ...}), or per role or per wave and role (leaders
 * and staff asked in questionnaires of their own: "survey": [{"file":
 * "ledere.xlsx", "role": "Leder"}, ...]).  A list of one names an .xlsx
 * survey's sheet ([{"file": "x.xlsx", "sheet": "Data"}]).  Every row of the file is of its
 * wave and role; NULL: the row's own, from the wave or role column. */
struct corpus_file {
	char *file;        /* as written (see corpus_resolve) */
	char *wave, *role; /* as the descriptor writes them */
	char *sheet;       /* an .xlsx file's sheet; NULL: --sheet, or the first */
};

#define CORPUS_MAX_FILES 255

/* An open question: the column holding the answers and its codebook. */
struct corpus_question {
	char *id;          /* short id used by --question, e.g. "barrierer" */
	char *column;      /* column name in the survey file (by wave: the first) */
	struct corpus_bywave by_wave;   /* the answers' column per wave */
	char *codebook;    /* codebook path as written (see corpus_resolve) */
	char *gold;        /* gold codes file (id,codes CSV), may be NULL */
};

struct corpus {
	char *dir;         /* directory the descriptor lives in ("." for none) */
	char *name;        /* short name, e.g. "sof" */
	char *title;       /* may be NULL */
	char *survey;      /* survey file as written (see corpus_resolve); with
	                      several files, the first */
	struct corpus_file *files;   /* the survey in several files; 0 = one file */
	size_t nfiles;
	char *id_col, *wave_col, *role_col;  /* column names; wave/role may be NULL */
	struct corpus_bywave role_by_wave;   /* the role's column per wave (role_col the first) */
	char **by;         /* other columns a tally may be split by (Kommune) */
	size_t nby;
	struct corpus_wave *waves;
	size_t nwaves;
	struct corpus_role *roles;
	size_t nroles;
	struct corpus_question *questions;
	size_t nquestions;
};

/* Empty corpus with dir "." (so the flags-only path works).  Returns 0 or
 * KERR_NOMEM. */
int corpus_init(struct corpus *c);

/*
 * Load a descriptor: `path` is a corpus.json or a directory holding one.
 * Every problem found is added to `errs` (file, JSON path, message) and the
 * first code is returned: KERR_IO/KERR_NOTFOUND (unreadable), KERR_SYNTAX
 * (not JSON), KERR_SCHEMA (missing or wrong keys).  On success `c` owns
 * everything and the caller frees it with corpus_release; on failure `c` is
 * left released.
 */
int corpus_load(struct corpus *c, const char *path, struct kerr_list *errs);

/* Free everything the corpus owns; leaves it zeroed.  Safe twice. */
void corpus_release(struct corpus *c);

/* Replace *slot with a malloc'd copy of `s` (NULL clears it).  0 or KERR_NOMEM. */
int corpus_set_str(char **slot, const char *s);

/* Set the survey file (a file given on the command line): one file, in
 * place of any files the descriptor named.  0 or KERR_NOMEM. */
int corpus_set_survey(struct corpus *c, const char *file);

/* Set the role column (a --role flag): one column for every wave, in place
 * of any the descriptor named per wave.  0 or KERR_NOMEM. */
int corpus_set_role_col(struct corpus *c, const char *column);

/* 1 when the questions name their columns per wave, else 0.  With one
 * survey file that is a wide panel export (the survey reader gives each row
 * once per wave); with a file per wave, each file's column for its wave. */
int corpus_by_wave(const struct corpus *c);

/* 1 when every row's wave is known: from a wave column, from the
 * questions' columns per wave, or from its file; else 0. */
int corpus_has_waves(const struct corpus *c);
/* 1 when every row's role is known: from a role column or from its file. */
int corpus_has_roles(const struct corpus *c);

/* Free what a question owns; leaves it zeroed. */
void corpus_question_release(struct corpus_question *q);

/* Append a question (strings copied).  0 or KERR_NOMEM. */
int corpus_add_question(struct corpus *c, const char *id, const char *column,
			const char *codebook);

/*
 * Resolve a path written in the descriptor: absolute as is; else relative to
 * the descriptor's directory if that file exists; else a shipped file found
 * by datadir_find (so "codebooks/sof-barrierer.json" works installed).
 * Appends to `out` (caller owns it).  Returns 0 or KERR_NOTFOUND (then `out`
 * holds the path relative to the descriptor).
 */
int corpus_resolve(const struct corpus *c, const char *rel, struct buf *out);

/* Index of the wave / role a column value means, or -1 when none does. */
long corpus_wave_of(const struct corpus *c, const char *value);
long corpus_role_of(const struct corpus *c, const char *value);

/* The question with this id or column name (csv_name_equal), or NULL. */
const struct corpus_question *corpus_question_find(const struct corpus *c, const char *key);

#endif

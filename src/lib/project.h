/*
 * project.h - bringing a survey into the project store.
 *
 * Review, decision import and export all work on the answers in the store,
 * so the survey is read once into it: one answer per respondent who wrote
 * anything, per open question, with wave and role after the corpus's
 * grouping, the other columns (Kommune, the work function as written) as
 * JSON, and the rule engine's suggestion with its evidence (byte spans in
 * the original text).  Reading the survey again updates answers whose text
 * changed and adds new ones; decisions are never touched.
 *
 * Wave and role: the corpus's group name when a value matches one; the
 * value as written when none does (tally lists those); "(ukendt)" for an
 * empty cell and "(alle)" when the survey has no such column.
 *
 * Ownership: nothing returned needs freeing except the codebook from
 * project_codebook (codebook_free).  The store and corpus are borrowed.
 */
#ifndef KODER_PROJECT_H
#define KODER_PROJECT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct codebook;
struct corpus;
struct kerr;
struct corpus_question;
struct kerr_list;
struct store;

struct project_stats {
	size_t rows;        /* survey rows read */
	size_t answers;     /* non-empty answers stored (all questions) */
	size_t added;       /* of those, new to the store */
	size_t moved;       /* questions coded with the codebook 'koder migrate'
	                       moved to, not the descriptor's */
	char moved_note[1024]; /* the first of those, said for the user */
};

/* Load the codebook of question `q` (resolved as corpus_resolve does).
 * *out is the caller's (codebook_free).  Problems go to `errs`. */
int project_codebook(const struct corpus *c, const struct corpus_question *q,
	struct codebook **out, struct kerr_list *errs);

/*
 * Read the corpus's survey into the store: question `qid` only (id or
 * column; NULL = every question).  Runs inside the caller's transaction if
 * one is open, else in its own, so a survey is stored whole or not at all.
 * Duplicate respondent ids within a wave are errors naming both lines.
 * Every problem goes to `errs`; returns the first code.  `st` may be NULL.
 */
int project_add_survey(struct store *s, const struct corpus *c, const char *qid,
	struct project_stats *st, struct kerr_list *errs);

/*
 * The codebook a stored question is coded with: the path recorded when its
 * survey was read (meta "codebook:<question>").  *out is the caller's.
 */
int project_codebook_of(struct store *s, const char *question, struct codebook **out,
	struct kerr_list *errs);

/*
 * Code `question` with the codebook at `path` from now on (a new version
 * after 'koder migrate'): review, import and agree load it, and new
 * decisions record its id and version.  Recorded as an absolute path.
 */
int project_set_codebook(struct store *s, const char *question, const char *path,
	struct kerr *e);

/*
 * After 'koder migrate': question `question` is coded with the codebook at
 * `path` (made absolute), whatever a descriptor still names, until the
 * project is migrated again.  Also sets project_set_codebook.
 */
int project_set_migrated(struct store *s, const char *question, const char *path,
	struct kerr *e);

/*
 * The codebook file to code `question` with, given the one a descriptor
 * names (`named`, may be NULL): `named` itself, or the file 'koder migrate'
 * moved the project to when that is another file (*moved = 1).  The path
 * goes into `out` (reset; caller owns it).
 */
int project_codebook_path(struct store *s, const char *question, const char *named,
	struct buf *out, int *moved, struct kerr *e);

/*
 * Check a code list against `cb` and rewrite it in codebook order joined by
 * ';' into `out` (appended; caller owns it).  Ids may be separated by ';'
 * ',' '|' or spaces.  KERR_NOTFOUND names an unknown id or a net (path =
 * the id); KERR_SCHEMA when ingen_svar is combined with categories; an
 * empty list is KERR_SCHEMA too.
 */
int project_canon_codes(const struct codebook *cb, const char *codes, struct buf *out,
	struct kerr *e);

/* Review and agreement hold an answer's codes as a bit set over the
 * codebook's categories (bit i = cats[i]); ids not in `cb`, and categories
 * past PROJECT_MAX_CATS, are left out.  NULL gives 0. */
#define PROJECT_MAX_CATS 64
/* The same, also taking ids in any case and category labels (any case,
 * separated by ';' or '|'), each read loosely described in `note` (may be
 * NULL; appended, caller owns it).  An unknown category's message says
 * "did you mean" the nearest id or label. */
int project_canon_codes_loose(const struct codebook *cb, const char *codes, struct buf *out,
	struct buf *note, struct kerr *e);

uint64_t project_code_bits(const struct codebook *cb, const char *codes);

struct project_import_stats {
	size_t rows;        /* data rows read */
	size_t imported;    /* decisions added */
	size_t unchanged;   /* the coder had already decided so */
	size_t blank;       /* rows with no codes (left for later) */
	size_t blank_answers; /* rows for answers left blank in the survey (ingen_svar
	                       or no codes): nothing to store */
	size_t loose;       /* rows whose codes were read loosely (labels, case) */
	size_t stale;       /* rows left as they are: newer decision than the file's */
	size_t forced;      /* rows that replaced a newer decision (--force) */
	size_t ignored_edits; /* cells changed in a column the import does not read */
};

struct project_import_opts {
	int force;                  /* import rows even over newer decisions */
	struct kerr_list *notes;    /* may be NULL: one note per row read loosely,
	                               left as it is (stale) or edited in a column
	                               that is not imported; code KERR_OK */
};

/*
 * Import coders' decisions from CSV `path` (columns `id` and `codes`,
 * optional `wave`, `question`, `note`, `decision`; any separator) as
 * decisions of `coder` with action "import".  Rows without a question
 * column belong to `qid`.  A respondent is (id, wave): an id that answered
 * in several waves needs the wave column (refused, naming the ids).  Every
 * row is checked first (unknown answer or category ids, duplicate rows,
 * missing columns), each problem with its line; if any is found nothing is
 * imported.  Otherwise all decisions go in one transaction.
 *
 * Codes may be ids in any case or labels (a note says how they were read);
 * an unknown one gets "did you mean".  A row for an answer the respondent
 * left blank (not in the store) marked ingen_svar or with no codes is
 * counted in st->blank_answers.  The `decision` column (written by
 * project_export) is the decision each row showed: when `coder` has a
 * newer, different one, the row is left as it is (st->stale, a note)
 * unless o->force.  A file without that column replaces as it always did.
 * Edits in the 'final' or 'suggested' columns are noted (not imported).
 * `o` may be NULL (no force, no notes).  Returns 0 or the first problem's
 * code; stale rows are not problems.
 */
int project_import(struct store *s, const char *path, const char *coder, const char *qid,
	const struct project_import_opts *o, struct project_import_stats *st,
	struct kerr_list *errs);

/*
 * Write one row per stored answer of `qid` to `path` (".xlsx" means an
 * Excel workbook, anything else CSV with `;` and a byte-order mark, as
 * Danish Excel opens it): id, question, wave, role, the other columns,
 * text, the engine's suggestion, the final codes and who decided them, and
 * `codes` and `note` for a coder to fill (pre-filled with `coder`'s
 * current decision, so importing an untouched file changes nothing).
 * Written whole or not at all.  *n (may be NULL) gets the row count.
 * `mask` is a set of PII kinds (pii.h; 0 for none) replaced by their
 * placeholders in the answer text, the note and the other survey columns.
 */
int project_export(struct store *s, const char *qid, const char *coder, const char *path,
	unsigned mask, size_t *n, struct kerr *e);

#endif

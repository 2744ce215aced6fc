/*
 * effect.h - what a codebook change does to the answers and to every
 * "Anført af X ud af Y": counts under two codebook versions, side by side.
 *
 * Two commands need this.  `koder diff --db` runs both versions' rules on
 * every stored answer and shows the answers whose suggestions change and
 * the counts under each; `koder migrate` shows the counts the earlier waves
 * had next to the counts they get once their decisions are migrated and
 * their answers recoded with the new version.  Both tables have one line per
 * category, wave and role (waves in survey order), so a reader can check
 * every number and see where a merge or split moved it.
 *
 * Nothing here prints: the counts, the table and the answers that move are
 * returned as data, and the commands (cmd_diff.c, cmd_migrate.c) show them.
 *
 * Ownership: tallies returned here are the caller's (tally_free); tables and
 * results are released with their own functions, stated below.
 */
#ifndef KODER_EFFECT_H
#define KODER_EFFECT_H

#include <stddef.h>

struct codebook;
struct kerr;
struct tally;

/*
 * A tally over `cb`'s categories and nets (cb may be NULL), plus `extra`
 * category ids it lacks (labelled with their id, or with the label `labels`
 * gives - a codebook that may be NULL - when it has the id), so codes from
 * older versions can be counted too.  Without `cb`, the nets of `labels`
 * are counted too, over the extra ids that belong to them there (an old
 * version's nets, beside the new one's).  Returns 0 or KERR_NOMEM.
 */
int effect_tally_new(const struct codebook *cb, const char *question,
	const char *const *extra, size_t nextra, const struct codebook *labels,
	struct tally **out, struct kerr *e);

/*
 * Count one answer: `answered` is 0 for an empty answer; `codes` the final
 * ';'-joined codes ("ingen_svar" = non-substantive; NULL or "" = none);
 * `reviewed` 1 when a coder decided them.  Returns 0, KERR_NOMEM, or
 * KERR_NOTFOUND for a code the tally does not know.
 */
int effect_count(struct tally *t, const char *wave, const char *role, int answered,
	const char *codes, int reviewed, struct kerr *e);

/*
 * Whether category `cat` existed in the codebook version(s) the "before"
 * counts of `wave` rest on; a category that did not is shown as "-", not as
 * a misleading 0.
 */
typedef int (*effect_in_use)(void *ctx, const char *cat, const char *wave);

/*
 * One line of the side-by-side table: a category (or the base Y, category
 * NULL) in one wave and role, counted before and after.  A side without
 * the category there (or nothing counted in the cell) has has == 0 and is
 * shown as "-"; the base line shows y alone, a category line "x/y".
 */
struct effect_cell {
	int has;
	size_t x, y;
};

struct effect_line {
	const char *category;      /* category id; NULL = the base line */
	const char *wave, *role;
	struct effect_cell before, after;
	int changed;               /* the two sides differ */
};

/*
 * The whole table: every wave and role (after's order, then those only
 * before has) for the base, every category of `after`, then those only
 * `before` has.  Lines where nothing changed are kept (a reader checks
 * those too).  Names are borrowed from the tallies, which must outlive it.
 */
struct effect_table {
	struct effect_line *lines; /* owned by the table (effect_table_release) */
	size_t n;
};

/*
 * Build the side-by-side table of `before` and `after`.  `in_use` may be
 * NULL (every category counts in every wave).  Returns 0 or KERR_NOMEM;
 * *out is the caller's (effect_table_release).
 */
int effect_table_build(const struct tally *before, const struct tally *after,
	effect_in_use in_use, void *ctx, struct effect_table *out, struct kerr *e);
void effect_table_release(struct effect_table *t);

/* An answer whose suggested codes a codebook change moves. */
struct effect_change {
	char *respondent, *wave, *role;  /* wave, role NULL when not known */
	char *text;                      /* the answer as stored or read (unmasked) */
	char *old_codes, *new_codes;
};

/*
 * What `koder diff` with answers found: every answer coded, those whose
 * suggestions change, the counts under each version and their table.  All
 * of it is owned by the result (effect_result_release).
 */
struct effect_result {
	size_t answers;
	struct effect_change *changes;
	size_t nchanges;
	struct tally *before, *after;
	struct effect_table table;       /* borrows from before and after */
};

/*
 * `koder diff` with answers: run old's and new's rules on every answer -
 * those stored in `db` for `question` (NULL = every question coded with this
 * codebook id), or, when db is NULL, the survey rows of `corpus` (a
 * descriptor or its directory; `question` picks the column, needed when it
 * has several) - and return each answer whose suggested codes change, the
 * counts and the table in *out (the caller's, also after an error:
 * effect_result_release).  Returns 0 or the first error (KERR_NOTFOUND when
 * there is no answer to code).  Nothing is printed: the command shows it,
 * masking what it quotes.
 */
int effect_compute(const char *db, const char *corpus, const char *question,
	const struct codebook *old, const struct codebook *new_, struct effect_result *out,
	struct kerr *e);
void effect_result_release(struct effect_result *r);

#endif

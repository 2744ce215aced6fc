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
 * Ownership: tallies returned here are the caller's (tally_free).  Nothing
 * else is allocated for the caller.
 */
#ifndef KODER_EFFECT_H
#define KODER_EFFECT_H

#include <stddef.h>
#include <stdio.h>

struct codebook;
struct kerr;
struct tally;

/*
 * A tally over `cb`'s categories and nets (cb may be NULL), plus `extra`
 * category ids it lacks (labelled with their id, or with the label `labels`
 * gives - a codebook that may be NULL - when it has the id), so codes from
 * older versions can be counted too.  Returns 0 or KERR_NOMEM.
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
 * Write the side-by-side table: for every category of `after` (then those
 * only `before` has), every wave and role: X/Y before and after.  Lines
 * where nothing changed are kept (a reader checks those too) and lines that
 * differ are marked.  `in_use` may be NULL (every category counts in every
 * wave).  Returns 0 or KERR_IO.
 */
int effect_write_table(const struct tally *before, const struct tally *after,
	const char *before_name, const char *after_name, effect_in_use in_use, void *ctx,
	FILE *fp, struct kerr *e);

/*
 * `koder diff` with answers: run old's and new's rules on every answer -
 * those stored in `db` for `question` (NULL = every question coded with this
 * codebook id), or, when db is NULL, the survey rows of `corpus` (a
 * descriptor or its directory; `question` picks the column, needed when it
 * has several) - and write each answer whose suggested codes change, then
 * the table.  `mask` (a pii.h kind set, 0 for none) is replaced by
 * placeholders in the quoted answers.  Returns 0 or the first error
 * (KERR_NOTFOUND when there is no answer to code).
 */
int effect_write(const char *db, const char *corpus, const char *question,
	const struct codebook *old, const struct codebook *new_, unsigned mask, FILE *fp,
	struct kerr *e);

#endif

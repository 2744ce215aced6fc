/*
 * migration.h - one run of `koder migrate`: the answers coded with the
 * codebook migrated, each with its final decision before and its recoding
 * by the new version, what each counts as before and after, the counts
 * themselves, and writing the result to the store.
 *
 * Why its own module: the plan (which decision is carried, which flagged)
 * is migrate.h's; this is everything around it that used to sit in
 * cmd_migrate.c - reading the store, recoding, the interim "after" counts
 * that `tally` will then give - so the command only shows what it returns
 * and another front end can migrate alike.
 *
 * An answer counts "before" with its final decision (or its suggestion when
 * nobody decided it), and "after" with: a decision already at the new
 * version; else the plan's carried codes when its final decision was
 * carried; else, when it was flagged, its interim codes (migrate_interim:
 * the coder's codes that carry over, and where the new version split or
 * added categories, what the new version's recoding finds - the old
 * suggestion with --no-recode), as `tally --db` counts a flagged answer
 * until a coder decides it again; else (nobody decided it) the recoding.
 *
 * Ownership: a struct migration owns its answers, their strings and the
 * codebooks it adds to `from` (migration_release); `to` and `question` are
 * borrowed and must outlive it.  Answers returned are borrowed from it.
 */
#ifndef KODER_MIGRATION_H
#define KODER_MIGRATION_H

#include <stddef.h>

struct codebook;
struct effect_table;
struct kerr;
struct migrate_entry;
struct migrate_plan;
struct store;
struct tally;

#define MIGRATION_MAX_FROM 16

struct migration_answer {
	long long id;
	char *wave, *role, *respondent, *text;
	char *final, *final_version, *final_coder, *suggested;  /* before */
	char *recoded, *evidence;                              /* the new version's rules */
	char *interim;    /* a flagged final decision's codes meanwhile (migration_interim) */
	const struct migrate_entry *moved;  /* the plan's entry for the final decision */
	int decided;
};

struct migration {
	const struct codebook *to;
	const char *question;              /* NULL = every question coded with `to` */
	struct migration_answer *a;        /* sorted by id */
	size_t n, cap;
	int oom;
};

/*
 * Read from store `s` every answer coded with `to`'s codebook id (only
 * `question`'s when not NULL) and its final decision.  KERR_NOTFOUND (naming
 * `db`, the store's path) when there is none.  *m is the caller's
 * (migration_release), also after an error.
 */
int migration_load(struct migration *m, struct store *s, const char *db,
	const struct codebook *to, const char *question, struct kerr *e);
void migration_release(struct migration *m);

/* The answer with store id `id`, or NULL (a binary search). */
struct migration_answer *migration_find(const struct migration *m, long long id);

/*
 * Add to from[] (*nfrom of at most MIGRATION_MAX_FROM) the codebook each
 * question migrated is coded with until now, as the store recorded it when
 * the survey was read, when it is an earlier version not already there:
 * without --from it says which categories the new version added.  One that
 * cannot be read any more is skipped (the decisions' ids stand in).  Added
 * codebooks are the caller's (codebook_free).
 */
int migration_stored_from(const struct migration *m, struct store *s, struct codebook **from,
	size_t *nfrom, struct kerr *e);

/* Point every answer at the plan entry of its final decision's coder. */
void migration_link(struct migration *m, const struct migrate_plan *p);

/*
 * Decisions recorded under the new version's number that use categories it
 * lacks (the codebook changed without its version being raised: migrate
 * cannot see such a change).  Returns how many; *first the first of them.
 */
size_t migration_same_version_misuse(const struct migration *m,
	const struct migration_answer **first);

/* Run the new version's rules on every answer: recoded and evidence.  Then
 * flag in the plan the decisions that lack a category the new version added
 * and its rules find (migrate_plan_flag_added).  Returns 0 or the error. */
int migration_recode(struct migration *m, struct migrate_plan *p, struct kerr *e);

/*
 * Work out what each answer whose final decision is flagged counts as
 * until a coder decides it again (migrate_interim, with the recoding, or
 * the old suggestion when there is none).  *unsettled gets how many of
 * these answers have a split category of which the rules find none of the
 * parts (it counts under none of them meanwhile).  Call after migration_recode (or instead
 * of it).  Returns 0 or KERR_NOMEM.
 */
int migration_interim(struct migration *m, size_t *unsettled, struct kerr *e);

/* What answer x counts as after the migration; *reviewed 1 when a coder's
 * decision (carried or made under the new version); a flagged one counts
 * with its interim codes, not reviewed. */
const char *migration_after(const struct migration *m, const struct migration_answer *x,
	int *reviewed);

/*
 * The counts before and after, per wave and role, and their side-by-side
 * table.  "before" lists the old ids with the labels the last of the
 * from[] versions gives; a category a wave's versions did not have shows as
 * "-".  *before, *after and *table are the caller's (tally_free,
 * effect_table_release; the table borrows from the tallies).
 */
int migration_counts(const struct migration *m, const struct migrate_plan *p,
	const struct codebook *const *from, size_t nfrom, struct tally **before,
	struct tally **after, struct effect_table *table, struct kerr *e);

/*
 * Write the migration to the store in one transaction: the plan's carried
 * decisions, every question moved to `to_path` (so review, export, agree
 * and tally use the new version from the store), and with `recoded` each
 * answer's new suggestion.  Returns 0 or the error (nothing written).
 */
int migration_apply(const struct migration *m, struct store *s, const struct migrate_plan *p,
	int recoded, const char *to_path, struct kerr *e);

#endif

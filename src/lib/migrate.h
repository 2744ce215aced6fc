/*
 * migrate.h - carrying coders' decisions from one codebook version to the
 * next.
 *
 * A decision's codes are mapped category by category along the fates that
 * cbdiff computed: a kept, renamed or merged category is carried to its one
 * successor; a split or removed one cannot be carried without guessing, so
 * the whole decision is flagged for a coder to look at again and nothing
 * about it is changed in the store.  Until then it counts with what it
 * keeps of its own (migrate_interim): the coder's carried codes, and only
 * for what the new version split or added, the new rules' suggestion.  So is a decision on the residual andet when the new
 * version added a category (andet covered it until then), and one whose
 * answer the new rules code to an added category it lacks.  ingen_svar (a
 * non-substantive answer) is carried as it is.  The store side (reading decisions, appending the migrated ones)
 * lives in migrate_store, which never rewrites history: it appends.
 *
 * Ownership: a migrate_item owns its strings (migrate_item_release).
 */
#ifndef KODER_MIGRATE_H
#define KODER_MIGRATE_H

#include <stddef.h>

struct buf;
struct cbdiff;
struct kerr;

enum migrate_status {
	MIGRATE_SAME,     /* the codes are valid as they are in the new version */
	MIGRATE_CHANGED,  /* carried through a rename or merge */
	MIGRATE_REVIEW    /* a split or removed category: a coder must decide */
};

struct migrate_item {
	enum migrate_status status;
	char *codes;  /* the codes in the new version (';'-joined, new codebook
	               * order); for MIGRATE_REVIEW the old codes unchanged */
	char *why;    /* for CHANGED and REVIEW: what happened, for the report
	               * and the decision's note; NULL for SAME */
	/* What a REVIEW item counts as until a coder decides it again
	 * (migrate_interim); for SAME and CHANGED carried equals codes. */
	char *carried;  /* the codes that need no coder, in the new version:
	                 * kept, renamed and merged ones (and ingen_svar); a
	                 * split, removed or unknown one left out */
	char *split;    /* each split category's parts, ';'-joined, '|' between
	                 * categories ("psykisk;fysisk"); "" when none */
	char *added;    /* the categories the new version added since the
	                 * decision's version, ';'-joined (set by the plan; ""
	                 * when none or not known) */
};

#define MIGRATE_ITEM_INIT { MIGRATE_SAME, NULL, NULL, NULL, NULL, NULL }

/*
 * Map ';'-joined `codes` (old version) through `d`.  Fills `out`, which the
 * caller releases.  Returns 0 or KERR_NOMEM.
 */
int migrate_codes(const struct cbdiff *d, const char *codes,
	struct migrate_item *out, struct kerr *e);
void migrate_item_release(struct migrate_item *m);

/*
 * What a decision flagged for review counts as until a coder decides it
 * again: the coder's own codes wherever the new version left them alone
 * (`carried`), and only where it changed them the new rules' suggestion
 * (`rules`, ';'-joined; may be NULL): of each split category the parts the
 * rules find, and the added categories they find.  andet, the residual,
 * gives way when the rules add a category (it meant "none of the others").
 * A split category of whose parts the rules find none counts under none of
 * them - a coder said one of them applies, but not which - and adds 1 to
 * *unsettled (may be NULL).  `carried`, `split` and `added` are as in
 * struct migrate_item.  The codes go to `out` (reset first): the carried
 * ones, then those from the rules.  Returns 0 or KERR_NOMEM.
 */
int migrate_interim(const char *carried, const char *split, const char *added,
	const char *rules, struct buf *out, size_t *unsettled);

const char *migrate_status_name(enum migrate_status s);

/* ---- a whole store ---------------------------------------------------- */

struct codebook;
struct store;

/* One coder's current decision and what migration does to it (`item`; for
 * an entry flagged for review, its carried, split and added parts say what
 * it counts as meanwhile: migrate_interim). */
struct migrate_entry {
	long long answer_id, decision_id;
	char *coder, *version, *old_codes, *suggested;
	int final;
	struct migrate_item item;
};

/* How many decisions of one old version carried one old category, and how. */
struct migrate_fate_count {
	char *version, *id;   /* old version and old category id */
	int kind;             /* enum cbdiff_fate_kind */
	char *to;             /* successors, ", "-joined ("" when removed) */
	size_t decisions;
};

/* The categories the new version added relative to one old version. */
struct migrate_added {
	char *version;
	char **ids;
	size_t n;
};

struct migrate_plan {
	char *codebook_id, *to_version;
	struct migrate_added *added;     /* one per old version */
	size_t nadded;
	size_t flagged_added;            /* of `review`, flagged by
	                                    migrate_plan_flag_added */
	size_t flagged_residual;         /* of `review`, decisions on andet
	                                    flagged because categories were
	                                    added (see migrate_plan_build) */
	struct migrate_entry *entries;   /* decisions under older versions */
	size_t n, cap;
	size_t same, changed, review, current;  /* current: already at to_version */
	struct migrate_fate_count *fates;
	size_t nfates, fcap;
};

/*
 * Plan the migration of every coder's current decision on answers coded
 * with `to`'s codebook id (and `question`, unless NULL) to `to`.  An older
 * version's categories come from the matching codebook in `from` (nfrom may
 * be 0); without one, the ids its decisions use stand for it, which is all
 * mapping needs (the new version's ids and "replaces" say where each goes).
 * A category the new version added (no predecessor in the old version)
 * narrows the residual andet, which covered it until then: when both
 * versions have andet, every decision that carries andet is flagged for
 * review, with the added categories in its `why` (counted in
 * flagged_residual).  This needs the old version's codebook.
 * Reads only.  `p` is filled (release with migrate_plan_release).
 */
int migrate_plan_build(struct store *s, const struct codebook *to,
	const struct codebook *const *from, size_t nfrom, const char *question,
	struct migrate_plan *p, struct kerr *e);

/*
 * A category added in the new version changes what the others (above all
 * the residual andet) meant.  Flag for review every planned decision whose
 * answer the new version's rules code to a category added since the
 * decision's version, which the migrated codes lack - like a split.
 * `recoded(ctx, answer_id)` gives the new rules' ';'-joined codes for an
 * answer (borrowed, NULL when unknown).  Returns 0 or KERR_NOMEM.
 */
int migrate_plan_flag_added(struct migrate_plan *p,
	const char *(*recoded)(void *ctx, long long answer_id), void *ctx, struct kerr *e);

/*
 * Append one 'migrate' decision per carried entry (same coder, the new
 * version and codes, the final flag kept, a note saying from which version
 * and what changed) and record the new version - all in the caller's
 * transaction.  Entries flagged for review are left exactly as they were.
 * Returns 0 or the store's error.
 */
int migrate_plan_apply(struct store *s, const struct migrate_plan *p, struct kerr *e);
void migrate_plan_release(struct migrate_plan *p);

#endif

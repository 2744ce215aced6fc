/*
 * migrate.h - carrying coders' decisions from one codebook version to the
 * next.
 *
 * A decision's codes are mapped category by category along the fates that
 * cbdiff computed: a kept, renamed or merged category is carried to its one
 * successor; a split or removed one cannot be carried without guessing, so
 * the whole decision is flagged for a coder to look at again and nothing
 * about it is changed.  ingen_svar (a non-substantive answer) is carried as
 * it is.  The store side (reading decisions, appending the migrated ones)
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
};

#define MIGRATE_ITEM_INIT { MIGRATE_SAME, NULL, NULL }

/*
 * Map ';'-joined `codes` (old version) through `d`.  Fills `out`, which the
 * caller releases.  Returns 0 or KERR_NOMEM.
 */
int migrate_codes(const struct cbdiff *d, const char *codes,
	struct migrate_item *out, struct kerr *e);
void migrate_item_release(struct migrate_item *m);

const char *migrate_status_name(enum migrate_status s);

#endif

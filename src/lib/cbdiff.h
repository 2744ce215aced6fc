/*
 * cbdiff.h - what changed between two versions of a codebook, and where each
 * old category went.
 *
 * Between survey waves analysts add categories, relabel them, merge two into
 * one and split one into two.  The new version declares merges, splits and
 * renames with `"replaces": ["old_id", ...]` on the new category.  From that
 * this module works out the *fate* of every old category:
 *
 *   kept      the same id lives on (possibly relabelled, moved to another
 *             net, with other patterns)
 *   renamed   exactly one new category replaces it, and nothing else does
 *   merged    its one successor also takes over other old categories
 *   split     two or more new categories replace it: a decision coded with
 *             it cannot be carried forward without a coder looking again
 *   removed   nothing replaces it
 *
 * A `replaces` entry naming an id the old version does not have is ignored,
 * so a codebook can keep its whole lineage (v3 may still say that
 * tid_sagsantal replaces tid and sagsantal, which only v1 had) and decisions
 * from any earlier version migrate in one step.
 *
 * The module works on a borrowed, flat view of a codebook (struct cbview),
 * which cbdiff_view builds from a loaded struct codebook; tests can build
 * views by hand.
 *
 * Ownership: a cbview borrows every string from its codebook, which must
 * outlive it, and owns only its arrays (cbview_release).  A cbdiff owns its
 * arrays and borrows strings from the two views (cbdiff_release).
 */
#ifndef KODER_CBDIFF_H
#define KODER_CBDIFF_H

#include <stddef.h>
#include <stdio.h>

struct kerr;
struct codebook;

struct cbview_cat {
	const char *id, *label, *net, *description;  /* net/description may be NULL */
	const char **include, **exclude, **replaces;
	size_t ninclude, nexclude, nreplaces;
};

struct cbview_net {
	const char *id, *label;
};

struct cbview {
	const char *id, *version;
	struct cbview_cat *cats;
	size_t ncats;
	struct cbview_net *nets;
	size_t nnets;
};

/* Build a view of a loaded codebook.  Returns 0 or KERR_NOMEM. */
int cbdiff_view(const struct codebook *cb, struct cbview *v, struct kerr *e);
void cbview_release(struct cbview *v);
/* Index of a category, or -1. */
long cbview_find(const struct cbview *v, const char *id);

enum cbdiff_fate_kind {
	CBDIFF_KEPT,
	CBDIFF_RENAMED,
	CBDIFF_MERGED,
	CBDIFF_SPLIT,
	CBDIFF_REMOVED
};

struct cbdiff_fate {
	enum cbdiff_fate_kind kind;
	size_t *to;   /* indexes of the successors in the new view, codebook order */
	size_t nto;
};

/* Everything the new version changed for one of its categories (1:1 or not). */
struct cbdiff_newcat {
	size_t *from;           /* indexes of predecessors in the old view */
	size_t nfrom;
	int relabelled, net_changed, description_changed;
	const char **inc_added, **inc_removed, **exc_added, **exc_removed;
	size_t ninc_added, ninc_removed, nexc_added, nexc_removed;
};

struct cbdiff {
	const struct cbview *old, *new_;
	struct cbdiff_fate *fates;     /* one per old category */
	struct cbdiff_newcat *newcats; /* one per new category */
	size_t nadded, nremoved, nrenamed, nmerged, nsplit, nrelabelled,
	       nnet_changed, npatterns;
};

/*
 * Compare two views of the same codebook.  Fills `d` (zeroed by this call);
 * release it with cbdiff_release.  Returns 0, KERR_NOMEM, or KERR_SCHEMA when
 * the two are different codebooks (ids differ) - a diff across codebooks
 * would be meaningless and migrating along it would corrupt decisions.
 */
int cbdiff_compute(const struct cbview *old, const struct cbview *new_,
	struct cbdiff *d, struct kerr *e);
void cbdiff_release(struct cbdiff *d);

/* Nothing changed at all. */
int cbdiff_empty(const struct cbdiff *d);

/*
 * Map one old category id to its successors' ids.  Appends up to `max`
 * borrowed ids to `out` and returns how many there are (0 = removed or
 * unknown, 1 = carried forward, >= 2 = split).  `kind` (may be NULL) gets
 * the fate.  An id the old version does not know returns 0 with kind
 * CBDIFF_REMOVED.
 */
size_t cbdiff_map(const struct cbdiff *d, const char *old_id, const char **out,
	size_t max, enum cbdiff_fate_kind *kind);

/* Write the change report a reader checks, in sections.  Returns 0 or KERR_IO. */
int cbdiff_write_text(const struct cbdiff *d, FILE *fp, struct kerr *e);

/* Name of a fate ("kept", "renamed", ...). Static storage. */
const char *cbdiff_fate_name(enum cbdiff_fate_kind k);

#endif

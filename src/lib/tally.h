/*
 * tally.h - "Anført af X ud af Y": counting coded answers per wave and role.
 *
 * One tally counts one open question coded with one codebook.  It is split
 * into cells by group (a --by column such as Kommune, or one group when none),
 * wave and role.  For each cell it keeps:
 *   respondents  rows in the cell
 *   answered     non-empty answers
 *   base (Y)     substantive answers (answered and not coded ingen_svar)
 *   count[c] (X) substantive answers coded to category c; a respondent counts
 *                at most once per category, and once for a net if any of its
 *                members applies
 *   reviewed     answers whose final codes came from a coder, not the engine
 *   uncoded      substantive answers no category applied to
 * The tally knows nothing about files, engines or stores: the caller says
 * which wave, role and group a row belongs to and what its final codes are.
 *
 * Order: categories in the order given (codebook order, nets placed by the
 * caller); waves, roles and groups in the order first registered, so a
 * corpus's wave order is kept by registering its waves first.
 *
 * Ownership: tally_new returns a tally the caller frees with tally_free; it
 * copies every string it is given.  Pointers into it stay valid until then.
 */
#ifndef KODER_TALLY_H
#define KODER_TALLY_H

#include <stddef.h>

#include "strtab.h"

struct kerr;

/* A category or net as the caller describes it to tally_new. */
struct tally_cat_def {
	const char *id, *label;
	const char *net;   /* id of the net this category belongs to, or NULL */
	int is_net;        /* this entry is a net (members name it in .net) */
};

struct tally_cat {
	char *id, *label;
	int is_net;
	long net;          /* index of its net, or -1 */
};

/* A wave, role or group. */
struct tally_dim {
	char *name;
	char *plural;      /* roles: used in "ud af Y ledere"; else = name */
};

struct tally_cell {
	size_t group, wave, role;
	size_t respondents, answered, base, reviewed, uncoded;
	size_t *count;     /* [ncats]; nets counted too */
};

struct tally {
	char *question;    /* the question (column name) */
	char *qid;         /* its short id, or = question */
	char *codebook_id, *codebook_title;
	char *codebook_version;  /* as the codebook writes it; "" when none */
	/* The codebook versions the coders' decisions were made under, e.g.
	 * "1 (31 svar), 3 (77 svar)"; NULL when no decision counts. */
	char *decided_versions;
	struct tally_cat *cats;
	size_t ncats;
	struct tally_dim *waves, *roles, *groups;
	size_t nwaves, nroles, ngroups;
	char *by;          /* the --by column, or NULL */
	struct tally_cell *cells;   /* in order of creation */
	size_t ncells;
	/* private: cell lookup, and group names -> index (a --by column may have
	 * thousands of values) */
	size_t *slots, nslots, cap_cells, cap_w, cap_r, cap_g;
	struct strtab group_index;
};

/* How an answer counts. */
enum tally_kind {
	TALLY_EMPTY = 0,   /* no answer: counts only as a respondent */
	TALLY_NONSUBST,    /* answered, but ingen_svar ("ved ikke", "-") */
	TALLY_SUBST        /* a substantive answer: counts in Y */
};

/*
 * New tally for `question` (qid may be NULL) coded with a codebook of these
 * categories.  Returns 0 with *out set (free with tally_free), KERR_NOMEM, or
 * KERR_SCHEMA when a category names a net that is not in the list.
 */
int tally_new(struct tally **out, const char *question, const char *qid,
	      const char *codebook_id, const char *codebook_title, const char *codebook_version,
	      const struct tally_cat_def *cats, size_t ncats, struct kerr *e);
void tally_free(struct tally *t);
/* The question as reports head it (a .sav's variable label rather than its
 * name "Svar"); copied.  Returns 0 or KERR_NOMEM (then unchanged). */
int tally_set_question(struct tally *t, const char *question);
/* Record which codebook versions the counted decisions rest on (copied; the
 * tally owns its copy).  Returns 0 or KERR_NOMEM. */
int tally_set_decided_versions(struct tally *t, const char *versions);

/* Index of the wave / role / group `name`, registering it if new (plural may
 * be NULL = name).  Returns the index, or -1 on out of memory. */
long tally_wave(struct tally *t, const char *name);
long tally_role(struct tally *t, const char *name, const char *plural);
long tally_group(struct tally *t, const char *name);

/* Index of category `id`, or -1. */
long tally_cat_index(const struct tally *t, const char *id);

/*
 * Turn a codes string ("tid_sagsantal;afstand", "ingen_svar", "") into flags
 * (`flags` has ncats entries, cleared first) and a kind.  Separators `;` `,`
 * `|` and spaces.  Returns 0, or KERR_NOTFOUND naming an unknown category
 * id (path = the id) or a net given as a code.
 */
int tally_parse_codes(const struct tally *t, const char *codes, unsigned char *flags,
		      enum tally_kind *kind, struct kerr *e);

/*
 * Count one respondent.  `flags` (ncats entries, may be NULL when kind is
 * not TALLY_SUBST) marks the categories its final codes name; nets are
 * derived here.  `reviewed` says the codes are a coder's decision.  Returns
 * 0 or KERR_NOMEM.
 */
int tally_add(struct tally *t, size_t group, size_t wave, size_t role,
	      enum tally_kind kind, const unsigned char *flags, int reviewed);

/* The cell, or NULL if nothing was counted there. */
const struct tally_cell *tally_cell(const struct tally *t, size_t group, size_t wave,
				    size_t role);

/* Waves in which some role has base > 0 in `group` (for reports that skip
 * waves where the question was not asked).  Returns 1 or 0. */
int tally_wave_asked(const struct tally *t, size_t group, size_t wave);

/* One existing cell as tally_each_cell hands it out: group g (0 when the
 * tally has no groups), category k, wave w, role r. */
struct tally_cell_ref {
	const struct tally *t;
	size_t g, k, w, r;
	const struct tally_cell *c;
};

/*
 * Call fn for every existing cell of t[0..n), in report order: tally,
 * group, category, wave (only waves in which the question was asked:
 * tally_wave_asked), role.  Every row-per-cell format (CSV, JSON, the
 * library's cell list) walks the grid through here, so they agree on which
 * cells exist and in what order.  fn returns non-zero to stop; that value is
 * returned.
 */
int tally_each_cell(struct tally *const *t, size_t n,
	int (*fn)(void *ctx, const struct tally_cell_ref *x), void *ctx);

struct codebook;
/*
 * A new tally over codebook `cb`'s categories as the reports show them:
 * codebook order without ingen_svar, each net just before its first member.
 * *cb2t (may be NULL) gets a malloc'd map from codebook category to tally
 * category (-1 for ingen_svar), which the caller frees.  Returns 0,
 * KERR_NOMEM or KERR_SCHEMA (as tally_new).
 */
int tally_of_codebook(const struct codebook *cb, const char *question, const char *qid,
	struct tally **out, long **cb2t, struct kerr *e);

#endif

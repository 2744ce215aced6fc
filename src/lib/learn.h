/*
 * learn.h - proposing rule changes from coders' overrides.
 *
 * When coders add a category the rules missed, the phrases those answers
 * share are candidates for new include patterns; when coders remove a
 * category the rules suggested, the phrases of those answers are candidates
 * for exclusions.  Each candidate is scored on every reviewed answer: how
 * many it would fix and how many it would break (an include that would
 * also code answers the coders left out; an exclusion that would also drop
 * codes the coders kept).  Candidates are word n-grams (1 to 3 words) of the
 * repaired text, compared on the match key, so "køretid" and "koretid" are
 * one candidate, plus word stems with the pattern language's `*` ending
 * ("arbejdsgiver*" from arbejdsgiveren, arbejdsgiverne); a phrase may not
 * begin or end with a Danish function word.  Counts assume a pattern matches
 * wherever its words occur; the rule engine's negation handling can make a
 * real include match fewer answers.
 *
 * Counts on the answers a phrase was read from flatter it: with 212
 * answers, "fået" is shared by two answers coders coded alike by chance.
 * So every candidate is also scored on held-out folds: the answers are
 * dealt into K folds, and for each fold the phrase counts as learned only
 * if the other folds alone make it a candidate; its fixes and breaks on the
 * fold's own answers are summed.  A proposal must fix more than it breaks
 * there.  And a change that would undo a category the coders carved out of
 * another (an exclusion on the new category, an include on the one it came
 * from; see learn_carved) is never proposed.
 *
 * The module only proposes: it never edits a codebook.
 *
 * Ownership: a learn_set owns its answers' copies and all proposals
 * (learn_release).  Strings passed in are copied.
 */
#ifndef KODER_LEARN_H
#define KODER_LEARN_H

#include <stddef.h>

struct kerr;

struct learn_proposal {
	size_t cat;       /* category index */
	int exclude;      /* 0: new include pattern, 1: new exclusion */
	char *pattern;    /* the phrase as respondents wrote it, lower case */
	size_t fixes;     /* reviewed answers it would make agree with the coders */
	size_t breaks;    /* reviewed answers it would make disagree */
	size_t held_fixes, held_breaks; /* the same, summed over the held-out folds
	                   * whose other answers proposed it (0 without folds) */
	size_t folds;     /* how many folds' other answers proposed it */
	size_t example;   /* index of one answer it fixes */
};

struct learn_set;

/* A new, empty set for a codebook of `ncats` categories.  Caller owns *out. */
int learn_new(struct learn_set **out, size_t ncats, struct kerr *e);
void learn_free(struct learn_set *s);

/*
 * Add one reviewed answer: its repaired text (normalize_text's `text`), the
 * coders' final categories and the rules' suggestion, both as ncats flags
 * (1 = coded).  All answers come before the first learn_propose (then
 * KERR_INVALID).  Returns 0 or KERR_NOMEM.
 */
int learn_add(struct learn_set *s, const char *text, const unsigned char *coder,
	const unsigned char *rules, struct kerr *e);

/*
 * Tell the set a pattern category `cat` already has (exclude: 1 for its
 * exclusions), so it is never proposed again: a pattern the rules already
 * hold but that missed (a negation, say) needs a coder's thought, not a
 * second copy.  Returns 0 or KERR_NOMEM.
 */
int learn_known(struct learn_set *s, size_t cat, int exclude, const char *pattern,
	struct kerr *e);

/* How many answers were added, and how many disagree with the rules on
 * category `cat` in each direction (coders added / coders removed). */
size_t learn_count(const struct learn_set *s);
void learn_overrides(const struct learn_set *s, size_t cat, size_t *added, size_t *removed);
/* The text of answer i (borrowed). */
const char *learn_text(const struct learn_set *s, size_t i);

/*
 * Category `cat` was carved out of `source` (it `replaces` an id the
 * codebook still has, as a category split off `andet` does): no exclusion
 * on `cat` and no include on `source` is proposed.  Returns 0, KERR_INVALID
 * (an index out of range, or cat == source) or KERR_NOMEM.
 */
int learn_carved(struct learn_set *s, size_t cat, size_t source, struct kerr *e);

/*
 * Compute proposals with at least `min_fix` fixes and fixes > 2 x breaks
 * (breaking a right code costs more than leaving one unfixed) and, when
 * `folds` > 1, more held-out fixes than held-out breaks over `folds` folds
 * (answer i is in fold i mod folds); best first within each category
 * (held-out fixes - breaks, then fixes - 2 x breaks, then fixes, then
 * shorter), at most `per_cat` of each kind per category, in codebook order.
 * A phrase whose fixed answers earlier proposals already fix is left out.
 * *out is owned by the set (valid until learn_free).  Returns 0 or KERR_NOMEM.
 */
int learn_propose(struct learn_set *s, size_t min_fix, size_t per_cat, size_t folds,
	const struct learn_proposal **out, size_t *n, struct kerr *e);

/* Of the last learn_propose: how many candidates the held-out folds
 * turned down, and how many would have undone a carved-out category. */
void learn_left_out(const struct learn_set *s, size_t *rejected, size_t *undo);

#endif

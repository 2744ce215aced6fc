/*
 * discover.h - candidate new categories among the answers no category
 * explains: groups of answers that share distinguishing words, each with a
 * proposed id and label and include patterns in the codebook's syntax.
 *
 * Why: the answers left in `andet` hold the categories a codebook lacks;
 * reading hundreds of them to see that is what an evaluator cannot afford.
 * Features are Danish Snowball stems (libstemmer) of the words that are not
 * everyday words, and two-word phrases of them, weighted by tf-idf times
 * the squared share of each word's answers that are unexplained (keyness
 * against the coded answers), plus a share of the words that go with them
 * in all answers.
 * Answers are grouped by average-link agglomeration (on a reservoir sample
 * of at most a few thousand, deterministic for a seed; of a few hundred
 * answers, all of them, and then the seed changes nothing): every answer
 * its own group, the two groups most alike on average joined while they
 * are more alike than a few times the question's mean, so that one theme
 * is one candidate, not several halves that differ from seed to seed.
 * Each group is labelled by its terms' log-likelihood against the other
 * answers; its patterns are the stems (`stem*`, or the stem's own forms
 * `(a|b)` when `stem*` would catch other words: kom* -> kommunen) and
 * phrases (`a* NEAR/2 b*`) that cover most of its answers.
 *
 * Memory does not grow with the answers: discover_add counts their words
 * (the rarest forgotten when the table is full) and keeps a sample;
 * discover_match then takes the answers to group a second time, one by
 * one, and counts what every candidate covers.  The caller keeps what it
 * wants of them (examples, counts per wave and role) as they pass.
 *
 * Ownership: discover_new returns an object the caller frees
 * (discover_free); it copies what it keeps of an answer added.  Candidates
 * and their strings are borrowed from it until discover_free.
 */
#ifndef KODER_DISCOVER_H
#define KODER_DISCOVER_H

#include <stddef.h>

struct kerr;
struct discover;

struct discover_opts {
	unsigned long seed;    /* the sample of a large set of answers */
	size_t k;              /* groups to form; 0: chosen from the answers */
	const char *const *taken;  /* category ids a proposal must not reuse */
	size_t ntaken;
};

struct discover_term {
	const char *term;      /* stem, or "stem stem" for a phrase */
	const char *form;      /* its most frequent written form */
	size_t in, out;        /* answers with it inside / outside the group (of
	                          the sample, or as counted by discover_match) */
	double ll;             /* log-likelihood of in vs out */
};

struct discover_cand {
	const char *id, *label;
	const char *const *include;   /* ready-to-paste patterns */
	size_t ninclude;
	size_t nmembers;        /* answers its patterns match: of the sample after
	                           discover_run, of all the answers given to
	                           discover_match after that */
	const struct discover_term *terms;   /* distinguishing, strongest first */
	size_t nterms;
	double cohesion;        /* mean cosine of its answers to its centre */
};

/* Returns 0 or KERR_NOMEM (libstemmer missing its Danish stemmer too). */
int discover_new(const struct discover_opts *o, struct discover **out, struct kerr *e);
void discover_free(struct discover *d);

/* Add one answer (text is UTF-8, the repaired text is best): one to group
 * (`group` 1), or one that only teaches which words go together (0: the
 * other answers of the question, so that "kørsel" is known to go with
 * "afstand").  Returns 0 or KERR_NOMEM. */
int discover_add(struct discover *d, const char *text, size_t len, int group,
	struct kerr *e);

/* The category ids a proposal must not reuse (borrowed until discover_run
 * returns), replacing those of the options: a caller that learns them
 * while adding answers (the coders' codes in a store) gives them here. */
void discover_set_taken(struct discover *d, const char *const *taken, size_t n);

/* Group the answers; candidates come ranked, the best first.  Once only;
 * no answer may be added after it.  Returns 0, KERR_NOMEM or KERR_INVALID. */
int discover_run(struct discover *d, struct kerr *e);

/* One answer to group, after discover_run. */
struct discover_match {
	size_t own;            /* the candidate of the group it is nearest to, SIZE_MAX
	                          for none (no word to group by, or that group
	                          gave no candidate) */
	double sim;            /* its cosine to that group's centre */
	const unsigned char *match;   /* match[c] is 1 when candidate c's patterns
	                                 match it; borrowed until the next call */
};

/*
 * After discover_run, the answers to group once more (each once, in any
 * order; the same text as discover_add had): which candidates they belong
 * to, into *m.  The first call starts every candidate's nmembers, its
 * terms' in and out and discover_nempty from 0; each call counts its
 * answer.  Returns 0, KERR_NOMEM or KERR_INVALID (before discover_run).
 */
int discover_match(struct discover *d, const char *text, size_t len, struct discover_match *m,
	struct kerr *e);

size_t discover_ncands(const struct discover *d);
const struct discover_cand *discover_cand(const struct discover *d, size_t i);
/* Answers to group; of them, answers that had no feature at all (they join no group). */
size_t discover_nanswers(const struct discover *d);
size_t discover_nempty(const struct discover *d);

#endif

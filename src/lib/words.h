/*
 * words.h - what answers say, counted: words and two- and three-word
 * phrases, grouped by their Danish stem (Snowball, libstemmer), with the
 * forms that occur, and the keyness of a group of answers against the rest.
 *
 * Why: a codebook's writer looks first at the words people use, so that
 * patterns catch "sagerne", "sagsantallet" and "sager" alike.  A term is
 * counted once per answer (how many answers say it), on the repaired text
 * (normalize.h), lower-cased.  Phrases are counted as stems too; one-word
 * terms that are everyday words (og, det, ikke ...) are left out unless
 * asked for, phrases keep them ("ikke tid").
 *
 * A very large survey: beyond 65,536 different terms those said by the
 * fewest answers so far are forgotten (lossy counting), so memory stays
 * flat; a term forgotten and said again may then count short by a few.
 *
 * Keyness: every answer is in the group (1) or the rest (0); a term's
 * log-likelihood G2 (Dunning 1993; Rayson & Garside 2000) compares how many
 * answers of each say it, signed + when the group says it more often.
 *
 * Ownership: words_new returns a counter the caller frees (words_free);
 * words_top returns an array owned by the counter, valid until the next
 * words_top or words_free.
 */
#ifndef KODER_WORDS_H
#define KODER_WORDS_H

#include <stddef.h>

struct kerr;
struct words;

struct words_opts {
	int max_n;          /* longest phrase in words, 1-3 (0: 3) */
	int all_words;      /* 1: keep everyday one-word terms too */
	int no_stem;        /* 1: group by the form as written, not the stem */
};

struct words_term {
	const char *term;   /* the stems, space-separated */
	const char *form;   /* the form written most often */
	size_t n;           /* words in the term */
	size_t df[2];       /* answers of the rest (0) and the group (1) saying it */
	double g2;          /* signed log-likelihood (group vs rest) */
};

int words_new(const struct words_opts *opts, struct words **out, struct kerr *e);
void words_free(struct words *w);

/* Count the terms of one answer (repaired text, len bytes) for `group`
 * (0 or 1).  Returns 0, KERR_NOMEM, or KERR_LIMIT (over 4 million terms). */
int words_add(struct words *w, const char *text, size_t len, int group, struct kerr *e);

/* Answers counted in each group. */
void words_answers(const struct words *w, size_t n[2]);

/*
 * The terms, best first: by keyness (by_keyness 1: highest G2 first, only
 * terms the group says more often) or by how many answers of the group say
 * them (ties: term order).  Terms said by fewer than min_df answers of the
 * group are left out.  *n is set to the number returned (at most `limit`).
 */
const struct words_term *words_top(struct words *w, int by_keyness, size_t min_df,
	size_t limit, size_t *n);

#endif

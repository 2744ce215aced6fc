/*
 * repair.h - choose the likeliest Danish word for one damaged word.
 *
 * A word (a run of letters, digits and the OCR stand-ins | @ & ®) is
 * lower-cased and walked through the lexicon's trie while reversing the
 * confusions of data/da-confusions.tsv (measured on real OCR by
 * scripts/measure-confusions.py: g/@ for ø, a/3/aa for å, ae/ee/z/&/@ for æ,
 * o/oe for ø, | and 1 for I, I/l swapped, B for Ø in capitals, ...), any
 * number of them in one word.  Each reversal has a cost derived from its
 * measured probability; a candidate scores log10(domain count) minus its
 * costs (compounds of known words with a linking s: the rarest part, a
 * penalty, and hunspell must accept the whole).  The word changes only when
 * the best candidate beats the word as written by a margin, so correct words
 * stay.  A word that is itself a word of a confusable pair (for/før, bor/bør)
 * changes only when the word-pair model of data/da-context.tsv finds its
 * neighbours clearly for the other word.  Capitalisation is carried over
 * (fgrste -> første, FGRSTE -> FØRSTE, Fgrste -> Første; a capital I that
 * was an l takes the case of the letters after it: Igsningen -> løsningen;
 * a stand-in without case is a capital at a sentence start and in a place
 * name of data/da-places.tsv: &rg -> Ærø).

 * Decisions that do not depend on the neighbours are cached per word, so a
 * word seen before costs one hash lookup; the cache is emptied when full.
 *
 * Ownership: repairer_new returns a repairer the caller frees with
 * repairer_free; it owns its lexicon.  Not thread-safe.
 */
#ifndef KODER_REPAIR_H
#define KODER_REPAIR_H

#include <stddef.h>

struct buf;
struct kerr;
struct repairer;

/* Load the confusions (data/da-confusions.tsv) and the lexicon (see
 * lexicon_load).  Returns 0 or an error code with e filled (a malformed
 * confusion row: KERR_SYNTAX with file and line).  Caller frees *out with
 * repairer_free. */
int repairer_new(struct repairer **out, struct kerr *e);
void repairer_free(struct repairer *rp);

/* The neighbourhood of a word: the previous and next words as written (may be
 * NULL/0), whether the word starts a sentence (or line), and whether the line
 * was evidently written without æ ø å. */
struct repair_ctx {
	const char *prev, *next;
	size_t prevn, nextn;
	int sentence_start;
	int relaxed;        /* the line lacks æ ø å throughout: repairs cost less */
	int damaged;        /* an earlier word of the line was repaired */
	int after_quote;    /* the word follows an opening quote directly */
	int before_punct;   /* . , ; ? ! follows the word directly */
};

/*
 * Repair word w[0..n) (NFC UTF-8, as written).  When it should change,
 * appends the repaired word to out, sets *why to a static explanation and
 * returns 1; returns 0 when the word stays (out untouched); KERR_NOMEM is
 * returned negated (-KERR_NOMEM).
 */
int repair_word(struct repairer *rp, const char *w, size_t n,
		const struct repair_ctx *ctx, struct buf *out, const char **why);

/*
 * 1 if the token w[0..n), exactly as written, was seen before and stays as
 * it is in any context (repair_word would return 0 whatever ctx says): the
 * normalizer skips such tokens without building their context.  0 tells
 * nothing; repair_word decides.
 */
int repair_plain(const struct repairer *rp, const char *w, size_t n);

/* 1 if the code point can be part of a word for repair_word: letters, digits,
 * and the OCR stand-ins | @ & ®. */
int repair_is_word_char(int c);

/* The same for an ASCII character, inline: the normalizer asks for every
 * byte of every answer. */
static inline int repair_is_ascii_word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '|' || c == '@' || c == '&';
}

#endif

/*
 * lexicon.h - what koder knows about Danish words: how often each occurs in
 * text of the survey domain (data/da-freq.tsv), which words follow which
 * (data/da-bigrams.tsv), and whether hunspell-da accepts a word it has never
 * seen counted (compounds such as sagsantal, fastholdelseskonsulent).
 *
 * Frequent words are answered from a hash table and a byte trie (the trie
 * lets the repairer walk candidate spellings letter by letter); hunspell is
 * slow, so its answers are cached, and the cache is emptied when it reaches
 * a fixed size so memory stays bounded however much text passes through.
 * Words are lower-case UTF-8 (NFC).
 *
 * Ownership: lexicon_load returns a lexicon the caller frees with
 * lexicon_free; nothing else returned here needs freeing.  Not thread-safe
 * (the hunspell cache changes on lookups).
 */
#ifndef KODER_LEXICON_H
#define KODER_LEXICON_H

#include <stddef.h>

struct kerr;
struct lexicon;

/*
 * Load data/da-freq.tsv, data/da-bigrams.tsv, data/da-acronyms.tsv,
 * data/da-places.tsv and data/da-context.tsv (found
 * with datadir_find) and
 * open hunspell-da (/usr/share/hunspell/da_DK, or $KODER_HUNSPELL_DIR).
 * with_hunspell 0 skips hunspell (then lexicon_valid knows only counted
 * words).  Returns 0 or KERR_NOTFOUND / KERR_IO / KERR_SYNTAX / KERR_NOMEM
 * with the file named in e.  Caller frees *out with lexicon_free.
 */
int lexicon_load(struct lexicon **out, int with_hunspell, struct kerr *e);
void lexicon_free(struct lexicon *lx);

/* Weighted count of a lower-case word; 0 when never counted. */
unsigned lexicon_freq(const struct lexicon *lx, const char *w, size_t len);
/* Sum of all word counts (the size of the counted text). */
unsigned long lexicon_total(const struct lexicon *lx);
/* Weighted count of the pair "a b"; 0 when rare or never seen. */
unsigned lexicon_bigram(const struct lexicon *lx, const char *a, size_t alen,
			const char *b, size_t blen);
/* 1 if w (as written, in capitals) is an acronym of the domain (STAR, SOF)
 * that the normalizer must not touch. */
int lexicon_acronym(const struct lexicon *lx, const char *w, size_t len);
/*
 * The word-pair model for real-word errors (data/da-context.tsv, built by
 * scripts/build-context.py): for a word of a confusable pair (for/før,
 * bor/bør), side 'W' with nb "-" gives its count in the model's text, 'L'
 * and 'R' how often nb stood just before or after it ("<s>" and "</s>" for
 * the line's ends).  0 when not seen (or not a word of any pair).
 */
unsigned lexicon_context(const struct lexicon *lx, const char *w, size_t n, char side,
			 const char *nb, size_t nbn);
/* 1 if the lower-case word is a Danish place name or its genitive
 * (data/da-places.tsv: the 98 municipalities, towns, regions). */
int lexicon_place(const struct lexicon *lx, const char *w, size_t len);
/* 1 if the word is counted or hunspell-da accepts it (cached), else 0. */
int lexicon_valid(struct lexicon *lx, const char *w, size_t len);
/* 1 if hunspell-da accepts the word (cached); 0 also when hunspell is off. */
int lexicon_spell(struct lexicon *lx, const char *w, size_t len);

/*
 * The trie of counted words, for walking candidate spellings byte by byte.
 * Nodes are ints; the root is 0; lexicon_child returns -1 when no counted
 * word continues with that byte.  lexicon_node_freq is the count of the word
 * ending at the node (0 when none does).
 */
int lexicon_child(const struct lexicon *lx, int node, unsigned char byte);
unsigned lexicon_node_freq(const struct lexicon *lx, int node);

#endif

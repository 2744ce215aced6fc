/*
 * kwic.h - keyword in context: where a term, written in the codebook's own
 * pattern language, occurs in answers.
 *
 * Why: before a pattern goes into a codebook its writer wants to see what
 * it catches, in the answers' own words, and how often.  The term is
 * compiled exactly as an include pattern is (codebook.h's syntax: words,
 * `*` endings, (a|b), NEAR/n, BEFORE/n, #, re:), negation and repair
 * included, so a hit here is a hit in the codebook.
 *
 * Ownership: kwic_new returns a finder the caller frees (kwic_free); it
 * owns a one-category codebook and its engine, which borrows the
 * normalizer given (it must outlive the finder).
 */
#ifndef KODER_KWIC_H
#define KODER_KWIC_H

#include <stddef.h>

struct kerr_list;
struct kwic;
struct normalizer;

/* Compile `term`; problems go to errs with the term's own column.
 * Returns 0 or the first error code. */
int kwic_new(const char *term, struct normalizer *norm, struct kwic **out,
	struct kerr_list *errs);
void kwic_free(struct kwic *k);

/*
 * 1 with [*start, *end) the first match (bytes of the text as written),
 * 0 when the term does not occur (or occurs only negated: *negated is
 * then 1 and the span is the cancelled match), or a negative -KERR_* code
 * (a pattern limit) .
 */
int kwic_find(struct kwic *k, const char *text, size_t len, size_t *start, size_t *end,
	int *negated);

/* The same for an answer already normalized (normalize_text with the
 * normalizer the finder was made with, or engine_code of an engine
 * sharing it): a command that codes the answer too normalizes it once. */
struct normalized;
int kwic_find_normalized(struct kwic *k, const struct normalized *n, size_t *start, size_t *end,
	int *negated);

#endif

/*
 * rules.h - the rule engine: a codebook's patterns compiled once, then run
 * on each normalized answer to suggest the categories it mentions, with
 * evidence (which pattern matched which span of the original text).
 *
 * Patterns (docs/codebook-format.md) are written in a small language for
 * coders - words, `*` word endings, (a|b) alternatives, NEAR/N and BEFORE/N,
 * `re:` raw PCRE2 - and compiled to PCRE2 (JIT) that runs on the
 * normalizer's match key, so "første" also matches forste, fgrste, FØRSTE.
 * A match preceded within a few words by a negation cue (ikke, ingen, uden
 * ...) does not count, unless the category or pattern opts out (patterns
 * for a lack: "ingen bærbar", "ikke rettidigt"); a match followed by "er
 * ikke et problem" and the like never counts.  Exclude patterns veto their
 * category.  A blank or non-substantive answer ("-", "ved ikke", "nej")
 * gets only ingen_svar; a substantive answer no category matches gets the
 * residual category `andet` when the codebook has one.
 *
 * Speed: a scan of the key for each pattern's trigger words (a trie walked
 * from word starts, a small Aho-Corasick automaton for the rest, and what
 * they find in each distinct token kept) picks the few patterns that can
 * match at all, so the cost per answer grows far less than linearly with
 * the number of categories.  A pattern whose words occur but not near
 * enough together is settled without PCRE2; otherwise PCRE2 searches only
 * the words where a match can start, and a pattern that is one word is not
 * run at all: the trigger is its match.  Alternations are compiled as trees
 * of their shared beginnings.  PCRE2 match and depth limits turn a
 * pathological pattern into KERR_LIMIT naming the category and pattern,
 * never a hang.
 *
 * Ownership: struct rules owns its compiled patterns and scratch space and
 * borrows the codebook, which must outlive it.  A rules_result owns its
 * arrays (rules_result_release).  A struct rules is not thread-safe (it has
 * one scratch match block): use one per thread.
 */
#ifndef KODER_RULES_H
#define KODER_RULES_H

#include <stddef.h>

struct codebook;
struct normalized;
struct kerr;
struct kerr_list;
struct rules;

#define RULES_NO_PATTERN ((size_t)-1)
#define RULES_MODEL_PATTERN ((size_t)-2)  /* coded by the learned model (model.h) */

/* One piece of evidence: category `cat` was coded because its include
 * pattern `pattern` (index into cats[cat].include; RULES_MODEL_PATTERN when
 * the learned model coded it, evidence the whole answer; RULES_NO_PATTERN for
 * ingen_svar, whose evidence is the whole answer) matched bytes
 * [start, end) of the ORIGINAL text given to normalize_text. */
struct rules_evidence {
	size_t cat;
	size_t pattern;
	size_t start, end;
};

/* Why a category is NOT among the codes although one of its patterns
 * matched (only with rules_set_explain): a match cancelled by a negation cue
 * ("ikke" in "har ikke oplevet modstand"), or a category vetoed by one of
 * its exclude patterns.  At most one of each kind per category. */
enum rules_why_kind {
	RULES_WHY_NEGATED = 1,   /* include[pattern] matched [start, end); the cue
	                            word is [cue_start, cue_end) */
	RULES_WHY_EXCLUDED       /* an include matched, then exclude[pattern]
	                            matched [start, end) and vetoed the category */
};

struct rules_why {
	enum rules_why_kind kind;
	size_t cat, pattern;
	size_t start, end;          /* bytes of the ORIGINAL text */
	size_t cue_start, cue_end;  /* NEGATED only; else 0 */
};

struct rules_result {
	size_t *cats;          /* coded category indexes, codebook order */
	size_t ncats;
	int nonsubstantive;    /* 1: blank/non-substantive; cats = { ingen_svar } */
	int residual;          /* 1: substantive, nothing matched, coded andet */
	int uncoded;           /* 1: substantive, nothing matched, no andet: ncats = 0 */
	struct rules_evidence *ev;  /* one per coded category: its first include
	                               pattern (codebook order) that matched, and
	                               where; ordered by category */
	size_t nev;
	struct rules_why *why;  /* with rules_set_explain: matches that did not
	                           count, by category; else nwhy = 0 */
	size_t nwhy;
	/* private */
	size_t cats_cap, ev_cap, why_cap;
};

/* Make r empty; owns nothing yet. */
void rules_result_init(struct rules_result *r);
/* Free r's arrays; r is left as after rules_result_init. */
void rules_result_release(struct rules_result *r);
/* 1 if category `cat` is among r's codes. */
int rules_result_has(const struct rules_result *r, size_t cat);

/*
 * Compile every pattern of `cb` (include, exclude, nonsubstantive).  Every
 * bad pattern is appended to `errs` with the codebook's file, the JSON path
 * (categories[3].include[2]), line and column, and PCRE2's message with the
 * offset in the pattern.  Returns 0 with *out owned by the caller (free with
 * rules_free), or the first error code (KERR_PATTERN, KERR_NOMEM) with
 * *out = NULL.  `errs` may be NULL.
 */
int rules_compile(const struct codebook *cb, struct rules **out,
		  struct kerr_list *errs);

/* As rules_compile, leaving out the codebook's learned model: it is not
 * read at all (koder code --no-model, and the patterns-alone runs of kwic,
 * train and the review), so a model file that does not load is no error. */
int rules_compile_patterns(const struct codebook *cb, struct rules **out,
			   struct kerr_list *errs);

/* Free compiled rules.  NULL is a no-op.  The codebook is not touched. */
void rules_free(struct rules *r);

/*
 * Code one normalized answer.  Replaces res's previous contents (reusing its
 * storage).  Returns 0, KERR_NOMEM, or KERR_LIMIT when a pattern hit the
 * PCRE2 match/depth limit on this answer (e names the category and pattern
 * and its path; res then holds what was found before).
 */
int rules_match(struct rules *r, const struct normalized *ans,
		struct rules_result *res, struct kerr *e);

/*
 * Set the PCRE2 match limit and depth limit used by rules_match (defaults
 * RULES_MATCH_LIMIT, RULES_DEPTH_LIMIT; tests lower them).
 */
#define RULES_MATCH_LIMIT 1000000u
#define RULES_DEPTH_LIMIT 10000u
void rules_set_limits(struct rules *r, unsigned match_limit, unsigned depth_limit);

/* After rules_match: 1 when an exclude pattern of category `cat` matched the
 * last answer (the category was forbidden, whatever else matched). */
int rules_vetoed(const struct rules *r, size_t cat);

/* 0: code with the patterns alone, leaving out the learned model
 * rules_compile loaded (koder check: the model is loaded to be checked, the
 * examples are claims about the patterns); 1 (the default) uses it. */
void rules_set_model(struct rules *r, int on);
/* 1 when the codebook has a learned model. */
int rules_has_model(const struct rules *r);

/* 1: also say in rules_result.why which matches did not count and why
 * (negation cue, exclusion).  0 (the default) costs nothing. */
void rules_set_explain(struct rules *r, int on);

/* 0: run every pattern on every answer, without the trigger-word prefilter.
 * Only for tests, which check that the prefilter never changes a result. */
void rules_set_prefilter(struct rules *r, int on);

/* Number of compiled include/exclude patterns (for benchmarks and tests). */
size_t rules_npatterns(const struct rules *r);

#endif

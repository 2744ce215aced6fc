/*
 * engine.h - the coding engine of one codebook, assembled once:
 * codebook -> compiled rules (with the codebook's learned model) ->
 * normalizer -> match.
 *
 * Why its own module: every command that codes answers (code, tally,
 * review's import of a survey, diff, migrate, learn, check) used to build
 * this pipeline by hand, each a little differently.  An engine is opened
 * from a codebook file (or a codebook the caller already holds) and codes
 * one answer at a time into an engine_answer, which keeps the repaired text
 * and match key (normalize.h) beside the codes and evidence (rules.h).
 * The suggestion as the store keeps it (codes joined by ';' and the
 * evidence as JSON) is written here too, once.
 *
 * Sharing: the normalizer (the lexicon and hunspell) is the costly part; an
 * engine opened with `norm` set borrows that normalizer (engine_normalizer
 * of another engine, or one of the caller's), so two codebook versions or
 * several questions load it once.  The lender must outlive the borrower.
 *
 * Ownership: an engine owns its rules and, unless borrowed, its codebook
 * and normalizer; engine_free releases them.  An engine_answer owns its
 * buffers (engine_answer_release).  Neither is thread-safe: one engine per
 * thread.
 */
#ifndef KODER_ENGINE_H
#define KODER_ENGINE_H

#include <stddef.h>

#include "normalize.h"
#include "rules.h"

struct buf;
struct codebook;
struct kerr;
struct kerr_list;
struct engine;

struct engine_opts {
	int no_repair;              /* 1: NFC and match key only, no word repair */
	int no_model;               /* 1: patterns alone, not the learned model */
	struct normalizer *norm;    /* borrow this normalizer (NULL: make one) */
};

/* One coded answer: the normalized text and the rules' result. */
struct engine_answer {
	struct normalized n;
	struct rules_result res;
};

void engine_answer_init(struct engine_answer *a);
void engine_answer_release(struct engine_answer *a);

/*
 * Open the engine of the codebook file at `path` (already resolved: see
 * codebook_resolve).  Every problem in the codebook goes to `errs` with
 * file, line and JSON path; a missing lexicon file too.  Returns 0 with
 * *out the caller's (engine_free), or the first error code with *out NULL.
 * `opts` may be NULL (defaults: repair and model on).
 */
int engine_open(const char *path, const struct engine_opts *opts, struct engine **out,
	struct kerr_list *errs);

/* The same for a codebook the caller holds and keeps: it must outlive the
 * engine. */
int engine_new(const struct codebook *cb, const struct engine_opts *opts,
	struct engine **out, struct kerr_list *errs);

/* Free the engine and what it owns.  NULL is a no-op. */
void engine_free(struct engine *en);

/* What the engine is built from (borrowed from the engine). */
const struct codebook *engine_codebook(const struct engine *en);
struct rules *engine_rules(struct engine *en);
struct normalizer *engine_normalizer(struct engine *en);

/* Hand the engine's own normalizer to the caller, who frees it
 * (normalizer_free) after the engine; the engine keeps using it.  NULL when
 * the engine borrowed its normalizer. */
struct normalizer *engine_take_normalizer(struct engine *en);

/*
 * Code one answer (len bytes of UTF-8; NULL with len 0 is a blank answer).
 * Replaces a's contents, reusing its storage.  Returns 0, KERR_NOMEM, or
 * KERR_LIMIT when a pattern backtracked too much (e names it).
 */
int engine_code(struct engine *en, const char *text, size_t len, struct engine_answer *a,
	struct kerr *e);

/* Match an answer already normalized (by this engine or one sharing its
 * normalizer) into a->res. */
int engine_match(struct engine *en, struct engine_answer *a, struct kerr *e);

/* Append the result's category ids joined by ';' (the store's and the
 * export's form) to `out` (caller's).  Returns 0 or KERR_NOMEM. */
int engine_codes_text(const struct engine *en, const struct rules_result *res,
	struct buf *out);

/* Append the result's evidence as the store keeps it:
 * [{"cat":"id","start":S,"end":E},...] (byte offsets into the answer as
 * written).  Returns 0 or KERR_NOMEM. */
int engine_evidence_json(const struct engine *en, const struct rules_result *res,
	struct buf *out);

#endif

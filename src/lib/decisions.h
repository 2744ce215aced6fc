/*
 * decisions.h - coders' final codes by respondent, for counting: loaded
 * from a project store (each answer's current decision) or from a --codes
 * file (`id,codes[,wave]` CSV), and looked up row by row while a survey is
 * tallied or exported.
 *
 * Why its own module: which decision an answer counts with is the heart of
 * every published "Anført af X ud af Y", and a front end other than the
 * command line (the library API, the web review) must count alike.  It used
 * to live in cmd_tally.c.
 *
 * A respondent is (id, wave): a decision with a wave is found only under
 * that wave, never for the same id in another wave (a panel survey asks the
 * same staff in every wave).  A decision without one (a --codes file with
 * no wave column, or a store read from a survey without a wave column) is
 * found under its id in any wave and remembers the first wave it matched,
 * so an id answering in two waves is reported (decisions_ambiguous) instead
 * of one decision being counted twice.
 *
 * Ownership: a `struct decisions` owns its keys, codes and flags
 * (decisions_release); strings returned are borrowed from it and valid
 * until it is released.  struct decisions_db_info owns its version strings
 * (decisions_db_info_release).
 */
#ifndef KODER_DECISIONS_H
#define KODER_DECISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "strtab.h"

struct kerr;
struct store;

struct decisions {
	struct strtab keys;     /* "wave\x1fid" or "id" -> entry */
	struct buf arena;       /* per entry "codes\0id\0" */
	uint32_t *off;          /* entry -> offset in arena */
	unsigned char *used;    /* the entry matched a survey row */
	unsigned char *amb;     /* a wave-less entry matched in two waves */
	unsigned char *interim; /* a decision 'koder migrate' flagged: "codes\0id\0
	                           split\0added\0" in the arena (decisions_find) */
	const char **wave_of;   /* wave-less entry: wave first matched (borrowed from
	                           the caller of decisions_get) */
	size_t n, cap;
	int loaded;             /* at least one decision was added */
	struct buf scratch;
};

/* An empty set.  Returns 0 or KERR_NOMEM. */
int decisions_init(struct decisions *d);
void decisions_release(struct decisions *d);

/* Add `codes` for respondent `id` in `wave` (NULL or "" = any wave).
 * Returns 0 or KERR_NOMEM. */
int decisions_add(struct decisions *d, const char *wave, const char *id, const char *codes);

/*
 * Add a decision 'koder migrate' flagged for review, as what it counts as
 * meanwhile: its `carried` codes and the parts only the new rules can settle
 * (`split`, `added`: see migrate_interim).  Returns 0 or KERR_NOMEM.
 */
int decisions_add_interim(struct decisions *d, const char *wave, const char *id,
	const char *carried, const char *split, const char *added);

/*
 * The codes for (wave, id) - `wave` a name that stays valid while `d` is
 * used (a tally's wave name) - or NULL.  Marks the decision used, and a
 * wave-less one matched in a second wave ambiguous.
 */
const char *decisions_get(struct decisions *d, const char *wave, const char *id, size_t idlen);
/* The same; and for a decision added with decisions_add_interim, *split and
 * *added (else NULL): the codes returned are then only its carried ones, to
 * be completed with the rules' suggestion (migrate_interim). */
const char *decisions_find(struct decisions *d, const char *wave, const char *id, size_t idlen,
	const char **split, const char **added);

/* Decisions that matched no survey row: the count, and the first `max`
 * ids in ids[] (borrowed). */
size_t decisions_unused(const struct decisions *d, const char **ids, size_t max);
/* Wave-less decisions that matched one id in two waves: the count, and the
 * first `max` ids in ids[] (borrowed). */
size_t decisions_ambiguous(const struct decisions *d, const char **ids, size_t max);

/*
 * Load a codes file: `id` and `codes` columns, an optional `wave` column
 * (needed when ids repeat across waves); rows with an empty id are skipped.
 * A respondent twice (in one wave) is KERR_SCHEMA naming both lines.
 * Returns 0 or the error with `e` naming file and line.
 */
int decisions_load_codes(struct decisions *d, const char *path, struct kerr *e);

#define DECISIONS_MAX_VERSIONS 32

/* What the decisions loaded from a store rest on, for the command to say. */
struct decisions_db_info {
	/* codebook versions the counted decisions were made under (few) */
	char *version[DECISIONS_MAX_VERSIONS];
	size_t nversion[DECISIONS_MAX_VERSIONS], nversions, unversioned;
	/* the version 'koder migrate' moved this question to (NULL = none) and
	 * the decisions it flagged that no coder has decided again: those
	 * answers count as migrate's "after" column showed (decisions_find) */
	const char *migrated;
	size_t awaiting;
	size_t disputed;        /* coders differ and nobody adjudicated */
};

/*
 * Load question `question`'s current decisions from store `s` (a store
 * filled without a corpus names questions by codebook id: `cb`'s id is
 * tried when the question has none).  `cb`, loaded from `cb_path`, is the
 * codebook counted with: when 'koder migrate' moved the question to that
 * very file, a decision still under an older version is one it flagged
 * (info->awaiting), and counts as migrate's "after" column showed: the
 * coder's codes that carry over, the rest from the rules (added with
 * decisions_add_interim).  *info is the caller's
 * (decisions_db_info_release).  Returns 0 or the store's error.
 */
struct codebook;
int decisions_load_db(struct decisions *d, struct store *s, const char *question,
	const struct codebook *cb, const char *cb_path, struct decisions_db_info *info,
	struct kerr *e);
void decisions_db_info_release(struct decisions_db_info *info);

/* "v2 (10 svar), ukendt (3 svar)": the versions, as a report shows them;
 * appended to `out`.  Returns 0 or KERR_NOMEM. */
int decisions_versions_text(const struct decisions_db_info *info, struct buf *out);

#endif

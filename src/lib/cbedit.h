/*
 * cbedit.h - the next version of a codebook, written by koder itself: a
 * category added while coding (the web review's "new category").
 *
 * The new file keeps every category of the old one under the same id (so
 * `koder diff` and `koder migrate` see them continue), adds the new
 * category before `andet` with `"replaces": ["andet"]` when the codebook has
 * a residual (answers coded andet until now may belong to it, so migrate
 * flags them for a second look), and raises the version by one.  It is
 * checked as `koder check` would (structure and patterns) before it is
 * written, whole or not at all, beside the project store.
 *
 * Ownership: the codebook is only read; paths and versions are appended to
 * the caller's buffers.
 */
#ifndef KODER_CBEDIT_H
#define KODER_CBEDIT_H

struct buf;
struct codebook;
struct kerr;

struct cbedit_category {
	const char *id;           /* a-z 0-9 _ - */
	const char *label;
	const char *description;  /* "" for none */
	const char *pattern;      /* one include pattern (pattern language) */
};

/* The version after `v`: its last number raised by one ("3" -> "4",
 * "2.1" -> "2.2"); a version without a number gets ".2" added. */
int cbedit_next_version(const char *v, struct buf *out);

/*
 * Write the next version of `cb` with category `add` to
 * DIR/<codebook id>-v<next version>.json (refused when that file exists:
 * someone already made that version).  *path and *version get what was
 * written.  KERR_SCHEMA for a bad or duplicate id or an empty label,
 * KERR_PATTERN for a pattern that does not compile (the message says why),
 * KERR_IO when the file cannot be written.
 */
int cbedit_add_category(const struct codebook *cb, const struct cbedit_category *add,
	const char *dir, struct buf *path, struct buf *version, struct kerr *e);

#endif

/*
 * qdc.h - codebooks in the REFI-QDA codebook exchange format (.qdc).
 *
 * REFI-QDA (www.qdasoftware.org) is the XML standard through which NVivo,
 * ATLAS.ti, MAXQDA and QualCoder exchange codebooks.  A .qdc file is a
 * <CodeBook xmlns="urn:QDA-XML:codebook:1.0"> holding a tree of <Code>
 * elements (guid, name, isCodable, optional color and <Description>) and
 * optional <Sets> of member codes.  koder maps its categories to codable
 * codes and its nets to non-codable parent codes, so a codebook keeps its
 * shape in the other programs.  Patterns have no place in the standard:
 * they stay in koder, and an imported codebook starts with none.
 *
 * This module knows the XML and a neutral list of codes (struct qdc_book);
 * it knows koder's codebooks only at its two edges: qdc_from_codebook
 * (export) and qdc_to_json, which writes the skeleton of a new koder
 * codebook from an imported book.
 *
 * Ownership: a qdc_book owns every string in it; qdc_book_release frees
 * them.  Strings passed in are copied.
 */
#ifndef KODER_QDC_H
#define KODER_QDC_H

#include <stddef.h>
#include <stdio.h>

struct buf;
struct kerr;
struct kerr_list;
struct cJSON;
struct codebook;

#define QDC_NONE ((size_t)-1)
#define QDC_NS "urn:QDA-XML:codebook:1.0"

struct qdc_code {
	char *key;          /* koder id (category or net id); never NULL */
	char *name;         /* the label users see; never NULL */
	char *description;  /* NULL when none */
	char guid[40];      /* 8-4-4-4-12 upper-case hex */
	int codable;        /* 0 for a grouping code (a koder net) */
	size_t parent;      /* index of the parent code, or QDC_NONE */
};

struct qdc_book {
	char *origin;       /* the program that wrote the file; may be NULL */
	struct qdc_code *codes;  /* in document order; parents are indexes */
	size_t n, cap;
};

void qdc_book_init(struct qdc_book *b);
void qdc_book_release(struct qdc_book *b);

/*
 * Append a code.  `seed` (e.g. the codebook id) and `key` make its guid, so
 * the same category gets the same guid in every export and every version:
 * a relabelled category stays the same code for the other program.
 * `desc` may be NULL.  Copies every string.  Returns 0 or KERR_NOMEM.
 */
int qdc_book_add(struct qdc_book *b, const char *seed, const char *key,
	const char *name, const char *desc, int codable, size_t parent,
	struct kerr *e);

/*
 * Fill an empty book from a loaded koder codebook: each net becomes a
 * non-codable code holding its categories, each category a codable code
 * (label as name, description kept); the built-in ingen_svar is left out.
 * Guids are seeded with the codebook id.  Returns 0 or KERR_NOMEM.
 */
int qdc_from_codebook(const struct codebook *cb, struct qdc_book *b, struct kerr *e);

/* Index of the code with this key, or QDC_NONE. */
size_t qdc_book_find(const struct qdc_book *b, const char *key);

/*
 * Write the book as a .qdc document (UTF-8, schema-valid).  Returns 0 or
 * KERR_IO.  The caller owns `fp` (use outfile.h for files).
 */
int qdc_write(const struct qdc_book *b, FILE *fp, struct kerr *e);

/*
 * Read a .qdc file into `b` (initialised by the caller, released by the
 * caller also on failure).  Keys are made from the names (qdc_slug), unique
 * within the book.  Codes nested below a codable code are kept with that
 * code's nearest non-codable ancestor as parent (koder has one level of
 * nets) and a warning in `warn`.  Every problem goes into `errs` with its
 * line; returns the first code, 0 when the file was usable.  Never fetches
 * anything from the network and never expands external entities.
 */
int qdc_read(const char *path, struct qdc_book *b, struct kerr_list *warn,
	struct kerr_list *errs);

/*
 * Give codes that came from `base` (an earlier koder codebook exported with
 * qdc_from_codebook: the guid says so) their koder ids back, so a codebook
 * that went to NVivo and returns keeps its ids and can get its patterns
 * back.  Other codes keep their made-up keys (renamed if one collides).
 * Returns how many codes were matched.
 */
size_t qdc_match_base(struct qdc_book *b, const struct codebook *base);

/*
 * Make an ASCII id from a label: lower case, æ->ae ø->oe å->aa, accents
 * dropped, runs of anything else -> '_', at most 40 bytes cut at a '_'.
 * Appends to `out`; returns 0 or KERR_NOMEM/KERR_LIMIT.
 */
int qdc_slug(const char *name, struct buf *out);

/*
 * The skeleton of a koder codebook for an imported book: id, version 1,
 * title, categories (codable codes, with label, description, net, and empty
 * include lists to be written) and nets (non-codable codes).  The caller
 * owns *out (cJSON_Delete).  Returns 0 or KERR_NOMEM.
 */
int qdc_to_json(const struct qdc_book *b, const char *id, const char *title,
	struct cJSON **out, struct kerr *e);

#endif

/*
 * jsonin.h - JSON input files, the checks cJSON does not make.
 *
 * Why its own module: codebooks and corpus descriptors are written by hand
 * and come from many hands, and cJSON accepts things that silently change
 * what they say: "\u0000" inside a string cuts it short (a pattern loses
 * its tail), and of two equal keys in one object the first wins (the second
 * vanishes).  cJSON also keeps no positions, so a problem found in the tree
 * is located afterwards by walking the source text along its JSON path.
 * Nothing here allocates beyond the path buffer the caller gives.
 */
#ifndef KODER_JSONIN_H
#define KODER_JSONIN_H

#include <stddef.h>

struct buf;
struct cJSON;

/* Past spaces, tabs and line ends in [p, end). */
const char *jsonin_skip_ws(const char *p, const char *end);

/* Byte offset in `src` (len bytes, known to parse) of the value at `path`
 * ("categories[2].include[0]"), or of the deepest enclosing value found. */
size_t jsonin_locate(const char *src, size_t len, const char *path);

/* What to say where cJSON stopped parsing at byte *off of `text` (len
 * bytes, not necessarily NUL-terminated; *off may be len): a comma
 * right before a closing } or ] is one too many ("missing comma" would
 * mislead), and *off moves onto that } (cJSON stops one past it in an
 * object); else the usual suspects.  Static text. */
const char *jsonin_syntax_hint(const char *text, size_t len, size_t *off);

/* 1-based line and column (in characters) of byte offset `off` of `src`. */
void jsonin_linecol(const char *src, size_t off, long *line, long *col);

/* 1 if a string in the JSON text holds the escape \u0000 (a NUL character,
 * which would end the string there), with *off its byte offset; else 0. */
int jsonin_nul_escape(const char *text, size_t len, size_t *off);

/*
 * 1 if some object in the tree under `node` has two members of one name;
 * then `path` (caller's buffer, appended to) holds that object's JSON path
 * and *key the repeated name (owned by the tree).  Else 0.  KERR_NOMEM is
 * not possible to tell apart here: on a full buffer the path is partial.
 */
int jsonin_duplicate(const struct cJSON *node, struct buf *path, const char **key);

/* The name in `known` (NULL-terminated) nearest to `key` when it is a
 * likely misspelling of it (one or two letters off, or swapped, or one
 * the start of the other: "surveyfile"), else NULL.
 * Static storage of `known`. */
const char *jsonin_nearest(const char *key, const char *const *known);

#endif

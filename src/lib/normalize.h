/*
 * normalize.h - turn one line of respondent text into what every later stage
 * reads: repaired NFC text, a match key, and maps from both back to the bytes
 * the respondent actually wrote.
 *
 * Survey answers arrive damaged: OCR prints ø as g (fgrste), å as a or 3
 * (pa, p3), æ as ae or @, I as |, 0 as O inside numbers; respondents type
 * without æøå (forste, paa, vaere).  normalize_text repairs such tokens by
 * choosing the likeliest Danish word (frequency lexicon, small context model,
 * hunspell for unknown compounds) and leaves correct words alone.  It never
 * joins or splits tokens: the output has the input's whitespace and the same
 * whitespace-separated tokens in the same order.
 *
 * The match key is what codebook rules match against: ICU full case folding,
 * then a folded form in which æ/ae, ø/oe/o and å/aa/a compare equal and
 * accents are dropped (é -> e).  Precisely, after case folding each code
 * point maps: æ -> "ae", ø -> "o", å -> "a", other Latin letters with
 * diacritics -> their base letter (ä -> "ae", ö/ø -> "o", ü -> "u",
 * ß -> "ss"); then, left to right, "oe" -> "o" and "aa" -> "a".  Whitespace,
 * digits and punctuation are kept as they are, so a rule engine can find word
 * boundaries itself ([a-z0-9] and bytes >= 0x80 are word characters).
 * "første", "forste", "FØRSTE", "foerste" all have the key "forste".
 *
 * Offsets: text_map[i] is the byte offset in the INPUT of text byte i, and
 * key_map[i] the same for key byte i; both arrays have one extra entry at
 * [len] holding the input length, so a match [s, e) in the key highlights the
 * input bytes [key_map[s], key_map[e]).
 */
#ifndef KODER_NORMALIZE_H
#define KODER_NORMALIZE_H

#include <stddef.h>

#include "buf.h"

struct kerr;

/* Opaque; owns the lexicon and its caches.  NOT thread-safe: one per thread. */
struct normalizer;

struct normalize_opts {
	int no_repair;      /* 1: only NFC + key, no word repair */
};

/*
 * Create a normalizer: loads the shipped lexicon (datadir_find("data/...")) and
 * opens hunspell-da unless opts->no_repair.  Caller owns *out and frees it with
 * normalizer_free.  opts may be NULL (defaults: repair on).  Returns 0, or
 * KERR_NOTFOUND / KERR_IO / KERR_SYNTAX / KERR_NOMEM with the data file named.
 */
int normalizer_new(struct normalizer **out, const struct normalize_opts *opts,
		   struct kerr *e);
/* Free a normalizer and everything it owns.  NULL is a no-op. */
void normalizer_free(struct normalizer *n);

/* One repaired token.  from/to are owned by the struct normalized that holds
 * the change; why is a static string. */
struct normalize_change {
	size_t orig_start, orig_end;  /* token bytes in the input */
	char *from, *to;              /* NUL-terminated UTF-8 */
	const char *why;              /* static, e.g. "OCR g for ø" */
};

/* A reusable result; owns all its memory. */
struct normalized {
	struct buf text;        /* repaired text, NFC UTF-8 */
	size_t *text_map;       /* [text.len + 1] offsets into the input */
	struct buf key;         /* match key of text */
	size_t *key_map;        /* [key.len + 1] offsets into the input */
	struct normalize_change *changes;
	size_t nchanges;
	/* private: capacities, and the NFC stage before word repair */
	size_t text_map_cap, key_map_cap, changes_cap;
	struct buf nfc;
	size_t *nfc_map, nfc_map_cap;
	size_t *runs, runs_cap;   /* word runs of the line: start, end pairs */
};

/* Make r empty and ready for normalize_text.  Owns nothing yet. */
void normalized_init(struct normalized *r);
/* Free everything r owns; r is left as after normalized_init. */
void normalized_release(struct normalized *r);

/* The longest answer or line normalized (SECURITY.md): normalizing, and the
 * matching after it, hold some 30 bytes of offsets, keys and repairs per
 * byte of text, so a 16 MB answer took 825 MB; at this cap the cost stays
 * near 130 MB.  Real answers are a few hundred bytes. */
#define NORMALIZE_MAX_TEXT ((size_t)4 << 20)

/*
 * Normalize one answer or line (len bytes, UTF-8; charset conversion happens
 * before, see charset.h).  Invalid UTF-8 sequences become U+FFFD mapped to the
 * bad bytes.  Replaces r's previous contents, reusing its storage; r keeps
 * owning everything.  Returns 0, KERR_NOMEM, or KERR_LIMIT for a text longer
 * than NORMALIZE_MAX_TEXT (then r is empty).
 */
int normalize_text(struct normalizer *n, const char *in, size_t len,
		   struct normalized *r, struct kerr *e);

/*
 * Append to `key` the match key of `in` without word repair (codebook patterns
 * are compiled through this).  Equals the key normalize_text gives the same
 * clean text.  Caller owns `key`.  Returns 0 or KERR_NOMEM / KERR_LIMIT.
 */
int normalize_key(const char *in, size_t len, struct buf *key, struct kerr *e);

#endif

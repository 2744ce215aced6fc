/*
 * normalize.c - NFC, word repair and the match key, each with a byte map back
 * to the input (see normalize.h for the contract).
 *
 * The pipeline for one line: (1) NFC, segment by segment, so every output
 * byte knows which input bytes it came from; (2) cut the line into word
 * runs (letters, digits, | @ & ®; punctuation and whitespace stay as they
 * are, so tokens are never joined or split) and let the repairer (repair.c)
 * replace damaged words, aligning each replacement to the original by its
 * shared prefix and suffix; a line without æ ø å whose words plainly needed
 * them is repaired a second time with cheaper reversals; (3) fold
 * the repaired text into the match key.  ASCII takes fast paths throughout
 * because answers are mostly ASCII and the speed target is tens of MB/s.
 */
#include "normalize.h"
#include "buf.h"
#include "charset.h"
#include "error.h"
#include "repair.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>

struct normalizer {
	struct normalize_opts opts;
	struct repairer *rp;      /* NULL when no_repair */
	struct buf tok;           /* scratch: one repaired word */
	unsigned char word_ascii[128]; /* repair_is_ascii_word_char as a table:
	                                  find_runs asks it of every byte */
};

/* moves each byte's flag onto the byte after it in memory */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NEXT_BYTE(x) ((x) >> 8)
#else
#define NEXT_BYTE(x) ((x) << 8)
#endif
#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* ---- offset maps ---------------------------------------------------- */

/* Make room for map entries up to index `need` (inclusive). */
static int map_reserve(size_t **map, size_t *cap, size_t need)
{
	size_t ncap;
	size_t *nm;

	if (need < *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap <= need)
		ncap *= 2;
	nm = realloc(*map, ncap * sizeof(*nm));
	if (!nm)
		return KERR_NOMEM;
	*map = nm;
	*cap = ncap;
	return 0;
}

/* Append n bytes to `out`.  With one_to_one they map onto the input bytes
 * starting at `at`; otherwise all map to `at` (a rewritten segment).  map may
 * be NULL (normalize_key keeps no map). */
static int emit(struct buf *out, size_t **map, size_t *cap, const char *s,
		size_t n, size_t at, int one_to_one)
{
	size_t i, start = out->len, *m;

	if (buf_add(out, s, n))
		return KERR_NOMEM;
	if (!map)
		return 0;
	if (map_reserve(map, cap, out->len))
		return KERR_NOMEM;
	m = *map + start;
	if (one_to_one)
		for (i = 0; i < n; i++)
			m[i] = at + i;
	else
		for (i = 0; i < n; i++)
			m[i] = at;
	return 0;
}

/* ---- stage 1: NFC ----------------------------------------------------- */

static const UNormalizer2 *nfc_inst(void)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *n = unorm2_getNFCInstance(&st);

	return U_FAILURE(st) ? NULL : n;
}

static const char replacement[] = "\xEF\xBF\xBD";

/* A lead byte of U+0080..U+017F (Latin-1 and Latin Extended-A): every one
 * of those is NFC and has a normalization boundary before it. */
static inline int latin_lead(unsigned char b)
{
	return b >= 0xC2 && b <= 0xC5;
}

/*
 * NFC of in[0..len) appended to out.  Text is cut into segments that start at
 * a normalization boundary; a segment is normalized alone and all its output
 * bytes map to the segment's first input byte (ASCII and precomposed letters
 * are one-character segments, so the map is exact for nearly all text).
 * `base` is added to every offset.
 */
static int nfc_append(const char *in, size_t len, struct buf *out, size_t **map,
		      size_t *cap, size_t base)
{
	const UNormalizer2 *nfc = nfc_inst();
	UChar src[64], dst[128];
	char u8[512];
	size_t i = 0;

	if (!nfc)
		return KERR_INVALID;
	while (i < len) {
		unsigned char b = (unsigned char)in[i];
		int32_t j, k, end, ns = 0, nd;
		UChar32 c;
		UErrorCode st = U_ZERO_ERROR;

		if (b < 0x80) {
			size_t s = i;

			i = charset_ascii_end(in, i, len);
			/* the last ASCII byte before non-ASCII may take a combining
			 * mark, but not before a letter of U+0080..U+017F (lead
			 * bytes C2..C5): each of those begins a segment */
			if (i < len && !latin_lead((unsigned char)in[i]))
				i--;
			if (i > s) {
				if (emit(out, map, cap, in + s, i - s, base + s, 1))
					return KERR_NOMEM;
				continue;
			}
		}
		/* a precomposed Latin letter (æ ø å é ...) before ASCII is already
		 * NFC and its own segment: the common non-ASCII case, without ICU */
		if (latin_lead(b) && i + 2 <= len
		    && ((unsigned char)in[i + 1] & 0xC0) == 0x80
		    && (i + 2 == len || (unsigned char)in[i + 2] < 0x80
			|| latin_lead((unsigned char)in[i + 2]))) {
			if (emit(out, map, cap, in + i, 2, base + i, 1))
				return KERR_NOMEM;
			i += 2;
			continue;
		}
		j = (int32_t)i;
		U8_NEXT((const uint8_t *)in, j, (int32_t)len, c);
		if (c < 0) {
			if (emit(out, map, cap, replacement, 3, base + i, 0))
				return KERR_NOMEM;
			i = (size_t)j;
			continue;
		}
		/* extend the segment while the next code point does not start a
		 * new one; cap its length so the fixed buffers suffice (a run of
		 * 60 combining marks is garbage anyway and is cut) */
		U16_APPEND_UNSAFE(src, ns, c);
		end = j;
		while (end < (int32_t)len && ns < 60) {
			UChar32 d;

			k = end;
			U8_NEXT((const uint8_t *)in, k, (int32_t)len, d);
			if (d < 0 || unorm2_hasBoundaryBefore(nfc, d))
				break;
			U16_APPEND_UNSAFE(src, ns, d);
			end = k;
		}
		if (ns == 1 || (ns == 2 && U16_IS_LEAD(src[0]))) {
			if (unorm2_isNormalized(nfc, src, ns, &st) && U_SUCCESS(st)) {
				if (emit(out, map, cap, in + i, (size_t)end - i, base + i, 1))
					return KERR_NOMEM;
				i = (size_t)end;
				continue;
			}
			st = U_ZERO_ERROR;
		}
		nd = unorm2_normalize(nfc, src, ns, dst, 128, &st);
		if (U_FAILURE(st)) {
			/* cannot happen for <= 60 code units; keep the bytes */
			if (emit(out, map, cap, in + i, (size_t)end - i, base + i, 0))
				return KERR_NOMEM;
		} else {
			int32_t n8 = 0;

			st = U_ZERO_ERROR;
			u_strToUTF8(u8, sizeof(u8), &n8, dst, nd, &st);
			if (U_FAILURE(st))
				return KERR_INVALID;
			if (emit(out, map, cap, u8, (size_t)n8, base + i, 0))
				return KERR_NOMEM;
		}
		i = (size_t)end;
	}
	return 0;
}

/* ---- stage 3: the match key ------------------------------------------ */

/* Key writer: appends key bytes with their input offsets and applies the
 * left-to-right "oe" -> "o", "aa" -> "a" collapse as bytes arrive. */
struct keyw {
	struct buf *key;
	size_t **map, *cap;
	int pend;       /* 'o' or 'a' when the last key byte may absorb the next */
};

/* The "oe" -> "o", "aa" -> "a" collapse: 1 when key byte c is absorbed by
 * the one before it; *pend says what the last byte written may absorb. */
static inline int absorbed(int *pend, int c)
{
	if ((c == 'e' && *pend == 'o') || (c == 'a' && *pend == 'a')) {
		*pend = 0;
		return 1;
	}
	*pend = c == 'o' || c == 'a' ? c : 0;
	return 0;
}

/* High bit of each byte of x (bytes below 0x80) that equals c. */
static inline uint64_t bytes_equal(uint64_t x, int c)
{
	return (((x ^ (ONES * (uint64_t)c)) + 0x7F7F7F7F7F7F7F7Full) & HIGH) ^ HIGH;
}

/*
 * The key of eight ASCII bytes at t in one go (most of every answer is
 * plain ASCII): writes them lower-cased to d and returns 1 - unless a
 * byte is not ASCII or the "oe"/"aa" collapse touches them (also with the
 * byte before, *pend), then 0 and nothing is written.  Word-parallel
 * (SWAR): no carry crosses a byte while every byte is below 0x80.
 */
static inline int key_ascii8(const char *t, int *pend, char *d)
{
	uint64_t v, upper, lo, o, a;
	int first, last;

	memcpy(&v, t, 8);
	if (v & HIGH)
		return 0;
	/* 'A' <= byte <= 'Z': adding 0x80-'A' sets the high bit from 'A' up,
	 * adding 0x80-'Z'-1 from past 'Z' up */
	upper = (v + ONES * (0x80 - 'A')) & ~(v + ONES * (0x80 - 'Z' - 1)) & HIGH;
	lo = v | (upper >> 2);
	o = bytes_equal(lo, 'o');
	a = bytes_equal(lo, 'a');
	first = (int)(unsigned char)t[0] | ((unsigned char)t[0] >= 'A' && (unsigned char)t[0] <= 'Z' ? 32 : 0);
	if ((first == 'e' && *pend == 'o') || (first == 'a' && *pend == 'a'))
		return 0;
	if ((NEXT_BYTE(o) & bytes_equal(lo, 'e')) || (NEXT_BYTE(a) & a))
		return 0;
	memcpy(d, &lo, 8);
	last = (unsigned char)d[7];
	*pend = last == 'o' || last == 'a' ? last : 0;
	return 1;
}

/* The key of æ ø å in either case at t[i] (C3 A6/86, B8/98, A5/85), else
 * NULL: the non-ASCII letters of nearly every answer, folded without ICU. */
static inline const char *danish_fold(const char *t, size_t i, size_t len)
{
	if ((unsigned char)t[i] != 0xC3 || i + 1 >= len)
		return NULL;
	switch ((unsigned char)t[i + 1]) {
	case 0xA6: case 0x86: return "ae";
	case 0xB8: case 0x98: return "o";
	case 0xA5: case 0x85: return "a";
	default: return NULL;
	}
}

static int key_byte_slow(struct keyw *w, int c, size_t at)
{
	if (buf_addch(w->key, c))
		return KERR_NOMEM;
	if (w->map) {
		if (map_reserve(w->map, w->cap, w->key->len))
			return KERR_NOMEM;
		(*w->map)[w->key->len - 1] = at;
	}
	return 0;
}

/* Every byte of every answer comes here: the common case is stored in place
 * (normalize_text makes room for a key as long as the text first). */
static inline int key_byte(struct keyw *w, int c, size_t at)
{
	struct buf *k = w->key;
	size_t len = k->len;

	if (absorbed(&w->pend, c))
		return 0;
	if (len + 1 >= k->cap || k->max || (w->map && len + 1 >= *w->cap))
		return key_byte_slow(w, c, at);
	k->data[len] = (char)c;
	k->data[len + 1] = '\0';
	k->len = len + 1;
	if (w->map)
		(*w->map)[len] = at;
	return 0;
}

static int key_str(struct keyw *w, const char *s, size_t at)
{
	for (; *s; s++)
		if (key_byte(w, (unsigned char)*s, at))
			return KERR_NOMEM;
	return 0;
}

/* The Danish and near-Danish letters with a fixed fold (after case folding). */
static const char *key_fixed(UChar32 c)
{
	switch (c) {
	case 0xE6: return "ae";  /* æ */
	case 0xF8: return "o";   /* ø */
	case 0xE5: return "a";   /* å */
	case 0xE4: return "ae";  /* ä */
	case 0xF6: return "o";   /* ö */
	case 0xDF: return "ss";  /* ß */
	default: return NULL;
	}
}

/* Key bytes of one case-folded code point. */
static int key_cp(struct keyw *w, UChar32 c, size_t at)
{
	const char *f = key_fixed(c);
	UChar d[8];
	int32_t n, k;
	char u8[8];
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfd;

	if (c < 0x80)
		return key_byte(w, c >= 'A' && c <= 'Z' ? c + 32 : c, at);
	if (f)
		return key_str(w, f, at);
	/* combining marks left over after NFC carry no letter */
	if (u_charType(c) == U_NON_SPACING_MARK)
		return 0;
	nfd = unorm2_getNFDInstance(&st);
	if (U_SUCCESS(st)) {
		n = unorm2_getDecomposition(nfd, c, d, 8, &st);
		if (U_SUCCESS(st) && n > 1 && d[0] < 0x80 && u_isalpha(d[0])) {
			for (k = 1; k < n; k++)
				if (u_charType(d[k]) != U_NON_SPACING_MARK)
					break;
			if (k == n)
				return key_byte(w, d[0] >= 'A' && d[0] <= 'Z' ? d[0] + 32 : d[0], at);
		}
	}
	k = 0;
	U8_APPEND_UNSAFE((uint8_t *)u8, k, c);
	u8[k] = '\0';
	w->pend = 0;
	if (buf_add(w->key, u8, (size_t)k))
		return KERR_NOMEM;
	if (w->map) {
		size_t i;

		if (map_reserve(w->map, w->cap, w->key->len))
			return KERR_NOMEM;
		for (i = w->key->len - (size_t)k; i < w->key->len; i++)
			(*w->map)[i] = at;
	}
	return 0;
}

/* Key of NFC text t[0..len); tmap gives input offsets of t's bytes (NULL:
 * no map kept). */
static int key_append(const char *t, size_t len, const size_t *tmap, struct keyw *w)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = (unsigned char)t[i];
		UChar src[4], fold[16];
		int32_t j = (int32_t)i, nf, k, ns = 0;
		UChar32 c;
		UErrorCode st = U_ZERO_ERROR;
		size_t at;

		if (!w->key->max && (b < 0x80 || danish_fold(t, i, len))) {
			/* a run of ASCII and æ ø å, nearly every answer whole: no
			 * fold is longer than its letter, so one reservation, then
			 * the folding with the buffer's fields in locals */
			struct buf *key = w->key;
			size_t e = i, kl;
			char *d;
			size_t *m = NULL;
			int pend = w->pend;

			while (e < len) {
				if ((unsigned char)t[e] < 0x80)
					e++;
				else if (danish_fold(t, e, len))
					e += 2;
				else
					break;
			}
			if (buf_grow(key, e - i))
				return KERR_NOMEM;
			if (w->map) {
				if (map_reserve(w->map, w->cap, key->len + (e - i)))
					return KERR_NOMEM;
				m = *w->map;
			}
			d = key->data;
			kl = key->len;
			while (i < e) {
				int c = (unsigned char)t[i];
				size_t from;
				const char *f;

				if (e - i >= 8 && key_ascii8(t + i, &pend, d + kl)) {
					if (m && tmap)
						memcpy(m + kl, tmap + i, 8 * sizeof(*m));
					else if (m)
						for (c = 0; c < 8; c++)
							m[kl + (size_t)c] = i + (size_t)c;
					kl += 8;
					i += 8;
					continue;
				}
				from = tmap ? tmap[i] : i;

				if (c < 0x80) {
					i++;
					if (c >= 'A' && c <= 'Z')
						c += 32;
					if (absorbed(&pend, c))
						continue;
					if (m)
						m[kl] = from;
					d[kl++] = (char)c;
					continue;
				}
				for (f = danish_fold(t, i, len), i += 2; *f; f++) {
					if (absorbed(&pend, (unsigned char)*f))
						continue;
					if (m)
						m[kl] = from;
					d[kl++] = *f;
				}
			}
			d[kl] = '\0';
			key->len = kl;
			w->pend = pend;
			continue;
		}
		if (b < 0x80) {
			if (key_byte(w, b >= 'A' && b <= 'Z' ? b + 32 : b, tmap ? tmap[i] : i))
				return KERR_NOMEM;
			i++;
			continue;
		}
		at = tmap ? tmap[i] : i;
		/* æ ø å in either case (with a capped key): fixed folds */
		if (danish_fold(t, i, len)) {
			if (key_str(w, danish_fold(t, i, len), at))
				return KERR_NOMEM;
			i += 2;
			continue;
		}
		U8_NEXT((const uint8_t *)t, j, (int32_t)len, c);
		i = (size_t)j;
		if (c < 0)
			c = 0xFFFD;
		U16_APPEND_UNSAFE(src, ns, c);
		nf = u_strFoldCase(fold, 16, src, ns, U_FOLD_CASE_DEFAULT, &st);
		if (U_FAILURE(st)) {
			if (key_cp(w, c, at))
				return KERR_NOMEM;
			continue;
		}
		for (k = 0; k < nf;) {
			UChar32 f;

			U16_NEXT(fold, k, nf, f);
			if (key_cp(w, f, at))
				return KERR_NOMEM;
		}
	}
	return 0;
}

int normalize_key(const char *in, size_t len, struct buf *key, struct kerr *e)
{
	struct buf nfc = BUF_INIT;
	struct keyw w = { key, NULL, NULL, 0 };
	size_t mark = key->len;
	int rc;

	rc = nfc_append(in, len, &nfc, NULL, NULL, 0);
	if (!rc)
		rc = key_append(nfc.data, nfc.len, NULL, &w);
	buf_release(&nfc);
	if (rc) {
		buf_truncate(key, mark);
		return kerr_set(e, rc, "cannot build the match key: %s", kerr_name(rc));
	}
	return 0;
}

/* ---- the result -------------------------------------------------------- */

void normalized_init(struct normalized *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, 0);
	buf_init(&r->key, 0);
	buf_init(&r->nfc, 0);
}

static void changes_clear(struct normalized *r)
{
	size_t i;

	for (i = 0; i < r->nchanges; i++) {
		free(r->changes[i].from);
		free(r->changes[i].to);
	}
	r->nchanges = 0;
}

void normalized_release(struct normalized *r)
{
	changes_clear(r);
	free(r->changes);
	free(r->text_map);
	free(r->key_map);
	free(r->nfc_map);
	free(r->runs);
	buf_release(&r->text);
	buf_release(&r->key);
	buf_release(&r->nfc);
	normalized_init(r);
}

/* ---- the normalizer ----------------------------------------------------- */

int normalizer_new(struct normalizer **out, const struct normalize_opts *opts,
		   struct kerr *e)
{
	struct normalizer *n;
	int c;

	*out = NULL;
	if (!nfc_inst())
		return kerr_set(e, KERR_INVALID, "ICU has no NFC data; reinstall libicu");
	n = calloc(1, sizeof(*n));
	if (!n)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	if (opts)
		n->opts = *opts;
	buf_init(&n->tok, 0);
	for (c = 0; c < 128; c++)
		n->word_ascii[c] = (unsigned char)repair_is_ascii_word_char(c);
	if (!n->opts.no_repair) {
		int rc = repairer_new(&n->rp, e);

		if (rc) {
			normalizer_free(n);
			return rc;
		}
	}
	*out = n;
	return 0;
}

void normalizer_free(struct normalizer *n)
{
	if (!n)
		return;
	buf_release(&n->tok);
	repairer_free(n->rp);
	free(n);
}

/* ---- stage 2: word repair ------------------------------------------------ */

/* Is the character at t[*i] a word character for repair_word?  Moves *i
 * past it. */
static inline int word_char_at(const unsigned char *word_ascii, const char *t, size_t len,
				size_t *i)
{
	unsigned char b = (unsigned char)t[*i];
	int32_t j = (int32_t)*i;
	UChar32 c;

	if (b < 0x80) {
		++*i;
		return word_ascii[b];
	}
	U8_NEXT((const uint8_t *)t, j, (int32_t)len, c);
	*i = (size_t)j;
	return c >= 0 && repair_is_word_char(c);
}

/* Find the word runs of the NFC line (pairs of byte offsets in r->nfc).
 * Every byte of every answer passes here: ASCII is scanned by table with
 * the line in locals (stores to r->runs could alias r's fields). */
static int find_runs(const unsigned char *wa, struct normalized *r, size_t *nruns)
{
	const char *t = r->nfc.data;
	size_t len = r->nfc.len, i = 0, k = 0;
	size_t *runs = r->runs;

	while (i < len) {
		size_t s;

		while (i < len && (unsigned char)t[i] < 0x80 && !wa[(unsigned char)t[i]])
			i++;
		if (i == len)
			break;
		s = i;
		if (!word_char_at(wa, t, len, &i))
			continue;
		for (;;) {
			size_t j;

			while (i < len && (unsigned char)t[i] < 0x80 && wa[(unsigned char)t[i]])
				i++;
			if (i == len || (unsigned char)t[i] < 0x80)
				break;
			j = i;
			if (!word_char_at(wa, t, len, &j))
				break;
			i = j;
		}
		if (k + 1 >= r->runs_cap) {
			if (map_reserve(&r->runs, &r->runs_cap, k + 1))
				return KERR_NOMEM;
			runs = r->runs;
		}
		runs[k++] = s;
		runs[k++] = i;
	}
	*nruns = k / 2;
	return 0;
}

/* Does the word run at s start a sentence: only punctuation before it since
 * the line start or since a . ! ? or : that ends a word? */
static int sentence_start(const char *t, size_t s)
{
	while (s > 0) {
		unsigned char c = (unsigned char)t[--s];

		if (c == '.' || c == '!' || c == '?' || c == ':')
			return 1;
		if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			return 0;
	}
	return 1;
}

/* Map the replacement t[0..tn) of nfc bytes [s, s + on): a shared prefix and
 * suffix map byte for byte, the changed middle to where it starts. */
static int emit_repair(struct normalized *r, size_t s, size_t on, const char *t, size_t tn)
{
	const char *o = r->nfc.data + s;
	size_t p = 0, q = 0, i, start = r->text.len;

	while (p < on && p < tn && o[p] == t[p])
		p++;
	while (p > 0 && p < tn && ((unsigned char)t[p] & 0xC0) == 0x80)
		p--;
	while (q < on - p && q < tn - p && o[on - 1 - q] == t[tn - 1 - q])
		q++;
	while (q > 0 && ((unsigned char)t[tn - q] & 0xC0) == 0x80)
		q--;
	if (buf_add(&r->text, t, tn) || map_reserve(&r->text_map, &r->text_map_cap, r->text.len))
		return KERR_NOMEM;
	for (i = 0; i < tn; i++) {
		size_t from = i < p ? s + i : i >= tn - q ? s + on - (tn - i) : s + p;

		r->text_map[start + i] = r->nfc_map[from];
	}
	return 0;
}

static int add_change(struct normalized *r, size_t s, size_t e, const char *to,
		      size_t tn, const char *why)
{
	struct normalize_change *c;

	if (r->nchanges == r->changes_cap) {
		size_t ncap = r->changes_cap ? r->changes_cap * 2 : 8;
		struct normalize_change *nc = realloc(r->changes, ncap * sizeof(*nc));

		if (!nc)
			return KERR_NOMEM;
		r->changes = nc;
		r->changes_cap = ncap;
	}
	c = &r->changes[r->nchanges];
	c->orig_start = r->nfc_map[s];
	c->orig_end = r->nfc_map[e];
	c->from = strndup(r->nfc.data + s, e - s);
	c->to = strndup(to, tn);
	c->why = why;
	if (!c->from || !c->to) {
		free(c->from);
		free(c->to);
		return KERR_NOMEM;
	}
	r->nchanges++;
	return 0;
}

/* Copy NFC bytes [a, b) unchanged, keeping their input offsets. */
static int copy_nfc(struct normalized *r, size_t a, size_t b)
{
	size_t i, start = r->text.len;

	if (buf_add(&r->text, r->nfc.data + a, b - a) ||
	    map_reserve(&r->text_map, &r->text_map_cap, r->text.len))
		return KERR_NOMEM;
	for (i = a; i < b; i++)
		r->text_map[start + i - a] = r->nfc_map[i];
	return 0;
}

/* Does the line hold any of æ ø å Æ Ø Å (C3 A6/B8/A5/86/98/85)? */
static int has_danish_letters(const char *t, size_t n)
{
	const char *p = t, *end = t + n;

	while (p + 1 < end && (p = memchr(p, 0xC3, (size_t)(end - 1 - p))) != NULL) {
		if (strchr("\xA6\xB8\xA5\x86\x98\x85", p[1]) && p[1])
			return 1;
		p++;
	}
	return 0;
}

static void run_ctx(const struct normalized *r, size_t nruns, size_t k, int relaxed,
		    struct repair_ctx *ctx)
{
	const char *t = r->nfc.data;

	memset(ctx, 0, sizeof(*ctx));
	if (k > 0) {
		ctx->prev = t + r->runs[2 * k - 2];
		ctx->prevn = r->runs[2 * k - 1] - r->runs[2 * k - 2];
	}
	if (k + 1 < nruns) {
		ctx->next = t + r->runs[2 * k + 2];
		ctx->nextn = r->runs[2 * k + 3] - r->runs[2 * k + 2];
	}
	ctx->sentence_start = sentence_start(t, r->runs[2 * k]);
	ctx->relaxed = relaxed;
	{
		size_t s = r->runs[2 * k], e = r->runs[2 * k + 1];

		ctx->after_quote = (s >= 1 && (t[s - 1] == '"' || t[s - 1] == '\'')) ||
				   (s >= 3 && (unsigned char)t[s - 3] == 0xE2 && (unsigned char)t[s - 2] == 0x80 &&
				    ((unsigned char)t[s - 1] == 0x9C || (unsigned char)t[s - 1] == 0x9D)) ||
				   (s >= 2 && (unsigned char)t[s - 2] == 0xC2 && (unsigned char)t[s - 1] == 0xBB);
		ctx->before_punct = e < r->nfc.len && strchr(".,;?!", t[e]) && t[e];
	}
}

/* Repair every word run of the line into r->text; *added_letters tells
 * whether some repair brought in a letter beyond ASCII (æ ø å).  With
 * stop_if_added, the first such repair ends the pass (r->text is then
 * incomplete): the line is repaired again relaxed, so the rest of this
 * pass would be thrown away. */
static int repair_runs(struct normalizer *n, struct normalized *r, size_t nruns, int relaxed,
		       int stop_if_added, int *added_letters)
{
	const char *t = r->nfc.data;
	size_t k, at = 0;
	int rc = 0;

	*added_letters = 0;
	for (k = 0; !rc && k < nruns; k++) {
		size_t s = r->runs[2 * k], e = r->runs[2 * k + 1];
		struct repair_ctx ctx;
		const char *why;
		int ch;

		/* most words were seen before and stay whatever their
		 * neighbours: settled without building their context */
		if (repair_plain(n->rp, t + s, e - s))
			continue;
		run_ctx(r, nruns, k, relaxed, &ctx);
		ctx.damaged = r->nchanges > 0;
		buf_reset(&n->tok);
		ch = repair_word(n->rp, t + s, e - s, &ctx, &n->tok, &why);
		if (ch < 0)
			return -ch;
		if (ch == 0)
			continue;
		if (memchr(n->tok.data, 0xC3, n->tok.len)) {
			*added_letters = 1;
			if (stop_if_added)
				return 0;
		}
		rc = copy_nfc(r, at, s);
		if (!rc)
			rc = emit_repair(r, s, e - s, n->tok.data, n->tok.len);
		if (!rc)
			rc = add_change(r, s, e, n->tok.data, n->tok.len, why);
		at = e;
	}
	if (!rc && at == 0 && r->text.len == 0) {
		/* nothing repaired (most lines): the text is the NFC text, so the
		 * buffers trade places instead of copying (nfc is scratch) */
		struct buf t = r->text;
		size_t *m = r->text_map, cap = r->text_map_cap;

		r->text = r->nfc;
		r->text_map = r->nfc_map;
		r->text_map_cap = r->nfc_map_cap;
		r->nfc = t;
		r->nfc_map = m;
		r->nfc_map_cap = cap;
		return 0;
	}
	return rc ? rc : copy_nfc(r, at, r->nfc.len);
}

/*
 * A line with no æ ø å at all in which some word clearly needed one was
 * typed or scanned without them: there the missing letters are the rule, so
 * the line is repaired again with the reversals made cheaper.
 */
static int repair_line(struct normalizer *n, struct normalized *r)
{
	size_t nruns;
	int added, ignored;
	int plain = !has_danish_letters(r->nfc.data, r->nfc.len);
	int rc = find_runs(n->word_ascii, r, &nruns);

	if (!rc)
		rc = repair_runs(n, r, nruns, 0, plain, &added);
	if (!rc && added && plain) {
		buf_reset(&r->text);
		changes_clear(r);
		rc = repair_runs(n, r, nruns, 1, 0, &ignored);
	}
	return rc;
}

int normalize_text(struct normalizer *n, const char *in, size_t len,
		   struct normalized *r, struct kerr *e)
{
	struct keyw w = { &r->key, &r->key_map, &r->key_map_cap, 0 };
	int rc;

	changes_clear(r);
	buf_reset(&r->text);
	buf_reset(&r->key);
	if (len > NORMALIZE_MAX_TEXT)
		return kerr_set(e, KERR_LIMIT, "this answer is %zu MB long; koder reads answers of "
			"at most %zu MB (an unclosed quote or a file pasted into a cell?)",
			(len + (1 << 20) - 1) >> 20, NORMALIZE_MAX_TEXT >> 20);
	if (n->rp) {
		buf_reset(&r->nfc);
		rc = nfc_append(in, len, &r->nfc, &r->nfc_map, &r->nfc_map_cap, 0);
		if (!rc)
			rc = map_reserve(&r->nfc_map, &r->nfc_map_cap, r->nfc.len);
		if (!rc) {
			r->nfc_map[r->nfc.len] = len;
			rc = repair_line(n, r);
		}
	} else {
		rc = nfc_append(in, len, &r->text, &r->text_map, &r->text_map_cap, 0);
	}
	if (!rc)
		rc = map_reserve(&r->text_map, &r->text_map_cap, r->text.len);
	if (!rc) {
		r->text_map[r->text.len] = len;
		/* room for a key as long as the text (most are), so key_byte
		 * mostly stores in place */
		rc = buf_grow(&r->key, r->text.len + 1);
		if (!rc)
			rc = map_reserve(&r->key_map, &r->key_map_cap, r->text.len + 1);
		if (!rc)
			rc = key_append(r->text.data, r->text.len, r->text_map, &w);
	}
	if (!rc)
		rc = map_reserve(&r->key_map, &r->key_map_cap, r->key.len);
	if (rc)
		return kerr_set(e, rc, "cannot normalize: %s", kerr_name(rc));
	r->key_map[r->key.len] = len;
	return 0;
}

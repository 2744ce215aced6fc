/*
 * charset.h - read a text file line by line as clean UTF-8, whatever it was
 * saved as.
 *
 * Survey exports arrive as UTF-8 (with or without a byte-order mark), as
 * Windows-1252/Latin-1, as UTF-8 that was decoded as Windows-1252 and
 * encoded again ("Ã¸" for "ø"), or as UTF-16 (Word's and Excel's "Unicode
 * text").  The encoding is detected once per file from its first 64 KB (a
 * BOM or UTF-16's zero bytes; valid UTF-8; else ICU's charset detector, with
 * Windows-1252 as the answer for Latin text); every line is converted to
 * UTF-8, and a line that shows double encoding is decoded once more.  Bytes
 * that are not valid in the detected encoding, and NUL bytes, become U+FFFD
 * and are counted, so the caller can warn naming file and line.
 *
 * Memory is bounded: the reader holds one 64 KB chunk and one line (a line
 * may be up to CHARSET_MAX_LINE bytes; a longer one is an error), never the
 * whole file.
 *
 * Ownership: the reader owns its buffers and ICU converter, released by
 * charset_close; it does not own or close the FILE.  Lines are appended to a
 * buffer the caller owns.
 */
#ifndef KODER_CHARSET_H
#define KODER_CHARSET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

struct kerr;

/* The end of the run of ASCII bytes from s[i] (at most len): most survey
 * text is ASCII, so eight bytes at a time.  Inline: it sits in the
 * per-byte loops of the reader and the normalizer. */
static inline size_t charset_ascii_end(const char *s, size_t i, size_t len)
{
	uint64_t w;

	while (len - i >= 8) {
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			break;
		i += 8;
	}
	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

/* a line is normalized whole: no longer than normalize.h's NORMALIZE_MAX_TEXT
 * (a 64 MB line once took 3.3 GB) */
#define CHARSET_MAX_LINE ((size_t)4 << 20)

struct charset_reader {
	/* public, read-only */
	const char *name;       /* file name for messages (not owned) */
	const char *encoding;   /* "UTF-8", "UTF-8 with BOM", "windows-1252", ... (static or ICU's) */
	int binary;             /* the first chunk looked binary (NULs, control bytes) */
	long line;              /* number of the line last read, 1-based */
	int newline;            /* the line last read ended with '\n' */
	size_t bad;             /* bytes replaced by U+FFFD in the line last read */
	size_t nuls;            /* NUL bytes replaced in the line last read */
	int redecoded;          /* the line last read was double-encoded UTF-8, now fixed */
	/* private */
	FILE *fp;
	char chunk[65536];
	size_t clen, cpos;
	int eof, utf8;
	void *cv, *cv1252;      /* UConverter for a non-UTF-8 file; windows-1252 for re-decoding */
	char encname[64];
	struct buf raw, tmp;
	int utf16;              /* 0, or 1/2: a UTF-16LE/BE file, decoded into chunk */
	int weof;               /* its raw bytes are all read */
	int wbad;               /* decoding stopped at half a character */
	size_t wlen;            /* raw UTF-16 bytes waiting in `wide` */
	unsigned char wide[65536];
};

/*
 * Start reading fp (named `name` in messages).  Reads the first chunk and
 * detects the encoding.  Returns 0, or KERR_IO (read error) / KERR_ENCODING
 * (UTF-32, which koder does not read; damaged UTF-16) with e filled.  Call
 * charset_close in every case.
 */
int charset_open(struct charset_reader *r, FILE *fp, const char *name, struct kerr *e);
/*
 * Append the next line (without its '\n' or '\r\n') as UTF-8 to `out`.
 * Returns 1 when a line was read, 0 at end of file, or a negated error code
 * (-KERR_IO, -KERR_LIMIT for a line over CHARSET_MAX_LINE, -KERR_NOMEM) with
 * e filled with file and line.
 */
int charset_read_line(struct charset_reader *r, struct buf *out, struct kerr *e);
void charset_close(struct charset_reader *r);

/*
 * UTF-16 for every reader (this one and csv.h's).  charset_utf16_sniff says
 * which byte order p[0..n) starts in: 1 little-endian, 2 big-endian, with
 * *skip set to the byte-order mark's length (2, or 0 when the zero bytes of
 * ASCII text gave it away); 0 when it is not UTF-16 (UTF-32's mark starts
 * like UTF-16LE's and is left for the caller to refuse).
 */
int charset_utf16_sniff(const unsigned char *p, size_t n, size_t *skip);
/*
 * Decode the code units of p[*at..n) as UTF-8 into `out`, which has room
 * for 3 bytes per 2 decoded (plus 4).  A surrogate pair cut at n is left
 * for the next call unless `at_eof`.  Returns the bytes written and moves
 * *at past the units decoded; sets *bad when it stopped at half a
 * character (a lone surrogate, or an odd last byte at the end of the file).
 */
size_t charset_utf16_decode(const unsigned char *p, size_t n, size_t *at, int le, int at_eof,
			    char *out, int *bad);

#endif

/*
 * charset.c - encoding detection (BOM, UTF-8 validity, ICU ucsdet) and
 * per-line conversion to UTF-8, including the repair of double-encoded UTF-8
 * (see charset.h).
 */
#include "charset.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

static const char replacement[] = "\xEF\xBF\xBD";

/* Is s[0..n) valid UTF-8?  A sequence cut off at the very end counts as
 * valid when `cut_ok` (the chunk boundary may split a character). */
static int valid_utf8(const char *s, size_t n, int cut_ok)
{
	int32_t i = 0, len = (int32_t)n;

	while (i < len) {
		UChar32 c;
		int32_t at;

		if ((i = (int32_t)charset_ascii_end(s, (size_t)i, (size_t)len)) >= len)
			break;
		at = i;
		U8_NEXT((const uint8_t *)s, i, len, c);
		if (c < 0) {
			if (cut_ok && len - at < 4 && i == len)
				return 1;
			return 0;
		}
	}
	return 1;
}

/* Binary data: control bytes (not tab, newlines, form feed) make up more
 * than 5% of the sample, or NULs more than 1% of a sample big enough to say
 * so (a stray NUL in a short text file is reported per line instead). */
static int looks_binary(const char *s, size_t n)
{
	size_t i, ctl = 0, nul = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			nul++;
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
			ctl++;
	}
	return n >= 256 && (nul * 100 > n || (ctl + nul) * 20 > n);
}

/* Mostly UTF-8: more well-formed multi-byte characters than bad bytes (text
 * in Windows-1252 almost never forms a valid UTF-8 sequence). */
static int mostly_utf8(const char *s, size_t n)
{
	int32_t i = 0, len = (int32_t)n;
	size_t good = 0, bad = 0;

	while (i < len) {
		UChar32 c;
		int32_t at;

		if ((i = (int32_t)charset_ascii_end(s, (size_t)i, (size_t)len)) >= len)
			break;
		at = i;
		U8_NEXT((const uint8_t *)s, i, len, c);
		if (c < 0)
			bad++;
		else if (i - at > 1)
			good++;
	}
	return good > 0 && bad <= good;
}

int charset_utf16_sniff(const unsigned char *p, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 4 && (!memcmp(p, "\xFF\xFE\0\0", 4) || !memcmp(p, "\0\0\xFE\xFF", 4)))
		return 0;
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return *skip = 2, 1;
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return *skip = 2, 2;
	if (n >= 4 && p[0] && !p[1] && p[2] && !p[3])
		return 1;
	if (n >= 4 && !p[0] && p[1] && !p[2] && p[3])
		return 2;
	return 0;
}

size_t charset_utf16_decode(const unsigned char *p, size_t n, size_t *at, int le, int at_eof,
			    char *out, int *bad)
{
	size_t i = *at, o = 0;

	while (i + 1 < n) {
		UChar32 u = le ? p[i] | p[i + 1] << 8 : p[i] << 8 | p[i + 1];

		if (U16_IS_LEAD(u)) {
			UChar32 v;

			if (i + 3 >= n) {
				*bad = at_eof;   /* else the pair's second half comes next */
				break;
			}
			v = le ? p[i + 2] | p[i + 3] << 8 : p[i + 2] << 8 | p[i + 3];
			if (!U16_IS_TRAIL(v)) {
				*bad = 1;
				break;
			}
			u = U16_GET_SUPPLEMENTARY(u, v);
			i += 2;
		} else if (U16_IS_TRAIL(u)) {
			*bad = 1;
			break;
		}
		U8_APPEND_UNSAFE(out, o, u);
		i += 2;
	}
	if (at_eof && i + 1 == n)
		*bad = 1;                /* an odd byte at the end */
	*at = i;
	return o;
}

/* Half a character in a UTF-16 file: on the line after those read. */
static int utf16_damaged(struct charset_reader *r, struct kerr *e)
{
	kerr_at(e, r->name, r->line + 1, 0);
	return kerr_set(e, KERR_ENCODING, "this is not valid UTF-16 (half of a character: "
			"a lone surrogate, or an odd byte at the end of the file); the file "
			"is damaged: save it again, best as UTF-8 text");
}

/* fill() for a UTF-16 file: its raw bytes through `wide` into the chunk as
 * UTF-8.  At most 43,688 raw bytes at a time, so that their UTF-8 (at most
 * three bytes for two) fits the chunk.  Damage is reported once the lines
 * before it have been read, so the message names its line. */
static int fill_utf16(struct charset_reader *r, struct kerr *e)
{
	size_t take, at = 0;

	if (r->wbad)
		return utf16_damaged(r, e);
	if (!r->weof && r->wlen < sizeof(r->wide)) {
		size_t got = fread(r->wide + r->wlen, 1, sizeof(r->wide) - r->wlen, r->fp);

		if (got < sizeof(r->wide) - r->wlen) {
			if (ferror(r->fp))
				return kerr_errno(e, errno, r->name, "cannot read");
			r->weof = 1;
		}
		r->wlen += got;
	}
	take = r->wlen < 43688 ? r->wlen : 43688;
	r->clen = charset_utf16_decode(r->wide, take, &at, r->utf16 == 1,
				       r->weof && take == r->wlen, r->chunk, &r->wbad);
	r->cpos = 0;
	memmove(r->wide, r->wide + at, r->wlen - at);
	r->wlen -= at;
	if (r->wbad && r->clen == 0)
		return utf16_damaged(r, e);
	r->eof = r->weof && r->wlen == 0 && !r->wbad;
	return 0;
}

static int fill(struct charset_reader *r, struct kerr *e)
{
	size_t n;

	if (r->eof)
		return 0;
	if (r->utf16)
		return fill_utf16(r, e);
	n = fread(r->chunk, 1, sizeof(r->chunk), r->fp);
	if (n < sizeof(r->chunk)) {
		if (ferror(r->fp))
			return kerr_errno(e, errno, r->name, "cannot read");
		r->eof = 1;
	}
	r->clen = n;
	r->cpos = 0;
	return 0;
}

static int open_converter(struct charset_reader *r, const char *name, struct kerr *e)
{
	UErrorCode st = U_ZERO_ERROR;

	r->cv = ucnv_open(name, &st);
	if (U_FAILURE(st)) {
		r->cv = NULL;
		return kerr_set(e, KERR_ENCODING, "ICU cannot convert from %s", name);
	}
	return 0;
}

int charset_open(struct charset_reader *r, FILE *fp, const char *name, struct kerr *e)
{
	UErrorCode st = U_ZERO_ERROR;
	int rc;

	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->name = name;
	buf_init(&r->raw, CHARSET_MAX_LINE);
	buf_init(&r->tmp, 0);
	r->cv1252 = ucnv_open("windows-1252", &st);
	if (U_FAILURE(st))
		r->cv1252 = NULL;
	else
		ucnv_setFromUCallBack(r->cv1252, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
	rc = fill(r, e);
	if (rc)
		return rc;
	{
		size_t skip;

		r->utf16 = charset_utf16_sniff((const unsigned char *)r->chunk, r->clen, &skip);
		if (r->utf16) {
			/* the first chunk becomes the first raw UTF-16 bytes */
			r->encoding = r->utf16 == 1 ? "UTF-16LE" : "UTF-16BE";
			r->utf8 = 1;
			r->wlen = r->clen - skip;
			memcpy(r->wide, r->chunk + skip, r->wlen);
			r->weof = r->eof;
			r->eof = 0;
			return fill(r, e);
		}
	}
	if (r->clen >= 4 && (!memcmp(r->chunk, "\xFF\xFE\0\0", 4) || !memcmp(r->chunk, "\0\0\xFE\xFF", 4))) {
		kerr_at(e, name, 1, 0);
		return kerr_set(e, KERR_ENCODING, "the text is UTF-32; koder reads UTF-8, UTF-16, "
				"Windows-1252 and Latin-1 (convert it: iconv -f UTF-32 -t UTF-8)");
	}
	r->binary = looks_binary(r->chunk, r->clen);
	if (r->clen >= 3 && !memcmp(r->chunk, "\xEF\xBB\xBF", 3)) {
		r->encoding = "UTF-8 with BOM";
		r->utf8 = 1;
		r->cpos = 3;
		return 0;
	}
	if (r->binary || valid_utf8(r->chunk, r->clen, !r->eof) || mostly_utf8(r->chunk, r->clen)) {
		/* binary data is read as UTF-8 so every bad byte is visible */
		r->encoding = "UTF-8";
		r->utf8 = 1;
		return 0;
	}
	{
		UCharsetDetector *d = ucsdet_open(&st);
		const UCharsetMatch *m;
		const char *det = NULL;
		int conf = 0;

		if (U_SUCCESS(st)) {
			ucsdet_setText(d, r->chunk, (int32_t)r->clen, &st);
			m = ucsdet_detect(d, &st);
			if (U_SUCCESS(st) && m) {
				det = ucsdet_getName(m, &st);
				conf = ucsdet_getConfidence(m, &st);
			}
		}
		/* Latin-1 is a subset of Windows-1252 in practice (0x80-0x9F are
		 * controls nobody types), and Danish text is one or the other;
		 * other single-byte guesses on short text are mostly noise */
		if (U_FAILURE(st) || !det || conf < 50 || !strncmp(det, "ISO-8859-1", 10) ||
		    !strncmp(det, "UTF", 3) || !strcmp(det, "windows-1252") || !strncmp(det, "ISO-8859-15", 11))
			det = "windows-1252";
		snprintf(r->encname, sizeof(r->encname), "%s", det);
		if (d)
			ucsdet_close(d);
	}
	r->encoding = r->encname;
	return open_converter(r, r->encname, e);
}

/* Append s[0..n) as UTF-8, replacing invalid sequences and NULs by U+FFFD. */
static int add_clean_utf8(struct charset_reader *r, const char *s, size_t n, struct buf *out)
{
	int32_t i = 0, len = (int32_t)n;

	while (i < len) {
		int32_t at = i;
		UChar32 c;

		/* copy plain runs in one go */
		while (i < len && (unsigned char)s[i] >= 0x01 && (unsigned char)s[i] < 0x80)
			i++;
		if (i > at && buf_add(out, s + at, (size_t)(i - at)))
			return KERR_NOMEM;
		if (i >= len)
			break;
		at = i;
		U8_NEXT((const uint8_t *)s, i, len, c);
		if (c <= 0) {
			if (c == 0)
				r->nuls++;
			else
				r->bad += (size_t)(i - at);
			if (buf_add(out, replacement, 3))
				return KERR_NOMEM;
		} else if (buf_add(out, s + at, (size_t)(i - at))) {
			return KERR_NOMEM;
		}
	}
	return 0;
}

/*
 * Double-encoded UTF-8: the line is valid UTF-8, but read as Windows-1252
 * bytes it is valid UTF-8 again, with fewer characters, and it shows the
 * telltale "Ã" or "Â" lead.  Then the first decoding was wrong: undo it.
 */
static int redecode(struct charset_reader *r, const char *s, size_t n, struct buf *out)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar *u;
	int32_t un = 0, bn;
	size_t mark = out->len;

	const char *p = s;

	/* every line passes here: memchr finds the rare C3 lead */
	while (n > 0 && (p = memchr(p, 0xC3, n - 1 - (size_t)(p - s))) != NULL &&
	       (unsigned char)p[1] != 0x83 && (unsigned char)p[1] != 0x82)
		p++;
	if (!r->cv1252 || n > (1u << 20) || n < 2 || !p)
		return 0;
	buf_reset(&r->tmp);
	if (buf_grow(&r->tmp, (n + 1) * sizeof(UChar)))
		return 0;
	u = (UChar *)(void *)r->tmp.data;
	u_strFromUTF8(u, (int32_t)n + 1, &un, s, (int32_t)n, &st);
	if (U_FAILURE(st))
		return 0;
	if (buf_grow(out, (size_t)un + 1))
		return 0;
	ucnv_reset(r->cv1252);
	bn = ucnv_fromUChars(r->cv1252, out->data + out->len, (int32_t)(out->cap - out->len), u, un, &st);
	if (U_FAILURE(st) || bn <= 0 || !valid_utf8(out->data + mark, (size_t)bn, 0) ||
	    memchr(out->data + mark, 0, (size_t)bn)) {
		buf_truncate(out, mark);
		return 0;
	}
	out->len += (size_t)bn;
	out->data[out->len] = '\0';
	r->redecoded = 1;
	return 1;
}

/* Convert one raw line of a non-UTF-8 file. */
static int convert(struct charset_reader *r, const char *s, size_t n, struct buf *out)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t un, bn = 0;
	UChar *u;
	size_t need = (n + 1) * sizeof(UChar);
	size_t i;

	/* NULs convert to U+0000: count and replace them like in UTF-8 files */
	buf_reset(&r->tmp);
	if (buf_grow(&r->tmp, need))
		return KERR_NOMEM;
	u = (UChar *)(void *)r->tmp.data;
	ucnv_reset(r->cv);
	un = ucnv_toUChars(r->cv, u, (int32_t)(n + 1), s, (int32_t)n, &st);
	if (U_FAILURE(st))
		return KERR_ENCODING;
	for (i = 0; i < (size_t)un; i++) {
		if (u[i] == 0) {
			u[i] = 0xFFFD;
			r->nuls++;
		} else if (u[i] == 0x1A || u[i] == 0xFFFD) {
			/* ICU's substitute for a byte the encoding does not define */
			u[i] = 0xFFFD;
			r->bad++;
		}
	}
	st = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &bn, u, un, &st);
	if (buf_grow(out, (size_t)bn + 1))
		return KERR_NOMEM;
	st = U_ZERO_ERROR;
	u_strToUTF8(out->data + out->len, (int32_t)(out->cap - out->len), &bn, u, un, &st);
	if (U_FAILURE(st))
		return KERR_ENCODING;
	out->len += (size_t)bn;
	out->data[out->len] = '\0';
	return 0;
}

int charset_read_line(struct charset_reader *r, struct buf *out, struct kerr *e)
{
	size_t n;
	int rc;

	r->bad = r->nuls = 0;
	r->redecoded = 0;
	r->newline = 0;
	buf_reset(&r->raw);
	for (;;) {
		char *nl;

		if (r->cpos == r->clen) {
			if (r->eof)
				break;
			rc = fill(r, e);
			if (rc)
				return -rc;
			if (r->clen == 0)
				break;
		}
		nl = memchr(r->chunk + r->cpos, '\n', r->clen - r->cpos);
		n = nl ? (size_t)(nl - (r->chunk + r->cpos)) : r->clen - r->cpos;
		if (buf_add(&r->raw, r->chunk + r->cpos, n)) {
			kerr_at(e, r->name, r->line + 1, 0);
			return -kerr_set(e, KERR_LIMIT, "line longer than %zu MB; "
					 "split the file into lines", CHARSET_MAX_LINE >> 20);
		}
		r->cpos += n;
		if (nl) {
			r->cpos++;
			r->newline = 1;
			break;
		}
	}
	if (!r->newline && r->raw.len == 0)
		return 0;
	r->line++;
	n = r->raw.len;
	if (n > 0 && r->raw.data[n - 1] == '\r')
		n--;
	if (r->utf8) {
		if (valid_utf8(r->raw.data, n, 0) && !memchr(r->raw.data, 0, n)) {
			if (redecode(r, r->raw.data, n, out))
				return 1;
			rc = buf_add(out, r->raw.data, n);
		} else {
			rc = add_clean_utf8(r, r->raw.data, n, out);
		}
	} else {
		rc = convert(r, r->raw.data, n, out);
	}
	if (rc) {
		kerr_at(e, r->name, r->line, 0);
		return -kerr_set(e, rc, "cannot convert the line from %s", r->encoding);
	}
	return 1;
}

void charset_close(struct charset_reader *r)
{
	if (r->cv)
		ucnv_close(r->cv);
	if (r->cv1252)
		ucnv_close(r->cv1252);
	r->cv = r->cv1252 = NULL;
	buf_release(&r->raw);
	buf_release(&r->tmp);
}

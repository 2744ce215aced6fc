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

static int fill(struct charset_reader *r, struct kerr *e)
{
	size_t n;

	if (r->eof)
		return 0;
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
	r->binary = looks_binary(r->chunk, r->clen);
	if (r->clen >= 2 && ((unsigned char)r->chunk[0] == 0xFF && (unsigned char)r->chunk[1] == 0xFE)) {
		r->encoding = "UTF-16LE";
	} else if (r->clen >= 2 && (unsigned char)r->chunk[0] == 0xFE && (unsigned char)r->chunk[1] == 0xFF) {
		r->encoding = "UTF-16BE";
	}
	if (r->encoding) {
		kerr_at(e, name, 1, 0);
		return kerr_set(e, KERR_ENCODING, "the text is %s; koder reads UTF-8, "
				"Windows-1252 and Latin-1 (convert it: iconv -f UTF-16 -t UTF-8)",
				r->encoding);
	}
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

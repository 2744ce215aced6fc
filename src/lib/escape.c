/* escape.c - markup and terminal escaping of untrusted text (escape.h). */
#include "escape.h"
#include "buf.h"
#include "error.h"

#include <stdint.h>

/* Length of the UTF-8 sequence at s (1..4) with its code point, or 0 when
 * the bytes there are not valid UTF-8 (overlong, surrogate, truncated). */
static size_t utf8_at(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, c &= 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF))
	    || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Invisible controls no output of koder carries: C0 (the caller lets tab,
 * LF, CR through), DEL, C1. */
static int control(uint32_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

#define REPLACEMENT "\xEF\xBF\xBD"

int esc_xml(struct buf *b, const char *str, size_t len, int attr)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	int rc = 0;

	while (i < len && !rc) {
		uint32_t c;
		const char *rep = NULL;

		if (!(n = utf8_at(s + i, len - i, &c))) {
			rc = buf_adds(b, REPLACEMENT);
			i++;
			continue;
		}
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t': rep = attr ? "&#9;" : "\t"; break;
		case '\n': rep = attr ? "&#10;" : "\n"; break;
		case '\r': rep = "&#13;"; break;
		default:
			if (control(c) || c == 0xFFFE || c == 0xFFFF)
				rep = "";
		}
		rc = rep ? buf_adds(b, rep) : buf_add(b, str + i, n);
		i += n;
	}
	return rc ? (rc == KERR_LIMIT ? KERR_LIMIT : KERR_NOMEM) : 0;
}

int esc_term(struct buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, from = 0;
	int rc = 0;

	/* runs of plain text are copied whole: this sits on the output path */
	while (i < len && !rc) {
		uint32_t c;

		if (s[i] >= 0x20 && s[i] < 0x7F) {
			i++;
			continue;
		}
		n = utf8_at(s + i, len - i, &c);
		if (n && (!control(c) || c == '\t' || c == '\n'
			  || (c == '\r' && i + 1 < len && s[i + 1] == '\n'))) {
			i += n;
			continue;
		}
		rc = buf_add(b, str + from, i - from);
		if (!rc && !n)
			rc = buf_adds(b, REPLACEMENT);
		i += n ? n : 1;
		from = i;
	}
	if (!rc)
		rc = buf_add(b, str + from, i - from);
	return rc ? (rc == KERR_LIMIT ? KERR_LIMIT : KERR_NOMEM) : 0;
}

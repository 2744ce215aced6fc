/*
 * csv.c - the streaming CSV reader and the field writer (see csv.h).
 *
 * Three layers, each a small loop: fill() reads a raw block and decodes it to
 * UTF-8 (detecting the encoding on the way), next_byte() hands out decoded
 * bytes while counting lines, and read_record() runs the RFC 4180 state
 * machine into one reusable record buffer.  A decoding problem is not raised
 * where it is found (the decoder runs ahead of the parser) but when the parser
 * reaches it, so the error carries the right line.
 */
#include "csv.h"
#include "buf.h"
#include "charset.h"
#include "error.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>

#define RAW_SIZE 65536
#define MAX_FIELDS 100000

struct csv_reader {
	FILE *fp;
	char name[256];
	unsigned char raw[RAW_SIZE];
	size_t rlen, rpos;
	int eof;            /* fread has hit the end */
	char *dec;          /* decoded UTF-8, RAW_SIZE * 3 bytes */
	size_t dlen, dpos;
	int dec_bad;        /* decoding stopped at a byte that is not UTF-8 */
	int utf16;          /* 0, or the file is UTF-16: 1 little-, 2 big-endian */
	int sniffed;        /* the first block has been looked at for UTF-16 */
	enum csv_encoding enc;
	int forced_enc, bom;
	char sep;
	size_t max_field;
	int allow_ragged;
	int unguard;        /* strip the apostrophe csv_add_field put before a formula */
	long line, col;     /* position of the next byte */
	struct buf rec;     /* the current record: fields, each NUL-terminated */
	size_t *off, *lens;
	const char **fields;
	size_t nf, fcap;
	char *hdr_data;     /* the header record, owned */
	const char **hdr;
	size_t *hdr_len;
	size_t nh;
	int done;
	int err;           /* the KERR code behind next_byte's -2 */
};

/* Windows-1252 0x80..0x9F; the five unassigned bytes map to the C1 controls
 * of the same value, as the WHATWG encoding standard does. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0x10000) {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/*
 * Length of the valid UTF-8 sequence at p (n bytes available), 0 if it is
 * invalid, or -1 if it may be valid but is cut off at the end of the block.
 * Strict: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static int utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	int len, i;
	unsigned lo = 0x80, hi = 0xBF;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF))
			return 0;
	}
	return len;
}

static int set_err(struct csv_reader *r, struct kerr *e, enum kerr_code code)
{
	kerr_at(e, r->name, r->line, r->col);
	return (int)code;
}

/* Eight bytes at a time: most of a survey is plain ASCII text between the
 * few bytes that steer the parser. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static uint64_t load8(const void *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof x);
	return x;
}

/* Nonzero if one of the eight bytes of x is c. */
static uint64_t has_byte(uint64_t x, unsigned char c)
{
	uint64_t v = x ^ (ONES * c);

	return (v - ONES) & ~v & HIGHS;
}

/* The length of the start of s[0..n) that holds none of a, b, c, d. */
static size_t span_without(const char *s, size_t n, char a, char b, char c, char d)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x = load8(s + i);

		if (has_byte(x, (unsigned char)a) | has_byte(x, (unsigned char)b)
		    | has_byte(x, (unsigned char)c) | has_byte(x, (unsigned char)d))
			break;
	}
	for (; i < n; i++)
		if (s[i] == a || s[i] == b || s[i] == c || s[i] == d)
			break;
	return i;
}

/*
 * Excel's "Unicode text" is UTF-16LE with a byte-order mark (tab-separated);
 * other tools write it big-endian or without the mark, which the zero bytes
 * of ASCII text give away.  Sets r->utf16 and skips the mark.  UTF-32 looks
 * like UTF-16 with more zeros: it is left for start_reader to refuse.
 */
static void sniff_utf16(struct csv_reader *r)
{
	r->utf16 = charset_utf16_sniff(r->raw, r->rlen, &r->rpos);
	if (r->utf16)
		r->enc = CSV_ENC_UTF8;   /* what the parser sees */
}

/* fill() for a UTF-16 file: code units to UTF-8 (two raw bytes give at most
 * three, a surrogate pair's four give four, so r->dec has room).  A lone
 * surrogate or an odd last byte stops decoding there (r->dec_bad). */
static int fill_utf16(struct csv_reader *r)
{
	r->dlen = charset_utf16_decode(r->raw, r->rlen, &r->rpos, r->utf16 == 1, r->eof,
				       r->dec, &r->dec_bad);
	r->dpos = 0;
	return r->dlen > 0;
}

/* Decode as much of the raw block as possible into r->dec.  Returns 1 if
 * there are decoded bytes, 0 at the end, or a KERR code. */
/*
 * Survey tools' "Excel" downloads that are text, not a workbook: the Excel
 * 2003 XML spreadsheet (SpreadsheetML, which SurveyXact offers beside .xlsx)
 * and an HTML table named .xls.  Read as CSV they give one column of markup
 * and every column "missing"; what they are is said instead.  A survey's
 * header line never starts with "<?xml" or "<html".
 */
static const char *markup_sheet(const char *s, size_t n)
{
	static const char ns[] = "urn:schemas-microsoft-com:office:spreadsheet";
	size_t i = 0, k;

	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	s += i;
	n -= i;
	if (n >= 5 && !strncasecmp(s, "<?xml", 5))
		for (k = 0; k + sizeof(ns) - 1 <= n; k++)
			if (s[k] == 'u' && !memcmp(s + k, ns, sizeof(ns) - 1))
				return "an Excel 2003 XML spreadsheet (SpreadsheetML)";
	if ((n >= 5 && !strncasecmp(s, "<html", 5)) || (n >= 14 && !strncasecmp(s, "<!doctype html", 14))
	    || (n >= 6 && !strncasecmp(s, "<table", 6)))
		return "a web page (an HTML table saved under an Excel name)";
	return NULL;
}

static int fill(struct csv_reader *r, struct kerr *e)
{
	size_t i, o = 0;

	if (r->dec_bad && r->utf16) {
		kerr_set(e, KERR_ENCODING, "this is not valid UTF-16 (half of a character: a "
			 "lone surrogate, or an odd byte at the end of the file); the file is "
			 "damaged: export it again, best as \"CSV UTF-8\"");
		return set_err(r, e, KERR_ENCODING);
	}
	if (r->dec_bad) {
		kerr_set(e, KERR_ENCODING, "this byte is not UTF-8 although %s; save the "
			 "file as \"CSV UTF-8\", or give --encoding windows-1252 if it is an "
			 "old Excel file", r->forced_enc ? "UTF-8 was asked for"
			 : "the file started as UTF-8");
		return set_err(r, e, KERR_ENCODING);
	}
	if (r->rpos > 0) {
		memmove(r->raw, r->raw + r->rpos, r->rlen - r->rpos);
		r->rlen -= r->rpos;
		r->rpos = 0;
	}
	if (!r->eof && r->rlen < RAW_SIZE) {
		size_t got = fread(r->raw + r->rlen, 1, RAW_SIZE - r->rlen, r->fp);

		if (got == 0 && ferror(r->fp))
			return kerr_errno(e, errno ? errno : EIO, r->name, "cannot read");
		if (got == 0)
			r->eof = 1;
		r->rlen += got;
	}
	if (!r->sniffed) {
		r->sniffed = 1;
		sniff_utf16(r);
	}
	if (r->utf16) {
		int rc = fill_utf16(r);

		/* nothing decoded: a bad unit (report it), or half a pair (read on) */
		return rc || (r->eof && !r->dec_bad) ? rc : fill(r, e);
	}
	for (i = 0; i < r->rlen; i++) {
		unsigned char c;
		int n;

		/* (dec has room for three bytes per raw byte) */
		while (i + 8 <= r->rlen && !(load8(r->raw + i) & HIGHS)) {
			memcpy(r->dec + o, r->raw + i, 8);
			o += 8;
			i += 8;
		}
		if (i == r->rlen)
			break;
		c = r->raw[i];
		if (c < 0x80) {
			r->dec[o++] = (char)c;
			continue;
		}
		if (r->enc == CSV_ENC_CP1252) {
			o += put_utf8(r->dec + o, c < 0xA0 ? cp1252_high[c - 0x80] : c);
			continue;
		}
		n = utf8_seq(r->raw + i, r->rlen - i);
		if (n < 0 && !r->eof)
			break;  /* finish the sequence after the next read */
		if (n > 0) {
			memcpy(r->dec + o, r->raw + i, (size_t)n);
			o += (size_t)n;
			i += (size_t)n - 1;
			r->enc = CSV_ENC_UTF8;
			continue;
		}
		if (r->enc == CSV_ENC_AUTO) {
			r->enc = CSV_ENC_CP1252;
			o += put_utf8(r->dec + o, c < 0xA0 ? cp1252_high[c - 0x80] : c);
			continue;
		}
		r->dec_bad = 1;
		break;
	}
	r->rpos = i;
	r->dlen = o;
	r->dpos = 0;
	if (o == 0 && r->dec_bad)
		return fill(r, e);
	return o > 0;
}

/* The next decoded byte (0..255), -1 at the end, or -2 on an error. */
static int next_byte(struct csv_reader *r, struct kerr *e)
{
	if (r->dpos == r->dlen) {
		int rc = fill(r, e);

		if (rc == 0)
			return -1;
		if (rc != 1) {
			r->err = rc;
			return -2;
		}
	}
	r->col++;
	return (unsigned char)r->dec[r->dpos++];
}

/* Give back the byte just read (always possible: it is still in r->dec). */
static void unget_byte(struct csv_reader *r)
{
	r->dpos--;
	r->col--;
}

static void new_line(struct csv_reader *r)
{
	r->line++;
	r->col = 0;
}

/* If c ends a line (LF, CRLF or a lone CR), consume the rest of it, count
 * the line and return 1. */
static int eat_eol(struct csv_reader *r, int c, struct kerr *e)
{
	if (c == '\r') {
		int d = next_byte(r, e);

		if (d >= 0 && d != '\n')
			unget_byte(r);
	} else if (c != '\n')
		return 0;
	new_line(r);
	return 1;
}

static int add_byte(struct csv_reader *r, size_t field_start, int c, struct kerr *e)
{
	if (r->rec.len - field_start >= r->max_field) {
		kerr_set(e, KERR_LIMIT, "a field is longer than %zu bytes; is a quote "
			 "left open? (the limit is --max-field)", r->max_field);
		return set_err(r, e, KERR_LIMIT);
	}
	if (buf_addch(&r->rec, c))
		return kerr_set(e, KERR_NOMEM, "out of memory reading a record");
	return 0;
}

/* Copy the run of ordinary bytes that follows in the decoded block (up to a
 * quote, line break or, outside quotes, the separator) in one piece: the
 * byte-at-a-time path below is for the bytes that steer the state machine.
 * Stops at the field cap, so add_byte still reports it at the right column. */
static int add_run(struct csv_reader *r, size_t field_start, int quoted, struct kerr *e)
{
	const char *p = r->dec + r->dpos;
	char stop = quoted ? '"' : r->sep;
	size_t n = span_without(p, r->dlen - r->dpos, stop, '\n', '\r', '\r'),
		used = r->rec.len - field_start;

	if (used >= r->max_field)
		return 0;
	if (n > r->max_field - used)
		n = r->max_field - used;
	if (!n)
		return 0;
	if (buf_add(&r->rec, p, n))
		return kerr_set(e, KERR_NOMEM, "out of memory reading a record");
	r->dpos += n;
	r->col += (long)n;
	return 0;
}

static int end_field(struct csv_reader *r, size_t start, struct kerr *e)
{
	if (r->nf == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 16;
		size_t *off, *lens;
		const char **fields;

		if (cap > MAX_FIELDS) {
			kerr_set(e, KERR_LIMIT, "a record has more than %d fields", MAX_FIELDS);
			return set_err(r, e, KERR_LIMIT);
		}
		off = realloc(r->off, cap * sizeof(*off));
		if (off)
			r->off = off;
		lens = realloc(r->lens, cap * sizeof(*lens));
		if (lens)
			r->lens = lens;
		fields = realloc(r->fields, cap * sizeof(*fields));
		if (fields)
			r->fields = fields;
		if (!off || !lens || !fields)
			return kerr_set(e, KERR_NOMEM, "out of memory reading a record");
		r->fcap = cap;
	}
	r->off[r->nf] = start;
	r->lens[r->nf] = r->rec.len - start;
	r->nf++;
	if (buf_addch(&r->rec, '\0'))
		return kerr_set(e, KERR_NOMEM, "out of memory reading a record");
	return 0;
}

/* Read a quoted field's body, after its opening quote; then whatever follows
 * the closing quote up to the separator (kept, as Python's csv module does). */
static int read_quoted(struct csv_reader *r, size_t start, long start_line, int *last,
		       struct kerr *e)
{
	int c, rc;

	for (;;) {
		c = next_byte(r, e);
		if (c == -2)
			return r->err;
		if (c == -1) {
			kerr_set(e, KERR_SYNTAX, "the quoted field that starts on line %ld "
				 "is never closed", start_line);
			return set_err(r, e, KERR_SYNTAX);
		}
		if (c == '"') {
			c = next_byte(r, e);
			if (c == '"') {
				if ((rc = add_byte(r, start, '"', e)))
					return rc;
				continue;
			}
			break;
		}
		if (eat_eol(r, c, e))
			c = '\n';
		if ((rc = add_byte(r, start, c, e)) || (rc = add_run(r, start, 1, e)))
			return rc;
	}
	while (c >= 0 && c != r->sep && c != '\r' && c != '\n') {
		if ((rc = add_byte(r, start, c, e)))
			return rc;
		c = next_byte(r, e);
	}
	*last = c;
	return c == -2 ? r->err : 0;
}

/* One record into r->rec.  Returns 1, 0 at the end, or a KERR code. */
static int read_record(struct csv_reader *r, long *start_line, struct kerr *e)
{
	int c, rc;
	size_t start;

	buf_reset(&r->rec);
	r->nf = 0;
	for (;;) {  /* skip empty lines */
		c = next_byte(r, e);
		if (c == -2)
			return r->err;
		if (c == -1)
			return 0;
		if (!eat_eol(r, c, e))
			break;
	}
	*start_line = r->line;
	unget_byte(r);
	for (;;) {
		start = r->rec.len;
		c = next_byte(r, e);
		if (c == '"') {
			if ((rc = read_quoted(r, start, *start_line, &c, e)))
				return rc;
		} else {
			while (c >= 0 && c != r->sep && c != '\r' && c != '\n') {
				if ((rc = add_byte(r, start, c, e)) || (rc = add_run(r, start, 0, e)))
					return rc;
				c = next_byte(r, e);
			}
		}
		if (c == -2)
			return r->err;
		if ((rc = end_field(r, start, e)))
			return rc;
		if (c == r->sep)
			continue;
		eat_eol(r, c, e);
		return 1;
	}
}

/* Pick the separator that occurs most often, outside quotes, in the header
 * line at the start of the decoded block. */
static char detect_sep(const char *s, size_t n)
{
	size_t semi = 0, comma = 0, tab = 0, i;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == '\n' || s[i] == '\r')
			break;
		else if (s[i] == ';')
			semi++;
		else if (s[i] == ',')
			comma++;
		else if (s[i] == '\t')
			tab++;
	}
	if (semi >= comma && semi >= tab && semi > 0)
		return ';';
	if (tab >= comma && tab > 0)
		return '\t';
	return ',';
}

/*
 * UTF-32, with a byte-order mark or without one (told by the zero bytes of
 * ASCII text in it): read as 8-bit text it would give a column "i" and a
 * misleading "no column" error.  (UTF-16 is read: sniff_utf16, which leaves
 * UTF-32 alone.)  The text for the message, or NULL.
 */
static const char *wide_encoding(const unsigned char *p, size_t n)
{
	if (n < 4)
		return NULL;
	if (!memcmp(p, "\xFF\xFE\0\0", 4))
		return "UTF-32 (little-endian, with a byte-order mark)";
	if (!memcmp(p, "\0\0\xFE\xFF", 4))
		return "UTF-32 (big-endian, with a byte-order mark)";
	if (p[0] && !p[1] && !p[2] && !p[3])
		return "UTF-32 (little-endian, without a byte-order mark)";
	if (!p[0] && !p[1] && !p[2] && p[3])
		return "UTF-32 (big-endian, without a byte-order mark)";
	return NULL;
}

/* Rows above the header that are a title ("SOF-undersøgelsen;;;;;") are
 * skipped when a row with two or more fields follows within this many. */
#define TITLE_LINES 10

/* One record of s[0..n) with separator sep, looked at without being read:
 * its field count, non-empty fields, whether the first is non-empty, its
 * line ends.  Returns the offset after it, or 0 if it does not end within
 * s (the caller then decides nothing). */
static size_t peek_record(const char *s, size_t n, int at_eof, char sep, size_t *nf,
			  size_t *full, int *first, long *lines)
{
	size_t i = 0, len = 0;
	int quoted = 0;

	*nf = 1, *full = 0, *first = 0, *lines = 0;
	for (;; i++) {
		char c = i < n ? s[i] : '\n';

		if (i == n && !at_eof)
			return 0;
		if (quoted) {
			if (c == '"' && i + 1 < n && s[i + 1] == '"')
				i++, len++;
			else if (c == '"')
				quoted = 0;
			else {
				len++;
				*lines += c == '\n' || (c == '\r' && !(i + 1 < n && s[i + 1] == '\n'));
			}
			continue;
		}
		if (c == '"') {
			quoted = 1;
			continue;
		}
		if (c != sep && c != '\n' && c != '\r') {
			len += c != ' ';
			continue;
		}
		if (len) {
			++*full;
			*first |= *nf == 1;
		}
		len = 0;
		if (c == sep) {
			++*nf;
			continue;
		}
		++*lines;
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		return i == n ? n : i + 1;
	}
}

/*
 * A report exported from Excel as CSV may have a title (and a note or an
 * empty row) above the header: "SOF-undersøgelsen;;;;;".  The first line is
 * such a title when it has separators and only its first field filled; the
 * header is then the first line within TITLE_LINES with two or more fields
 * filled, and the lines above it are skipped (line numbers still count
 * them).  Looked at in the first decoded block only; a file whose header
 * really has one named column ("Svar;") has no such line below it and is
 * left alone, and so are row-name columns with an empty first name
 * (";Svar", as R and pandas write them).
 */
static void skip_title_lines(struct csv_reader *r)
{
	const char *s = r->dec + r->dpos;
	size_t n = r->dlen - r->dpos, at = 0, nf, full, step;
	char sep = r->sep ? r->sep : detect_sep(s, n);
	int first, eof = r->eof && r->rpos == r->rlen;
	long lines = 0, l;

	step = peek_record(s, n, eof, sep, &nf, &full, &first, &l);
	if (!step || nf < 2 || full != 1 || !first)
		return;
	for (int k = 0; k < TITLE_LINES && step; k++) {
		at += step;
		lines += l;
		step = peek_record(s + at, n - at, eof, sep, &nf, &full, &first, &l);
		if (step && full >= 2) {
			r->dpos += at;
			r->line += lines;
			return;
		}
	}
}

/*
 * Qualtrics writes three header rows: the column names, the question texts,
 * and {"ImportId":"QID1_TEXT"} for every column.  Read as data they would be
 * two respondents with an id of "Response ID" and a wave of the question's
 * wording.  Both rows are skipped when every filled field of the third is an
 * ImportId (looked at in the first decoded block only).
 */
static void skip_qualtrics_rows(struct csv_reader *r)
{
	const char *s = r->dec + r->dpos, *p;
	size_t n = r->dlen - r->dpos, a, b, nf, full, ids = 0;
	int first, eof = r->eof && r->rpos == r->rlen;
	long l1, l2;

	if (!(a = peek_record(s, n, eof, r->sep, &nf, &full, &first, &l1))
	    || !(b = peek_record(s + a, n - a, eof, r->sep, &nf, &full, &first, &l2)) || !full)
		return;
	for (p = s + a; p + 8 <= s + a + b; p++)
		ids += !memcmp(p, "ImportId", 8);
	if (ids != full)
		return;
	r->dpos += a + b;
	r->line += l1 + l2;
}

static int start_reader(struct csv_reader *r, struct kerr *e)
{
	int rc = fill(r, e);
	long line;

	if (rc < 0 || rc > 1)
		return rc;
	{
		const char *wide = wide_encoding((const unsigned char *)r->raw, r->rlen);

		if (wide) {
			kerr_set(e, KERR_ENCODING, "the file is %s; save it as \"CSV UTF-8\" instead",
				 wide);
			return set_err(r, e, KERR_ENCODING);
		}
	}
	/* .xlsx (a zip) and .xls (OLE2) are the likeliest wrong files: read as
	 * Windows-1252 they would give one garbage column and no error.  (A
	 * survey in either is read by table.h; this is a file that must be CSV,
	 * such as a decisions file.) */
	if (r->rlen >= 4 && (!memcmp(r->raw, "PK\x03\x04", 4) ||
			     !memcmp(r->raw, "\xD0\xCF\x11\xE0", 4))) {
		kerr_set(e, KERR_SYNTAX, "this is an Excel workbook, not a CSV file; "
			 "in Excel, save it as \"CSV UTF-8\" and give koder that file");
		return set_err(r, e, KERR_SYNTAX);
	}
	{
		const char *what = markup_sheet(r->dec, r->dlen);

		if (what) {
			kerr_set(e, KERR_SYNTAX, "this is %s, not a CSV file; open it in Excel, "
				 "save it as \"Excel Workbook (.xlsx)\" or \"CSV UTF-8\" and give "
				 "koder that file", what);
			return set_err(r, e, KERR_SYNTAX);
		}
	}
	if (r->dlen >= 3 && !memcmp(r->dec, "\xEF\xBB\xBF", 3)) {
		r->bom = 1;
		r->dpos = 3;
		if (!r->forced_enc)
			r->enc = CSV_ENC_UTF8;
	}
	skip_title_lines(r);
	if (!r->sep)
		r->sep = detect_sep(r->dec + r->dpos, r->dlen - r->dpos);
	rc = read_record(r, &line, e);
	if (rc == 0) {
		kerr_set(e, KERR_SYNTAX, "the file is empty: expected a header line "
			 "with the column names");
		return set_err(r, e, KERR_SYNTAX);
	}
	if (rc != 1)
		return rc;
	r->nh = r->nf;
	r->hdr_data = malloc(r->rec.len + 1);
	r->hdr = malloc(r->nh * sizeof(*r->hdr));
	r->hdr_len = malloc(r->nh * sizeof(*r->hdr_len));
	if (!r->hdr_data || !r->hdr || !r->hdr_len)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	memcpy(r->hdr_data, r->rec.data, r->rec.len + 1);
	for (size_t i = 0; i < r->nh; i++) {
		r->hdr[i] = r->hdr_data + r->off[i];
		r->hdr_len[i] = r->lens[i];
		/* a name is compared as a C string: "te\0xt" would be "te" */
		if (memchr(r->hdr[i], '\0', r->hdr_len[i])) {
			kerr_set(e, KERR_SYNTAX, "a NUL byte in the name of column %zu (\"%.60s\" before "
				 "it): the file is damaged or not a text file", i + 1, r->hdr[i]);
			kerr_at(e, r->name, 1, 0);
			return KERR_SYNTAX;
		}
	}
	skip_qualtrics_rows(r);
	return 0;
}

int csv_open(struct csv_reader **out, FILE *fp, const char *name,
	     const struct csv_opts *opts, struct kerr *e)
{
	struct csv_reader *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->dec = malloc(RAW_SIZE * 3))) {
		free(r);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	r->fp = fp;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	r->line = 1;
	buf_init(&r->rec, 0);
	r->max_field = CSV_DEFAULT_MAX_FIELD;
	if (opts) {
		r->sep = opts->sep;
		r->enc = opts->encoding;
		r->forced_enc = opts->encoding != CSV_ENC_AUTO;
		if (opts->max_field)
			r->max_field = opts->max_field;
		r->allow_ragged = opts->allow_ragged;
		r->unguard = opts->unguard_formulas;
	}
	rc = start_reader(r, e);
	if (rc) {
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int empty_record(const struct csv_reader *r)
{
	for (size_t i = 0; i < r->nf; i++)
		if (r->lens[i])
			return 0;
	return 1;
}

int csv_next(struct csv_reader *r, struct csv_row *row, struct kerr *e)
{
	long line = r->line;
	int rc;

	memset(row, 0, sizeof(*row));
	if (r->done)
		return CSV_END;
	/* a record of separators only (";;;;;") is a row Excel kept because
	 * it was formatted, not a respondent: skipped like an empty line */
	while ((rc = read_record(r, &line, e)) == 1 && r->nf > 1 && empty_record(r))
		;
	if (rc == 0) {
		r->done = 1;
		return CSV_END;
	}
	if (rc != 1) {
		r->done = 1;
		return -rc;
	}
	for (size_t i = 0; i < r->nf; i++) {
		r->fields[i] = r->rec.data + r->off[i];
		if (r->unguard && r->lens[i] > 1 && r->fields[i][0] == '\''
		    && csv_guard_len(r->fields[i] + 1, r->lens[i] - 1)) {
			r->fields[i]++;
			r->lens[i]--;
		}
	}
	row->n = r->nf;
	row->field = r->fields;
	row->len = r->lens;
	row->line = line;
	if (r->nf != r->nh && !r->allow_ragged) {
		kerr_set(e, KERR_SYNTAX, "this row has %zu fields but the header has %zu "
			 "(a separator or quote out of place?)", r->nf, r->nh);
		kerr_at(e, r->name, line, 0);
		return -KERR_SYNTAX;
	}
	return CSV_ROW;
}

void csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	buf_release(&r->rec);
	free(r->dec);
	free(r->off);
	free(r->lens);
	free(r->fields);
	free(r->hdr_data);
	free(r->hdr);
	free(r->hdr_len);
	free(r);
}

size_t csv_header_count(const struct csv_reader *r)
{
	return r->nh;
}

const char *csv_header_name(const struct csv_reader *r, size_t i)
{
	return i < r->nh ? r->hdr[i] : NULL;
}

char csv_sep(const struct csv_reader *r)
{
	return r->sep;
}

enum csv_encoding csv_enc(const struct csv_reader *r)
{
	return r->enc == CSV_ENC_AUTO ? CSV_ENC_UTF8 : r->enc;
}

int csv_had_bom(const struct csv_reader *r)
{
	return r->bom;
}

/* Trimmed, NFC, case-folded UTF-16 form of a column name; caller frees.
 * NULL on invalid UTF-8 or out of memory. */
static UChar *name_key(const char *s, int32_t *klen)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	int32_t n = 0, a = 0, b, m;
	UChar *u, *v = NULL, *f = NULL;

	if (U_FAILURE(st))
		return NULL;
	u_strFromUTF8(NULL, 0, &n, s, -1, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return NULL;
	st = U_ZERO_ERROR;
	u = malloc(((size_t)n + 1) * sizeof(UChar));
	if (!u)
		return NULL;
	u_strFromUTF8(u, n + 1, NULL, s, -1, &st);
	b = n;
	while (a < b && (u_isUWhiteSpace(u[a]) || u[a] == 0xFEFF))
		a++;
	while (b > a && u_isUWhiteSpace(u[b - 1]))
		b--;
	/* a run of white space inside is one space: a name copied from a web
	 * page or Word has no-break spaces ("for\u00A0implementeringen"), one
	 * typed again may have two spaces or a tab */
	{
		int32_t i = a, w = a;

		while (i < b) {
			if (u_isUWhiteSpace(u[i])) {
				while (i < b && u_isUWhiteSpace(u[i]))
					i++;
				u[w++] = ' ';
			} else
				u[w++] = u[i++];
		}
		b = w;
	}
	m = (b - a) * 3 + 1;
	v = malloc((size_t)m * sizeof(UChar));
	f = malloc((size_t)m * 2 * sizeof(UChar));
	if (!U_FAILURE(st) && v && f) {
		int32_t vn = unorm2_normalize(nfc, u + a, b - a, v, m, &st);

		*klen = u_strFoldCase(f, m * 2, v, vn, U_FOLD_CASE_DEFAULT, &st);
	}
	free(u);
	free(v);
	if (U_FAILURE(st)) {
		free(f);
		return NULL;
	}
	return f;
}

int csv_name_equal(const char *a, const char *b)
{
	int32_t la = 0, lb = 0;
	UChar *ka = name_key(a, &la), *kb = name_key(b, &lb);
	int eq = ka && kb && la == lb && !memcmp(ka, kb, (size_t)la * sizeof(UChar));

	free(ka);
	free(kb);
	return eq;
}

int csv_header_find(const struct csv_reader *r, const char *name, size_t *idx,
		    struct kerr *e)
{
	struct buf list = BUF_INIT;
	size_t i, j;

	for (i = 0; i < r->nh; i++)
		if (csv_name_equal(r->hdr[i], name)) {
			/* two columns answering to one name: taking the first could
			 * count the wrong question */
			for (j = i + 1; j < r->nh; j++)
				if (csv_name_equal(r->hdr[j], name)) {
					kerr_set(e, KERR_SCHEMA, "columns %zu (\"%s\") and %zu (\"%s\") "
						 "both answer to \"%s\"; rename one of them", i + 1,
						 r->hdr[i], j + 1, r->hdr[j], name);
					kerr_at(e, r->name, 1, 0);
					kerr_path(e, "%s", name);
					return KERR_SCHEMA;
				}
			*idx = i;
			return 0;
		}
	for (i = 0; i < r->nh; i++)
		buf_addf(&list, "%s\"%s\"", i ? ", " : "", r->hdr[i]);
	kerr_set(e, KERR_NOTFOUND, "no column \"%s\"; the columns are: %s", name, list.data);
	kerr_at(e, r->name, 1, 0);
	kerr_path(e, "%s", name);
	buf_release(&list);
	return KERR_NOTFOUND;
}

/* A plain number as a spreadsheet reads one: [+-]digits[.,digits][e[+-]digits]
 * ("-5", "+3.2", "1e-3").  It starts with - or + but is no formula. */
static int plain_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && (s[i] == '.' || s[i] == ','))
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t d = 0;

		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
		if (!d)
			return 0;
	}
	return i == len;
}

size_t csv_guard_len(const char *s, size_t len)
{
	size_t i = 0;

	/* Apostrophes already in front count as part of the cell: "'=1" gets a
	 * second one, so that import's stripping exactly one is a true inverse. */
	while (i < len && s[i] == '\'')
		i++;
	/* LF too: the reader turns a quoted CR into LF, so a cell that began
	 * with CR must still carry its apostrophe when read back */
	if (i == len || !strchr("=+-@\t\r\n", s[i]) || plain_number(s + i, len - i))
		return 0;
	return 1;
}

/* Must field s[0..len) be quoted (see csv_write_field)? */
static int needs_quote(const char *s, size_t len, char sep)
{
	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		return 1;
	return span_without(s, len, sep, '"', '\n', '\r') < len;
}

int csv_add_field(struct buf *b, const char *s, size_t len, char sep)
{
	const char *q;
	int rc = 0;

	if (!needs_quote(s, len, sep))
		return (csv_guard_len(s, len) && buf_addch(b, '\'')) || buf_add(b, s, len)
			? KERR_NOMEM : 0;
	rc |= buf_addch(b, '"');
	if (csv_guard_len(s, len))
		rc |= buf_addch(b, '\'');
	while (!rc && (q = memchr(s, '"', len))) {
		rc |= buf_add(b, s, (size_t)(q - s) + 1);
		rc |= buf_addch(b, '"');
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	rc |= buf_add(b, s, len);
	rc |= buf_addch(b, '"');
	return rc ? KERR_NOMEM : 0;
}

int csv_write_field(FILE *fp, const char *s, size_t len, char sep)
{
	int quote = needs_quote(s, len, sep);
	size_t i;

	if (!quote) {
		if (csv_guard_len(s, len))
			putc('\'', fp);
		fwrite(s, 1, len, fp);
	} else {
		putc('"', fp);
		if (csv_guard_len(s, len))
			putc('\'', fp);
		for (i = 0; i < len; i++) {
			if (s[i] == '"')
				putc('"', fp);
			putc(s[i], fp);
		}
		putc('"', fp);
	}
	return ferror(fp) ? KERR_IO : 0;
}

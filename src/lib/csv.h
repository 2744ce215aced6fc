/*
 * csv.h - reading survey exports (RFC 4180 CSV as survey platforms and Excel
 * write them) and writing CSV fields.
 *
 * Why its own module: every command that reads answers (code, tally, review
 * --import) meets the same files: separator `;` (Danish Excel), `,` or tab;
 * UTF-8 with or without a byte-order mark, or Windows-1252 from an old Excel;
 * CRLF or LF line ends; quoted fields holding separators, doubled quotes and
 * line breaks.  The reader detects all of that once and hands out rows of
 * UTF-8 fields.
 *
 * Streaming: the reader keeps one input block, one decoded block and the
 * current record, so memory does not grow with the number of rows.  A field
 * longer than `max_field` bytes stops the reader with KERR_LIMIT rather than
 * swallowing memory (an unclosed quote in a 2 GB file looks like that).
 *
 * Encoding detection: a byte-order mark means UTF-8; otherwise the reader
 * decides at the first non-ASCII byte: a valid UTF-8 sequence means UTF-8,
 * anything else means Windows-1252 (which every byte is), converted to UTF-8.
 * If the file later turns out not to be UTF-8 after all, csv_next fails with
 * KERR_ENCODING and the line, and the user can force --encoding.  UTF-16
 * (Excel's "Unicode text": little-endian with a byte-order mark, tabs; also
 * big-endian, or without the mark, told by the zero bytes of ASCII text) is
 * decoded to UTF-8 whatever --encoding says; UTF-32 is refused with a
 * message saying so.
 *
 * Line breaks: CRLF, LF and a lone CR all end a record; inside a quoted field
 * CRLF and CR become LF, so answer text always uses "\n".  Entirely empty
 * lines are skipped, and so are records of separators only (";;;;", a
 * formatted empty row Excel writes out).  A first line that is a title (only
 * its first field filled, "Rapport;;;;") is skipped with what follows up to
 * the first line of two or more filled fields, within ten lines: that is
 * the header.  Qualtrics' second and third header rows (question texts, and
 * {"ImportId":...} in every column) are skipped.  The first record is the header.
 *
 * Ownership: csv_open returns a reader the caller frees with csv_close (which
 * does not close the FILE: the caller opened it).  Row fields and header names
 * point into the reader: fields are valid until the next csv_next, header
 * names until csv_close.  Nothing returned needs freeing on its own.
 */
#ifndef KODER_CSV_H
#define KODER_CSV_H

#include <stddef.h>
#include <stdio.h>

struct buf;

struct kerr;
struct csv_reader;

enum csv_encoding {
	CSV_ENC_AUTO = 0,   /* detect (BOM, else first non-ASCII byte) */
	CSV_ENC_UTF8,
	CSV_ENC_CP1252
};

#define CSV_DEFAULT_MAX_FIELD ((size_t)16 << 20)  /* 16 MB */
/* The most --max-field may ask for: a field is held whole in memory, and
 * normalizing and matching it cost a few times its size (SECURITY.md) */
#define CSV_MAX_MAX_FIELD ((size_t)256 << 20)     /* 256 MB */

struct csv_opts {
	char sep;                  /* 0 = detect from the header line; else ';' ',' '\t' ... */
	enum csv_encoding encoding;/* CSV_ENC_AUTO to detect */
	size_t max_field;          /* bytes per field, 0 = CSV_DEFAULT_MAX_FIELD */
	int allow_ragged;          /* 1: rows with another field count are returned as-is */
	int unguard_formulas;      /* 1: undo csv_add_field's formula guard: a field
				    * "'"+X where csv_guard_len(X) is 1 reads as X */
};

struct csv_row {
	size_t n;                  /* number of fields */
	const char *const *field;  /* n NUL-terminated UTF-8 strings (may hold no NUL of their own) */
	const size_t *len;         /* their lengths in bytes */
	long line;                 /* line on which the record starts (1 = header) */
};

/* csv_next results; errors are negated enum kerr_code values. */
enum { CSV_END = 0, CSV_ROW = 1 };

/*
 * Start reading `fp` (`name` is used in error messages; may be NULL).
 * Detects the encoding and the separator (unless `opts` forces them; opts may
 * be NULL for all defaults) and reads the header record.  On success *out is
 * a reader the caller frees with csv_close; returns 0, or KERR_IO,
 * KERR_ENCODING, KERR_SYNTAX (empty file: no header), KERR_LIMIT, KERR_NOMEM
 * with *out = NULL and `e` filled.
 */
int csv_open(struct csv_reader **out, FILE *fp, const char *name,
	     const struct csv_opts *opts, struct kerr *e);

/*
 * Read the next record into `row`.  Returns CSV_ROW (1) with `row` filled,
 * CSV_END (0) at the end of the file, or a negative -KERR_* code with `e`
 * filled (file, line, column).  A ragged row (field count differs from the
 * header, unless opts.allow_ragged) returns -KERR_SYNTAX with the row still
 * filled, and reading may go on; after any other error the reader is done.
 * Row pointers stay valid until the next call or csv_close.
 */
int csv_next(struct csv_reader *r, struct csv_row *row, struct kerr *e);

/* Free the reader (not the FILE).  NULL is fine. */
void csv_close(struct csv_reader *r);

/* The header: number of columns, and name i exactly as in the file. */
size_t csv_header_count(const struct csv_reader *r);
const char *csv_header_name(const struct csv_reader *r, size_t i);

/*
 * Find column `name` in the header: case-insensitive (Unicode case folding,
 * so "MÅLING" finds "Måling"), ignoring surrounding white space, composed and
 * decomposed letters alike.  Returns 0 with *idx set, or KERR_NOTFOUND with a
 * message listing the columns that exist (path = the name asked for), or
 * KERR_SCHEMA when two columns answer to the name.
 */
int csv_header_find(const struct csv_reader *r, const char *name, size_t *idx,
		    struct kerr *e);

/* Detected (or forced) separator and encoding, for messages and tests. */
char csv_sep(const struct csv_reader *r);
enum csv_encoding csv_enc(const struct csv_reader *r);
int csv_had_bom(const struct csv_reader *r);

/*
 * Compare two column names the way csv_header_find does.  Returns 1 if they
 * name the same column.  Exposed for corpus descriptors and tests.
 */
int csv_name_equal(const char *a, const char *b);

/*
 * Formula guard (OWASP "CSV injection"): a spreadsheet runs a cell that
 * starts with = + - @ tab or CR as a formula (=HYPERLINK(...) in an answer
 * would run when the file is opened in Excel).  csv_guard_len returns 1 when
 * s[0..len) needs a leading apostrophe (LF counts with CR, as the reader
 * turns one into the other), which Excel and LibreOffice show as
 * text and do not display: a cell starting with one of those characters,
 * after any apostrophes already there, that is not a plain number ("-5",
 * "+3.2", "1,5e3" stay as they are).  Counting the apostrophes already there
 * makes the guard reversible: reading with csv_opts.unguard_formulas strips
 * exactly the one apostrophe it added, so export then import changes nothing.
 */
size_t csv_guard_len(const char *s, size_t len);

/*
 * Write one field with minimal quoting: quoted (with doubled quotes) only if
 * it holds `sep`, a quote, CR or LF, or starts or ends with a space; with the
 * formula guard's apostrophe in front when csv_guard_len says so.  Every CSV
 * koder writes goes through this or csv_add_field.  Writes no separator or
 * line end: the caller does.  Returns 0 or KERR_IO.
 */
int csv_write_field(FILE *fp, const char *s, size_t len, char sep);
/* The same appended to b, for a caller that writes a row at once.  Returns
 * 0 or KERR_NOMEM. */
int csv_add_field(struct buf *b, const char *s, size_t len, char sep);

#endif

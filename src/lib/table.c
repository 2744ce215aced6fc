/*
 * table.c - survey files as tables (see table.h).
 *
 * Three back ends behind one row interface:
 *  - CSV: csv.h's streaming reader, unchanged;
 *  - .sav/.zsav/.dta: libreadstat.  readstat pushes cells through callbacks
 *    and has no "give me the next row", so the parse runs in its own thread
 *    and fills blocks of rows; two blocks alternate between the parser and
 *    the caller, so memory stays at two blocks however long the file is and
 *    the caller never waits per row;
 *  - .xlsx: libzip opens the archive, libxml2's streaming reader walks the
 *    sheet (shared strings are loaded first, as every cell may point there);
 *  - .xls: xls.h reads the sheet whole (FreeXL, in a child process); from
 *    the row on, the .xlsx code reads it (x_row asks xl_row), so title
 *    rows, the header and blank rows are found the same way in both.
 */
#include "table.h"
#include "buf.h"
#include "error.h"
#include "xls.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readstat.h>
#include <zip.h>
#include <libxml/xmlreader.h>

#define BLOCK_CELLS 65536     /* cells per block: rows = this / columns */
#define BLOCK_BYTES ((size_t)1 << 20)

struct vlabel {
	double num;           /* numeric key (numeric label sets) */
	char *str;            /* string key, or NULL */
	char *code;           /* the key as text ("1", "a") */
	char *label;
};

struct lset {
	char *name;
	struct vlabel *v;
	size_t n, cap;
};

struct column {
	char *name;
	char *label;          /* NULL if none */
	int numeric;
	char *lset_name;      /* readstat: the label set's name, until resolved */
	struct lset *ls;      /* resolved label set, or NULL */
};

/* A block of rows: cells as NUL-terminated strings in one buffer. */
struct block {
	struct buf data;
	size_t *off;          /* nrows * ncols offsets into data */
	size_t nrows;
	int filled;           /* 1: the parser has handed it over */
};

struct table {
	enum table_format fmt;
	char *path;
	struct column *col;
	size_t ncols;
	/* the current row handed out */
	const char **cells;
	size_t *lens;
	/* CSV */
	FILE *fp;
	struct csv_reader *csv;
	/* readstat */
	pthread_t thread;
	int have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block blk[2];
	int pb, cb;           /* parser's and caller's block */
	size_t crow;          /* caller's next row in blk[cb] */
	int header_ready, parse_done, abort;
	int parse_rc;
	char parse_msg[512];
	struct lset *sets;
	size_t nsets, setcap;
	long rows_done;
	int row_started;      /* the parser has cells of an unfinished row */
	size_t block_rows;
	char numbuf[64];
	/* xlsx */
	zip_t *zip;
	zip_file_t *zf;
	xmlTextReaderPtr xr;
	char **sst;
	size_t nsst;
	unsigned char *xfpad; /* per cell style: digits a "0000" number format pads to */
	size_t nxf;
	struct buf rowbuf;
	size_t *rowoff;
	size_t rowcap;
	long xrow;
	long hrow;            /* the header's row */
	char *sheet;          /* the sheet's name, for messages */
	char *sheets;         /* every sheet's name, quoted and joined */
	char *sheet_list;     /* the same, each ending in a NUL */
	size_t nsheets;
	char *part;           /* its part in the archive */
	int xsheet;           /* Excel 2003 XML: the worksheet's position (0: the first) */
	int book_loaded;      /* .xlsx: the shared strings and styles are loaded */
	struct buf spread;    /* the wanted columns found only on several sheets: which where */
	int nspread;          /* sheets with some of them */
	int xdone;
	int first_done;       /* a data row has been handed out */
	int empty_ok;         /* table_opts' */
	/* xls */
	struct xls_sheet xls;
	size_t xlpos;         /* the next row (xls_row) */
};

/* Rows above the header that hold one cell, in column A (a title, a date,
 * a note), are skipped when a row with two or more cells follows within
 * this many rows: a survey has at least an id and an answer column. */
#define TITLE_ROWS 10

/* ---------- small helpers ---------- */

static char *xstrdup(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *d = malloc(n + 1);

	if (d)
		memcpy(d, s ? s : "", n + 1);
	return d;
}

/* Shortest text that reads back as the same double ("3", "2.5"). */
static void fmt_num(char *out, size_t n, double v)
{
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, n, "%.0f", v);
		return;
	}
	for (int p = 15; p <= 17; p++) {
		snprintf(out, n, "%.*g", p, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static size_t rtrim_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

const char *table_format_name(enum table_format f)
{
	switch (f) {
	case TABLE_SAV: return "SPSS .sav";
	case TABLE_ZSAV: return "SPSS .zsav";
	case TABLE_DTA: return "Stata .dta";
	case TABLE_XLSX: return "Excel .xlsx";
	case TABLE_XLS: return "Excel 97-2003 .xls";
	case TABLE_XMLSS: return "Excel 2003 XML";
	default: return "CSV";
	}
}

/* An Excel sheet (.xlsx, .xls or Excel 2003 XML): a header that may be lower
 * than row 1. */
static int is_sheet(const struct table *t)
{
	return t->fmt == TABLE_XLSX || t->fmt == TABLE_XLS || t->fmt == TABLE_XMLSS;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcasecmp(s + a - b, suf);
}

enum table_format table_sniff(const char *path, const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "$FL2", 4))
		return TABLE_SAV;
	if (n >= 4 && !memcmp(h, "$FL3", 4))
		return TABLE_ZSAV;
	if (n >= 11 && !memcmp(h, "<stata_dta>", 11))
		return TABLE_DTA;
	/* old (pre-117) .dta: a version byte 0x66..0x73, byte order 1 or 2,
	 * filetype 1; only trusted with the extension, as CSV could start so */
	if (n >= 4 && h[0] >= 0x66 && h[0] <= 0x73 && (h[1] == 1 || h[1] == 2) && h[2] == 1
	    && path && ends_with(path, ".dta"))
		return TABLE_DTA;
	if (n >= 4 && !memcmp(h, "PK\x03\x04", 4))
		return TABLE_XLSX;
	/* an OLE2 compound file: an .xls, or another Office file FreeXL refuses */
	if (n >= 8 && !memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		return TABLE_XLS;
	return TABLE_CSV;
}

#define XMLSS_NS "urn:schemas-microsoft-com:office:spreadsheet"

/*
 * Whether fp, from where it stands (left there), holds an Excel 2003 XML
 * spreadsheet: "<?xml" (after a byte-order mark and blanks) and the
 * SpreadsheetML namespace within the first 4 KiB.  Survey tools still offer
 * it ("Excel (XML)"); the extension is no help (.xml, or .xls).
 */
static int xmlss_file(FILE *fp)
{
	char b[4096];
	long pos = ftell(fp);
	size_t n, i = 0;
	int yes = 0;

	if (pos < 0)
		return 0;
	n = fread(b, 1, sizeof(b), fp);
	if (fseek(fp, pos, SEEK_SET))
		return 0;
	if (n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (n - i >= 5 && !memcmp(b + i, "<?xml", 5))
		for (; !yes && i + sizeof(XMLSS_NS) - 1 <= n; i++)
			yes = b[i] == 'u' && !memcmp(b + i, XMLSS_NS, sizeof(XMLSS_NS) - 1);
	return yes;
}

/* ---------- readstat back end (parser thread) ---------- */

static struct lset *lset_get(struct table *t, const char *name, int create)
{
	size_t i;

	for (i = 0; i < t->nsets; i++)
		if (!strcmp(t->sets[i].name, name))
			return &t->sets[i];
	if (!create)
		return NULL;
	if (t->nsets == t->setcap) {
		size_t cap = t->setcap ? t->setcap * 2 : 8;
		struct lset *s = realloc(t->sets, cap * sizeof(*s));

		if (!s)
			return NULL;
		t->sets = s;
		t->setcap = cap;
	}
	memset(&t->sets[t->nsets], 0, sizeof(t->sets[0]));
	if (!(t->sets[t->nsets].name = xstrdup(name)))
		return NULL;
	return &t->sets[t->nsets++];
}

static void fail_parse(struct table *t, int code, const char *msg)
{
	if (!t->parse_rc) {
		t->parse_rc = code;
		snprintf(t->parse_msg, sizeof(t->parse_msg), "%s", msg);
	}
}

static int rs_metadata(readstat_metadata_t *m, void *ctx)
{
	struct table *t = ctx;
	int n = readstat_get_var_count(m);

	if (n <= 0) {
		fail_parse(t, KERR_SYNTAX, "the file has no variables");
		return READSTAT_HANDLER_ABORT;
	}
	t->col = calloc((size_t)n, sizeof(*t->col));
	if (!t->col) {
		fail_parse(t, KERR_NOMEM, "out of memory");
		return READSTAT_HANDLER_ABORT;
	}
	t->ncols = (size_t)n;
	return READSTAT_HANDLER_OK;
}

static int rs_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	struct table *t = ctx;
	struct column *c;
	const char *label = readstat_variable_get_label(v);

	if (index < 0 || (size_t)index >= t->ncols) {
		fail_parse(t, KERR_SYNTAX, "more variables than the header declares");
		return READSTAT_HANDLER_ABORT;
	}
	c = &t->col[index];
	c->name = xstrdup(readstat_variable_get_name(v));
	c->label = label && *label ? xstrdup(label) : NULL;
	c->numeric = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_NUMERIC;
	c->lset_name = val_labels && *val_labels ? xstrdup(val_labels) : NULL;
	if (!c->name || (label && *label && !c->label)
	    || (val_labels && *val_labels && !c->lset_name)) {
		fail_parse(t, KERR_NOMEM, "out of memory");
		return READSTAT_HANDLER_ABORT;
	}
	return READSTAT_HANDLER_OK;
}

/* The second pass over a .dta: the variables are known already. */
static int rs_variable_again(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	(void)index;
	(void)v;
	(void)val_labels;
	(void)ctx;
	return READSTAT_HANDLER_OK;
}

static int rs_value_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
	struct table *t = ctx;
	struct lset *s = lset_get(t, set, 1);
	struct vlabel *l;
	char code[64];

	if (!s)
		goto oom;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct vlabel *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			goto oom;
		s->v = v;
		s->cap = cap;
	}
	l = &s->v[s->n];
	memset(l, 0, sizeof(*l));
	if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
		const char *k = readstat_string_value(value);

		if (!(l->str = xstrdup(k)))
			goto oom;
		l->str[rtrim_len(l->str)] = 0;
		l->code = xstrdup(l->str);
	} else {
		if (readstat_value_is_tagged_missing(value))
			return READSTAT_HANDLER_OK;    /* Stata .a labels: the cell is missing anyway */
		l->num = readstat_double_value(value);
		if (readstat_value_type(value) == READSTAT_TYPE_INT32)
			l->num = readstat_int32_value(value);
		else if (readstat_value_type(value) == READSTAT_TYPE_INT16)
			l->num = readstat_int16_value(value);
		else if (readstat_value_type(value) == READSTAT_TYPE_INT8)
			l->num = readstat_int8_value(value);
		else if (readstat_value_type(value) == READSTAT_TYPE_FLOAT)
			l->num = readstat_float_value(value);
		fmt_num(code, sizeof(code), l->num);
		l->code = xstrdup(code);
	}
	l->label = xstrdup(label);
	if (!l->code || !l->label) {
		free(l->str);
		free(l->code);
		free(l->label);
		goto oom;
	}
	l->label[rtrim_len(l->label)] = 0;
	s->n++;
	return READSTAT_HANDLER_OK;
oom:
	fail_parse(t, KERR_NOMEM, "out of memory");
	return READSTAT_HANDLER_ABORT;
}

/* The parser announces the header (all variables and labels are known by the
 * first value, or at the end for an empty file). */
static void announce_header(struct table *t)
{
	size_t i;

	if (t->header_ready)
		return;
	for (i = 0; i < t->ncols; i++)
		if (t->col[i].lset_name)
			t->col[i].ls = lset_get(t, t->col[i].lset_name, 0);
	t->block_rows = t->ncols ? BLOCK_CELLS / t->ncols : 1;
	if (t->block_rows < 1)
		t->block_rows = 1;
	if (t->block_rows > 1024)
		t->block_rows = 1024;
	pthread_mutex_lock(&t->mu);
	t->header_ready = 1;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

/* Hand the parser's block to the caller and wait for the other one to be
 * free.  Returns 0, or 1 when the caller has gone (abort). */
static int hand_over(struct table *t)
{
	int ab;

	pthread_mutex_lock(&t->mu);
	t->blk[t->pb].filled = 1;
	pthread_cond_broadcast(&t->cv);
	t->pb ^= 1;
	while (t->blk[t->pb].filled && !t->abort)
		pthread_cond_wait(&t->cv, &t->mu);
	ab = t->abort;
	pthread_mutex_unlock(&t->mu);
	if (!ab) {
		buf_reset(&t->blk[t->pb].data);
		t->blk[t->pb].nrows = 0;
	}
	return ab;
}

static const char *label_of(const struct column *c, double num, const char *str)
{
	size_t i;

	if (!c->ls)
		return NULL;
	for (i = 0; i < c->ls->n; i++) {
		const struct vlabel *l = &c->ls->v[i];

		if (str ? (l->str && !strcmp(l->str, str)) : (!l->str && l->num == num))
			return l->label;
	}
	return NULL;
}

/*
 * Append s[0..len) with its line breaks as LF.  Answers typed on Windows or
 * sent by a browser's text box carry CRLF, and .sav/.dta keep it; the CSV
 * reader turns a quoted CRLF (or lone CR) into LF and XML parsers do the
 * same for .xlsx, so without this one answer would differ by format, and
 * every offset after its line break with it.
 */
static int add_text(struct buf *b, const char *s, size_t len)
{
	const char *cr;

	while (len && (cr = memchr(s, '\r', len))) {
		size_t n = (size_t)(cr - s);

		if (buf_add_slow(b, s, n) || buf_addch(b, '\n'))
			return -1;
		n += 1 + (n + 1 < len && cr[1] == '\n');
		s += n;
		len -= n;
	}
	return buf_add_slow(b, s, len);
}

static int rs_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
	struct table *t = ctx;
	int idx = readstat_variable_get_index(v);
	struct block *b;
	const struct column *c;
	const char *s = "";
	size_t len;

	if (!t->header_ready)
		announce_header(t);
	if (idx < 0 || (size_t)idx >= t->ncols)
		return READSTAT_HANDLER_OK;
	(void)obs;
	b = &t->blk[t->pb];
	c = &t->col[idx];
	if (idx == 0) {
		if (!b->off) {
			b->off = malloc(t->block_rows * t->ncols * sizeof(*b->off));
			if (!b->off) {
				fail_parse(t, KERR_NOMEM, "out of memory");
				return READSTAT_HANDLER_ABORT;
			}
		}
		t->row_started = 1;
	}
	if (!readstat_value_is_missing(value, v)) {
		if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
			const char *str = readstat_string_value(value);
			const char *l;

			s = str ? str : "";
			len = rtrim_len(s);
			if (c->ls) {
				char *tmp = malloc(len + 1);

				if (!tmp) {
					fail_parse(t, KERR_NOMEM, "out of memory");
					return READSTAT_HANDLER_ABORT;
				}
				memcpy(tmp, s, len);
				tmp[len] = 0;
				l = label_of(c, 0, tmp);
				free(tmp);
				if (l)
					s = l, len = strlen(l);
			}
			goto put;
		} else {
			double d;

			switch (readstat_value_type(value)) {
			case READSTAT_TYPE_INT8: d = readstat_int8_value(value); break;
			case READSTAT_TYPE_INT16: d = readstat_int16_value(value); break;
			case READSTAT_TYPE_INT32: d = readstat_int32_value(value); break;
			case READSTAT_TYPE_FLOAT: d = readstat_float_value(value); break;
			default: d = readstat_double_value(value); break;
			}
			if (!(s = label_of(c, d, NULL))) {
				fmt_num(t->numbuf, sizeof(t->numbuf), d);
				s = t->numbuf;
			}
		}
	}
	len = strlen(s);
put:
	b->off[b->nrows * t->ncols + (size_t)idx] = b->data.len;
	if (add_text(&b->data, s, len) || buf_addch(&b->data, 0)) {
		fail_parse(t, KERR_NOMEM, "out of memory");
		return READSTAT_HANDLER_ABORT;
	}
	if ((size_t)idx == t->ncols - 1) {
		b->nrows++;
		t->row_started = 0;
		if ((b->nrows == t->block_rows || b->data.len >= BLOCK_BYTES) && hand_over(t))
			return READSTAT_HANDLER_ABORT;
	}
	return READSTAT_HANDLER_OK;
}

static void rs_error(const char *msg, void *ctx)
{
	struct table *t = ctx;
	char m[512];
	size_t n;

	snprintf(m, sizeof(m), "%s", msg);
	n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = 0;
	fail_parse(t, KERR_SYNTAX, m);
}

static void *parse_thread(void *arg)
{
	struct table *t = arg;
	readstat_parser_t *p = readstat_parser_init();
	readstat_error_t err = READSTAT_ERROR_MALLOC;

	if (p && t->fmt == TABLE_DTA) {
		/* Stata keeps its value labels after the data: a first pass reads
		 * the dictionary and the labels, the second the values */
		readstat_set_metadata_handler(p, rs_metadata);
		readstat_set_variable_handler(p, rs_variable);
		readstat_set_value_label_handler(p, rs_value_label);
		readstat_set_error_handler(p, rs_error);
		err = readstat_parse_dta(p, t->path, t);
		readstat_parser_free(p);
		p = NULL;
		if (err == READSTAT_OK && !t->parse_rc && (p = readstat_parser_init())) {
			readstat_set_variable_handler(p, rs_variable_again);
			readstat_set_value_handler(p, rs_value);
			readstat_set_error_handler(p, rs_error);
			err = readstat_parse_dta(p, t->path, t);
			readstat_parser_free(p);
		} else if (err == READSTAT_OK && !t->parse_rc)
			err = READSTAT_ERROR_MALLOC;
	} else if (p) {
		readstat_set_metadata_handler(p, rs_metadata);
		readstat_set_variable_handler(p, rs_variable);
		readstat_set_value_label_handler(p, rs_value_label);
		readstat_set_value_handler(p, rs_value);
		readstat_set_error_handler(p, rs_error);
		err = readstat_parse_sav(p, t->path, t);
		readstat_parser_free(p);
	}
	if (err != READSTAT_OK && !t->abort) {
		char m[512];

		snprintf(m, sizeof(m), "cannot read it as %s: %s", table_format_name(t->fmt),
			 readstat_error_message(err));
		fail_parse(t, err == READSTAT_ERROR_MALLOC ? KERR_NOMEM
			   : err == READSTAT_ERROR_OPEN || err == READSTAT_ERROR_READ ? KERR_IO
			   : KERR_SYNTAX, m);
	}
	if (!t->parse_rc && !t->abort && !t->ncols)
		fail_parse(t, KERR_SYNTAX, "the file has no variables");
	if (!t->header_ready && !t->parse_rc)
		announce_header(t);
	pthread_mutex_lock(&t->mu);
	if (!t->parse_rc && !t->abort && t->blk[t->pb].nrows)
		t->blk[t->pb].filled = 1;
	t->parse_done = 1;
	t->header_ready = 1;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

static int rs_open(struct table *t, struct kerr *e)
{
	int rc;

	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	buf_init(&t->blk[0].data, 0);
	buf_init(&t->blk[1].data, 0);
	if ((rc = pthread_create(&t->thread, NULL, parse_thread, t)))
		return kerr_set(e, KERR_NOMEM, "cannot start the reader thread (%s)", strerror(rc));
	t->have_thread = 1;
	pthread_mutex_lock(&t->mu);
	while (!t->header_ready)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
	if (t->parse_rc && (!t->ncols || !t->col[0].name)) {
		kerr_set(e, t->parse_rc, "%s", t->parse_msg);
		kerr_at(e, t->path, 0, 0);
		return t->parse_rc;
	}
	return 0;
}

static int rs_next(struct table *t, table_row *row, struct kerr *e)
{
	struct block *b;
	size_t i;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		b = &t->blk[t->cb];
		if (b->filled && t->crow < b->nrows)
			break;
		if (b->filled) {        /* used up: give it back */
			b->filled = 0;
			t->crow = 0;
			t->cb ^= 1;
			pthread_cond_broadcast(&t->cv);
			continue;
		}
		if (t->parse_done)
			break;
		pthread_cond_wait(&t->cv, &t->mu);
	}
	pthread_mutex_unlock(&t->mu);
	if (!b->filled || t->crow >= b->nrows) {
		if (t->parse_rc) {
			kerr_set(e, t->parse_rc, "%s", t->parse_msg);
			kerr_at(e, t->path, t->rows_done + 2, 0);
			return -t->parse_rc;
		}
		return TABLE_END;
	}
	for (i = 0; i < t->ncols; i++) {
		t->cells[i] = b->data.data + b->off[t->crow * t->ncols + i];
		t->lens[i] = strlen(t->cells[i]);
	}
	t->crow++;
	t->rows_done++;
	row->n = t->ncols;
	row->field = t->cells;
	row->len = t->lens;
	row->line = t->rows_done + 1;
	return TABLE_ROW;
}

static void rs_close(struct table *t)
{
	if (t->have_thread) {
		pthread_mutex_lock(&t->mu);
		t->abort = 1;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_join(t->thread, NULL);
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
	}
	for (int i = 0; i < 2; i++) {
		buf_release(&t->blk[i].data);
		free(t->blk[i].off);
	}
}

/* ---------- xlsx back end ---------- */

static int zip_read_all(zip_t *z, const char *name, struct buf *out)
{
	zip_file_t *f = zip_fopen(z, name, 0);
	char tmp[16384];
	zip_int64_t n;

	if (!f)
		return -1;
	while ((n = zip_fread(f, tmp, sizeof(tmp))) > 0)
		if (buf_add_slow(out, tmp, (size_t)n)) {
			zip_fclose(f);
			return KERR_NOMEM;
		}
	zip_fclose(f);
	return n < 0 ? -1 : 0;
}

static int zf_read(void *ctx, char *buffer, int len)
{
	zip_int64_t n = zip_fread((zip_file_t *)ctx, buffer, (zip_uint64_t)len);

	return n < 0 ? -1 : (int)n;
}

static int zf_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = s[i];

		v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1000);
	}
	return v < 0 ? -1 : v;
}

/* The UTF-16 code unit of an "_xHHHH_" escape at s[i..n), or -1. */
static int xescape_at(const char *s, size_t i, size_t n)
{
	return i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_' ? hex4(s + i + 2) : -1;
}

/*
 * Append the text of a cell, its escapes decoded: the Office Open XML
 * string type writes a character as "_xHHHH_" (its UTF-16 code unit), and
 * Excel does so for every CR, so an answer typed with line breaks on
 * Windows or in a web form is stored "tid_x000D_\nog"; a literal "_x" is
 * written "_x005F_x".  Read raw, the answer carried "_x000D_" into coding,
 * review and export.  The CR then becomes LF as everywhere (add_text).
 * What is not a valid escape (a lone surrogate, NUL) stays as written.
 */
static int add_xstring(struct buf *out, const char *s, size_t n)
{
	struct buf tmp = BUF_INIT;
	size_t i = 0;
	int rc = 0;

	if (!memchr(s, '_', n))
		return add_text(out, s, n);
	while (!rc && i < n) {
		int u = xescape_at(s, i, n);
		unsigned long cp = (unsigned long)u;
		size_t used = 7;
		char utf8[4];
		int k = 0;

		if (u >= 0xD800 && u <= 0xDBFF) {
			int lo = xescape_at(s, i + 7, n);

			cp = lo >= 0xDC00 && lo <= 0xDFFF
				? 0x10000 + (((unsigned long)u - 0xD800) << 10) + ((unsigned long)lo - 0xDC00) : 0;
			used = 14;
		}
		if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF) || !cp) {
			rc = buf_addch(&tmp, s[i]);
			i++;
			continue;
		}
		if (cp < 0x80)
			utf8[k++] = (char)cp;
		else if (cp < 0x800)
			utf8[k++] = (char)(0xC0 | cp >> 6), utf8[k++] = (char)(0x80 | (cp & 0x3F));
		else if (cp < 0x10000)
			utf8[k++] = (char)(0xE0 | cp >> 12), utf8[k++] = (char)(0x80 | (cp >> 6 & 0x3F)),
			utf8[k++] = (char)(0x80 | (cp & 0x3F));
		else
			utf8[k++] = (char)(0xF0 | cp >> 18), utf8[k++] = (char)(0x80 | (cp >> 12 & 0x3F)),
			utf8[k++] = (char)(0x80 | (cp >> 6 & 0x3F)), utf8[k++] = (char)(0x80 | (cp & 0x3F));
		rc = buf_add_slow(&tmp, utf8, (size_t)k);
		i += used;
	}
	if (!rc)
		rc = add_text(out, tmp.data ? tmp.data : "", tmp.len);
	buf_release(&tmp);
	return rc;
}

/* The raw text of the <t> elements inside the current element, skipping
 * phonetic runs. */
static int read_text(xmlTextReaderPtr r, struct buf *out)
{
	int depth = xmlTextReaderDepth(r), in_t = 0, skip = 0, rc;

	if (xmlTextReaderIsEmptyElement(r))
		return 0;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *nm = (const char *)xmlTextReaderConstLocalName(r);

		if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
			return 0;
		if (type == XML_READER_TYPE_ELEMENT) {
			if (!strcmp(nm, "rPh"))
				skip = !xmlTextReaderIsEmptyElement(r);
			else if (!strcmp(nm, "t"))
				in_t = !xmlTextReaderIsEmptyElement(r);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(nm, "rPh"))
				skip = 0;
			else if (!strcmp(nm, "t"))
				in_t = 0;
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE
			    || type == XML_READER_TYPE_WHITESPACE) && in_t && !skip) {
			const char *v = (const char *)xmlTextReaderConstValue(r);

			if (v && buf_adds(out, v))
				return KERR_NOMEM;
		}
	}
	return rc < 0 ? KERR_SYNTAX : 0;
}

/* All text of the <t> elements inside the current element (a shared
 * string or an inline string), skipping phonetic runs, escapes decoded. */
static int collect_text(xmlTextReaderPtr r, struct buf *out)
{
	struct buf raw = BUF_INIT;
	int rc = read_text(r, &raw);

	if (!rc && raw.len && add_xstring(out, raw.data, raw.len))
		rc = KERR_NOMEM;
	buf_release(&raw);
	return rc;
}

static int load_sst(struct table *t, struct kerr *e)
{
	struct buf x = BUF_INIT, s = BUF_INIT;
	xmlTextReaderPtr r;
	size_t cap = 0;
	int rc;

	rc = zip_read_all(t->zip, "xl/sharedStrings.xml", &x);
	if (rc < 0) {
		buf_release(&x);
		return 0;      /* no shared strings: every cell is inline or a number */
	}
	if (rc)
		goto oom;
	r = xmlReaderForMemory(x.data, (int)x.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	if (!r)
		goto oom;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT
		    || strcmp((const char *)xmlTextReaderConstLocalName(r), "si"))
			continue;
		buf_reset(&s);
		if ((rc = collect_text(r, &s)))
			break;
		if (t->nsst == cap) {
			char **v = realloc(t->sst, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!v) {
				rc = KERR_NOMEM;
				break;
			}
			t->sst = v;
		}
		if (!(t->sst[t->nsst] = xstrdup(s.data))) {
			rc = KERR_NOMEM;
			break;
		}
		t->nsst++;
	}
	xmlFreeTextReader(r);
	buf_release(&x);
	buf_release(&s);
	if (rc < 0 || rc == KERR_SYNTAX)
		return kerr_set(e, KERR_SYNTAX, "the workbook's shared strings are damaged"), KERR_SYNTAX;
	if (rc == KERR_NOMEM)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
oom:
	buf_release(&x);
	return kerr_set(e, KERR_NOMEM, "out of memory");
}

/* The width of a number format that is zeros only ("0000": ids and
 * postcodes kept with their leading zeros), or 0. */
static unsigned zero_pad(const char *code)
{
	size_t n = code ? strspn(code, "0") : 0;

	return code && n >= 2 && n <= 32 && !code[n] ? (unsigned)n : 0;
}

/*
 * The cell styles' zero-padding formats from xl/styles.xml: a number shown
 * as "007" is stored as 7 with a style whose format is "000", and the
 * respondent id a coder saw is "007".  Other formats (dates, decimals) are
 * left alone: numbers read as numbers.  A workbook without styles, or with
 * styles this cannot read, simply has no padding.
 */
static int load_styles(struct table *t)
{
	struct buf x = BUF_INIT;
	xmlTextReaderPtr r;
	struct { unsigned id, pad; } fmt[64];
	size_t nfmt = 0, cap = 0;
	int in_xfs = 0, rc = 0;

	if (zip_read_all(t->zip, "xl/styles.xml", &x)) {
		buf_release(&x);
		return 0;
	}
	r = xmlReaderForMemory(x.data, (int)x.len, NULL, NULL, XML_PARSE_NONET);
	while (r && xmlTextReaderRead(r) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *nm = (const char *)xmlTextReaderConstLocalName(r);

		if (!strcmp(nm, "cellXfs")) {
			in_xfs = type == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(r);
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (!strcmp(nm, "numFmt") && nfmt < sizeof(fmt) / sizeof(fmt[0])) {
			xmlChar *id = xmlTextReaderGetAttribute(r, (const xmlChar *)"numFmtId");
			xmlChar *code = xmlTextReaderGetAttribute(r, (const xmlChar *)"formatCode");
			unsigned pad = zero_pad((const char *)code);

			if (id && pad) {
				fmt[nfmt].id = (unsigned)atoi((const char *)id);
				fmt[nfmt++].pad = pad;
			}
			xmlFree(id);
			xmlFree(code);
		} else if (in_xfs && !strcmp(nm, "xf")) {
			xmlChar *id = xmlTextReaderGetAttribute(r, (const xmlChar *)"numFmtId");
			unsigned pad = 0;

			for (size_t i = 0; id && i < nfmt; i++)
				if (fmt[i].id == (unsigned)atoi((const char *)id))
					pad = fmt[i].pad;
			xmlFree(id);
			if (t->nxf == cap) {
				unsigned char *v = realloc(t->xfpad, cap = cap ? cap * 2 : 64);

				if (!v) {
					rc = KERR_NOMEM;
					break;
				}
				t->xfpad = v;
			}
			t->xfpad[t->nxf++] = (unsigned char)pad;
		}
	}
	if (r)
		xmlFreeTextReader(r);
	buf_release(&x);
	return rc;
}

/* The workbook's sheet names, from `list` (each ending in a NUL): kept
 * so, and quoted and joined for messages. */
static int set_sheets(struct table *t, const char *list, size_t len, struct kerr *e)
{
	struct buf joined = BUF_INIT;

	t->nsheets = 0;
	for (size_t at = 0; at < len; at += strlen(list + at) + 1, t->nsheets++)
		buf_addf(&joined, "%s\"%s\"", at ? ", " : "", list + at);
	free(t->sheets);
	free(t->sheet_list);
	t->sheets = xstrdup(joined.data ? joined.data : "");
	t->sheet_list = malloc(len + 1);
	buf_release(&joined);
	if (!t->sheets || !t->sheet_list)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	if (len)
		memcpy(t->sheet_list, list, len);
	return 0;
}

/* The sheet's part name: workbook.xml gives sheet name -> r:id, its .rels
 * r:id -> target.  Without a name, the sheet at position `nth` (0: the
 * first); KERR_NOTFOUND past the last. */
static int xs_find_sheet(struct table *t, const char *want, int nth, struct buf *part,
			 struct kerr *e);

static int find_sheet(struct table *t, const char *want, int nth, struct buf *part,
		      struct kerr *e)
{
	struct buf wb = BUF_INIT, rels = BUF_INIT, list = BUF_INIT;
	xmlTextReaderPtr r;
	char *rid = NULL;
	int rc = 0, found = 0;

	if (t->fmt == TABLE_XMLSS)
		return xs_find_sheet(t, want, nth, part, e);

	if (zip_read_all(t->zip, "xl/workbook.xml", &wb)) {
		buf_release(&wb);
		return kerr_set(e, KERR_SYNTAX, "not an Excel workbook (no xl/workbook.xml); "
				"save it as .xlsx, or export it as CSV");
	}
	r = xmlReaderForMemory(wb.data, (int)wb.len, NULL, NULL, XML_PARSE_NONET);
	while (r && xmlTextReaderRead(r) == 1) {
		const char *nm = (const char *)xmlTextReaderConstLocalName(r);
		xmlChar *name, *id;

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || strcmp(nm, "sheet"))
			continue;
		name = xmlTextReaderGetAttribute(r, (const xmlChar *)"name");
		id = xmlTextReaderGetAttributeNs(r, (const xmlChar *)"id",
			(const xmlChar *)"http://schemas.openxmlformats.org/officeDocument/2006/relationships");
		if (name)
			buf_add(&list, (const char *)name, strlen((const char *)name) + 1);
		if (!found && id && (want ? name && csv_name_equal((const char *)name, want)
				     : nth-- == 0)) {
			found = 1;
			rid = xstrdup((const char *)id);
			free(t->sheet);
			t->sheet = xstrdup(name ? (const char *)name : "");
		}
		xmlFree(name);
		xmlFree(id);
	}
	if (r)
		xmlFreeTextReader(r);
	buf_release(&wb);
	if ((rc = set_sheets(t, list.data, list.len, e)))
		goto out;
	if (!found || !rid) {
		if (want)
			rc = kerr_set(e, KERR_NOTFOUND, "no sheet \"%s\"; the sheets are: %s",
				      want, t->nsheets ? t->sheets : "(none)");
		else if (nth >= 0 && t->nsheets)
			rc = KERR_NOTFOUND;     /* no sheet at that position */
		else
			rc = kerr_set(e, KERR_SYNTAX, "the workbook has no sheets");
		goto out;
	}
	if (zip_read_all(t->zip, "xl/_rels/workbook.xml.rels", &rels)) {
		rc = kerr_set(e, KERR_SYNTAX, "the workbook is damaged (no xl/_rels/workbook.xml.rels)");
		goto out;
	}
	r = xmlReaderForMemory(rels.data, (int)rels.len, NULL, NULL, XML_PARSE_NONET);
	found = 0;
	while (r && !found && xmlTextReaderRead(r) == 1) {
		xmlChar *id, *target;

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT
		    || strcmp((const char *)xmlTextReaderConstLocalName(r), "Relationship"))
			continue;
		id = xmlTextReaderGetAttribute(r, (const xmlChar *)"Id");
		target = xmlTextReaderGetAttribute(r, (const xmlChar *)"Target");
		if (id && target && !strcmp((const char *)id, rid)) {
			const char *tg = (const char *)target;

			found = 1;
			if (tg[0] == '/')
				buf_adds(part, tg + 1);
			else
				buf_addf(part, "xl/%s", tg);
		}
		xmlFree(id);
		xmlFree(target);
	}
	if (r)
		xmlFreeTextReader(r);
	if (!found)
		rc = kerr_set(e, KERR_SYNTAX, "the workbook is damaged (sheet %s has no part)", rid);
out:
	free(rid);
	buf_release(&rels);
	buf_release(&list);
	return rc;
}

/* Column index of a cell reference "BC12" (0-based), or -1. */
static long ref_col(const char *ref)
{
	long c = 0;
	int n = 0;

	for (; ref && *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
		c = c * 26 + (*ref - 'A' + 1);
	return n && n < 4 ? c - 1 : -1;
}

/*
 * Read the next <row> into t->rowbuf/rowoff (cells by column; missing cells
 * empty).  Returns 1 with a row, 0 at the end, or -KERR_*.
 * `grow`: the header row decides the width unless 0 (then cells past the
 * header are dropped).
 */
/* Put a cell's text at column c of the row being read (n cells so far),
 * the columns between left empty; a cell out of order or given twice keeps
 * the first.  0, or -1 out of memory. */
static int put_cell(struct table *t, size_t *n, size_t c, const char *s, size_t len)
{
	if (c < *n)
		return 0;
	if (c + 1 > t->rowcap) {
		size_t cap = c + 16;
		size_t *o = realloc(t->rowoff, cap * sizeof(*o));

		if (!o)
			return -1;
		t->rowoff = o;
		t->rowcap = cap;
	}
	while (*n < c + 1) {
		t->rowoff[(*n)++] = t->rowbuf.len;
		if (buf_addch(&t->rowbuf, 0))
			return -1;
	}
	/* overwrite the empty cell at c (it is the last one) */
	t->rowbuf.len--;
	t->rowoff[c] = t->rowbuf.len;
	return buf_add_slow(&t->rowbuf, s ? s : "", len) || buf_addch(&t->rowbuf, 0) ? -1 : 0;
}

/* ---------- Excel 2003 XML (SpreadsheetML) ----------
 * One XML file: <Workbook> holds <Worksheet ss:Name=...>, each a <Table> of
 * <Row>s of <Cell>s with a <Data ss:Type="String|Number|DateTime|Boolean|
 * Error">.  ss:Index on a Row or Cell gives its position (1-based) after a
 * gap; ss:MergeAcross makes a cell span more columns.  The rows go through
 * the same header and row code as .xlsx. */

static long xs_attr(xmlTextReaderPtr r, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttributeNs(r, (const xmlChar *)name, (const xmlChar *)XMLSS_NS);
	long n = v ? atol((const char *)v) : 0;

	xmlFree(v);
	return n;
}

static xmlTextReaderPtr xs_reader(const char *path)
{
	return xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
}

/* The worksheets' names; the one named `want`, or at position nth. */
static int xs_find_sheet(struct table *t, const char *want, int nth, struct buf *part,
			 struct kerr *e)
{
	struct buf names = BUF_INIT;
	xmlTextReaderPtr r = xs_reader(t->path);
	int k = 0, found = -1, rc = r ? xmlTextReaderRead(r) : -1;

	while (rc == 1) {
		xmlChar *name;

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT
		    || strcmp((const char *)xmlTextReaderConstLocalName(r), "Worksheet")) {
			rc = xmlTextReaderRead(r);
			continue;
		}
		name = xmlTextReaderGetAttributeNs(r, (const xmlChar *)"Name", (const xmlChar *)XMLSS_NS);
		buf_add(&names, name ? (const char *)name : "", name ? strlen((const char *)name) + 1 : 1);
		if (found < 0 && (want ? name && csv_name_equal((const char *)name, want) : k == nth)) {
			found = k;
			free(t->sheet);
			t->sheet = xstrdup(name ? (const char *)name : "");
		}
		xmlFree(name);
		k++;
		rc = xmlTextReaderNext(r);    /* past this sheet's cells */
	}
	if (r)
		xmlFreeTextReader(r);
	if ((rc = set_sheets(t, names.data ? names.data : "", names.len, e))) {
		buf_release(&names);
		return rc;
	}
	if (found < 0) {
		if (want)
			rc = kerr_set(e, KERR_NOTFOUND, "no sheet \"%s\"; the sheets are: %s",
				      want, t->nsheets ? t->sheets : "(none)");
		else if (k > 0)
			rc = KERR_NOTFOUND;
		else
			rc = kerr_set(e, KERR_SYNTAX, "the spreadsheet has no sheets");
	} else {
		t->xsheet = found;
		buf_addf(part, "worksheet %d", found + 1);
	}
	buf_release(&names);
	return rc;
}

/* Open the file and stand at the start of worksheet t->xsheet. */
static int xs_start(struct table *t, struct kerr *e)
{
	int k = 0;

	if (!(t->xr = xs_reader(t->path)))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	while (xmlTextReaderRead(t->xr) == 1)
		if (xmlTextReaderNodeType(t->xr) == XML_READER_TYPE_ELEMENT
		    && !strcmp((const char *)xmlTextReaderConstLocalName(t->xr), "Worksheet")
		    && k++ == t->xsheet)
			return 0;
	return kerr_set(e, KERR_SYNTAX, "the spreadsheet is damaged (no worksheet %d)", t->xsheet + 1);
}

/* The next row of the worksheet into t->rowbuf: 1, 0 at its end, or -KERR_*. */
static int xs_row(struct table *t, size_t *ncells, struct kerr *e)
{
	xmlTextReaderPtr r = t->xr;
	struct buf cell = BUF_INIT, raw = BUF_INIT;
	size_t n = 0, col = 0;
	int rc, in_row = 0;

	buf_reset(&t->rowbuf);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *nm = (const char *)xmlTextReaderConstLocalName(r);

		if ((type == XML_READER_TYPE_END_ELEMENT && !strcmp(nm, "Worksheet"))
		    || (type == XML_READER_TYPE_ELEMENT && !strcmp(nm, "Worksheet")))
			break;     /* the sheet's end, or the next sheet's start */
		if (type == XML_READER_TYPE_ELEMENT && !strcmp(nm, "Row")) {
			long at = xs_attr(r, "Index");

			t->xrow = at > 0 ? at : t->xrow + 1;
			in_row = 1;
			if (xmlTextReaderIsEmptyElement(r))
				break;
			continue;
		}
		if (type == XML_READER_TYPE_END_ELEMENT && !strcmp(nm, "Row"))
			break;
		if (!in_row || type != XML_READER_TYPE_ELEMENT || strcmp(nm, "Cell"))
			continue;
		{
			long at = xs_attr(r, "Index"), span = xs_attr(r, "MergeAcross");
			int depth = xmlTextReaderDepth(r), in_data = 0, number = 0, error = 0, note = 0;

			if (at > 0 && at <= 16384)
				col = (size_t)(at - 1);
			buf_reset(&cell);
			buf_reset(&raw);
			if (!xmlTextReaderIsEmptyElement(r)) {
				while ((rc = xmlTextReaderRead(r)) == 1) {
					int tp = xmlTextReaderNodeType(r);
					const char *n2 = (const char *)xmlTextReaderConstLocalName(r);

					if (tp == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
						break;
					if (!strcmp(n2, "Comment")) {    /* a note on the cell: not its value */
						note = tp == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(r);
						continue;
					}
					if (note)
						continue;
					if (tp == XML_READER_TYPE_ELEMENT && !strcmp(n2, "Data")) {
						xmlChar *ty = xmlTextReaderGetAttributeNs(r, (const xmlChar *)"Type",
							(const xmlChar *)XMLSS_NS);

						number = ty && !strcmp((const char *)ty, "Number");
						error = ty && !strcmp((const char *)ty, "Error");
						xmlFree(ty);
						in_data = !xmlTextReaderIsEmptyElement(r);
					} else if (tp == XML_READER_TYPE_END_ELEMENT && !strcmp(n2, "Data")) {
						in_data = 0;
					} else if (in_data && (tp == XML_READER_TYPE_TEXT
						   || tp == XML_READER_TYPE_SIGNIFICANT_WHITESPACE
						   || tp == XML_READER_TYPE_WHITESPACE)
						   && buf_adds(&raw, (const char *)xmlTextReaderConstValue(r))) {
						goto oom;
					}
				}
				if (rc != 1)
					break;
			}
			if (number && raw.len) {
				char *end, num[64];
				double d = strtod(raw.data, &end);

				if (!*end) {
					fmt_num(num, sizeof(num), d);
					buf_reset(&raw);
					if (buf_adds(&raw, num))
						goto oom;
				}
			}
			/* a line break arrives as "&#10;", and a CR as "&#13;": LF */
			if (!error && raw.len && add_text(&cell, raw.data, raw.len))
				goto oom;
			if (put_cell(t, &n, col, cell.data, cell.len))
				goto oom;
			col += 1 + (size_t)(span > 0 ? span : 0);
		}
	}
	buf_release(&cell);
	buf_release(&raw);
	if (rc < 0) {
		kerr_set(e, KERR_SYNTAX, "the XML of sheet \"%s\" is damaged near row %ld; open the "
			 "file in Excel or LibreOffice and save it again", t->sheet ? t->sheet : "", t->xrow);
		kerr_at(e, t->path, t->xrow, 0);
		return -KERR_SYNTAX;
	}
	if (!in_row)
		return 0;
	*ncells = n;
	return 1;
oom:
	buf_release(&cell);
	buf_release(&raw);
	kerr_set(e, KERR_NOMEM, "out of memory");
	return -KERR_NOMEM;
}

static int xl_row(struct table *t, size_t *ncells, struct kerr *e);

static int x_row(struct table *t, size_t *ncells, struct kerr *e)
{
	xmlTextReaderPtr r = t->xr;
	struct buf cell = BUF_INIT;
	size_t n = 0;
	int rc, in_row = 0;

	if (t->fmt == TABLE_XMLSS)
		return xs_row(t, ncells, e);
	if (t->fmt == TABLE_XLS)
		return xl_row(t, ncells, e);

	buf_reset(&t->rowbuf);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *nm = (const char *)xmlTextReaderConstLocalName(r);

		if (type == XML_READER_TYPE_ELEMENT && !strcmp(nm, "row")) {
			xmlChar *rn = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");

			t->xrow = rn ? atol((const char *)rn) : t->xrow + 1;
			xmlFree(rn);
			in_row = 1;
			n = 0;
			if (xmlTextReaderIsEmptyElement(r))
				break;
			continue;
		}
		if (type == XML_READER_TYPE_END_ELEMENT && !strcmp(nm, "row"))
			break;
		if (!in_row || type != XML_READER_TYPE_ELEMENT || strcmp(nm, "c"))
			continue;
		{
			xmlChar *ref = xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
			xmlChar *ty = xmlTextReaderGetAttribute(r, (const xmlChar *)"t");
			xmlChar *st = xmlTextReaderGetAttribute(r, (const xmlChar *)"s");
			long sx = st ? atol((const char *)st) : -1;
			char cref[24];
			long c = ref ? ref_col((const char *)ref) : (long)n;
			const char *tyv = ty ? (const char *)ty : "n";
			int depth = xmlTextReaderDepth(r);

			snprintf(cref, sizeof(cref), "%s", ref ? (const char *)ref : "?");
			xmlFree(ref);
			xmlFree(st);
			buf_reset(&cell);
			if (c < 0 || c > 16383)
				c = (long)n;
			if (!xmlTextReaderIsEmptyElement(r)) {
				if (!strcmp(tyv, "inlineStr")) {
					if ((rc = collect_text(r, &cell))) {
						xmlFree(ty);
						goto bad;
					}
				} else {
					int in_v = 0;

					while ((rc = xmlTextReaderRead(r)) == 1) {
						int tp = xmlTextReaderNodeType(r);
						const char *n2 = (const char *)xmlTextReaderConstLocalName(r);

						if (tp == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
							break;
						if (tp == XML_READER_TYPE_ELEMENT && !strcmp(n2, "v"))
							in_v = 1;
						else if (tp == XML_READER_TYPE_END_ELEMENT && !strcmp(n2, "v"))
							in_v = 0;
						else if (in_v && (tp == XML_READER_TYPE_TEXT
							|| tp == XML_READER_TYPE_SIGNIFICANT_WHITESPACE))
							buf_adds(&cell, (const char *)xmlTextReaderConstValue(r));
					}
					if (rc != 1) {
						xmlFree(ty);
						goto bad;
					}
					if (!strcmp(tyv, "s")) {
						char *end;
						long k = strtol(cell.data, &end, 10);

						if (!cell.len || *end || k < 0 || (size_t)k >= t->nsst) {
							kerr_set(e, KERR_SYNTAX, "cell %s of sheet \"%s\" points "
								 "to shared string \"%.20s\", but the workbook has only "
								 "%zu: the file is damaged; open it in Excel or "
								 "LibreOffice and save it again", cref,
								 t->sheet ? t->sheet : "", cell.data, t->nsst);
							kerr_at(e, t->path, t->xrow, 0);
							xmlFree(ty);
							buf_release(&cell);
							return -KERR_SYNTAX;
						}
						buf_reset(&cell);
						buf_adds(&cell, t->sst[k]);
					} else if (!strcmp(tyv, "e")) {
						buf_reset(&cell);     /* #N/A, #DIV/0!: no value */
					} else if (!strcmp(tyv, "n") && cell.len) {
						char *end;
						double d = strtod(cell.data, &end);

						if (!*end) {
							char num[64];
							unsigned pad = sx >= 0 && (size_t)sx < t->nxf
								? t->xfpad[sx] : 0;
							size_t len;

							fmt_num(num, sizeof(num), d);
							buf_reset(&cell);
							len = strlen(num);
							/* "0000" shows 7 as 0007 */
							if (pad && d >= 0 && d == floor(d))
								while (len++ < pad)
									buf_addch(&cell, '0');
							buf_adds(&cell, num);
						}
					} else if (!strcmp(tyv, "b")) {
						int v = cell.data[0] == '1';

						buf_reset(&cell);
						buf_adds(&cell, v ? "TRUE" : "FALSE");
					}
				}
			}
			xmlFree(ty);
			if (put_cell(t, &n, (size_t)c, cell.data, cell.len))
				goto oom;
		}
	}
	buf_release(&cell);
	if (rc < 0)
		goto bad2;
	if (!in_row)
		return 0;
	*ncells = n;
	return 1;
bad:
	buf_release(&cell);
bad2:
	kerr_set(e, KERR_SYNTAX, "the XML of sheet \"%s\" is damaged near row %ld; open the "
		 "file in Excel or LibreOffice and save it again", t->sheet ? t->sheet : "", t->xrow);
	kerr_at(e, t->path, t->xrow, 0);
	return -KERR_SYNTAX;
oom:
	buf_release(&cell);
	kerr_set(e, KERR_NOMEM, "out of memory");
	return -KERR_NOMEM;
}

static int all_blank(struct table *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t->rowbuf.data[t->rowoff[i]])
			return 0;
	return 1;
}

/* Number of non-empty cells among the first n of the row read. */
static size_t nonblank(struct table *t, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += t->rowbuf.data[t->rowoff[i]] != 0;
	return k;
}

/* (Re)start the streaming reader at the top of the sheet's part. */
static int x_start(struct table *t, struct kerr *e)
{
	if (t->fmt == TABLE_XLS) {
		t->xlpos = 0;
		t->xrow = 0;
		return 0;
	}
	if (t->xr)
		xmlFreeTextReader(t->xr);
	if (t->zf)
		zip_fclose(t->zf);
	t->xr = NULL;
	t->zf = NULL;
	t->xrow = 0;
	if (t->fmt == TABLE_XMLSS)
		return xs_start(t, e);
	if (!(t->zf = zip_fopen(t->zip, t->part, 0)))
		return kerr_set(e, KERR_SYNTAX, "the workbook is damaged (no %s)", t->part);
	t->xr = xmlReaderForIO(zf_read, zf_close, t->zf, t->part, NULL,
			       XML_PARSE_NONET | XML_PARSE_HUGE);
	return t->xr ? 0 : kerr_set(e, KERR_NOMEM, "out of memory");
}

/* The first row with any cell, into t->rowbuf; 0, or a KERR code.  An
 * empty sheet is an error, or with t->empty_ok a header of no columns. */
static int x_first_row(struct table *t, size_t *n, struct kerr *e)
{
	int rc;

	do {
		rc = x_row(t, n, e);
		if (rc == 0 && t->empty_ok) {
			*n = 0;
			t->xdone = 1;
			return 0;
		}
		if (rc <= 0)
			return rc < 0 ? -rc : (kerr_set(e, KERR_SYNTAX, "the sheet \"%s\" is empty: "
				"no header row", t->sheet ? t->sheet : ""), KERR_SYNTAX);
	} while (all_blank(t, *n));
	return 0;
}

/* The header columns, freed (before reading another sheet's header). */
static void free_cols(struct table *t)
{
	for (size_t i = 0; t->col && i < t->ncols; i++) {
		free(t->col[i].name);
		free(t->col[i].label);
		free(t->col[i].lset_name);
	}
	free(t->col);
	t->col = NULL;
	t->ncols = 0;
}

static int x_header(struct table *t, struct kerr *e);
static int x_book(struct table *t, const char *sheet, int nth, struct kerr *e);
static int skip_import_ids(struct table *t, struct kerr *e);
static int find_by(const struct table *t, const char *name, int by_label, size_t *idx,
		   struct kerr *e);

/*
 * Whether the sheet at position nth has a header with every name in `want`:
 * 1 yes (the table is then set to read it), 0 no, or -KERR_* (no sheet
 * there is -KERR_NOTFOUND).  Survey tools put their data on another sheet
 * than the first: SurveyXact's workbook is Labels, Dataset, Structure.
 */
static int x_sheet_has(struct table *t, int nth, const char *const *want, struct kerr *e)
{
	size_t k, found;
	int rc;

	free(t->part);
	t->part = NULL;
	free_cols(t);
	if ((rc = x_book(t, NULL, nth, e)))
		return -rc;
	if ((rc = x_header(t, e)))
		return rc == KERR_NOMEM ? -rc : 0;   /* an empty or damaged sheet holds no survey */
	/* note which of them it has, for a survey split over sheets */
	for (k = 0, found = 0, rc = 0; want[k]; k++) {
		if (find_by(t, want[k], 0, &(size_t){ 0 }, NULL))
			continue;
		if (!found++)
			rc = buf_addf(&t->spread, "%ssheet \"%s\" has", t->spread.len ? "; " : "",
				      t->sheet ? t->sheet : "");
		rc = rc ? rc : buf_addf(&t->spread, "%s \"%s\"", found > 1 ? "," : "", want[k]);
		if (rc)
			return -kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (found == k) {
		buf_reset(&t->spread);
		return 1;
	}
	if (found)
		t->nspread++;
	return 0;
}

/* The workbook's sheet, named or at position nth: an .xlsx's part (its
 * strings and styles loaded once), an Excel 2003 XML worksheet, or an
 * .xls's cells (by name or the first only). */
static int x_book(struct table *t, const char *sheet, int nth, struct kerr *e)
{
	struct buf part = BUF_INIT;
	int zerr = 0, rc;

	if (t->fmt == TABLE_XLS) {
		if (nth > 0)
			return KERR_NOTFOUND;    /* (not asked: see x_open) */
		if ((rc = xls_read(t->path, sheet, &t->xls, e)))
			return rc;
		free(t->sheet);
		if (!(t->sheet = xstrdup(t->xls.name)))
			return kerr_set(e, KERR_NOMEM, "out of memory");
		return set_sheets(t, t->xls.sheets, t->xls.sheets_len, e);
	}
	if (t->fmt == TABLE_XLSX && !t->zip && !(t->zip = zip_open(t->path, ZIP_RDONLY, &zerr))) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		kerr_set(e, KERR_SYNTAX, "cannot open it as an Excel workbook: %s",
			 zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return KERR_SYNTAX;
	}
	/* the strings and styles once, however many sheets are looked at */
	if (t->fmt == TABLE_XLSX && !t->book_loaded && ((rc = load_sst(t, e))
	    || (rc = load_styles(t) ? kerr_set(e, KERR_NOMEM, "out of memory") : 0)))
		return rc;
	t->book_loaded = 1;
	free(t->part);
	t->part = NULL;
	if ((rc = find_sheet(t, sheet, nth, &part, e))) {
		buf_release(&part);
		return rc;
	}
	t->part = xstrdup(part.data);
	buf_release(&part);
	return t->part ? 0 : kerr_set(e, KERR_NOMEM, "out of memory");
}

static int x_open(struct table *t, const char *sheet, const char *const *want, struct kerr *e)
{
	int rc;

	buf_init(&t->rowbuf, 0);
	/* no sheet named: the first whose header has the columns wanted, if
	 * one has them all; otherwise the first sheet, whose missing columns
	 * the caller reports (an .xls is read one named sheet at a time) */
	if (!sheet && want && want[0] && t->fmt != TABLE_XLS) {
		for (int nth = 0; (rc = x_sheet_has(t, nth, want, e)) == 0; nth++)
			;
		if (rc == 1)
			return 0;
		if (rc != -KERR_NOTFOUND)
			return -rc;
		free_cols(t);
		free(t->part);
		t->part = NULL;
		if (t->nspread < 2)
			buf_reset(&t->spread);   /* the columns are not split over sheets */
	}
	if ((rc = x_book(t, sheet, 0, e)))
		return rc;
	return x_header(t, e);
}

/* Read the header of the sheet x_book chose; the rows follow it. */
static int x_header(struct table *t, struct kerr *e)
{
	size_t n = 0, i;
	int rc;

	if ((rc = x_start(t, e)) || (rc = x_first_row(t, &n, e)))
		return rc;
	/* the header: the first row with any cell, unless that is a title
	 * (in A, the only cell) with a row of two or more cells soon below it;
	 * a header whose only name is in B is a row-name column (pandas) */
	if (nonblank(t, n) == 1 && t->rowbuf.data[t->rowoff[0]]) {
		long first = t->xrow;
		int found = 0;

		while (!found && (rc = x_row(t, &n, e)) > 0 && t->xrow - first <= TITLE_ROWS)
			found = nonblank(t, n) >= 2;
		if (rc < 0)
			return -rc;
		if (!found && ((rc = x_start(t, e)) || (rc = x_first_row(t, &n, e))))
			return rc;
	}
	t->hrow = t->xrow;
	while (n > 0 && !t->rowbuf.data[t->rowoff[n - 1]])
		n--;     /* trailing empty header cells are formatting, not columns */
	t->col = calloc(n ? n : 1, sizeof(*t->col));
	if (!t->col)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	t->ncols = n;
	for (i = 0; i < n; i++)
		if (!(t->col[i].name = xstrdup(t->rowbuf.data + t->rowoff[i])))
			return kerr_set(e, KERR_NOMEM, "out of memory");
	return skip_import_ids(t, e);
}

/* Whether the n cells in t->rowbuf are Qualtrics' ImportId row: every
 * filled cell {"ImportId":...}, and at least one filled. */
static int import_ids(const struct table *t, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const char *c = t->rowbuf.data + t->rowoff[i];

		if (*c && strncmp(c, "{\"ImportId\"", 11))
			return 0;
		k += *c != 0;
	}
	return k > 0;
}

/*
 * Qualtrics' Excel download has the three header rows of its CSV: the
 * column names, the question texts, and {"ImportId":"QID1"} in every
 * column (csv.c skips them in a CSV).  Read as data the two lower ones are
 * respondents with the wave "Måling" and the role of a question's wording.
 * After the header, when the second row below it is such a row, reading
 * goes on after it; otherwise the reader is put back after the header.
 */
static int skip_import_ids(struct table *t, struct kerr *e)
{
	size_t n = 0;
	long hrow = t->hrow;
	int rc;

	if ((rc = x_row(t, &n, e)) > 0 && (rc = x_row(t, &n, e)) > 0 && import_ids(t, n))
		return 0;
	if (rc < 0)
		kerr_clear(e);    /* a damaged row is reported where it is read, with its line */
	if ((rc = x_start(t, e)))
		return rc;
	while ((rc = x_row(t, &n, e)) > 0 && t->xrow < hrow)
		;
	return rc < 0 ? -rc : 0;
}

static int x_next(struct table *t, table_row *row, struct kerr *e)
{
	size_t n = 0, i;
	int rc;

	if (t->xdone)
		return TABLE_END;
	do {
		rc = x_row(t, &n, e);
		if (rc <= 0) {
			t->xdone = 1;
			return rc;
		}
	} while (all_blank(t, n));
	for (i = 0; i < t->ncols; i++) {
		t->cells[i] = i < n ? t->rowbuf.data + t->rowoff[i] : "";
		t->lens[i] = strlen(t->cells[i]);
	}
	row->n = t->ncols;
	row->field = t->cells;
	row->len = t->lens;
	row->line = t->xrow;
	return TABLE_ROW;
}

/* ---------- .xls back end (xls.h) ---------- */

/* x_row for an .xls: the next row of the sheet xls_read sent, into
 * t->rowbuf/rowoff, its numbers written as the other formats write them. */
static int xl_row(struct table *t, size_t *ncells, struct kerr *e)
{
	struct xls_cell cell[XLS_MAX_COLS];
	size_t n, c;

	if (!xls_row(&t->xls, &t->xlpos, cell, &n))
		return 0;
	if (t->rowcap < n) {
		size_t *q = realloc(t->rowoff, XLS_MAX_COLS * sizeof(*q));

		if (!q)
			return -kerr_set(e, KERR_NOMEM, "out of memory");
		t->rowoff = q;
		t->rowcap = XLS_MAX_COLS;
	}
	buf_reset(&t->rowbuf);
	for (c = 0; c < n; c++) {
		char num[64];
		int rc;

		t->rowoff[c] = t->rowbuf.len;
		if (cell[c].is_num) {
			fmt_num(num, sizeof(num), cell[c].num);
			rc = buf_adds(&t->rowbuf, num);
		} else {
			rc = buf_add_slow(&t->rowbuf, cell[c].text, cell[c].len);
		}
		if (rc || buf_addch(&t->rowbuf, 0))
			return -kerr_set(e, KERR_NOMEM, "out of memory");
	}
	t->xrow++;
	*ncells = n;
	return 1;
}

/* ---------- the table ---------- */

int table_open(struct table **out, const char *path, const struct table_opts *opts,
	       struct kerr *e)
{
	struct table *t;
	unsigned char head[16];
	size_t n;
	FILE *fp;
	int rc = 0;

	*out = NULL;
	if (!(fp = fopen(path, "rb")))
		return kerr_errno(e, errno, path, "cannot open the survey");
	n = fread(head, 1, sizeof(head), fp);
	if (!(t = calloc(1, sizeof(*t))) || !(t->path = xstrdup(path))) {
		free(t);
		fclose(fp);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	t->fmt = table_sniff(path, head, n);
	rewind(fp);
	if (t->fmt == TABLE_CSV && xmlss_file(fp))
		t->fmt = TABLE_XMLSS;
	if (t->fmt == TABLE_CSV) {
		rewind(fp);
		t->fp = fp;
		rc = csv_open(&t->csv, fp, path, opts ? &opts->csv : NULL, e);
		if (!rc)
			t->ncols = csv_header_count(t->csv);
	} else {
		fclose(fp);
		t->empty_ok = opts && opts->empty_ok;
		if (is_sheet(t))
			rc = x_open(t, opts ? opts->sheet : NULL, opts ? opts->want : NULL, e);
		else
			rc = rs_open(t, e);
		if (rc)
			kerr_at(e, path, 0, 0);
		if (!rc && !t->ncols && !t->empty_ok) {
			rc = kerr_set(e, KERR_SYNTAX, "the file has no columns");
			kerr_at(e, path, 0, 0);
		}
	}
	if (!rc && t->ncols) {
		t->cells = calloc(t->ncols, sizeof(*t->cells));
		t->lens = calloc(t->ncols, sizeof(*t->lens));
		if (!t->cells || !t->lens)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (rc) {
		table_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

int table_open_fp(struct table **out, FILE *fp, const char *path, const struct table_opts *opts,
		  struct kerr *e)
{
	struct table *t;
	int rc;

	*out = NULL;
	/* a named, seekable file that is not CSV: open it by name (readstat and
	 * libzip read by name and seek) */
	if (path && fp != stdin) {
		unsigned char head[16];
		long pos = ftell(fp);
		size_t n;

		if (pos >= 0) {
			n = fread(head, 1, sizeof(head), fp);
			if (fseek(fp, pos, SEEK_SET) == 0
			    && (table_sniff(path, head, n) != TABLE_CSV || xmlss_file(fp)))
				return table_open(out, path, opts, e);
		}
	}
	if (!(t = calloc(1, sizeof(*t))) || !(t->path = xstrdup(path ? path : "-"))) {
		free(t);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	t->fmt = TABLE_CSV;
	rc = csv_open(&t->csv, fp, path, opts ? &opts->csv : NULL, e);
	if (!rc)
		t->ncols = csv_header_count(t->csv);
	if (rc) {
		table_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

/*
 * SurveyMonkey writes two header rows, in CSV and .xlsx alike: the column
 * names, then a row that names each column's part of its question
 * ("Response", "Open-Ended Response", a choice's text) and leaves the
 * respondent columns (Respondent ID, Collector ID, dates) empty.  Read as
 * data it is a respondent without an id whose wave is "Response".  The row
 * is taken for that when its first cell is empty and one of its cells is
 * exactly one of SurveyMonkey's two words; an answer of "Response" from a
 * respondent without an id is not a likely row.
 */
static int tool_subheader(const table_row *row)
{
	if (row->n < 2 || row->len[0])
		return 0;
	for (size_t i = 1; i < row->n; i++)
		if (!strcmp(row->field[i], "Response") || !strcmp(row->field[i], "Open-Ended Response"))
			return 1;
	return 0;
}

static int next_row(struct table *t, table_row *row, struct kerr *e)
{
	/* a cleared row on an error: only CSV has rows that are read but
	 * ragged (-KERR_SYNTAX with the fields), which callers skip and go on */
	memset(row, 0, sizeof(*row));
	switch (t->fmt) {
	case TABLE_CSV: return csv_next(t->csv, row, e);
	case TABLE_XLSX:
	case TABLE_XLS:
	case TABLE_XMLSS: return x_next(t, row, e);
	default: return rs_next(t, row, e);
	}
}

int table_next(struct table *t, table_row *row, struct kerr *e)
{
	int rc = next_row(t, row, e);

	if (!t->first_done && rc == TABLE_ROW) {
		t->first_done = 1;
		if ((t->fmt == TABLE_CSV || is_sheet(t)) && tool_subheader(row))
			rc = next_row(t, row, e);
	}
	return rc;
}

void table_close(struct table *t)
{
	size_t i, j;

	if (!t)
		return;
	if (t->fmt == TABLE_SAV || t->fmt == TABLE_ZSAV || t->fmt == TABLE_DTA)
		rs_close(t);
	csv_close(t->csv);
	if (t->fp)
		fclose(t->fp);
	if (t->xr)
		xmlFreeTextReader(t->xr);
	if (t->zf)
		zip_fclose(t->zf);
	if (t->zip)
		zip_discard(t->zip);
	for (i = 0; i < t->nsst; i++)
		free(t->sst[i]);
	free(t->sst);
	free(t->sheet);
	free(t->sheets);
	free(t->sheet_list);
	free(t->part);
	free(t->xfpad);
	buf_release(&t->spread);
	buf_release(&t->rowbuf);
	xls_release(&t->xls);
	free(t->rowoff);
	free_cols(t);
	for (i = 0; i < t->nsets; i++) {
		for (j = 0; j < t->sets[i].n; j++) {
			free(t->sets[i].v[j].str);
			free(t->sets[i].v[j].code);
			free(t->sets[i].v[j].label);
		}
		free(t->sets[i].v);
		free(t->sets[i].name);
	}
	free(t->sets);
	free(t->cells);
	free(t->lens);
	free(t->path);
	free(t);
}

enum table_format table_format(const struct table *t)
{
	return t->fmt;
}

const struct csv_reader *table_csv(const struct table *t)
{
	return t->fmt == TABLE_CSV ? t->csv : NULL;
}

size_t table_ncols(const struct table *t)
{
	return t->ncols;
}

const char *table_col_name(const struct table *t, size_t i)
{
	if (t->fmt == TABLE_CSV)
		return csv_header_name(t->csv, i);
	return i < t->ncols && t->col[i].name ? t->col[i].name : "";
}

size_t table_sheets(const struct table *t, const char **names)
{
	*names = t->sheets ? t->sheets : "";
	return t->nsheets;
}

const char *table_sheet(const struct table *t)
{
	return t->sheet;
}

const char *table_sheet_name(const struct table *t, size_t i)
{
	const char *p = t->sheet_list;

	if (i >= t->nsheets)
		return NULL;
	while (i--)
		p += strlen(p) + 1;
	return p;
}

const char *table_col_label(const struct table *t, size_t i)
{
	return t->fmt == TABLE_CSV || i >= t->ncols ? NULL : t->col[i].label;
}

int table_col_numeric(const struct table *t, size_t i)
{
	return t->fmt != TABLE_CSV && !is_sheet(t) && i < t->ncols && t->col[i].numeric;
}

/* Columns answering to `name` by name (by_label 0) or by label (1). */
static int find_by(const struct table *t, const char *name, int by_label, size_t *idx,
		   struct kerr *e)
{
	size_t i, j, hit = (size_t)-1;

	for (i = 0; i < t->ncols; i++) {
		const char *s = by_label ? table_col_label(t, i) : table_col_name(t, i);

		if (!s || !csv_name_equal(s, name))
			continue;
		if (hit != (size_t)-1) {
			j = hit;
			kerr_set(e, KERR_SCHEMA, "columns %zu (\"%s\") and %zu (\"%s\") both answer "
				 "to \"%s\"; rename one of them", j + 1, table_col_name(t, j), i + 1,
				 table_col_name(t, i), name);
			kerr_at(e, t->path, is_sheet(t) ? t->hrow : 1, 0);
			kerr_path(e, "%s", name);
			return KERR_SCHEMA;
		}
		hit = i;
	}
	if (hit == (size_t)-1)
		return KERR_NOTFOUND;
	*idx = hit;
	return 0;
}

int table_find(const struct table *t, const char *name, size_t *idx, struct kerr *e)
{
	struct buf list = BUF_INIT;
	size_t i;
	int rc;

	if (t->fmt == TABLE_CSV)
		return csv_header_find(t->csv, name, idx, e);
	if ((rc = find_by(t, name, 0, idx, e)) != KERR_NOTFOUND)
		return rc;
	if ((rc = find_by(t, name, 1, idx, e)) != KERR_NOTFOUND)
		return rc;
	for (i = 0; i < t->ncols; i++)
		buf_addf(&list, "%s\"%s\"", i ? ", " : "", table_col_name(t, i));
	if (is_sheet(t) && t->spread.len)
		/* SurveyXact splits a wide dataset over "Dataset(1)", "Dataset(2)" */
		kerr_set(e, KERR_NOTFOUND, "no column \"%s\" in the header (row %ld of sheet "
			 "\"%s\"), and no sheet has all the columns asked for: %s; the survey is "
			 "split over sheets: export it as CSV, or copy its columns onto one sheet "
			 "and give that sheet with --sheet", name, t->hrow, t->sheet ? t->sheet : "",
			 t->spread.data);
	else if (is_sheet(t))
		kerr_set(e, KERR_NOTFOUND, "no column \"%s\" in the header (row %ld of sheet "
			 "\"%s\"); the columns are: %s; if the header is further down, delete the "
			 "rows above it%s%s%s", name, t->hrow, t->sheet ? t->sheet : "", list.data,
			 t->nsheets > 1 ? "; if the survey is on another sheet (the workbook has "
			 : "", t->nsheets > 1 ? t->sheets : "", t->nsheets > 1 ? "), name it with "
			 "--sheet or with \"sheet\" in corpus.json" : "");
	else
		kerr_set(e, KERR_NOTFOUND, "no column \"%s\"; the columns are: %s", name, list.data);
	kerr_at(e, t->path, is_sheet(t) ? t->hrow : 1, 0);
	kerr_path(e, "%s", name);
	buf_release(&list);
	return KERR_NOTFOUND;
}

size_t table_nlabels(const struct table *t, size_t col)
{
	return col < t->ncols && t->col && t->col[col].ls ? t->col[col].ls->n : 0;
}

const char *table_label_code(const struct table *t, size_t col, size_t i)
{
	return i < table_nlabels(t, col) ? t->col[col].ls->v[i].code : NULL;
}

const char *table_label_text(const struct table *t, size_t col, size_t i)
{
	return i < table_nlabels(t, col) ? t->col[col].ls->v[i].label : NULL;
}

const char *table_value_code(const struct table *t, size_t col, const char *text)
{
	size_t i, n = table_nlabels(t, col);

	for (i = 0; text && i < n; i++)
		if (!strcmp(t->col[col].ls->v[i].label, text))
			return t->col[col].ls->v[i].code;
	return NULL;
}

/*
 * export.c - the coded data set in .sav, .zsav, .dta, .xlsx or CSV (see
 * export.h).
 *
 * The columns are decided once in export_open (the original ones, then per
 * question its categories and nets, the codes and who decided); each row is
 * then written through the format's own writer.
 */
#include "export.h"
#include "buf.h"
#include "csv.h"
#include "error.h"
#include "outfile.h"
#include "survey.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readstat.h>
#include <xlsxwriter.h>

#define DTA_MAX_STR 2045       /* Stata 14+ str# limit */
#define SAV_MAX_STR 32767

enum xkind { X_ORIG_STR, X_ORIG_NUM, X_CAT, X_CODES, X_WHO };

struct xcol {
	enum xkind kind;
	char *name, *label;
	size_t src;                /* X_ORIG_*: source column */
	size_t q, k;               /* X_CAT, X_CODES, X_WHO: question, category */
	size_t width;              /* strings: bytes */
	readstat_variable_t *var;
};

struct export {
	enum export_format f;
	struct outfile o;
	const struct survey *src;
	struct tally **ts;      /* copy of the caller's array */
	char **names;           /* what each question's columns are named after */
	size_t nq;
	struct xcol *col;
	size_t ncol;
	long nrows, written;
	/* readstat */
	readstat_writer_t *w;
	int w_err;
	/* .sav: the dictionary is held until the first row is written, so the
	 * multiple-response sets can go in before its terminator */
	struct buf hdr;
	int hdr_done;
	/* xlsx */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	/* csv */
	struct buf line;
	/* scratch */
	struct buf codes;
	unsigned char *net;        /* derived flags incl. nets, per question */
	int begun;
};

int export_format_parse(const char *s, enum export_format *f)
{
	static const char *const names[] = { "csv", "xlsx", "sav", "zsav", "dta" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i])) {
			*f = (enum export_format)i;
			return 0;
		}
	return KERR_INVALID;
}

int export_format_of_path(const char *path, enum export_format *f)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return KERR_INVALID;
	return export_format_parse(dot + 1, f);
}

static int is_stat(enum export_format f)
{
	return f == EXPORT_SAV || f == EXPORT_ZSAV || f == EXPORT_DTA;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const spss_reserved[] = { "ALL", "AND", "BY", "EQ", "GE", "GT", "LE",
	"LT", "NE", "NOT", "OR", "TO", "WITH" };

/* A valid variable name for the format from `s` (owned by the caller). */
static char *valid_name(const char *s, enum export_format f)
{
	size_t max = f == EXPORT_DTA ? 32 : 64, n = 0;
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	if (!is_stat(f))
		return strdup(s);
	for (; *p && b.len < max + 8; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
			buf_addch(&b, (char)c);
		else if (c >= 0x80 && f != EXPORT_DTA)
			buf_addch(&b, (char)c);    /* SPSS takes letters beyond ASCII */
		else if (c == 0xC3 && f == EXPORT_DTA && p[1]) {
			/* Stata: the Danish letters spelled out, the rest as _ */
			switch (p[1]) {
			case 0xA6: buf_adds(&b, "ae"); break;
			case 0xB8: buf_adds(&b, "oe"); break;
			case 0xA5: buf_adds(&b, "aa"); break;
			case 0x86: buf_adds(&b, "Ae"); break;
			case 0x98: buf_adds(&b, "Oe"); break;
			case 0x85: buf_adds(&b, "Aa"); break;
			default: buf_addch(&b, '_'); break;
			}
			p++;
		} else if (c >= 0x80) {
			if ((c & 0xC0) != 0x80)
				buf_addch(&b, '_');
		} else if (b.len && b.data[b.len - 1] != '_')
			buf_addch(&b, '_');
	}
	while (b.len && b.data[b.len - 1] == '_')
		b.len--;
	b.data[b.len] = 0;
	if (!b.len || (b.data[0] >= '0' && b.data[0] <= '9') || b.data[0] == '_') {
		struct buf v = BUF_INIT;

		buf_addf(&v, "v%s", b.data);
		buf_release(&b);
		b = v;
	}
	/* cut at max bytes, on a character boundary */
	n = b.len > max ? max : b.len;
	while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
		n--;
	buf_truncate(&b, n);
	for (size_t i = 0; i < sizeof(spss_reserved) / sizeof(spss_reserved[0]); i++)
		if (!strcasecmp(b.data, spss_reserved[i]))
			buf_addch(&b, '_');
	return buf_detach(&b, NULL);
}

static int name_taken(const struct export *x, const char *name)
{
	for (size_t i = 0; i < x->ncol; i++)
		if (!strcasecmp(x->col[i].name, name))
			return 1;
	return 0;
}

/* Add a column named after `want` (made valid and unique). */
static struct xcol *add_col(struct export *x, enum xkind kind, const char *want, const char *label)
{
	struct xcol *c;
	char *name = valid_name(want, x->f);
	size_t max = x->f == EXPORT_DTA ? 32 : 64;

	if (!name)
		return NULL;
	if (is_stat(x->f) || x->f == EXPORT_CSV || x->f == EXPORT_XLSX) {
		for (int nth = 2; name_taken(x, name); nth++) {
			char suf[16], *nn;
			size_t keep = strlen(name);

			snprintf(suf, sizeof(suf), "_%d", nth);
			if (keep + strlen(suf) > max && is_stat(x->f))
				keep = max - strlen(suf);
			while (keep && ((unsigned char)name[keep] & 0xC0) == 0x80)
				keep--;
			if (!(nn = malloc(keep + strlen(suf) + 1))) {
				free(name);
				return NULL;
			}
			memcpy(nn, name, keep);
			strcpy(nn + keep, suf);
			free(name);
			name = nn;
			if (nth > 10000)
				break;
		}
	}
	c = realloc(x->col, (x->ncol + 1) * sizeof(*c));
	if (!c) {
		free(name);
		return NULL;
	}
	x->col = c;
	c = &x->col[x->ncol++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->name = name;
	c->label = label ? strdup(label) : NULL;
	c->width = 1;
	return c;
}

/* ---- readstat ------------------------------------------------------------- */

static ssize_t rs_write(const void *data, size_t len, void *ctx)
{
	struct export *x = ctx;

	if (!x->hdr_done) {
		if (buf_add_slow(&x->hdr, data, len)) {
			x->w_err = ENOMEM;
			return -1;
		}
		return (ssize_t)len;
	}
	if (fwrite(data, 1, len, x->o.fp) != len) {
		x->w_err = errno ? errno : EIO;
		return -1;
	}
	return (ssize_t)len;
}

/* ---- SPSS multiple-response sets ------------------------------------------- */

static int32_t rd32(const char *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Upper-case ASCII copy for comparing SPSS names. */
static int same_name(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	return an == bn && !strncasecmp(a, b, an);
}

/*
 * Walk the dictionary in x->hdr (readstat wrote it in this machine's byte
 * order) to the terminator record (999); on the way collect the long
 * variable names record (7/13: SHORT=Long, tab-separated), which gives the
 * short names the set record must use.  Returns the terminator's offset or
 * -1 when the dictionary is not as expected (then no set is written).
 */
static long find_terminator(const struct export *x, const char **names13, size_t *n13)
{
	const char *d = x->hdr.data;
	size_t len = x->hdr.len, pos = 176;

	*names13 = NULL;
	*n13 = 0;
	if (len < 176 || memcmp(d, "$FL2", 4))
		return -1;
	while (pos + 4 <= len) {
		int32_t type = rd32(d + pos);

		if (type == 999)
			return (long)pos;
		if (type == 2) {
			int32_t has_label, nmiss;

			if (pos + 32 > len)
				return -1;
			has_label = rd32(d + pos + 8);
			nmiss = rd32(d + pos + 12);
			pos += 32;
			if (has_label) {
				int32_t l;

				if (pos + 4 > len)
					return -1;
				l = rd32(d + pos);
				pos += 4 + (size_t)((l + 3) / 4 * 4);
			}
			pos += (size_t)(nmiss < 0 ? -nmiss : nmiss) * 8;
		} else if (type == 3) {
			int32_t n;

			if (pos + 8 > len)
				return -1;
			n = rd32(d + pos + 4);
			pos += 8;
			for (int32_t i = 0; i < n && pos + 9 <= len; i++) {
				size_t l = (unsigned char)d[pos + 8];

				pos += 8 + (1 + l + 7) / 8 * 8;
			}
		} else if (type == 4) {
			if (pos + 8 > len)
				return -1;
			pos += 8 + (size_t)rd32(d + pos + 4) * 4;
		} else if (type == 6) {
			if (pos + 8 > len)
				return -1;
			pos += 8 + (size_t)rd32(d + pos + 4) * 80;
		} else if (type == 7) {
			int32_t sub, size, count;

			if (pos + 16 > len)
				return -1;
			sub = rd32(d + pos + 4);
			size = rd32(d + pos + 8);
			count = rd32(d + pos + 12);
			if (sub == 13) {
				*names13 = d + pos + 16;
				*n13 = (size_t)size * (size_t)count;
			}
			pos += 16 + (size_t)size * (size_t)count;
		} else
			return -1;
	}
	return -1;
}

/* The short name of variable `want`, from the 7/13 record or, without one,
 * the name itself (then it is short).  Lower case into out. */
static int short_name(const char *r13, size_t n13, const char *want, char out[16])
{
	const char *p = r13, *end = r13 ? r13 + n13 : NULL;

	while (p && p < end) {
		const char *tab = memchr(p, '	', (size_t)(end - p)), *eq;
		const char *stop = tab ? tab : end;

		eq = memchr(p, '=', (size_t)(stop - p));
		if (eq && same_name(eq + 1, (size_t)(stop - eq - 1), want) && eq - p < 16) {
			size_t n = (size_t)(eq - p);

			for (size_t i = 0; i < n; i++)
				out[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
			out[n] = 0;
			return 0;
		}
		p = tab ? tab + 1 : end;
	}
	if (strlen(want) > 8)
		return -1;
	for (size_t i = 0; i <= strlen(want); i++)
		out[i] = (char)((want[i] >= 'A' && want[i] <= 'Z') ? want[i] + 32 : want[i]);
	return 0;
}

/*
 * Write the held dictionary with a 7/7 record declaring, per question, a
 * multiple dichotomy set ($QUESTION, counted value 1, the question as label)
 * of its category columns (not the nets: a net repeats its members), just
 * before the terminator.  Without a recognisable dictionary the file is
 * written as readstat made it.
 */
static int flush_header(struct export *x)
{
	const char *r13;
	size_t n13;
	long term = find_terminator(x, &r13, &n13);
	struct buf rec = BUF_INIT;
	int rc = 0;

	x->hdr_done = 1;
	for (size_t q = 0; term > 0 && q < x->nq; q++) {
		const struct tally *t = x->ts[q];
		struct buf vars = BUF_INIT;
		char *setname = valid_name(x->names[q], EXPORT_SAV);
		const char *label = t->question ? t->question : t->qid;
		size_t nvars = 0;

		for (size_t i = 0; i < x->ncol; i++) {
			char sn[16];

			if (x->col[i].kind != X_CAT || x->col[i].q != q
			    || t->cats[x->col[i].k].is_net)
				continue;
			if (short_name(r13, n13, x->col[i].name, sn)) {
				nvars = 0;
				break;
			}
			buf_addf(&vars, " %s", sn);
			nvars++;
		}
		if (nvars >= 2 && setname)
			buf_addf(&rec, "$%s=D1 1 %zu %s%s\n", setname, strlen(label), label, vars.data);
		free(setname);
		buf_release(&vars);
	}
	if (term > 0 && rec.len) {
		int32_t head[4] = { 7, 7, 1, (int32_t)rec.len };

		if (fwrite(x->hdr.data, 1, (size_t)term, x->o.fp) != (size_t)term
		    || fwrite(head, 1, sizeof(head), x->o.fp) != sizeof(head)
		    || fwrite(rec.data, 1, rec.len, x->o.fp) != rec.len
		    || fwrite(x->hdr.data + term, 1, x->hdr.len - (size_t)term, x->o.fp)
		       != x->hdr.len - (size_t)term)
			rc = -1;
	} else if (fwrite(x->hdr.data, 1, x->hdr.len, x->o.fp) != x->hdr.len)
		rc = -1;
	if (rc)
		x->w_err = errno ? errno : EIO;
	buf_release(&rec);
	buf_release(&x->hdr);
	return rc;
}

/* Count rows and the widest value of each string column. */
static int measure(struct export *x, const struct corpus *c, const char *survey,
		   const struct survey_opts *so, struct kerr *e)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey *sv;
	struct survey_row row;
	int rc;

	if ((rc = survey_open(&sv, c, survey, so, &errs))) {
		if (errs.n)
			*e = errs.items[0];
		else
			kerr_set(e, rc, "cannot read the survey again");
		kerr_list_release(&errs);
		return rc;
	}
	x->nrows = 0;
	while ((rc = survey_next(sv, &row, e)) != SURVEY_END) {
		if (rc < 0) {
			if (-rc == KERR_SYNTAX)
				continue;
			survey_close(sv);
			return -rc;
		}
		x->nrows += row.row_done;   /* a wide export's file row once */
		for (size_t i = 0; i < x->ncol; i++) {
			struct xcol *col = &x->col[i];

			if (col->kind == X_ORIG_STR && col->src < row.nfields
			    && row.len[col->src] > col->width)
				col->width = row.len[col->src];
		}
	}
	survey_close(sv);
	return 0;
}

static int rs_setup(struct export *x, struct kerr *e)
{
	readstat_label_set_t *mention;
	readstat_error_t err;
	size_t maxw = x->f == EXPORT_DTA ? DTA_MAX_STR : SAV_MAX_STR;

	if (!(x->w = readstat_writer_init()))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	/* the sets go into plain .sav only: .zsav's data header holds file
	 * offsets that an inserted record would shift */
	x->hdr_done = x->f != EXPORT_SAV;
	buf_init(&x->hdr, 0);
	readstat_set_data_writer(x->w, rs_write);
	if (x->f == EXPORT_ZSAV)
		readstat_writer_set_compression(x->w, READSTAT_COMPRESS_BINARY);
	if (x->f == EXPORT_DTA)
		readstat_writer_set_file_format_version(x->w, 118);
	mention = readstat_add_label_set(x->w, READSTAT_TYPE_DOUBLE, "naevnt");
	readstat_label_double_value(mention, 0, "ikke nævnt");
	readstat_label_double_value(mention, 1, "nævnt");
	for (size_t i = 0; i < x->ncol; i++) {
		struct xcol *c = &x->col[i];

		if (c->kind == X_ORIG_NUM || c->kind == X_CAT) {
			c->var = readstat_add_variable(x->w, c->name, READSTAT_TYPE_DOUBLE, 0);
			if (c->kind == X_CAT) {
				readstat_variable_set_label_set(c->var, mention);
				readstat_variable_set_format(c->var, x->f == EXPORT_DTA ? "%1.0f" : "F1.0");
				readstat_variable_set_measure(c->var, READSTAT_MEASURE_NOMINAL);
			} else if (survey_nlabels(x->src, c->src)) {
				char setname[40];
				readstat_label_set_t *ls;

				snprintf(setname, sizeof(setname), "ls%zu", c->src);
				ls = readstat_add_label_set(x->w, READSTAT_TYPE_DOUBLE, setname);
				for (size_t j = 0; j < survey_nlabels(x->src, c->src); j++)
					readstat_label_double_value(ls,
						strtod(survey_label_code(x->src, c->src, j), NULL),
						survey_label_text(x->src, c->src, j));
				readstat_variable_set_label_set(c->var, ls);
			}
		} else {
			if (c->width > maxw)
				return kerr_set(e, KERR_LIMIT, "column \"%s\" holds a value of %zu bytes; "
						"%s takes at most %zu: export as .sav, .xlsx or .csv", c->name,
						c->width, x->f == EXPORT_DTA ? "Stata" : "SPSS", maxw);
			c->var = readstat_add_variable(x->w, c->name, READSTAT_TYPE_STRING, c->width);
		}
		if (!c->var)
			return kerr_set(e, KERR_NOMEM, "out of memory");
		if (c->label && *c->label) {
			char lab[256];

			/* Stata labels hold 80 bytes, SPSS 255: cut on a character */
			size_t max = x->f == EXPORT_DTA ? 80 : 255, n = strlen(c->label);

			if (n > max) {
				n = max;
				while (n && ((unsigned char)c->label[n] & 0xC0) == 0x80)
					n--;
			}
			memcpy(lab, c->label, n);
			lab[n] = 0;
			readstat_variable_set_label(c->var, lab);
		}
	}
	err = x->f == EXPORT_DTA ? readstat_begin_writing_dta(x->w, x, x->nrows)
		: readstat_begin_writing_sav(x->w, x, x->nrows);
	if (err != READSTAT_OK)
		return kerr_set(e, x->w_err ? KERR_IO : KERR_INVALID, "cannot write the %s file: %s",
				x->f == EXPORT_DTA ? "Stata" : "SPSS", readstat_error_message(err));
	x->begun = 1;
	return 0;
}

/* ---- open ------------------------------------------------------------------- */

static const char *cat_label(const struct tally_cat *c)
{
	return c->label && *c->label ? c->label : c->id;
}

int export_open(struct export **out, const char *path, enum export_format f,
		const struct corpus *cp, const char *survey, const struct survey_opts *so,
		const struct survey *src, struct tally *const *ts, const char *const *names,
		size_t nq, struct kerr *e)
{
	struct export *x;
	size_t maxcats = 1;
	int rc = 0;

	*out = NULL;
	if ((f != EXPORT_CSV) && (!path || !strcmp(path, "-")))
		return kerr_set(e, KERR_INVALID, "a %s file cannot go to standard output; give "
				"-o FILE", f == EXPORT_XLSX ? "xlsx" : f == EXPORT_DTA ? "Stata" : "SPSS");
	if (!(x = calloc(1, sizeof(*x))))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	x->f = f;
	x->src = src;
	if (!(x->ts = malloc((nq ? nq : 1) * sizeof(*x->ts)))) {
		free(x);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	memcpy(x->ts, ts, nq * sizeof(*x->ts));
	x->nq = nq;
	if (!(x->names = calloc(nq + 1, sizeof(*x->names))))
		goto oom;
	for (size_t q = 0; q < nq; q++)
		if (!(x->names[q] = strdup(names ? names[q] : ts[q]->qid)))
			goto oom;
	buf_init(&x->line, 0);
	buf_init(&x->codes, 0);
	for (size_t i = 0; i < survey_ncolumns(src); i++) {
		const char *name = survey_column_name(src, i), *label = survey_column_label(src, i);
		struct xcol *col = add_col(x, survey_column_numeric(src, i) ? X_ORIG_NUM : X_ORIG_STR,
					   name, label ? label : name);

		if (!col)
			goto oom;
		col->src = i;
	}
	for (size_t q = 0; q < nq; q++) {
		const struct tally *t = ts[q];
		const char *qid = x->names[q];
		struct buf nm = BUF_INIT;
		struct xcol *c;
		size_t w = strlen("ingen_svar");

		if (t->ncats > maxcats)
			maxcats = t->ncats;
		for (size_t k = 0; k < t->ncats; k++) {
			buf_reset(&nm);
			buf_addf(&nm, "%s_%s", qid, t->cats[k].id);
			if (!(c = add_col(x, X_CAT, nm.data, cat_label(&t->cats[k]))))
				goto oom_nm;
			c->q = q;
			c->k = k;
			if (!t->cats[k].is_net)
				w += strlen(t->cats[k].id) + 1;
		}
		buf_reset(&nm);
		buf_addf(&nm, "%s_koder", qid);
		if (!(c = add_col(x, X_CODES, nm.data, "Endelige koder (kategori-id'er)")))
			goto oom_nm;
		c->q = q;
		c->width = w;
		buf_reset(&nm);
		buf_addf(&nm, "%s_kilde", qid);
		if (!(c = add_col(x, X_WHO, nm.data, "Hvem besluttede koderne: coder (en koder) "
				  "eller engine (regelmotoren)")))
			goto oom_nm;
		c->q = q;
		c->width = 6;
		buf_release(&nm);
		continue;
oom_nm:
		buf_release(&nm);
		goto oom;
	}
	if (!(x->net = calloc(maxcats, 1)))
		goto oom;
	if (is_stat(f) && (rc = measure(x, cp, survey, so, e)))
		goto fail;
	if ((rc = outfile_open(&x->o, path, e)))
		goto fail;
	if (is_stat(f)) {
		if ((rc = rs_setup(x, e)))
			goto fail;
	} else if (f == EXPORT_XLSX) {
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE, .tmpdir = NULL };

		fclose(x->o.fp);
		x->o.fp = NULL;
		if (!(x->wb = workbook_new_opt(x->o.tmp, &wo))
		    || !(x->ws = workbook_add_worksheet(x->wb, "Data"))) {
			rc = kerr_set(e, KERR_IO, "cannot create the workbook");
			goto fail;
		}
		x->bold = workbook_add_format(x->wb);
		format_set_bold(x->bold);
		for (size_t i = 0; i < x->ncol; i++)
			worksheet_write_string(x->ws, 0, (lxw_col_t)i, x->col[i].name, x->bold);
	} else {
		buf_adds(&x->line, "\xEF\xBB\xBF");
		for (size_t i = 0; i < x->ncol; i++) {
			if (i)
				buf_addch(&x->line, ';');
			csv_add_field(&x->line, x->col[i].name, strlen(x->col[i].name), ';');
		}
		buf_adds(&x->line, "\r\n");
		if (fwrite(x->line.data, 1, x->line.len, x->o.fp) != x->line.len) {
			rc = kerr_errno(e, errno, path, "cannot write");
			goto fail;
		}
	}
	*out = x;
	return 0;
oom:
	rc = kerr_set(e, KERR_NOMEM, "out of memory");
fail:
	if (path)
		kerr_at(e, path, 0, 0);
	export_free(x);
	return rc;
}

/* ---- rows --------------------------------------------------------------------- */

/* Flags with nets derived (a net is mentioned if any member is). */
static const unsigned char *with_nets(struct export *x, const struct tally *t,
				      const unsigned char *flags)
{
	memset(x->net, 0, t->ncats);
	for (size_t k = 0; flags && k < t->ncats; k++)
		if (flags[k] && !t->cats[k].is_net) {
			x->net[k] = 1;
			if (t->cats[k].net >= 0)
				x->net[t->cats[k].net] = 1;
		}
	return x->net;
}

static void codes_text(struct export *x, const struct tally *t, const struct export_answer *a)
{
	buf_reset(&x->codes);
	if (a->kind == TALLY_NONSUBST) {
		buf_adds(&x->codes, "ingen_svar");
		return;
	}
	if (a->kind != TALLY_SUBST)
		return;
	for (size_t k = 0; a->flags && k < t->ncats; k++)
		if (a->flags[k] && !t->cats[k].is_net)
			buf_addf(&x->codes, "%s%s", x->codes.len ? ";" : "", t->cats[k].id);
}

/* The value of column c in this row: *num >= 0 for a number (mis = 0) or a
 * string in *s; *mis for missing. */
static void cell(struct export *x, const struct xcol *c, const table_row *row,
		 const struct export_answer *a, const unsigned char **flagsq, const char **s,
		 double *num, int *is_num, int *mis)
{
	*s = "";
	*is_num = 0;
	*mis = 0;
	switch (c->kind) {
	case X_ORIG_STR:
		*s = c->src < row->n ? row->field[c->src] : "";
		break;
	case X_ORIG_NUM: {
		const char *v = c->src < row->n ? row->field[c->src] : "", *code;
		char *end;

		*is_num = 1;
		if (!*v) {
			*mis = 1;
			break;
		}
		code = survey_value_code(x->src, c->src, v);
		if (code && !is_stat(x->f)) {
			/* a spreadsheet shows the label ("Leder"), as the survey reads */
			*is_num = 0;
			*s = v;
			break;
		}
		*num = strtod(code ? code : v, &end);
		if (end == (code ? code : v))
			*mis = 1;
		break;
	}
	case X_CAT:
		*is_num = 1;
		if (a[c->q].kind != TALLY_SUBST)
			*mis = 1;
		else
			*num = flagsq[c->q][c->k] ? 1 : 0;
		break;
	case X_CODES:
		codes_text(x, x->ts[c->q], &a[c->q]);
		*s = x->codes.data;
		break;
	case X_WHO:
		*s = a[c->q].kind == TALLY_EMPTY && !a[c->q].reviewed ? ""
			: a[c->q].reviewed ? "coder" : "engine";
		break;
	}
}

int export_row(struct export *x, const table_row *row, const struct export_answer *a,
	       struct kerr *e)
{
	const unsigned char *fl[64], **flagsq = fl;
	unsigned char *store = NULL;
	size_t off = 0;
	int rc = 0;

	if (x->nq > 64 && !(flagsq = malloc(x->nq * sizeof(*flagsq))))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	/* each question's flags with nets: one buffer, as x->net is shared */
	{
		size_t tot = 0;

		for (size_t q = 0; q < x->nq; q++)
			tot += x->ts[q]->ncats;
		if (!(store = malloc(tot ? tot : 1))) {
			if (flagsq != fl)
				free(flagsq);
			return kerr_set(e, KERR_NOMEM, "out of memory");
		}
		for (size_t q = 0; q < x->nq; q++) {
			memcpy(store + off, with_nets(x, x->ts[q], a[q].flags), x->ts[q]->ncats);
			flagsq[q] = store + off;
			off += x->ts[q]->ncats;
		}
	}
	if (is_stat(x->f)) {
		if (x->written >= x->nrows)
			rc = kerr_set(e, KERR_INVALID, "more rows than the survey had when counted");
		else if (readstat_begin_row(x->w) != READSTAT_OK)
			rc = KERR_IO;
	} else if (x->f == EXPORT_CSV)
		buf_reset(&x->line);
	for (size_t i = 0; !rc && i < x->ncol; i++) {
		const struct xcol *c = &x->col[i];
		const char *s;
		double num = 0;
		int is_num, mis;
		readstat_error_t err = READSTAT_OK;

		cell(x, c, row, a, flagsq, &s, &num, &is_num, &mis);
		if (is_stat(x->f)) {
			if (is_num)
				err = mis ? readstat_insert_missing_value(x->w, c->var)
					: readstat_insert_double_value(x->w, c->var, num);
			else
				err = readstat_insert_string_value(x->w, c->var, s);
			if (err != READSTAT_OK)
				rc = kerr_set(e, x->w_err ? KERR_IO : KERR_INVALID, "cannot write row %ld: %s",
					      x->written + 1, readstat_error_message(err));
		} else if (x->f == EXPORT_XLSX) {
			lxw_row_t r = (lxw_row_t)x->written + 1;

			if (is_num && !mis)
				worksheet_write_number(x->ws, r, (lxw_col_t)i, num, NULL);
			else if (!is_num && *s)
				worksheet_write_string(x->ws, r, (lxw_col_t)i, s, NULL);
		} else {
			char nb[32];

			if (i)
				buf_addch(&x->line, ';');
			if (is_num && !mis) {
				snprintf(nb, sizeof(nb), "%.15g", num);
				buf_adds(&x->line, nb);
			} else if (!is_num)
				csv_add_field(&x->line, s, strlen(s), ';');
		}
	}
	if (!rc && is_stat(x->f) && readstat_end_row(x->w) != READSTAT_OK)
		rc = kerr_set(e, KERR_IO, "cannot write row %ld", x->written + 1);
	if (!rc && is_stat(x->f) && !x->hdr_done && flush_header(x))
		rc = kerr_errno(e, x->w_err, x->o.path, "cannot write");
	if (!rc && x->f == EXPORT_CSV) {
		buf_adds(&x->line, "\r\n");
		if (fwrite(x->line.data, 1, x->line.len, x->o.fp) != x->line.len)
			rc = kerr_errno(e, errno, x->o.path ? x->o.path : "-", "cannot write");
	}
	if (rc == KERR_IO && !e->msg[0])
		kerr_errno(e, x->w_err, x->o.path, "cannot write");
	free(store);
	if (flagsq != fl)
		free((void *)flagsq);
	if (!rc)
		x->written++;
	return rc;
}

int export_commit(struct export *x, struct kerr *e)
{
	int rc = 0;

	if (is_stat(x->f)) {
		readstat_error_t err = readstat_end_writing(x->w);

		x->begun = 0;
		if (err == READSTAT_OK && !x->hdr_done && flush_header(x))
			err = READSTAT_ERROR_WRITE;
		if (err != READSTAT_OK)
			rc = kerr_set(e, x->w_err ? KERR_IO : KERR_INVALID, "cannot finish the file: %s",
				      readstat_error_message(err));
	} else if (x->f == EXPORT_XLSX) {
		lxw_error le = workbook_close(x->wb);

		x->wb = NULL;
		if (le != LXW_NO_ERROR)
			rc = kerr_set(e, KERR_IO, "cannot write the workbook: %s", lxw_strerror(le));
	}
	if (rc) {
		kerr_at(e, x->o.path, 0, 0);
		export_free(x);
		return rc;
	}
	rc = outfile_commit(&x->o, e);
	memset(&x->o, 0, sizeof(x->o));
	export_free(x);
	return rc;
}

void export_free(struct export *x)
{
	if (!x)
		return;
	if (x->wb)
		workbook_close(x->wb);
	if (x->w)
		readstat_writer_free(x->w);
	outfile_abort(&x->o);
	for (size_t i = 0; i < x->ncol; i++) {
		free(x->col[i].name);
		free(x->col[i].label);
	}
	free(x->col);
	free(x->ts);
	for (size_t q = 0; x->names && q < x->nq; q++)
		free(x->names[q]);
	free(x->names);
	free(x->net);
	buf_release(&x->line);
	buf_release(&x->codes);
	buf_release(&x->hdr);
	free(x);
}

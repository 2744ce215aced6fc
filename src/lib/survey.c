/*
 * survey.c - reading a survey export row by row (see survey.h).
 */
#include "survey.h"
#include "buf.h"
#include "corpus.h"
#include "csv.h"
#include "error.h"
#include "strtab.h"
#include "table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The duplicate check's memory, the one thing here that grows with the
 * survey: (wave, id) hashes and the line each was first seen on, in
 * SEEN_PARTS tables picked by the hash's top bits.  Parts rather than one
 * table so that growing (a new table of twice the size, filled from the
 * old one) holds a part twice, not the whole check: with one table a
 * million respondents peaked at 48 MB while it grew.  Hashes and lines are
 * separate arrays, 12 bytes a slot rather than a padded 16 (and a 13th,
 * the file, for a survey in several files).
 */
#define SEEN_PARTS 64
#define SEEN_LINE_MAX UINT32_MAX   /* a line from here on is stored as this */

struct seen_part {
	uint64_t *h;       /* [mask + 1]; 0 = empty */
	uint32_t *line;    /* [mask + 1] */
	uint8_t *file;     /* [mask + 1]: the survey's file (CORPUS_MAX_FILES) */
	size_t mask, n;
};

/*
 * One wave or role column's values, each resolved once: a survey of a
 * million rows has a handful of distinct values, and resolving one
 * (corpus_wave_of: Unicode normalisation and case folding against every
 * name the descriptor lists) costs far more than a hash lookup.
 */
struct group_val {
	long idx;          /* into the corpus's waves / roles, or -1 */
	const char *name;  /* the group name the rows get */
	char *own;         /* name, when it is the value itself (trimmed) */
};

struct group_cache {
	struct strtab tab;      /* value as written -> index in val */
	struct group_val *val;
	size_t n, cap;
};

/*
 * A wide panel export (the descriptor names each question's column per
 * wave): each file row is given once per wave, with that wave's columns.
 */
struct wide_wave {
	long idx;               /* into the corpus's waves, or -1 */
	const char *name;       /* the group name the rows get */
	const char *key;        /* the wave as the descriptor wrote it */
	size_t *qcol;           /* [nq]: each question's column in this wave */
	size_t role_col;        /* this wave's role column */
};

/* The wave (or role) every row of a file has. */
struct fixed {
	long idx;               /* corpus index, or -1 */
	const char *name;       /* group name; NULL: each row's own, from its column */
	const char *key;        /* as the descriptor wrote it */
};

/*
 * One file of the survey: the whole survey, or one of the files the
 * descriptor names (corpus.h's struct corpus_file: a wave's, a role's, or
 * a wave's and role's).  Its columns are found in its own header (a later
 * wave's export may order them differently, or add some); `map` places
 * each in the survey's header.
 */
struct sfile {
	struct table *rd;       /* CSV, .sav, .zsav, .dta or .xlsx (table.h) */
	FILE *fp;
	int own_fp;
	struct buf name;        /* for messages */
	struct fixed wave, role;   /* what every row of the file has */
	const char *sheet;      /* an .xlsx file's sheet (corpus_file), or NULL */
	size_t id_col, wave_col, role_col;
	size_t *qcol;           /* [nq]: each question's column */
	size_t *map;            /* [table_ncols(rd)]: column -> the survey's header */
};

/* A column of the survey's header: the first file's columns, then each
 * later file's new ones; led by a wave (and a role) column koder adds
 * (file SURVEY_NO_COLUMN) when the files name their waves (roles), so that
 * every row still says its wave and role. */
struct scol {
	const char *name;
	size_t file, col;       /* the first file that has it, and its column there */
	int numeric;            /* numeric in every file that has it */
	long role;              /* what the descriptor reads from it (col_role) */
};

struct survey {
	const struct corpus *c;
	struct sfile *f;
	size_t nf, cur;         /* files, and the one being read */
	struct scol *col;       /* the survey's header (see struct scol) */
	size_t ncol;
	int remap;              /* rows are given in the survey's header order */
	size_t wave_ucol, role_ucol;   /* the columns koder adds, or SURVEY_NO_COLUMN */
	const char **ufield;    /* remap: the row given, [ncol] */
	size_t *ulen;
	const struct corpus_question **qs;
	size_t nq;
	const char **answer;
	size_t *answer_len;
	size_t index;
	int dup_check;
	char rownum[32];
	struct seen_part seen[SEEN_PARTS];
	struct group_cache wave, role;
	struct wide_wave *ww;   /* nww > 0: a wide export */
	size_t nww, wcur;       /* the next wave to give from the row held */
	table_row held;
	int holding, given;     /* a file row held; a row was given from it */
	int wide_whole;
};

static int wide_open(struct survey *s, struct kerr_list *errs);
static int is_wide(const struct corpus *c, const struct survey_opts *opts);
static const struct group_val *resolve(struct survey *s, struct group_cache *g, int role,
	size_t col, const char *value, size_t len);

static int add_err(struct kerr_list *errs, const struct kerr *e)
{
	if (errs)
		kerr_list_add(errs, e);
	return e->code;
}

static int nomem(struct kerr_list *errs)
{
	struct kerr e;

	kerr_clear(&e);
	return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
}

/* Column `name` of file f, into errs (file, line 1) when it has none. */
static int find_in(struct sfile *f, const char *name, size_t *idx, struct kerr_list *errs)
{
	struct kerr e;

	kerr_clear(&e);
	if (!table_find(f->rd, name, idx, &e))
		return 0;
	kerr_at(&e, f->name.data, e.line > 1 ? e.line : 1, 0);   /* an .xlsx header may be lower */
	/* the file is there and its header lacks the column: the file or the
	 * descriptor has a problem (exit 4), whichever sheet or format */
	if (e.code == KERR_NOTFOUND)
		e.code = KERR_SCHEMA;
	return add_err(errs, &e);
}

static int find(struct survey *s, const char *name, size_t *idx, struct kerr_list *errs)
{
	return find_in(&s->f[s->cur], name, idx, errs);
}

/* The column a per-wave map names for wave `wave` (a group name), or NULL
 * when it names none for that wave. */
static const char *col_for_wave(struct survey *s, const struct corpus_bywave *m,
	const char *wave)
{
	for (size_t j = 0; j < m->n; j++) {
		const struct group_val *v = resolve(s, &s->wave, 0, SURVEY_NO_COLUMN,
			m->wave[j], strlen(m->wave[j]));

		if (v && !strcmp(v->name, wave))
			return m->column[j];
	}
	return NULL;
}

/* Open file f (its name already set; fp set for standard input) and find
 * its columns.  Every missing column goes to errs; the first code is
 * returned. */
static int sfile_open(struct survey *s, struct sfile *f, const struct survey_opts *opts,
	struct kerr_list *errs)
{
	const struct corpus *c = s->c;
	struct table_opts topt = { .sheet = NULL };
	const char *name, **qname = NULL, **want = NULL;
	size_t nwant = 0;
	struct kerr e;
	int rc, first = 0;

	kerr_clear(&e);
	f->id_col = f->wave_col = f->role_col = SURVEY_NO_COLUMN;
	if (!f->fp) {
		char what[160];

		snprintf(what, sizeof what, "cannot open the survey%s%.60s%s%.60s%s",
			 f->wave.key || f->role.key ? "'s file for " : "",
			 f->wave.key ? f->wave.key : "", f->wave.key && f->role.key ? " / " : "",
			 f->role.key ? f->role.key : "",
			 f->wave.key || f->role.key ? " (the descriptor's \"survey\")" : "");
		if (!(f->fp = fopen(f->name.data, "rb")))
			return add_err(errs, (kerr_errno(&e, errno, f->name.data, what), &e));
		f->own_fp = 1;
	}
	/* the columns this file must have: in an .xlsx without a sheet named,
	 * the sheet that has them all is the survey */
	name = f->role.name ? NULL : c->role_col;   /* the file says the role */
	if (f->wave.name && c->role_by_wave.n)
		name = col_for_wave(s, &c->role_by_wave, f->wave.name);
	if (name && c->role_by_wave.n && is_wide(c, opts) && !f->wave.name)
		name = NULL;
	if (!(f->qcol = calloc(s->nq + 1, sizeof *f->qcol))
	    || !(qname = calloc(s->nq, sizeof *qname)) || !(want = calloc(s->nq + 4, sizeof *want))) {
		free(qname);
		return nomem(errs);
	}
	if (!opts->no_id && c->id_col)
		want[nwant++] = c->id_col;
	if (c->wave_col)
		want[nwant++] = c->wave_col;
	if (name)
		want[nwant++] = name;
	for (size_t i = 0; i < s->nq; i++) {
		const struct corpus_question *q = s->qs[i];

		if (q->by_wave.n && !f->wave.name)
			continue;   /* per wave in one file: wide_open */
		qname[i] = q->by_wave.n ? col_for_wave(s, &q->by_wave, f->wave.name) : q->column;
		if (qname[i] && !opts->optional_questions)
			want[nwant++] = qname[i];
	}
	topt.csv.encoding = (enum csv_encoding)opts->encoding;
	topt.csv.max_field = opts->max_field;
	topt.sheet = f->sheet ? f->sheet : opts->sheet;
	topt.want = want;
	rc = table_open_fp(&f->rd, f->fp, f->name.data, &topt, &e);
	free(want);
	if (rc) {
		free(qname);
		return add_err(errs, &e);
	}
	/* every missing column is reported, not only the first */
	if (!opts->no_id) {
		if (!c->id_col) {
			kerr_set(&e, KERR_SCHEMA, "no respondent id column; give --id");
			kerr_at(&e, f->name.data, 0, 0);
			first = add_err(errs, &e);
		} else if ((rc = find_in(f, c->id_col, &f->id_col, errs)) && !first)
			first = rc;
	}
	if (c->wave_col && (rc = find_in(f, c->wave_col, &f->wave_col, errs)) && !first)
		first = rc;
	if (name && (rc = find_in(f, name, &f->role_col, errs)) && !first)
		first = rc;
	for (size_t i = 0; i < s->nq; i++) {
		f->qcol[i] = SURVEY_NO_COLUMN;
		if (!qname[i])
			continue;   /* not asked in this file's wave, or wide_open's */
		if (opts->optional_questions) {
			if (table_find(f->rd, qname[i], &f->qcol[i], NULL))
				f->qcol[i] = SURVEY_NO_COLUMN;
		} else if ((rc = find_in(f, qname[i], &f->qcol[i], errs)) && !first) {
			first = rc;
		}
	}
	free(qname);
	return first;
}

/* Add a column to the survey's header; 0 or KERR_NOMEM. */
static int header_add(struct survey *s, const char *name, size_t file, size_t col, int numeric,
	long role)
{
	struct scol *n = realloc(s->col, (s->ncol + 1) * sizeof *n);

	if (!n)
		return KERR_NOMEM;
	s->col = n;
	s->col[s->ncol++] = (struct scol){ name, file, col, numeric, role };
	return 0;
}

/* What the descriptor reads from column j of file f: 0 the id, 1 the role,
 * 2 + i question i's answers, -1 nothing.  Files per wave may name these
 * differently ("id" labelled "Medarbejder-ID" in a .sav, "Q5" then "Q5_slut"),
 * yet each is one column of the survey. */
static long col_role(const struct survey *s, const struct sfile *f, size_t j)
{
	if (j == f->id_col)
		return 0;
	if (j == f->role_col)
		return 1;
	for (size_t i = 0; i < s->nq; i++)
		if (j == f->qcol[i])
			return 2 + (long)i;
	return -1;
}

/* Whether column j of file f is the survey's column k: the same role for
 * the descriptor, or the same name or label (compared as table_find does). */
static int same_col(const struct survey *s, const struct scol *k, const struct sfile *f,
	size_t j, long role)
{
	const struct table *kt = s->f[k->file].rd;
	const char *kl = table_col_label(kt, k->col), *n = table_col_name(f->rd, j),
		*l = table_col_label(f->rd, j);

	if (role >= 0 || k->role >= 0)
		return role == k->role;
	return csv_name_equal(k->name, n) || (kl && csv_name_equal(kl, n))
		|| (l && csv_name_equal(k->name, l)) || (kl && l && csv_name_equal(kl, l));
}

/*
 * The survey's header: with one file its own columns; with several, the
 * wave and role columns koder adds when the files name them ("wave",
 * "role", or "koder_wave" when a file has a "wave" of its own), the first
 * file's columns, then each later file's new ones (same_col: a column is
 * the same in two files when the descriptor reads the same thing from it,
 * or its name or label matches).  0 or KERR_NOMEM.
 */
static int header_build(struct survey *s)
{
	size_t i, j, k;

	s->wave_ucol = s->role_ucol = SURVEY_NO_COLUMN;
	for (int role = 0; role < 2; role++) {
		const char *name = role ? "role" : "wave";

		if (!(role ? s->f[0].role.name : s->f[0].wave.name))
			continue;
		for (i = 0; i < s->nf; i++)
			if (!table_find(s->f[i].rd, name, &j, NULL))
				name = role ? "koder_role" : "koder_wave";
		*(role ? &s->role_ucol : &s->wave_ucol) = s->ncol;
		if (header_add(s, name, SURVEY_NO_COLUMN, 0, 0, -1))
			return KERR_NOMEM;
		s->remap = 1;
	}
	if (s->nf > 1)
		s->remap = 1;
	for (i = 0; i < s->nf; i++) {
		struct sfile *f = &s->f[i];
		size_t n = table_ncols(f->rd);

		if (!(f->map = calloc(n + 1, sizeof *f->map)))
			return KERR_NOMEM;
		for (j = 0; j < n; j++) {
			const char *name = table_col_name(f->rd, j);
			int num = table_col_numeric(f->rd, j);
			long role = col_role(s, f, j);

			for (k = 0; k < s->ncol; k++)
				if (s->col[k].file != SURVEY_NO_COLUMN && s->col[k].file < i
				    && same_col(s, &s->col[k], f, j, role))
					break;
			if (k < s->ncol) {
				s->col[k].numeric &= num;
			} else if (header_add(s, name, i, j, num, role)) {
				return KERR_NOMEM;
			}
			f->map[j] = k;
			if (k != j)
				s->remap = 1;
		}
	}
	if (s->remap && (!(s->ufield = calloc(s->ncol + 1, sizeof *s->ufield))
			 || !(s->ulen = calloc(s->ncol + 1, sizeof *s->ulen))))
		return KERR_NOMEM;
	return 0;
}

/* The wave (role 0) or role (1) `key` of a file, resolved as a cell's
 * value would be; key NULL: none.  0 or KERR_NOMEM. */
static int fix(struct survey *s, int role, const char *key, struct fixed *out)
{
	const struct group_val *v;

	*out = (struct fixed){ -1, NULL, key };
	if (!key)
		return 0;
	if (!(v = resolve(s, role ? &s->role : &s->wave, role, SURVEY_NO_COLUMN, key,
			  strlen(key))))
		return KERR_NOMEM;
	out->idx = v->idx;
	out->name = v->name;
	return 0;
}

/* Whether a wave at corpus index `idx` is read before one at `prev` (-1:
 * a wave the descriptor does not list, read after those it lists, in the
 * order first named): the order of files and of a wide export's waves. */
static int wave_before(long idx, long prev)
{
	return idx >= 0 && (prev < 0 || prev > idx);
}

int survey_open(struct survey **out, const struct corpus *c, const char *path,
	const struct survey_opts *opts, struct kerr_list *errs)
{
	static const struct survey_opts none;
	const struct corpus_file *files = path ? NULL : c->files;
	struct survey *s = calloc(1, sizeof *s);
	struct kerr e;
	size_t i;
	int rc = 0, first = 0;

	*out = NULL;
	kerr_clear(&e);
	if (!opts)
		opts = &none;
	if (!s)
		return nomem(errs);
	s->c = c;
	s->dup_check = !opts->no_dup_check;
	s->wide_whole = opts->wide_whole;
	if (strtab_init(&s->wave.tab, 64) || strtab_init(&s->role.tab, 64)) {
		rc = nomem(errs);
		goto fail;
	}
	if (!path && !c->survey) {
		kerr_set(&e, KERR_SCHEMA, "the corpus names no survey file");
		rc = add_err(errs, &e);
		goto fail;
	}
	s->nf = files && c->nfiles ? c->nfiles : 1;
	s->qs = calloc(c->nquestions + 1, sizeof *s->qs);
	s->answer = calloc(c->nquestions + 1, sizeof *s->answer);
	s->answer_len = calloc(c->nquestions + 1, sizeof *s->answer_len);
	s->f = calloc(s->nf, sizeof *s->f);
	if (!s->qs || !s->answer || !s->answer_len || !s->f) {
		rc = nomem(errs);
		goto fail;
	}
	for (i = 0; i < c->nquestions; i++) {
		const struct corpus_question *q = &c->questions[i];

		if (opts->question && q != corpus_question_find(c, opts->question))
			continue;
		s->qs[s->nq++] = q;
	}
	if (opts->question && !s->nq) {
		kerr_set(&e, KERR_NOTFOUND, "no question '%s' in the corpus", opts->question);
		rc = add_err(errs, &e);
		goto fail;
	}
	if (files && c->nfiles) {
		if ((c->wave_col && files[0].wave) || (c->role_col && files[0].role)) {
			kerr_set(&e, KERR_SCHEMA, "the survey's files name their %s, so every "
				"row's %s is its file's; a %s column (%s) as well would say it "
				"twice: leave out --%s", files[0].wave ? "wave" : "role",
				files[0].wave ? "wave" : "role", files[0].wave ? "wave" : "role",
				files[0].wave ? c->wave_col : c->role_col,
				files[0].wave ? "wave" : "role");
			kerr_at(&e, c->survey, 0, 0);
			rc = add_err(errs, &e);
			goto fail;
		}
		for (i = 0; i < s->nf; i++) {
			struct sfile *f = &s->f[i];

			if (fix(s, 0, files[i].wave, &f->wave) || fix(s, 1, files[i].role, &f->role)) {
				rc = nomem(errs);
				goto fail;
			}
			f->sheet = files[i].sheet;
			buf_init(&f->name, 0);
			corpus_resolve(c, files[i].file, &f->name);
		}
		/* read in the descriptor's wave order (waves it does not list
		 * after), a wave's files as listed: a stable insertion sort */
		for (i = 1; i < s->nf; i++) {
			struct sfile tmp = s->f[i];
			size_t j;

			for (j = i; j > 0 && wave_before(tmp.wave.idx, s->f[j - 1].wave.idx); j--)
				s->f[j] = s->f[j - 1];
			s->f[j] = tmp;
		}
	} else {
		struct sfile *f = &s->f[0];

		buf_init(&f->name, 0);
		f->wave = f->role = (struct fixed){ -1, NULL, NULL };
		if (path && !strcmp(path, "-")) {
			f->fp = stdin;
			rc = buf_adds(&f->name, "<stdin>");
		} else if (path) {
			rc = buf_adds(&f->name, path);
		} else {
			corpus_resolve(c, c->survey, &f->name);
		}
		if (rc) {
			rc = nomem(errs);
			goto fail;
		}
	}
	for (i = 0; i < s->nf; i++) {
		s->cur = i;
		if ((rc = sfile_open(s, &s->f[i], opts, errs)) && !first)
			first = rc;
		if (!s->f[i].rd)
			break;   /* a file that cannot be read: the others' columns would
			            only add noise */
	}
	if ((rc = first))
		goto fail;
	if (header_build(s)) {
		rc = nomem(errs);
		goto fail;
	}
	s->cur = 0;
	if (s->nf == 1 && !s->f[0].wave.name && is_wide(c, opts)
	    && (rc = wide_open(s, errs)))
		goto fail;
	*out = s;
	return 0;
fail:
	survey_close(s);
	return rc;
}

static void group_cache_release(struct group_cache *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->val[i].own);
	free(g->val);
	strtab_release(&g->tab);
}

void survey_close(struct survey *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->f && i < s->nf; i++) {
		struct sfile *f = &s->f[i];

		table_close(f->rd);
		if (f->own_fp)
			fclose(f->fp);
		buf_release(&f->name);
		free(f->qcol);
		free(f->map);
	}
	free(s->f);
	free(s->col);
	free(s->ufield);
	free(s->ulen);
	free(s->qs);
	free(s->answer);
	free(s->answer_len);
	for (size_t i = 0; i < SEEN_PARTS; i++) {
		free(s->seen[i].h);
		free(s->seen[i].line);
		free(s->seen[i].file);
	}
	group_cache_release(&s->wave);
	group_cache_release(&s->role);
	for (size_t i = 0; i < s->nww; i++)
		free(s->ww[i].qcol);
	free(s->ww);
	free(s);
}

static uint64_t key_hash(const char *wave, const char *id, size_t n)
{
	uint64_t h = 1469598103934665603u;

	for (; *wave; wave++)
		h = (h ^ (unsigned char)*wave) * 1099511628211u;
	h = (h ^ 0x1f) * 1099511628211u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211u;
	h ^= h >> 31;
	return h ? h : 1;
}

/* Make part p twice as large (1024 slots at first), with each slot's file
 * when `files`; 0 or KERR_NOMEM. */
static int seen_grow(struct seen_part *p, int files)
{
	size_t cap = p->mask ? (p->mask + 1) * 2 : 1024, i, k;
	uint64_t *nh = calloc(cap, sizeof *nh);
	uint32_t *nl = malloc(cap * sizeof *nl);
	uint8_t *nf = files ? malloc(cap) : NULL;

	if (!nh || !nl || (files && !nf)) {
		free(nh);
		free(nl);
		free(nf);
		return KERR_NOMEM;
	}
	for (i = 0; p->h && i <= p->mask; i++)
		if (p->h[i]) {
			for (k = p->h[i] & (cap - 1); nh[k]; k = (k + 1) & (cap - 1))
				;
			nh[k] = p->h[i];
			nl[k] = p->line[i];
			if (nf)
				nf[k] = p->file[i];
		}
	free(p->h);
	free(p->line);
	free(p->file);
	p->h = nh;
	p->line = nl;
	p->file = nf;
	p->mask = cap - 1;
	return 0;
}

/* The line h was first seen on (and in *file the survey's file), or 0
 * after remembering it at `line` of the current file; -1 when out of
 * memory. */
static long seen_add(struct survey *s, uint64_t h, long line, size_t *file)
{
	/* the part: the top bits of h times an odd constant, which depend on
	 * every bit of h (ids that differ in their last letter differ in h's
	 * low bits only, and those pick the slot) */
	struct seen_part *p = &s->seen[(h * 0x9E3779B97F4A7C15u) >> 58];
	size_t k;

	if ((p->n + 1) * 4 > (p->mask + 1) * 3 && seen_grow(p, s->nf > 1))
		return -1;
	for (k = h & p->mask; p->h[k]; k = (k + 1) & p->mask)
		if (p->h[k] == h) {
			*file = p->file ? p->file[k] : 0;
			return p->line[k];
		}
	p->h[k] = h;
	if (p->file)
		p->file[k] = (uint8_t)s->cur;
	p->line[k] = (unsigned long)line < SEEN_LINE_MAX ? (uint32_t)line : SEEN_LINE_MAX;
	p->n++;
	return 0;
}

static int blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return 0;
	return 1;
}

/*
 * The group of a wave or role value: the descriptor's name for it (by name,
 * by one of its values, or by the code behind a .sav value label); else the
 * value itself, trimmed, and - when the descriptor lists no groups at all -
 * written as the first spelling seen that differs from it only in case or
 * composed/decomposed letters ("nulpunkt" and "Nulpunkt" are one wave, in
 * every command); "(ukendt)" for a blank value.  NULL when out of memory.
 */
static const struct group_val *resolve(struct survey *s, struct group_cache *g, int role,
	size_t col, const char *value, size_t len)
{
	static const struct group_val blank_val = { -1, SURVEY_UNKNOWN, NULL };
	const struct corpus *c = s->c;
	size_t a = 0, n = len, nlist = role ? c->nroles : c->nwaves;
	struct group_val v = { -1, NULL, NULL };
	const char *code;
	uint32_t k;

	if (len && strtab_get(&g->tab, value, len, &k))
		return &g->val[k];
	while (n && strchr(" \t\r\n", value[n - 1]))
		n--;
	while (a < n && strchr(" \t\r\n", value[a]))
		a++;
	if (a == n)
		return &blank_val;
	if (!(v.own = malloc(n - a + 1)))
		return NULL;
	memcpy(v.own, value + a, n - a);
	v.own[n - a] = '\0';
	v.idx = role ? corpus_role_of(c, v.own) : corpus_wave_of(c, v.own);
	/* a .sav cell reads as its value label; the descriptor may name the code */
	if (v.idx < 0 && col != SURVEY_NO_COLUMN
	    && (code = table_value_code(s->f[s->cur].rd, col, value)))
		v.idx = role ? corpus_role_of(c, code) : corpus_wave_of(c, code);
	if (v.idx >= 0) {
		v.name = role ? c->roles[v.idx].name : c->waves[v.idx].name;
	} else if (!nlist) {
		/* beyond a few hundred values (a near-unique column) the pairwise
		 * comparison would dominate; spellings are then taken as they are */
		for (size_t i = 0; i < g->n && g->n <= 256 && !v.name; i++)
			if (g->val[i].own && g->val[i].idx < 0 && g->val[i].name == g->val[i].own
			    && csv_name_equal(g->val[i].own, v.own))
				v.name = g->val[i].name;
	}
	if (v.idx >= 0 || v.name) {
		free(v.own);
		v.own = NULL;
	} else {
		v.name = v.own;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct group_val *nv = realloc(g->val, cap * sizeof *nv);

		if (!nv) {
			free(v.own);
			return NULL;
		}
		g->val = nv;
		g->cap = cap;
	}
	g->val[g->n] = v;
	if (strtab_put(&g->tab, value, len, (uint32_t)g->n, 0)) {
		free(v.own);
		return NULL;
	}
	return &g->val[g->n++];
}

/* Whether the questions read name their columns per wave. */
static int is_wide(const struct corpus *c, const struct survey_opts *opts)
{
	const struct corpus_question *only = opts->question
		? corpus_question_find(c, opts->question) : NULL;

	for (size_t i = 0; i < c->nquestions; i++)
		if ((!opts->question || &c->questions[i] == only) && c->questions[i].by_wave.n)
			return 1;
	return 0;
}

/* Add the waves a per-wave column map names to s->ww (each once). */
static int wide_add(struct survey *s, const struct corpus_bywave *m, struct kerr_list *errs)
{
	struct kerr e;

	for (size_t j = 0; j < m->n; j++) {
		const struct group_val *v = resolve(s, &s->wave, 0, SURVEY_NO_COLUMN,
			m->wave[j], strlen(m->wave[j]));
		struct wide_wave *w;
		size_t k;

		if (!v)
			return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		for (k = 0; k < s->nww && strcmp(s->ww[k].name, v->name); k++)
			;
		if (k < s->nww)
			continue;
		if (!(w = realloc(s->ww, (s->nww + 1) * sizeof *w)))
			return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		s->ww = w;
		w += s->nww++;
		memset(w, 0, sizeof *w);
		w->idx = v->idx;
		w->name = v->name;
		w->key = m->wave[j];
		w->role_col = SURVEY_NO_COLUMN;
		if (!(w->qcol = calloc(s->nq + 1, sizeof *w->qcol)))
			return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
	}
	return 0;
}

/* The column map m gives for wave w: found in the header (a missing one
 * into errs), or SURVEY_NO_COLUMN when m names none for that wave. */
static int wide_col(struct survey *s, const struct corpus_bywave *m, const struct wide_wave *w,
	size_t *col, struct kerr_list *errs)
{
	const char *name = col_for_wave(s, m, w->name);

	*col = SURVEY_NO_COLUMN;
	return name ? find(s, name, col, errs) : 0;
}

/*
 * A wide export: the waves its column maps name, in the descriptor's wave
 * order (waves it does not list after, in the order first named), each with
 * its questions' and role's columns.  0, or the first code with every
 * missing column in errs.
 */
static int wide_open(struct survey *s, struct kerr_list *errs)
{
	const struct corpus *c = s->c;
	struct wide_wave tmp;
	struct kerr e;
	size_t i, j;
	int rc, first = 0;

	if (c->wave_col) {
		kerr_set(&e, KERR_SCHEMA, "the questions' columns are named per wave, so each "
			"answer's wave comes from its column; a wave column (%s) as well would "
			"say it twice: leave out --wave", c->wave_col);
		kerr_at(&e, s->f[0].name.data, 1, 0);
		return add_err(errs, &e);
	}
	for (i = 0; i < s->nq; i++)
		if ((rc = wide_add(s, &s->qs[i]->by_wave, errs)))
			return rc;
	if ((rc = wide_add(s, &c->role_by_wave, errs)))
		return rc;
	/* the descriptor's order: a stable insertion sort, listed waves first */
	for (i = 1; i < s->nww; i++) {
		tmp = s->ww[i];
		for (j = i; j > 0 && wave_before(tmp.idx, s->ww[j - 1].idx); j--)
			s->ww[j] = s->ww[j - 1];
		s->ww[j] = tmp;
	}
	for (i = 0; i < s->nww; i++) {
		struct wide_wave *w = &s->ww[i];

		for (j = 0; j < s->nq; j++)
			if ((rc = wide_col(s, &s->qs[j]->by_wave, w, &w->qcol[j], errs)) && !first)
				first = rc;
		if (!c->role_by_wave.n)
			w->role_col = s->f[0].role_col;
		else if ((rc = wide_col(s, &c->role_by_wave, w, &w->role_col, errs)) && !first)
			first = rc;
	}
	return first;
}

/* Fill row from the file row r: the respondent, wave and role, and the
 * questions' answers, from the columns of wave w of a wide export (NULL: a
 * row per respondent and wave).  SURVEY_ROW or -KERR_NOMEM. */
static int fill(struct survey *s, const table_row *r, const struct wide_wave *w,
	struct survey_row *row, struct kerr *e)
{
	const struct sfile *f = &s->f[s->cur];
	size_t i, role_col = w ? w->role_col : f->role_col;

	row->field = r->field;
	row->len = r->len;
	row->nfields = r->n;
	if (s->remap) {
		/* the survey's header order (struct scol); a column this file
		 * lacks is blank */
		for (i = 0; i < s->ncol; i++) {
			s->ufield[i] = "";
			s->ulen[i] = 0;
		}
		if (f->wave.name) {
			s->ufield[s->wave_ucol] = f->wave.key;
			s->ulen[s->wave_ucol] = strlen(f->wave.key);
		}
		if (f->role.name) {
			s->ufield[s->role_ucol] = f->role.key;
			s->ulen[s->role_ucol] = strlen(f->role.key);
		}
		for (i = 0; i < r->n && i < table_ncols(f->rd); i++) {
			s->ufield[f->map[i]] = r->field[i];
			s->ulen[f->map[i]] = r->len[i];
		}
		row->field = s->ufield;
		row->len = s->ulen;
		row->nfields = s->ncol;
	}
	if (f->id_col == SURVEY_NO_COLUMN) {
		snprintf(s->rownum, sizeof s->rownum, "%zu", s->index);
		row->respondent = s->rownum;
		row->respondent_len = strlen(s->rownum);
	} else {
		row->respondent = r->field[f->id_col];
		row->respondent_len = r->len[f->id_col];
	}
	row->wave = row->role = SURVEY_ALL;
	row->wave_index = row->role_index = -1;
	if (w) {
		row->wave_value = w->key;
		row->wave_index = w->idx;
		row->wave = w->name;
	} else if (f->wave.name) {
		row->wave_value = f->wave.key;
		row->wave_index = f->wave.idx;
		row->wave = f->wave.name;
	} else if (f->wave_col != SURVEY_NO_COLUMN) {
		const struct group_val *v = resolve(s, &s->wave, 0, f->wave_col,
			r->field[f->wave_col], r->len[f->wave_col]);

		if (!v)
			goto nomem;
		row->wave_value = r->field[f->wave_col];
		row->wave_index = v->idx;
		row->wave = v->name;
	}
	if (f->role.name) {
		row->role_value = f->role.key;
		row->role_index = f->role.idx;
		row->role = f->role.name;
	} else if (role_col != SURVEY_NO_COLUMN) {
		const struct group_val *v = resolve(s, &s->role, 1, role_col,
			r->field[role_col], r->len[role_col]);

		if (!v)
			goto nomem;
		row->role_value = r->field[role_col];
		row->role_index = v->idx;
		row->role = v->name;
	}
	for (i = 0; i < s->nq; i++) {
		size_t k = w ? w->qcol[i] : f->qcol[i];

		s->answer[i] = k == SURVEY_NO_COLUMN ? "" : r->field[k];
		s->answer_len[i] = k == SURVEY_NO_COLUMN ? 0 : r->len[k];
	}
	row->answer = s->answer;
	row->answer_len = s->answer_len;
	if (s->dup_check && f->id_col != SURVEY_NO_COLUMN
	    && !blank(row->respondent, row->respondent_len)) {
		long first = seen_add(s, key_hash(row->wave, row->respondent, row->respondent_len),
			row->line, &row->dup_file);

		if (first < 0)
			goto nomem;
		row->dup_line = first;
	}
	return SURVEY_ROW;
nomem:
	kerr_set(e, KERR_NOMEM, "out of memory");
	return -KERR_NOMEM;
}

/* Whether the respondent of file row r evidently missed wave w of a wide
 * export: no answer to any question in it, and no role either where the
 * role has a column per wave.  (With one role column a blank answer and a
 * missed wave look the same, and the row is given as a blank answer.) */
static int wave_missed(const struct survey *s, const table_row *r, const struct wide_wave *w)
{
	if (!s->c->role_by_wave.n || (w->role_col != SURVEY_NO_COLUMN
	    && !blank(r->field[w->role_col], r->len[w->role_col])))
		return 0;
	for (size_t i = 0; i < s->nq; i++)
		if (w->qcol[i] != SURVEY_NO_COLUMN && !blank(r->field[w->qcol[i]], r->len[w->qcol[i]]))
			return 0;
	return 1;
}

int survey_next(struct survey *s, struct survey_row *row, struct kerr *e)
{
	size_t w;
	int got;

	memset(row, 0, sizeof *row);
	row->wide_wave = SURVEY_NO_WAVE;
	row->row_done = 1;
	for (;;) {
		if (!s->holding || s->wcur == s->nww) {
			s->holding = 0;
			got = table_next(s->f[s->cur].rd, &s->held, e);
			if (got == TABLE_END && s->cur + 1 < s->nf) {
				s->cur++;   /* the next file */
				continue;
			}
			if (got == TABLE_END)
				return SURVEY_END;
			if (got < 0 && (got != -KERR_SYNTAX || !s->held.field))
				return got;
			s->index++;
			row->line = s->held.line;
			row->index = s->index;
			if (got < 0) {
				row->nfields = s->held.n;
				return got;  /* a ragged row: numbered, then skipped */
			}
			if (!s->nww)
				return fill(s, &s->held, NULL, row, e);
			s->holding = 1;
			s->wcur = 0;
			s->given = 0;
		}
		/* a wide export: the row once for each wave the respondent
		 * took part in */
		w = s->wcur++;
		if (wave_missed(s, &s->held, &s->ww[w])) {
			if (s->wcur < s->nww || s->given || !s->wide_whole)
				continue;
			row->line = s->held.line;     /* every wave missed, given whole */
			row->index = s->index;
			return fill(s, &s->held, NULL, row, e);
		}
		s->given = 1;
		while (s->wcur < s->nww && wave_missed(s, &s->held, &s->ww[s->wcur]))
			s->wcur++;
		row->line = s->held.line;
		row->index = s->index;
		row->wide_wave = w;
		row->row_done = s->wcur == s->nww;
		return fill(s, &s->held, &s->ww[w], row, e);
	}
}

int survey_dup_error(const struct survey *s, const struct survey_row *row, struct kerr *e)
{
	if (row->dup_file != s->cur)   /* ids must be unique across a wave's files */
		kerr_set(e, KERR_SCHEMA, "respondent id \"%.*s\" appears twice in wave %s: in "
			"%s on line %ld and in %s on line %ld; ids must be unique within a "
			"wave across the survey's files (prefix one file's ids, e.g. L%.*s)",
			(int)row->respondent_len, row->respondent, row->wave,
			s->f[row->dup_file].name.data, row->dup_line, s->f[s->cur].name.data,
			row->line, (int)row->respondent_len, row->respondent);
	else if ((unsigned long)row->dup_line >= SEEN_LINE_MAX)
		kerr_set(e, KERR_SCHEMA, "respondent id \"%.*s\" appears twice in wave %s: on "
			"line %ld and on an earlier line after line %lu", (int)row->respondent_len,
			row->respondent, row->wave, row->line, (unsigned long)SEEN_LINE_MAX - 1);
	else
		kerr_set(e, KERR_SCHEMA, "respondent id \"%.*s\" appears twice in wave %s: on "
			"line %ld and on line %ld", (int)row->respondent_len, row->respondent,
			row->wave, row->dup_line, row->line);
	kerr_at(e, s->f[s->cur].name.data, row->line, 0);
	kerr_path(e, "%s", s->c->id_col ? s->c->id_col : "");
	return KERR_SCHEMA;
}

/* Column `name` in the survey's header: found as table_find finds it (by
 * name, else by label) in the first file that has it. */
int survey_find_column(const struct survey *s, const char *name, size_t *idx, struct kerr *e)
{
	int rc;

	if (s->remap) {
		for (size_t k = 0; k < s->ncol && s->col[k].file == SURVEY_NO_COLUMN; k++)
			if (csv_name_equal(s->col[k].name, name)) {
				*idx = k;
				return 0;
			}
		for (size_t i = 0; i < s->nf; i++)
			if (!table_find(s->f[i].rd, name, idx, NULL)) {
				*idx = s->f[i].map[*idx];
				return 0;
			}
	}
	rc = table_find(s->f[0].rd, name, idx, e);
	if (!rc && s->remap)   /* two columns answering to it: an error, as one file */
		*idx = s->f[0].map[*idx];
	/* the file is there but lacks the column: the survey is wrong (a
	 * missing file is KERR_NOTFOUND) */
	if (rc == KERR_NOTFOUND && e)
		e->code = rc = KERR_SCHEMA;
	return rc;
}

/* The file and its column behind column i of the survey's header; NULL for
 * the wave column koder adds, or i out of range. */
static const struct table *source(const struct survey *s, size_t i, size_t *col)
{
	if (!s->remap) {
		*col = i;
		return i < table_ncols(s->f[0].rd) ? s->f[0].rd : NULL;
	}
	if (i >= s->ncol || s->col[i].file == SURVEY_NO_COLUMN)
		return NULL;
	*col = s->col[i].col;
	return s->f[s->col[i].file].rd;
}

const char *survey_column_label(const struct survey *s, size_t i)
{
	size_t k;
	const struct table *t = source(s, i, &k);

	return t ? table_col_label(t, k) : NULL;
}

int survey_column_numeric(const struct survey *s, size_t i)
{
	size_t k;

	if (s->remap)
		return i < s->ncol && s->col[i].numeric;
	return source(s, i, &k) ? table_col_numeric(s->f[0].rd, k) : 0;
}

size_t survey_nlabels(const struct survey *s, size_t i)
{
	size_t k;
	const struct table *t = source(s, i, &k);

	return t ? table_nlabels(t, k) : 0;
}

const char *survey_label_code(const struct survey *s, size_t i, size_t j)
{
	size_t k;
	const struct table *t = source(s, i, &k);

	return t ? table_label_code(t, k, j) : NULL;
}

const char *survey_label_text(const struct survey *s, size_t i, size_t j)
{
	size_t k;
	const struct table *t = source(s, i, &k);

	return t ? table_label_text(t, k, j) : NULL;
}

const char *survey_value_code(const struct survey *s, size_t i, const char *text)
{
	size_t k;
	const struct table *t = source(s, i, &k);

	return t ? table_value_code(t, k, text) : NULL;
}

size_t survey_nfiles(const struct survey *s)
{
	return s->nf;
}

size_t survey_wide_nwaves(const struct survey *s)
{
	return s->nww;
}

const char *survey_wide_wave(const struct survey *s, size_t i)
{
	return i < s->nww ? s->ww[i].name : NULL;
}

const char *survey_file(const struct survey *s)
{
	return s->f[s->cur].name.data;
}

size_t survey_nquestions(const struct survey *s)
{
	return s->nq;
}

const struct corpus_question *survey_question(const struct survey *s, size_t i)
{
	return i < s->nq ? s->qs[i] : NULL;
}

size_t survey_column(const struct survey *s, const char *name)
{
	size_t i;

	return survey_find_column(s, name, &i, NULL) ? SURVEY_NO_COLUMN : i;
}

const char *survey_column_name(const struct survey *s, size_t i)
{
	if (s->remap)
		return i < s->ncol ? s->col[i].name : NULL;
	return table_col_name(s->f[0].rd, i);
}

size_t survey_ncolumns(const struct survey *s)
{
	return s->remap ? s->ncol : table_ncols(s->f[0].rd);
}

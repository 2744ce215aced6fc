/*
 * cmd_scan.c - `koder scan`: list the personal data (CPR numbers, phone
 * numbers, e-mail addresses, names) in a survey file, answer by answer, or
 * with --mask write a copy of the file with them replaced, before the file
 * travels to anyone who should not see them.  The file is read by table.h,
 * the layer under the survey reader, so an SPSS, Stata or Excel export is
 * scanned like a CSV; scan looks at every column, not only the answers, so
 * it reads the table rather than the survey (respondent, wave, answer).
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "corpus.h"
#include "csv.h"
#include "error.h"
#include "outfile.h"
#include "pii.h"
#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ID = 256, OPT_SHOW, OPT_FORMAT, OPT_MAX_FIELD, OPT_ENCODING, OPT_SHEET };

static const struct cli_opt scan_opts[] = {
	{ 't', "text", "COL", "scan only column COL (may be repeated; default: every column)" },
	{ OPT_ID, "id", "COL", "name each answer by its value in column COL" },
	{ 'k', "kinds", "LIST", "what to look for: cpr,phone,email,name or all (default: all)" },
	{ OPT_SHOW, "show", NULL, "print what was found (default: only the kind and the place)" },
	{ OPT_FORMAT, "format", "FMT", "report as 'text' (default) or 'csv'" },
	{ 'm', "mask", NULL, "write the survey file with every finding replaced" },
	{ 'o', "output", "FILE", "with --mask: write to FILE (default: standard output)" },
	{ OPT_ENCODING, "encoding", "ENC", "read the file as utf-8 or windows-1252 (default: detect)" },
	{ OPT_SHEET, "sheet", "NAME", "survey in .xlsx or .xls: scan this sheet (default: the first)" },
	{ OPT_MAX_FIELD, "max-field", "BYTES", "longest field accepted (default: 16 MB)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage scan_usage = {
	"koder scan [OPTION]... SURVEY|CORPUS\n"
	"koder scan --mask [-o OUT.csv] [OPTION]... SURVEY",
	"Find CPR numbers, phone numbers, e-mail addresses and names in survey answers.",
	scan_opts,
	"Without --mask, prints one line per finding: file:line: column: kind.  The\n"
	"finding itself is printed only with --show, so the report can be shared.\n"
	"With --mask, writes the survey file unchanged except that findings in the\n"
	"scanned columns become [CPR], [TELEFON], [EMAIL] or [NAVN]; the count goes\n"
	"to standard error.  SURVEY is a .csv, .xlsx, .xls, SPSS .sav/.zsav or Stata\n"
	".dta file, or '-' for CSV on standard input.  A CSV is written back with its\n"
	"own separator; the other formats are written as CSV (UTF-8, ';', as Excel\n"
	"opens it), with each labelled value as its label.  CORPUS (a corpus.json or\n"
	"its directory) scans every survey file it names, each on its sheet.  A\n"
	"workbook is scanned on one sheet: the report names it, and a sheet with\n"
	"nothing to scan is an error naming the workbook's sheets.\n\n"
	"CPR numbers count only with a real date of birth (DDMMYY-SSSS, the century\n"
	"from the serial number), written in any common way: other dashes, a slash\n"
	"or full stop, a spaced or dotted date (01.01.90-1234), full-width digits,\n"
	"split by a line break or a zero-width space, or OCR-damaged (O1O19O-1234).  Names are found conservatively: a common Danish\n"
	"first name with a surname, a listed first name inside a sentence, a title\n"
	"(hr., fru) with a name, or a common -sen surname.  Check the rest by eye.\n\n"
	"Exit status: 0 nothing found, 1 personal data found (or masked), 2 wrong\n"
	"usage, 3 file unreadable, 4 file malformed or nothing in it to scan,\n"
	"5 output not written,\n"
	"7 a field longer than --max-field.\n"
};

struct scan {
	const char *file;
	unsigned kinds;
	int show, csv, mask;
	unsigned char *want;     /* per header column: scan it? NULL = all */
	size_t nwant;
	long id_col;             /* -1: none */
	size_t findings, answers;
	size_t cells;            /* non-empty cells scanned */
	int out_failed;          /* the error is about the output file: exit 5 */
	struct pii_hits hits;
	struct buf out;          /* masked field */
	char sep;                /* --mask: the separator written */
	int bom;                 /* --mask: start with a byte-order mark */
};

static void print_hit(struct scan *s, const struct table *t, const struct csv_row *row,
		      size_t col, const struct pii_hit *h)
{
	const char *cname = col < table_ncols(t) ? table_col_name(t, col) : "";
	const char *id = s->id_col >= 0 && (size_t)s->id_col < row->n ?
		row->field[s->id_col] : NULL;
	const char *what = row->field[col] + h->start;
	int wlen = (int)(h->end - h->start);

	if (s->csv) {
		printf("%ld,", row->line);
		csv_write_field(stdout, id ? id : "", id ? strlen(id) : 0, ',');
		putchar(',');
		csv_write_field(stdout, cname, strlen(cname), ',');
		printf(",%s,%zu,%zu,", pii_kind_name(h->kind), h->start, h->end);
		if (s->show)
			csv_write_field(stdout, what, (size_t)wlen, ',');
		putchar('\n');
		return;
	}
	printf("%s:%ld: ", s->file, row->line);
	if (id)
		printf("id %s: ", id);
	if (cname[0])
		printf("%s: ", cname);
	else
		printf("column %zu: ", col + 1);
	printf("%s", pii_kind_name(h->kind));
	if (s->show)
		printf(": '%.*s'", wlen, what);
	putchar('\n');
}

/* Scan (and with --mask, write) one record; fields not scanned pass through. */
static int scan_row(struct scan *s, const struct table *t, const struct csv_row *row,
		    FILE *out, struct kerr *e)
{
	size_t c, k;
	int rc, any = 0;

	for (c = 0; c < row->n; c++) {
		int wanted = !s->want || (c < s->nwant && s->want[c]);

		if (s->mask && c > 0)
			fputc(s->sep, out);
		if (!wanted) {
			if (s->mask)
				csv_write_field(out, row->field[c], row->len[c], s->sep);
			continue;
		}
		s->cells += row->len[c] > 0;
		if (s->mask) {
			size_t found;

			buf_reset(&s->out);
			if ((rc = pii_mask(row->field[c], row->len[c], s->kinds, &s->out,
					   &found, e)))
				return rc;
			csv_write_field(out, s->out.data, s->out.len, s->sep);
			s->findings += found;
			any |= found > 0;
			continue;
		}
		if ((rc = pii_find(row->field[c], row->len[c], s->kinds, &s->hits, e)))
			return rc;
		for (k = 0; k < s->hits.n; k++)
			print_hit(s, t, row, c, &s->hits.v[k]);
		s->findings += s->hits.n;
		any |= s->hits.n > 0;
	}
	if (s->mask)
		fputc('\n', out);
	s->answers += any;
	return 0;
}

static int write_header(const struct scan *s, const struct table *t, FILE *out)
{
	size_t c;

	if (s->bom)
		fputs("\xef\xbb\xbf", out);
	for (c = 0; c < table_ncols(t); c++) {
		const char *h = table_col_name(t, c);

		if (c)
			fputc(s->sep, out);
		csv_write_field(out, h, strlen(h), s->sep);
	}
	fputc('\n', out);
	return 0;
}

/* Resolve --text and --id names against the header. */
static int pick_columns(struct scan *s, const struct table *t, char **text, size_t ntext,
			const char *idname, struct kerr *e)
{
	size_t i, idx;
	int rc;

	if (ntext) {
		s->nwant = table_ncols(t);
		s->want = xcalloc(s->nwant, 1);
		for (i = 0; i < ntext; i++) {
			if ((rc = table_find(t, text[i], &idx, e)))
				return rc;
			s->want[idx] = 1;
		}
	}
	if (idname) {
		if ((rc = table_find(t, idname, &idx, e)))
			return rc;
		s->id_col = (long)idx;
	}
	return 0;
}

/* Every row of an open table (its columns picked), masked into `out` or
 * reported. */
static int scan_table(struct scan *s, struct table *t, FILE *out, struct kerr *e)
{
	table_row row;
	int rc;

	while ((rc = table_next(t, &row, e)) == TABLE_ROW)
		if ((rc = scan_row(s, t, &row, out, e)))
			return rc;
	return rc < 0 ? -rc : 0;
}

/* A workbook's hits are named by file and sheet: "x.xlsx[Data]:7: ...". */
static void name_sheet(struct scan *s, const char *file, const struct table *t,
		       struct buf *label)
{
	const char *names;

	s->file = file;
	if (table_sheets(t, &names) > 1) {
		buf_reset(label);
		buf_addf(label, "%s[%s]", file, table_sheet(t));
		s->file = label->data;
	}
}

/* The other sheets of a workbook, when every column is scanned: personal
 * data on a sheet of labels or notes counts as much as in the answers. */
static int scan_other_sheets(struct scan *s, const char *file, const struct table *first,
			     const struct csv_opts *opts, struct buf *label, size_t *nscanned,
			     struct kerr *e)
{
	const char *name;
	int rc = 0;

	for (size_t i = 0; !rc && (name = table_sheet_name(first, i)); i++) {
		struct table_opts topts = { .csv = *opts, .sheet = name, .empty_ok = 1 };
		struct table *t;

		if (!strcmp(name, table_sheet(first)))
			continue;
		if ((rc = table_open(&t, file, &topts, e)))
			break;
		name_sheet(s, file, t, label);
		rc = scan_table(s, t, NULL, e);
		table_close(t);
		++*nscanned;
	}
	return rc;
}

static int run_scan(struct scan *s, FILE *in, char **text, size_t ntext, const char *idname,
		    const char *outpath, const struct csv_opts *opts, const char *sheet,
		    struct kerr *e)
{
	struct table *t = NULL;
	struct table_opts topts = { .csv = *opts, .sheet = sheet };
	const char *file = s->file, *names;
	size_t cells = s->cells, nsheets, nscanned = 1;
	const struct csv_reader *csv;
	struct outfile o = { 0 };
	struct buf label = BUF_INIT;
	int rc, opened = 0;

	if ((rc = table_open_fp(&t, in, file, &topts, e)))
		return rc;
	nsheets = table_sheets(t, &names);
	name_sheet(s, file, t, &label);
	/* a CSV goes back as it came; another format as the CSV Excel opens */
	csv = table_csv(t);
	s->sep = csv ? csv_sep(csv) : ';';
	s->bom = csv ? csv_had_bom(csv) : 1;
	if ((rc = pick_columns(s, t, text, ntext, idname, e)))
		goto done;
	if (s->mask && nsheets > 1 && !sheet) {
		/* a masked copy of the first sheet alone would pass for the file */
		rc = kerr_set(e, KERR_USAGE, "--mask writes one sheet as CSV, and the workbook has "
			      "%s: give the sheet to mask with --sheet NAME", names);
		kerr_at(e, file, 0, 0);
		goto done;
	}
	if (s->mask) {
		if ((rc = outfile_open(&o, outpath, e))) {
			s->out_failed = 1;
			goto done;
		}
		opened = 1;
		write_header(s, t, o.fp);
	} else if (s->csv) {
		puts("line,id,column,kind,start,end,text");
	}
	if ((rc = scan_table(s, t, s->mask ? o.fp : NULL, e)))
		goto done;
	if (nsheets > 1 && !sheet && !ntext && !idname && !s->mask)
		rc = scan_other_sheets(s, file, t, opts, &label, &nscanned, e);
	else if (nsheets > 1 && s->cells == cells) {
		/* one sheet, and nothing on it: the data is elsewhere */
		kerr_set(e, KERR_SCHEMA, "sheet \"%s\" has nothing to scan; the workbook's "
			 "sheets are %s: give the one with the answers with --sheet NAME",
			 table_sheet(t), names);
		kerr_at(e, file, 0, 0);
		rc = KERR_SCHEMA;
	}
	if (!rc && nsheets > 1 && !s->csv && nscanned > 1)
		fprintf(stderr, "koder: %s: scanned all %zu sheets: %s\n", file, nsheets, names);
	else if (!rc && nsheets > 1 && !s->csv)
		fprintf(stderr, "koder: %s: scanned sheet \"%s\" of %s\n", file, table_sheet(t),
			names);
	if (!rc && opened) {
		opened = 0;
		rc = outfile_commit(&o, e);
		s->out_failed = rc != 0;
	}
done:
	if (opened)
		outfile_abort(&o);
	s->file = file;
	table_close(t);
	buf_release(&label);
	return rc;
}

/* Scan one survey file ('-': standard input). */
static int scan_file(struct scan *s, const char *file, char **text, size_t ntext,
		     const char *idname, const char *outpath, const struct csv_opts *opts,
		     const char *sheet, struct kerr *e)
{
	FILE *in;
	int rc;

	s->file = file;
	if (!strcmp(file, "-")) {
		in = stdin;
		s->file = "(stdin)";
	} else if (!(in = fopen(file, "rb"))) {
		return kerr_errno(e, errno, file, "cannot open the survey file");
	}
	rc = run_scan(s, in, text, ntext, idname, outpath, opts, sheet, e);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* Every survey file a corpus descriptor names, each on its sheet. */
static int scan_corpus(struct scan *s, const struct corpus *c, char **text, size_t ntext,
		       const char *idname, const char *outpath, const struct csv_opts *opts,
		       const char *sheet, struct kerr *e)
{
	struct buf file = BUF_INIT;
	size_t i, n;
	int rc = 0;

	n = c->nfiles ? c->nfiles : 1;
	if (s->mask && n > 1)
		rc = kerr_set(e, KERR_USAGE, "--mask writes one file: give it one of the "
			      "corpus's survey files");
	for (i = 0; !rc && i < n; i++) {
		const struct corpus_file *f = c->nfiles ? &c->files[i] : NULL;

		buf_reset(&file);
		if (corpus_resolve(c, f ? f->file : c->survey, &file)) {
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
			break;
		}
		rc = scan_file(s, file.data, text, ntext, idname, outpath, opts,
			       f && f->sheet ? f->sheet : sheet, e);
	}
	buf_release(&file);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	struct cli_parser p;
	struct scan s;
	struct kerr e;
	char **text = xcalloc((size_t)argc, sizeof(*text));
	const char *operand, *file = NULL, *sheet = NULL;
	int rest = 0, nfiles = 0;
	const char *idname = NULL, *outpath = NULL;
	struct csv_opts copts = { .encoding = CSV_ENC_AUTO, .allow_ragged = 1 };
	size_t ntext = 0;
	int c, rc, status;

	memset(&s, 0, sizeof(s));
	s.kinds = PII_ALL;
	s.id_col = -1;
	buf_init(&s.out, 0);
	kerr_clear(&e);
	cli_parser_init(&p, scan_opts);
	/* options may follow the survey too ("koder scan survey.sav --show") */
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0: file = operand; nfiles++; break;
		case 't': text[ntext++] = optarg; break;
		case OPT_ID: idname = optarg; break;
		case 'k':
			if (pii_kinds_parse(optarg, &s.kinds, &e)) {
				free(text);
				return cli_misuse(&scan_usage, "%s", e.msg);
			}
			break;
		case OPT_SHOW: s.show = 1; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "csv"))
				s.csv = 1;
			else if (strcmp(optarg, "text")) {
				free(text);
				return cli_misuse(&scan_usage, "unknown format '%s'; use text or csv",
						  optarg);
			}
			break;
		case OPT_ENCODING:
			if (!strcmp(optarg, "utf-8") || !strcmp(optarg, "utf8"))
				copts.encoding = CSV_ENC_UTF8;
			else if (!strcmp(optarg, "windows-1252") || !strcmp(optarg, "cp1252"))
				copts.encoding = CSV_ENC_CP1252;
			else {
				free(text);
				return cli_misuse(&scan_usage, "unknown encoding '%s'; use utf-8 or windows-1252",
						  optarg);
			}
			break;
		case 'm': s.mask = 1; break;
		case 'o': outpath = optarg; break;
		case OPT_SHEET: sheet = optarg; break;
		case OPT_MAX_FIELD:
			if (cli_parse_size(optarg, &copts.max_field) || !copts.max_field
			    || copts.max_field > CSV_MAX_MAX_FIELD) {
				free(text);
				return cli_misuse(&scan_usage, "--max-field needs a positive number of "
					"bytes, at most %zu (256 MB), not '%s'", CSV_MAX_MAX_FIELD, optarg);
			}
			break;
		case 'h': free(text); return cli_help(&scan_usage);
		default: free(text); return cli_misuse(&scan_usage, NULL);
		}
	}
	if (nfiles != 1) {
		free(text);
		return cli_misuse(&scan_usage, "give exactly one survey file");
	}
	if (outpath && !s.mask) {
		free(text);
		return cli_misuse(&scan_usage, "--output goes with --mask");
	}
	if (cmd_is_corpus(file)) {
		/* a descriptor's problems are listed as every command lists them */
		struct kerr_list errs = KERR_LIST_INIT;
		struct corpus c;

		if (corpus_load(&c, file, &errs)) {
			status = cli_errors(&errs);
			kerr_list_release(&errs);
			free(text);
			return status;
		}
		rc = scan_corpus(&s, &c, text, ntext, idname, outpath, &copts, sheet, &e);
		corpus_release(&c);
	} else {
		rc = scan_file(&s, file, text, ntext, idname, outpath, &copts, sheet, &e);
	}
	if (rc) {
		status = cli_error(&e);
		if (s.out_failed && rc == KERR_IO)
			status = EXIT_CANTCREATE;
	} else {
		if (s.mask || !s.csv)
			fprintf(stderr, "koder: %s %zu finding%s of personal data in %zu answer%s\n",
				s.mask ? "masked" : "found", s.findings, s.findings == 1 ? "" : "s",
				s.answers, s.answers == 1 ? "" : "s");
		status = s.findings ? EXIT_PROBLEMS : EXIT_OK;
	}
	pii_hits_release(&s.hits);
	buf_release(&s.out);
	free(s.want);
	free(text);
	return status;
}

int cmd_mask_opt(const char *list, unsigned *mask, const struct cli_usage *u)
{
	unsigned kinds = 0;
	struct kerr e;

	kerr_clear(&e);
	if (list && pii_kinds_parse(list, &kinds, &e))
		return cli_misuse(u, "%s", e.msg);
	if (mask)
		*mask = list ? kinds : *mask ? *mask : PII_ALL;
	return 0;
}

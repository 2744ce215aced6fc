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
#include "csv.h"
#include "error.h"
#include "outfile.h"
#include "pii.h"
#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ID = 256, OPT_SHOW, OPT_FORMAT, OPT_MAX_FIELD, OPT_ENCODING };

static const struct cli_opt scan_opts[] = {
	{ 't', "text", "COL", "scan only column COL (may be repeated; default: every column)" },
	{ OPT_ID, "id", "COL", "name each answer by its value in column COL" },
	{ 'k', "kinds", "LIST", "what to look for: cpr,phone,email,name or all (default: all)" },
	{ OPT_SHOW, "show", NULL, "print what was found (default: only the kind and the place)" },
	{ OPT_FORMAT, "format", "FMT", "report as 'text' (default) or 'csv'" },
	{ 'm', "mask", NULL, "write the survey file with every finding replaced" },
	{ 'o', "output", "FILE", "with --mask: write to FILE (default: standard output)" },
	{ OPT_ENCODING, "encoding", "ENC", "read the file as utf-8 or windows-1252 (default: detect)" },
	{ OPT_MAX_FIELD, "max-field", "BYTES", "longest field accepted (default: 16 MB)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage scan_usage = {
	"koder scan [OPTION]... SURVEY\n"
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
	"opens it), with each labelled value as its label.\n\n"
	"CPR numbers count only with a real date of birth (DDMMYY-SSSS, the century\n"
	"from the serial number), written in any common way: other dashes, a slash\n"
	"or full stop, a spaced or dotted date (01.01.90-1234), full-width digits,\n"
	"split by a line break or a zero-width space, or OCR-damaged (O1O19O-1234).  Names are found conservatively: a common Danish\n"
	"first name with a surname, a listed first name inside a sentence, a title\n"
	"(hr., fru) with a name, or a common -sen surname.  Check the rest by eye.\n\n"
	"Exit status: 0 nothing found, 1 personal data found (or masked), 2 wrong\n"
	"usage, 3 file unreadable, 4 file malformed, 5 output not written,\n"
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

static int run_scan(struct scan *s, FILE *in, char **text, size_t ntext, const char *idname,
		    const char *outpath, const struct csv_opts *opts, struct kerr *e)
{
	struct table *t = NULL;
	struct table_opts topts = { .csv = *opts };
	const struct csv_reader *csv;
	struct outfile o = { 0 };
	table_row row;
	int rc, opened = 0;

	if ((rc = table_open_fp(&t, in, s->file, &topts, e)))
		return rc;
	/* a CSV goes back as it came; another format as the CSV Excel opens */
	csv = table_csv(t);
	s->sep = csv ? csv_sep(csv) : ';';
	s->bom = csv ? csv_had_bom(csv) : 1;
	if ((rc = pick_columns(s, t, text, ntext, idname, e)))
		goto done;
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
	while ((rc = table_next(t, &row, e)) == TABLE_ROW)
		if ((rc = scan_row(s, t, &row, s->mask ? o.fp : NULL, e)))
			goto done;
	rc = rc < 0 ? -rc : 0;
	if (!rc && opened) {
		opened = 0;
		rc = outfile_commit(&o, e);
		s->out_failed = rc != 0;
	}
done:
	if (opened)
		outfile_abort(&o);
	table_close(t);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	struct cli_parser p;
	struct scan s;
	struct kerr e;
	char **text = xcalloc((size_t)argc, sizeof(*text));
	const char *idname = NULL, *outpath = NULL;
	struct csv_opts copts = { .encoding = CSV_ENC_AUTO, .allow_ragged = 1 };
	size_t ntext = 0;
	FILE *in;
	int c, rc, status;

	memset(&s, 0, sizeof(s));
	s.kinds = PII_ALL;
	s.id_col = -1;
	buf_init(&s.out, 0);
	kerr_clear(&e);
	cli_parser_init(&p, scan_opts);
	while ((c = cli_next(&p, argc, argv)) != -1) {
		switch (c) {
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
	if (optind != argc - 1) {
		free(text);
		return cli_misuse(&scan_usage, "give exactly one survey file");
	}
	if (outpath && !s.mask) {
		free(text);
		return cli_misuse(&scan_usage, "--output goes with --mask");
	}
	s.file = argv[optind];
	if (!strcmp(s.file, "-")) {
		in = stdin;
		s.file = "(stdin)";
	} else if (!(in = fopen(s.file, "rb"))) {
		kerr_errno(&e, errno, s.file, "cannot open the survey file");
		free(text);
		return cli_error(&e);
	}
	rc = run_scan(&s, in, text, ntext, idname, outpath, &copts, &e);
	if (in != stdin)
		fclose(in);
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

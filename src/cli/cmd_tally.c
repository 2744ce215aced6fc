/*
 * cmd_tally.c - `koder tally`: read a survey export, give every open answer
 * its final codes (a coder's decision where one exists, else the rule
 * engine's suggestion), count "Anført af X ud af Y" per wave and role, and
 * write the table and chart.
 *
 * The survey is read once, as a stream, by the one survey reader
 * (survey.h: columns, wave and role resolved to the descriptor's names, the
 * duplicate check); what grows with the number of rows is only that check's
 * set of respondents (16 bytes each) and the decisions loaded from --db /
 * --codes.  Problems that make the numbers
 * wrong (a duplicate id, a wave the descriptor does not know, a decision
 * naming an unknown category) are all collected and reported together, and
 * then nothing is written; problems the numbers survive (an empty wave
 * cell, a decision for a respondent not in the survey) are warnings and the
 * exit status is 1.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "audit.h"
#include "codebook.h"
#include "compare.h"
#include "corpus.h"
#include "csv.h"
#include "datadir.h"
#include "decisions.h"
#include "engine.h"
#include "export.h"
#include "error.h"
#include "migrate.h"
#include "pii.h"
#include "report.h"
#include "project.h"
#include "store.h"
#include "strtab.h"
#include "survey.h"
#include "table.h"
#include "tally.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum {
	OPT_ID = 256, OPT_WAVE, OPT_ROLE, OPT_TEXT, OPT_CODEBOOK, OPT_QUESTION, OPT_BY,
	OPT_FORMAT, OPT_CHART, OPT_DB, OPT_CODES, OPT_KEEP, OPT_NO_REPAIR, OPT_ENCODING,
	OPT_MAX_FIELD, OPT_MASK, OPT_MASK_KINDS, OPT_SHEET,
	OPT_CI, OPT_MIN_BASE, OPT_COMPARE, OPT_ADJUST, OPT_AUDIT
};

static const struct cli_opt opts[] = {
	{ OPT_QUESTION, "question", "ID", "tally only this question of the corpus (id or column)" },
	{ OPT_BY, "by", "COLUMN", "split every table by this column too (e.g. Kommune)" },
	{ OPT_FORMAT, "format", "FORMAT", "text (default), csv (Danish Excel), md, json, xlsx" },
	{ 'o', "output", "FILE", "write the table to FILE (default: standard output)" },
	{ OPT_CHART, "chart", "FILE.svg", "also draw the shares as a bar chart (SVG)" },
	{ OPT_DB, "db", "PATH", "take coders' decisions from this project store" },
	{ OPT_CODES, "codes", "FILE.csv", "take final codes from an id,codes[,wave] CSV (one "
	  "question)" },
	{ OPT_ID, "id", "COLUMN", "respondent id column" },
	{ OPT_WAVE, "wave", "COLUMN", "wave column (Nulpunkt, Midtvejs, ...)" },
	{ OPT_ROLE, "role", "COLUMN", "role or work-function column" },
	{ OPT_TEXT, "text", "COLUMN", "the open-answer column to code and count" },
	{ OPT_CODEBOOK, "codebook", "FILE", "codebook for --text (file or shipped id)" },
	{ OPT_KEEP, "keep-unknown", NULL, "count wave/role values the descriptor lacks as "
	  "their own" },
	{ OPT_NO_REPAIR, "no-repair", NULL, "code the text as written (no OCR/typing repair)" },
	{ OPT_ENCODING, "encoding", "ENC", "survey encoding: utf-8 or windows-1252 "
	  "(default: detected)" },
	{ OPT_MAX_FIELD, "max-field", "BYTES", "longest answer accepted (default: 16 MB)" },
	{ OPT_SHEET, "sheet", "NAME", "survey in .xlsx or .xls: read this sheet (default: the first)" },
	{ OPT_CI, "ci", NULL, "text and md: show each share's 95 % interval (Wilson) and "
	  "small bases" },
	{ OPT_MIN_BASE, "min-base", "N", "flag a base Y below N as small (default: 30)" },
	{ OPT_COMPARE, "compare", "WHAT", "test differences between waves or roles: "
	  "waves|roles" },
	{ OPT_ADJUST, "adjust", "METHOD", "adjust p-values across the table: holm (default), "
	  "bh or none" },
	{ OPT_AUDIT, "audit", NULL, "with --db: correct engine-coded counts by the audit "
	  "(review --sample N --audit); JSON and text" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the wave, role and --by values"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage tally_usage = {
	"koder tally [OPTION]... CORPUS_DIR | CORPUS.json | --db PATH\n"
	"koder tally [OPTION]... --id COL --text COL --codebook CB [--wave COL --role COL] SURVEY.csv",
	"Count coded answers per wave and role: \"Anført af X ud af Y\".",
	opts,
	"Every answer gets its final codes: a coder's decision where the store\n"
	"(--db) or a codes file (--codes) has one, otherwise the rule engine's\n"
	"suggestion on the repaired text.  Y is the number of respondents in the\n"
	"wave and role who gave a substantive answer (not ingen_svar); X those\n"
	"coded to the category.  A respondent counts once per category, and once\n"
	"for a net if any of its categories applies.  The output says how many\n"
	"answers in each cell a coder reviewed.\n\n"
	"A corpus descriptor (docs/corpus-format.md) names the columns, the wave\n"
	"order, which work functions are leaders, and which codebook codes which\n"
	"question; the column flags override it, and without one they are needed.\n"
	"-o FILE.xlsx writes a workbook (one sheet per codebook) without --format.\n\n"
	"The output holds counts, category labels and the values of the wave, role\n"
	"and --by columns, never answer text; with --mask those values too have\n"
	"CPR numbers, phones, e-mails and names replaced (--by Email shows\n"
	"[EMAIL]), as every other command masks them.\n\n"
	"Examples:\n"
	"  koder tally corpora/sof\n"
	"  koder tally corpora/sof --question barrierer --format xlsx -o sof.xlsx\n"
	"  koder tally corpora/sof --db project.db --chart barrierer.svg\n"
	"  koder tally --db project.db      (the corpus 'koder review' read into it)\n"
	"  koder tally --id ID --wave Runde --role Stilling --text Svar \\\n"
	"      --codebook sof-barrierer survey.csv\n\n"
	"Exit status: 0 done, 1 done with warnings (e.g. rows without a wave),\n"
	"2 wrong usage, 3 a file is missing, 4 the survey or codebook is wrong\n"
	"(missing column, duplicate id, unknown wave or role, unknown category in a\n"
	"decision; nothing written), 5 an output could not be written, 6 the store\n"
	"is unusable, 7 a field or pattern limit was reached.\n"
};

static const struct cli_opt export_opts[] = {
	{ 'o', "output", "FILE", "write the data set to FILE (.sav, .zsav, .dta, .xlsx or .csv)" },
	{ OPT_FORMAT, "format", "FORMAT", "sav, zsav, dta, xlsx or csv (default: from -o's "
	  "extension)" },
	{ OPT_QUESTION, "question", "ID", "export only this question of the corpus" },
	{ OPT_DB, "db", "PATH", "take coders' decisions from this project store" },
	{ OPT_CODES, "codes", "FILE.csv", "take final codes from an id,codes[,wave] CSV (one "
	  "question)" },
	{ OPT_ID, "id", "COLUMN", "respondent id column" },
	{ OPT_WAVE, "wave", "COLUMN", "wave column (Nulpunkt, Midtvejs, ...)" },
	{ OPT_ROLE, "role", "COLUMN", "role or work-function column" },
	{ OPT_TEXT, "text", "COLUMN", "the open-answer column to code" },
	{ OPT_CODEBOOK, "codebook", "FILE", "codebook for --text (file or shipped id)" },
	{ OPT_KEEP, "keep-unknown", NULL, "keep wave/role values the descriptor lacks" },
	{ OPT_NO_REPAIR, "no-repair", NULL, "code the text as written (no OCR/typing repair)" },
	{ OPT_ENCODING, "encoding", "ENC", "survey encoding: utf-8 or windows-1252 "
	  "(default: detected)" },
	{ OPT_MAX_FIELD, "max-field", "BYTES", "longest answer accepted (default: 16 MB)" },
	{ OPT_SHEET, "sheet", "NAME", "survey in .xlsx or .xls: read this sheet (default: the first)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage export_usage = {
	"koder export [OPTION]... CORPUS_DIR | CORPUS.json | --db PATH -o FILE\n"
	"koder export [OPTION]... --id COL --text COL --codebook CB [--wave COL --role COL] "
	"SURVEY -o FILE",
	"Write the survey with its coded answers merged in, for SPSS, Stata, R or Excel.",
	export_opts,
	"Every original column is kept.  For each coded question come one 0/1\n"
	"column per category and per net (QUESTION_CATEGORY: 1 = nævnt, 0 = ikke\n"
	"nævnt), QUESTION_koder with the final codes as text, and QUESTION_kilde\n"
	"saying who decided them: \"coder\" (a decision in --db or --codes) or\n"
	"\"engine\" (the rule engine's suggestion).  A respondent without a\n"
	"substantive answer (blank, or ingen_svar) is missing in the 0/1 columns,\n"
	"not 0, so a column's mean is the share X/Y that tally reports.\n\n"
	"In .sav and .dta the 0/1 columns carry the category label as variable\n"
	"label and the value labels 0 = \"ikke nævnt\", 1 = \"nævnt\"; a survey read\n"
	"from .sav/.dta keeps its numeric codes and value labels.  A .sav declares\n"
	"each question's categories as a multiple-response set ($QUESTION).  The survey\n"
	"arguments are those of 'koder tally'; the survey may be CSV, .sav, .zsav,\n"
	".dta or .xlsx.  CSV is written for Danish Excel (UTF-8 with BOM, ';').\n\n"
	"Examples:\n"
	"  koder export corpora/sof -o sof-kodet.sav\n"
	"  koder export corpora/sof --db project.db --format dta -o sof.dta\n"
	"  koder export --id ID --wave Runde --text Svar --codebook cb.json survey.sav "
	"-o kodet.xlsx\n\n"
	"Exit status: 0 done, 1 done with warnings, 2 wrong usage, 3 a file is\n"
	"missing, 4 the survey or codebook is wrong (nothing written), 5 the output\n"
	"could not be written, 6 the store is unusable, 7 a limit was reached.\n"
};

/* The command running: tally or export share the survey arguments. */
static const struct cli_usage *cur_usage = &tally_usage;
#define usage (*cur_usage)

#define UNKNOWN "(ukendt)"
#define MAX_LISTED 20

/* One question being tallied. */
struct question {
	const char *id, *column;
	struct buf cb_path;
	struct codebook *cb;
	struct engine *en;      /* the first question's lends its normalizer */
	int shared;             /* cb and en are an earlier question's (same file) */
	struct tally *t;
	size_t col;             /* index among the survey reader's questions */
	long *cb2t;             /* codebook category -> tally category, -1 = ingen_svar */
	unsigned char *flags;
	struct decisions dec;   /* --codes / --db: coders' final codes */
	struct tally *te;       /* --audit: the engine-coded answers alone */
	struct audit_est aud;
};

/* A wave or role value the descriptor does not list. */
struct unknown {
	char *value;
	size_t count;
	long line;
};

struct dim {
	const char *what;       /* "wave", "role", "group" */
	const char *column;
	struct strtab cache;    /* value or group -> index (see group_index, by_index) */
	long *of_corpus;        /* the descriptor's wave (role) i -> index; -1 = not yet */
	struct unknown *unk;
	size_t nunk;
	size_t empty;           /* rows with an empty value */
	long empty_line;
};

struct run {
	struct corpus corpus;
	int have_corpus;
	const struct survey *sv;   /* while reading: which file a row is from */
	const char *survey_arg, *by, *format_s, *out, *chart, *db, *codes, *only;
	const char *f_id, *f_wave, *f_role, *f_text, *f_codebook, *f_enc, *f_sheet;
	int ci;
	size_t min_base;
	enum compare_mode cmp_mode;
	enum stats_adjust adjust;
	struct compare_panel *panel;   /* --compare waves: codes per respondent and wave */
	int export_mode;        /* koder export: write the coded data set */
	int audit;
	enum export_format xf;
	struct export *exp;
	int keep_unknown, no_repair;
	size_t max_field;       /* 0 = the reader's default */
	struct question *q;
	size_t nq;
	struct engine_answer ans;
	struct dim wave, role, group;
	size_t by_col;
	unsigned mask;          /* --mask: PII kinds replaced in the values shown */
	struct buf masked;
	struct buf rules, interim;  /* a flagged decision's count after migrate */
	int has_wave, has_role;
	struct kerr_list dups;  /* respondents twice in a wave (survey.h's check) */
	size_t ndups;
	size_t noid;            /* rows without a respondent id */
	long noid_line;
	struct kerr_list errors;
	size_t nerrors;
	int status;
	struct buf path;
	struct buf stored_corpus;   /* the corpus named in the store (--db alone) */
};

/* ---- small helpers ---------------------------------------------------- */

static void add_error(struct run *r, const struct kerr *e)
{
	if (++r->nerrors <= MAX_LISTED * 3)
		kerr_list_add(&r->errors, e);
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

/* ---- setting up the questions ------------------------------------------ */

/* Find a codebook named on the command line: a file, a shipped path, or a
 * shipped codebook id. */
static int find_codebook(const char *arg, struct buf *out)
{
	struct stat st;
	size_t mark = out->len;

	if (stat(arg, &st) == 0)
		return buf_adds(out, arg);
	if (datadir_find(arg, out) == 0)
		return 0;
	buf_truncate(out, mark);
	buf_addf(out, "codebooks/%s.json", arg);
	{
		char *rel = strdup(out->data + mark);
		int rc;

		buf_truncate(out, mark);
		if (!rel)
			return KERR_NOMEM;
		rc = datadir_find(rel, out);
		free(rel);
		if (rc == 0)
			return 0;
	}
	buf_truncate(out, mark);
	buf_adds(out, arg);
	return KERR_NOTFOUND;
}

/* The tally of question q: its codebook's categories as the reports show them
 * (and with --audit a second one for the engine-coded answers alone). */
static int make_tally(struct question *q, int audit, struct kerr *e)
{
	int rc = tally_of_codebook(q->cb, q->column, q->id, &q->t, &q->cb2t, e);

	if (!rc && audit)
		rc = tally_of_codebook(q->cb, q->column, q->id, &q->te, NULL, e);
	if (rc)
		return rc;
	if (!(q->flags = calloc(q->t->ncats + 1, 1)))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

static int load_question(struct run *r, struct question *q)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	/* questions coded with one codebook share it and its engine: each
	 * load cost some 200 KB and 15 ms, so 10,000 questions took 2 GB */
	for (struct question *p = r->q; p < q; p++)
		if (!strcmp(p->cb_path.data, q->cb_path.data)) {
			q->cb = p->cb;
			q->en = p->en;
			q->shared = 1;
			break;
		}
	rc = q->shared ? 0 : codebook_load(q->cb_path.data, &q->cb, &errs);
	if (!rc && !q->shared) {
		struct engine_opts eo = { .no_repair = r->no_repair,
			.norm = q != r->q ? engine_normalizer(r->q[0].en) : NULL };

		rc = engine_new(q->cb, &eo, &q->en, &errs);
	}
	if (rc) {
		int status = cli_errors(&errs);

		if (!errs.n) {
			kerr_set(&e, rc, "cannot load the codebook");
			kerr_at(&e, q->cb_path.data, 0, 0);
			status = cli_error(&e);
		}
		kerr_list_release(&errs);
		return status;
	}
	kerr_list_release(&errs);
	if ((rc = make_tally(q, r->audit, &e)))
		return cli_error(&e);
	if (r->by && corpus_set_str(&q->t->by, r->by))
		return cli_error(&e);
	return 0;
}

/* Decide which questions to tally and load their codebooks. */
/*
 * With --db: a question the project was migrated past the descriptor's
 * codebook is counted with the version it moved to (the decisions are made
 * in it), and the user is told so once, with what to change.
 */
static int follow_migration(struct run *r)
{
	struct store *s = NULL;
	struct buf use = BUF_INIT;
	struct kerr e;
	int rc, moved;

	kerr_clear(&e);
	if ((rc = store_open(&s, r->db, STORE_READONLY, &e)))
		return cli_error(&e);
	for (size_t i = 0; i < r->nq && !rc; i++) {
		struct question *q = &r->q[i];

		if ((rc = project_codebook_path(s, q->id, q->cb_path.data, &use, &moved, &e)))
			break;
		if (!moved)
			continue;
		cli_warn("%s: question \"%s\": the descriptor names %s, but 'koder migrate' moved "
			 "the project to %s, which is used; point the descriptor's \"codebook\" at "
			 "that file (or 'koder migrate --to' the one it names)", r->db, q->id, q->cb_path.data, use.data);
		buf_reset(&q->cb_path);
		buf_adds(&q->cb_path, use.data);
	}
	store_close(s);
	buf_release(&use);
	return rc ? cli_error(&e) : 0;
}

static int setup_questions(struct run *r)
{
	struct corpus *c = &r->corpus;
	size_t i;
	int rc;

	if (r->f_text) {
		const struct corpus_question *cq = corpus_question_find(c, r->f_text);
		const char *cb = r->f_codebook ? r->f_codebook : cq ? cq->codebook : NULL;

		if (!cb)
			return cli_misuse(&usage, "--text needs --codebook (the descriptor has "
					  "no codebook for \"%s\")", r->f_text);
		r->q = calloc(1, sizeof(*r->q));
		r->nq = 1;
		r->q->id = cq ? cq->id : r->f_text;
		r->q->column = r->f_text;
		if (r->f_codebook ? find_codebook(cb, &r->q->cb_path)
		    : corpus_resolve(c, cb, &r->q->cb_path)) {
			struct kerr e;

			kerr_clear(&e);
			kerr_set(&e, KERR_NOTFOUND, "no such codebook (a file, or a shipped id "
				 "such as sof-barrierer)");
			kerr_at(&e, cb, 0, 0);
			return cli_error(&e);
		}
	} else {
		if (r->f_codebook)
			return cli_misuse(&usage, "--codebook goes with --text COLUMN");
		if (!c->nquestions)
			return cli_misuse(&usage, "nothing to tally: give --text COLUMN "
					  "--codebook CB, or a corpus descriptor with questions");
		r->q = calloc(c->nquestions, sizeof(*r->q));
		for (i = 0; i < c->nquestions; i++) {
			struct question *q = &r->q[r->nq];

			if (r->only && strcmp(c->questions[i].id, r->only)
			    && !csv_name_equal(c->questions[i].column, r->only))
				continue;
			q->id = c->questions[i].id;
			/* a question with a column per wave is named by its id */
			q->column = c->questions[i].by_wave.n ? c->questions[i].id
				: c->questions[i].column;
			if (corpus_resolve(c, c->questions[i].codebook, &q->cb_path)) {
				struct kerr e;

				kerr_clear(&e);
				kerr_set(&e, KERR_NOTFOUND, "codebook of question \"%s\" not found",
					 q->id);
				kerr_at(&e, q->cb_path.data, 0, 0);
				r->nq++;
				return cli_error(&e);
			}
			r->nq++;
		}
		if (!r->nq) {
			struct buf ids = BUF_INIT;

			for (i = 0; i < c->nquestions; i++)
				buf_addf(&ids, "%s%s", i ? ", " : "", c->questions[i].id);
			rc = cli_misuse(&usage, "no question \"%s\"; the corpus has: %s", r->only,
					ids.data);
			buf_release(&ids);
			return rc;
		}
	}
	if (r->db && !r->f_text && (rc = follow_migration(r)))
		return rc;
	if (r->codes && r->nq != 1)
		return cli_misuse(&usage, "--codes holds one question's codes; choose it with "
				  "--question");
	for (i = 0; i < r->nq; i++)
		if ((rc = load_question(r, &r->q[i])))
			return rc;
	return 0;
}

/* ---- decisions ------------------------------------------------------------ */

/* --codes FILE: `id,codes` rows, with an optional `wave` column for
 * respondents who answered in several waves under one id. */
static int load_codes_file(struct run *r, struct question *q)
{
	struct kerr e;

	kerr_clear(&e);
	return decisions_load_codes(&q->dec, r->codes, &e) ? cli_error(&e) : 0;
}

/*
 * Say which codebook versions the counts rest on, in the table and on stderr,
 * and warn when they are mixed or differ from the codebook the engine used:
 * a count of decisions made under an older version can silently mean
 * something else after a merge or split ('koder migrate' carries them over).
 * Returns 1 when there was something to warn about.
 */
static int report_versions(struct run *r, struct question *q,
	const struct decisions_db_info *d)
{
	struct buf b = BUF_INIT;
	const char *cur = q->cb->version ? q->cb->version : "";
	int mixed = d->nversions > 1 || (d->nversions == 1 && strcmp(d->version[0], cur));

	if (decisions_versions_text(d, &b) || (b.len && tally_set_decided_versions(q->t, b.data)))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if (mixed)
		cli_warn("%s: the decisions on \"%s\" were made under codebook %s version %s, "
			 "but the codes are checked against version %s; carry them over with "
			 "'koder migrate --db %s --to CODEBOOK.json' and review the ones it flags", r->db, q->id,
			 q->cb->id, b.data, *cur ? cur : "(none)", r->db);
	buf_release(&b);
	return mixed;
}

/* --audit: each question's audit, coder against engine on the sample. */
static int load_audit(struct run *r)
{
	struct store *s = NULL;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	if ((rc = store_open(&s, r->db, 0, &e)))
		return cli_error(&e);
	for (size_t i = 0; i < r->nq && !rc; i++) {
		struct question *q = &r->q[i];

		if ((rc = audit_estimate(s, q->id, q->t, &q->aud, &e)))
			break;
		if (!q->aud.audited)
			cli_warn("%s: the audit of \"%s\" (%zu answers for %s) has no decision yet; "
				 "code it with 'koder review --db %s --coder %s'", r->db, q->id,
				 q->aud.drawn, q->aud.coder, r->db, q->aud.coder);
		else
			cli_warn("%s: audit of \"%s\": %zu of %zu sampled answers coded by %s; "
				 "corrected shares by Rogan-Gladen, intervals by the delta method",
				 r->db, q->id, q->aud.audited + q->aud.nonsubst, q->aud.drawn, q->aud.coder);
	}
	store_close(s);
	return rc ? cli_error(&e) : 0;
}

static int load_db(struct run *r)
{
	struct store *s = NULL;
	struct kerr e;
	size_t i;
	int rc;

	kerr_clear(&e);
	if ((rc = store_open(&s, r->db, STORE_READONLY, &e)))
		return cli_error(&e);
	for (i = 0; i < r->nq && !rc; i++) {
		struct question *q = &r->q[i];
		struct decisions_db_info d;

		rc = decisions_load_db(&q->dec, s, q->id, q->cb, q->cb_path.data, &d, &e);
		if (!rc && d.disputed)
			r->status = EXIT_PROBLEMS;
		if (report_versions(r, q, &d) && !rc)
			r->status = EXIT_PROBLEMS;
		if (!rc && d.awaiting) {
			cli_warn("%s: %zu decision%s on \"%s\" made under an earlier version await%s "
				 "review after 'koder migrate' (its --review-list); meanwhile %s "
				 "counted with the coder's codes that version %s kept, and with its "
				 "rules only for the categories it split or added", r->db, d.awaiting,
				 d.awaiting == 1 ? "" : "s", q->id, d.awaiting == 1 ? "s" : "",
				 d.awaiting == 1 ? "its answer is" : "their answers are", d.migrated);
			r->status = EXIT_PROBLEMS;
		}
		if (!rc && d.disputed)
			cli_warn("%s: %zu answer%s to \"%s\" %s coders who disagree and no "
				 "adjudication; the first coder's codes are counted ('koder review "
				 "--adjudicate' settles them)", r->db, d.disputed,
				 d.disputed == 1 ? "" : "s", q->id, d.disputed == 1 ? "has" : "have");
		decisions_db_info_release(&d);
	}
	store_close(s);
	return rc ? cli_error(&e) : 0;
}

/* ---- waves, roles, groups ------------------------------------------------ */

/* Register dimension value `name` in every tally; all tallies see values in
 * the same order, so they share indexes. */
static long dim_register(struct run *r, struct dim *d, const char *name, const char *plural)
{
	long idx = -1;

	for (size_t i = 0; i < r->nq; i++) {
		struct tally *t = r->q[i].t;

		idx = d == &r->wave ? tally_wave(t, name)
		    : d == &r->role ? tally_role(t, name, plural) : tally_group(t, name);
		if ((t = r->q[i].te))
			(void)(d == &r->wave ? tally_wave(t, name)
			       : d == &r->role ? tally_role(t, name, plural) : tally_group(t, name));
	}
	return idx;
}

/* Count a row with a value the descriptor does not list; returns its index
 * in d->unk. */
static size_t note_unknown(struct dim *d, const char *value, long line)
{
	size_t i;

	for (i = 0; i < d->nunk; i++)
		if (!strcmp(d->unk[i].value, value)) {
			d->unk[i].count++;
			return i;
		}
	d->unk = xrealloc(d->unk, (d->nunk + 1) * sizeof(*d->unk));
	d->unk[d->nunk++] = (struct unknown){ xstrdup(value), 1, line };
	return i;
}

/* A value as shown (headings, warnings): with --mask, PII replaced (--by
 * Email --mask shows [EMAIL]).  Borrowed from `val` or r->masked. */
static const char *shown(struct run *r, const char *val)
{
	const char *m = r->mask ? pii_cell(val, r->mask, &r->masked, NULL) : val;

	if (!m)
		cli_die(EXIT_SOFTWARE, "out of memory");
	return m;
}

/* d->cache values: a tally index, or UNKNOWN_BIT | index in d->unk */
#define UNKNOWN_BIT 0x80000000u

/*
 * Index of a row's wave (role) in the tallies, or -1 when the descriptor
 * does not list it (counted for the error, unless --keep-unknown).  The
 * survey reader has resolved the value to its group (survey.h: the
 * descriptor's name, or the value trimmed, spellings folded); this maps the
 * group to the tallies' index, once per distinct group.
 */
static long group_index(struct run *r, struct dim *d, const char *name, long cidx, long line)
{
	size_t nlist = d == &r->wave ? r->corpus.nwaves : r->corpus.nroles;
	size_t n;
	const char *val;
	uint32_t v;
	long idx = -1;

	if (cidx < 0 && !strcmp(name, SURVEY_UNKNOWN)) {     /* a blank cell */
		if (!d->empty++)
			d->empty_line = line;
		return dim_register(r, d, UNKNOWN, d == &r->role ? "respondenter med ukendt rolle"
				    : NULL);
	}
	/* the descriptor's groups by their index: no hashing for most rows */
	if (cidx >= 0 && d->of_corpus && d->of_corpus[cidx] >= 0)
		return d->of_corpus[cidx];
	n = strlen(name);
	if (strtab_get(&d->cache, name, n, &v)) {
		if (!(v & UNKNOWN_BIT))
			return (long)v;
		d->unk[v & ~UNKNOWN_BIT].count++;
		return -1;
	}
	if (cidx >= 0) {
		val = name;
		idx = dim_register(r, d, name, d == &r->role ? r->corpus.roles[cidx].plural : NULL);
		if (!d->of_corpus) {
			d->of_corpus = xmalloc((nlist + 1) * sizeof(*d->of_corpus));
			for (size_t i = 0; i <= nlist; i++)
				d->of_corpus[i] = -1;
		}
		if ((size_t)cidx < nlist)
			d->of_corpus[cidx] = idx;
	} else {
		val = shown(r, name);
		if (!nlist || r->keep_unknown)
			idx = dim_register(r, d, val, NULL);
	}
	if (idx < 0)
		v = UNKNOWN_BIT | (uint32_t)note_unknown(d, val, line);
	if (strtab_put(&d->cache, name, n, idx < 0 ? v : (uint32_t)idx, 0))
		cli_die(EXIT_SOFTWARE, "out of memory");
	return idx;
}

/* Without a list in the descriptor, values that differ only in case or
 * composed/decomposed letters are one value: the first spelling seen. */
static const char *dim_same(const struct run *r, const char *val)
{
	const struct tally *t = r->q[0].t;

	/* Beyond a few hundred values (--by on a near-unique column) the pairwise
	 * comparison would dominate the run; spellings are then taken as they are. */
	for (size_t i = 0; i < t->ngroups && t->ngroups <= 256; i++)
		if (csv_name_equal(t->groups[i].name, val))
			return t->groups[i].name;
	return val;
}

/* Index of the --by value in field `s` (a column the reader does not
 * resolve: any value is its own group). */
static long by_index(struct run *r, struct dim *d, const char *s, size_t n, long line)
{
	uint32_t v;
	long idx;
	char *val;
	size_t a = 0;

	while (n && strchr(" \t", s[n - 1]))
		n--;
	while (a < n && strchr(" \t", s[a]))
		a++;
	s += a;
	n -= a;
	if (!n) {
		if (!d->empty++)
			d->empty_line = line;
		return dim_register(r, d, UNKNOWN, NULL);
	}
	if (strtab_get(&d->cache, s, n, &v))
		return (long)v;
	val = xmalloc(n + 1);
	memcpy(val, s, n);
	val[n] = '\0';
	idx = dim_register(r, d, dim_same(r, shown(r, val)), NULL);
	if (strtab_put(&d->cache, s, n, (uint32_t)idx, 0))
		cli_die(EXIT_SOFTWARE, "out of memory");
	free(val);
	return idx;
}

static void report_unknowns(struct run *r, struct dim *d, const char *name)
{
	struct buf list = BUF_INIT;
	struct kerr e;

	if (!d->nunk)
		return;
	for (size_t i = 0; i < d->nunk && i < MAX_LISTED; i++)
		buf_addf(&list, "%s\"%s\" (%zu row%s, first on line %ld)", i ? ", " : "",
			 d->unk[i].value, d->unk[i].count, d->unk[i].count == 1 ? "" : "s",
			 d->unk[i].line);
	if (d->nunk > MAX_LISTED)
		buf_addf(&list, " and %zu more", d->nunk - MAX_LISTED);
	kerr_clear(&e);
	kerr_set(&e, KERR_SCHEMA, "%s value%s the corpus descriptor does not list: %s; list "
		 "them under \"%s\" in corpus.json, or give --keep-unknown to count them under "
		 "their own name", name, d->nunk == 1 ? "" : "s", list.data,
		 d == &r->wave ? "waves" : "roles");
	kerr_at(&e, r->path.data, 0, 0);
	kerr_path(&e, "%s", d->column);
	add_error(r, &e);
	buf_release(&list);
}

/* ---- the pass over the survey -------------------------------------------- */

/* The engine could not code an answer: a too long one is reported and
 * counted as coded so far (0), anything else stops the run. */
static int code_error(struct run *r, const struct survey_row *row, struct kerr *e)
{
	kerr_at(e, survey_file(r->sv), row->line, 0);
	if (e->code != KERR_LIMIT)
		return cli_error(e);
	cli_error(e);
	r->status = EXIT_PROBLEMS;
	return 0;
}

static int code_answer(struct run *r, struct question *q, const struct survey_row *row,
		       const char *wave, enum tally_kind *kind, int *reviewed)
{
	const char *text = row->answer[q->col], *codes = NULL, *split = NULL, *added = NULL;
	size_t len = row->answer_len[q->col], i;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	*reviewed = 0;
	if (q->dec.loaded)
		codes = decisions_find(&q->dec, wave, row->respondent, row->respondent_len,
				       &split, &added);
	/* A blank answer is blank whatever a decisions file says of it (often
	 * ingen_svar): the store holds no blank answers, so --codes and --db
	 * count it alike, and a decision cannot make it a respondent who
	 * answered. */
	if (is_blank(text, len)) {
		*kind = TALLY_EMPTY;
		return 0;
	}
	if (codes && split) {
		/* flagged by 'koder migrate': the coder's codes that carry over,
		 * the rest from the rules - as its "after" column counted it */
		if (engine_code(q->en, text, len, &r->ans, &e) && (rc = code_error(r, row, &e)))
			return rc;
		buf_reset(&r->rules);
		if (engine_codes_text(q->en, &r->ans.res, &r->rules)
		    || migrate_interim(codes, split, added, r->rules.data, &r->interim, NULL))
			cli_die(EXIT_SOFTWARE, "out of memory");
		codes = r->interim.data;
	} else if (codes) {
		*reviewed = 1;
	}
	if (codes) {
		if (tally_parse_codes(q->t, codes, q->flags, kind, &e)) {
			kerr_at(&e, r->db ? r->db : r->codes, 0, 0);
			snprintf(e.msg + strlen(e.msg), sizeof(e.msg) - strlen(e.msg),
				 " in the decision for respondent %s (survey line %ld)",
				 row->respondent, row->line);
			add_error(r, &e);
			*kind = TALLY_EMPTY;
		}
		return 0;
	}
	if (engine_code(q->en, text, len, &r->ans, &e) && (rc = code_error(r, row, &e)))
		return rc;
	memset(q->flags, 0, q->t->ncats);
	for (i = 0; i < r->ans.res.ncats; i++)
		if (q->cb2t[r->ans.res.cats[i]] >= 0)
			q->flags[q->cb2t[r->ans.res.cats[i]]] = 1;
	*kind = r->ans.res.nonsubstantive ? TALLY_NONSUBST : TALLY_SUBST;
	return 0;
}

/* A respondent the reader saw twice in one wave: reported after the pass,
 * with the other problems of the survey (nothing is written then). */
static void note_dup(struct run *r, const struct survey *sv, const struct survey_row *row)
{
	struct kerr e;

	if (r->ndups++ >= MAX_LISTED * 3) {
		r->nerrors++;
		return;
	}
	kerr_clear(&e);
	survey_dup_error(sv, row, &e);
	kerr_list_add(&r->dups, &e);
}

/* The survey file to give survey_open: NULL for a descriptor's own survey,
 * which may be several files (r->path names only the first). */
static const char *survey_to_open(const struct run *r)
{
	return r->have_corpus ? NULL : r->path.data;
}

/* Open the survey with the reader every command uses: the descriptor's (or
 * the flags') id, wave and role columns, the questions tallied. */
static int open_survey(struct run *r, const struct table_opts *topt, struct survey_opts *so,
			struct survey **sv)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	int status = 0;

	memset(so, 0, sizeof(*so));
	so->encoding = (int)topt->csv.encoding;
	so->max_field = topt->csv.max_field;
	so->sheet = topt->sheet;
	so->question = r->f_text ? r->q[0].id : r->only;
	so->wide_whole = r->export_mode;   /* every file row is written back */
	/* --text naming a column the descriptor has no question for */
	if (r->f_text && !corpus_question_find(&r->corpus, r->q[0].id)
	    && corpus_add_question(&r->corpus, r->q[0].id, r->f_text, NULL))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if (survey_open(sv, &r->corpus, survey_to_open(r), so, &errs)) {
		/* The file is there but is not the survey we were told about. */
		for (size_t i = 0; i < errs.n; i++)
			if (errs.items[i].code == KERR_NOTFOUND && errs.items[i].line == 1)
				errs.items[i].code = KERR_SCHEMA;
		status = cli_errors(&errs);
		kerr_list_release(&errs);
		return status;
	}
	kerr_list_release(&errs);
	kerr_clear(&e);
	if (r->by && survey_find_column(*sv, r->by, &r->by_col, &e))
		return cli_error(&e);
	for (size_t i = 0; i < r->nq; i++) {
		size_t j;

		for (j = 0; j < survey_nquestions(*sv); j++)
			if (!strcmp(survey_question(*sv, j)->id, r->q[i].id))
				break;
		if (j == survey_nquestions(*sv)) {
			kerr_set(&e, KERR_SCHEMA, "question \"%s\" is not in the survey", r->q[i].id);
			kerr_at(&e, r->path.data, 1, 0);
			return cli_error(&e);
		}
		r->q[i].col = j;
	}
	return 0;
}

/* A wide panel export: write the file row of `row` with every wave's
 * answers gathered in xa (r->nq x nww, question-major), then clear them
 * for the next file row.  0 or the exit status. */
static int export_wide(struct run *r, const struct survey_row *row, struct export_answer *xa,
	size_t nww, size_t xmax, struct kerr *e)
{
	table_row tr = { row->nfields, row->field, row->len, row->line };

	if (!r->errors.n && export_row(r->exp, &tr, xa, e))
		return e->code == KERR_IO ? (cli_error(e), EXIT_CANTCREATE) : cli_error(e);
	for (size_t k = 0; k < r->nq * nww; k++) {
		memset((unsigned char *)xa[k].flags, 0, xmax);
		xa[k].kind = TALLY_EMPTY;
		xa[k].reviewed = 0;
	}
	return 0;
}

static int tally_survey(struct run *r)
{
	struct table_opts topt = { .csv = { .encoding = CSV_ENC_AUTO } };
	struct csv_opts copt = { .encoding = CSV_ENC_AUTO };
	struct survey *sv = NULL;
	struct survey_opts so;
	struct survey_row row;
	struct kerr e;
	struct cli_progress prog;
	struct export_answer *xa = NULL;
	unsigned char *xflags = NULL;   /* a wide export: each (question, wave)'s flags */
	size_t nww = 0, xmax = 1;
	int rc, status = 0;

	kerr_clear(&e);
	copt.max_field = r->max_field;
	if (r->f_enc) {
		if (!strcasecmp(r->f_enc, "utf-8") || !strcasecmp(r->f_enc, "utf8"))
			copt.encoding = CSV_ENC_UTF8;
		else if (!strcasecmp(r->f_enc, "windows-1252") || !strcasecmp(r->f_enc, "cp1252")
			 || !strcasecmp(r->f_enc, "latin1"))
			copt.encoding = CSV_ENC_CP1252;
		else
			return cli_misuse(&usage, "--encoding is utf-8 or windows-1252");
	}
	topt.csv = copt;
	topt.sheet = r->f_sheet;
	if ((status = open_survey(r, &topt, &so, &sv)))
		goto out;
	r->sv = sv;
	/* an SPSS or Stata answer column names its question in its label
	 * ("Svar" is labelled "Hvad har I gjort ...?"): head the report with it */
	for (size_t i = 0; i < r->nq; i++) {
		size_t col = survey_column(sv, r->q[i].column);
		const char *label = col != SURVEY_NO_COLUMN ? survey_column_label(sv, col) : NULL;

		if (label && *label && ((r->q[i].t && tally_set_question(r->q[i].t, label))
					|| (r->q[i].te && tally_set_question(r->q[i].te, label))))
			cli_die(EXIT_SOFTWARE, "out of memory");
	}
	if (r->export_mode) {
		struct tally **ts = xcalloc(r->nq, sizeof(*ts));

		char **names = NULL;

		/* A wide panel export is written back wide: one row per file
		 * row, each question's columns once per wave ("samarbejde_Nulpunkt_
		 * kontakt"), from the rows the survey reader gives per wave. */
		if ((nww = survey_wide_nwaves(sv))) {
			ts = xrealloc(ts, r->nq * nww * sizeof(*ts));
			names = xcalloc(r->nq * nww, sizeof(*names));
			for (size_t i = 0; i < r->nq; i++) {
				if (r->q[i].t->ncats + 1 > xmax)
					xmax = r->q[i].t->ncats + 1;
				for (size_t w = 0; w < nww; w++) {
					struct buf nm = BUF_INIT;

					ts[i * nww + w] = r->q[i].t;
					if (buf_addf(&nm, "%s_%s", r->q[i].id, survey_wide_wave(sv, w)))
						cli_die(EXIT_SOFTWARE, "out of memory");
					names[i * nww + w] = nm.data;
				}
			}
			xa = xcalloc(r->nq * nww, sizeof(*xa));
			xflags = xcalloc(r->nq * nww, xmax);
			for (size_t k = 0; k < r->nq * nww; k++)
				xa[k] = (struct export_answer){ TALLY_EMPTY, xflags + k * xmax, 0 };
		} else {
			for (size_t i = 0; i < r->nq; i++)
				ts[i] = r->q[i].t;
			xa = xcalloc(r->nq, sizeof(*xa));
		}
		rc = export_open(&r->exp, r->out, r->xf, &r->corpus,
				 survey_to_open(r), &so, sv, ts,
				 (const char *const *)names, nww ? r->nq * nww : r->nq, &e);
		for (size_t k = 0; names && k < r->nq * nww; k++)
			free(names[k]);
		free(names);
		free(ts);
		if (rc) {
			status = e.code == KERR_IO ? (cli_error(&e), EXIT_CANTCREATE) : cli_error(&e);
			goto out;
		}
	}
	/* Register the descriptor's waves and roles first: that is the report order. */
	for (size_t i = 0; i < r->corpus.nwaves; i++)
		dim_register(r, &r->wave, r->corpus.waves[i].name, NULL);
	for (size_t i = 0; i < r->corpus.nroles; i++)
		dim_register(r, &r->role, r->corpus.roles[i].name, r->corpus.roles[i].plural);
	if (!r->has_wave)
		dim_register(r, &r->wave, "(alle)", NULL);
	if (!r->has_role)
		dim_register(r, &r->role, "(alle)", "respondenter");
	cli_progress_start(&prog, "tally", 0);
	while ((rc = survey_next(sv, &row, &e)) != SURVEY_END) {
		long w = 0, k = 0, g = 0;

		if (rc < 0) {
			kerr_list_add(&r->errors, &e);
			r->nerrors++;
			if (-rc != KERR_SYNTAX || r->nerrors > MAX_LISTED)
				break;
			continue;
		}
		cli_progress_add(&prog, 1);
		if (nww && row.wide_wave == SURVEY_NO_WAVE) {
			/* a file row whose respondent missed every wave: written
			 * back with nothing coded, counted nowhere */
			if ((status = export_wide(r, &row, xa, nww, xmax, &e)))
				goto out;
			continue;
		}
		if (r->has_wave)
			w = group_index(r, &r->wave, row.wave, row.wave_index, row.line);
		if (r->has_role)
			k = group_index(r, &r->role, row.role, row.role_index, row.line);
		if (r->by)
			g = by_index(r, &r->group, row.field[r->by_col], row.len[r->by_col], row.line);
		if (w < 0 || k < 0)
			continue;
		if (is_blank(row.respondent, row.respondent_len)) {
			if (!r->noid++)
				r->noid_line = row.line;
		} else if (row.dup_line > 0) {
			note_dup(r, sv, &row);
		}
		for (size_t i = 0; i < r->nq; i++) {
			struct question *q = &r->q[i];
			enum tally_kind kind;
			int reviewed;

			if ((status = code_answer(r, q, &row, q->t->waves[w].name, &kind, &reviewed)))
				goto out;
			if (tally_add(q->t, (size_t)g, (size_t)w, (size_t)k, kind, q->flags, reviewed)
			    || (q->te && !reviewed && tally_add(q->te, (size_t)g, (size_t)w, (size_t)k,
								kind, q->flags, 0)))
				cli_die(EXIT_SOFTWARE, "out of memory");
			if (r->panel && kind == TALLY_SUBST && row.respondent_len
			    && compare_panel_add(r->panel, i, (size_t)g, (size_t)w, (size_t)k,
						 row.respondent, q->flags))
				cli_die(EXIT_SOFTWARE, "out of memory");
			if (xa && nww) {
				struct export_answer *a = &xa[i * nww + row.wide_wave];

				memcpy((unsigned char *)a->flags, q->flags, q->t->ncats);
				a->kind = kind;
				a->reviewed = reviewed;
			} else if (xa) {
				xa[i] = (struct export_answer){ kind, q->flags, reviewed };
			}
		}
		if (nww && r->exp) {
			if (row.row_done && (status = export_wide(r, &row, xa, nww, xmax, &e)))
				goto out;
		} else if (r->exp && !r->errors.n) {
			table_row tr = { row.nfields, row.field, row.len, row.line };

			if (export_row(r->exp, &tr, xa, &e)) {
				status = e.code == KERR_IO ? (cli_error(&e), EXIT_CANTCREATE)
					: cli_error(&e);
				goto out;
			}
		}
	}
	cli_progress_end(&prog);
	for (size_t i = 0; i < r->dups.n; i++)
		add_error(r, &r->dups.items[i]);
out:
	free(xa);
	free(xflags);
	survey_close(sv);
	r->sv = NULL;
	return status;
}

/* ---- after the pass --------------------------------------------------- */

/* Decisions without a wave that matched one id in two waves: which wave
 * they mean cannot be guessed, so nothing is counted (issue 13: counting
 * them in both waves gave a published cell one respondent too many). */
static void report_ambiguous(struct run *r)
{
	for (size_t i = 0; i < r->nq; i++) {
		const char *id[MAX_LISTED];
		size_t n = decisions_ambiguous(&r->q[i].dec, id, MAX_LISTED);
		struct buf ids = BUF_INIT;
		struct kerr e;

		if (!n)
			continue;
		for (size_t j = 0; j < n && j < MAX_LISTED; j++)
			buf_addf(&ids, "%s%s", j ? ", " : "", id[j]);
		if (n > MAX_LISTED)
			buf_addf(&ids, " and %zu more", n - MAX_LISTED);
		kerr_clear(&e);
		kerr_set(&e, KERR_SCHEMA, "%zu respondent id%s (%s) answer%s \"%s\" in more "
			 "than one wave of %s, but the decisions have no wave column: add a "
			 "'wave' column saying which wave each row is for", n, n == 1 ? "" : "s",
			 ids.data, n == 1 ? "s" : "", r->q[i].id, r->path.data);
		kerr_at(&e, r->codes ? r->codes : r->db, 0, 0);
		add_error(r, &e);
		buf_release(&ids);
	}
}

static void warn_empty(struct run *r, struct dim *d, const char *name)
{
	if (d->empty) {
		cli_warn("%s: %zu row%s without a %s (column \"%s\"; first on line %ld): "
			 "counted under \"" UNKNOWN "\"", r->path.data, d->empty,
			 d->empty == 1 ? "" : "s", name, d->column, d->empty_line);
		r->status = EXIT_PROBLEMS;
	}
}

static void warn_unused(struct run *r)
{
	if (r->noid) {
		cli_warn("%s: %zu row%s without a respondent id (column \"%s\"; first on line %ld): "
			 "counted, but no decision can be matched to %s", r->path.data, r->noid,
			 r->noid == 1 ? "" : "s", r->corpus.id_col, r->noid_line,
			 r->noid == 1 ? "it" : "them");
		r->status = EXIT_PROBLEMS;
	}
	for (size_t i = 0; i < r->nq; i++) {
		const char *ids[3];
		size_t unused = decisions_unused(&r->q[i].dec, ids, 3), k;
		struct buf list = BUF_INIT;
		int digits = 1;

		if (!unused)
			continue;
		for (k = 0; k < unused && k < 3; k++) {
			buf_addf(&list, "%s\"%s\"", k ? ", " : "", ids[k]);
			digits &= ids[k][0] && strspn(ids[k], "0123456789") == strlen(ids[k]);
		}
		/* the usual cause: a number kept as text on one side ("0007") and
		 * as a number on the other (7), and ids are compared as text */
		cli_warn("%s: %zu decision%s for question \"%s\" name%s respondents that are "
			 "not in %s (%s%s)%s", r->db ? r->db : r->codes, unused, unused == 1 ? "" : "s",
			 r->q[i].id, unused == 1 ? "s" : "", r->path.data, unused > 3 ? "first: " : "",
			 list.data ? list.data : "", digits ? "; ids are compared as written: \"0007\" "
			 "is not 7, so write them as the survey file does" : "");
		buf_release(&list);
		r->status = EXIT_PROBLEMS;
	}
}

static int write_outputs(struct run *r)
{
	struct tally **ts = xcalloc(r->nq, sizeof(*ts));
	enum report_format f = REPORT_TEXT;
	struct kerr e;
	int rc = 0;

	kerr_clear(&e);
	for (size_t i = 0; i < r->nq; i++)
		ts[i] = r->q[i].t;
	if (r->format_s)
		report_format_parse(r->format_s, &f);
	else if (r->out && strlen(r->out) > 5 && !strcmp(r->out + strlen(r->out) - 5, ".xlsx"))
		f = REPORT_XLSX;
	{
		struct report_opts ro = { r->ci, r->min_base, NULL, NULL };
		struct report_audit *ra = NULL;
		struct compare cmp;

		memset(&cmp, 0, sizeof(cmp));
		if (r->cmp_mode && (rc = compare_run(&cmp, r->cmp_mode, r->adjust, ts, r->nq,
						      r->panel, &e))) {
			free(ts);
			return cli_error(&e);
		}
		if (r->cmp_mode)
			ro.cmp = &cmp;
		if (r->audit) {
			ra = xcalloc(r->nq, sizeof(*ra));
			for (size_t i = 0; i < r->nq; i++)
				ra[i] = (struct report_audit){ &r->q[i].aud, r->q[i].te };
			ro.audit = ra;
		}
		rc = report_write_opts(ts, r->nq, f, r->out, &ro, &e);
		free(ra);
		compare_release(&cmp);
	}
	if (!rc && r->chart)
		rc = report_chart_svg(ts, r->nq, r->corpus.title ? r->corpus.title : NULL,
				      r->chart, &e);
	free(ts);
	if (rc)
		return e.code == KERR_IO ? (cli_error(&e), EXIT_CANTCREATE) : cli_error(&e);
	return 0;
}

/* ---- command line ------------------------------------------------------ */

static int parse_args(struct run *r, int argc, char **argv)
{
	struct cli_parser p;
	enum report_format f;
	int c;

	cli_parser_init(&p, cur_usage->opts);
	for (;;) {
		c = cli_next(&p, argc, argv);
		/* Options may follow the survey too ("koder tally corpora/sof --db x"). */
		if (c == -1 && optind < argc && !strcmp(argv[optind - 1], "--"))
			break;
		if (c == -1 && optind < argc) {
			if (r->survey_arg)
				return cli_misuse(&usage, "one survey at a time");
			r->survey_arg = argv[optind++];
			continue;
		}
		if (c == -1)
			break;
		switch (c) {
		case 'h': return -cli_help(&usage) - 1;
		case 'o': r->out = optarg; break;
		case OPT_ID: r->f_id = optarg; break;
		case OPT_WAVE: r->f_wave = optarg; break;
		case OPT_ROLE: r->f_role = optarg; break;
		case OPT_TEXT: r->f_text = optarg; break;
		case OPT_CODEBOOK: r->f_codebook = optarg; break;
		case OPT_QUESTION: r->only = optarg; break;
		case OPT_BY: r->by = optarg; break;
		case OPT_FORMAT: r->format_s = optarg; break;
		case OPT_CHART: r->chart = optarg; break;
		case OPT_DB: r->db = optarg; break;
		case OPT_CODES: r->codes = optarg; break;
		case OPT_KEEP: r->keep_unknown = 1; break;
		case OPT_NO_REPAIR: r->no_repair = 1; break;
		case OPT_ENCODING: r->f_enc = optarg; break;
		case OPT_SHEET: r->f_sheet = optarg; break;
		case OPT_CI: r->ci = 1; break;
		case OPT_AUDIT: r->audit = 1; break;
		case OPT_MIN_BASE:
			if (cli_parse_size(optarg, &r->min_base) || !r->min_base)
				return cli_misuse(&usage, "--min-base needs a positive number");
			break;
		case OPT_COMPARE:
			if (compare_mode_parse(optarg, &r->cmp_mode))
				return cli_misuse(&usage, "--compare is waves or roles, not \"%s\"",
						  optarg);
			break;
		case OPT_ADJUST:
			if (stats_adjust_parse(optarg, &r->adjust))
				return cli_misuse(&usage, "--adjust is holm, bh or none, not \"%s\"",
						  optarg);
			break;
		case OPT_MAX_FIELD:
			if (cli_parse_size(optarg, &r->max_field) || !r->max_field
			    || r->max_field > CSV_MAX_MAX_FIELD)
				return cli_misuse(&usage, "--max-field needs a positive number of "
					"bytes, at most %zu (256 MB), not '%s'", CSV_MAX_MAX_FIELD, optarg);
			break;
		case OPT_MASK:
		case OPT_MASK_KINDS: {
			int st = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &r->mask, &usage);

			if (st)
				return st;
			break;
		}
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (optind < argc && !r->survey_arg)
		r->survey_arg = argv[optind++];
	if (optind < argc)
		return cli_misuse(&usage, "one survey at a time");
	if (!r->survey_arg && !r->db)
		return cli_misuse(&usage, "which survey? give a corpus directory, a corpus.json "
				  "or a survey CSV");
	if (r->export_mode) {
		if (r->format_s ? export_format_parse(r->format_s, &r->xf)
		    : export_format_of_path(r->out, &r->xf))
			return cli_misuse(&usage, r->format_s ? "--format is sav, zsav, dta, xlsx or "
					  "csv, not \"%s\"" : "which format? give -o FILE.sav (.zsav, "
					  ".dta, .xlsx, .csv) or --format%s", r->format_s ? r->format_s : "");
		if (!r->out && r->xf != EXPORT_CSV)
			return cli_misuse(&usage, "give -o FILE: a %s file cannot go to standard "
					  "output", r->format_s);
	} else if (r->format_s && report_format_parse(r->format_s, &f))
		return cli_misuse(&usage, "--format is text, csv, md, json or xlsx, not \"%s\"",
				  r->format_s);
	if (r->db && r->codes)
		return cli_misuse(&usage, "give --db or --codes, not both");
	if (r->audit && !r->db)
		return cli_misuse(&usage, "--audit reads the audit from a project store: give --db");
	return 0;
}

/* `koder tally --db PATH` alone: the corpus the store's answers were read
 * from (koder review records it). */
static int survey_from_store(struct run *r)
{
	struct store *s = NULL;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	if ((rc = store_open(&s, r->db, STORE_READONLY, &e)))
		return cli_error(&e);
	rc = store_meta_get(s, "corpus", &r->stored_corpus, &e);
	store_close(s);
	if (rc == KERR_NOTFOUND)
		return cli_misuse(&usage, "the store %s does not say which survey its answers "
				  "came from; give the corpus or the survey file", r->db);
	if (rc)
		return cli_error(&e);
	r->survey_arg = r->stored_corpus.data;
	return 0;
}

static int load_corpus(struct run *r)
{
	const char *a = r->survey_arg;
	struct stat st;
	int rc;

	if (cmd_is_corpus(a)) {
		struct kerr_list errs = KERR_LIST_INIT;

		rc = corpus_load(&r->corpus, a, &errs);
		if (rc) {
			rc = cli_errors(&errs);
			kerr_list_release(&errs);
			return rc;
		}
		r->have_corpus = 1;
		corpus_resolve(&r->corpus, r->corpus.survey, &r->path);
	} else if (stat(a, &st) != 0) {
		struct kerr e;

		kerr_clear(&e);
		kerr_errno(&e, errno, a, "no such corpus directory, corpus.json or survey");
		return cli_error(&e);
	} else {
		corpus_init(&r->corpus);
		buf_adds(&r->path, a);
	}
	if ((r->f_id && corpus_set_str(&r->corpus.id_col, r->f_id))
	    || (r->f_wave && corpus_set_str(&r->corpus.wave_col, r->f_wave))
	    || (r->f_role && corpus_set_role_col(&r->corpus, r->f_role)))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if (!r->corpus.id_col)
		return cli_misuse(&usage, "which column is the respondent id? give --id COLUMN");
	r->has_wave = corpus_has_waves(&r->corpus);
	r->has_role = corpus_has_roles(&r->corpus);
	r->wave = (struct dim){ .what = "wave", .column = r->corpus.wave_col
		? r->corpus.wave_col : r->corpus.nfiles ? "(each file's wave)"
		: "(the questions' columns per wave)" };
	r->role = (struct dim){ .what = "role", .column = r->corpus.role_col ? r->corpus.role_col : "(each file's role)" };
	r->group = (struct dim){ .what = "group", .column = r->by };
	return 0;
}

static void release_dim(struct dim *d)
{
	for (size_t i = 0; i < d->nunk; i++)
		free(d->unk[i].value);
	free(d->unk);
	free(d->of_corpus);
	strtab_release(&d->cache);
}

static void release_run(struct run *r)
{
	buf_release(&r->masked);
	buf_release(&r->rules);
	buf_release(&r->interim);
	/* the first question's engine lends its normalizer: freed last */
	for (size_t i = r->nq; i-- > 0;) {
		struct question *q = &r->q[i];

		tally_free(q->t);
		tally_free(q->te);
		audit_est_release(&q->aud);
		if (!q->shared) {
			engine_free(q->en);
			codebook_free(q->cb);
		}
		buf_release(&q->cb_path);
		free(q->cb2t);
		free(q->flags);
		decisions_release(&q->dec);
	}
	free(r->q);
	engine_answer_release(&r->ans);
	release_dim(&r->wave);
	release_dim(&r->role);
	release_dim(&r->group);
	kerr_list_release(&r->dups);
	kerr_list_release(&r->errors);
	corpus_release(&r->corpus);
	buf_release(&r->path);
	buf_release(&r->stored_corpus);
}

static int init_tables(struct run *r)
{
	if (strtab_init(&r->wave.cache, 64) || strtab_init(&r->role.cache, 64)
	    || strtab_init(&r->group.cache, 256))
		return KERR_NOMEM;
	for (size_t i = 0; i < r->nq; i++)
		if (decisions_init(&r->q[i].dec))
			return KERR_NOMEM;
	return 0;
}

int cmd_tally(int argc, char **argv)
{
	return cmd_tally_run(argc, argv, 0);
}

int cmd_tally_run(int argc, char **argv, int export_mode)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.export_mode = export_mode;
	cur_usage = export_mode ? &export_usage : &tally_usage;
	buf_init(&r.path, 0);
	buf_init(&r.stored_corpus, 0);
	buf_init(&r.masked, 0);
	buf_init(&r.rules, 0);
	buf_init(&r.interim, 0);
	engine_answer_init(&r.ans);
	rc = parse_args(&r, argc, argv);
	if (rc < 0)
		return -rc - 1;
	if (!rc && !r.survey_arg)
		rc = survey_from_store(&r);
	if (rc || (rc = load_corpus(&r)) || (rc = setup_questions(&r)))
		goto out;
	if (init_tables(&r))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if ((r.codes && (rc = load_codes_file(&r, &r.q[0]))) || (r.db && (rc = load_db(&r))))
		goto out;
	if (r.audit && (rc = load_audit(&r)))
		goto out;
	if (r.cmp_mode == COMPARE_WAVES) {
		struct tally **ts = xcalloc(r.nq, sizeof(*ts));

		for (size_t i = 0; i < r.nq; i++)
			ts[i] = r.q[i].t;
		if (compare_panel_new(&r.panel, ts, r.nq))
			cli_die(EXIT_SOFTWARE, "out of memory");
		free(ts);
	}
	if ((rc = tally_survey(&r)))
		goto out;
	report_unknowns(&r, &r.wave, "wave");
	report_unknowns(&r, &r.role, "role");
	report_ambiguous(&r);
	if (r.errors.n) {
		rc = cli_errors(&r.errors);
		if (r.nerrors > r.errors.n)
			cli_warn("... and %zu more problems", r.nerrors - r.errors.n);
		cli_warn("nothing was written: fix the survey (or the decisions) and run again");
		goto out;
	}
	warn_empty(&r, &r.wave, "wave");
	warn_empty(&r, &r.role, "role");
	if (r.by)
		warn_empty(&r, &r.group, r.by);
	warn_unused(&r);
	if (r.exp) {
		struct kerr e;

		kerr_clear(&e);
		rc = export_commit(r.exp, &e);
		r.exp = NULL;
		if (rc)
			rc = e.code == KERR_IO ? (cli_error(&e), EXIT_CANTCREATE) : cli_error(&e);
	} else
		rc = write_outputs(&r);
	if (!rc)
		rc = r.status;
out:
	export_free(r.exp);
	compare_panel_free(r.panel);
	release_run(&r);
	return rc;
}

/*
 * cmd_review.c - `koder review`: coders confirm or override the engine's
 * suggestions, interactively (review.h) or from a spreadsheet (--import,
 * --export), and the reliability work around it (--sample, --adjudicate).
 * Reading the survey into the project store is project.h's job; this file
 * only decides what to do from the command line and reports.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "error.h"
#include "project.h"
#include "review.h"
#include "session.h"
#include "audit.h"
#include "store.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	OPT_DB = 256, OPT_CODER, OPT_QUESTION, OPT_IMPORT, OPT_EXPORT, OPT_FORCE, OPT_CODEBOOK,
	OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE, OPT_SAMPLE, OPT_SEED, OPT_ADJUDICATE,
	OPT_BENCH, OPT_MASK, OPT_MASK_KINDS, OPT_SAMPLE_LIST, OPT_SAMPLE_REMOVE,
	OPT_SAMPLE_REASSIGN, OPT_AUDIT, OPT_ORDER
};

/* --bench is for bench/review.sh and stays out of --help. */

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store (default: koder.db)" },
	{ OPT_CODER, "coder", "NAME", "who is coding (default: $KODER_CODER, else $USER)" },
	{ OPT_QUESTION, "question", "ID", "the open question (id or column; default: the first)" },
	{ OPT_IMPORT, "import", "FILE", "store a CSV of decisions (columns id, codes) and quit" },
	{ OPT_EXPORT, "export", "FILE", "write every answer to FILE.csv or FILE.xlsx and quit" },
	{ OPT_FORCE, "force", NULL, "--import: replace decisions made after the file was exported" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "--export"),
	{ OPT_SAMPLE, "sample", "N", "assign N answers to --coder for double coding and quit" },
	{ OPT_AUDIT, "audit", NULL, "with --sample: a simple random audit of engine-coded "
	  "answers, for tally --audit" },
	{ OPT_SEED, "seed", "S", "seed of the sample (default 1): same seed, same sample" },
	{ OPT_SAMPLE_LIST, "sample-list", NULL, "list the samples (of --coder, else every coder's) and quit" },
	{ OPT_SAMPLE_REMOVE, "sample-remove", NULL, "take --coder's sample away (decisions stay) and quit" },
	{ OPT_SAMPLE_REASSIGN, "sample-reassign", "NAME", "give --coder's sample to NAME instead and quit" },
	{ OPT_ADJUDICATE, "adjudicate", NULL, "step through coders' disagreements and decide" },
	CMD_ORDER_OPT(OPT_ORDER),
	{ OPT_CODEBOOK, "codebook", "CB", "codebook of --text; with a store alone, code the question with CB from now on" },
	CMD_SURVEY_OPTS(OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_opt bench_opt = { OPT_BENCH, "bench", NULL, "" };

static const struct cli_usage usage = {
	"koder review [OPTION]... [CORPUS | SURVEY.csv]",
	"Confirm or override the suggested codes, one answer at a time.",
	opts,
	"CORPUS is a corpus directory or its corpus.json (docs/corpus-format.md);\n"
	"without one, SURVEY.csv with --text --codebook --id [--wave --role].  The\n"
	"first time, the survey's answers and the engine's suggestions go into the\n"
	"project store; later 'koder review --db PATH' is enough.\n\n"
	"Keys: 1-9 and 0 tick categories 1-10 (# and a number for more), Enter\n"
	"confirm, x ingen_svar, n note, u undo, j/k or arrows move, / search,\n"
	"f filter, o order, ? help, q quit.  Every decision is saved before the\n"
	"next answer shows; starting again resumes at the first answer you have\n"
	"not reviewed.\n\n"
	"--order uncertain (or the o key) puts first the answers a decision teaches\n"
	"most from: where the codebook's patterns and its learned model disagree,\n"
	"then where the model is least sure (without a model: the answers the\n"
	"patterns left uncoded).  Each answer's line says why it came early.\n\n"
	"--import reads CSV with `id,codes` rows (as 'koder code' and --export write\n"
	"them; optional wave, question, note columns; save an edited .xlsx as CSV\n"
	"first); every row is checked first and the file is imported whole or not\n"
	"at all.  An id that answered in several waves needs the wave column.\n"
	"Category labels and ids in any case are taken (with a note); rows for\n"
	"answers left blank may say ingen_svar.  After 'koder migrate', an id of\n"
	"the version before is read as the category that replaces it (with a\n"
	"note); an id that was split is refused, naming its parts.  A file\n"
	"written by --export has a decision column: rows whose decision was\n"
	"changed after the export are listed and left as they are unless --force.\n\n"
	"--sample assigns a double-coding sample: that coder then sees only\n"
	"those answers; --sample-list shows who has which, --sample-remove takes a\n"
	"sample away again and --sample-reassign gives it to another coder (a sample\n"
	"given to the wrong coder is mended so, and no decision is lost).\n"
	"--adjudicate shows the answers coders disagree on; the\n"
	"decision made there is final and 'koder tally --db' counts it.\n\n"
	"--export --mask writes the answer text, the note and the other survey\n"
	"columns with CPR numbers, phone numbers, e-mail addresses and names\n"
	"replaced by [CPR], [TELEFON], [EMAIL], [NAVN] (see 'koder scan'); the\n"
	"store itself keeps the answers as given.\n\n"
	"Examples:\n"
	"  koder review --import corpora/sof/gold-barrierer.csv --coder gold \\\n"
	"               --db sof.db corpora/sof\n"
	"  koder review --db sof.db --coder anna\n"
	"  koder review --db sof.db --export til-anna.xlsx --coder anna\n"
	"  koder review --db sof.db --sample 40 --seed 7 --coder bo\n"
	"  koder review --db sof.db --sample-reassign bo --coder anna\n"
	"  koder review --db sof.db --adjudicate --coder chef\n"
	"  koder agree --db sof.db\n\n"
	"Exit status: 0 done (--import: every row stored), 1 --import left rows\n"
	"decided after the export as they are, 2 wrong usage, 3 a file is missing, 4 the decisions\n"
	"file has problems (nothing imported), 5 export not written or the disk\n"
	"is full (nothing imported), 6 store unusable, 130 interrupted (every\n"
	"decision saved so far is kept).  A store this run created is removed\n"
	"again when the survey could not be read into it.\n"
};

struct review_cmd {
	const char *db, *coder, *question, *import, *export, *codebook, *text;
	const char *id, *wave, *role, *source;
	size_t sample;
	int sample_list, sample_remove, coder_given, audit;
	const char *sample_to;  /* --sample-reassign */
	unsigned mask;          /* PII kinds masked in --export, 0 for none */
	long long seed;
	int adjudicate, bench, force;
	int order_uncertain;
	struct corpus corpus;
	int have_corpus;
	struct store *s;
	char *qid;              /* the question worked on (owned) */
};

static int print_errors(const struct kerr_list *l)
{
	int status = EXIT_OK;
	size_t i;

	for (i = 0; i < l->n; i++) {
		int st = cli_error(&l->items[i]);

		if (!status)
			status = st;
	}
	return status;
}

/* A descriptor, or a bare survey described by the flags. */
static int load_corpus(struct review_cmd *r)
{
	struct cmd_source src = { r->source, r->text, r->codebook, r->id, r->wave, r->role,
		r->question, 0, 0 };
	int status = cmd_load_source(&src, &r->corpus, &usage);

	r->have_corpus = src.loaded;
	r->question = src.question;
	return status;
}

/* A write refused for want of space (store.c marks it ENOSPC). */
static int disk_full(const struct kerr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->items[i].code == KERR_STORE && l->items[i].sys_errno == ENOSPC)
			return 1;
	return 0;
}

/* The one message a full disk gets, whatever write found it. */
static int say_disk_full(struct review_cmd *r)
{
	cli_warn("%s: the disk is full: nothing was %s; free space and run it again",
		store_path(r->s), r->import ? "imported" : "stored");
	return EXIT_CANTCREATE;
}

static int add_survey(struct review_cmd *r)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct project_stats st;
	const char *only = NULL;
	int rc, status = 0;

	if (r->question) {
		const struct corpus_question *q = corpus_question_find(&r->corpus, r->question);

		if (!q)
			return cli_misuse(&usage, "the corpus has no question '%s'", r->question);
		only = q->id ? q->id : q->column;
	}
	rc = project_add_survey(r->s, &r->corpus, only, &st, &errs);
	if (!rc && st.moved)
		cli_warn("%s", st.moved_note);
	if (rc && disk_full(&errs))
		status = say_disk_full(r);
	else if (rc)
		status = print_errors(&errs);
	kerr_list_release(&errs);
	if (!rc && !r->text && strcmp(r->source, "-")) {
		char *abs = realpath(r->source, NULL);
		struct kerr e;

		kerr_clear(&e);
		if (abs && store_meta_set(r->s, "corpus", abs, &e))
			status = cli_error(&e);
		free(abs);
	}
	return status;
}

struct qlist {
	struct buf names;
	size_t n;
	char *first;
};

static int list_question(void *ctx, const char *question, const char *codebook_id)
{
	struct qlist *l = ctx;

	(void)codebook_id;
	if (!l->first)
		l->first = strdup(question);
	buf_addf(&l->names, "%s%s", l->n++ ? ", " : "", question);
	return 0;
}

/* The question: --question (a corpus id or column), the question whose
 * gold file is being imported, or the store's only (else first) one. */
static int pick_question(struct review_cmd *r)
{
	struct qlist l = { BUF_INIT, 0, NULL };
	struct kerr e;
	size_t i;
	int rc;

	if (r->question && r->have_corpus) {
		const struct corpus_question *q = corpus_question_find(&r->corpus, r->question);

		r->qid = strdup(q ? (q->id ? q->id : q->column) : r->question);
		return 0;
	}
	if (r->question) {
		r->qid = strdup(r->question);
		return 0;
	}
	for (i = 0; r->import && r->have_corpus && i < r->corpus.nquestions; i++) {
		const char *gold = r->corpus.questions[i].gold;
		char *a, *b;
		int same;

		if (!gold)
			continue;
		a = strdup(gold);
		b = strdup(r->import);
		same = a && b && !strcmp(basename(a), basename(b));
		free(a);
		free(b);
		if (same) {
			r->qid = strdup(r->corpus.questions[i].id);
			return 0;
		}
	}
	if (r->export)
		return 0;       /* every question, told apart by the question column */
	kerr_clear(&e);
	if ((rc = store_each_question(r->s, list_question, &l, &e)))
		return cli_error(&e);
	/* Several: the first, named in the title; --question picks another. */
	r->qid = l.first;
	l.first = NULL;
	free(l.first);
	buf_release(&l.names);
	return rc;
}

static const char *default_coder(void)
{
	const char *c = getenv("KODER_CODER");

	if (!c || !*c)
		c = getenv("USER");
	return c && *c ? c : NULL;
}

static int run_import(struct review_cmd *r)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr_list notes = KERR_LIST_INIT;
	struct project_import_opts o = { r->force, &notes };
	struct project_import_stats st;
	size_t i;
	int rc, status = EXIT_OK;

	rc = project_import(r->s, r->import, r->coder, r->qid, &o, &st, &errs);
	for (i = 0; !rc && i < notes.n; i++) {
		struct buf b = BUF_INIT;

		kerr_format(&notes.items[i], &b);
		cli_warn("%s", b.data);
		buf_release(&b);
	}
	if (rc && disk_full(&errs)) {
		status = say_disk_full(r);
	} else if (rc) {
		status = print_errors(&errs);
		if (rc != KERR_NOMEM && rc != KERR_IO && rc != KERR_STORE) {
			cli_warn("%s: %zu problem%s; nothing was imported", r->import, errs.n,
				errs.n == 1 ? "" : "s");
			status = EXIT_DATAERR;
		}
	} else {
		fprintf(stderr, "koder: %s: %zu decision%s by %s stored in %s (%zu unchanged, "
			"%zu row%s without codes", r->import, st.imported,
			st.imported == 1 ? "" : "s", r->coder, store_path(r->s), st.unchanged,
			st.blank, st.blank == 1 ? "" : "s");
		if (st.blank_answers)
			fprintf(stderr, ", %zu for answers left blank", st.blank_answers);
		if (st.loose)
			fprintf(stderr, ", %zu with labels or ids read loosely", st.loose);
		if (st.forced)
			fprintf(stderr, ", %zu replacing newer decisions (--force)", st.forced);
		fputs(")\n", stderr);
		if (st.ignored_edits)
			cli_warn("%s: %zu cell%s changed in columns that are not imported (see "
				"above); nothing was taken from them", r->import, st.ignored_edits,
				st.ignored_edits == 1 ? "" : "s");
		if (st.stale) {
			cli_warn("%s: %zu row%s left as %s: decided again after the file was "
				"exported (listed above); 'koder review --export' a fresh file, or "
				"give --force to replace them", r->import, st.stale,
				st.stale == 1 ? "" : "s", st.stale == 1 ? "it is" : "they are");
			status = EXIT_PROBLEMS;
		}
	}
	kerr_list_release(&notes);
	kerr_list_release(&errs);
	return status;
}

static int run_export(struct review_cmd *r)
{
	struct kerr e;
	size_t n = 0;

	kerr_clear(&e);
	if (project_export(r->s, r->qid, r->coder, r->export, r->mask, &n, &e)) {
		if (e.code == KERR_IO)
			cli_error(&e);
		return e.code == KERR_IO ? EXIT_CANTCREATE : cli_error(&e);
	}
	fprintf(stderr, "koder: %s: %zu answer%s written\n", r->export, n, n == 1 ? "" : "s");
	return EXIT_OK;
}

static int run_sample(struct review_cmd *r)
{
	struct kerr e;
	size_t n = 0;

	kerr_clear(&e);
	if (r->audit) {
		size_t pop = 0;

		if (audit_draw(r->s, r->qid, r->coder, r->sample, (unsigned long long)r->seed, &n,
			       &pop, &e))
			return cli_error(&e);
		fprintf(stderr, "koder: audit of %s: %zu of %zu engine-coded answers drawn at "
			"random (seed %lld, not stratified) for %s; when %s has coded them, "
			"'koder tally --db %s --audit' corrects the counts\n", r->qid, n, pop,
			r->seed, r->coder, r->coder, store_path(r->s));
		return EXIT_OK;
	}
	if (session_sample_assign(r->s, r->qid, r->coder, r->sample, (unsigned long long)r->seed, &n, &e))
		return cli_error(&e);
	fprintf(stderr, "koder: %zu answer%s of %s assigned to %s for double coding "
		"(seed %lld, stratified by wave and role)\n", n, n == 1 ? "" : "s", r->qid,
		r->coder, r->seed);
	return EXIT_OK;
}

struct sample_list {
	size_t n, decided;
	const char *last;       /* coder of the previous row (borrowed for the call) */
};

static int print_sample(void *ctx, const struct session_sample_row *row)
{
	struct sample_list *l = ctx;

	if (!l->n++)
		printf("coder\tid\twave\trole\tstatus\n");
	printf("%s\t%s\t%s\t%s\t%s\n", row->coder, row->respondent, row->wave, row->role,
		row->decided ? "decided" : "to do");
	l->decided += row->decided;
	return 0;
}

/* --sample-list, --sample-remove, --sample-reassign: mending samples. */
static int run_sample_admin(struct review_cmd *r)
{
	struct sample_list l = { 0, 0, NULL };
	const char *who = r->coder_given ? r->coder : NULL;
	struct kerr e;
	size_t n = 0;

	kerr_clear(&e);
	if (r->sample_list) {
		if (session_sample_list(r->s, r->qid, who, print_sample, &l, &e))
			return cli_error(&e);
		fflush(stdout);
		if (!l.n)
			fprintf(stderr, "koder: %s: no sample assigned%s%s on %s\n", store_path(r->s),
				who ? " to " : "", who ? who : "", r->qid);
		else
			fprintf(stderr, "koder: %zu answer%s of %s in samples, %zu decided\n", l.n,
				l.n == 1 ? "" : "s", r->qid, l.decided);
		return EXIT_OK;
	}
	if (r->sample_remove) {
		if (session_sample_remove(r->s, r->qid, r->coder, &n, &e))
			return cli_error(&e);
		fprintf(stderr, "koder: %s: %zu answer%s of %s no longer in %s's sample; %s "
			"sees every answer again (decisions made are kept)\n", store_path(r->s), n,
			n == 1 ? "" : "s", r->qid, r->coder, r->coder);
		return EXIT_OK;
	}
	if (session_sample_reassign(r->s, r->qid, r->coder, r->sample_to, &n, &e))
		return cli_error(&e);
	fprintf(stderr, "koder: %s: %s's sample of %s given to %s: %zu answer%s (answers %s "
		"had decided stay out)\n", store_path(r->s), r->coder, r->qid, r->sample_to, n,
		n == 1 ? "" : "s", r->sample_to);
	return EXIT_OK;
}

/* Hidden: timings for bench/review.sh. */
static int run_bench(struct review_cmd *r)
{
	struct review_bench b;
	struct kerr e;

	kerr_clear(&e);
	if (review_bench(r->s, r->qid, r->sample ? r->sample : 1000, &b, &e))
		return cli_error(&e);
	printf("answers %zu\nload_ms %.1f\nrender_p50_ms %.3f\nrender_p99_ms %.3f\n"
		"render_max_ms %.3f\ncommit_p50_ms %.3f\ncommit_p99_ms %.3f\n"
		"commit_max_ms %.3f\n", b.answers, b.load_ms, b.render_p50, b.render_p99,
		b.render_max, b.commit_p50, b.commit_p99, b.commit_max);
	return EXIT_OK;
}

static int run_tui(struct review_cmd *r)
{
	struct review_opts o = { r->qid, r->coder, r->adjudicate ? REVIEW_ADJUDICATE
		: REVIEW_CODE, 0, 1, r->order_uncertain };
	struct review_summary sum;
	struct kerr e;

	kerr_clear(&e);
	if (review_run(r->s, &o, &sum, &e))
		return cli_error(&e);
	fprintf(stderr, "koder: %s: %zu decision%s saved this session; %zu of %zu answers "
		"%s by %s\n", store_path(r->s), sum.decided, sum.decided == 1 ? "" : "s",
		sum.reviewed, sum.total, r->adjudicate ? "adjudicated" : "reviewed", r->coder);
	if (sum.note_unsaved)
		fprintf(stderr, "koder: the note being typed when the review was stopped was not "
			"saved (a note is saved with Enter)\n");
	return sum.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/* --codebook with a store alone: the question is coded with this codebook
 * (a new version) from now on. */
static int switch_codebook(struct review_cmd *r)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	char *path;
	struct kerr e;
	int status = 0;

	if (!r->qid)
		return cli_misuse(&usage, "--codebook: which question? give --question");
	path = cmd_codebook_arg(r->codebook);
	kerr_clear(&e);
	if (codebook_load(path, &cb, &errs))
		status = print_errors(&errs);
	else if (project_set_codebook(r->s, r->qid, path, &e))
		status = cli_error(&e);
	else
		fprintf(stderr, "koder: %s: question %s is coded with %s version %s from now on\n",
			store_path(r->s), r->qid, cb->id, cb->version ? cb->version : "");
	codebook_free(cb);
	kerr_list_release(&errs);
	free(path);
	return status;
}

/* The store a survey goes into.  A new one is built aside and published
 * only once the survey is in it (store_create/store_publish), so a run
 * whose survey cannot be read leaves nothing behind and never removes a
 * store another run created at the same time: there is nothing to undo.
 * If another run published the store first, what this one built is added
 * to that store (store_publish). */
static int open_store(struct review_cmd *r)
{
	struct kerr e;
	struct stat sb;
	int status, raced = 0;

	kerr_clear(&e);
	if (r->have_corpus && lstat(r->db, &sb) != 0 && errno == ENOENT) {
		if (store_create(&r->s, r->db, &e))
			return cli_error(&e);
		if ((status = add_survey(r)))
			return status;  /* run() closes r->s: the temp file goes */
		if (store_publish(&r->s, &raced, &e))
			return cli_error(&e);
		return 0;
	}
	/* an export only reads: a store the user may not write still works */
	if (store_open(&r->s, r->db, r->have_corpus ? STORE_CREATE
			: r->export && !r->import ? STORE_READONLY : 0, &e)) {
		if (e.code == KERR_NOTFOUND)
			cli_warn("%s: no project store; give the corpus (or survey) the first time, "
				"e.g. 'koder review --db %s corpora/sof'", r->db, r->db);
		else
			cli_error(&e);
		return e.code == KERR_NOTFOUND ? EXIT_NOINPUT : kerr_exit(e.code);
	}
	return r->have_corpus ? add_survey(r) : 0;
}

static int run(struct review_cmd *r)
{
	int status;

	if ((status = open_store(r)))
		return status;
	if ((status = pick_question(r)))
		return status;
	if (!r->have_corpus && r->codebook && (status = switch_codebook(r)))
		return status;
	if (r->import)
		return run_import(r);
	if (r->export)
		return run_export(r);
	if (!r->qid && !r->export) {
		cli_warn("%s: the store holds no answers yet; give the corpus or survey", r->db);
		return EXIT_NOINPUT;
	}
	if (!r->coder && !r->bench && !r->sample_list && !r->sample_remove
	    && !r->sample_to)
		return cli_misuse(&usage, "who is coding? give --coder NAME");
	if (r->bench)
		return run_bench(r);
	if (r->audit && !r->sample)
		return cli_misuse(&usage, "--audit goes with --sample N (the size of the audit)");
	if (r->sample)
		return run_sample(r);
	if (r->sample_list || r->sample_remove || r->sample_to)
		return run_sample_admin(r);
	return run_tui(r);
}

int cmd_review(int argc, char **argv)
{
	struct cli_opt parse_opts[sizeof(opts) / sizeof(opts[0]) + 1];
	struct review_cmd r;
	struct cli_parser p;
	int c, status, modes, rest = 0;
	enum session_order order;
	const char *operand;

	memset(&r, 0, sizeof(r));
	r.db = "koder.db";
	r.seed = 1;
	/* The parser's table: the documented options plus the hidden one. */
	for (c = 0; opts[c].name; c++)
		parse_opts[c] = opts[c];
	parse_opts[c++] = bench_opt;
	parse_opts[c] = opts[c - 1];  /* the terminating row */
	cli_parser_init(&p, parse_opts);
	/* Options may follow the corpus: koder review corpora/sof --db x.db */
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0:
			if (r.source)
				return cli_misuse(&usage, "one corpus or survey at a time");
			r.source = operand;
			break;
		case OPT_DB: r.db = optarg; break;
		case OPT_CODER: r.coder = optarg; break;
		case OPT_QUESTION: r.question = optarg; break;
		case OPT_IMPORT: r.import = optarg; break;
		case OPT_EXPORT: r.export = optarg; break;
		case OPT_FORCE: r.force = 1; break;
		case OPT_CODEBOOK: r.codebook = optarg; break;
		case OPT_TEXT: r.text = optarg; break;
		case OPT_ID: r.id = optarg; break;
		case OPT_WAVE: r.wave = optarg; break;
		case OPT_ROLE: r.role = optarg; break;
		case OPT_ADJUDICATE: r.adjudicate = 1; break;
		case OPT_ORDER:
			if (session_order_parse(optarg, &order))
				return cli_misuse(&usage, "--order is survey or uncertain, not '%s'",
					optarg);
			r.order_uncertain = order == SESSION_ORDER_UNCERTAIN;
			break;
		case OPT_SAMPLE_LIST: r.sample_list = 1; break;
		case OPT_SAMPLE_REMOVE: r.sample_remove = 1; break;
		case OPT_SAMPLE_REASSIGN: r.sample_to = optarg; break;
		case OPT_BENCH: r.bench = 1; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &r.mask, &usage)))
				return status;
			break;
		case OPT_AUDIT: r.audit = 1; break;
		case OPT_SAMPLE:
			if (cli_parse_size(optarg, &r.sample) || r.sample == 0)
				return cli_misuse(&usage, "--sample wants a positive number, not '%s'",
					optarg);
			break;
		case OPT_SEED: {
			size_t v;

			if (cli_parse_size(optarg, &v))
				return cli_misuse(&usage, "--seed wants a number, not '%s'", optarg);
			r.seed = (long long)v;
			break;
		}
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	modes = !!r.import + !!r.export + !!r.sample + r.adjudicate + r.sample_list
		+ r.sample_remove + !!r.sample_to;
	if (modes > 1)
		return cli_misuse(&usage, "--import, --export, --sample, --sample-list, "
			"--sample-remove, --sample-reassign and --adjudicate are separate jobs; "
			"give one");
	if (r.mask && !r.export)
		return cli_misuse(&usage, "--mask goes with --export (the store keeps the "
			"answers as given)");
	if (r.force && !r.import)
		return cli_misuse(&usage, "--force goes with --import");
	if (r.import && !r.coder)
		return cli_misuse(&usage, "--import needs --coder NAME (whose decisions they are)");
	if ((r.sample_remove || r.sample_to) && !r.coder)
		return cli_misuse(&usage, "whose sample? give --coder NAME (%s)", r.sample_to
			? "--sample-reassign takes it from --coder" : "--sample-remove takes it away");
	r.coder_given = r.coder != NULL;
	if (!r.coder)
		r.coder = default_coder();
	if (r.source) {
		if ((status = load_corpus(&r)))
			goto out;
	} else if (r.text || r.id || r.wave || r.role) {
		status = cli_misuse(&usage, "--text/--id/--wave/--role describe a "
			"survey file: give it");
		goto out;
	}
	status = run(&r);
out:
	store_close(r.s);
	if (r.have_corpus)
		corpus_release(&r.corpus);
	free(r.qid);
	return status;
}

/*
 * cmd_code.c - `koder code`: suggest codebook categories for every answer of
 * a survey export, with the evidence for each, as CSV or JSON lines.
 * Streams: one row in, one row out, so memory does not grow with the file.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "csv.h"
#include "table.h"
#include "engine.h"
#include "error.h"
#include "outfile.h"
#include "pii.h"
#include "rules.h"
#include "survey.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_CODEBOOK = 256, OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE, OPT_FORMAT, OPT_NO_REPAIR, OPT_NO_MODEL, OPT_MODEL, OPT_EXPLAIN,
	OPT_MASK, OPT_MASK_KINDS, OPT_SHEET, OPT_QUESTION };

static const struct cli_opt opts[] = {
	{ OPT_CODEBOOK, "codebook", "CB", "codebook JSON file, or a shipped name (sof-barrierer); "
	  "default with a CORPUS: its question's" },
	{ OPT_TEXT, "text", "COL", "column holding the answers (required without a CORPUS)" },
	{ OPT_QUESTION, "question", "ID", "with a CORPUS of several questions: the one to code" },
	{ OPT_ID, "id", "COL", "column with the respondent id (default: the row number)" },
	{ OPT_SHEET, "sheet", "NAME", "survey in .xlsx or .xls: read this sheet (default: the first)" },
	{ OPT_WAVE, "wave", "COL", "column with the wave, copied to the output" },
	{ OPT_ROLE, "role", "COL", "column with the role, copied to the output" },
	{ OPT_FORMAT, "format", "FMT", "csv (default) or jsonl" },
	{ 'o', "output", "FILE", "write to FILE (whole or not at all) instead of standard output" },
	{ OPT_NO_REPAIR, "no-repair", NULL, "do not repair OCR/typing damage before matching" },
	{ OPT_NO_MODEL, "no-model", NULL, "code with the patterns alone, not the codebook's learned model" },
	{ OPT_EXPLAIN, "explain", NULL, "add a why column: the reason for each category coded, cancelled or vetoed" },
	{ OPT_MODEL, "model", "FILE", "use this learned model (from 'koder train') instead of the codebook's" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the matched words and the id, wave, role columns"),
	{ 'q', "quiet", NULL, "no summary line on standard error" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder code --codebook CB --text COL [--id COL] [--wave COL] [--role COL] [OPTION]... [SURVEY.csv]\n"
	"koder code [--question ID] [OPTION]... CORPUS_DIR | CORPUS.json",
	"Suggest codebook categories for every answer in a survey export.",
	opts,
	"SURVEY.csv is read with its header row (separator , ; or tab and the\n"
	"encoding are detected); '-' or no file reads standard input.  Column names\n"
	"are matched without regard to case.  Each answer is repaired (fgrste ->\n"
	"første), then coded with the codebook's rules.\n\n"
	"A corpus directory or corpus.json (docs/corpus-format.md) names the survey\n"
	"(one file or several, long or wide), its id, wave and role columns, and\n"
	"each question's column and codebook: then --question picks the question\n"
	"when it has several, and the options given override the descriptor's.\n"
	"The wave and role columns are then written as the descriptor names them\n"
	"(Nulpunkt, Leder), so the output, with its codes edited, is a panel's\n"
	"id,wave,codes gold file for 'koder score'.\n\n"
	"CSV output (comma-separated, UTF-8, quoted where needed), one row per answer:\n"
	"  id        the --id column, or the row number (1 = first answer)\n"
	"  wave      the --wave column (only with --wave, or a corpus with waves)\n"
	"  role      the --role column (only with --role, or a corpus with roles)\n"
	"  codes     category ids joined by ';'; ingen_svar for a blank or\n"
	"            non-substantive answer; andet when nothing else fits\n"
	"  status    coded, ingen_svar, andet (nothing else matched) or uncoded\n"
	"            (nothing matched and the codebook has no andet)\n"
	"  evidence  CATEGORY:START-END per match, ';'-separated: byte offsets of\n"
	"            the matched words in the answer as written\n"
	"  patterns  CATEGORY:include[N] per match: which pattern matched;\n"
	"            CATEGORY:model when the codebook's learned model coded it\n"
	"            (its evidence is the whole answer)\n"
	"  matched   the matched words as written, ' | '-separated\n"
	"With --format jsonl, one JSON object per line with the same fields;\n"
	"codes is a list and evidence a list of {category, pattern, start, end, text}.\n\n"
	"--mask replaces personal data found in the answer (CPR numbers, phones,\n"
	"e-mails, names; see 'koder scan') by [CPR], [TELEFON], [EMAIL], [NAVN] in\n"
	"the matched words and the evidence text, and in the id, wave and role\n"
	"columns (an id can be a CPR number).  The offsets keep pointing into\n"
	"the answer as written, not into the masked text.\n\n"
	"Examples:\n"
	"  koder code --codebook sof-barrierer --text \"Barrierer\" --id Respondent-ID survey.csv\n"
	"  koder code corpora/panel -o panel-codes.csv\n\n"
	"Exit status: 0 ok, 1 done but some rows were skipped (wrong number of\n"
	"fields), 2 wrong usage, 3 a file is missing, 4 the codebook or survey is\n"
	"malformed or lacks a column, 5 the output could not be written, 7 a pattern\n"
	"backtracks too much (the message names it), 8 out of memory.\n"
};

struct coder {
	const struct codebook *cb;
	struct engine *en;
	struct engine_answer ans;
	int jsonl;
	int explain;            /* --explain: the why column */
	struct buf why;
	unsigned mask;          /* PII kinds replaced in quoted words, 0 for none */
	struct pii_hits hits;   /* what the current answer holds (with --mask) */
	struct buf span;
	struct buf cellmask[3];   /* id, wave, role as written with --mask */
	struct buf codes, ev, pats, words;   /* write_csv's columns, reused */
	struct buf line;                     /* ... and its row, written at once */
	FILE *out;
	int groups;             /* write the descriptor's wave and role names */
	size_t counts[4];   /* coded, ingen_svar, andet, uncoded */
};

static const char *const status_name[] = { "coded", "ingen_svar", "andet", "uncoded" };

static int status_of(const struct rules_result *res)
{
	return res->nonsubstantive ? 1 : res->residual ? 2 : res->uncoded ? 3 : 0;
}

static void put_field(struct buf *line, const char *s, size_t len, int first)
{
	if (!first)
		buf_addch(line, ',');
	csv_add_field(line, s, len, ',');
}

/* Append a number: printf per piece of evidence is a tenth of the run. */
static void add_num(struct buf *b, size_t n)
{
	char d[24];
	int i = (int)sizeof d;

	do
		d[--i] = (char)('0' + n % 10);
	while ((n /= 10) && i > 0);
	buf_add(b, d + i, sizeof d - (size_t)i);
}

/*
 * Append the answer's bytes [start, end), with every part that lies in
 * personal data found in the whole answer replaced by its placeholder: the
 * answer is searched whole because a name is recognised by its context.
 */
static int add_span(const struct coder *c, struct buf *b, const char *text, size_t start,
		    size_t end)
{
	size_t i, at = start;
	int rc = 0;

	for (i = 0; !rc && c->mask && i < c->hits.n && at < end; i++) {
		const struct pii_hit *h = &c->hits.v[i];

		if (h->end <= at || h->start >= end)
			continue;
		if (h->start > at)
			rc = buf_add(b, text + at, h->start - at);
		if (!rc)
			rc = buf_adds(b, pii_placeholder(h->kind));
		at = h->end;
	}
	if (!rc && at < end)
		rc = buf_add(b, text + at, end - at);
	return rc;
}

/*
 * The reasons for the answer's codes, one per category, ';'-separated:
 * "afstand: include[0] matched 'lang vej'", "tid: model", "andet: nothing
 * matched", "ingen_svar: no answer", and for a category that a pattern
 * matched but did not get: "tid: cancelled by 'ikke' before 'travlt'
 * (include[2])", "tid: vetoed by exclude[0] 'travlt i sommer*'".
 */
static void build_why(struct coder *c, const char *text)
{
	const struct codebook *cb = c->cb;
	const struct rules_result *res = &c->ans.res;
	struct buf *w = &c->why;
	size_t i;

	buf_reset(w);
	for (i = 0; i < res->nev; i++) {
		const struct rules_evidence *v = &res->ev[i];

		buf_addf(w, "%s%s: ", w->len ? "; " : "", cb->cats[v->cat].id);
		if (res->nonsubstantive)
			buf_adds(w, "no answer");
		else if (v->pattern == RULES_MODEL_PATTERN)
			buf_adds(w, "the learned model");
		else if (v->pattern == RULES_NO_PATTERN)
			buf_adds(w, "no pattern");
		else {
			buf_addf(w, "include[%zu] matched '", v->pattern);
			add_span(c, w, text, v->start, v->end);
			buf_adds(w, "'");
		}
	}
	if (res->residual)
		buf_addf(w, "%s%s: nothing matched", w->len ? "; " : "", cb->cats[cb->andet].id);
	for (i = 0; i < res->nwhy; i++) {
		const struct rules_why *y = &res->why[i];
		const struct codebook_category *cat = &cb->cats[y->cat];

		buf_addf(w, "%s%s: ", w->len ? "; " : "", cat->id);
		if (y->kind == RULES_WHY_NEGATED) {
			buf_adds(w, "cancelled by '");
			add_span(c, w, text, y->cue_start, y->cue_end);
			buf_adds(w, "' before '");
			add_span(c, w, text, y->start, y->end);
			buf_addf(w, "' (include[%zu])", y->pattern);
		} else {
			buf_addf(w, "vetoed by exclude[%zu] '%s'", y->pattern,
				 y->pattern < cat->nexclude ? cat->exclude[y->pattern] : "");
		}
	}
}

static void write_csv(struct coder *c, const char *id, const char *wave, const char *role,
		      const char *text)
{
	const struct codebook *cb = c->cb;
	const struct rules_result *res = &c->ans.res;
	struct buf *codes = &c->codes, *ev = &c->ev, *pats = &c->pats, *words = &c->words;
	const char *st = status_name[status_of(res)];
	size_t i, nquoted = 0;

	buf_reset(codes);
	buf_reset(ev);
	buf_reset(pats);
	buf_reset(words);
	for (i = 0; i < res->ncats; i++) {
		if (i)
			buf_addch(codes, ';');
		buf_adds(codes, cb->cats[res->cats[i]].id);
	}
	for (i = 0; i < res->nev; i++) {
		const struct rules_evidence *v = &res->ev[i];
		const char *id = cb->cats[v->cat].id;

		if (v->pattern == RULES_NO_PATTERN)
			continue;
		if (ev->len) {
			buf_addch(ev, ';');
			buf_addch(pats, ';');
		}
		if (nquoted && v->pattern != RULES_MODEL_PATTERN)
			buf_adds(words, " | ");
		buf_adds(ev, id);
		buf_addch(ev, ':');
		add_num(ev, v->start);
		buf_addch(ev, '-');
		add_num(ev, v->end);
		buf_adds(pats, id);
		if (v->pattern == RULES_MODEL_PATTERN) {
			/* the learned model read the whole answer: no words to quote */
			buf_adds(pats, ":model");
			continue;
		}
		buf_adds(pats, ":include[");
		add_num(pats, v->pattern);
		buf_addch(pats, ']');
		add_span(c, words, text, v->start, v->end);
		nquoted++;
	}
	buf_reset(&c->line);
	put_field(&c->line, id, strlen(id), 1);
	if (wave)
		put_field(&c->line, wave, strlen(wave), 0);
	if (role)
		put_field(&c->line, role, strlen(role), 0);
	put_field(&c->line, codes->data, codes->len, 0);
	put_field(&c->line, st, strlen(st), 0);
	put_field(&c->line, ev->data, ev->len, 0);
	put_field(&c->line, pats->data, pats->len, 0);
	put_field(&c->line, words->data, words->len, 0);
	if (c->explain) {
		build_why(c, text);
		put_field(&c->line, c->why.data, c->why.len, 0);
	}
	buf_addch(&c->line, '\n');
	fwrite(c->line.data, 1, c->line.len, c->out);
}

static int write_jsonl(struct coder *c, const char *id, const char *wave, const char *role,
		       const char *text)
{
	const struct codebook *cb = c->cb;
	const struct rules_result *res = &c->ans.res;
	cJSON *o = cJSON_CreateObject(), *codes, *evs;
	char *line;
	size_t i;
	int ok = o != NULL;

	ok = ok && cJSON_AddStringToObject(o, "id", id);
	if (ok && wave)
		ok = cJSON_AddStringToObject(o, "wave", wave) != NULL;
	if (ok && role)
		ok = cJSON_AddStringToObject(o, "role", role) != NULL;
	codes = ok ? cJSON_AddArrayToObject(o, "codes") : NULL;
	ok = codes && cJSON_AddStringToObject(o, "status", status_name[status_of(res)]);
	for (i = 0; ok && i < res->ncats; i++)
		ok = cJSON_AddItemToArray(codes, cJSON_CreateString(cb->cats[res->cats[i]].id));
	evs = ok ? cJSON_AddArrayToObject(o, "evidence") : NULL;
	ok = evs != NULL;
	for (i = 0; ok && i < res->nev; i++) {
		const struct rules_evidence *v = &res->ev[i];
		cJSON *e = cJSON_CreateObject();
		char pat[48];

		if (v->pattern == RULES_NO_PATTERN) {
			cJSON_Delete(e);
			continue;
		}
		if (v->pattern == RULES_MODEL_PATTERN) {
			ok = e && cJSON_AddItemToArray(evs, e)
				&& cJSON_AddStringToObject(e, "category", cb->cats[v->cat].id)
				&& cJSON_AddStringToObject(e, "pattern", "model")
				&& cJSON_AddNumberToObject(e, "start", (double)v->start)
				&& cJSON_AddNumberToObject(e, "end", (double)v->end);
			continue;
		}
		snprintf(pat, sizeof pat, "include[%zu]", v->pattern);
		buf_reset(&c->span);
		ok = e && !add_span(c, &c->span, text, v->start, v->end);
		if (!ok)
			cJSON_Delete(e);  /* not yet in the tree */
		ok = ok && cJSON_AddItemToArray(evs, e)
			&& cJSON_AddStringToObject(e, "category", cb->cats[v->cat].id)
			&& cJSON_AddStringToObject(e, "pattern", pat)
			&& cJSON_AddStringToObject(e, "pattern_text", cb->cats[v->cat].include[v->pattern])
			&& cJSON_AddNumberToObject(e, "start", (double)v->start)
			&& cJSON_AddNumberToObject(e, "end", (double)v->end)
			&& cJSON_AddStringToObject(e, "text", c->span.data);
	}
	if (ok && c->explain) {
		build_why(c, text);
		ok = cJSON_AddStringToObject(o, "why", c->why.data) != NULL;
	}
	line = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!line)
		return KERR_NOMEM;
	fputs(line, c->out);
	fputc('\n', c->out);
	free(line);
	return 0;
}

static void write_header(struct coder *c, int wave, int role)
{
	if (c->jsonl)
		return;
	fprintf(c->out, "id%s%s,codes,status,evidence,patterns,matched%s\n",
		wave ? ",wave" : "", role ? ",role" : "", c->explain ? ",why" : "");
}

/* Code every row of the survey.  Returns 0 or the exit status. */
static int code_stream(struct coder *c, struct survey *sv, int has_wave, int has_role,
		       int *status)
{
	struct survey_row row;
	struct kerr e;
	struct cli_progress prog;
	const char *file = survey_file(sv);
	int rc;

	kerr_clear(&e);
	write_header(c, has_wave, has_role);
	cli_progress_start(&prog, "coding", 0);
	while ((rc = survey_next(sv, &row, &e)) != SURVEY_END) {
		const char *text, *id, *wave, *role;

		/* a ragged row is numbered and reading goes on; any other error
		 * (a quote never closed) ends the file: say what it was */
		if (rc < 0 && (rc != -KERR_SYNTAX || !row.index))
			break;
		if (rc < 0) {
			cli_warn("%s:%ld: row skipped: it has %zu fields where the header has %zu",
				file, row.line, row.nfields, survey_ncolumns(sv));
			*status = EXIT_PROBLEMS;
			kerr_clear(&e);
			continue;
		}
		text = row.answer[0];
		rc = engine_code(c->en, text, row.answer_len[0], &c->ans, &e);
		if (rc) {
			if (!e.file[0] || rc != KERR_LIMIT)
				kerr_at(&e, file, row.line, 0);
			else
				cli_warn("%s:%ld: while coding this answer:", file, row.line);
			cli_progress_end(&prog);
			return cli_error(&e);
		}
		if (c->mask && (rc = pii_find(text, row.answer_len[0], c->mask, &c->hits, &e))) {
			cli_progress_end(&prog);
			return cli_error(&e);
		}
		/* with --mask every column written goes through pii_cell: an id
		 * column can hold a CPR number */
		id = pii_cell(row.respondent, c->mask, &c->cellmask[0], &e);
		wave = pii_cell(!has_wave ? NULL : c->groups ? row.wave : row.wave_value, c->mask,
				&c->cellmask[1], &e);
		role = pii_cell(!has_role ? NULL : c->groups ? row.role : row.role_value, c->mask,
				&c->cellmask[2], &e);
		c->counts[status_of(&c->ans.res)]++;
		if (!id || (has_wave && !wave) || (has_role && !role))
			rc = KERR_NOMEM;
		else if (c->jsonl)
			rc = write_jsonl(c, id, wave, role, text);
		else
			write_csv(c, id, wave, role, text);
		if (rc) {
			kerr_set(&e, KERR_NOMEM, "out of memory");
			cli_progress_end(&prog);
			return cli_error(&e);
		}
		cli_progress_add(&prog, 1);
	}
	cli_progress_end(&prog);
	if (rc < 0)
		return cli_error(&e);
	return 0;
}

/* The survey as the options name it: an id column or the row number, the
 * wave and role copied as written.  Returns 0 or the exit status. */
static int open_survey(struct corpus *cp, const char *file, const char *names[4],
		       const char *sheet, struct survey **sv)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey_opts so = { 0 };
	int st = 0;

	so.sheet = sheet;
	so.no_id = !names[1];
	so.no_dup_check = 1;   /* code streams: its memory does not grow */
	cmd_survey_corpus(cp, NULL, names[0], names[1], names[2], names[3]);
	if (survey_open(sv, cp, file, &so, &errs))
		st = cli_errors(&errs);   /* every missing column at once */
	kerr_list_release(&errs);
	return st;
}

/* The survey of a corpus descriptor, with the options given overriding
 * it (cmd_load_source, as words and kwic take one): its question (the only
 * one, or --question) gives the answer column and, without --codebook, the
 * codebook (into cbpath).  Returns 0 or the exit status. */
static int open_corpus(struct corpus *cp, struct cmd_source *src, const char *sheet,
		       const char **cbname, struct buf *cbpath, struct survey **sv)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey_opts so = { 0 };
	const struct corpus_question *q;
	int st = 0;

	src->codebook_optional = 1;    /* --codebook is code's own */
	if ((st = cmd_load_source(src, cp, &usage)))
		return st;
	if (!(q = cmd_one_question(cp, src->question, &usage, &st)))
		return st;
	if (!*cbname && q->codebook) {
		corpus_resolve(cp, q->codebook, cbpath);
		*cbname = cbpath->data;
	}
	if (!*cbname)
		return cli_misuse(&usage, "no codebook for '%s': corpus %s names none for it; "
				  "give --codebook CB", q->column, cp->name ? cp->name : cp->dir);
	so.sheet = sheet;
	so.question = q->id ? q->id : q->column;
	so.no_dup_check = 1;
	if (survey_open(sv, cp, NULL, &so, &errs))
		st = cli_errors(&errs);
	kerr_list_release(&errs);
	return st;
}

int cmd_code(int argc, char **argv)
{
	struct cli_parser p;
	const char *cbname = NULL, *names[4] = { NULL, NULL, NULL, NULL }, *output = NULL;
	const char *file = "-", *sheet = NULL, *question = NULL;
	struct engine_opts eo = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct coder c;
	struct outfile out = { 0 };
	struct buf cbpath = BUF_INIT, qcb = BUF_INIT;
	struct cmd_source src = { 0 };
	struct corpus cp;
	struct survey *sv = NULL;
	struct kerr e;
	int opt, quiet = 0, status = EXIT_OK, st, rest = 0, nfiles = 0, has_wave, has_role;
	const char *operand;

	memset(&c, 0, sizeof c);
	memset(&cp, 0, sizeof cp);
	buf_init(&c.span, 0);
	for (size_t i = 0; i < 3; i++)
		buf_init(&c.cellmask[i], 0);
	buf_init(&c.codes, 0);
	buf_init(&c.ev, 0);
	buf_init(&c.pats, 0);
	buf_init(&c.words, 0);
	buf_init(&c.line, 0);
	buf_init(&c.why, 0);
	cli_parser_init(&p, opts);
	/* Options may follow the survey file, as with tally and diff. */
	while ((opt = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (opt) {
		case 0:
			if (nfiles++)
				return cli_misuse(&usage, "one survey file at a time");
			file = operand;
			break;
		case OPT_CODEBOOK: cbname = optarg; break;
		case OPT_TEXT: names[0] = optarg; break;
		case OPT_QUESTION: question = optarg; break;
		case OPT_ID: names[1] = optarg; break;
		case OPT_SHEET: sheet = optarg; break;
		case OPT_WAVE: names[2] = optarg; break;
		case OPT_ROLE: names[3] = optarg; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "jsonl"))
				c.jsonl = 1;
			else if (strcmp(optarg, "csv"))
				return cli_misuse(&usage, "--format is csv or jsonl, not '%s'", optarg);
			break;
		case 'o': output = optarg; break;
		case OPT_NO_REPAIR: eo.no_repair = 1; break;
		case OPT_NO_MODEL: eo.no_model = 1; break;
		case OPT_MODEL: eo.model = optarg; break;
		case OPT_EXPLAIN: c.explain = 1; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(opt == OPT_MASK ? NULL : optarg, &c.mask, &usage)))
				return status;
			break;
		case 'q': quiet = 1; break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	has_wave = names[2] != NULL;
	has_role = names[3] != NULL;
	src.source = nfiles && cmd_is_corpus(file) ? file : NULL;
	if (src.source) {
		src.text = names[0];
		src.id = names[1];
		src.wave = names[2];
		src.role = names[3];
		src.question = question;
		if ((status = open_corpus(&cp, &src, sheet, &cbname, &qcb, &sv)))
			goto done;
		has_wave = corpus_has_waves(&cp);
		has_role = corpus_has_roles(&cp);
		c.groups = 1;
	} else if (question) {
		return cli_misuse(&usage, "--question picks a question of a corpus: give the "
				  "corpus directory or corpus.json, or --text COL with a survey file");
	} else if (!cbname) {
		return cli_misuse(&usage, "--codebook is required (or give the corpus directory "
				  "or corpus.json that names it)");
	} else if (!names[0]) {
		return cli_misuse(&usage, "--text is required: name the column holding the "
				  "answers (or give the corpus directory or corpus.json that names it)");
	}
	kerr_clear(&e);
	if (codebook_resolve(cbname, &cbpath, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (engine_open(cbpath.data, &eo, &c.en, &errs)) {
		st = cli_errors(&errs);
		/* the lexicon's own problems name its file, the codebook's this one */
		if (errs.n && !strcmp(errs.items[0].file, cbpath.data))
			cli_warn("%s: fix the codebook first ('koder check %s' lists every problem)",
				cbpath.data, cbpath.data);
		status = st;
		goto done;
	}
	c.cb = engine_codebook(c.en);
	if (c.explain)
		rules_set_explain(engine_rules(c.en), 1);
	if (!sv && (st = open_survey(&cp, file, names, sheet, &sv))) {
		status = st;
		goto done;
	}
	if (outfile_open(&out, output, &e)) {
		status = cli_error(&e);
		if (e.code == KERR_IO)  /* an output problem, not an input one */
			status = EXIT_CANTCREATE;
		goto done;
	}
	engine_answer_init(&c.ans);
	c.out = out.fp;
	st = code_stream(&c, sv, has_wave, has_role, &status);
	engine_answer_release(&c.ans);
	if (st) {
		outfile_abort(&out);
		status = st;
	} else if (outfile_commit(&out, &e)) {
		status = cli_error(&e);
		if (e.code == KERR_IO)
			status = EXIT_CANTCREATE;
	} else if (!quiet) {
		cli_warn("%zu answers: %zu coded, %zu ingen_svar, %zu andet, %zu uncoded",
			c.counts[0] + c.counts[1] + c.counts[2] + c.counts[3],
			c.counts[0], c.counts[1], c.counts[2], c.counts[3]);
	}
done:
	survey_close(sv);
	corpus_release(&cp);
	engine_free(c.en);
	pii_hits_release(&c.hits);
	buf_release(&c.span);
	for (size_t i = 0; i < 3; i++)
		buf_release(&c.cellmask[i]);
	buf_release(&c.codes);
	buf_release(&c.ev);
	buf_release(&c.pats);
	buf_release(&c.words);
	buf_release(&c.line);
	buf_release(&c.why);
	kerr_list_release(&errs);
	buf_release(&cbpath);
	buf_release(&qcb);
	return status;
}

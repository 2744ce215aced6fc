/*
 * cmd_check.c - `koder check CODEBOOK...`: validate codebooks before they
 * are used.  Loads each one (every schema problem located), compiles every
 * pattern (PCRE2's message and offset for a bad one), then codes every
 * example and counterexample and reports each that comes out wrong, with the
 * pattern and text that decided it.  Only checks: writes nothing.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "error.h"
#include "engine.h"
#include "normalize.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_NO_REPAIR = 256 };

static const struct cli_opt opts[] = {
	{ OPT_NO_REPAIR, "no-repair", NULL, "code the examples without word repair (faster; "
	  "then OCR-damaged examples may fail)" },
	{ 'q', "quiet", NULL, "print only problems, not the summary line per codebook" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder check [OPTION]... CODEBOOK...",
	"Check codebooks: structure, patterns, examples and counterexamples.",
	opts,
	"CODEBOOK is a codebook JSON file, or the name of a shipped codebook\n"
	"(sof-barrierer, sof-undtagelser, sygdom-aarsager).  Every problem is\n"
	"reported, not just the first, as\n"
	"  koder: FILE:LINE:COLUMN: JSON-PATH: what is wrong and what was expected\n"
	"e.g. categories[3].include[2] for the third include pattern of the fourth\n"
	"category.  Checked: the JSON syntax; required keys and their types;\n"
	"unknown keys (typos); duplicate ids; nets that do not exist; categories\n"
	"without patterns; every pattern compiled with PCRE2; every example must be\n"
	"coded with its category and every counterexample must not be.\n"
	"The format is described in docs/codebook-format.md.\n\n"
	"For each codebook without problems one line goes to standard output:\n"
	"  FILE: ok: N categories, N patterns, N examples\n\n"
	"Exit status: 0 all codebooks are fine, 1 an example or counterexample came\n"
	"out wrong, 2 wrong usage, 3 a codebook is missing or unreadable, 4 a\n"
	"codebook is malformed or has a bad pattern, 7 a pattern backtracks too\n"
	"much, 8 out of memory or the normalizer's data is missing.\n"
};

struct check {
	struct normalizer *n;
	struct engine_answer ans;
	int status;
	int repair;
};

static void worsen(struct check *c, int status)
{
	if (c->status == EXIT_OK || (status != EXIT_PROBLEMS && status > c->status))
		c->status = status;
}

/* "a;b" for the codes in res. */
static void codes_text(const struct codebook *cb, const struct rules_result *res, struct buf *out)
{
	size_t i;

	for (i = 0; i < res->ncats; i++)
		buf_addf(out, "%s%s", i ? ";" : "", cb->cats[res->cats[i]].id);
	if (!res->ncats)
		buf_adds(out, "nothing");
}

/* Code one example; reports and returns 1 when it came out wrong. */
static int run_example(struct check *c, const struct codebook *cb, struct engine *r,
		       size_t cat, size_t j, int counter)
{
	const struct codebook_category *cc = &cb->cats[cat];
	const char *text = counter ? cc->counterexamples[j] : cc->examples[j];
	char path[96];
	struct kerr e;
	struct buf got = BUF_INIT;
	size_t k;
	int rc, has;

	snprintf(path, sizeof path, "categories[%zu].%s[%zu]", cat,
		counter ? "counterexamples" : "examples", j);
	kerr_clear(&e);
	rc = engine_code(r, text, strlen(text), &c->ans, &e);
	if (rc) {
		if (!e.path[0])
			codebook_error(cb, &e, rc, path, "%s", e.msg);
		worsen(c, cli_error(&e));
		return 1;
	}
	has = rules_result_has(&c->ans.res, cat);
	if (has == !counter)
		return 0;
	codes_text(cb, &c->ans.res, &got);
	if (!counter) {
		const struct rules_why *w = NULL;

		/* a match that did not count says why: the cue or the exclude */
		for (k = 0; k < c->ans.res.nwhy; k++)
			if (c->ans.res.why[k].cat == cat && (!w || c->ans.res.why[k].kind
							     == RULES_WHY_EXCLUDED))
				w = &c->ans.res.why[k];
		if (w && w->kind == RULES_WHY_NEGATED)
			codebook_error(cb, &e, KERR_CHECK, path,
				"example \"%s\" is not coded %s (it got: %s): include[%zu] matched "
				"\"%.*s\", but the negation cue \"%.*s\" before it cancelled it; "
				"reword the pattern, or set \"negation\": false if this is no negation",
				text, cc->id, got.data, w->pattern, (int)(w->end - w->start),
				text + w->start, (int)(w->cue_end - w->cue_start), text + w->cue_start);
		else if (w)
			codebook_error(cb, &e, KERR_CHECK, path,
				"example \"%s\" is not coded %s (it got: %s): exclude[%zu] \"%s\" "
				"matched \"%.*s\" and vetoed it; narrow the exclude", text, cc->id,
				got.data, w->pattern, w->pattern < cc->nexclude ? cc->exclude[w->pattern]
				: "", (int)(w->end - w->start), text + w->start);
		else
			codebook_error(cb, &e, KERR_CHECK, path,
				"example \"%s\" is not coded %s (it got: %s): no pattern matched; add "
				"or widen an include pattern", text, cc->id, got.data);
	} else {
		struct buf why = BUF_INIT;

		for (k = 0; k < c->ans.res.nev; k++)
			if (c->ans.res.ev[k].cat == cat && c->ans.res.ev[k].pattern < RULES_MODEL_PATTERN) {
				buf_addf(&why, "; include[%zu] \"%s\" matched \"%.*s\"", c->ans.res.ev[k].pattern,
					cc->include[c->ans.res.ev[k].pattern],
					(int)(c->ans.res.ev[k].end - c->ans.res.ev[k].start), text + c->ans.res.ev[k].start);
				break;
			}
		codebook_error(cb, &e, KERR_CHECK, path,
			"counterexample \"%s\" is coded %s%s: narrow the pattern or add an exclude",
			text, cc->id, why.data);
		buf_release(&why);
	}
	buf_release(&got);
	worsen(c, cli_error(&e));
	return 1;
}

static void check_one(struct check *c, const char *name, int quiet)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	struct engine *r = NULL;
	struct buf path = BUF_INIT;
	struct kerr e;
	size_t i, j, nex = 0, bad = 0;
	int bad_book;

	kerr_clear(&e);
	if (codebook_resolve(name, &path, &e)) {
		worsen(c, cli_error(&e));
		buf_release(&path);
		return;
	}
	/* a codebook with problems is still compiled, so one run lists them all */
	bad_book = codebook_load_lenient(path.data, &cb, &errs);
	if (cb && bad_book) {
		struct rules *listed = NULL;

		rules_compile(cb, &listed, &errs);  /* only for its problems */
		rules_free(listed);
	} else if (cb) {
		/* examples are claims about the patterns: the learned model, which
		 * only adds to what they find, is measured on coded answers instead;
		 * the normalizer of the first engine serves every codebook after it.
		 * The model is loaded all the same, so a file that does not load is
		 * named here, and then left out. */
		struct engine_opts eo = { .no_repair = !c->repair, .norm = c->n };

		if (!engine_new(cb, &eo, &r, &errs) && !c->n)
			c->n = engine_take_normalizer(r);
		if (r) {  /* a failed example says why a match did not count */
			rules_set_model(engine_rules(r), 0);
			rules_set_explain(engine_rules(r), 1);
		}
	}
	for (i = 0; i < errs.n; i++)
		worsen(c, cli_error(&errs.items[i]));
	kerr_list_release(&errs);
	if (cb && !r && !bad_book)
		cli_warn("%s: examples not run until the patterns compile", path.data);
	for (i = 0; r && i < cb->ncats; i++) {
		for (j = 0; j < cb->cats[i].nexamples; j++, nex++)
			bad += run_example(c, cb, r, i, j, 0);
		for (j = 0; j < cb->cats[i].ncounterexamples; j++, nex++)
			bad += run_example(c, cb, r, i, j, 1);
	}
	if (r && !bad && !quiet)
		printf("%s: ok: %zu categories, %zu patterns, %zu examples%s\n", path.data,
			cb->ncats, rules_npatterns(engine_rules(r)), nex,
			rules_has_model(engine_rules(r)) ? ", learned model" : "");
	else if (r && bad)
		cli_warn("%s: %zu of %zu examples and counterexamples came out wrong",
			path.data, bad, nex);
	engine_free(r);
	codebook_free(cb);
	buf_release(&path);
}

int cmd_check(int argc, char **argv)
{
	struct cli_parser p;
	struct check c;
	const char *operand, **files = xcalloc((size_t)argc + 1, sizeof(*files));
	int opt, quiet = 0, nfiles = 0, rest = 0;

	memset(&c, 0, sizeof c);
	c.repair = 1;
	cli_parser_init(&p, opts);
	/* options may follow the codebooks too ("koder check cb.json -q") */
	while ((opt = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (opt) {
		case 0: files[nfiles++] = operand; break;
		case OPT_NO_REPAIR: c.repair = 0; break;
		case 'q': quiet = 1; break;
		case 'h': free(files); return cli_help(&usage);
		default: free(files); return cli_misuse(&usage, NULL);
		}
	}
	if (!nfiles) {
		free(files);
		return cli_misuse(&usage, "name at least one codebook to check");
	}
	engine_answer_init(&c.ans);
	for (int i = 0; i < nfiles; i++)
		check_one(&c, files[i], quiet);
	free(files);
	engine_answer_release(&c.ans);
	normalizer_free(c.n);
	return c.status;
}

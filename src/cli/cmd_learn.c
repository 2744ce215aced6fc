/*
 * cmd_learn.c - `koder learn --db PATH --codebook CB.json`: propose rule
 * changes from the coders' overrides, each with what it would fix and
 * break, ready to paste into the codebook.  It never edits the codebook.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "engine.h"
#include "error.h"
#include "gold.h"
#include "learn.h"
#include "normalize.h"
#include "outfile.h"
#include "pii.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_CODEBOOK, OPT_QUESTION, OPT_WAVE, OPT_MIN, OPT_TOP, OPT_MASK,
	OPT_MASK_KINDS, OPT_FOLDS, OPT_GOLD, OPT_SURVEY, OPT_ID, OPT_ANSWER };
#define MAX_WAVES 16

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store with the coders' decisions" },
	{ OPT_GOLD, "gold", "FILE", "or: a CSV of coded answers (text,codes, or id,codes with "
		"--survey)" },
	{ OPT_SURVEY, "survey", "FILE", "the survey (or its corpus: a panel's id,wave,codes) with the answers of a --gold file of id,codes rows" },
	{ OPT_ID, "id", "COL", "with --survey: its respondent id column" },
	{ OPT_ANSWER, "answer", "COL", "with --survey: its answer column" },
	{ OPT_CODEBOOK, "codebook", "CB.json", "the codebook whose rules to improve (required)" },
	{ OPT_QUESTION, "question", "ID", "only answers to this question" },
	{ OPT_WAVE, "wave", "NAME", "only answers from this wave (repeatable): learn from "
		"earlier waves, check on a later one" },
	{ OPT_MIN, "min", "N", "propose only changes that fix at least N answers (default 2)" },
	{ OPT_TOP, "top", "N", "at most N proposals of each kind per category (default 5)" },
	{ OPT_FOLDS, "folds", "K", "score proposals on K held-out folds (default 10, at most 50; 1: do not)" },
	{ 'o', "output", "FILE", "write the proposals to FILE (default: standard output)" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "patterns and examples"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder learn [OPTION]... (--db PATH | --gold FILE) --codebook CB.json",
	"Propose rule changes from the coders' overrides.",
	opts,
	"Compares every reviewed answer's final codes with what the codebook's rules\n"
	"suggest now.  Where coders added a category the rules missed, the phrases\n"
	"those answers share are proposed as new include patterns; where coders\n"
	"removed one, as new exclusions.  Each proposal says how many reviewed\n"
	"answers it would fix and how many it would break (code an answer the\n"
	"coders left out, or drop a code they kept), with an example, and is written\n"
	"in the codebook's pattern language (a `*` ending matches inflections).\n\n"
	"A phrase read from the answers it fixes always looks good on them, so\n"
	"every proposal is also scored on answers it was not learned from: the\n"
	"answers are dealt into K folds, and for each fold the phrase counts only\n"
	"if the other folds alone propose it; what it then fixes and breaks in\n"
	"the fold is summed (\"held out\").  A change is proposed only when it\n"
	"fixes more held-out answers than it breaks (--folds 1 turns this off).\n"
	"A change that would undo a category the coders carved out of another (a\n"
	"category whose \"replaces\" names a category the codebook still has, such\n"
	"as andet) is not proposed: no exclusion on the new category, no include\n"
	"on the old one.\n\n"
	"Counts ignore negation handling, so check a pasted pattern with\n"
	"'koder check' and its effect with 'koder diff --db'.  The codebook is\n"
	"never changed by this command.\n\n"
	"Only decisions made under this codebook version are used; migrate older\n"
	"ones first ('koder migrate').  --gold takes coded answers from a file\n"
	"instead of a store (as 'koder score' and 'koder train' do).\n\n"
	"--mask replaces personal data by [CPR], [TELEFON], [EMAIL], [NAVN] (see\n"
	"'koder scan') in the answers before phrases are learnt from them, so\n"
	"neither a proposed pattern nor an example carries it.\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 a file is missing, 4 the codebook\n"
	"is malformed, 5 output not written, 6 the store is unusable.\n"
};

struct ctx {
	const struct codebook *cb;
	const char *question;
	const char *waves[MAX_WAVES];
	size_t nwaves;
	unsigned mask;            /* PII kinds replaced before learning */
	struct buf masked;
	struct engine *en;
	struct engine_answer ans;
	struct learn_set *set;
	unsigned char *coder, *sugg;
	size_t reviewed, other_version, unknown;
	struct kerr *e;
};

/* One coded answer: the rules code it now, and the set learns from both. */
static int add(struct ctx *c, const char *text)
{
	size_t i;
	int rc;

	if ((rc = engine_code(c->en, text, text ? strlen(text) : 0, &c->ans, c->e)))
		return rc;
	memset(c->sugg, 0, c->cb->ncats);
	for (i = 0; i < c->ans.res.ncats; i++)
		c->sugg[c->ans.res.cats[i]] = 1;
	c->reviewed++;
	if (!c->mask)
		return learn_add(c->set, c->ans.n.text.data, c->coder, c->sugg, c->e);
	/* Masked before learning, not just when shown: a proposed pattern is
	 * a phrase of the answers and could otherwise be a piece of a CPR
	 * number or a name.  The rules above saw the answer as given. */
	buf_reset(&c->masked);
	if ((rc = pii_mask(c->ans.n.text.data, c->ans.n.text.len, c->mask, &c->masked, NULL, c->e)))
		return rc;
	return learn_add(c->set, c->masked.data, c->coder, c->sugg, c->e);
}

/* A row of a --gold file (gold.h's reader; text is len bytes, not
 * terminated). */
static int one_gold(void *p, const char *id, const char *text, size_t len, const char *codes,
	struct kerr *e)
{
	struct ctx *c = p;
	char *t = strndup(text, len);
	int rc;

	(void)id;
	if (!t)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	memset(c->coder, 0, c->cb->ncats);
	rc = gold_parse_codes(c->cb, codes, c->coder, e);
	if (!rc) {
		c->e = e;
		rc = add(c, t);
	}
	free(t);
	return rc;
}

/* Flags for a codes string; 0 when every id is a category of cb. */
static int flags_of(const struct codebook *cb, const char *codes, unsigned char *flags)
{
	char *list = strdup(codes), *tok, *save = NULL;
	int bad = 0;

	memset(flags, 0, cb->ncats);
	if (!list)
		return -1;
	for (tok = strtok_r(list, ";, ", &save); tok; tok = strtok_r(NULL, ";, ", &save)) {
		long c = codebook_find(cb, tok);

		if (c < 0)
			bad = 1;
		else
			flags[c] = 1;
	}
	free(list);
	return bad;
}

static int wave_wanted(const struct ctx *c, const char *wave)
{
	size_t i;

	for (i = 0; i < c->nwaves; i++)
		if (wave && !strcmp(wave, c->waves[i]))
			return 1;
	return !c->nwaves;
}

static int one(void *p, const struct store_final *f)
{
	struct ctx *c = p;
	const struct store_answer *a = f->answer;
	int rc;

	if (!a->codebook_id || strcmp(a->codebook_id, c->cb->id) || !f->codes
		|| (c->question && strcmp(a->question, c->question)) || !wave_wanted(c, a->wave))
		return 0;
	if (!f->codebook_version || strcmp(f->codebook_version, c->cb->version)) {
		c->other_version++;
		return 0;
	}
	rc = flags_of(c->cb, f->codes, c->coder);
	if (rc < 0)
		return kerr_set(c->e, KERR_NOMEM, "out of memory");
	if (rc) {
		c->unknown++;
		return 0;
	}
	return add(c, a->text);
}

/* Columns a UTF-8 string takes: its characters, not its bytes. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void write_proposals(const struct ctx *c, const struct learn_proposal *p, size_t n,
	size_t folds, FILE *fp)
{
	size_t i, cat, added, removed, shown = 0, rejected, undo;

	fprintf(fp, "Proposed rule changes for %s version %s, from %zu reviewed answers\n",
		c->cb->id, c->cb->version, c->reviewed);
	learn_left_out(c->set, &rejected, &undo);
	if (folds > 1)
		fprintf(fp, "(each scored on %zu held-out folds; %zu candidate change%s that "
			"looked good on the answers %s came from but fixed no more than %s broke "
			"on the others left out)\n", folds, rejected, rejected == 1 ? "" : "s",
			rejected == 1 ? "it" : "they", rejected == 1 ? "it" : "they");
	if (undo)
		fprintf(fp, "(%zu candidate change%s that would undo a category carved out of another "
			"(\"replaces\") left out)\n", undo, undo == 1 ? "" : "s");
	if (c->other_version)
		fprintf(fp, "(%zu decisions under other versions were left out: run 'koder "
			"migrate' to use them)\n", c->other_version);
	if (c->unknown)
		fprintf(fp, "(%zu decisions name categories this codebook does not have and "
			"were left out)\n", c->unknown);
	for (cat = 0; cat < c->cb->ncats; cat++) {
		const struct codebook_category *k = &c->cb->cats[cat];
		int header = 0;

		if (k->builtin)
			continue;
		learn_overrides(c->set, cat, &added, &removed);
		for (i = 0; i < n; i++) {
			const char *ex;
			size_t w;

			/* "coders removed andet" means another category was missed:
			 * an exclusion on the residual category fixes nothing real */
			if (p[i].cat != cat || (p[i].exclude && k->residual))
				continue;
			if (!header++)
				fprintf(fp, "\n%s \"%s\": coders added it %zu time%s the rules "
					"missed it, removed it %zu time%s\n", k->id, k->label, added,
					added == 1 ? "" : "s", removed, removed == 1 ? "" : "s");
			ex = learn_text(c->set, p[i].example);
			w = width(p[i].pattern);
			fprintf(fp, "  %-7s \"%s\",%*s fixes %zu, breaks %zu",
				p[i].exclude ? "exclude" : "include", p[i].pattern,
				(int)(w < 22 ? 22 - w : 0), "", p[i].fixes, p[i].breaks);
			if (folds > 1)
				fprintf(fp, "; held out: fixes %zu, breaks %zu", p[i].held_fixes,
					p[i].held_breaks);
			fprintf(fp, "   e.g. \"%.60s%s\"\n", ex, strlen(ex) > 60 ? "..." : "");
			shown++;
		}
	}
	if (!shown)
		fprintf(fp, "\nNo change would fix more reviewed answers than it breaks, "
			"on the answers it came from and on held-out ones (with at least the "
			"--min fixes).\n");
	else
		fprintf(fp, "\nPaste a pattern into the category's \"include\" or \"exclude\" list, "
			"then run 'koder check'\nand 'koder diff --db' to see its effect.  "
			"The codebook has not been changed.\n");
}

int cmd_learn(int argc, char **argv)
{
	struct cli_parser p;
	const char *db = NULL, *cbpath = NULL, *out = NULL, *gold = NULL, *survey = NULL;
	const char *id_col = NULL, *answer_col = NULL;
	size_t min = 2, top = 5, folds = 10, n = 0;
	const struct learn_proposal *props = NULL;
	struct codebook *cb = NULL;
	struct store *s = NULL;
	struct kerr_list errs = KERR_LIST_INIT;
	struct outfile o;
	struct ctx c;
	struct kerr e;
	int opt, rc, status = EXIT_OK;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	buf_init(&c.masked, 0);
	cli_parser_init(&p, opts);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		switch (opt) {
		case OPT_DB: db = optarg; break;
		case OPT_GOLD: gold = optarg; break;
		case OPT_SURVEY: survey = optarg; break;
		case OPT_ID: id_col = optarg; break;
		case OPT_ANSWER: answer_col = optarg; break;
		case OPT_CODEBOOK: cbpath = optarg; break;
		case OPT_QUESTION: c.question = optarg; break;
		case OPT_WAVE:
			if (c.nwaves == MAX_WAVES)
				return cli_misuse(&usage, "at most %d --wave options", MAX_WAVES);
			c.waves[c.nwaves++] = optarg;
			break;
		case OPT_MIN:
			if (cli_parse_size(optarg, &min) || !min)
				return cli_misuse(&usage, "--min needs a whole number of at least 1");
			break;
		case OPT_TOP:
			if (cli_parse_size(optarg, &top) || !top)
				return cli_misuse(&usage, "--top needs a whole number of at least 1");
			break;
		case OPT_FOLDS:
			if (cli_parse_size(optarg, &folds) || folds < 1 || folds > 50)
				return cli_misuse(&usage, "--folds needs a whole number from 1 to 50");
			break;
		case 'o': out = optarg; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(opt == OPT_MASK ? NULL : optarg, &c.mask, &usage)))
				return status;
			break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!cbpath || !db == !gold)
		return cli_misuse(&usage, "--codebook and one of --db or --gold are required");
	if (survey && !cmd_is_corpus(survey) && (!id_col || !answer_col))
		return cli_misuse(&usage, "--survey needs --id COL and --answer COL (or give the "
				  "survey's corpus directory)");
	if (gold && (c.question || c.nwaves))
		return cli_misuse(&usage, "--question and --wave go with --db, not --gold");
	if (optind != argc)
		return cli_misuse(&usage, "unexpected argument '%s'", argv[optind]);
	if ((status = cmd_load_codebook(cbpath, &cb)))
		return status;
	kerr_clear(&e);
	c.cb = cb;
	c.e = &e;
	engine_answer_init(&c.ans);
	c.coder = calloc(cb->ncats + 1, 1);
	c.sugg = calloc(cb->ncats + 1, 1);
	rc = c.coder && c.sugg ? 0 : kerr_set(&e, KERR_NOMEM, "out of memory");
	if (!rc && (rc = engine_new(cb, NULL, &c.en, &errs)) && errs.n)
		e = errs.items[0];
	if (!rc)
		rc = learn_new(&c.set, cb->ncats, &e);
	for (size_t i = 0; !rc && i < cb->ncats; i++) {
		size_t k;

		for (k = 0; !rc && k < cb->cats[i].ninclude; k++)
			rc = learn_known(c.set, i, 0, cb->cats[i].include[k], &e);
		for (k = 0; !rc && k < cb->cats[i].nexclude; k++)
			rc = learn_known(c.set, i, 1, cb->cats[i].exclude[k], &e);
		/* carved out of a category the codebook still has (not a rename) */
		for (k = 0; !rc && k < cb->cats[i].nreplaces; k++) {
			long src = codebook_find(cb, cb->cats[i].replaces[k]);

			if (src >= 0 && (size_t)src != i)
				rc = learn_carved(c.set, i, (size_t)src, &e);
		}
	}
	if (!rc && gold) {
		struct cmd_source cs = { .source = survey, .text = answer_col, .id = id_col,
					 .codebook_optional = 1 };
		const struct corpus_question *q = NULL;
		struct corpus sc;

		/* a panel's id,wave,codes gold needs the survey's waves: its
		 * corpus names them (learn's --wave picks waves of --db) */
		memset(&sc, 0, sizeof sc);
		if (survey && cmd_is_corpus(survey)) {
			if (!(status = cmd_load_source(&cs, &sc, &usage)))
				q = cmd_one_question(&sc, cs.question, &usage, &status);
		} else if (survey) {
			cmd_survey_corpus(&sc, survey, answer_col, id_col, NULL, NULL);
		}
		if (!status)
			gold_read(gold, "text", "codes", survey ? &sc : NULL, q ? q->id : NULL,
				  one_gold, &c, &errs);
		corpus_release(&sc);
		if (status)
			goto done;
		if (errs.n) {
			status = cli_errors(&errs);
			goto done;
		}
		c.e = &e;
	}
	if (!rc && db)
		rc = store_open(&s, db, STORE_READONLY, &e);
	if (!rc && db)
		rc = store_each_final(s, c.question, one, &c, &e);
	if (!rc && !c.reviewed)
		rc = kerr_set(&e, KERR_NOTFOUND, "no reviewed answers coded with %s version %s in "
			"'%s'%s", cb->id, cb->version, db ? db : gold, c.other_version
			? "; decisions under other versions exist: run 'koder migrate' first" : "");
	if (!rc)
		rc = learn_propose(c.set, min, top, folds, &props, &n, &e);
	if (!rc)
		rc = outfile_open(&o, out, &e);
	if (!rc) {
		write_proposals(&c, props, n, folds, o.fp);
		rc = outfile_commit(&o, &e);
	}
	if (rc)
		status = cli_error(&e);
done:
	store_close(s);
	learn_free(c.set);
	engine_free(c.en);
	engine_answer_release(&c.ans);
	free(c.coder);
	free(c.sugg);
	buf_release(&c.masked);
	codebook_free(cb);
	kerr_list_release(&errs);
	return status;
}

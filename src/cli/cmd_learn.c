/*
 * cmd_learn.c - `koder learn --db PATH --codebook CB.json`: propose rule
 * changes from the coders' overrides, each with what it would fix and
 * break, ready to paste into the codebook.  It never edits the codebook.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "learn.h"
#include "normalize.h"
#include "outfile.h"
#include "pii.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_CODEBOOK, OPT_QUESTION, OPT_WAVE, OPT_MIN, OPT_TOP, OPT_MASK,
	OPT_MASK_KINDS };
#define MAX_WAVES 16

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store with the coders' decisions (required)" },
	{ OPT_CODEBOOK, "codebook", "CB.json", "the codebook whose rules to improve (required)" },
	{ OPT_QUESTION, "question", "ID", "only answers to this question" },
	{ OPT_WAVE, "wave", "NAME", "only answers from this wave (repeatable): learn from "
		"earlier waves, check on a later one" },
	{ OPT_MIN, "min", "N", "propose only changes that fix at least N answers (default 2)" },
	{ OPT_TOP, "top", "N", "at most N proposals of each kind per category (default 5)" },
	{ 'o', "output", "FILE", "write the proposals to FILE (default: standard output)" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "patterns and examples"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder learn [OPTION]... --db PATH --codebook CB.json",
	"Propose rule changes from the coders' overrides.",
	opts,
	"Compares every reviewed answer's final codes with what the codebook's rules\n"
	"suggest now.  Where coders added a category the rules missed, the phrases\n"
	"those answers share are proposed as new include patterns; where coders\n"
	"removed one, as new exclusions.  Each proposal says how many reviewed\n"
	"answers it would fix and how many it would break (code an answer the\n"
	"coders left out, or drop a code they kept), with an example, and is written\n"
	"in the codebook's pattern language (a `*` ending matches inflections).\n"
	"Counts ignore negation handling, so check a pasted pattern with\n"
	"'koder check' and its effect with 'koder diff --db'.  The codebook is\n"
	"never changed by this command.\n\n"
	"Only decisions made under this codebook version are used; migrate older\n"
	"ones first ('koder migrate').\n\n"
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
	size_t i;
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
	if ((rc = engine_code(c->en, a->text, a->text ? strlen(a->text) : 0, &c->ans, c->e)))
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

/* Columns a UTF-8 string takes: its characters, not its bytes. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void write_proposals(const struct ctx *c, const struct learn_proposal *p, size_t n,
	FILE *fp)
{
	size_t i, cat, added, removed, shown = 0;

	fprintf(fp, "Proposed rule changes for %s version %s, from %zu reviewed answers\n",
		c->cb->id, c->cb->version, c->reviewed);
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
			fprintf(fp, "  %-7s \"%s\",%*s fixes %zu, breaks %zu   e.g. \"%.60s%s\"\n",
				p[i].exclude ? "exclude" : "include", p[i].pattern,
				(int)(w < 22 ? 22 - w : 0), "",
				p[i].fixes, p[i].breaks, ex, strlen(ex) > 60 ? "..." : "");
			shown++;
		}
	}
	if (!shown)
		fprintf(fp, "\nNo change would fix more reviewed answers than it breaks "
			"(with at least the --min fixes).\n");
	else
		fprintf(fp, "\nPaste a pattern into the category's \"include\" or \"exclude\" list, "
			"then run 'koder check'\nand 'koder diff --db' to see its effect.  "
			"The codebook has not been changed.\n");
}

int cmd_learn(int argc, char **argv)
{
	struct cli_parser p;
	const char *db = NULL, *cbpath = NULL, *out = NULL;
	size_t min = 2, top = 5, n = 0;
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
	if (!db || !cbpath)
		return cli_misuse(&usage, "--db and --codebook are required");
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
	}
	if (!rc)
		rc = store_open(&s, db, STORE_READONLY, &e);
	if (!rc)
		rc = store_each_final(s, c.question, one, &c, &e);
	if (!rc && !c.reviewed)
		rc = kerr_set(&e, KERR_NOTFOUND, "no reviewed answers coded with %s version %s in "
			"'%s'%s", cb->id, cb->version, db, c.other_version
			? "; decisions under other versions exist: run 'koder migrate' first" : "");
	if (!rc)
		rc = learn_propose(c.set, min, top, &props, &n, &e);
	if (!rc)
		rc = outfile_open(&o, out, &e);
	if (!rc) {
		write_proposals(&c, props, n, o.fp);
		rc = outfile_commit(&o, &e);
	}
	if (rc)
		status = cli_error(&e);
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

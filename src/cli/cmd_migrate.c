/*
 * cmd_migrate.c - `koder migrate --db PATH --to NEW.json`: carry coders'
 * decisions to a new codebook version, recode the answers with it, and show
 * the counts the waves had next to the counts they get.
 */
#include "buf.h"
#include "cbdiff.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "csv.h"
#include "effect.h"
#include "error.h"
#include "migrate.h"
#include "engine.h"
#include "outfile.h"
#include "project.h"
#include "store.h"
#include "tally.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_TO, OPT_FROM, OPT_QUESTION, OPT_DRY, OPT_NORECODE, OPT_LIST,
	OPT_MASK, OPT_MASK_KINDS };
#define MAX_FROM 16

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store (required)" },
	{ OPT_TO, "to", "NEW.json", "the codebook version to migrate to (required)" },
	{ OPT_FROM, "from", "OLD.json", "an earlier version, for labels in the report "
		"(optional, repeatable)" },
	{ OPT_QUESTION, "question", "ID", "only this question (default: every question coded "
		"with the codebook)" },
	{ OPT_DRY, "dry-run", NULL, "show what would happen; write nothing" },
	{ OPT_NORECODE, "no-recode", NULL, "carry decisions only; keep the old suggestions" },
	{ OPT_LIST, "review-list", "FILE", "write the decisions flagged for review as CSV" },
	CMD_NO_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS),
	{ 'o', "output", "FILE", "write the report to FILE (default: standard output)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder migrate [OPTION]... --db PATH --to NEW.json",
	"Carry coders' decisions to a new version of their codebook.",
	opts,
	"Every coder's current decision made under an earlier version of the\n"
	"codebook is mapped category by category.  A category that is kept, renamed\n"
	"or merged (declared in NEW with \"replaces\") is carried to its successor,\n"
	"and the carried decision is appended with action 'migrate' and a note; the\n"
	"old decision stays in the history.  A decision that uses a category that\n"
	"was split or removed is NOT guessed: it is left as it was, listed, and must\n"
	"be decided again by a coder (see --review-list).  So is a decision whose\n"
	"answer NEW's rules code to a category NEW added and which the decision\n"
	"lacks, and, when NEW added a category, every decision on andet: andet, the\n"
	"residual, covered the new category until then, so what it meant changed.\n"
	"The old version is each --from codebook, or the one the store recorded.\n\n"
	"After a migration every command (review, --export, agree, tally --db) uses\n"
	"NEW from the store, even with a descriptor that still names the old file\n"
	"(a message says so); a decision still flagged counts with NEW's rules\n"
	"until a coder decides it again, as the \"after\" column shows.\n\n"
	"Unless --no-recode, every answer also gets a new suggestion from NEW's\n"
	"rules, so earlier waves are recoded with the new codebook.  The report ends\n"
	"with every X and Y per wave and role before and after, side by side.\n\n"
	"The report and the review list name answers by respondent id, wave and\n"
	"role, never with their text: --mask is accepted (so one command line fits\n"
	"every export) and has nothing to replace.\n\n"
	"Rehearse first:\n"
	"  koder migrate --dry-run --db project.db --to codebook-v3.json\n\n"
	"Exit status: 0 migrated (or rehearsed), 1 done, but some decisions need\n"
	"review or the codebook changed without a new version, 2 wrong usage, 3 a\n"
	"file is missing, 4 the codebook is malformed, 5 an output file was not\n"
	"written, 6 the store is unusable.\n"
};

struct ans {
	long long id;
	char *wave, *role, *respondent, *text;
	char *final, *final_version, *final_coder, *suggested;  /* before */
	char *recoded, *evidence;                              /* NEW's rules */
	const struct migrate_entry *moved;  /* the plan's entry for the final decision */
	int decided;
};

struct ctx {
	const struct codebook *to;
	const char *question;
	struct ans *a;
	size_t n, cap;
	int oom;
};

static char *dupn(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = 1;
	return d;
}

static int wanted(const struct ctx *c, const struct store_answer *a)
{
	return a->codebook_id && !strcmp(a->codebook_id, c->to->id)
		&& (!c->question || !strcmp(a->question, c->question));
}

static int collect_answer(void *p, const struct store_answer *a)
{
	struct ctx *c = p;
	struct ans *x;

	if (!wanted(c, a))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct ans *np = realloc(c->a, cap * sizeof(*np));

		if (!np)
			return c->oom = KERR_NOMEM;
		c->a = np;
		c->cap = cap;
	}
	x = &c->a[c->n++];
	memset(x, 0, sizeof(*x));
	x->id = a->id;
	x->wave = dupn(a->wave ? a->wave : "", &c->oom);
	x->role = dupn(a->role ? a->role : "", &c->oom);
	x->respondent = dupn(a->respondent, &c->oom);
	x->text = dupn(a->text ? a->text : "", &c->oom);
	return c->oom;
}

static struct ans *find_ans(struct ctx *c, long long id)
{
	size_t lo = 0, hi = c->n;

	/* c->a is sorted by id once all answers are in (see cmd_migrate) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->a[mid].id == id)
			return &c->a[mid];
		if (c->a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_id(const void *x, const void *y)
{
	const struct ans *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int collect_final(void *p, const struct store_final *f)
{
	struct ctx *c = p;
	struct ans *x;

	if (!wanted(c, f->answer) || !(x = find_ans(c, f->answer->id)))
		return 0;
	x->decided = f->codes != NULL;
	x->final = dupn(f->codes, &c->oom);
	x->final_version = dupn(f->codebook_version, &c->oom);
	x->final_coder = dupn(f->coder, &c->oom);
	x->suggested = dupn(f->suggested, &c->oom);
	return c->oom;
}

static void ctx_release(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct ans *x = &c->a[i];

		free(x->wave);
		free(x->role);
		free(x->respondent);
		free(x->text);
		free(x->final);
		free(x->final_version);
		free(x->final_coder);
		free(x->suggested);
		free(x->recoded);
		free(x->evidence);
	}
	free(c->a);
}

/* Run NEW's rules on every answer: the recoded suggestion and its evidence. */
static int recode(struct ctx *c, const struct codebook *cb, struct kerr *e)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine *en = NULL;
	struct engine_answer ans;
	struct buf codes = BUF_INIT, ev = BUF_INIT;
	size_t i;
	int rc;

	engine_answer_init(&ans);
	rc = engine_new(cb, NULL, &en, &errs);
	if (rc && errs.n && e)
		*e = errs.items[0];
	for (i = 0; i < c->n && !rc; i++) {
		struct ans *x = &c->a[i];

		buf_reset(&codes);
		buf_reset(&ev);
		rc = engine_code(en, x->text, strlen(x->text), &ans, e);
		if (!rc && (engine_codes_text(en, &ans.res, &codes)
			    || engine_evidence_json(en, &ans.res, &ev)))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		if (!rc && (!(x->recoded = strdup(codes.data)) || !(x->evidence = strdup(ev.data))))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	engine_free(en);
	engine_answer_release(&ans);
	buf_release(&codes);
	buf_release(&ev);
	kerr_list_release(&errs);
	return rc;
}

/* The new rules' codes for an answer (migrate_plan_flag_added). */
static const char *recoded_of(void *ctx, long long id)
{
	struct ans *x = find_ans(ctx, id);

	return x ? x->recoded : NULL;
}

/* What an answer counts as after the migration. */
static const char *after_codes(const struct ctx *c, const struct migrate_plan *p,
	const struct ans *x, int *reviewed)
{
	*reviewed = 0;
	if (x->decided && x->final_version && !strcmp(x->final_version, c->to->version)) {
		*reviewed = 1;
		return x->final;
	}
	(void)p;
	if (x->moved && x->moved->item.status != MIGRATE_REVIEW) {
		*reviewed = 1;
		return x->moved->item.codes;
	}
	return x->recoded ? x->recoded : x->suggested;
}

static int add_ids(const char *codes, const struct codebook *cb, char ***ids, size_t *n);

/* Decisions recorded under the new version's number that use categories it
 * does not have mean the codebook changed without its version being raised:
 * migrate cannot see such a change, so say so. */
static size_t warn_same_version(const struct ctx *c)
{
	size_t i, n = 0;
	const struct ans *first = NULL;

	for (i = 0; i < c->n; i++) {
		const struct ans *x = &c->a[i];
		char **ids = NULL;
		size_t k, nids = 0;

		if (!x->decided || !x->final_version || strcmp(x->final_version, c->to->version))
			continue;
		if (add_ids(x->final, c->to, &ids, &nids) == 0 && nids) {
			n++;
			first = first ? first : x;
		}
		for (k = 0; k < nids; k++)
			free(ids[k]);
		free(ids);
	}
	if (n)
		cli_warn("%zu decision%s recorded under version %s use%s categories this version "
			"does not have (e.g. %s: %s): was the codebook changed without raising its "
			"\"version\"?", n, n == 1 ? "" : "s", c->to->version, n == 1 ? "s" : "",
			first->respondent, first->final);
	return n;
}

/* Point every answer at the plan entry of its final decision's coder: one
 * pass, where a search per answer would make big projects quadratic. */
static void link_entries(struct ctx *c, const struct migrate_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct migrate_entry *m = &p->entries[i];
		struct ans *x = find_ans(c, m->answer_id);

		if (x && x->decided && x->final_coder && !strcmp(m->coder, x->final_coder))
			x->moved = m;
	}
}

/* Every id in a codes string that `cb` lacks, appended once to *ids. */
static int add_ids(const char *codes, const struct codebook *cb, char ***ids, size_t *n)
{
	char *list, *tok, *save = NULL;
	size_t k;
	int rc = 0;

	if (!codes || !(list = strdup(codes)))
		return codes ? KERR_NOMEM : 0;
	for (tok = strtok_r(list, ";, ", &save); tok && !rc; tok = strtok_r(NULL, ";, ", &save)) {
		char **np;

		if ((cb && codebook_find(cb, tok) >= 0) || !strcmp(tok, CODEBOOK_INGEN_SVAR))
			continue;
		for (k = 0; k < *n && strcmp((*ids)[k], tok); k++)
			;
		if (k < *n)
			continue;
		if (!(np = realloc(*ids, (*n + 1) * sizeof(*np))) || !(np[*n] = strdup(tok))) {
			if (np)
				*ids = np;
			rc = KERR_NOMEM;
			break;
		}
		*ids = np;
		(*n)++;
	}
	free(list);
	return rc;
}

static void free_ids(char **ids, size_t n)
{
	while (n)
		free(ids[--n]);
	free(ids);
}

/* Which versions the "before" counts of a wave rest on, and what they had. */
struct in_use {
	const struct ctx *c;
	const struct migrate_plan *p;
	const struct codebook *const *from;
	size_t nfrom;
};

/* Did version `v` of the codebook have category `cat`? */
static int version_has(const struct in_use *u, const char *v, const char *cat)
{
	size_t i;

	if (!strcmp(v, u->c->to->version))
		return codebook_find(u->c->to, cat) >= 0;
	for (i = 0; i < u->nfrom; i++)
		if (!strcmp(u->from[i]->version, v))
			return codebook_find(u->from[i], cat) >= 0;
	/* a version we have no file for: it had what its decisions used */
	for (i = 0; i < u->p->nfates; i++)
		if (!strcmp(u->p->fates[i].version, v) && !strcmp(u->p->fates[i].id, cat))
			return 1;
	return 0;
}

static int category_in_use(void *ctx, const char *cat, const char *wave)
{
	const struct in_use *u = ctx;
	size_t i;
	int decided = 0;

	for (i = 0; i < u->c->n; i++) {
		const struct ans *x = &u->c->a[i];

		if (strcmp(x->wave, wave) || !x->decided || !x->final_version)
			continue;
		decided = 1;
		if (version_has(u, x->final_version, cat))
			return 1;
	}
	/* no decisions in the wave: its counts are suggestions of unknown version */
	return !decided;
}

static int side_by_side(struct ctx *c, const struct migrate_plan *p,
	const struct codebook *const *from, size_t nfrom, FILE *fp, struct kerr *e)
{
	struct tally *tb = NULL, *ta = NULL;
	char **bids = NULL, **aids = NULL;
	size_t nb = 0, na = 0, i;
	int rc = 0, rev;

	for (i = 0; i < c->n && !rc; i++) {
		const struct ans *x = &c->a[i];

		rc = add_ids(x->decided ? x->final : x->suggested, NULL, &bids, &nb);
		if (!rc)
			rc = add_ids(after_codes(c, p, x, &rev), c->to, &aids, &na);
	}
	if (rc)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	/* "before" lists old ids with the labels the --from versions give */
	if (!rc)
		rc = effect_tally_new(NULL, c->question, (const char *const *)bids, nb,
			nfrom ? from[nfrom - 1] : c->to, &tb, e);
	if (!rc)
		rc = effect_tally_new(c->to, c->question, (const char *const *)aids, na, NULL, &ta, e);
	for (i = 0; i < c->n && !rc; i++) {
		const struct ans *x = &c->a[i];
		const char *after = after_codes(c, p, x, &rev);

		rc = effect_count(tb, x->wave, x->role, *x->text != '\0',
			x->decided ? x->final : x->suggested, x->decided, e);
		if (!rc)
			rc = effect_count(ta, x->wave, x->role, *x->text != '\0', after, rev, e);
	}
	if (!rc) {
		struct in_use u = { c, p, from, nfrom };

		fprintf(fp, "\n\"after\" counts the migrated decisions; answers without a usable "
			"decision (%zu flagged\nfor review, and those nobody decided) count with "
			"version %s's suggestions.\n", p->review, c->to->version);
		rc = effect_write_table(tb, ta, "before", "after", category_in_use, &u, fp, e);
	}
	tally_free(tb);
	tally_free(ta);
	free_ids(bids, nb);
	free_ids(aids, na);
	return rc;
}

static const struct ans *ans_of(struct ctx *c, long long id)
{
	return find_ans(c, id);
}

/* Kept andet, where the version added categories: migrate_plan_build
 * flagged its decisions (andet covered the added categories until then). */
static int residual_narrowed(const struct migrate_plan *p, const struct migrate_fate_count *f)
{
	size_t i;

	if (f->kind != CBDIFF_KEPT || strcmp(f->id, CODEBOOK_ANDET))
		return 0;
	for (i = 0; i < p->nadded; i++)
		if (!strcmp(p->added[i].version, f->version))
			return p->added[i].n > 0;
	return 0;
}

static void write_summary(struct ctx *c, const struct migrate_plan *p, int dry, FILE *fp)
{
	size_t i;
	const char *last = NULL;

	fprintf(fp, "Migrating decisions on codebook %s to version %s%s\n\n", p->codebook_id,
		p->to_version, dry ? " (dry run: nothing is written)" : "");
	fprintf(fp, "Current decisions: %zu already at version %s, %zu under earlier versions:\n"
		"  %zu valid as they are, %zu carried through a rename or merge, "
		"%zu flagged for review\n", p->current, p->to_version, p->n, p->same, p->changed,
		p->review);
	if (p->flagged_added)
		fprintf(fp, "  (of those, %zu because the rules find a category version %s added, "
			"which the decision lacks)\n", p->flagged_added, p->to_version);
	if (p->flagged_residual)
		fprintf(fp, "  (of those, %zu because they use andet, the residual, and version %s "
			"added categories andet covered until then)\n", p->flagged_residual,
			p->to_version);
	for (i = 0; i < p->nfates; i++) {
		const struct migrate_fate_count *f = &p->fates[i];

		if (!last || strcmp(last, f->version))
			fprintf(fp, "\nVersion %s -> %s, per category:\n", f->version, p->to_version);
		last = f->version;
		fprintf(fp, "  %-24s %-8s -> %s: %zu decision%s%s\n", f->id,
			cbdiff_fate_name(f->kind), *f->to ? f->to : "(nothing)", f->decisions,
			f->decisions == 1 ? "" : "s",
			f->kind == CBDIFF_SPLIT || f->kind == CBDIFF_REMOVED ? ", to review"
			: residual_narrowed(p, f) ? ", to review (categories were added)" : "");
	}
	if (p->review) {
		fprintf(fp, "\nFlagged for review (kept as they were; a coder must decide again):\n");
		for (i = 0; i < p->n; i++) {
			const struct migrate_entry *m = &p->entries[i];
			const struct ans *x = ans_of(c, m->answer_id);

			if (m->item.status != MIGRATE_REVIEW)
				continue;
			fprintf(fp, "  %s (%s, %s), coder %s, version %s: %s  -- %s\n",
				x ? x->respondent : "?", x ? x->wave : "?", x ? x->role : "?",
				m->coder, m->version, m->old_codes, m->item.why);
		}
	}
}

static int write_review_list(struct ctx *c, const struct migrate_plan *p, const char *path,
	struct kerr *e)
{
	struct outfile o;
	size_t i;
	int rc = outfile_open(&o, path, e);

	if (rc)
		return rc;
	fputs("id,wave,role,coder,version,codes,why\n", o.fp);
	for (i = 0; i < p->n; i++) {
		const struct migrate_entry *m = &p->entries[i];
		const struct ans *x = ans_of(c, m->answer_id);
		const char *f[7];
		size_t k;

		if (m->item.status != MIGRATE_REVIEW)
			continue;
		f[0] = x ? x->respondent : "";
		f[1] = x ? x->wave : "";
		f[2] = x ? x->role : "";
		f[3] = m->coder;
		f[4] = m->version;
		f[5] = m->old_codes;
		f[6] = m->item.why ? m->item.why : "";
		for (k = 0; k < 7; k++) {
			csv_write_field(o.fp, f[k], strlen(f[k]), ',');
			fputc(k < 6 ? ',' : '\n', o.fp);
		}
	}
	if (ferror(o.fp)) {
		outfile_abort(&o);
		return kerr_set(e, KERR_WRITE, "cannot write '%s'", path);
	}
	return outfile_commit(&o, e);
}

/* The questions coded with the codebook migrated (or the one asked for). */
struct moveq {
	const struct ctx *c;
	const char *path;
	struct store *s;
	struct kerr *e;
};

static int move_question(void *ctx, const char *question, const char *codebook_id)
{
	struct moveq *m = ctx;

	if (!codebook_id || strcmp(codebook_id, m->c->to->id)
	    || (m->c->question && strcmp(question, m->c->question)))
		return 0;
	return project_set_migrated(m->s, question, m->path, m->e);
}

/*
 * The codebook a question is coded with until now (recorded in the store
 * when its survey was read) is the old version: without --from it is the
 * one that says which categories the new version added.
 */
struct stored_from {
	const struct ctx *c;
	struct store *s;
	struct codebook **from;
	size_t *nfrom;
};

static int add_stored_from(void *ctx, const char *question, const char *codebook_id)
{
	struct stored_from *f = ctx;
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	size_t i;

	if (!codebook_id || strcmp(codebook_id, f->c->to->id) || *f->nfrom == MAX_FROM
	    || (f->c->question && strcmp(question, f->c->question)))
		return 0;
	if (project_codebook_of(f->s, question, &cb, &errs) == 0 && cb->version
	    && !strcmp(cb->id, f->c->to->id) && strcmp(cb->version, f->c->to->version)) {
		for (i = 0; i < *f->nfrom && strcmp(f->from[i]->version, cb->version); i++)
			;
		if (i == *f->nfrom) {
			f->from[(*f->nfrom)++] = cb;
			cb = NULL;
		}
	}
	codebook_free(cb);       /* unreadable (moved, deleted): decisions' ids stand in */
	kerr_list_release(&errs);
	return 0;
}

static int apply(struct store *s, struct ctx *c, const struct migrate_plan *p, int recoded,
	const char *to_path, struct kerr *e)
{
	struct moveq mq = { c, to_path, s, e };
	size_t i;
	int rc = store_begin(s, e);

	if (!rc)
		rc = migrate_plan_apply(s, p, e);
	/* review, import, agree, export and tally use the new version from now
	 * on, even with a descriptor that still names the old file */
	if (!rc)
		rc = store_each_question(s, move_question, &mq, e);
	for (i = 0; !rc && recoded && i < c->n; i++) {
		struct store_suggestion g;

		memset(&g, 0, sizeof(g));
		g.answer_id = c->a[i].id;
		g.codebook_id = c->to->id;
		g.codebook_version = c->to->version;
		g.codes = c->a[i].recoded;
		g.evidence = c->a[i].evidence;
		rc = store_add_suggestion(s, &g, e);
	}
	if (!rc)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	struct cli_parser p;
	const char *db = NULL, *to_path = NULL, *from_path[MAX_FROM], *out = NULL, *list = NULL;
	struct codebook *to = NULL, *from[MAX_FROM];
	size_t nfrom = 0, i;
	struct ctx c;
	struct migrate_plan plan;
	struct store *s = NULL;
	struct outfile o;
	struct kerr e;
	int opt, status = EXIT_OK, dry = 0, norecode = 0, rc, stale = 0;

	memset(&c, 0, sizeof(c));
	memset(&plan, 0, sizeof(plan));
	memset(&o, 0, sizeof(o));
	cli_parser_init(&p, opts);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		switch (opt) {
		case OPT_DB: db = optarg; break;
		case OPT_TO: to_path = optarg; break;
		case OPT_FROM:
			if (nfrom == MAX_FROM)
				return cli_misuse(&usage, "at most %d --from codebooks", MAX_FROM);
			from_path[nfrom++] = optarg;
			break;
		case OPT_QUESTION: c.question = optarg; break;
		case OPT_DRY: dry = 1; break;
		case OPT_NORECODE: norecode = 1; break;
		case OPT_LIST: list = optarg; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(opt == OPT_MASK ? NULL : optarg, NULL, &usage)))
				return status;
			break;
		case 'o': out = optarg; break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!db || !to_path)
		return cli_misuse(&usage, "--db and --to are required");
	if (optind != argc)
		return cli_misuse(&usage, "unexpected argument '%s'", argv[optind]);
	if ((status = cmd_load_codebook(to_path, &to)))
		return status;
	for (i = 0; i < nfrom; i++)
		if ((status = cmd_load_codebook(from_path[i], &from[i]))) {
			nfrom = i;
			goto done;
		}
	c.to = to;
	kerr_clear(&e);
	rc = store_open(&s, db, dry ? STORE_READONLY : 0, &e);
	if (!rc)
		rc = store_each_answer(s, c.question, collect_answer, &c, &e);
	if (!rc && c.oom)
		rc = kerr_set(&e, KERR_NOMEM, "out of memory");
	if (!rc && !c.n)
		rc = kerr_set(&e, KERR_NOTFOUND, "the store '%s' has no answers coded with "
			"codebook %s%s%s; check --to and --question", db, to->id,
			c.question ? " for question " : "", c.question ? c.question : "");
	if (!rc) {
		qsort(c.a, c.n, sizeof(*c.a), by_id);
		rc = store_each_final(s, c.question, collect_final, &c, &e);
		if (!rc && c.oom)
			rc = kerr_set(&e, KERR_NOMEM, "out of memory");
	}
	if (!rc) {
		struct stored_from sf = { &c, s, from, &nfrom };

		rc = store_each_question(s, add_stored_from, &sf, &e);
	}
	if (!rc)
		rc = migrate_plan_build(s, to, (const struct codebook *const *)from, nfrom,
			c.question, &plan, &e);
	if (!rc) {
		link_entries(&c, &plan);
		stale = warn_same_version(&c) > 0;
	}
	if (!rc && !norecode)
		rc = recode(&c, to, &e);
	if (!rc && !norecode)
		rc = migrate_plan_flag_added(&plan, recoded_of, &c, &e);
	if (!rc)
		rc = outfile_open(&o, out, &e);
	if (rc) {
		status = cli_error(&e);
		goto done;
	}
	write_summary(&c, &plan, dry, o.fp);
	if (!norecode)
		fprintf(o.fp, "\nRecoded: %zu answers %s a suggestion from version %s's rules.\n",
			c.n, dry ? "would get" : "got", to->version);
	rc = side_by_side(&c, &plan, (const struct codebook *const *)from, nfrom, o.fp, &e);
	if (!rc && list)
		rc = write_review_list(&c, &plan, list, &e);
	if (!rc && !dry)
		rc = apply(s, &c, &plan, !norecode, to_path, &e);
	if (!rc && !dry)
		fprintf(o.fp, "\nWritten: %zu migrated decisions appended to %s; history kept.\n",
			plan.same + plan.changed, db);
	if (rc) {
		outfile_abort(&o);
		status = cli_error(&e);
	} else if (outfile_commit(&o, &e)) {
		status = cli_error(&e);
	} else if (plan.review) {
		cli_warn("%zu decision%s need%s review: a category %s split or removed, "
			"the new version added categories that andet covered, or the rules find "
			"a category the new version added%s%s",
			plan.review, plan.review == 1 ? "" : "s", plan.review == 1 ? "s" : "",
			plan.review == 1 ? "it uses was" : "they use was",
			list ? "; listed in " : "", list ? list : "");
		status = EXIT_PROBLEMS;
	} else if (stale) {
		status = EXIT_PROBLEMS;
	}
done:
	store_close(s);
	migrate_plan_release(&plan);
	ctx_release(&c);
	codebook_free(to);
	for (i = 0; i < nfrom; i++)
		codebook_free(from[i]);
	return status;
}

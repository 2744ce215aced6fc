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
#include "migration.h"
#include "outfile.h"
#include "store.h"
#include "tally.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_TO, OPT_FROM, OPT_QUESTION, OPT_DRY, OPT_NORECODE, OPT_LIST,
	OPT_MASK, OPT_MASK_KINDS };
#define MAX_FROM MIGRATION_MAX_FROM

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
	"(a message says so).  Until a coder decides it again, a decision still\n"
	"flagged counts with the coder's own codes wherever NEW left them alone\n"
	"(renamed and merged ones carried), and only for a split category with the\n"
	"parts NEW's rules find in the answer (likewise a category NEW added; andet\n"
	"gives way to one).  A split category of which the rules find none of the\n"
	"parts is counted under none of them, and the report says how many; so the\n"
	"\"after\" column shows, and tally --db gives, the same counts.\n\n"
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

/* The report: the run (migration.h), its plan and the counts, as text. */
struct ctx {
	struct migration m;
	size_t unsettled;   /* flagged answers with a split category the rules
	                     * place in none of its parts (migration_interim) */
	int norecode;
};

/* The counts before and after, side by side (migration_counts). */
static int side_by_side(struct ctx *c, const struct migrate_plan *p,
	const struct codebook *const *from, size_t nfrom, FILE *fp, struct kerr *e)
{
	struct tally *tb = NULL, *ta = NULL;
	struct effect_table et;
	int rc = migration_counts(&c->m, p, from, nfrom, &tb, &ta, &et, e);

	if (!rc) {
		fprintf(fp, "\n\"after\" counts the migrated decisions.  The %zu flagged for review "
			"count, until a\ncoder decides them again, with the coder's own codes "
			"wherever version %s left them\nalone (renamed and merged ones carried); "
			"only a split category's parts, and the\ncategories version %s added, come "
			"from %s%s%s.  Answers nobody\ndecided count with version %s's suggestions.\n",
			p->review, p->to_version, p->to_version, c->norecode ? "the old suggestions"
			: "version ", c->norecode ? "" : p->to_version, c->norecode ? "" : "'s rules",
			p->to_version);
		if (c->unsettled)
			fprintf(fp, "%zu flagged answer%s a split category of which the rules find "
				"none of the parts:\n%s counted under none of them until re-reviewed "
				"(see --review-list).\n", c->unsettled,
				c->unsettled == 1 ? " has" : "s have", c->unsettled == 1 ? "it is" : "they are");
		rc = cmd_print_effect_table(fp, &et, "before", "after", "the coders' decisions", e);
	}
	effect_table_release(&et);
	tally_free(tb);
	tally_free(ta);
	return rc;
}

static const struct migration_answer *ans_of(struct ctx *c, long long id)
{
	return migration_find(&c->m, id);
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
		fprintf(fp, "\nFlagged for review (kept as they were; a coder must decide again;\n"
			"\"meanwhile\" is what the answer counts as until then):\n");
		for (i = 0; i < p->n; i++) {
			const struct migrate_entry *m = &p->entries[i];
			const struct migration_answer *x = ans_of(c, m->answer_id);

			if (m->item.status != MIGRATE_REVIEW)
				continue;
			fprintf(fp, "  %s (%s, %s), coder %s, version %s: %s  -- %s", x ? x->respondent
				: "?", x ? x->wave : "?", x ? x->role : "?", m->coder, m->version,
				m->old_codes, m->item.why);
			if (x && x->moved == m && x->interim)
				fprintf(fp, "; meanwhile %s", *x->interim ? x->interim
					: "(no category)");
			fputc('\n', fp);
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
		const struct migration_answer *x = ans_of(c, m->answer_id);
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

int cmd_migrate(int argc, char **argv)
{
	struct cli_parser p;
	const char *db = NULL, *to_path = NULL, *from_path[MAX_FROM], *out = NULL, *list = NULL;
	const char *question = NULL;
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
		case OPT_QUESTION: question = optarg; break;
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
	kerr_clear(&e);
	rc = store_open(&s, db, dry ? STORE_READONLY : 0, &e);
	if (!rc)
		rc = migration_load(&c.m, s, db, to, question, &e);
	if (!rc)
		rc = migration_stored_from(&c.m, s, from, &nfrom, &e);
	if (!rc)
		rc = migrate_plan_build(s, to, (const struct codebook *const *)from, nfrom,
			question, &plan, &e);
	if (!rc) {
		const struct migration_answer *first = NULL;
		size_t n;

		migration_link(&c.m, &plan);
		if ((n = migration_same_version_misuse(&c.m, &first)) > 0) {
			cli_warn("%zu decision%s recorded under version %s use%s categories this "
				"version does not have (e.g. %s: %s): was the codebook changed without "
				"raising its \"version\"?", n, n == 1 ? "" : "s", to->version,
				n == 1 ? "s" : "", first->respondent, first->final);
			stale = 1;
		}
	}
	if (!rc && !norecode)
		rc = migration_recode(&c.m, &plan, &e);
	c.norecode = norecode;
	if (!rc)
		rc = migration_interim(&c.m, &c.unsettled, &e);
	if (!rc)
		rc = outfile_open(&o, out, &e);
	if (rc) {
		status = cli_error(&e);
		goto done;
	}
	write_summary(&c, &plan, dry, o.fp);
	if (!norecode)
		fprintf(o.fp, "\nRecoded: %zu answers %s a suggestion from version %s's rules.\n",
			c.m.n, dry ? "would get" : "got", to->version);
	rc = side_by_side(&c, &plan, (const struct codebook *const *)from, nfrom, o.fp, &e);
	if (!rc && list)
		rc = write_review_list(&c, &plan, list, &e);
	if (!rc && !dry)
		rc = migration_apply(&c.m, s, &plan, !norecode, to_path, &e);
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
	migration_release(&c.m);
	codebook_free(to);
	for (i = 0; i < nfrom; i++)
		codebook_free(from[i]);
	return status;
}

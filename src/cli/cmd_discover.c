/*
 * cmd_discover.c - `koder discover`: candidate new categories among the
 * answers no category explains (discover.h), each with an id, a label,
 * include patterns ready to paste, its answers per wave and role and five
 * examples; as text, or as a codebook fragment (--format json).  The
 * answers to group wait in a scratch file while discover groups a sample
 * of them, then pass once more (see struct run): memory does not grow
 * with the answers.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "csv.h"
#include "discover.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "kwic.h"
#include "normalize.h"
#include "outfile.h"
#include "rules.h"
#include "store.h"
#include "strtab.h"
#include "survey.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { OPT_SOURCE = 256, OPT_FROM = OPT_SOURCE + 6, OPT_SEED, OPT_TOP, OPT_FORMAT, OPT_K,
       OPT_ASSIGN, OPT_DB };

static const struct cli_opt opts[] = {
	CMD_SOURCE_OPTS(OPT_SOURCE, "only this question (of the corpus, or of the store)",
			"code the answers with this codebook (with --db: its ids are taken)"),
	{ OPT_DB, "db", "PATH", "the answers and the coders' decisions of this project store" },
	{ OPT_FROM, "from", "WHICH", "andet (default), uncoded or all answers" },
	{ OPT_SEED, "seed", "S", "seed of the sample of a large set of answers (default 1)" },
	{ OPT_TOP, "top", "N", "show the N best candidates (default 10)" },
	{ OPT_K, "groups", "K", "form K groups (default: from the number of answers)" },
	{ OPT_FORMAT, "format", "FMT", "text (default) or json, a codebook fragment" },
	{ OPT_ASSIGN, "assign", "FILE", "write each answer's candidate as CSV (id,candidate)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder discover (CORPUS | SURVEY.csv --text COL | --db DB) [OPTION]...",
	"Group the answers no category explains into candidate new categories.",
	opts,
	"The answers are coded with the question's codebook (or --codebook); those\n"
	"coded andet (--from andet), those nothing matched (--from uncoded), or all\n"
	"of them (--from all, no codebook needed) are grouped by the words they\n"
	"share: Danish word stems and two-word phrases, everyday words left out.\n"
	"With --db the coders' decisions in the project store say which: the\n"
	"answers they coded andet, those nobody has decided yet (uncoded), or all.\n"
	"The groups come best first: many answers that say the same thing.\n\n"
	"Each candidate has a proposed id and label, its distinguishing words\n"
	"(answers with the word in the group and outside it), include patterns in\n"
	"the codebook's syntax (stem* and a* NEAR/2 b*), its answers per wave and\n"
	"role, and five example answers its patterns match.  --format json writes\n"
	"{\"categories\":[...]} to paste into a codebook's categories; koder check\n"
	"accepts it.  Up to 1,500 answers are grouped whole, and --seed changes\n"
	"nothing; of more, a sample drawn with --seed is grouped and the others\n"
	"join the nearest group: the same --seed gives the same groups.\n\n"
	"Examples:\n"
	"  koder discover --question barrierer corpora/sof\n"
	"  koder discover answers.csv --text svar --codebook mybook.json --format json\n"
	"  koder discover --db projekt.db --question barrierer\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 a file is missing, 4 a file has\n"
	"problems, 5 an output could not be written.\n"
};

/* One answer to group as it comes back from the scratch file (see spool):
 * id, wave, role, text as written, repaired text. */
enum { F_ID, F_WAVE, F_ROLE, F_TEXT, F_NORM, NF };
struct rec {
	char *f[NF];
	size_t len[NF], cap[NF];
};

/* One example kept for a candidate: own is 1 when the answer is nearest to
 * the candidate's own group (those come first, closest first), else the
 * answers come in the order read (seq). */
struct example {
	char *id, *text;
	size_t len, seq;
	int own;
	double sim;
};

struct cell {
	const char *wave, *role;
	size_t n;
};

/* Examples looked at per candidate shown: the first POOL its patterns
 * match as discover sees them, of which the first five that koder check
 * matches too are shown (checked after the answers have passed, one
 * candidate at a time: compiled patterns are big). */
enum { POOL = 20 };

/* What the output shows of a candidate, gathered as the answers pass. */
struct cstat {
	struct cell *cells;
	size_t ncells;
	struct example ex[POOL];
	size_t nex;
	int shown;
};

/* s[0..n) as a JSON string. */
static void put_json(FILE *fp, const char *s, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

/* s[0..n) on one terminal line: breaks as spaces, controls as '?'. */
static void put_line(const char *s, size_t n, size_t max)
{
	size_t i, cps = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch & 0xC0) != 0x80 && ++cps > max) {
			fputs("...", stdout);
			return;
		}
		putchar(ch == '\n' || ch == '\r' || ch == '\t' ? ' '
			: ch < 0x20 || ch == 0x7f ? '?' : ch);
	}
}

/* 1 if one of the codebook's negation cues occurs in s as a word (ASCII
 * case folded): the finder knows only the default cues, and an example the
 * codebook's own cues cancel would fail koder check. */
static int has_cue(const struct codebook *cb, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; cb && i < cb->nnegation_cues; i++) {
		const char *cue = cb->negation_cues[i];
		size_t l = strlen(cue), j;

		for (j = 0; l && j + l <= n; j++)
			if (!strncasecmp(s + j, cue, l)
			    && (j == 0 || !(isalnum((unsigned char)s[j - 1]) || (unsigned char)s[j - 1] >= 0x80))
			    && (j + l == n || !(isalnum((unsigned char)s[j + l]) || (unsigned char)s[j + l] >= 0x80)))
				return 1;
	}
	return 0;
}

/* 1 if example x comes before example y. */
static int ex_before(const struct example *x, const struct example *y)
{
	if (x->own != y->own)
		return x->own;
	if (x->own && x->sim != y->sim)
		return x->sim > y->sim;
	return x->seq < y->seq;
}

/* Answer r (read seq-th) into the pool of examples of a candidate when it
 * is among the POOL first (see struct example) and has no negation cue of
 * the codebook (koder check would not match it). */
static void consider_example(struct cstat *cs, const struct rec *r, size_t seq, int own,
	double sim, const struct codebook *cb)
{
	struct example x = { NULL, NULL, r->len[F_TEXT], seq, own, own ? sim : 0 };
	size_t at;

	if (cs->nex == POOL && !ex_before(&x, &cs->ex[POOL - 1]))
		return;
	if (has_cue(cb, r->f[F_TEXT]))
		return;
	if (cs->nex == POOL) {
		free(cs->ex[POOL - 1].id);
		cs->nex--;
	}
	for (at = cs->nex; at > 0 && ex_before(&x, &cs->ex[at - 1]); at--)
		cs->ex[at] = cs->ex[at - 1];
	x.id = xmalloc(r->len[F_ID] + 1 + r->len[F_TEXT] + 1);
	memcpy(x.id, r->f[F_ID], r->len[F_ID] + 1);
	x.text = x.id + r->len[F_ID] + 1;
	memcpy(x.text, r->f[F_TEXT], r->len[F_TEXT] + 1);
	cs->ex[at] = x;
	cs->nex++;
}

/* Keep the first five examples of the pool that one of c's patterns
 * matches as koder check runs them. */
static void check_examples(const struct discover_cand *c, struct cstat *cs,
	struct normalizer *norm, struct kerr_list *errs)
{
	struct kwic **kw = xcalloc(c->ninclude + 1, sizeof *kw);
	size_t i, j, n = 0;

	for (j = 0; j < c->ninclude; j++)
		if (kwic_new(c->include[j], norm, &kw[j], errs))
			kw[j] = NULL;
	for (i = 0; i < cs->nex; i++) {
		int hit = 0;

		for (j = 0; j < c->ninclude && !hit && n < 5; j++) {
			size_t st, en;
			int neg = 0;

			hit = kw[j] && kwic_find(kw[j], cs->ex[i].text, cs->ex[i].len, &st, &en, &neg) == 1;
		}
		if (hit)
			cs->ex[n++] = cs->ex[i];
		else
			free(cs->ex[i].id);
	}
	cs->nex = n;
	for (j = 0; j < c->ninclude; j++)
		kwic_free(kw[j]);
	free(kw);
}

static int cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	int c = strcmp(x->wave, y->wave);

	return c ? c : strcmp(x->role, y->role);
}

static void print_text(const struct discover *d, size_t top, struct cstat *cs,
	const char *from)
{
	size_t i, j, k, nc = discover_ncands(d);

	printf("%zu answers (%s), %zu with no word to group by; %zu candidates",
		discover_nanswers(d), from, discover_nempty(d), nc);
	if (nc > top)
		printf(", the best %zu shown", top);
	printf("\n");
	for (i = 0; i < nc && i < top; i++) {
		const struct discover_cand *c = discover_cand(d, i);

		printf("\n%zu. %s  \"%s\"  %zu answers (%.1f%%), cohesion %.2f\n", i + 1, c->id,
			c->label, c->nmembers,
			100.0 * (double)c->nmembers / (double)discover_nanswers(d), c->cohesion);
		printf("   include:");
		for (j = 0; j < c->ninclude; j++)
			printf("%s\"%s\"", j ? ", " : " ", c->include[j]);
		printf("\n   words (in group / outside):");
		for (j = 0; j < c->nterms && j < 8; j++)
			printf("%s%s %zu/%zu", j ? ", " : " ", c->terms[j].form, c->terms[j].in,
				c->terms[j].out);
		printf("\n   per wave and role:");
		qsort(cs[i].cells, cs[i].ncells, sizeof *cs[i].cells, cmp_cell);
		for (k = 0; k < cs[i].ncells; k++)
			printf("%s%s/%s %zu", k ? ", " : " ", cs[i].cells[k].wave, cs[i].cells[k].role,
				cs[i].cells[k].n);
		printf("\n");
		for (j = 0; j < cs[i].nex; j++) {
			printf("   %-8s ", cs[i].ex[j].id);
			put_line(cs[i].ex[j].text, cs[i].ex[j].len, 100);
			printf("\n");
		}
	}
}

static void print_json(FILE *fp, const struct discover *d, size_t top, const struct cstat *cs)
{
	size_t i, j, nc = discover_ncands(d), shown = 0;

	fputs("{\"categories\": [", fp);
	for (i = 0; i < nc && shown < top; i++) {
		const struct discover_cand *c = discover_cand(d, i);

		if (!c->ninclude)
			continue;   /* no pattern: nothing to paste */
		fprintf(fp, "%s\n  {\"id\": ", shown++ ? "," : "");
		put_json(fp, c->id, strlen(c->id));
		fputs(", \"label\": ", fp);
		put_json(fp, c->label, strlen(c->label));
		fputs(",\n   \"include\": [", fp);
		for (j = 0; j < c->ninclude; j++) {
			fputs(j ? ", " : "", fp);
			put_json(fp, c->include[j], strlen(c->include[j]));
		}
		fputs("],\n   \"examples\": [", fp);
		for (j = 0; j < cs[i].nex; j++) {
			fputs(j ? ",\n     " : "", fp);
			put_json(fp, cs[i].ex[j].text, cs[i].ex[j].len);
		}
		fputs("]}", fp);
	}
	fputs("\n]}\n", fp);
}

/*
 * The answers to group go to a scratch file as they are read, and come
 * back from it after the grouping (discover_match): the second look that
 * counts each candidate's answers, per wave and role, and picks its
 * examples, without keeping 100,000 answers in memory (and without
 * reading and coding the survey twice, or a survey on standard input).
 */
struct run {
	struct discover *d;
	const char *from;
	FILE *spool;
	int spool_bad;
	size_t nspool;
	struct strtab names;   /* wave and role values -> index in name */
	char **name;
	size_t nname;
};

/* The one copy of a wave or role value (a survey has few of them). */
static const char *intern(struct run *r, const char *s)
{
	uint32_t i;

	if (!s)
		s = "";
	if (!r->names.slots && strtab_init(&r->names, 64))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if (strtab_get(&r->names, s, strlen(s), &i))
		return r->name[i];
	if (!*s)   /* the table ignores empty keys */
		return "";
	r->name = xrealloc(r->name, (r->nname + 1) * sizeof *r->name);
	r->name[r->nname] = xstrdup(s);
	if (strtab_put(&r->names, s, strlen(s), (uint32_t)r->nname, 0))
		cli_die(EXIT_SOFTWARE, "out of memory");
	return r->name[r->nname++];
}

/* One answer to group into the scratch file: each field its length, then
 * its bytes. */
static void spool(struct run *r, const char *id, size_t idlen, const char *wave,
	const char *role, const char *text, size_t len, const char *norm, size_t nlen)
{
	const char *f[NF] = { id, wave ? wave : "", role ? role : "", text, norm };
	size_t l[NF] = { idlen, strlen(f[F_WAVE]), strlen(f[F_ROLE]), len, nlen }, i;

	for (i = 0; i < NF; i++)
		if (fwrite(&l[i], sizeof l[i], 1, r->spool) != 1
		    || (l[i] && fwrite(f[i], 1, l[i], r->spool) != l[i]))
			r->spool_bad = 1;
	r->nspool++;
}

/* The next answer from the scratch file into x (fields NUL-terminated).
 * Returns 1, or 0 at its end or on a read error. */
static int unspool(FILE *fp, struct rec *x)
{
	size_t i;

	for (i = 0; i < NF; i++) {
		size_t l;

		if (fread(&l, sizeof l, 1, fp) != 1)
			return 0;
		if (l + 1 > x->cap[i]) {
			x->cap[i] = l + 1;
			x->f[i] = xrealloc(x->f[i], x->cap[i]);
		}
		if (l && fread(x->f[i], 1, l, fp) != l)
			return 0;
		x->f[i][l] = '\0';
		x->len[i] = l;
	}
	return 1;
}

/*
 * The second look (see struct run): every answer to group back from the
 * scratch file, to its candidates: their counts per wave and role, their
 * examples, and with --assign (o not NULL) a line id,candidate,rank for
 * each candidate whose patterns match it, in the order of the answers.
 * cs: one per candidate, zero.  Returns 0 or an exit status.
 */
static int collect(struct run *r, struct cstat *cs, size_t top, int json, struct normalizer *norm,
	const struct codebook *cb, struct outfile *o, struct kerr_list *errs)
{
	struct discover *d = r->d;
	size_t nc = discover_ncands(d), c, j, k, seq = 0;
	struct rec x;
	struct kerr e;
	int bad = 0;

	memset(&x, 0, sizeof x);
	kerr_clear(&e);
	for (c = 0, k = 0; c < nc && k < top; c++) {   /* the ones shown: see print_* */
		if (json && !discover_cand(d, c)->ninclude)
			continue;
		k++;
		cs[c].shown = 1;
	}
	if (r->spool_bad || fflush(r->spool) || fseek(r->spool, 0, SEEK_SET)) {
		kerr_set(&e, KERR_WRITE, "could not write the scratch file of the answers to group; "
			 "is there room in $TMPDIR (or /tmp)?");
		return cli_error(&e);
	}
	for (seq = 0; seq < r->nspool; seq++) {
		struct discover_match m;

		if (!unspool(r->spool, &x)) {
			kerr_set(&e, KERR_IO, "could not read back the scratch file of the answers to group");
			bad = cli_error(&e);
			break;
		}
		if (discover_match(d, x.f[F_NORM], x.len[F_NORM], &m, &e)) {
			bad = cli_error(&e);
			break;
		}
		for (c = 0; c < nc; c++) {
			const struct discover_cand *dc;
			const char *wave, *role;

			if (!m.match[c])
				continue;
			dc = discover_cand(d, c);
			wave = intern(r, x.f[F_WAVE]);
			role = intern(r, x.f[F_ROLE]);
			for (k = 0; k < cs[c].ncells; k++)
				if (cs[c].cells[k].wave == wave && cs[c].cells[k].role == role)
					break;
			if (k == cs[c].ncells) {
				cs[c].cells = xrealloc(cs[c].cells, (k + 1) * sizeof *cs[c].cells);
				cs[c].cells[k].wave = wave;
				cs[c].cells[k].role = role;
				cs[c].cells[k].n = 0;
				cs[c].ncells++;
			}
			cs[c].cells[k].n++;
			if (cs[c].shown)
				consider_example(&cs[c], &x, seq, m.own == c, m.sim, cb);
			if (o) {
				bad |= csv_write_field(o->fp, x.f[F_ID], x.len[F_ID], ',');
				fputc(',', o->fp);
				bad |= csv_write_field(o->fp, dc->id, strlen(dc->id), ',');
				fprintf(o->fp, ",%zu\n", c + 1);
			}
		}
	}
	for (j = 0; j < NF; j++)
		free(x.f[j]);
	for (c = 0; c < nc && !bad; c++)
		if (cs[c].shown)
			check_examples(discover_cand(d, c), &cs[c], norm, errs);
	return bad;
}

/* One answer of the survey, coded: grouped when --from says so, else it
 * only teaches which words go together. */
static int one(void *ctx, struct cmd_answer *x)
{
	struct run *r = ctx;
	const struct rules_result *res = &x->ans->res;
	struct kerr e;
	size_t j;
	int keep = 1;

	if (x->en) {
		const struct codebook *cb = engine_codebook(x->en);

		if (res->nonsubstantive)
			return 0;
		if (strcmp(r->from, "all"))
			keep = res->residual || res->uncoded;
		for (j = 0; !keep && !strcmp(r->from, "andet") && j < res->ncats; j++)
			keep = !strcmp(cb->cats[res->cats[j]].id, "andet");
	}
	if (discover_add(r->d, x->ans->n.text.data, x->ans->n.text.len, keep, &e))
		return cli_error(&e);
	if (keep)
		spool(r, x->row->respondent, x->row->respondent_len, x->row->wave, x->row->role,
		      x->text, x->len, x->ans->n.text.data, x->ans->n.text.len);
	return 0;
}

/* --db: the store's answers of a question with the coders' final codes. */
struct dbrun {
	struct run *r;
	struct normalizer *norm;
	struct normalized n;
	const char ***taken;   /* every code the coders used, added */
	size_t *ntaken;
	int status;
};

/* 1 if `code` is one of the ';'-separated codes. */
static int has_code(const char *codes, const char *code)
{
	size_t l = strlen(code);
	const char *p = codes;

	while (p && *p) {
		const char *q = strchr(p, ';');
		size_t n = q ? (size_t)(q - p) : strlen(p);

		if (n == l && !strncmp(p, code, l))
			return 1;
		p = q ? q + 1 : NULL;
	}
	return 0;
}

static void take_codes(struct dbrun *b, const char *codes)
{
	const char *p = codes;

	while (p && *p) {
		const char *q = strchr(p, ';');
		size_t n = q ? (size_t)(q - p) : strlen(p), i;
		char *id;

		for (i = 0; i < *b->ntaken; i++)
			if (strlen((*b->taken)[i]) == n && !strncmp((*b->taken)[i], p, n))
				break;
		if (i == *b->ntaken && n) {
			id = xmalloc(n + 1);
			memcpy(id, p, n);
			id[n] = '\0';
			*b->taken = xrealloc(*b->taken, (*b->ntaken + 1) * sizeof **b->taken);
			(*b->taken)[(*b->ntaken)++] = id;
		}
		p = q ? q + 1 : NULL;
	}
}

static int db_one(void *ctx, const struct store_final *f)
{
	struct dbrun *b = ctx;
	struct run *r = b->r;
	const struct store_answer *a = f->answer;
	size_t len = a->text ? strlen(a->text) : 0;
	struct kerr e;
	int keep;

	if (!len)
		return 0;
	take_codes(b, f->codes);
	if (f->codes && has_code(f->codes, "ingen_svar"))
		return 0;
	keep = !strcmp(r->from, "all") ? 1 : !strcmp(r->from, "uncoded") ? f->codes == NULL
		: f->codes && has_code(f->codes, "andet");
	if (normalize_text(b->norm, a->text, len, &b->n, &e)
	    || discover_add(r->d, b->n.text.data, b->n.text.len, keep, &e)) {
		b->status = cli_error(&e);
		return 1;
	}
	if (keep)
		spool(r, a->respondent ? a->respondent : "", a->respondent ? strlen(a->respondent) : 0,
		      a->wave, a->role, a->text, len, b->n.text.data, b->n.text.len);
	return 0;
}

/* The one question of the store when none is named (else NULL). */
struct qpick {
	char *only;
	size_t n;
};

static int pick_question(void *ctx, const char *question, const char *codebook_id)
{
	struct qpick *q = ctx;

	(void)codebook_id;
	if (!q->n++)
		q->only = xstrdup(question);
	return 0;
}

int cmd_discover(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	struct cmd_answers a = { 0 };
	struct run r = { 0 };
	const char *operand = NULL, *format = "text", *assign = NULL, *db = NULL;
	size_t top = 10, i, j, ntaken = 0, nowned = 0;
	unsigned long seed = 1;
	size_t k = 0;
	int c, status = EXIT_OK, rest = 0, json = 0;
	struct kerr_list errs = KERR_LIST_INIT;
	struct normalizer *norm = NULL, *own_norm = NULL;
	struct engine *cbeng = NULL;   /* --db --codebook: the codebook's ids and cues */
	struct discover_opts dopts = { 0 };
	const char **taken = NULL;
	char *cbarg = NULL, *dbq = NULL;
	const struct codebook *cb0 = NULL;   /* the first question's, for its negation cues */
	struct store *st = NULL;
	struct cli_parser p;
	struct kerr e;
	struct cstat *cs = NULL;
	struct outfile ao;
	int aopen = 0;

	r.from = "andet";
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		if (cmd_source_opt(&src, OPT_SOURCE, c, optarg, &cbarg))
			continue;
		switch (c) {
		case 0:
			if (src.source) {
				status = cli_misuse(&usage, "unexpected argument '%s'", operand);
				goto done;
			}
			src.source = operand;
			break;
		case OPT_DB: db = optarg; break;
		case OPT_ASSIGN: assign = optarg; break;
		case OPT_FROM:
			if (strcmp(optarg, "andet") && strcmp(optarg, "uncoded") && strcmp(optarg, "all")) {
				status = cli_misuse(&usage, "--from wants andet, uncoded or all, not '%s'",
						    optarg);
				goto done;
			}
			r.from = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				status = cli_misuse(&usage, "--format wants text or json, not '%s'", optarg);
				goto done;
			}
			format = optarg;
			break;
		case OPT_SEED:
			if (cli_parse_size(optarg, &i)) {
				status = cli_misuse(&usage, "--seed wants a number, not '%s'", optarg);
				goto done;
			}
			seed = (unsigned long)i;
			break;
		case OPT_TOP:
			if (cli_parse_size(optarg, &top) || !top) {
				status = cli_misuse(&usage, "--top wants a number from 1, not '%s'", optarg);
				goto done;
			}
			break;
		case OPT_K:
			if (cli_parse_size(optarg, &k) || !k || k > 1000) {
				status = cli_misuse(&usage, "--groups wants a number from 1 to 1000, not '%s'",
						    optarg);
				goto done;
			}
			break;
		case 'h': status = cli_help(&usage); goto done;
		default: status = cli_misuse(&usage, NULL); goto done;
		}
	}
	if (!src.source == !db) {
		status = cli_misuse(&usage, db ? "give a CORPUS or --db, not both"
				    : "which answers? give a CORPUS, a SURVEY.csv with --text COL, "
				    "or --db DB");
		goto done;
	}
	json = !strcmp(format, "json");
	kerr_clear(&e);
	if (db) {
		struct qpick qp = { NULL, 0 };

		if (store_open(&st, db, STORE_READONLY, &e)) {
			status = cli_error(&e);
			goto done;
		}
		if (!src.question) {
			if (store_each_question(st, pick_question, &qp, &e)) {
				free(qp.only);
				status = cli_error(&e);
				goto done;
			}
			if (qp.n != 1) {
				free(qp.only);
				status = cli_misuse(&usage, qp.n ? "the store holds several questions: "
						    "name one with --question" : "the store holds no answers");
				goto done;
			}
			src.question = dbq = qp.only;
		}
		if (src.codebook) {
			struct engine_opts eo = { .no_model = 1 };

			if (engine_open(src.codebook, &eo, &cbeng, &errs)) {
				status = cli_errors(&errs);
				goto done;
			}
			norm = engine_normalizer(cbeng);
			cb0 = engine_codebook(cbeng);
			for (j = 0; j < cb0->ncats; j++) {
				taken = xrealloc(taken, (ntaken + 1) * sizeof *taken);
				taken[ntaken++] = cb0->cats[j].id;
			}
		} else if (normalizer_new(&own_norm, NULL, &e)) {
			status = cli_error(&e);
			goto done;
		} else {
			norm = own_norm;
		}
	} else {
		src.codebook_optional = 1;
		a.code = 1;
		if ((status = cmd_answers_open(&a, &src, &usage)))
			goto done;
		norm = a.norm;
		for (i = 0; i < a.nq; i++) {
			const struct codebook *cb;

			if (!a.en[i])
				continue;
			cb = engine_codebook(a.en[i]);
			if (!cb0)
				cb0 = cb;
			taken = xrealloc(taken, (ntaken + cb->ncats + 1) * sizeof *taken);
			for (j = 0; j < cb->ncats; j++)
				taken[ntaken++] = cb->cats[j].id;
		}
		if (!cb0 && strcmp(r.from, "all")) {
			status = cli_misuse(&usage, "--from %s needs a codebook: give --codebook CB, or "
					    "--from all", r.from);
			goto done;
		}
	}
	nowned = ntaken;   /* the ids after these are the store's, owned here */
	dopts.seed = seed;
	dopts.k = k;
	if (discover_new(&dopts, &r.d, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (!(r.spool = tmpfile())) {
		kerr_errno(&e, errno, "a scratch file in $TMPDIR or /tmp", "could not make");
		status = cli_error(&e);
		goto done;
	}
	if (db) {
		struct dbrun b;

		memset(&b, 0, sizeof b);
		b.r = &r;
		b.norm = norm;
		b.taken = &taken;
		b.ntaken = &ntaken;
		normalized_init(&b.n);
		if (store_each_final(st, src.question, db_one, &b, &e) && !b.status)
			b.status = cli_error(&e);
		normalized_release(&b.n);
		if ((status = b.status))
			goto done;
	} else if ((status = cmd_each_answer(&a, one, &r))) {
		goto done;
	}
	/* the ids a proposal must not take: known only now with --db */
	discover_set_taken(r.d, taken, ntaken);
	if (discover_run(r.d, &e)) {
		status = cli_error(&e);
		goto done;
	}
	cs = xcalloc(discover_ncands(r.d) + 1, sizeof *cs);
	if (assign) {
		if (outfile_open(&ao, assign, &e)) {
			status = cli_error(&e);
			goto done;
		}
		aopen = 1;
		fputs("id,candidate,rank\n", ao.fp);
	}
	if ((status = collect(&r, cs, top, json, norm, cb0, aopen ? &ao : NULL, &errs))) {
		if (aopen && status == 1) {   /* a field that could not be written */
			kerr_set(&e, KERR_WRITE, "could not write %s", assign);
			status = cli_error(&e);
		}
		goto done;
	}
	if (json) {
		struct outfile o;

		if (outfile_open(&o, NULL, &e)) {
			status = cli_error(&e);
			goto done;
		}
		print_json(o.fp, r.d, top, cs);
		if (outfile_commit(&o, &e)) {
			status = cli_error(&e);
			goto done;
		}
	} else {
		print_text(r.d, top, cs, r.from);
	}
	if (aopen) {
		aopen = 0;
		if (outfile_commit(&ao, &e))
			status = cli_error(&e);
	}
done:
	if (aopen)
		outfile_abort(&ao);
	for (i = 0; cs && i < discover_ncands(r.d); i++) {
		for (j = 0; j < cs[i].nex; j++)
			free(cs[i].ex[j].id);
		free(cs[i].cells);
	}
	free(cs);
	if (r.spool)
		fclose(r.spool);
	for (i = 0; i < r.nname; i++)
		free(r.name[i]);
	free(r.name);
	strtab_release(&r.names);
	for (i = nowned; i < ntaken; i++)
		free((char *)taken[i]);
	free(taken);
	free(cbarg);
	free(dbq);
	discover_free(r.d);
	engine_free(cbeng);
	normalizer_free(own_norm);
	cmd_answers_close(&a);
	store_close(st);
	kerr_list_release(&errs);
	return status;
}

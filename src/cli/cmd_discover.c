/*
 * cmd_discover.c - `koder discover`: candidate new categories among the
 * answers no category explains (discover.h), each with an id, a label,
 * include patterns ready to paste, its answers per wave and role and five
 * examples; as text, or as a codebook fragment (--format json).
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
#include "survey.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { OPT_QUESTION = 256, OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE, OPT_CODEBOOK, OPT_FROM,
       OPT_SEED, OPT_TOP, OPT_FORMAT, OPT_K, OPT_ASSIGN };

static const struct cli_opt opts[] = {
	{ OPT_QUESTION, "question", "ID", "only this question of the corpus" },
	{ OPT_TEXT, "text", "COL", "the answer column of a bare SURVEY.csv" },
	{ OPT_ID, "id", "COL", "the respondent id column" },
	{ OPT_WAVE, "wave", "COL", "the wave column" },
	{ OPT_ROLE, "role", "COL", "the role column" },
	{ OPT_CODEBOOK, "codebook", "CB", "code the answers with this codebook" },
	{ OPT_FROM, "from", "WHICH", "andet (default), uncoded or all answers" },
	{ OPT_SEED, "seed", "S", "seed of the grouping (default 1)" },
	{ OPT_TOP, "top", "N", "show the N best candidates (default 10)" },
	{ OPT_K, "groups", "K", "form K groups (default: from the number of answers)" },
	{ OPT_FORMAT, "format", "FMT", "text (default) or json, a codebook fragment" },
	{ OPT_ASSIGN, "assign", "FILE", "write each answer's candidate as CSV (id,candidate)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder discover (CORPUS | SURVEY.csv --text COL) [OPTION]...",
	"Group the answers no category explains into candidate new categories.",
	opts,
	"The answers are coded with the question's codebook (or --codebook); those\n"
	"coded andet (--from andet), those nothing matched (--from uncoded), or all\n"
	"of them (--from all, no codebook needed) are grouped by the words they\n"
	"share: Danish word stems and two-word phrases, everyday words left out.\n"
	"The groups come best first: many answers that say the same thing.\n\n"
	"Each candidate has a proposed id and label, its distinguishing words\n"
	"(answers with the word in the group and outside it), include patterns in\n"
	"the codebook's syntax (stem* and a* NEAR/2 b*), its answers per wave and\n"
	"role, and five example answers its patterns match.  --format json writes\n"
	"{\"categories\":[...]} to paste into a codebook's categories; koder check\n"
	"accepts it.  The same --seed gives the same groups.\n\n"
	"Examples:\n"
	"  koder discover --question barrierer corpora/sof\n"
	"  koder discover answers.csv --text svar --codebook mybook.json --format json\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 a file is missing, 4 a file has\n"
	"problems, 5 an output could not be written.\n"
};

struct row {
	char *id, *wave, *role, *text;
	size_t len;
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

/* Members whose text one of the candidate's patterns matches, as koder
 * check will run them (no negation cue of the codebook in them): up to
 * `max` indexes into ex. */
static size_t pick_examples(const struct discover_cand *c, const struct row *rows,
	struct normalizer *norm, const struct codebook *cb, size_t *ex, size_t max,
	struct kerr_list *errs)
{
	struct kwic **kw = xcalloc(c->ninclude + 1, sizeof *kw);
	size_t i, j, n = 0;

	for (j = 0; j < c->ninclude; j++)
		if (kwic_new(c->include[j], norm, &kw[j], errs))
			kw[j] = NULL;
	for (i = 0; i < c->nmembers && n < max; i++) {
		const struct row *r = &rows[c->members[i]];

		if (has_cue(cb, r->text))
			continue;
		for (j = 0; j < c->ninclude; j++) {
			size_t s, e;
			int neg = 0;

			if (kw[j] && kwic_find(kw[j], r->text, r->len, &s, &e, &neg) == 1) {
				ex[n++] = c->members[i];
				break;
			}
		}
	}
	for (j = 0; j < c->ninclude; j++)
		kwic_free(kw[j]);
	free(kw);
	return n;
}

struct cell {
	const char *wave, *role;
	size_t n;
};

static void print_text(const struct discover *d, size_t top, const struct row *rows,
	struct normalizer *norm, const struct codebook *cb, const char *from, struct kerr_list *errs)
{
	size_t i, j, k, nc = discover_ncands(d);

	printf("%zu answers (%s), %zu with no word to group by; %zu candidates",
		discover_nanswers(d), from, discover_nempty(d), nc);
	if (nc > top)
		printf(", the best %zu shown", top);
	printf("\n");
	for (i = 0; i < nc && i < top; i++) {
		const struct discover_cand *c = discover_cand(d, i);
		struct cell *cells = xcalloc(c->nmembers + 1, sizeof *cells);
		size_t ncells = 0, ex[5], nex;

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
		for (j = 0; j < c->nmembers; j++) {
			const struct row *r = &rows[c->members[j]];

			for (k = 0; k < ncells; k++)
				if (!strcmp(cells[k].wave, r->wave) && !strcmp(cells[k].role, r->role))
					break;
			if (k == ncells) {
				cells[k].wave = r->wave;
				cells[k].role = r->role;
				ncells++;
			}
			cells[k].n++;
		}
		for (k = 0; k < ncells; k++)
			printf("%s%s/%s %zu", k ? ", " : " ", cells[k].wave, cells[k].role,
				cells[k].n);
		printf("\n");
		nex = pick_examples(c, rows, norm, cb, ex, 5, errs);
		for (j = 0; j < nex; j++) {
			printf("   %-8s ", rows[ex[j]].id);
			put_line(rows[ex[j]].text, rows[ex[j]].len, 100);
			printf("\n");
		}
		free(cells);
	}
}

static void print_json(FILE *fp, const struct discover *d, size_t top, const struct row *rows,
	struct normalizer *norm, const struct codebook *cb, struct kerr_list *errs)
{
	size_t i, j, nc = discover_ncands(d), shown = 0;

	fputs("{\"categories\": [", fp);
	for (i = 0; i < nc && shown < top; i++) {
		const struct discover_cand *c = discover_cand(d, i);
		size_t ex[5], nex;

		if (!c->ninclude)
			continue;   /* no pattern: nothing to paste */
		nex = pick_examples(c, rows, norm, cb, ex, 5, errs);
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
		for (j = 0; j < nex; j++) {
			fputs(j ? ",\n     " : "", fp);
			put_json(fp, rows[ex[j]].text, rows[ex[j]].len);
		}
		fputs("]}", fp);
	}
	fputs("\n]}\n", fp);
}

/* --assign: every grouped answer's candidate id (its rank in the output). */
static int write_assign(const char *path, const struct discover *d, const struct row *rows)
{
	struct outfile o;
	struct kerr e;
	size_t i, j;
	int bad = 0;

	kerr_clear(&e);
	if (outfile_open(&o, path, &e))
		return cli_error(&e);
	fputs("id,candidate,rank\n", o.fp);
	for (i = 0; i < discover_ncands(d); i++) {
		const struct discover_cand *c = discover_cand(d, i);

		for (j = 0; j < c->nmembers; j++) {
			const char *id = rows[c->members[j]].id;

			bad |= csv_write_field(o.fp, id, strlen(id), ',');
			fputc(',', o.fp);
			bad |= csv_write_field(o.fp, c->id, strlen(c->id), ',');
			fprintf(o.fp, ",%zu\n", i + 1);
		}
	}
	if (bad) {
		outfile_abort(&o);
		kerr_set(&e, KERR_WRITE, "could not write %s", path);
		return cli_error(&e);
	}
	if (outfile_commit(&o, &e))
		return cli_error(&e);
	return 0;
}

int cmd_discover(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	const char *operand = NULL, *from = "andet", *format = "text", *assign = NULL;
	size_t top = 10, i, j, nq, nrows = 0, caprows = 0, ntaken = 0;
	unsigned long seed = 1;
	size_t k = 0;
	int c, status = EXIT_OK, rest = 0, json = 0;
	struct corpus corpus;
	struct survey_opts so = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey *sv = NULL;
	struct survey_row row;
	struct normalizer *norm = NULL;
	struct engine **en = NULL;
	struct engine_answer ans;
	struct discover *d = NULL;
	struct discover_opts dopts = { 0 };
	struct row *rows = NULL;
	const char **taken = NULL;
	char *cbarg = NULL;   /* --codebook resolved (a shipped name too) */
	const struct codebook *cb0 = NULL;   /* the first question's, for its negation cues */
	struct cli_parser p;
	struct kerr e;

	memset(&corpus, 0, sizeof corpus);
	engine_answer_init(&ans);
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0:
			if (src.source)
				return cli_misuse(&usage, "unexpected argument '%s'", operand);
			src.source = operand;
			break;
		case OPT_QUESTION: src.question = optarg; break;
		case OPT_TEXT: src.text = optarg; break;
		case OPT_ID: src.id = optarg; break;
		case OPT_WAVE: src.wave = optarg; break;
		case OPT_ROLE: src.role = optarg; break;
		case OPT_CODEBOOK:
			free(cbarg);
			src.codebook = cbarg = cmd_codebook_arg(optarg);
			break;
		case OPT_ASSIGN: assign = optarg; break;
		case OPT_FROM:
			if (strcmp(optarg, "andet") && strcmp(optarg, "uncoded") && strcmp(optarg, "all"))
				return cli_misuse(&usage, "--from wants andet, uncoded or all, not '%s'",
						  optarg);
			from = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_misuse(&usage, "--format wants text or json, not '%s'", optarg);
			format = optarg;
			break;
		case OPT_SEED:
			if (cli_parse_size(optarg, &i))
				return cli_misuse(&usage, "--seed wants a number, not '%s'", optarg);
			seed = (unsigned long)i;
			break;
		case OPT_TOP:
			if (cli_parse_size(optarg, &top) || !top)
				return cli_misuse(&usage, "--top wants a number from 1, not '%s'", optarg);
			break;
		case OPT_K:
			if (cli_parse_size(optarg, &k) || !k || k > 1000)
				return cli_misuse(&usage, "--groups wants a number from 1 to 1000, not '%s'",
						  optarg);
			break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!src.source)
		return cli_misuse(&usage, "which answers? give a CORPUS or a SURVEY.csv with --text COL");
	json = !strcmp(format, "json");
	src.codebook_optional = 1;
	if ((status = cmd_load_source(&src, &corpus, &usage)))
		goto done;
	so.question = src.question;
	so.no_id = corpus.id_col == NULL;
	kerr_clear(&e);
	if (survey_open(&sv, &corpus, NULL, &so, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	nq = survey_nquestions(sv);
	en = xcalloc(nq + 1, sizeof *en);
	for (i = 0; i < nq; i++) {
		const struct corpus_question *q = survey_question(sv, i);
		const char *book = src.codebook ? src.codebook : q->codebook;
		struct engine_opts eo = { .norm = norm };
		struct buf path = BUF_INIT;

		if (!book)
			continue;
		if (src.codebook)
			buf_adds(&path, book);
		else
			corpus_resolve(&corpus, book, &path);
		if (engine_open(path.data, &eo, &en[i], &errs)) {
			buf_release(&path);
			status = cli_errors(&errs);
			goto done;
		}
		buf_release(&path);
		if (!norm)
			norm = engine_take_normalizer(en[i]);
		{
			const struct codebook *cb = engine_codebook(en[i]);

			if (!cb0)
				cb0 = cb;
			taken = xrealloc(taken, (ntaken + cb->ncats + 1) * sizeof *taken);
			for (j = 0; j < cb->ncats; j++)
				taken[ntaken++] = cb->cats[j].id;
		}
	}
	if (!norm && strcmp(from, "all")) {
		status = cli_misuse(&usage, "--from %s needs a codebook: give --codebook CB, or "
				    "--from all", from);
		goto done;
	}
	if (!norm && normalizer_new(&norm, NULL, &e)) {
		status = cli_error(&e);
		goto done;
	}
	dopts.seed = seed;
	dopts.k = k;
	dopts.taken = taken;
	dopts.ntaken = ntaken;
	if (discover_new(&dopts, &d, &e)) {
		status = cli_error(&e);
		goto done;
	}
	for (;;) {
		int rc = survey_next(sv, &row, &e);

		if (rc == SURVEY_END)
			break;
		if (rc < 0) {
			status = cli_error(&e);
			if (rc != -KERR_SYNTAX)
				goto done;
			continue;
		}
		for (i = 0; i < nq; i++) {
			const char *text = row.answer[i];
			size_t len = row.answer_len[i];
			int keep;

			if (!len)
				continue;
			if (en[i]) {
				const struct codebook *cb = engine_codebook(en[i]);

				if (engine_code(en[i], text, len, &ans, &e)) {
					kerr_at(&e, survey_file(sv), row.line, 0);
					status = cli_error(&e);
					goto done;
				}
				if (ans.res.nonsubstantive)
					keep = 0;
				else if (!strcmp(from, "all"))
					keep = 1;
				else if (!strcmp(from, "uncoded"))
					keep = ans.res.residual || ans.res.uncoded;
				else {
					keep = ans.res.residual || ans.res.uncoded;
					for (j = 0; !keep && j < ans.res.ncats; j++)
						keep = !strcmp(cb->cats[ans.res.cats[j]].id, "andet");
				}
			} else {
				struct normalized *nn = &ans.n;

				if (normalize_text(norm, text, len, nn, &e)) {
					status = cli_error(&e);
					goto done;
				}
				keep = 1;
			}
			if (en[i] && ans.res.nonsubstantive)
				continue;
			/* the others teach which words go together */
			if (discover_add(d, ans.n.text.data, ans.n.text.len, keep, &e)) {
				status = cli_error(&e);
				goto done;
			}
			if (!keep)
				continue;
			if (nrows == caprows) {
				caprows = caprows ? caprows * 2 : 256;
				rows = xrealloc(rows, caprows * sizeof *rows);
			}
			rows[nrows].id = xmalloc(row.respondent_len + 1);
			memcpy(rows[nrows].id, row.respondent, row.respondent_len);
			rows[nrows].id[row.respondent_len] = '\0';
			rows[nrows].wave = xstrdup(row.wave);
			rows[nrows].role = xstrdup(row.role);
			rows[nrows].text = xmalloc(len + 1);
			memcpy(rows[nrows].text, text, len);
			rows[nrows].text[len] = '\0';
			rows[nrows].len = len;
			nrows++;
		}
	}
	if (discover_run(d, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (json) {
		struct outfile o;

		if (outfile_open(&o, NULL, &e)) {
			status = cli_error(&e);
			goto done;
		}
		print_json(o.fp, d, top, rows, norm, cb0, &errs);
		if (outfile_commit(&o, &e)) {
			status = cli_error(&e);
			goto done;
		}
	} else {
		print_text(d, top, rows, norm, cb0, from, &errs);
	}
	if (assign && !status)
		status = write_assign(assign, d, rows);
done:
	for (i = 0; en && i < survey_nquestions(sv); i++)
		engine_free(en[i]);
	free(en);
	for (i = 0; i < nrows; i++) {
		free(rows[i].id);
		free(rows[i].wave);
		free(rows[i].role);
		free(rows[i].text);
	}
	free(rows);
	free(taken);
	free(cbarg);
	discover_free(d);
	normalizer_free(norm);
	engine_answer_release(&ans);
	survey_close(sv);
	if (src.loaded)
		corpus_release(&corpus);
	kerr_list_release(&errs);
	return status;
}

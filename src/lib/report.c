/*
 * report.c - writing tallies as text, CSV, Markdown, JSON, xlsx and SVG
 * (see report.h).
 *
 * Every format walks the same grid - tally, group, category, asked wave,
 * role - and skips waves in which nobody answered substantively; the row
 * formats (CSV, JSON) do it through tally_each_cell().  Danish wording follows the evaluation reports; JSON keys are
 * English because scripts read them.
 */
#include "report.h"
#include "buf.h"
#include "csv.h"
#include "error.h"
#include "escape.h"
#include "outfile.h"
#include "tally.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit.h"
#include "compare.h"
#include "stats.h"

int report_format_parse(const char *s, enum report_format *f)
{
	static const char *const names[] = { "text", "csv", "md", "json", "xlsx" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum report_format)i;
			return 0;
		}
	return KERR_INVALID;
}

static double share(size_t x, size_t y)
{
	return y ? (double)x / (double)y : 0.0;
}

/* "46,4" - a percentage with a decimal comma, as Danish readers write it. */
static void pct_da(struct buf *b, size_t x, size_t y, int decimals)
{
	size_t mark = b->len;
	char *dot;

	buf_addf(b, "%.*f", decimals, 100.0 * share(x, y));
	dot = strchr(b->data + mark, '.');
	if (dot)
		*dot = ',';
}

static const char *group_name(const struct tally *t, size_t g)
{
	return t->ngroups ? t->groups[g].name : NULL;
}

static size_t ngroups(const struct tally *t)
{
	return t->ngroups ? t->ngroups : 1;
}

static size_t min_base(const struct report_opts *o)
{
	return o && o->min_base ? o->min_base : REPORT_MIN_BASE;
}

static void wilson(size_t x, size_t y, double *lo, double *hi)
{
	stats_wilson(x, y, STATS_Z95, lo, hi);
}

/* "38-55 %" - an interval in whole percent */
static void ci_da(struct buf *b, size_t x, size_t y)
{
	double lo, hi;

	wilson(x, y, &lo, &hi);
	buf_addf(b, "%.0f-%.0f %%", 100 * lo, 100 * hi);
}

/* "0,012" - a p-value with a decimal comma, "< 0,001" when tiny */
static void p_da(struct buf *b, double p)
{
	size_t mark = b->len;
	char *dot;

	if (p < 0.001) {
		buf_adds(b, "< 0,001");
		return;
	}
	buf_addf(b, "%.3f", p);
	if ((dot = strchr(b->data + mark, '.')))
		*dot = ',';
}

static const char *adjust_da(enum stats_adjust a)
{
	return a == STATS_ADJ_HOLM ? "Holm-justeret" : a == STATS_ADJ_BH
		? "Benjamini-Hochberg-justeret" : "ujusteret";
}

/* The audit-corrected share of category k in cell (g, w, r) of tally i. */
static int corrected(const struct report_opts *o, size_t i, const struct tally *t, size_t g,
		     size_t w, size_t r, size_t k, double *share, double *lo, double *hi,
		     int *publish)
{
	const struct report_audit *a;
	const struct tally_cell *c = tally_cell(t, g, w, r), *ce;

	if (!o || !o->audit || !(a = &o->audit[i])->est || !c || !c->base)
		return 0;
	ce = tally_cell(a->engine, g, w, r);
	audit_correct(a->est, k, c->count[k], c->base, ce ? ce->count[k] : 0, ce ? ce->base : 0,
		      share, lo, hi, publish);
	return 1;
}

/* One comparison in words: "Nulpunkt -> Afslutning, ledere: +12,3 point,
 * p = 0,012 (Fisher; Holm-justeret 0,048) *" */
static void cmp_text(struct buf *b, const struct compare *c, const struct compare_row *x,
		     const struct tally *t)
{
	size_t mark;
	char *dot;

	if (c->mode == COMPARE_WAVES)
		buf_addf(b, "%s -> %s, %s: ", t->waves[x->w1].name, t->waves[x->w2].name,
			 t->roles[x->r1].plural);
	else
		buf_addf(b, "%s, %s mod %s: ", t->waves[x->w1].name, t->roles[x->r2].plural,
			 t->roles[x->r1].plural);
	mark = b->len;
	buf_addf(b, "%+.1f point", 100 * x->diff);
	if ((dot = strchr(b->data + mark, '.')))
		*dot = ',';
	/* "p < 0,001", not "p = < 0,001" */
	buf_adds(b, x->p < 0.001 ? ", p " : ", p = ");
	p_da(b, x->p);
	buf_addf(b, " (%s", compare_test_name(x->test));
	if (x->test == COMPARE_MCNEMAR)
		buf_addf(b, ", %zu parrede respondenter", x->pairs);
	if (c->adjust != STATS_ADJ_NONE) {
		buf_addf(b, "; %s ", adjust_da(c->adjust));
		p_da(b, x->p_adj);
	}
	buf_adds(b, x->significant ? ") *" : ")");
}

/* ---- text ------------------------------------------------------------ */

static void text_basis(struct buf *b, const struct tally *t, size_t g)
{
	buf_adds(b, "Grundlag\n");
	for (size_t w = 0; w < t->nwaves; w++) {
		if (!tally_wave_asked(t, g, w))
			continue;
		for (size_t r = 0; r < t->nroles; r++) {
			const struct tally_cell *c = tally_cell(t, g, w, r);

			if (!c)
				continue;
			buf_addf(b, "  %s, %s: %zu respondenter, %zu svarede, %zu substantielt (Y); "
				 "%zu af %zu svar gennemset af en koder", t->waves[w].name,
				 t->roles[r].plural, c->respondents, c->answered, c->base,
				 c->reviewed, c->answered);
			if (c->uncoded)
				buf_addf(b, "; %zu substantielle svar uden kategori", c->uncoded);
			buf_adds(b, ".\n");
		}
	}
}

static void write_text(struct buf *b, struct tally *const *ts, size_t n,
		       const struct report_opts *o)
{
	const struct compare *cmp = o ? o->cmp : NULL;

	for (size_t i = 0; i < n; i++) {
		const struct tally *t = ts[i];

		if (i)
			buf_adds(b, "\n");
		buf_addf(b, "%s\n", t->question);
		buf_addf(b, "Kodebog: %s%s%s", t->codebook_id,
			 *t->codebook_title ? " - " : "", t->codebook_title);
		if (*t->codebook_version)
			buf_addf(b, " (version %s)", t->codebook_version);
		buf_adds(b, "\n");
		if (t->decided_versions)
			buf_addf(b, "Koderes beslutninger truffet under version %s\n",
				 t->decided_versions);
		for (size_t g = 0; g < ngroups(t); g++) {
			if (group_name(t, g))
				buf_addf(b, "\n== %s: %s ==\n", t->by ? t->by : "", group_name(t, g));
			for (size_t k = 0; k < t->ncats; k++) {
				buf_addf(b, "\n%s%s\n", t->cats[k].label,
					 t->cats[k].is_net ? " (samlet)" : "");
				for (size_t w = 0; w < t->nwaves; w++) {
					if (!tally_wave_asked(t, g, w))
						continue;
					buf_addf(b, "  %s:", t->waves[w].name);
					for (size_t r = 0; r < t->nroles; r++) {
						const struct tally_cell *c = tally_cell(t, g, w, r);

						if (c && c->base && !(o && o->ci))
							buf_addf(b, " Anført af %zu ud af %zu %s.",
								 c->count[k], c->base,
								 t->roles[r].plural);
						else if (c && c->base) {
							buf_addf(b, " Anført af %zu ud af %zu %s (",
								 c->count[k], c->base,
								 t->roles[r].plural);
							ci_da(b, c->count[k], c->base);
							buf_adds(b, c->base < min_base(o)
								 ? "; lille base)." : ").");
						}
					}
					buf_adds(b, "\n");
				}
				for (size_t j = 0; cmp && j < cmp->n; j++) {
					const struct compare_row *x = &cmp->rows[j];

					if (x->tally != i || x->group != g || x->cat != k)
						continue;
					buf_adds(b, "  Forskel ");
					cmp_text(b, cmp, x, t);
					buf_adds(b, "\n");
				}
				if (o && o->audit && o->audit[i].est) {
					const struct audit_est *ae = o->audit[i].est;
					size_t mark = b->len;
					char *dot;

					buf_addf(b, "  Korrigeret for regelmotorens fejl (Se %.2f, Sp %.2f):",
						 audit_se(ae, k), audit_sp(ae, k));
					while ((dot = strchr(b->data + mark, '.')))
						*dot = ',';
					for (size_t w = 0; w < t->nwaves; w++)
						for (size_t r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
							double sh, lo, hi;
							int pub;

							if (!corrected(o, i, t, g, w, r, k, &sh, &lo, &hi, &pub))
								continue;
							buf_addf(b, " %s, %s %.0f %% (%.0f-%.0f %%%s);",
								 t->waves[w].name, t->roles[r].plural, 100 * sh,
								 100 * lo, 100 * hi, pub ? "" : ", bør gennemses");
						}
					b->data[b->len - 1] = '\n';
				}
			}
			buf_adds(b, "\n");
			text_basis(b, t, g);
		}
	}
	if (cmp && cmp->n)
		buf_addf(b, "\n* forskellen er signifikant (p < 0,05 efter %s justering over "
			 "alle %zu sammenligninger).  Fisher = Fishers eksakte test (forskellige "
			 "respondenter); McNemar = eksakt McNemar-test (de samme respondenter i "
			 "begge målinger, parret på id).\n", cmp->adjust == STATS_ADJ_HOLM ? "Holms"
			 : cmp->adjust == STATS_ADJ_BH ? "Benjamini-Hochbergs" : "ingen", cmp->n);
}

/* ---- CSV for Danish Excel --------------------------------------------- */

static void csv_cell(struct buf *b, const char *s, int last)
{
	/* the one CSV writer: quoting and the formula guard (csv.h) */
	csv_add_field(b, s, strlen(s), ';');
	buf_adds(b, last ? "\r\n" : ";");
}

struct csv_ctx {
	struct buf *b;
	int by;
	const struct report_opts *o;
};

/* "37,9" - a share as a percentage with one decimal */
static void pct1_da(struct buf *b, double v)
{
	size_t mark = b->len;
	char *dot;

	buf_addf(b, "%.1f", 100 * v);
	if ((dot = strchr(b->data + mark, '.')))
		*dot = ',';
}

static int csv_row(void *ctx, const struct tally_cell_ref *x)
{
	struct csv_ctx *cc = ctx;
	struct buf *b = cc->b;
	const struct tally *t = x->t;
	const struct tally_cell *c = x->c;

	csv_cell(b, t->question, 0);
	csv_cell(b, t->codebook_id, 0);
	if (cc->by)
		csv_cell(b, group_name(t, x->g), 0);
	csv_cell(b, t->waves[x->w].name, 0);
	csv_cell(b, t->roles[x->r].name, 0);
	csv_cell(b, t->cats[x->k].id, 0);
	csv_cell(b, t->cats[x->k].label, 0);
	buf_addf(b, "%s;%zu;%zu;", t->cats[x->k].is_net ? "ja" : "nej", c->count[x->k], c->base);
	if (c->base)
		pct_da(b, c->count[x->k], c->base, 1);
	buf_addf(b, ";%zu;%zu;", c->respondents, c->reviewed);
	if (c->base) {
		double lo, hi;

		wilson(c->count[x->k], c->base, &lo, &hi);
		pct1_da(b, lo);
		buf_adds(b, ";");
		pct1_da(b, hi);
	} else
		buf_adds(b, ";");
	buf_adds(b, c->base < min_base(cc->o) ? ";ja\r\n" : ";nej\r\n");
	return 0;
}

/* The comparisons as a second table below the first. */
static void csv_compare(struct buf *b, struct tally *const *ts, const struct compare *cmp)
{
	buf_adds(b, "\r\nSpørgsmål;Kategori-id;Kategori;Måling 1;Rolle 1;Måling 2;Rolle 2;"
		 "X1;Y1;X2;Y2;Forskel (point);Test;Parrede respondenter;p;p (justeret);"
		 "Justering;Signifikant\r\n");
	for (size_t j = 0; j < cmp->n; j++) {
		const struct compare_row *x = &cmp->rows[j];
		const struct tally *t = ts[x->tally];
		size_t mark;
		char *dot;

		csv_cell(b, t->qid, 0);
		csv_cell(b, t->cats[x->cat].id, 0);
		csv_cell(b, t->cats[x->cat].label, 0);
		csv_cell(b, t->waves[x->w1].name, 0);
		csv_cell(b, t->roles[x->r1].name, 0);
		csv_cell(b, t->waves[x->w2].name, 0);
		csv_cell(b, t->roles[x->r2].name, 0);
		buf_addf(b, "%zu;%zu;%zu;%zu;", x->x1, x->y1, x->x2, x->y2);
		pct1_da(b, x->diff);
		buf_addf(b, ";%s;%zu;", compare_test_name(x->test), x->pairs);
		mark = b->len;
		buf_addf(b, "%.6f;%.6f", x->p, x->p_adj);
		while ((dot = strchr(b->data + mark, '.')))
			*dot = ',';
		buf_addf(b, ";%s;%s\r\n", stats_adjust_name(cmp->adjust), x->significant ? "ja" : "nej");
	}
}

static void write_csv(struct buf *b, struct tally *const *ts, size_t n,
		      const struct report_opts *o)
{
	struct csv_ctx cc = { b, n && ts[0]->ngroups, o };

	buf_adds(b, "\xEF\xBB\xBF");
	csv_cell(b, "Spørgsmål", 0);
	csv_cell(b, "Kodebog", 0);
	if (cc.by)
		csv_cell(b, ts[0]->by ? ts[0]->by : "Gruppe", 0);
	buf_adds(b, "Måling;Rolle;Kategori-id;Kategori;Samlet (net);Anført af (X);Ud af (Y);"
		 "Andel (%);Respondenter;Gennemset af koder;95 %-interval fra (%);"
		 "95 %-interval til (%);Lille base\r\n");
	tally_each_cell(ts, n, csv_row, &cc);
	if (o && o->cmp && o->cmp->n)
		csv_compare(b, ts, o->cmp);
}

/* ---- Markdown --------------------------------------------------------- */

static void md_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *s == '\n' ? ' ' : *s);
	}
}

static void write_md(struct buf *b, struct tally *const *ts, size_t n,
		     const struct report_opts *o)
{
	const struct compare *cmp = o ? o->cmp : NULL;

	for (size_t i = 0; i < n; i++) {
		const struct tally *t = ts[i];

		buf_adds(b, i ? "\n## " : "## ");
		md_text(b, t->question);
		buf_addf(b, "\n\nKodebog `%s`. Hver celle: anført af X ud af Y (andel), "
			 "Y = substantielle svar.\n", t->codebook_id);
		for (size_t g = 0; g < ngroups(t); g++) {
			size_t w, r;

			if (group_name(t, g)) {
				buf_addf(b, "\n### %s: ", t->by ? t->by : "");
				md_text(b, group_name(t, g));
				buf_adds(b, "\n");
			}
			buf_adds(b, "\n| Kategori |");
			for (w = 0; w < t->nwaves; w++)
				for (r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
					buf_adds(b, " ");
					md_text(b, t->waves[w].name);
					buf_adds(b, ", ");
					md_text(b, t->roles[r].plural);
					buf_adds(b, " |");
				}
			buf_adds(b, "\n|---|");
			for (w = 0; w < t->nwaves; w++)
				for (r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++)
					buf_adds(b, "---:|");
			buf_adds(b, "\n");
			for (size_t k = 0; k <= t->ncats + 1; k++) {
				buf_adds(b, "| ");
				if (k < t->ncats) {
					if (t->cats[k].is_net)
						buf_adds(b, "**");
					md_text(b, t->cats[k].label);
					if (t->cats[k].is_net)
						buf_adds(b, "** (samlet)");
				} else
					buf_adds(b, k == t->ncats ? "*Y: substantielle svar*"
						 : "*gennemset af en koder*");
				buf_adds(b, " |");
				for (w = 0; w < t->nwaves; w++)
					for (r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
						const struct tally_cell *c = tally_cell(t, g, w, r);

						if (!c)
							buf_adds(b, " - |");
						else if (k == t->ncats)
							buf_addf(b, " %zu |", c->base);
						else if (k > t->ncats)
							buf_addf(b, " %zu af %zu |", c->reviewed, c->answered);
						else if (!c->base)
							buf_adds(b, " - |");
						else {
							buf_addf(b, " %zu af %zu (", c->count[k], c->base);
							pct_da(b, c->count[k], c->base, 0);
							if (o && o->ci) {
								buf_adds(b, " %; ");
								ci_da(b, c->count[k], c->base);
								buf_adds(b, c->base < min_base(o)
									 ? "; lille base) |" : ") |");
							} else
								buf_adds(b, " %) |");
						}
					}
				buf_adds(b, "\n");
			}
			for (size_t j = 0, any = 0; cmp && j < cmp->n; j++) {
				const struct compare_row *x = &cmp->rows[j];
				struct buf line = BUF_INIT;

				if (x->tally != i || x->group != g)
					continue;
				if (!any++)
					buf_adds(b, "\n| Kategori | Forskel |\n|---|---|\n");
				buf_adds(b, "| ");
				md_text(b, t->cats[x->cat].label);
				buf_adds(b, " | ");
				cmp_text(&line, cmp, x, t);
				md_text(b, line.data);
				buf_release(&line);
				buf_adds(b, x->significant ? " |\n" : " |\n");
			}
		}
	}
	if (cmp && cmp->n)
		buf_addf(b, "\n\\* signifikant (p < 0,05, %s over %zu sammenligninger). Fisher = "
			 "Fishers eksakte test; McNemar = eksakt McNemar-test på parrede "
			 "respondenter.\n", adjust_da(cmp->adjust), cmp->n);
}

/* ---- JSON --------------------------------------------------------------- */

struct json_ctx {
	cJSON *arr;
	const struct report_opts *o;
	struct tally *const *ts;
};

static double round4(double v)
{
	return round(v * 10000) / 10000;
}

/* The comparisons in which this cell is the later (second) one. */
static int json_tests(cJSON *o, const struct json_ctx *jc, const struct tally_cell_ref *x)
{
	const struct compare *cmp = jc->o ? jc->o->cmp : NULL;
	cJSON *arr = NULL;
	size_t ti = 0;

	if (!cmp)
		return 0;
	while (jc->ts[ti] != x->t)
		ti++;
	for (size_t j = 0; j < cmp->n; j++) {
		const struct compare_row *r = &cmp->rows[j];
		cJSON *t;

		if (r->tally != ti || r->group != x->g || r->cat != x->k || r->w2 != x->w
		    || r->r2 != x->r)
			continue;
		if (!arr && !(arr = cJSON_AddArrayToObject(o, "tests")))
			return KERR_NOMEM;
		if (!(t = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, t))
			return KERR_NOMEM;
		cJSON_AddStringToObject(t, "against_wave", x->t->waves[r->w1].name);
		cJSON_AddStringToObject(t, "against_role", x->t->roles[r->r1].name);
		cJSON_AddStringToObject(t, "test", r->test == COMPARE_MCNEMAR ? "mcnemar" : "fisher");
		if (r->test == COMPARE_MCNEMAR)
			cJSON_AddNumberToObject(t, "pairs", (double)r->pairs);
		cJSON_AddNumberToObject(t, "difference", round4(r->diff));
		cJSON_AddNumberToObject(t, "p", r->p);
		cJSON_AddNumberToObject(t, "p_adjusted", r->p_adj);
		cJSON_AddStringToObject(t, "adjust", stats_adjust_name(cmp->adjust));
		cJSON_AddBoolToObject(t, "significant", r->significant);
	}
	return 0;
}

static int json_row(void *ctx, const struct tally_cell_ref *x)
{
	const struct json_ctx *jc = ctx;
	const struct tally *t = x->t;
	const struct tally_cell *c = x->c;
	cJSON *o = cJSON_CreateObject(), *ci;
	double lo, hi;

	if (!o || !cJSON_AddItemToArray(jc->arr, o))
		return KERR_NOMEM;
	cJSON_AddStringToObject(o, "question", t->qid);
	cJSON_AddStringToObject(o, "codebook", t->codebook_id);
	if (group_name(t, x->g)) {
		cJSON_AddStringToObject(o, "by", t->by ? t->by : "");
		cJSON_AddStringToObject(o, "group", group_name(t, x->g));
	}
	cJSON_AddStringToObject(o, "wave", t->waves[x->w].name);
	cJSON_AddStringToObject(o, "role", t->roles[x->r].name);
	cJSON_AddStringToObject(o, "category", t->cats[x->k].id);
	cJSON_AddStringToObject(o, "label", t->cats[x->k].label);
	cJSON_AddBoolToObject(o, "net", t->cats[x->k].is_net);
	cJSON_AddNumberToObject(o, "count", (double)c->count[x->k]);
	cJSON_AddNumberToObject(o, "base", (double)c->base);
	if (c->base)  /* four decimals: a share, not a float artefact */
		cJSON_AddNumberToObject(o, "share",
			(double)(long)(share(c->count[x->k], c->base) * 10000 + 0.5) / 10000);
	else
		cJSON_AddNullToObject(o, "share");
	cJSON_AddNumberToObject(o, "respondents", (double)c->respondents);
	cJSON_AddNumberToObject(o, "reviewed", (double)c->reviewed);
	/* Wilson 95 %: [0, 1] when there is no base (nothing is known) */
	wilson(c->count[x->k], c->base, &lo, &hi);
	if (!(ci = cJSON_AddArrayToObject(o, "ci95")))
		return KERR_NOMEM;
	cJSON_AddItemToArray(ci, cJSON_CreateNumber(round4(lo)));
	cJSON_AddItemToArray(ci, cJSON_CreateNumber(round4(hi)));
	cJSON_AddBoolToObject(o, "small_base", c->base < min_base(jc->o));
	if (jc->o && jc->o->audit) {
		size_t ti = 0;
		double sh, alo, ahi;
		int pub;

		while (jc->ts[ti] != x->t)
			ti++;
		if (corrected(jc->o, ti, t, x->g, x->w, x->r, x->k, &sh, &alo, &ahi, &pub)) {
			const struct audit_est *ae = jc->o->audit[ti].est;
			const struct audit_cat *ac = &ae->cat[x->k];
			cJSON *a = cJSON_AddObjectToObject(o, "audit"), *aci;

			if (!a)
				return KERR_NOMEM;
			cJSON_AddNumberToObject(a, "sensitivity", round4(audit_se(ae, x->k)));
			cJSON_AddNumberToObject(a, "specificity", round4(audit_sp(ae, x->k)));
			cJSON_AddNumberToObject(a, "audited", (double)(ac->tp + ac->fn + ac->fp + ac->tn));
			cJSON_AddNumberToObject(a, "corrected_share", round4(sh));
			if (!(aci = cJSON_AddArrayToObject(a, "ci95")))
				return KERR_NOMEM;
			cJSON_AddItemToArray(aci, cJSON_CreateNumber(round4(alo)));
			cJSON_AddItemToArray(aci, cJSON_CreateNumber(round4(ahi)));
			cJSON_AddStringToObject(a, "method", "rogan-gladen, delta method");
			cJSON_AddBoolToObject(a, "publishable", pub);
		}
	}
	return json_tests(o, jc, x);
}

static int write_json(struct buf *b, struct tally *const *ts, size_t n,
		      const struct report_opts *o)
{
	cJSON *arr = cJSON_CreateArray();
	struct json_ctx jc = { arr, o, ts };
	char *text;
	int rc;

	if (!arr)
		return KERR_NOMEM;
	rc = tally_each_cell(ts, n, json_row, &jc);
	text = rc ? NULL : cJSON_Print(arr);
	cJSON_Delete(arr);
	if (!text)
		return KERR_NOMEM;
	buf_adds(b, text);
	buf_adds(b, "\n");
	free(text);
	return 0;
}

/* ---- xlsx ----------------------------------------------------------------- */

/* Excel sheet names: at most 31 characters, none of []:*?/\ , unique. */
static void sheet_name(char *out, size_t size, const char *id, int nth)
{
	char base[32];
	size_t i, j = 0;

	for (i = 0; id[i] && j < 25; i++)
		if (!strchr("[]:*?/\\", id[i]))
			base[j++] = id[i];
	base[j] = '\0';
	if (nth > 1)
		snprintf(out, size, "%s-%d", base, nth);
	else
		snprintf(out, size, "%s", base);
}

struct xfmt {
	lxw_format *bold, *head, *pct, *wrap, *small;
	const struct report_opts *o;
};

static lxw_row_t xlsx_group(lxw_worksheet *ws, const struct tally *t, size_t g, lxw_row_t row,
			    const struct xfmt *f)
{
	lxw_col_t col = 1;
	size_t w, r;

	if (group_name(t, g)) {
		char head[512];

		snprintf(head, sizeof(head), "%s: %s", t->by ? t->by : "", group_name(t, g));
		worksheet_write_string(ws, row++, 0, head, f->bold);
	}
	worksheet_write_string(ws, row + 2, 0, "Kategori", f->head);
	for (w = 0; w < t->nwaves; w++) {
		if (!tally_wave_asked(t, g, w))
			continue;
		for (r = 0; r < t->nroles; r++, col += 5) {
			char head[512];

			snprintf(head, sizeof(head), "%s, %s", t->waves[w].name, t->roles[r].plural);
			worksheet_merge_range(ws, row, col, row, col + 4, head, f->head);
			worksheet_write_string(ws, row + 2, col, "Anført af (X)", f->head);
			worksheet_write_string(ws, row + 2, col + 1, "Ud af (Y)", f->head);
			worksheet_write_string(ws, row + 2, col + 2, "Andel", f->head);
			worksheet_write_string(ws, row + 2, col + 3, "95 % fra", f->head);
			worksheet_write_string(ws, row + 2, col + 4, "95 % til", f->head);
		}
	}
	{
		char note[200];

		snprintf(note, sizeof(note), "Y = respondenter med et substantielt svar; "
			 "95 %% = Wilson-interval; kursiv andel = lille base (Y < %zu)",
			 min_base(f->o));
		worksheet_write_string(ws, row + 1, 0, note, NULL);
	}
	row += 3;
	for (size_t k = 0; k <= t->ncats; k++, row++) {
		char label[600];

		if (k < t->ncats)
			snprintf(label, sizeof(label), "%s%s", t->cats[k].label,
				 t->cats[k].is_net ? " (samlet)" : "");
		else
			snprintf(label, sizeof(label), "Gennemset af en koder (af besvarede)");
		worksheet_write_string(ws, row, 0, label,
				       k < t->ncats && t->cats[k].is_net ? f->bold : NULL);
		col = 1;
		for (w = 0; w < t->nwaves; w++) {
			if (!tally_wave_asked(t, g, w))
				continue;
			for (r = 0; r < t->nroles; r++, col += 5) {
				const struct tally_cell *c = tally_cell(t, g, w, r);

				if (!c)
					continue;
				if (k == t->ncats) {
					worksheet_write_number(ws, row, col, (double)c->reviewed, NULL);
					worksheet_write_number(ws, row, col + 1, (double)c->answered, NULL);
					continue;
				}
				worksheet_write_number(ws, row, col, (double)c->count[k], NULL);
				worksheet_write_number(ws, row, col + 1, (double)c->base, NULL);
				if (c->base) {
					double lo, hi;

					wilson(c->count[k], c->base, &lo, &hi);
					worksheet_write_number(ws, row, col + 2, share(c->count[k], c->base),
							       c->base < min_base(f->o) ? f->small : f->pct);
					worksheet_write_number(ws, row, col + 3, lo, f->pct);
					worksheet_write_number(ws, row, col + 4, hi, f->pct);
				}
			}
		}
	}
	return row + 1;
}

/* The comparisons on a sheet of their own. */
static void xlsx_compare(lxw_workbook *wb, struct tally *const *ts, const struct compare *cmp,
			 const struct xfmt *f)
{
	static const char *const head[] = { "Spørgsmål", "Kategori", "Måling 1", "Rolle 1",
		"Måling 2", "Rolle 2", "X1", "Y1", "X2", "Y2", "Forskel", "Test",
		"Parrede respondenter", "p", "p (justeret)", "Justering", "Signifikant" };
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Sammenligninger");

	if (!ws)
		return;
	for (lxw_col_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		worksheet_write_string(ws, 0, i, head[i], f->head);
	for (size_t j = 0; j < cmp->n; j++) {
		const struct compare_row *x = &cmp->rows[j];
		const struct tally *t = ts[x->tally];
		lxw_row_t r = (lxw_row_t)j + 1;

		worksheet_write_string(ws, r, 0, t->qid, NULL);
		worksheet_write_string(ws, r, 1, t->cats[x->cat].label, NULL);
		worksheet_write_string(ws, r, 2, t->waves[x->w1].name, NULL);
		worksheet_write_string(ws, r, 3, t->roles[x->r1].name, NULL);
		worksheet_write_string(ws, r, 4, t->waves[x->w2].name, NULL);
		worksheet_write_string(ws, r, 5, t->roles[x->r2].name, NULL);
		worksheet_write_number(ws, r, 6, (double)x->x1, NULL);
		worksheet_write_number(ws, r, 7, (double)x->y1, NULL);
		worksheet_write_number(ws, r, 8, (double)x->x2, NULL);
		worksheet_write_number(ws, r, 9, (double)x->y2, NULL);
		worksheet_write_number(ws, r, 10, x->diff, f->pct);
		worksheet_write_string(ws, r, 11, compare_test_name(x->test), NULL);
		worksheet_write_number(ws, r, 12, (double)x->pairs, NULL);
		worksheet_write_number(ws, r, 13, x->p, NULL);
		worksheet_write_number(ws, r, 14, x->p_adj, NULL);
		worksheet_write_string(ws, r, 15, stats_adjust_name(cmp->adjust), NULL);
		worksheet_write_string(ws, r, 16, x->significant ? "ja" : "nej",
				       x->significant ? f->bold : NULL);
	}
}

static int write_xlsx(const char *file, struct tally *const *ts, size_t n,
		      const struct report_opts *o, struct kerr *e)
{
	lxw_workbook *wb = workbook_new(file);
	struct xfmt f;
	lxw_error err;

	if (!wb)
		return kerr_set(e, KERR_WRITE, "cannot create the workbook");
	f.bold = workbook_add_format(wb);
	format_set_bold(f.bold);
	f.head = workbook_add_format(wb);
	format_set_bold(f.head);
	format_set_align(f.head, LXW_ALIGN_CENTER);
	format_set_text_wrap(f.head);
	format_set_bottom(f.head, LXW_BORDER_THIN);
	f.pct = workbook_add_format(wb);
	format_set_num_format(f.pct, "0.0%");
	f.wrap = workbook_add_format(wb);
	format_set_text_wrap(f.wrap);
	f.small = workbook_add_format(wb);
	format_set_num_format(f.small, "0.0%");
	format_set_italic(f.small);
	f.o = o;
	for (size_t i = 0; i < n; i++) {
		const struct tally *t = ts[i];
		char name[64];
		int nth = 1;
		lxw_worksheet *ws;
		lxw_row_t row = 2;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(ts[j]->codebook_id, t->codebook_id))
				nth++;
		sheet_name(name, sizeof(name), *t->codebook_id ? t->codebook_id : "tally", nth);
		ws = workbook_add_worksheet(wb, name);
		if (!ws) {
			workbook_close(wb);
			return kerr_set(e, KERR_WRITE, "cannot add the sheet \"%s\"", name);
		}
		worksheet_set_column(ws, 0, 0, 48, f.wrap);
		worksheet_set_column(ws, 1, 60, 11, NULL);
		worksheet_write_string(ws, 0, 0, t->question, f.bold);
		worksheet_write_string(ws, 1, 0, *t->codebook_title ? t->codebook_title
				       : t->codebook_id, NULL);
		for (size_t g = 0; g < ngroups(t); g++)
			row = xlsx_group(ws, t, g, row, &f);
	}
	if (o && o->cmp && o->cmp->n)
		xlsx_compare(wb, ts, o->cmp, &f);
	err = workbook_close(wb);
	if (err != LXW_NO_ERROR)
		return kerr_set(e, KERR_WRITE, "cannot write the workbook: %s", lxw_strerror(err));
	return 0;
}

/* ---- writing ---------------------------------------------------------------- */

int report_write(struct tally *const *t, size_t n, enum report_format f, const char *path,
		 struct kerr *e)
{
	return report_write_opts(t, n, f, path, NULL, e);
}

int report_write_opts(struct tally *const *t, size_t n, enum report_format f, const char *path,
		      const struct report_opts *ro, struct kerr *e)
{
	struct outfile o;
	struct buf b = BUF_INIT;
	int rc = 0;

	if (f == REPORT_XLSX && (!path || !strcmp(path, "-")))
		return kerr_set(e, KERR_INVALID, "xlsx cannot go to standard output; "
				"give -o FILE.xlsx");
	if (f == REPORT_TEXT)
		write_text(&b, t, n, ro);
	else if (f == REPORT_CSV)
		write_csv(&b, t, n, ro);
	else if (f == REPORT_MD)
		write_md(&b, t, n, ro);
	else if (f == REPORT_JSON)
		rc = write_json(&b, t, n, ro);
	if (rc) {
		buf_release(&b);
		return kerr_set(e, rc, "out of memory");
	}
	if ((rc = outfile_open(&o, path, e))) {
		buf_release(&b);
		return rc;
	}
	if (f == REPORT_XLSX && (rc = outfile_named(&o, path, e))) {
		outfile_abort(&o);
		buf_release(&b);
		return rc;
	}
	if (f == REPORT_XLSX) {
		fclose(o.fp);
		o.fp = NULL;
		rc = write_xlsx(o.tmp, t, n, ro, e);
		if (rc) {
			kerr_at(e, path, 0, 0);
			outfile_abort(&o);
			return rc;
		}
	} else if (f == REPORT_JSON) {
		fwrite(b.data, 1, b.len, o.fp);
	} else {
		/* text, md and csv end up on a terminal (or `cat`): wave, role,
		 * --by values and labels come from survey cells, so no control
		 * character in them may reach it (JSON escapes its own) */
		struct buf clean = BUF_INIT;

		if (esc_term(&clean, b.data ? b.data : "", b.len)) {
			buf_release(&clean);
			buf_release(&b);
			outfile_abort(&o);
			return kerr_set(e, KERR_NOMEM, "out of memory");
		}
		fwrite(clean.data ? clean.data : "", 1, clean.len, o.fp);
		buf_release(&clean);
	}
	buf_release(&b);
	return outfile_commit(&o, e);
}

/* ---- SVG chart ------------------------------------------------------------- */

#define SVG_W 980
#define LABEL_W 300
#define PLOT_X (LABEL_W + 20)
#define PLOT_W 520
#define BAR_H 15
#define BAR_GAP 3
#define BLOCK_GAP 16

static const char *const colors[][2] = {
	{ "#1b5e9b", "#8fbce6" },  /* blue: dark for the first role, light for the second */
	{ "#c0501f", "#f2b48f" },  /* orange */
	{ "#2e7d32", "#9fd4a2" },  /* green */
	{ "#6a3d9a", "#c9b3e0" },  /* purple */
	{ "#7a6a00", "#e0d37a" },  /* olive */
};
#define NCOLORS (sizeof(colors) / sizeof(colors[0]))

/* One hue per wave (counted among the waves shown, so the first wave drawn
 * is always blue), dark for the first role and light for the second. */
static const char *bar_color(const struct tally *t, size_t g, size_t w, size_t r)
{
	size_t shown = 0;

	for (size_t i = 0; i < w; i++)
		shown += tally_wave_asked(t, g, i);
	return colors[shown % NCOLORS][r % 2 ? 1 : 0];
}

static void svg_text(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s), 0);  /* one escaping routine (escape.h) */
}

/* Break `s` into lines of at most `width` characters at spaces; returns the
 * lines as one buffer with '\n' between them and their count. */
static size_t wrap(const char *s, size_t width, struct buf *out)
{
	size_t lines = 1, col = 0;
	const char *p = s;

	while (*p) {
		const char *q = p;
		size_t chars = 0;

		while (*q && *q != ' ') {
			if (((unsigned char)*q & 0xC0) != 0x80)
				chars++;
			q++;
		}
		if (col && col + 1 + chars > width) {
			buf_addch(out, '\n');
			lines++;
			col = 0;
		} else if (col) {
			buf_addch(out, ' ');
			col++;
		}
		buf_add(out, p, (size_t)(q - p));
		col += chars;
		p = *q ? q + 1 : q;
	}
	return lines;
}

/* Bars in one category block of group g: asked waves x roles with a base. */
static size_t nbars(const struct tally *t, size_t g)
{
	size_t n = 0;

	for (size_t w = 0; w < t->nwaves; w++)
		for (size_t r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
			const struct tally_cell *c = tally_cell(t, g, w, r);

			if (c && c->base)
				n++;
		}
	return n;
}

/* The axis maximum: the largest share rounded up to a multiple of 10 %. */
static int axis_max(const struct tally *t, size_t g)
{
	double m = 0.1;

	for (size_t i = 0; i < t->ncells; i++) {
		const struct tally_cell *c = &t->cells[i];

		if (c->group != g || !c->base)
			continue;
		for (size_t k = 0; k < t->ncats; k++)
			if (share(c->count[k], c->base) > m)
				m = share(c->count[k], c->base);
	}
	return (int)(m * 10 + 0.9999) * 10;
}

/* Characters of UTF-8 text (not bytes). */
static size_t chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static double svg_panel(struct buf *b, const struct tally *t, size_t g, double y)
{
	size_t nb = nbars(t, g), li = 0, answered = 0, reviewed = 0;
	int amax = axis_max(t, g);
	double block = nb * (BAR_H + BAR_GAP) + BLOCK_GAP, top, x, item;
	struct buf lab = BUF_INIT;

	buf_addf(b, "<text x=\"20\" y=\"%.0f\" class=\"h\">", y + 20);
	svg_text(b, t->question);
	if (group_name(t, g)) {
		buf_adds(b, " \xE2\x80\x93 ");
		svg_text(b, t->by ? t->by : "");
		buf_adds(b, ": ");
		svg_text(b, group_name(t, g));
	}
	buf_addf(b, "</text>\n<text x=\"20\" y=\"%.0f\" class=\"s\">Andel der anførte kategorien "
		 "blandt respondenter med et substantielt svar (Y); streg = 95 %%-interval (Wilson).</text>\n"
		 "<text x=\"20\" y=\"%.0f\" class=\"s\">Kodebog ", y + 38, y + 54);
	svg_text(b, t->codebook_id);
	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i].group == g) {
			answered += t->cells[i].answered;
			reviewed += t->cells[i].reviewed;
		}
	buf_addf(b, "; %zu af %zu svar gennemset af en koder%s</text>\n", reviewed, answered,
		 reviewed < answered ? ", resten kodet af regelmotoren" : "");
	/* Legend: one swatch per bar series, with its base. */
	y += 68;
	x = 20;
	for (size_t w = 0; w < t->nwaves; w++)
		for (size_t r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
			const struct tally_cell *c = tally_cell(t, g, w, r);

			if (!c || !c->base)
				continue;
			buf_reset(&lab);
			buf_addf(&lab, "%s, %s (Y = %zu)", t->waves[w].name, t->roles[r].plural, c->base);
			/* 12px text is about 7.2px a character (not a byte: æ is two):
			 * an entry that would run past the edge starts a new row */
			item = 19 + 7.2 * (double)chars_of(lab.data) + 24;
			if (x > 20 && x + item > SVG_W - 10) {
				x = 20;
				y += 20;
			}
			buf_addf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\"/>"
				 "<text x=\"%.0f\" y=\"%.0f\" class=\"l\">", x, y, bar_color(t, g, w, r),
				 x + 19, y + 12);
			svg_text(b, lab.data);
			x += item;
			buf_adds(b, "</text>\n");
		}
	/* below the legend's last row (14px) the axis labels (11px, on a
	 * baseline 8px above the plot) need their own line */
	y += 44;
	top = y;
	/* Grid lines and the axis. */
	for (int p = 0; p <= amax; p += 10) {
		double gx = PLOT_X + PLOT_W * p / (double)amax;

		buf_addf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" class=\"g\"/>"
			 "<text x=\"%.1f\" y=\"%.0f\" class=\"a\">%d %%</text>\n", gx, top - 4, gx,
			 top + block * (double)t->ncats, gx, top - 8, p);
	}
	for (size_t k = 0; k < t->ncats; k++, y += block) {
		size_t lines, bi = 0;
		const char *s;
		double ly;

		buf_reset(&lab);
		lines = wrap(t->cats[k].label, 40, &lab);
		if (t->cats[k].is_net)
			lines++;
		ly = y + (double)(nb * (BAR_H + BAR_GAP)) / 2 - (double)lines * 7 + 11;
		buf_addf(b, "<text x=\"%d\" y=\"%.0f\" class=\"%s\">", LABEL_W, ly,
			 t->cats[k].is_net ? "c n" : "c");
		for (s = lab.data, li = 0; *s; li++) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			char *one = strndup(s, len);

			buf_addf(b, "<tspan x=\"%d\" dy=\"%d\">", LABEL_W, li ? 14 : 0);
			svg_text(b, one ? one : "");
			buf_adds(b, "</tspan>");
			free(one);
			s += len + (e ? 1 : 0);
		}
		if (t->cats[k].is_net)
			buf_addf(b, "<tspan x=\"%d\" dy=\"14\">(samlet)</tspan>", LABEL_W);
		buf_adds(b, "</text>\n");
		for (size_t w = 0; w < t->nwaves; w++)
			for (size_t r = 0; tally_wave_asked(t, g, w) && r < t->nroles; r++) {
				const struct tally_cell *c = tally_cell(t, g, w, r);
				double by = y + (double)bi * (BAR_H + BAR_GAP), bw;

				if (!c || !c->base)
					continue;
				bi++;
				bw = PLOT_W * 100.0 * share(c->count[k], c->base) / amax;
				buf_addf(b, "<rect x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
					 "fill=\"%s\"><title>", PLOT_X, by, bw, BAR_H, bar_color(t, g, w, r));
				svg_text(b, t->waves[w].name);
				buf_adds(b, ", ");
				svg_text(b, t->roles[r].plural);
				buf_addf(b, ": %zu af %zu</title></rect>", c->count[k], c->base);
				{
					/* the Wilson 95 % interval as a whisker over the bar */
					double lo, hi, x1, x2, my = by + BAR_H / 2.0;

					wilson(c->count[k], c->base, &lo, &hi);
					x1 = PLOT_X + PLOT_W * 100.0 * lo / amax;
					x2 = PLOT_X + PLOT_W * 100.0 * (hi * 100.0 > amax ? amax / 100.0 : hi) / amax;
					buf_addf(b, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fV%.1f\" "
						 "class=\"ci\"/>", x1, my - 4, my + 4, x1, my, x2, x2, my - 4,
						 my + 4);
					if (x2 > PLOT_X + bw)
						bw = x2 - PLOT_X;
				}
				buf_addf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"v\">", PLOT_X + bw + 4,
					 by + BAR_H - 3);
				pct_da(b, c->count[k], c->base, 0);
				buf_addf(b, " %% (%zu/%zu)</text>\n", c->count[k], c->base);
			}
	}
	buf_release(&lab);
	return y + 20;
}

int report_chart_svg(struct tally *const *t, size_t n, const char *title, const char *path,
		     struct kerr *e)
{
	struct buf body = BUF_INIT, b = BUF_INIT;
	struct outfile o;
	double y = title ? 40 : 10;
	int rc;

	for (size_t i = 0; i < n; i++)
		for (size_t g = 0; g < ngroups(t[i]); g++)
			y = svg_panel(&body, t[i], g, y);
	buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		 "viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
		 "<style>.h{font-size:17px;font-weight:bold}.s{font-size:12px;fill:#444}"
		 ".l{font-size:12px}.c{font-size:12px;text-anchor:end}.n{font-weight:bold}"
		 ".a{font-size:11px;fill:#666;text-anchor:middle}.v{font-size:11px}"
		 ".g{stroke:#ddd;stroke-width:1}.ci{stroke:#222;stroke-width:1.2;fill:none}</style>\n"
		 "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", SVG_W, y, SVG_W, y);
	if (title) {
		buf_adds(&b, "<text x=\"20\" y=\"26\" style=\"font-size:20px;font-weight:bold\">");
		svg_text(&b, title);
		buf_adds(&b, "</text>\n");
	}
	buf_add(&b, body.data, body.len);
	buf_adds(&b, "</svg>\n");
	buf_release(&body);
	rc = outfile_open(&o, path, e);
	if (!rc) {
		fwrite(b.data, 1, b.len, o.fp);
		rc = outfile_commit(&o, e);
	}
	buf_release(&b);
	return rc;
}

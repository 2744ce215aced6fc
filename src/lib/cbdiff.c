/*
 * cbdiff.c - the fate of every old category and the changes of every new
 * one, computed from ids and `replaces` declarations; and the report.
 */
#include "cbdiff.h"
#include "codebook.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

int cbdiff_view(const struct codebook *cb, struct cbview *v, struct kerr *e)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->id = cb->id;
	v->version = cb->version;
	v->cats = calloc(cb->ncats ? cb->ncats : 1, sizeof(*v->cats));
	v->nets = calloc(cb->nnets ? cb->nnets : 1, sizeof(*v->nets));
	if (!v->cats || !v->nets) {
		cbview_release(v);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	/* The built-in ingen_svar is the same in every version: leave it out. */
	for (i = 0; i < cb->ncats; i++) {
		const struct codebook_category *c = &cb->cats[i];
		struct cbview_cat *d = &v->cats[v->ncats];

		if (c->builtin)
			continue;
		d->id = c->id;
		d->label = c->label;
		d->net = c->net;
		d->description = c->description;
		d->include = (const char **)c->include;
		d->ninclude = c->ninclude;
		d->exclude = (const char **)c->exclude;
		d->nexclude = c->nexclude;
		d->replaces = (const char **)c->replaces;
		d->nreplaces = c->nreplaces;
		v->ncats++;
	}
	for (i = 0; i < cb->nnets; i++) {
		v->nets[i].id = cb->nets[i].id;
		v->nets[i].label = cb->nets[i].label;
	}
	v->nnets = cb->nnets;
	return 0;
}

void cbview_release(struct cbview *v)
{
	free(v->cats);
	free(v->nets);
	memset(v, 0, sizeof(*v));
}

long cbview_find(const struct cbview *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->ncats; i++)
		if (!strcmp(v->cats[i].id, id))
			return (long)i;
	return -1;
}

static int has(const char **list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Is new category `n` a successor of old category `o`? */
static int succeeds(const struct cbview_cat *n, const struct cbview_cat *o)
{
	return !strcmp(n->id, o->id) || has(n->replaces, n->nreplaces, o->id);
}

/* Patterns in `a` that none of `others` has: the set difference a - others,
 * where `others` is the union of the include (or exclude) lists of several
 * categories.  Appends borrowed pointers to *out. */
static int list_minus(const char **a, size_t na, const struct cbview *v,
	const size_t *idx, size_t nidx, int exclude, const char ***out, size_t *nout)
{
	size_t i, j;

	for (i = 0; i < na; i++) {
		int found = 0;

		for (j = 0; j < nidx && !found; j++) {
			const struct cbview_cat *c = &v->cats[idx[j]];

			found = exclude ? has(c->exclude, c->nexclude, a[i])
				: has(c->include, c->ninclude, a[i]);
		}
		if (found)
			continue;
		if (!*out && !(*out = calloc(na, sizeof(**out))))
			return KERR_NOMEM;
		(*out)[(*nout)++] = a[i];
	}
	return 0;
}

/* The union of predecessors' patterns not in the new category's list. */
static int removed_patterns(const struct cbview *old, const size_t *from, size_t nfrom,
	const struct cbview_cat *n, int exclude, const char ***out, size_t *nout)
{
	size_t j, total = 0;

	for (j = 0; j < nfrom; j++)
		total += exclude ? old->cats[from[j]].nexclude : old->cats[from[j]].ninclude;
	for (j = 0; j < nfrom; j++) {
		const struct cbview_cat *o = &old->cats[from[j]];
		const char **list = exclude ? o->exclude : o->include;
		size_t k, nl = exclude ? o->nexclude : o->ninclude;

		for (k = 0; k < nl; k++) {
			if (has(exclude ? n->exclude : n->include,
				exclude ? n->nexclude : n->ninclude, list[k]))
				continue;
			if (*out && has(*out, *nout, list[k]))
				continue;
			if (!*out && !(*out = calloc(total, sizeof(**out))))
				return KERR_NOMEM;
			(*out)[(*nout)++] = list[k];
		}
	}
	return 0;
}

int cbdiff_compute(const struct cbview *old, const struct cbview *new_,
	struct cbdiff *d, struct kerr *e)
{
	size_t i, j;

	memset(d, 0, sizeof(*d));
	d->old = old;
	d->new_ = new_;
	if (!same_text(old->id, new_->id))
		return kerr_set(e, KERR_SCHEMA,
			"these are two different codebooks ('%s' and '%s'); diff and migrate "
			"compare versions of one codebook", old->id ? old->id : "",
			new_->id ? new_->id : "");
	d->fates = calloc(old->ncats ? old->ncats : 1, sizeof(*d->fates));
	d->newcats = calloc(new_->ncats ? new_->ncats : 1, sizeof(*d->newcats));
	if (!d->fates || !d->newcats)
		goto nomem;
	for (i = 0; i < old->ncats; i++) {
		struct cbdiff_fate *f = &d->fates[i];

		for (j = 0; j < new_->ncats; j++)
			if (succeeds(&new_->cats[j], &old->cats[i])) {
				if (!f->to && !(f->to = calloc(new_->ncats, sizeof(size_t))))
					goto nomem;
				f->to[f->nto++] = j;
			}
	}
	for (j = 0; j < new_->ncats; j++) {
		struct cbdiff_newcat *nc = &d->newcats[j];
		const struct cbview_cat *n = &new_->cats[j];

		for (i = 0; i < old->ncats; i++)
			if (succeeds(n, &old->cats[i])) {
				if (!nc->from && !(nc->from = calloc(old->ncats, sizeof(size_t))))
					goto nomem;
				nc->from[nc->nfrom++] = i;
			}
		if (!nc->nfrom) {
			d->nadded++;
		} else if (nc->nfrom == 1 && d->fates[nc->from[0]].nto == 1) {
			const struct cbview_cat *o = &old->cats[nc->from[0]];

			nc->relabelled = !same_text(o->label, n->label);
			nc->net_changed = !same_text(o->net, n->net);
			nc->description_changed = !same_text(o->description, n->description);
			d->nrelabelled += nc->relabelled;
			d->nnet_changed += nc->net_changed;
		}
		if (list_minus(n->include, n->ninclude, old, nc->from, nc->nfrom, 0,
				&nc->inc_added, &nc->ninc_added)
			|| list_minus(n->exclude, n->nexclude, old, nc->from, nc->nfrom, 1,
				&nc->exc_added, &nc->nexc_added)
			|| removed_patterns(old, nc->from, nc->nfrom, n, 0,
				&nc->inc_removed, &nc->ninc_removed)
			|| removed_patterns(old, nc->from, nc->nfrom, n, 1,
				&nc->exc_removed, &nc->nexc_removed))
			goto nomem;
		/* An added category's patterns are reported with the category. */
		if (nc->nfrom)
			d->npatterns += nc->ninc_added + nc->ninc_removed + nc->nexc_added
				+ nc->nexc_removed;
		if (nc->nfrom >= 2)
			d->nmerged++;
	}
	for (i = 0; i < old->ncats; i++) {
		struct cbdiff_fate *f = &d->fates[i];

		if (f->nto == 0) {
			f->kind = CBDIFF_REMOVED;
			d->nremoved++;
		} else if (f->nto >= 2) {
			f->kind = CBDIFF_SPLIT;
			d->nsplit++;
		} else if (d->newcats[f->to[0]].nfrom >= 2) {
			f->kind = CBDIFF_MERGED;
		} else if (strcmp(new_->cats[f->to[0]].id, old->cats[i].id)) {
			f->kind = CBDIFF_RENAMED;
			d->nrenamed++;
		} else {
			f->kind = CBDIFF_KEPT;
		}
	}
	return 0;
nomem:
	cbdiff_release(d);
	return kerr_set(e, KERR_NOMEM, "out of memory");
}

void cbdiff_release(struct cbdiff *d)
{
	size_t i;

	for (i = 0; d->fates && i < d->old->ncats; i++)
		free(d->fates[i].to);
	for (i = 0; d->newcats && i < d->new_->ncats; i++) {
		struct cbdiff_newcat *nc = &d->newcats[i];

		free(nc->from);
		free(nc->inc_added);
		free(nc->inc_removed);
		free(nc->exc_added);
		free(nc->exc_removed);
	}
	free(d->fates);
	free(d->newcats);
	memset(d, 0, sizeof(*d));
}

static int nets_differ(const struct cbdiff *d)
{
	size_t i, j;

	if (d->old->nnets != d->new_->nnets)
		return 1;
	for (i = 0; i < d->old->nnets; i++) {
		for (j = 0; j < d->new_->nnets; j++)
			if (!strcmp(d->old->nets[i].id, d->new_->nets[j].id))
				break;
		if (j == d->new_->nnets || !same_text(d->old->nets[i].label, d->new_->nets[j].label))
			return 1;
	}
	return 0;
}

int cbdiff_empty(const struct cbdiff *d)
{
	size_t i;

	if (d->nadded || d->nremoved || d->nrenamed || d->nmerged || d->nsplit
		|| d->nrelabelled || d->nnet_changed || d->npatterns || nets_differ(d))
		return 0;
	for (i = 0; i < d->new_->ncats; i++)
		if (d->newcats[i].description_changed)
			return 0;
	/* Same categories in another order change every report's row order. */
	for (i = 0; i < d->old->ncats && i < d->new_->ncats; i++)
		if (strcmp(d->old->cats[i].id, d->new_->cats[i].id))
			return 0;
	return 1;
}

size_t cbdiff_map(const struct cbdiff *d, const char *old_id, const char **out,
	size_t max, enum cbdiff_fate_kind *kind)
{
	long i = cbview_find(d->old, old_id);
	const struct cbdiff_fate *f;
	size_t k;

	if (i < 0) {
		if (kind)
			*kind = CBDIFF_REMOVED;
		return 0;
	}
	f = &d->fates[i];
	if (kind)
		*kind = f->kind;
	for (k = 0; k < f->nto && k < max; k++)
		out[k] = d->new_->cats[f->to[k]].id;
	return f->nto;
}

const char *cbdiff_fate_name(enum cbdiff_fate_kind k)
{
	static const char *names[] = { "kept", "renamed", "merged", "split", "removed" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* ---- the report ------------------------------------------------------- */

static void put_list(FILE *fp, const char *sign, const char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(fp, " %s\"%s\"", sign, l[i]);
}

static void section(FILE *fp, const char *title, size_t n)
{
	fprintf(fp, "\n%s (%zu):\n", title, n);
}

static void write_structure(const struct cbdiff *d, FILE *fp)
{
	const struct cbview *o = d->old, *n = d->new_;
	size_t i, k;

	if (d->nadded) {
		section(fp, "Added", d->nadded);
		for (i = 0; i < n->ncats; i++)
			if (!d->newcats[i].nfrom) {
				fprintf(fp, "  + %s \"%s\"", n->cats[i].id, n->cats[i].label);
				if (n->cats[i].ninclude) {
					fputs("  patterns:", fp);
					put_list(fp, "", n->cats[i].include, n->cats[i].ninclude);
				}
				fputc('\n', fp);
			}
	}
	if (d->nremoved) {
		section(fp, "Removed", d->nremoved);
		for (i = 0; i < o->ncats; i++)
			if (d->fates[i].kind == CBDIFF_REMOVED)
				fprintf(fp, "  - %s \"%s\"  (decisions coded with it need review)\n",
					o->cats[i].id, o->cats[i].label);
	}
	if (d->nrenamed) {
		section(fp, "Renamed", d->nrenamed);
		for (i = 0; i < o->ncats; i++)
			if (d->fates[i].kind == CBDIFF_RENAMED)
				fprintf(fp, "  %s -> %s\n", o->cats[i].id, n->cats[d->fates[i].to[0]].id);
	}
	if (d->nmerged) {
		section(fp, "Merged", d->nmerged);
		for (i = 0; i < n->ncats; i++) {
			const struct cbdiff_newcat *nc = &d->newcats[i];

			if (nc->nfrom < 2)
				continue;
			fputs("  ", fp);
			for (k = 0; k < nc->nfrom; k++)
				fprintf(fp, "%s%s", k ? " + " : "", o->cats[nc->from[k]].id);
			fprintf(fp, " -> %s \"%s\"\n", n->cats[i].id, n->cats[i].label);
		}
	}
	if (d->nsplit) {
		section(fp, "Split", d->nsplit);
		for (i = 0; i < o->ncats; i++) {
			const struct cbdiff_fate *f = &d->fates[i];

			if (f->kind != CBDIFF_SPLIT)
				continue;
			fprintf(fp, "  %s ->", o->cats[i].id);
			for (k = 0; k < f->nto; k++)
				fprintf(fp, "%s %s", k ? " +" : "", n->cats[f->to[k]].id);
			fputs("  (decisions coded with it need review)\n", fp);
		}
	}
}

static void write_details(const struct cbdiff *d, FILE *fp)
{
	const struct cbview *o = d->old, *n = d->new_;
	size_t i;

	if (d->nrelabelled) {
		section(fp, "Relabelled", d->nrelabelled);
		for (i = 0; i < n->ncats; i++)
			if (d->newcats[i].relabelled)
				fprintf(fp, "  %s: \"%s\" -> \"%s\"\n", n->cats[i].id,
					o->cats[d->newcats[i].from[0]].label, n->cats[i].label);
	}
	if (d->nnet_changed) {
		section(fp, "Net changed", d->nnet_changed);
		for (i = 0; i < n->ncats; i++)
			if (d->newcats[i].net_changed) {
				const char *was = o->cats[d->newcats[i].from[0]].net;

				fprintf(fp, "  %s: %s -> %s\n", n->cats[i].id, was ? was : "(none)",
					n->cats[i].net ? n->cats[i].net : "(none)");
			}
	}
	if (d->npatterns) {
		section(fp, "Patterns changed", d->npatterns);
		for (i = 0; i < n->ncats; i++) {
			const struct cbdiff_newcat *nc = &d->newcats[i];

			if (!nc->nfrom || !(nc->ninc_added + nc->ninc_removed + nc->nexc_added
				+ nc->nexc_removed))
				continue;
			fprintf(fp, "  %s:", n->cats[i].id);
			put_list(fp, "+", nc->inc_added, nc->ninc_added);
			put_list(fp, "-", nc->inc_removed, nc->ninc_removed);
			if (nc->nexc_added || nc->nexc_removed) {
				fputs("  exclude:", fp);
				put_list(fp, "+", nc->exc_added, nc->nexc_added);
				put_list(fp, "-", nc->exc_removed, nc->nexc_removed);
			}
			fputc('\n', fp);
		}
	}
}

static void write_nets(const struct cbdiff *d, FILE *fp)
{
	const struct cbview *o = d->old, *n = d->new_;
	size_t i, j;

	if (!nets_differ(d))
		return;
	fputs("\nNets:\n", fp);
	for (i = 0; i < n->nnets; i++) {
		for (j = 0; j < o->nnets && strcmp(o->nets[j].id, n->nets[i].id); j++)
			;
		if (j == o->nnets)
			fprintf(fp, "  + %s \"%s\"\n", n->nets[i].id, n->nets[i].label);
		else if (!same_text(o->nets[j].label, n->nets[i].label))
			fprintf(fp, "  %s: \"%s\" -> \"%s\"\n", n->nets[i].id, o->nets[j].label,
				n->nets[i].label);
	}
	for (j = 0; j < o->nnets; j++) {
		for (i = 0; i < n->nnets && strcmp(o->nets[j].id, n->nets[i].id); i++)
			;
		if (i == n->nnets)
			fprintf(fp, "  - %s \"%s\"\n", o->nets[j].id, o->nets[j].label);
	}
}

int cbdiff_write_text(const struct cbdiff *d, FILE *fp, struct kerr *e)
{
	size_t i;

	fprintf(fp, "Codebook %s: version %s -> %s, %zu -> %zu categories\n",
		d->new_->id ? d->new_->id : "?", d->old->version ? d->old->version : "?",
		d->new_->version ? d->new_->version : "?", d->old->ncats, d->new_->ncats);
	if (cbdiff_empty(d)) {
		fputs("No changes.\n", fp);
	} else {
		write_structure(d, fp);
		write_details(d, fp);
		write_nets(d, fp);
		for (i = 0; i < d->new_->ncats; i++)
			if (d->newcats[i].description_changed)
				break;
		if (i < d->new_->ncats) {
			fputs("\nDescription changed:", fp);
			for (; i < d->new_->ncats; i++)
				if (d->newcats[i].description_changed)
					fprintf(fp, " %s", d->new_->cats[i].id);
			fputc('\n', fp);
		}
	}
	if (ferror(fp))
		return kerr_set(e, KERR_IO, "cannot write the report");
	return 0;
}

/*
 * codebook.c - loading and validating codebook JSON (see codebook.h and
 * docs/codebook-format.md).
 *
 * cJSON parses the file but keeps no positions, so errors are located
 * afterwards: jsonin_locate walks the source text along a JSON path
 * (categories[3].include[2]) and returns the offset of that value.  The walk
 * is only done for values that are reported, so loading stays one parse.
 */
#include "codebook.h"

#include "buf.h"
#include "datadir.h"
#include "error.h"
#include "jsonin.h"
#include "strtab.h"
#include "infile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CODEBOOK_MAX_BYTES ((size_t)32 << 20)

/* Answers that say nothing: coded ingen_svar when they are all an answer
 * holds (several may follow each other: "Nej. Ingen kommentarer").  The
 * first list is also strong enough to mark a SHORT answer that no category
 * matched as no answer ("ved ikke, er ny i teamet", "ingen barrierer hos
 * os"), which is how coders treat a non-answer with a reason or filler
 * around it; the second list's words only count when they are all there is
 * ("nej", "ja", fillers), since "nej" or "ingen" in a short answer often
 * carry content ("ingen opbakning fra ledelsen"). */
static const char *const default_nonsubstantive[] = {
	"ved ikke", "ved det ikke", "vi ved ikke", "ved jeg ikke", "det ved jeg ikke",
	"ved ikke rigtig", "aner det ikke", "aner ikke", "aner jeg ikke", "ingen anelse",
	"ved ik", "ved ikk", "vd ikke", "vides ikke", "er usikker", "jeg er usikker",
	"ikke sikker", "er ikke sikker", "kan ikke huske", "husker ikke", "husker det ikke",
	"kan ikke lige huske", "kan ikke komme i tanke om", "kommer ikke i tanke om",
	"(jeg|vi) kender ikke", "kender ikke til det", "kender ikke til dem", "kender det ikke",
	"kender dem ikke", "kender ikke nok til det",
	"ikke kendskab til", "intet kendskab", "intet kendskab til", "ingen kendskab",
	"har ikke kendskab til", "ikke indsigt i", "ingen indsigt", "har ikke indsigt",
	"ingen erfaring med det", "ingen erfaring endnu", "ingen erfaringer endnu",
	"har ingen erfaring", "har ikke erfaring", "ikke erfaring med det",
	"har ikke prøvet det", "ikke prøvet det", "ikke oplevet det", "ikke oplevet noget",
	"(har )?ikke oplevet (nogen|nogle|noget|det|problemer|barrierer|udfordringer)",
	"har ikke oplevet nogen", "ikke oplevet nogen", "ikke stødt på", "ikke stødt på nogen",
	"ny i teamet", "ny i jobbet", "ny i afdelingen", "ny i projektet", "er ny i",
	"jeg er ny", "er nyansat", "nyansat", "er ny medarbejder", "ny på holdet",
	"lige startet", "netop startet", "ikke været med", "ikke været her længe nok",
	"spørg lederen", "spørg min leder", "spørg ledelsen", "spørg min chef",
	"spørg teamlederen", "spørg koordinatoren", "ved min leder", "ved lederen",
	"ved ledelsen", "ved min chef", "må lederen svare på", "må ledelsen svare på",
	"det må andre svare på", "andre må svare", "overlader det til",
	"henviser til lederen", "henviser til ledelsen", "henviser til min leder",
	"ingen kommentar", "ingen kommentarer", "ingen bemærkninger", "ingen bemaerkninger",
	"intet at tilføje", "ikke noget at tilføje", "intet yderligere", "intet at bemærke",
	"intet yderligere at tilføje", "ikke yderligere", "ingen yderligere",
	"ikke mere at tilføje", "ikke andet at tilføje", "ingen tilføjelser",
	"har ingen at nævne", "ikke nogen at nævne",
	"ingen at nævne", "intet at nævne", "ikke noget at nævne", "ingen jeg kan komme på",
	"ingen jeg kender til", "ikke nogen jeg kender til", "ingen jeg kan nævne",
	"(ikke noget|ikke nogen|intet|ingen) (jeg|vi) har (oplevet|mødt|set|hørt om)",
	"(ikke noget|ikke nogen|intet|ingen) (jeg|vi) (kender til|ved af|kan se)",
	"har ikke selv været ude", "har ikke været ude",
	"ikke (været|haft) (nogen|nogle)? (samtaler|sager|møder) endnu",
	"ingen svar", "intet svar", "ingen ide", "ingen idé", "ingen mening",
	"ingen holdning", "har ingen holdning", "ingen særlig holdning",
	"kan ikke svare", "kan ikke besvare", "kan ikke vurdere", "kan ikke sige",
	"kan ikke udtale mig", "kan jeg ikke svare på", "kan jeg ikke vurdere",
	"ikke muligt at svare", "kan ikke svare på det", "svært at svare på",
	"ikke relevant for (mig|os|min stilling|mit job|mit arbejde)", "ikke aktuelt for (mig|os)",
	"ikke noget jeg arbejder med",
	"ingen barrierer", "ingen barriere", "ingen problemer", "ingen udfordringer",
	"ikke nogen barrierer", "ikke nogen problemer", "ikke nogen udfordringer",
	"ikke noget problem", "intet problem", "ingen undtagelser",
	"se ovenfor", "som ovenfor", "samme som ovenfor", "se tidligere svar",
	"se ovenstående", "som ovenstående", "som nævnt", "som tidligere nævnt",
	"se forrige svar", "samme svar",
	"ikke noget at sige", "intet at sige", "ikke oplyst",
	"nix", "nej tak", "0", "n/a", "nvt",
	"i don't know", "i dont know", "don't know", "dont know", "no idea",
	"no comment", "no comments", "not relevant", "not applicable", "idk",
	NULL
};

/* Only when they are all the answer holds: weak words that often carry
 * content in a longer answer, and fillers ("jeg ved det ikke", "nej
 * desværre ikke pt"). */
static const char *const default_nonsubstantive_whole[] = {
	"nej", "ja", "ok", "ingen", "intet", "ik", "x", "xx", "xxx", "tom", "blank",
	"jeg", "det", "der", "her", "hertil", "på det", "til det", "om det", "helt",
	"rigtig", "rigtigt", "lige", "nu", "pt", "p.t.", "så", "egentlig", "desværre",
	"tak", "umiddelbart", "ikke", "endnu", "i øjeblikket", "på nuværende tidspunkt",
	"vi", "na", "ikke noget", "ikke nogen", "har ikke nogen", "har ikke noget", "har ingen",
	"ingen andre", "ikke relevant", "irrelevant", "ikke aktuelt", "usikker", "uvist",
	"svært at sige", "ingenting", "nothing", "none", "som før", "ikke mit område",
	NULL
};

static const char *const default_negation_cues[] = {
	"ikke", "ik", "ingen", "intet", "ingenting", "uden", "aldrig",
	"hverken", "ej", "sjældent", "næppe", NULL
};

void codebook_locate(const struct codebook *cb, const char *path, long *line, long *col)
{
	*line = *col = 0;
	if (!cb || !cb->src || !path)
		return;
	jsonin_linecol(cb->src, jsonin_locate(cb->src, cb->srclen, path), line, col);
}

static int verror(const char *file, const char *src, size_t srclen, struct kerr *e,
		  int code, const char *path, const char *fmt, va_list ap)
{
	long line = 0, col = 0;

	kerr_clear(e);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	e->code = code;
	if (src)
		jsonin_linecol(src, jsonin_locate(src, srclen, path), &line, &col);
	kerr_at(e, file, line, col);
	if (path && *path)
		kerr_path(e, "%s", path);
	return code;
}

int codebook_error(const struct codebook *cb, struct kerr *e, int code,
		   const char *path, const char *fmt, ...)
{
	struct kerr tmp;
	va_list ap;

	if (!e)
		e = &tmp;
	va_start(ap, fmt);
	verror(cb ? cb->path : NULL, cb ? cb->src : NULL, cb ? cb->srclen : 0,
		e, code, path, fmt, ap);
	va_end(ap);
	return code;
}

/* ---- loading ------------------------------------------------------------ */

struct loader {
	const char *file, *src;
	size_t srclen;
	struct kerr_list *errs;
	int first;         /* code of the first problem, 0 while none */
	struct codebook *cb;
};

__attribute__((format(printf, 4, 5)))
static void problem(struct loader *ld, int code, const char *path, const char *fmt, ...)
{
	struct kerr e;
	va_list ap;

	va_start(ap, fmt);
	verror(ld->file, ld->src, ld->srclen, &e, code, path, fmt, ap);
	va_end(ap);
	if (!ld->first)
		ld->first = code;
	if (ld->errs)
		kerr_list_add(ld->errs, &e);
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "true/false";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "a list";
	if (cJSON_IsObject(v)) return "an object";
	return "something else";
}

static char *dup_or_null(struct loader *ld, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d && !ld->first)
		ld->first = KERR_NOMEM;
	return d;
}

/* A string member: NULL if absent (reported when `required`) or not a string. */
static char *get_string(struct loader *ld, const cJSON *obj, const char *key,
			const char *path, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct buf p = BUF_INIT;
	char *r = NULL;

	buf_addf(&p, "%s%s%s", path, *path ? "." : "", key);
	if (!v) {
		if (required)
			problem(ld, KERR_SCHEMA, p.data, "missing \"%s\": expected a string", key);
	} else if (!cJSON_IsString(v)) {
		problem(ld, KERR_SCHEMA, p.data, "expected a string, found %s", type_name(v));
	} else if (required && !*v->valuestring) {
		problem(ld, KERR_SCHEMA, p.data, "\"%s\" is empty: expected some text", key);
	} else {
		r = dup_or_null(ld, v->valuestring);
	}
	buf_release(&p);
	return r;
}

static int get_bool(struct loader *ld, const cJSON *obj, const char *key,
		    const char *path, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return dflt;
	if (!cJSON_IsBool(v)) {
		struct buf p = BUF_INIT;

		buf_addf(&p, "%s%s%s", path, *path ? "." : "", key);
		problem(ld, KERR_SCHEMA, p.data, "expected true or false, found %s", type_name(v));
		buf_release(&p);
		return dflt;
	}
	return cJSON_IsTrue(v);
}

/* A list of non-empty strings.  *n = 0 and NULL when absent or wrong. */
static char **get_strings(struct loader *ld, const cJSON *obj, const char *key,
			  const char *path, size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	struct buf p = BUF_INIT;
	char **list = NULL;
	size_t i = 0, cnt;

	*n = 0;
	if (!v)
		return NULL;
	buf_addf(&p, "%s%s%s", path, *path ? "." : "", key);
	if (!cJSON_IsArray(v)) {
		problem(ld, KERR_SCHEMA, p.data, "expected a list of strings [\"...\", \"...\"], found %s",
			type_name(v));
		buf_release(&p);
		return NULL;
	}
	cnt = (size_t)cJSON_GetArraySize(v);
	list = calloc(cnt + 1, sizeof *list);
	if (!list) {
		ld->first = ld->first ? ld->first : KERR_NOMEM;
		buf_release(&p);
		return NULL;
	}
	cJSON_ArrayForEach(it, v) {
		size_t at = p.len;

		buf_addf(&p, "[%zu]", i);
		if (!cJSON_IsString(it))
			problem(ld, KERR_SCHEMA, p.data, "expected a string, found %s", type_name(it));
		else if (!it->valuestring[strspn(it->valuestring, " \t\r\n")])
			problem(ld, KERR_SCHEMA, p.data, "empty string: remove it or write the text");
		else
			list[(*n)++] = dup_or_null(ld, it->valuestring);
		buf_truncate(&p, at);
		i++;
	}
	buf_release(&p);
	return list;
}

/* Index of `id` in the table, -1 when absent; -2 when the table cannot
 * say (none, or a key too long for it). */
static long index_get(const struct strtab *t, const char *id)
{
	size_t n = strlen(id);
	uint32_t v;

	if (!t || !n || n > 65535)
		return -2;
	return strtab_get(t, id, n, &v) ? (long)v : -1;
}

/* Record the first index of `id` (a later duplicate keeps the first).
 * Without a table, or on out of memory, finding falls back to a scan:
 * the table is dropped so it is never half filled. */
static void index_put(struct strtab **t, const char *id, size_t i)
{
	size_t n = id ? strlen(id) : 0;
	uint32_t v;

	if (!*t || !n || n > 65535 || strtab_get(*t, id, n, &v))
		return;
	if (i > UINT32_MAX || strtab_put(*t, id, n, (uint32_t)i, 0)) {
		strtab_release(*t);
		free(*t);
		*t = NULL;
	}
}

static struct strtab *index_new(void)
{
	struct strtab *t = malloc(sizeof *t);

	if (t && strtab_init(t, 64)) {
		free(t);
		t = NULL;
	}
	return t;
}

static void index_free(struct strtab *t)
{
	if (t) {
		strtab_release(t);
		free(t);
	}
}

static void check_keys(struct loader *ld, const cJSON *obj, const char *path,
		       const char *const *known)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		size_t i;
		struct buf p = BUF_INIT, list = BUF_INIT;

		if (!it->string || it->string[0] == '_' || !strcmp(it->string, "comment"))
			continue;
		for (i = 0; known[i]; i++)
			if (!strcmp(known[i], it->string))
				break;
		if (known[i])
			continue;
		for (i = 0; known[i]; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", known[i]);
		buf_addf(&p, "%s%s%s", path, *path ? "." : "", it->string);
		if (jsonin_nearest(it->string, known))
			problem(ld, KERR_SCHEMA, p.data, "unknown key \"%s\": did you mean \"%s\"?",
				it->string, jsonin_nearest(it->string, known));
		else
			problem(ld, KERR_SCHEMA, p.data,
				"unknown key \"%s\": expected one of %s (or a comment key starting with _)",
				it->string, list.data);
		buf_release(&p);
		buf_release(&list);
	}
}

/* Ids are what scripts and spreadsheets see: keep them plain ASCII. */
static int valid_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static void id_problem(struct loader *ld, const char *path, const char *id)
{
	problem(ld, KERR_SCHEMA, path,
		"id \"%s\" is not a plain id: use lower-case a-z, 0-9, _ and - only "
		"(write æ as ae, ø as oe, å as aa)", id);
}

static char **dup_list(const char *const *src, size_t *n)
{
	size_t cnt = 0, i;
	char **l;

	while (src[cnt])
		cnt++;
	l = calloc(cnt + 1, sizeof *l);
	if (!l)
		return NULL;
	for (i = 0; i < cnt; i++)
		if (!(l[i] = strdup(src[i]))) {
			while (i--)
				free(l[i]);
			free(l);
			return NULL;
		}
	*n = cnt;
	return l;
}

/* Append `add` (n2 strings, taken over) to *list (n1 strings). */
static int concat_list(char ***list, size_t *n1, char **add, size_t n2)
{
	char **l;

	if (!n2) {
		free(add);
		return 0;
	}
	l = realloc(*list, (*n1 + n2 + 1) * sizeof *l);
	if (!l)
		return KERR_NOMEM;
	memcpy(l + *n1, add, n2 * sizeof *l);
	*n1 += n2;
	l[*n1] = NULL;
	*list = l;
	free(add);
	return 0;
}

static const char *const root_keys[] = {
	"id", "version", "title", "language", "source", "description", "categories", "nets",
	"nonsubstantive", "nonsubstantive_defaults", "negation_cues", "negation_window", "model", NULL
};
static const char *const cat_keys[] = {
	"id", "label", "description", "net", "include", "exclude", "examples",
	"counterexamples", "negation", "replaces", NULL
};
static const char *const net_keys[] = { "id", "label", "description", NULL };

static void load_nets(struct loader *ld, const cJSON *root)
{
	const cJSON *nets = cJSON_GetObjectItemCaseSensitive(root, "nets"), *it;
	struct codebook *cb = ld->cb;
	size_t i = 0;

	if (!nets)
		return;
	if (!cJSON_IsArray(nets)) {
		problem(ld, KERR_SCHEMA, "nets", "expected a list of nets [{\"id\": ..., \"label\": ...}], found %s",
			type_name(nets));
		return;
	}
	cb->nets = calloc((size_t)cJSON_GetArraySize(nets) + 1, sizeof *cb->nets);
	if (!cb->nets) {
		ld->first = KERR_NOMEM;
		return;
	}
	cJSON_ArrayForEach(it, nets) {
		char path[64];
		struct codebook_net *n = &cb->nets[cb->nnets];
		char *id, *label;
		long dup;

		snprintf(path, sizeof path, "nets[%zu]", i++);
		if (!cJSON_IsObject(it)) {
			problem(ld, KERR_SCHEMA, path, "expected a net {\"id\": ..., \"label\": ...}, found %s",
				type_name(it));
			continue;
		}
		check_keys(ld, it, path, net_keys);
		id = get_string(ld, it, "id", path, 1);
		label = get_string(ld, it, "label", path, 1);
		if (id && !valid_id(id)) {
			char p2[80];

			snprintf(p2, sizeof p2, "%s.id", path);
			id_problem(ld, p2, id);
		}
		dup = id ? codebook_find_net(cb, id) : -1;
		if (dup >= 0) {
			char p2[80];

			snprintf(p2, sizeof p2, "%s.id", path);
			problem(ld, KERR_SCHEMA, p2, "duplicate net id \"%s\" (also nets[%ld]): ids must be unique",
				id, dup);
		}
		if (!id || !label || dup >= 0) {
			free(id);
			free(label);
			continue;
		}
		n->id = id;
		n->label = label;
		index_put(&cb->net_ids, id, cb->nnets);
		cb->nnets++;
	}
}

static void load_category(struct loader *ld, const cJSON *it, const char *path,
			  struct codebook_category *c)
{
	struct codebook *cb = ld->cb;
	char p2[96];

	c->net_index = -1;
	c->negation = 1;
	check_keys(ld, it, path, cat_keys);
	c->id = get_string(ld, it, "id", path, 1);
	c->label = get_string(ld, it, "label", path, 1);
	c->description = get_string(ld, it, "description", path, 0);
	if (!c->description)
		c->description = dup_or_null(ld, "");
	c->net = get_string(ld, it, "net", path, 0);
	c->include = get_strings(ld, it, "include", path, &c->ninclude);
	c->exclude = get_strings(ld, it, "exclude", path, &c->nexclude);
	c->examples = get_strings(ld, it, "examples", path, &c->nexamples);
	c->counterexamples = get_strings(ld, it, "counterexamples", path, &c->ncounterexamples);
	c->replaces = get_strings(ld, it, "replaces", path, &c->nreplaces);
	c->negation = get_bool(ld, it, "negation", path, 1);
	if (c->id && !valid_id(c->id)) {
		snprintf(p2, sizeof p2, "%s.id", path);
		id_problem(ld, p2, c->id);
	}
	if (c->net) {
		c->net_index = codebook_find_net(cb, c->net);
		if (c->net_index < 0) {
			struct buf names = BUF_INIT;
			size_t i;

			for (i = 0; i < cb->nnets; i++)
				buf_addf(&names, "%s%s", i ? ", " : "", cb->nets[i].id);
			snprintf(p2, sizeof p2, "%s.net", path);
			problem(ld, KERR_SCHEMA, p2, "unknown net \"%s\": expected one of the ids in \"nets\" (%s)",
				c->net, cb->nnets ? names.data : "there are none; add a \"nets\" list");
			buf_release(&names);
		}
	}
	if (c->id && !strcmp(c->id, CODEBOOK_INGEN_SVAR)) {
		c->builtin = 1;
		if (c->ninclude) {
			snprintf(p2, sizeof p2, "%s.include", path);
			problem(ld, KERR_SCHEMA, p2, "ingen_svar is coded from the codebook's "
				"\"nonsubstantive\" phrases: move these patterns there");
		}
	} else if (c->id && !strcmp(c->id, CODEBOOK_ANDET)) {
		c->residual = 1;
	} else if (c->id && !c->ninclude) {
		snprintf(p2, sizeof p2, "%s.include", path);
		problem(ld, KERR_SCHEMA, cJSON_GetObjectItemCaseSensitive(it, "include") ? p2 : path,
			"category \"%s\" has no include patterns, so it can never be coded: "
			"write at least one (see docs/codebook-format.md)", c->id);
	}
}

static void load_categories(struct loader *ld, const cJSON *root)
{
	const cJSON *cats = cJSON_GetObjectItemCaseSensitive(root, "categories"), *it;
	struct codebook *cb = ld->cb;
	size_t i = 0;

	if (!cats) {
		problem(ld, KERR_SCHEMA, "", "missing \"categories\": expected a list of categories");
		return;
	}
	if (!cJSON_IsArray(cats) || cJSON_GetArraySize(cats) == 0) {
		problem(ld, KERR_SCHEMA, "categories",
			"expected a non-empty list of categories [{\"id\": ..., \"label\": ..., \"include\": [...]}], found %s",
			cJSON_IsArray(cats) ? "an empty list" : type_name(cats));
		return;
	}
	/* +1 for a built-in ingen_svar */
	cb->cats = calloc((size_t)cJSON_GetArraySize(cats) + 1, sizeof *cb->cats);
	if (!cb->cats) {
		ld->first = KERR_NOMEM;
		return;
	}
	cJSON_ArrayForEach(it, cats) {
		char path[64];
		struct codebook_category *c = &cb->cats[cb->ncats];
		long dup;

		snprintf(path, sizeof path, "categories[%zu]", i++);
		if (!cJSON_IsObject(it)) {
			problem(ld, KERR_SCHEMA, path, "expected a category {\"id\": ..., \"label\": ..., "
				"\"include\": [...]}, found %s", type_name(it));
			continue;
		}
		load_category(ld, it, path, c);
		dup = c->id ? codebook_find(cb, c->id) : -1;
		index_put(&cb->cat_ids, c->id, cb->ncats);
		if (dup >= 0) {
			char p2[80];

			snprintf(p2, sizeof p2, "%s.id", path);
			problem(ld, KERR_SCHEMA, p2, "duplicate category id \"%s\" (also categories[%ld]): "
				"ids must be unique", c->id, dup);
		}
		cb->ncats++;
	}
}

static void load_options(struct loader *ld, const cJSON *root)
{
	struct codebook *cb = ld->cb;
	const cJSON *w;
	char **l;
	size_t n;

	if (get_bool(ld, root, "nonsubstantive_defaults", "", 1)) {
		if (!(cb->nonsubstantive = dup_list(default_nonsubstantive, &cb->nnonsubstantive)))
			ld->first = KERR_NOMEM;
		cb->nnonsubstantive_core = cb->nnonsubstantive;
		l = dup_list(default_nonsubstantive_whole, &n);
		if (!l || concat_list(&cb->nonsubstantive, &cb->nnonsubstantive, l, n))
			ld->first = KERR_NOMEM;
	}
	cb->nnonsubstantive_default = cb->nnonsubstantive;
	l = get_strings(ld, root, "nonsubstantive", "", &n);
	if (l && concat_list(&cb->nonsubstantive, &cb->nnonsubstantive, l, n))
		ld->first = KERR_NOMEM;
	cb->negation_cues = get_strings(ld, root, "negation_cues", "", &cb->nnegation_cues);
	if (!cb->negation_cues && !cJSON_GetObjectItemCaseSensitive(root, "negation_cues")
	    && !(cb->negation_cues = dup_list(default_negation_cues, &cb->nnegation_cues)))
		ld->first = KERR_NOMEM;
	cb->negation_window = 3;
	w = cJSON_GetObjectItemCaseSensitive(root, "negation_window");
	if (w) {
		if (!cJSON_IsNumber(w) || w->valuedouble < 0 || w->valuedouble > 10
		    || w->valuedouble != floor(w->valuedouble))
			problem(ld, KERR_SCHEMA, "negation_window",
				"expected a whole number of words from 0 to 10");
		else
			cb->negation_window = w->valueint;
	}
}

/* "model": a file name beside the codebook (or an absolute path): the
 * learned word model (model.h) that rules_compile loads. */
static void load_model_path(struct loader *ld, const cJSON *root)
{
	struct codebook *cb = ld->cb;
	char *m = get_string(ld, root, "model", "", 0);
	const char *slash;
	struct buf p = BUF_INIT;

	if (!m)
		return;
	if (!*m) {
		problem(ld, KERR_SCHEMA, "model", "\"model\" is empty: expected the model's file name");
		free(m);
		return;
	}
	slash = strrchr(cb->path ? cb->path : "", '/');
	if (m[0] != '/' && slash)
		buf_add(&p, cb->path, (size_t)(slash - cb->path) + 1);
	if (buf_adds(&p, m) || !(cb->model = buf_detach(&p, NULL)))
		ld->first = KERR_NOMEM;
	buf_release(&p);
	free(m);
}

static void load_root(struct loader *ld, const cJSON *root)
{
	struct codebook *cb = ld->cb;
	const cJSON *v;
	size_t i;

	if (!cJSON_IsObject(root)) {
		problem(ld, KERR_SCHEMA, "", "expected a codebook object {\"id\": ..., \"categories\": [...]}, found %s",
			type_name(root));
		return;
	}
	check_keys(ld, root, "", root_keys);
	cb->id = get_string(ld, root, "id", "", 1);
	if (cb->id && !valid_id(cb->id))
		id_problem(ld, "id", cb->id);
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!v) {
		problem(ld, KERR_SCHEMA, "", "missing \"version\": expected a number or string such as 1 or \"2.1\"");
	} else if (cJSON_IsString(v) && *v->valuestring) {
		cb->version = dup_or_null(ld, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		char num[64];

		/* Compare before converting: a double outside long's range
		 * makes the cast undefined (found by fuzzing). */
		if (fabs(v->valuedouble) < 1e15 && v->valuedouble == floor(v->valuedouble))
			snprintf(num, sizeof num, "%.0f", v->valuedouble);
		else
			snprintf(num, sizeof num, "%g", v->valuedouble);
		cb->version = dup_or_null(ld, num);
	} else {
		problem(ld, KERR_SCHEMA, "version", "expected a number or string such as 1 or \"2.1\", found %s",
			type_name(v));
	}
	cb->title = get_string(ld, root, "title", "", 0);
	cb->language = get_string(ld, root, "language", "", 0);
	cb->source = get_string(ld, root, "source", "", 0);
	load_model_path(ld, root);
	if (!cb->title) cb->title = dup_or_null(ld, "");
	if (!cb->language) cb->language = dup_or_null(ld, "");
	if (!cb->source) cb->source = dup_or_null(ld, "");
	load_nets(ld, root);
	load_categories(ld, root);
	load_options(ld, root);

	/* members: count per net, then place, in one pass each over the
	 * categories (a pass per net was nets x categories) */
	for (i = 0; i < cb->ncats; i++)
		if (cb->cats[i].net_index >= 0 && (size_t)cb->cats[i].net_index < cb->nnets)
			cb->nets[cb->cats[i].net_index].nmembers++;
	for (i = 0; i < cb->nnets; i++) {
		cb->nets[i].members = calloc(cb->nets[i].nmembers + 1, sizeof *cb->nets[i].members);
		cb->nets[i].nmembers = 0;
		if (!cb->nets[i].members) {
			ld->first = KERR_NOMEM;
			return;
		}
	}
	for (i = 0; i < cb->ncats; i++)
		if (cb->cats[i].net_index >= 0 && (size_t)cb->cats[i].net_index < cb->nnets) {
			struct codebook_net *n = &cb->nets[cb->cats[i].net_index];

			n->members[n->nmembers++] = i;
		}
	cb->andet = codebook_find(cb, CODEBOOK_ANDET);
	cb->ingen_svar = codebook_find(cb, CODEBOOK_INGEN_SVAR);
	if (cb->ingen_svar < 0 && cb->cats) {
		struct codebook_category *c = &cb->cats[cb->ncats];

		memset(c, 0, sizeof *c);
		c->id = dup_or_null(ld, CODEBOOK_INGEN_SVAR);
		c->label = dup_or_null(ld, "Ingen svar");
		c->description = dup_or_null(ld, "Blankt eller ikke-substantielt svar (\"ved ikke\", \"-\", \"nej\").");
		c->net_index = -1;
		c->builtin = 1;
		index_put(&cb->cat_ids, cb->cats[cb->ncats].id, cb->ncats);
		cb->ingen_svar = (long)cb->ncats++;
	}
}

static int parse_text(const char *text, size_t len, const char *name,
		      struct codebook **out, struct kerr_list *errs, int lenient);

/*
 * Offset of the first byte that is a NUL or not valid UTF-8, or len.  cJSON
 * would end a string at a NUL (silently cutting a label) and pass a
 * Windows-1252 'ø' through into every report and workbook.
 */
static size_t bad_text_byte(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
			   (c & 0xF8) == 0xF0 ? 4 : 0;
		size_t k;

		if (c == 0 || n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4) ||
		    i + n > len)
			return i;
		for (k = 1; k < n; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
		if ((n == 3 && c == 0xE0 && p[i + 1] < 0xA0) ||   /* overlong */
		    (n == 3 && c == 0xED && p[i + 1] >= 0xA0) ||  /* surrogate */
		    (n == 4 && c == 0xF0 && p[i + 1] < 0x90) ||
		    (n == 4 && c == 0xF4 && p[i + 1] >= 0x90))
			return i;
		i += n;
	}
	return len;
}

static int parse(const char *text, size_t len, const char *name,
		 struct codebook **out, struct kerr_list *errs, int lenient)
{
	size_t bad = bad_text_byte((const unsigned char *)text, len);

	if (bad < len) {
		struct kerr e;
		long line, col;
		int nul = text[bad] == 0;

		*out = NULL;
		jsonin_linecol(text, bad, &line, &col);
		kerr_clear(&e);
		kerr_at(&e, name, line, col);
		kerr_set(&e, nul ? KERR_SYNTAX : KERR_ENCODING, nul
			 ? "a NUL byte: the file is damaged or not a text file"
			 : "this byte is not UTF-8: save the codebook as UTF-8 "
			   "(an editor or Excel may have saved it as Windows-1252)");
		if (errs)
			kerr_list_add(errs, &e);
		return nul ? KERR_SYNTAX : KERR_ENCODING;
	}
	return parse_text(text, len, name, out, errs, lenient);
}

/*
 * What cJSON would accept but change: "\u0000" in a string (it cuts the
 * string, so a pattern would lose its tail) before parsing (root NULL);
 * a key twice in one object (the second vanishes) after.  1 when refused,
 * with the problem in errs.
 */
static int json_refused(const char *text, size_t len, const char *name, const cJSON *root,
			struct kerr_list *errs)
{
	struct buf path = BUF_INIT;
	const char *key = NULL;
	size_t off = 0;
	struct kerr e;
	long line, col;

	kerr_clear(&e);
	if (!root && jsonin_nul_escape(text, len, &off)) {
		jsonin_linecol(text, off, &line, &col);
		kerr_at(&e, name, line, col);
		kerr_set(&e, KERR_SYNTAX, "\\u0000 (a NUL character) in a string would cut the "
			"text short here: remove it");
	} else if (root && jsonin_duplicate(root, &path, &key)) {
		jsonin_linecol(text, jsonin_locate(text, len, path.data ? path.data : ""), &line, &col);
		kerr_at(&e, name, line, col);
		if (path.len)
			kerr_path(&e, "%s", path.data);
		kerr_set(&e, KERR_SYNTAX, "the key \"%.80s\" appears twice in this object "
			"(only one would count): keep one", key);
	} else {
		buf_release(&path);
		return 0;
	}
	buf_release(&path);
	if (errs)
		kerr_list_add(errs, &e);
	return 1;
}

static int parse_text(const char *text, size_t len, const char *name,
		      struct codebook **out, struct kerr_list *errs, int lenient)
{
	struct loader ld = { name, text, len, errs, 0, NULL };
	const char *end = NULL;
	cJSON *root;

	*out = NULL;
	ld.cb = calloc(1, sizeof *ld.cb);
	if (!ld.cb)
		return KERR_NOMEM;
	ld.cb->andet = ld.cb->ingen_svar = -1;
	ld.cb->cat_ids = index_new();   /* NULL: found by a scan instead */
	ld.cb->net_ids = index_new();
	ld.cb->path = strdup(name ? name : "");
	ld.cb->src = malloc(len + 1);
	if (!ld.cb->path || !ld.cb->src) {
		codebook_free(ld.cb);
		return KERR_NOMEM;
	}
	memcpy(ld.cb->src, text, len);
	ld.cb->src[len] = 0;
	ld.cb->srclen = len;
	if (json_refused(text, len, name, NULL, errs)) {
		codebook_free(ld.cb);
		return KERR_SYNTAX;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root && json_refused(text, len, name, root, errs)) {
		cJSON_Delete(root);
		codebook_free(ld.cb);
		return KERR_SYNTAX;
	}
	if (!root || (end && jsonin_skip_ws(end, text + len) < text + len)) {
		struct kerr e;
		long line, col;
		size_t off = len;
		const char *hint;

		if (!root && !end)
			end = cJSON_GetErrorPtr();
		if (end && end >= text && end <= text + len)
			off = (size_t)(jsonin_skip_ws(end, text + len) - text);
		hint = root ? "text after the end of the codebook object: remove it"
			: jsonin_syntax_hint(text, len, &off);
		jsonin_linecol(text, off, &line, &col);
		kerr_clear(&e);
		kerr_at(&e, name, line, col);
		kerr_set(&e, KERR_SYNTAX, "%s", hint);
		if (errs)
			kerr_list_add(errs, &e);
		cJSON_Delete(root);
		codebook_free(ld.cb);
		return KERR_SYNTAX;
	}
	load_root(&ld, root);
	cJSON_Delete(root);
	if (ld.first) {
		if (ld.first == KERR_NOMEM && errs) {
			struct kerr e;

			kerr_clear(&e);
			kerr_at(&e, name, 0, 0);
			kerr_set(&e, KERR_NOMEM, "out of memory");
			kerr_list_add(errs, &e);
		}
		if (lenient && ld.first != KERR_NOMEM)
			*out = ld.cb;
		else
			codebook_free(ld.cb);
		return ld.first;
	}
	*out = ld.cb;
	return 0;
}

int codebook_parse(const char *text, size_t len, const char *name,
		   struct codebook **out, struct kerr_list *errs)
{
	return parse(text, len, name, out, errs, 0);
}

static int load(const char *path, struct codebook **out, struct kerr_list *errs, int lenient)
{
	struct buf text;
	struct kerr e;
	FILE *fp;
	char block[65536];
	size_t n;
	int rc = 0;

	*out = NULL;
	kerr_clear(&e);
	fp = infile_open(path, "the codebook", &e);
	if (!fp) {
		if (errs)
			kerr_list_add(errs, &e);
		return KERR_IO;
	}
	buf_init(&text, CODEBOOK_MAX_BYTES);
	while (!rc && (n = fread(block, 1, sizeof block, fp)) > 0)
		rc = buf_add(&text, block, n);
	if (!rc && ferror(fp))
		rc = kerr_errno(&e, errno ? errno : EIO, path, "cannot read the codebook");
	else if (rc == KERR_LIMIT)
		kerr_set(&e, rc, "the codebook is larger than %zu MB: is this really a codebook?",
			CODEBOOK_MAX_BYTES >> 20);
	else if (rc)
		kerr_set(&e, rc, "out of memory");
	fclose(fp);
	if (rc) {
		kerr_at(&e, path, 0, 0);
		if (errs)
			kerr_list_add(errs, &e);
		buf_release(&text);
		return rc;
	}
	rc = parse(text.data, text.len, path, out, errs, lenient);
	buf_release(&text);
	return rc;
}

int codebook_load(const char *path, struct codebook **out, struct kerr_list *errs)
{
	return load(path, out, errs, 0);
}

int codebook_load_lenient(const char *path, struct codebook **out, struct kerr_list *errs)
{
	return load(path, out, errs, 1);
}

static void free_list(char **l, size_t n)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void codebook_free(struct codebook *cb)
{
	size_t i;

	if (!cb)
		return;
	for (i = 0; i < cb->ncats; i++) {
		struct codebook_category *c = &cb->cats[i];

		free(c->id);
		free(c->label);
		free(c->description);
		free(c->net);
		free_list(c->include, c->ninclude);
		free_list(c->exclude, c->nexclude);
		free_list(c->examples, c->nexamples);
		free_list(c->counterexamples, c->ncounterexamples);
		free_list(c->replaces, c->nreplaces);
	}
	free(cb->cats);
	for (i = 0; i < cb->nnets; i++) {
		free(cb->nets[i].id);
		free(cb->nets[i].label);
		free(cb->nets[i].members);
	}
	free(cb->nets);
	index_free(cb->cat_ids);
	index_free(cb->net_ids);
	free_list(cb->nonsubstantive, cb->nnonsubstantive);
	free_list(cb->negation_cues, cb->nnegation_cues);
	free(cb->path);
	free(cb->id);
	free(cb->version);
	free(cb->title);
	free(cb->language);
	free(cb->source);
	free(cb->model);
	free(cb->src);
	free(cb);
}

int codebook_next_code(const char **p, char *id, size_t size)
{
	const char *s = *p, *q;
	size_t n;

	while (*s && strchr(";,| \t", *s))
		s++;
	for (q = s; *q && !strchr(";,| \t", *q); q++)
		;
	*p = q;
	if (q == s)
		return 0;
	n = (size_t)(q - s);
	if (n >= size)
		n = size - 1;
	memcpy(id, s, n);
	id[n] = '\0';
	return 1;
}

long codebook_find(const struct codebook *cb, const char *id)
{
	long k = index_get(cb->cat_ids, id);
	size_t i;

	if (k > -2)
		return k;
	for (i = 0; i < cb->ncats; i++)
		if (cb->cats[i].id && !strcmp(cb->cats[i].id, id))
			return (long)i;
	return -1;
}

size_t codebook_successors(const struct codebook *cb, const char *old_id, long *out,
	size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < cb->ncats; i++)
		for (j = 0; j < cb->cats[i].nreplaces; j++)
			if (!strcmp(cb->cats[i].replaces[j], old_id)) {
				if (n < max)
					out[n] = (long)i;
				n++;
				break;
			}
	return n;
}

long codebook_find_net(const struct codebook *cb, const char *id)
{
	long k = index_get(cb->net_ids, id);
	size_t i;

	if (k > -2)
		return k;
	for (i = 0; i < cb->nnets; i++)
		if (!strcmp(cb->nets[i].id, id))
			return (long)i;
	return -1;
}

int codebook_resolve(const char *name, struct buf *out, struct kerr *e)
{
	struct stat st;
	struct buf rel = BUF_INIT;
	size_t n = strlen(name);
	int rc;

	if (!stat(name, &st) || strchr(name, '/'))
		return buf_adds(out, name) ? kerr_set(e, KERR_NOMEM, "out of memory") : 0;
	rc = buf_addf(&rel, "codebooks/%.*s.json",
		(int)(n > 5 && !strcmp(name + n - 5, ".json") ? n - 5 : n), name);
	if (!rc)
		rc = datadir_find(rel.data, out);
	buf_release(&rel);
	if (rc == KERR_NOTFOUND) {
		kerr_clear(e);
		kerr_at(e, name, 0, 0);
		return kerr_set(e, KERR_NOTFOUND, "no such file, and no shipped codebook of that name "
			"(looked for %s); the shipped ones are sof-barrierer, sof-undtagelser, sygdom-aarsager",
			out->data);
	}
	return rc ? kerr_set(e, KERR_NOMEM, "out of memory") : 0;
}

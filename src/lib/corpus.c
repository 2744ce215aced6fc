/*
 * corpus.c - loading corpus.json descriptors and answering "which wave /
 * role / question is this?" (see corpus.h and docs/corpus-format.md).
 *
 * The loader checks the whole file and reports every problem with its JSON
 * path, because a descriptor is written by hand and fixing one mistake per
 * run is tedious.
 */
#include "corpus.h"
#include "buf.h"
#include "csv.h"
#include "datadir.h"
#include "error.h"
#include "jsonin.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DESCRIPTOR (1 << 20)

int corpus_set_str(char **slot, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return KERR_NOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

int corpus_init(struct corpus *c)
{
	memset(c, 0, sizeof(*c));
	return corpus_set_str(&c->dir, ".");
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void bywave_release(struct corpus_bywave *b)
{
	free_strv(b->wave, b->n);
	free_strv(b->column, b->n);
	memset(b, 0, sizeof(*b));
}

static void files_release(struct corpus *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		free(c->files[i].file);
		free(c->files[i].wave);
		free(c->files[i].role);
		free(c->files[i].sheet);
	}
	free(c->files);
	c->files = NULL;
	c->nfiles = 0;
}

void corpus_release(struct corpus *c)
{
	size_t i;

	free(c->dir);
	free(c->name);
	free(c->title);
	free(c->survey);
	files_release(c);
	free(c->id_col);
	free(c->wave_col);
	free(c->role_col);
	bywave_release(&c->role_by_wave);
	free_strv(c->by, c->nby);
	for (i = 0; i < c->nwaves; i++) {
		free(c->waves[i].name);
		free_strv(c->waves[i].values, c->waves[i].nvalues);
	}
	free(c->waves);
	for (i = 0; i < c->nroles; i++) {
		free(c->roles[i].name);
		free(c->roles[i].plural);
		free_strv(c->roles[i].values, c->roles[i].nvalues);
	}
	free(c->roles);
	for (i = 0; i < c->nquestions; i++)
		corpus_question_release(&c->questions[i]);
	free(c->questions);
	memset(c, 0, sizeof(*c));
}

int corpus_set_survey(struct corpus *c, const char *file)
{
	files_release(c);
	return corpus_set_str(&c->survey, file);
}

int corpus_set_role_col(struct corpus *c, const char *column)
{
	bywave_release(&c->role_by_wave);
	return corpus_set_str(&c->role_col, column);
}

int corpus_by_wave(const struct corpus *c)
{
	for (size_t i = 0; i < c->nquestions; i++)
		if (c->questions[i].by_wave.n)
			return 1;
	return 0;
}

int corpus_has_waves(const struct corpus *c)
{
	return c->wave_col || (c->nfiles && c->files[0].wave) || corpus_by_wave(c);
}

int corpus_has_roles(const struct corpus *c)
{
	return c->role_col || (c->nfiles && c->files[0].role);
}

void corpus_question_release(struct corpus_question *q)
{
	free(q->id);
	free(q->column);
	free(q->codebook);
	free(q->gold);
	bywave_release(&q->by_wave);
	memset(q, 0, sizeof(*q));
}

int corpus_add_question(struct corpus *c, const char *id, const char *column,
			const char *codebook)
{
	struct corpus_question *q = realloc(c->questions, (c->nquestions + 1) * sizeof(*q));

	if (!q)
		return KERR_NOMEM;
	c->questions = q;
	q += c->nquestions;
	memset(q, 0, sizeof(*q));
	c->nquestions++;
	if (corpus_set_str(&q->id, id) || corpus_set_str(&q->column, column)
	    || corpus_set_str(&q->codebook, codebook))
		return KERR_NOMEM;
	return 0;
}

/* The loader's state: where problems go and which file they are about. */
struct loader {
	struct kerr_list *errs;
	const char *file;
	int first;
	int survey_object;   /* "survey" was an object of wave -> file */
};

static void problem(struct loader *L, enum kerr_code code, const char *path, const char *fmt,
		    const char *arg)
{
	struct kerr e;

	kerr_clear(&e);
	kerr_set(&e, code, fmt, arg);
	kerr_at(&e, L->file, 0, 0);
	kerr_path(&e, "%s", path);
	if (L->errs)
		kerr_list_add(L->errs, &e);
	if (!L->first)
		L->first = code;
}

/*
 * Keys of `obj` not in `known` (comment keys "_..." and "comment" aside):
 * a misspelt key ("rolse") would otherwise be ignored and its part of the
 * descriptor lost without a word.
 */
static void check_keys(struct loader *L, const cJSON *obj, const char *where,
		       const char *const *known)
{
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		return;
	cJSON_ArrayForEach(it, obj) {
		struct buf path = BUF_INIT, msg = BUF_INIT;
		const char *near;
		size_t i;

		if (!it->string || it->string[0] == '_' || !strcmp(it->string, "comment"))
			continue;
		for (i = 0; known[i] && strcmp(known[i], it->string); i++)
			;
		if (known[i])
			continue;
		buf_addf(&path, "%s%s%.100s", where, *where ? "." : "", it->string);
		if ((near = jsonin_nearest(it->string, known))) {
			buf_addf(&msg, "unknown key \"%.100s\": did you mean \"%s\"?", it->string, near);
		} else {
			buf_addf(&msg, "unknown key \"%.100s\": expected one of ", it->string);
			for (i = 0; known[i]; i++)
				buf_addf(&msg, "%s%s", i ? ", " : "", known[i]);
			buf_adds(&msg, " (or a comment key starting with _)");
		}
		problem(L, KERR_SCHEMA, path.data ? path.data : "", "%s", msg.data ? msg.data : "");
		buf_release(&path);
		buf_release(&msg);
	}
}

/* A string member: required or optional; copied into *slot. */
static void get_str(struct loader *L, const cJSON *obj, const char *key, const char *where,
		    int required, char **slot)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char path[300];

	snprintf(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
	if (!v) {
		if (required)
			problem(L, KERR_SCHEMA, path, "missing \"%s\" (a string)", key);
		return;
	}
	if (!cJSON_IsString(v) || !*v->valuestring) {
		problem(L, KERR_SCHEMA, path, "\"%s\" must be a non-empty string", key);
		return;
	}
	if (corpus_set_str(slot, v->valuestring))
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
}

/* An optional array of strings. */
static void get_strv(struct loader *L, const cJSON *obj, const char *key, const char *where,
		     char ***out, size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	char path[300];

	snprintf(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
	if (!v)
		return;
	if (!cJSON_IsArray(v)) {
		problem(L, KERR_SCHEMA, path, "\"%s\" must be an array of strings", key);
		return;
	}
	*out = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
	if (!*out) {
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
		return;
	}
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it)) {
			problem(L, KERR_SCHEMA, path, "\"%s\" must hold only strings", key);
			continue;
		}
		if (corpus_set_str(&(*out)[*n], it->valuestring))
			problem(L, KERR_NOMEM, path, "out of memory%s", "");
		else
			(*n)++;
	}
}

/*
 * A column: a name, or an object of wave -> column for a wide panel export
 * ({"Nulpunkt": "Q5_1", "Midtvejs": "Q5_2"}); *slot gets the name, or the
 * first wave's column.
 */
static void get_col(struct loader *L, const cJSON *obj, const char *key, const char *where,
		    int required, char **slot, struct corpus_bywave *bw)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	char path[300], ipath[400];
	size_t n;

	if (!cJSON_IsObject(v)) {
		get_str(L, obj, key, where, required, slot);
		return;
	}
	snprintf(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
	n = (size_t)cJSON_GetArraySize(v);
	if (!n) {
		problem(L, KERR_SCHEMA, path, "\"%s\" is a column name, or an object naming "
			"each wave's column ({\"Nulpunkt\": \"Q5_1\", ...}); this one is empty", key);
		return;
	}
	if (!(bw->wave = calloc(n + 1, sizeof(*bw->wave)))
	    || !(bw->column = calloc(n + 1, sizeof(*bw->column)))) {
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
		return;
	}
	cJSON_ArrayForEach(it, v) {
		snprintf(ipath, sizeof(ipath), "%s.%s", path, it->string);
		if (!*it->string || !cJSON_IsString(it) || !*it->valuestring) {
			problem(L, KERR_SCHEMA, ipath, "each wave's column is a non-empty string, "
				"under the wave's name%s", "");
			continue;
		}
		if (corpus_set_str(&bw->wave[bw->n], it->string)
		    || corpus_set_str(&bw->column[bw->n], it->valuestring)) {
			problem(L, KERR_NOMEM, ipath, "out of memory%s", "");
			return;
		}
		bw->n++;
	}
	if (bw->n && corpus_set_str(slot, bw->column[0]))
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
}

/* Add a survey file; its strings are copied (wave, role may be NULL). */
static void add_file(struct loader *L, struct corpus *c, const char *path, const char *file,
		     const char *wave, const char *role, const char *sheet)
{
	struct corpus_file *f;

	if (c->nfiles == CORPUS_MAX_FILES) {
		problem(L, KERR_LIMIT, path, "a survey in more than %s files: join some of them",
			"255");
		return;
	}
	if (!(f = realloc(c->files, (c->nfiles + 1) * sizeof(*f)))) {
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
		return;
	}
	c->files = f;
	f += c->nfiles++;
	memset(f, 0, sizeof(*f));
	if (corpus_set_str(&f->file, file) || corpus_set_str(&f->wave, wave)
	    || corpus_set_str(&f->role, role) || corpus_set_str(&f->sheet, sheet)
	    || (c->nfiles == 1 && corpus_set_str(&c->survey, file)))
		problem(L, KERR_NOMEM, path, "out of memory%s", "");
}

/* A string member of a survey file's object, or NULL; a wrong one is
 * reported. */
static const char *file_member(struct loader *L, const cJSON *o, const char *key,
			       const char *path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char where[400];

	if (!v)
		return NULL;
	if (cJSON_IsString(v) && *v->valuestring)
		return v->valuestring;
	snprintf(where, sizeof(where), "%s.%s", path, key);
	problem(L, KERR_SCHEMA, where, "\"%s\" must be a non-empty string", key);
	return NULL;
}

/*
 * "survey": a file; an object naming each wave's file ({"Nulpunkt":
 * "w1.sav", ...}); or an array of files, each a name or {"file": ...,
 * "wave": ..., "role": ..., "sheet": ...} (a survey in a file per role, or
 * per wave and role; an .xlsx file's sheet).
 */
static void get_survey(struct loader *L, struct corpus *c, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "survey");
	static const char *const keys[] = { "file", "wave", "role", "sheet", NULL };
	const cJSON *it;
	char path[300];
	size_t i = 0;

	if (!v || cJSON_IsString(v)) {
		get_str(L, root, "survey", "", 1, &c->survey);
		return;
	}
	if (cJSON_IsObject(v)) {
		L->survey_object = 1;
		cJSON_ArrayForEach(it, v) {
			snprintf(path, sizeof(path), "survey.%s", it->string);
			if (!*it->string || !cJSON_IsString(it) || !*it->valuestring)
				problem(L, KERR_SCHEMA, path, "each wave's file is a non-empty "
					"string, under the wave's name%s", "");
			else
				add_file(L, c, path, it->valuestring, it->string, NULL, NULL);
		}
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v) {
			const char *file;

			snprintf(path, sizeof(path), "survey[%zu]", i++);
			if (cJSON_IsString(it) && *it->valuestring) {
				add_file(L, c, path, it->valuestring, NULL, NULL, NULL);
				continue;
			}
			if (!cJSON_IsObject(it)) {
				problem(L, KERR_SCHEMA, path, "each file is a name, or an object "
					"{\"file\": ..., \"wave\": ..., \"role\": ..., \"sheet\": ...}%s",
					"");
				continue;
			}
			check_keys(L, it, path, keys);
			if (!(file = file_member(L, it, "file", path))) {
				if (!cJSON_GetObjectItemCaseSensitive(it, "file"))
					problem(L, KERR_SCHEMA, path, "missing \"file\" (the file's "
						"name)%s", "");
				continue;
			}
			add_file(L, c, path, file, file_member(L, it, "wave", path),
				 file_member(L, it, "role", path), file_member(L, it, "sheet", path));
		}
	}
	if (!cJSON_GetArraySize(v) || !(cJSON_IsObject(v) || cJSON_IsArray(v)))
		problem(L, KERR_SCHEMA, "survey", "\"survey\" is a file name, an object naming "
			"each wave's file ({\"Nulpunkt\": \"nulpunkt.sav\", ...}), or an array "
			"of files%s", "");
}

/*
 * Walk the descriptor's array `key`: allocate *items with one `size` slot per
 * element and call `each` on every element with its slot and JSON path.
 * Returns the number of slots used (0 when the array is absent or wrong).
 */
static size_t load_list(struct loader *L, const cJSON *root, const char *key, int required,
			size_t size, void **items,
			void (*each)(struct loader *L, const cJSON *it, void *slot, const char *where))
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, key), *it;
	char where[64];
	size_t n = 0;

	if (!arr || !cJSON_IsArray(arr)) {
		if (arr || required)
			problem(L, KERR_SCHEMA, key, arr ? "\"%s\" must be an array"
				: "missing \"%s\" (an array)", key);
		return 0;
	}
	if (!(*items = calloc((size_t)cJSON_GetArraySize(arr) + 1, size))) {
		problem(L, KERR_NOMEM, key, "out of memory%s", "");
		return 0;
	}
	cJSON_ArrayForEach(it, arr) {
		snprintf(where, sizeof(where), "%s[%zu]", key, n);
		each(L, it, (char *)*items + n++ * size, where);
	}
	return n;
}

static void load_wave(struct loader *L, const cJSON *it, void *slot, const char *where)
{
	struct corpus_wave *w = slot;

	if (cJSON_IsString(it)) {
		if (corpus_set_str(&w->name, it->valuestring))
			problem(L, KERR_NOMEM, where, "out of memory%s", "");
	} else if (!cJSON_IsObject(it))
		problem(L, KERR_SCHEMA, where, "a wave is a name or {\"name\", \"values\"}%s", "");
	else {
		static const char *const keys[] = { "name", "values", NULL };

		check_keys(L, it, where, keys);
		get_str(L, it, "name", where, 1, &w->name);
		get_strv(L, it, "values", where, &w->values, &w->nvalues);
	}
}

static void load_role(struct loader *L, const cJSON *it, void *slot, const char *where)
{
	struct corpus_role *r = slot;

	if (!cJSON_IsObject(it)) {
		problem(L, KERR_SCHEMA, where, "a role is {\"name\", \"plural\", \"values\"}%s", "");
		return;
	}
	{
		static const char *const keys[] = { "name", "plural", "values", NULL };

		check_keys(L, it, where, keys);
	}
	get_str(L, it, "name", where, 1, &r->name);
	get_str(L, it, "plural", where, 0, &r->plural);
	get_strv(L, it, "values", where, &r->values, &r->nvalues);
	if (r->name && !r->plural && corpus_set_str(&r->plural, r->name))
		problem(L, KERR_NOMEM, where, "out of memory%s", "");
}

static void load_question(struct loader *L, const cJSON *it, void *slot, const char *where)
{
	struct corpus_question *q = slot;

	if (!cJSON_IsObject(it)) {
		problem(L, KERR_SCHEMA, where, "a question is {\"id\", \"column\", \"codebook\"}%s",
			"");
		return;
	}
	{
		static const char *const keys[] = { "id", "column", "codebook", "gold", NULL };

		check_keys(L, it, where, keys);
	}
	get_str(L, it, "id", where, 1, &q->id);
	get_col(L, it, "column", where, 1, &q->column, &q->by_wave);
	get_str(L, it, "codebook", where, 1, &q->codebook);
	get_str(L, it, "gold", where, 0, &q->gold);
}

/* The waves of a column given per wave must be the descriptor's waves (when
 * it lists them), and a wave column beside them would say the wave twice. */
static void check_bywave_waves(struct loader *L, const struct corpus *c,
			       const struct corpus_bywave *bw, const char *where)
{
	char path[300];
	size_t i;

	for (i = 0; i < bw->n && c->nwaves; i++) {
		if (corpus_wave_of(c, bw->wave[i]) >= 0)
			continue;
		snprintf(path, sizeof(path), "%s.%s", where, bw->wave[i]);
		problem(L, KERR_SCHEMA, path, "no wave \"%.100s\" in \"waves\": name each "
			"wave's column by a wave listed there", bw->wave[i]);
	}
}

/*
 * The files' waves and roles: listed in "waves" and "roles" (when they list
 * any); named for every file or for none; and then not in a column too.
 */
static void check_files(struct loader *L, const struct corpus *c)
{
	char path[300], msg[400];
	size_t i, n;

	for (int role = 0; role < 2; role++) {
		const char *what = role ? "role" : "wave", *col = role ? c->role_col : c->wave_col;

		for (i = n = 0; i < c->nfiles; i++) {
			const char *key = role ? c->files[i].role : c->files[i].wave;

			n += key != NULL;
			if (!key || !(role ? c->nroles : c->nwaves)
			    || (role ? corpus_role_of(c, key) : corpus_wave_of(c, key)) >= 0)
				continue;
			if (L->survey_object)
				snprintf(path, sizeof(path), "survey.%s", c->files[i].wave);
			else
				snprintf(path, sizeof(path), "survey[%zu]", i);
			snprintf(msg, sizeof(msg), "no %s \"%.100s\" in \"%ss\": name each file's %s "
				 "by a %s listed there%s", what, key, what, what, what,
				 role ? " (or one of its values)" : "");
			problem(L, KERR_SCHEMA, path, "%s", msg);
		}
		if (n && n < c->nfiles) {
			snprintf(msg, sizeof(msg), "some files name their %s and some do not: name "
				 "every file's %s, or none (the %s then comes from the %s column)",
				 what, what, what, what);
			problem(L, KERR_SCHEMA, "survey", "%s", msg);
		}
		if (n && col) {
			snprintf(path, sizeof(path), "columns.%s", what);
			snprintf(msg, sizeof(msg), "the survey's files name their %s, so every row's "
				 "%s is its file's; a %s column as well would say it twice: remove "
				 "\"%s\" from \"columns\", or the files' %ss", what, what, what, what,
				 what);
			problem(L, KERR_SCHEMA, path, "%s", msg);
		}
	}
}

static void check_by_wave(struct loader *L, const struct corpus *c)
{
	char where[64];
	size_t i;
	int wide = 0;

	check_bywave_waves(L, c, &c->role_by_wave, "columns.role");
	for (i = 0; i < c->nquestions; i++) {
		snprintf(where, sizeof(where), "questions[%zu].column", i);
		check_bywave_waves(L, c, &c->questions[i].by_wave, where);
		wide |= c->questions[i].by_wave.n > 0;
	}
	for (i = 0; i < c->nquestions && wide; i++) {
		if (c->questions[i].by_wave.n || !c->questions[i].column)
			continue;
		snprintf(where, sizeof(where), "questions[%zu].column", i);
		problem(L, KERR_SCHEMA, where, "the other questions name their column per wave "
			"(a wide panel export); name this one's per wave too, e.g. "
			"{\"Nulpunkt\": \"%.100s\"}", c->questions[i].column);
	}
	if (c->role_by_wave.n && !wide && !(c->nfiles && c->files[0].wave))
		problem(L, KERR_SCHEMA, "columns.role", "a role column per wave goes with "
			"the questions' columns per wave (a wide panel export) or a file per "
			"wave; here each question has one column: name one role column%s", "");
	if (wide && c->wave_col)
		problem(L, KERR_SCHEMA, "columns.wave", "the columns named per wave say "
			"which wave an answer is from; a wave column as well would say it "
			"twice: remove \"wave\" from \"columns\", or name one column per "
			"question%s", "");
}

static void load_root(struct loader *L, struct corpus *c, const cJSON *root)
{
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(root, "columns");
	void *items = NULL;

	if (!cJSON_IsObject(root)) {
		problem(L, KERR_SCHEMA, "", "the descriptor must be a JSON object%s", "");
		return;
	}
	{
		static const char *const keys[] = {
			"name", "title", "survey", "columns", "waves", "roles", "questions", NULL
		};
		static const char *const colkeys[] = { "id", "wave", "role", "by", NULL };

		check_keys(L, root, "", keys);
		check_keys(L, cols, "columns", colkeys);
	}
	get_str(L, root, "name", "", 0, &c->name);
	get_str(L, root, "title", "", 0, &c->title);
	get_survey(L, c, root);
	if (!cJSON_IsObject(cols))
		problem(L, KERR_SCHEMA, "columns", "missing \"columns\" (an object with "
			"\"id\", \"wave\", \"role\", \"by\")%s", "");
	else {
		get_str(L, cols, "id", "columns", 1, &c->id_col);
		get_str(L, cols, "wave", "columns", 0, &c->wave_col);
		get_col(L, cols, "role", "columns", 0, &c->role_col, &c->role_by_wave);
		get_strv(L, cols, "by", "columns", &c->by, &c->nby);
	}
	c->nwaves = load_list(L, root, "waves", 0, sizeof(*c->waves), &items, load_wave);
	c->waves = items;
	items = NULL;
	c->nroles = load_list(L, root, "roles", 0, sizeof(*c->roles), &items, load_role);
	c->roles = items;
	items = NULL;
	c->nquestions = load_list(L, root, "questions", 1, sizeof(*c->questions), &items,
				  load_question);
	c->questions = items;
	check_by_wave(L, c);
	check_files(L, c);
}

/* A role group or a wave as check_groups sees it. */
struct group_view {
	const char *name;
	char **values;
	size_t nvalues;
};

static int group_has(const struct group_view *g, const char *v)
{
	size_t k;

	if (g->name && csv_name_equal(g->name, v))
		return 1;
	for (k = 0; k < g->nvalues; k++)
		if (csv_name_equal(g->values[k], v))
			return 1;
	return 0;
}

/* `kind` is "role" or "wave", its JSON key kind + "s". */
static void check_group_list(struct loader *L, const char *kind, const struct group_view *g,
			     size_t n)
{
	size_t i, j, k;
	char path[64], msg[400];

	for (i = 0; i < n; i++)
		for (k = 0; k <= g[i].nvalues; k++) {
			const char *v = k ? g[i].values[k - 1] : g[i].name;

			for (j = 0; v && j < i && !group_has(&g[j], v); j++)
				;
			if (!v || j == i)
				continue;
			if (k)
				snprintf(path, sizeof path, "%ss[%zu].values[%zu]", kind, i, k - 1);
			else
				snprintf(path, sizeof path, "%ss[%zu].name", kind, i);
			snprintf(msg, sizeof msg, "the value \"%.100s\" is already in the %s "
				"\"%.100s\" (%ss[%zu]); a value can count in one %s only", v, kind,
				g[j].name ? g[j].name : "", kind, j, kind);
			problem(L, KERR_SCHEMA, path, "%s", msg);
		}
}

/*
 * A value listed under two role groups (or two waves) would count in the
 * first only, and the second would lose those rows without a word.
 */
static void check_groups(struct loader *L, const struct corpus *c)
{
	size_t n = c->nroles > c->nwaves ? c->nroles : c->nwaves, i;
	struct group_view *g = n ? calloc(n, sizeof *g) : NULL;

	if (n && !g) {
		problem(L, KERR_NOMEM, "", "out of memory%s", "");
		return;
	}
	for (i = 0; i < c->nroles; i++)
		g[i] = (struct group_view){ c->roles[i].name, c->roles[i].values, c->roles[i].nvalues };
	check_group_list(L, "role", g, c->nroles);
	for (i = 0; i < c->nwaves; i++)
		g[i] = (struct group_view){ c->waves[i].name, c->waves[i].values, c->waves[i].nvalues };
	check_group_list(L, "wave", g, c->nwaves);
	free(g);
}

/* Read the whole descriptor (capped) into `text`. */
static int read_file(const char *path, struct buf *text, struct kerr *e)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!fp)
		return kerr_errno(e, errno, path, "cannot open the corpus descriptor");
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(text, chunk, n)) {
			fclose(fp);
			kerr_set(e, KERR_LIMIT, "the descriptor is larger than %d bytes",
				 MAX_DESCRIPTOR);
			kerr_at(e, path, 0, 0);
			return KERR_LIMIT;
		}
	if (ferror(fp)) {
		int err = errno;

		fclose(fp);
		return kerr_errno(e, err, path, "cannot read the corpus descriptor");
	}
	fclose(fp);
	return 0;
}

/* 1-based line and column of byte `off` in `s`. */
static void line_col(const char *s, size_t off, long *line, long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

int corpus_load(struct corpus *c, const char *path, struct kerr_list *errs)
{
	struct buf file = BUF_INIT, text;
	struct kerr e;
	struct loader L = { errs, NULL, 0, 0 };
	struct stat st;
	cJSON *root;
	const char *end = NULL;
	char *slash;
	int rc;

	kerr_clear(&e);
	if ((rc = corpus_init(c)))
		return rc;
	buf_adds(&file, path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		buf_addf(&file, "%s%s", file.len && file.data[file.len - 1] == '/' ? "" : "/",
			 "corpus.json");
	L.file = file.data;
	buf_init(&text, MAX_DESCRIPTOR);
	rc = read_file(file.data, &text, &e);
	if (rc) {
		if (errs)
			kerr_list_add(errs, &e);
		goto out;
	}
	{
		/* what cJSON would take but change: "\u0000" cuts a string,
		 * and of a key given twice only one counts */
		size_t off;
		long line, col;

		if (jsonin_nul_escape(text.data, text.len, &off)) {
			line_col(text.data, off, &line, &col);
			kerr_set(&e, KERR_SYNTAX, "\\u0000 (a NUL character) in a string would cut "
				"the text short here: remove it");
			kerr_at(&e, file.data, line, col);
			if (errs)
				kerr_list_add(errs, &e);
			rc = KERR_SYNTAX;
			goto out;
		}
	}
	root = cJSON_ParseWithOpts(text.data, &end, 1);
	if (root) {
		struct buf path = BUF_INIT;
		const char *key = NULL;

		if (jsonin_duplicate(root, &path, &key)) {
			long line, col;

			jsonin_linecol(text.data, jsonin_locate(text.data, text.len,
				path.data ? path.data : ""), &line, &col);
			kerr_set(&e, KERR_SYNTAX, "the key \"%.80s\" appears twice in this object "
				"(only one would count): keep one", key);
			kerr_at(&e, file.data, line, col);
			if (path.len)
				kerr_path(&e, "%s", path.data);
			if (errs)
				kerr_list_add(errs, &e);
			buf_release(&path);
			cJSON_Delete(root);
			rc = KERR_SYNTAX;
			goto out;
		}
		buf_release(&path);
	}
	if (!root) {
		long line, col;

		size_t off = end ? (size_t)(end - text.data) : 0;
		const char *hint = jsonin_syntax_hint(text.data, text.len, &off);

		line_col(text.data, off, &line, &col);
		kerr_set(&e, KERR_SYNTAX, "%s", hint);
		kerr_at(&e, file.data, line, col);
		if (errs)
			kerr_list_add(errs, &e);
		rc = KERR_SYNTAX;
		goto out;
	}
	load_root(&L, c, root);
	cJSON_Delete(root);
	if (!L.first)
		check_groups(&L, c);
	rc = L.first;
	slash = strrchr(file.data, '/');
	if (!rc && slash) {
		*slash = '\0';
		if (corpus_set_str(&c->dir, *file.data ? file.data : "/"))
			rc = KERR_NOMEM;
	}
out:
	if (rc)
		corpus_release(c);
	buf_release(&text);
	buf_release(&file);
	return rc;
}

int corpus_resolve(const struct corpus *c, const char *rel, struct buf *out)
{
	size_t mark = out->len;

	if (rel[0] == '/' || !c->dir || !strcmp(c->dir, "."))
		buf_adds(out, rel);
	else
		buf_addf(out, "%s/%s", c->dir, rel);
	if (rel[0] == '/' || access(out->data + mark, F_OK) == 0)
		return 0;
	{
		size_t local = out->len;

		if (datadir_find(rel, out) == 0) {
			memmove(out->data + mark, out->data + local, out->len - local + 1);
			out->len -= local - mark;
			return 0;
		}
		buf_truncate(out, local);
	}
	return KERR_NOTFOUND;
}

/* Index of the entry whose name or one of whose values equals `value`. */
#define FIND_ENTRY(arr, n, value)                                              \
	do {                                                                   \
		for (size_t i_ = 0; i_ < (n); i_++) {                          \
			if ((arr)[i_].name                                     \
			    && csv_name_equal((arr)[i_].name, (value)))        \
				return (long)i_;                               \
			for (size_t j_ = 0; j_ < (arr)[i_].nvalues; j_++)      \
				if (csv_name_equal((arr)[i_].values[j_], (value))) \
					return (long)i_;                       \
		}                                                              \
		return -1;                                                     \
	} while (0)

long corpus_wave_of(const struct corpus *c, const char *value)
{
	FIND_ENTRY(c->waves, c->nwaves, value);
}

long corpus_role_of(const struct corpus *c, const char *value)
{
	FIND_ENTRY(c->roles, c->nroles, value);
}

const struct corpus_question *corpus_question_find(const struct corpus *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nquestions; i++)
		if ((c->questions[i].id && !strcmp(c->questions[i].id, key))
		    || (c->questions[i].column && csv_name_equal(c->questions[i].column, key)))
			return &c->questions[i];
	return NULL;
}

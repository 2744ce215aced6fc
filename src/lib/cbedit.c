/*
 * cbedit.c - the next version of a codebook with one more category (see
 * cbedit.h).  The old file's JSON is edited as a tree (cJSON), so every key
 * the analyst wrote, comments included, is carried over as it was.
 */
#include "cbedit.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "outfile.h"
#include "rules.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

int cbedit_next_version(const char *v, struct buf *out)
{
	size_t n = strlen(v), end = n, start;
	unsigned long long x;

	while (end > 0 && !isdigit((unsigned char)v[end - 1]))
		end--;
	if (end == 0)
		return buf_addf(out, "%s.2", v);
	start = end;
	while (start > 0 && isdigit((unsigned char)v[start - 1]))
		start--;
	x = strtoull(v + start, NULL, 10);
	return buf_addf(out, "%.*s%llu%s", (int)start, v, x + 1, v + end);
}

static int id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)id[i]) || isdigit((unsigned char)id[i])
		      || id[i] == '_' || id[i] == '-'))
			return 0;
	return 1;
}

/* The new file's text, checked: it loads and its patterns compile. */
static int build(const struct codebook *cb, const struct cbedit_category *add,
	const char *version, const char *file, char **text, struct kerr *e)
{
	cJSON *root = cJSON_ParseWithLength(cb->src, cb->srclen), *cats, *cat, *item, *ver;
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *next = NULL;
	struct rules *r = NULL;
	int pos = 0, at = -1, rc = 0, numeric;

	if (!root || !(cats = cJSON_GetObjectItemCaseSensitive(root, "categories"))
	    || !cJSON_IsArray(cats)) {
		cJSON_Delete(root);
		return kerr_set(e, KERR_SCHEMA, "%s: cannot read the codebook again", cb->path);
	}
	cJSON_ArrayForEach(item, cats) {
		const char *cid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "id"));

		if (cid && at < 0 && (!strcmp(cid, CODEBOOK_ANDET) || !strcmp(cid, CODEBOOK_INGEN_SVAR)))
			at = pos;
		pos++;
	}
	cat = cJSON_CreateObject();
	cJSON_AddStringToObject(cat, "id", add->id);
	cJSON_AddStringToObject(cat, "label", add->label);
	if (add->description && *add->description)
		cJSON_AddStringToObject(cat, "description", add->description);
	item = cJSON_AddArrayToObject(cat, "include");
	cJSON_AddItemToArray(item, cJSON_CreateString(add->pattern));
	if (cb->andet >= 0) {
		item = cJSON_AddArrayToObject(cat, "replaces");
		cJSON_AddItemToArray(item, cJSON_CreateString(CODEBOOK_ANDET));
	}
	/* Rebuilt rather than cJSON_InsertItemInArray, which cJSON 1.7.15
	 * refuses on parsed arrays. */
	{
		cJSON *na = cJSON_CreateArray(), *x;
		int i = 0;

		while ((x = cJSON_DetachItemFromArray(cats, 0)) != NULL) {
			if (i++ == at)
				cJSON_AddItemToArray(na, cat);
			cJSON_AddItemToArray(na, x);
		}
		if (at < 0 || at >= i)
			cJSON_AddItemToArray(na, cat);
		cJSON_ReplaceItemInObjectCaseSensitive(root, "categories", na);
	}
	/* The model stays where it is: the new file names it absolutely. */
	if (cb->model) {
		char *abs = realpath(cb->model, NULL);

		cJSON_ReplaceItemInObjectCaseSensitive(root, "model",
			cJSON_CreateString(abs ? abs : cb->model));
		free(abs);
	}
	ver = cJSON_GetObjectItemCaseSensitive(root, "version");
	numeric = cJSON_IsNumber(ver) && strspn(version, "0123456789") == strlen(version);
	cJSON_ReplaceItemInObjectCaseSensitive(root, "version", numeric
		? cJSON_CreateNumber(strtod(version, NULL)) : cJSON_CreateString(version));
	*text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!*text)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	if ((rc = codebook_parse(*text, strlen(*text), file, &next, &errs))
	    || (rc = rules_compile(next, &r, &errs))) {
		if (errs.n && e)
			*e = errs.items[0];
		else
			kerr_set(e, rc, "the new category does not fit the codebook");
		free(*text);
		*text = NULL;
	}
	rules_free(r);
	codebook_free(next);
	kerr_list_release(&errs);
	return rc;
}

int cbedit_add_category(const struct codebook *cb, const struct cbedit_category *add,
	const char *dir, struct buf *path, struct buf *version, struct kerr *e)
{
	struct buf ver = BUF_INIT, file = BUF_INIT;
	struct outfile o;
	struct stat st;
	char *text = NULL;
	size_t len;
	int rc;

	memset(&o, 0, sizeof o);
	if (!add->id || !id_ok(add->id))
		return kerr_set(e, KERR_SCHEMA, "a category id is a-z, 0-9, '_' or '-' (write æ "
			"as ae, ø as oe, å as aa), not '%.64s'", add->id ? add->id : "");
	if (codebook_find(cb, add->id) >= 0)
		return kerr_set(e, KERR_SCHEMA, "the codebook already has a category '%s'", add->id);
	if (!add->label || !*add->label)
		return kerr_set(e, KERR_SCHEMA, "the new category needs a label");
	if (!add->pattern || !*add->pattern)
		return kerr_set(e, KERR_SCHEMA, "the new category needs a word or pattern that "
			"marks it (e.g. *kørsel*)");
	if (cbedit_next_version(cb->version ? cb->version : "1", &ver)
	    || buf_addf(&file, "%s/%s-v%s.json", dir, cb->id, ver.data)) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	if (stat(file.data, &st) == 0) {
		rc = kerr_set(e, KERR_INVALID, "%s exists already: version %s of %s was made "
			"before; move the project to it or remove the file", file.data, ver.data,
			cb->id);
		goto out;
	}
	if ((rc = build(cb, add, ver.data, file.data, &text, e)))
		goto out;
	if ((rc = outfile_open(&o, file.data, e)))
		goto out;
	len = strlen(text);
	if (fwrite(text, 1, len, o.fp) != len || fputc('\n', o.fp) == EOF) {
		outfile_abort(&o);
		rc = kerr_errno(e, errno, file.data, "cannot write");
		goto out;
	}
	if ((rc = outfile_commit(&o, e)))
		goto out;
	if (buf_adds(path, file.data) || buf_adds(version, ver.data))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
out:
	free(text);
	buf_release(&ver);
	buf_release(&file);
	return rc;
}

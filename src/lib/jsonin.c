/*
 * jsonin.c - JSON input files, the checks cJSON does not make (see
 * jsonin.h): locating a JSON path in the source text, "\u0000" in strings,
 * duplicate keys and near-miss key names.
 */
#include "jsonin.h"
#include "distance.h"
#include "buf.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

const char *jsonin_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

const char *jsonin_syntax_hint(const char *text, size_t len, size_t *off)
{
	size_t at = *off, i;

	for (int back = 0; back < 2 && at >= (size_t)back; back++) {
		char c;

		if (at - back >= len)
			continue;
		c = text[at - back];

		if (c != '}' && c != ']')
			continue;
		for (i = at - back; i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'
					       || text[i - 1] == '\n' || text[i - 1] == '\r'); i--)
			;
		if (i > 0 && text[i - 1] == ',') {
			*off = at - back;
			return c == '}' ? "not valid JSON here: a comma too many before this }: "
				"remove the comma after the last entry"
				: "not valid JSON here: a comma too many before this ]: remove the "
				"comma after the last item";
		}
	}
	return "not valid JSON here: check for a missing comma, quote, colon or bracket just "
	       "before this point";
}

static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p < end ? p + 1 : end;
}

/* Past one JSON value of any kind (the text is known to parse). */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		if (*p == '"') {
			p = skip_string(p, end);
			if (depth == 0)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
		} else if (depth == 0 && (*p == ',' || *p == ' ' || *p == '\n'
				|| *p == '\r' || *p == '\t')) {
			return p;
		}
		p++;
	}
	return p;
}

size_t jsonin_locate(const char *src, size_t len, const char *path)
{
	const char *end = src + len, *p = jsonin_skip_ws(src, end);

	while (*path) {
		if (*path == '.') {
			path++;
			continue;
		}
		if (*path == '[') {
			long n = strtol(path + 1, (char **)&path, 10), i;

			if (*path == ']')
				path++;
			if (p >= end || *p != '[')
				break;
			{
				const char *q = jsonin_skip_ws(p + 1, end);

				for (i = 0; i < n && q < end; i++) {
					q = jsonin_skip_ws(skip_value(q, end), end);
					if (q >= end || *q != ',')
						break;
					q = jsonin_skip_ws(q + 1, end);
				}
				if (i < n)
					break;
				p = q;
			}
			continue;
		}
		{
			size_t klen = strcspn(path, ".[");
			const char *q;
			int found = 0;

			if (p >= end || *p != '{')
				break;
			q = jsonin_skip_ws(p + 1, end);
			while (q < end && *q == '"') {
				const char *ks = q + 1, *ke = skip_string(q, end) - 1;

				q = jsonin_skip_ws(ke + 1, end);
				if (q < end && *q == ':')
					q = jsonin_skip_ws(q + 1, end);
				if ((size_t)(ke - ks) == klen && !memcmp(ks, path, klen)) {
					found = 1;
					break;
				}
				q = jsonin_skip_ws(skip_value(q, end), end);
				if (q < end && *q == ',')
					q = jsonin_skip_ws(q + 1, end);
			}
			if (!found)
				break;
			p = q;
			path += klen;
		}
	}
	return (size_t)(p - src);
}

void jsonin_linecol(const char *src, size_t off, long *line, long *col)
{
	size_t i;
	long l = 1, c = 1;

	for (i = 0; i < off; i++) {
		if (src[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int jsonin_nul_escape(const char *text, size_t len, size_t *off)
{
	size_t i;
	int in = 0;

	for (i = 0; i < len; i++) {
		if (text[i] == '"') {
			in = !in;
		} else if (in && text[i] == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 5 < len && !memcmp(text + i + 2, "0000", 4)) {
				*off = i;
				return 1;
			}
			i++;   /* the escaped character, whatever it is */
		}
	}
	return 0;
}

int jsonin_duplicate(const cJSON *node, struct buf *path, const char **key)
{
	const cJSON *a, *b;
	size_t mark = path->len, i = 0;

	if (cJSON_IsObject(node)) {
		/* objects are small (a category's dozen keys): pairs are cheap */
		for (a = node->child; a; a = a->next)
			for (b = a->next; b && a->string; b = b->next)
				if (b->string && !strcmp(a->string, b->string)) {
					*key = a->string;
					return 1;
				}
		for (a = node->child; a; a = a->next) {
			buf_addf(path, "%s%s", path->len ? "." : "", a->string ? a->string : "");
			if (jsonin_duplicate(a, path, key))
				return 1;
			buf_truncate(path, mark);
		}
	} else if (cJSON_IsArray(node)) {
		for (a = node->child; a; a = a->next, i++) {
			buf_addf(path, "[%zu]", i);
			if (jsonin_duplicate(a, path, key))
				return 1;
			buf_truncate(path, mark);
		}
	}
	return 0;
}

const char *jsonin_nearest(const char *key, const char *const *known)
{
	const char *pick = NULL;
	size_t best = (size_t)-1, limit = strlen(key) > 5 ? 2 : 1;

	for (; *known; known++) {
		size_t kl = strlen(*known), n = strlen(key);
		size_t d = distance_edit(key, n, *known, kl);

		/* "surveyfile" for "survey": one holds the other whole */
		if (kl >= 4 && n >= 4 && (!strncmp(key, *known, kl < n ? kl : n)))
			d = d < limit ? d : limit;

		if (d < best) {
			best = d;
			pick = *known;
		}
	}
	return best <= limit ? pick : NULL;
}

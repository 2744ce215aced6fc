/* error.c - error records, their text, and the code-to-exit-status mapping. */
#include "error.h"
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[KERR__COUNT] = {
	[KERR_OK] = "success",
	[KERR_NOMEM] = "out of memory",
	[KERR_IO] = "input/output error",
	[KERR_ENCODING] = "encoding error",
	[KERR_SYNTAX] = "syntax error",
	[KERR_SCHEMA] = "invalid content",
	[KERR_PATTERN] = "bad pattern",
	[KERR_LIMIT] = "limit reached",
	[KERR_NOTFOUND] = "not found",
	[KERR_STORE] = "store error",
	[KERR_CHECK] = "check failed",
	[KERR_INVALID] = "invalid argument",
	[KERR_USAGE] = "usage error",
	[KERR_INTERRUPTED] = "interrupted",
	[KERR_WRITE] = "output not written",
};

void kerr_clear(struct kerr *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

int kerr_set(struct kerr *e, enum kerr_code code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return (int)code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return (int)code;
}

int kerr_errno(struct kerr *e, int err, const char *file, const char *what)
{
	if (!e)
		return KERR_IO;
	kerr_set(e, KERR_IO, "%s: %s", what, strerror(err));
	e->sys_errno = err;
	if (file)
		snprintf(e->file, sizeof(e->file), "%s", file);
	return KERR_IO;
}

int kerr_write_errno(struct kerr *e, int err, const char *file, const char *what)
{
	kerr_errno(e, err, file, what);
	if (e)
		e->code = KERR_WRITE;
	return KERR_WRITE;
}

void kerr_at(struct kerr *e, const char *file, long line, long col)
{
	if (!e)
		return;
	if (file)
		snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	e->col = col;
}

void kerr_path(struct kerr *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->path, sizeof(e->path), fmt, ap);
	va_end(ap);
}

const char *kerr_name(enum kerr_code code)
{
	if ((int)code < 0 || code >= KERR__COUNT || !names[code])
		return "unknown error";
	return names[code];
}

int kerr_format(const struct kerr *e, struct buf *out)
{
	int rc = 0;

	if (e->file[0]) {
		rc |= buf_adds(out, e->file);
		if (e->line > 0) {
			rc |= buf_addf(out, ":%ld", e->line);
			if (e->col > 0)
				rc |= buf_addf(out, ":%ld", e->col);
		}
		rc |= buf_adds(out, ": ");
	} else if (e->line > 0) {
		rc |= buf_addf(out, "line %ld", e->line);
		if (e->col > 0)
			rc |= buf_addf(out, ", column %ld", e->col);
		rc |= buf_adds(out, ": ");
	}
	if (e->path[0])
		rc |= buf_addf(out, "%s: ", e->path);
	rc |= buf_adds(out, e->msg[0] ? e->msg : kerr_name(e->code));
	return rc ? KERR_NOMEM : 0;
}

int kerr_list_add(struct kerr_list *l, const struct kerr *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct kerr *p = realloc(l->items, cap * sizeof(*p));

		if (!p)
			return KERR_NOMEM;
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n++] = *e;
	return 0;
}

void kerr_list_release(struct kerr_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

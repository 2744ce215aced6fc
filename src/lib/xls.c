/*
 * xls.c - an Excel 97-2003 sheet through FreeXL in a child process (see
 * xls.h for why).
 *
 * The child's message is a run of records, each a tag byte, a 4-byte
 * little-endian length and that many bytes:
 *   'L' names     the workbook's sheets' names, each ending in a NUL
 *   'S' name      the sheet read
 *   'R' cells     a row: each cell a type byte ('s' text, 'n' number) and
 *                 a 4-byte length, then its UTF-8 text or 8 bytes of double
 *   'E' code msg  an error instead: a kerr code byte and the message
 *   'D'           the end
 * The parent keeps the 'R' records as they came (s->rows) and reads them
 * with xls_row.
 */
#include "xls.h"
#include "csv.h"
#include "error.h"
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void put_u32(unsigned char *p, size_t n)
{
	p[0] = (unsigned char)n, p[1] = (unsigned char)(n >> 8);
	p[2] = (unsigned char)(n >> 16), p[3] = (unsigned char)(n >> 24);
}

static uint32_t get_u32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* A record header: tag and length (the length patched later for rows). */
static int put_head(struct buf *b, char tag, size_t n)
{
	unsigned char h[5] = { (unsigned char)tag };

	put_u32(h + 1, n);
	return buf_add(b, (const char *)h, 5);
}

/* A cell is laid out as a record is: its type byte, length, bytes. */
static int put_cell(struct buf *b, char type, const void *p, size_t n)
{
	return put_head(b, type, n) || buf_add(b, p, n);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The child ends here, and only the child: no process but the one xls_read
 * forked ever ends in the library (tests/checks/lib-boundary.sh allows
 * this one line by its marker). */
_Noreturn static void child_end(int status)
{
	_exit(status);   /* lib-boundary: the forked child's own end */
}

/* In the child: an 'E' record for `code` and the message, sent; exits. */
_Noreturn static void child_fail(int fd, struct buf *out, int code, const struct buf *msg)
{
	buf_reset(out);
	if (put_head(out, 'E', msg->len + 1) || buf_addch(out, (char)code)
	    || buf_add(out, msg->data, msg->len))
		child_end(1);
	child_end(write_all(fd, out->data, out->len) ? 1 : 0);
}

/* One row of the active sheet as an 'R' record; a FreeXL code. */
static int put_row(const void *h, unsigned r, unsigned short cols, struct buf *out)
{
	size_t at = out->len;
	unsigned short c;
	int rc;

	if (put_head(out, 'R', 0))
		return FREEXL_INSUFFICIENT_MEMORY;
	for (c = 0; c < cols; c++) {
		FreeXL_CellValue v;
		double d;
		const char *txt = "";

		if ((rc = freexl_get_cell_value(h, r, c, &v)) != FREEXL_OK)
			return rc;
		if (v.type == FREEXL_CELL_INT || v.type == FREEXL_CELL_DOUBLE) {
			d = v.type == FREEXL_CELL_INT ? v.value.int_value : v.value.double_value;
			rc = put_cell(out, 'n', &d, sizeof(d));
		} else {
			if (v.type != FREEXL_CELL_NULL && v.value.text_value)
				txt = v.value.text_value;   /* text, and dates as text */
			rc = put_cell(out, 's', txt, strlen(txt));
		}
		if (rc)
			return FREEXL_INSUFFICIENT_MEMORY;
	}
	put_u32((unsigned char *)out->data + at + 1, out->len - at - 5);
	return FREEXL_OK;
}

/* The child: parse the sheet and send it down fd; never returns. */
_Noreturn static void child(int fd, const char *path, const char *want)
{
	const void *h = NULL;
	struct buf out = BUF_INIT, names = BUF_INIT, list = BUF_INIT, msg = BUF_INIT;
	unsigned count = 0, pw = 0, rows = 0, i, r;
	unsigned short cols = 0;
	const char *sheet = NULL;
	int rc, found = -1;

	if ((rc = freexl_open(path, &h)) != FREEXL_OK)
		goto fail;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK && pw == FREEXL_BIFF_OBFUSCATED) {
		buf_adds(&msg, "the workbook is protected by a password; save it without one (or "
			 "as CSV) and give koder that file");
		child_fail(fd, &out, KERR_SYNTAX, &msg);
	}
	if ((rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count)) != FREEXL_OK)
		goto fail;
	for (i = 0; i < count; i++) {
		const char *name = NULL;

		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK || !name)
			name = "";
		buf_addf(&names, "%s\"%s\"", names.len ? ", " : "", name);
		buf_add(&list, name, strlen(name) + 1);
		if (found < 0 && (!want || csv_name_equal(name, want))) {
			found = (int)i;
			sheet = name;
		}
	}
	if (found < 0) {
		if (want)
			buf_addf(&msg, "no sheet \"%s\"; the sheets are: %s", want,
				 names.len ? names.data : "(none)");
		else
			buf_adds(&msg, "the workbook has no sheets");
		child_fail(fd, &out, want ? KERR_NOTFOUND : KERR_SYNTAX, &msg);
	}
	if ((rc = freexl_select_active_worksheet(h, (unsigned short)found)) != FREEXL_OK
	    || (rc = freexl_worksheet_dimensions(h, &rows, &cols)) != FREEXL_OK)
		goto fail;
	if (cols > XLS_MAX_COLS)
		cols = XLS_MAX_COLS;
	if (put_head(&out, 'L', list.len) || buf_add(&out, list.data ? list.data : "", list.len)
	    || put_head(&out, 'S', strlen(sheet)) || buf_adds(&out, sheet))
		child_end(1);
	for (r = 0; r < rows; r++) {
		if ((rc = put_row(h, r, cols, &out)) != FREEXL_OK)
			goto fail;
		if (out.len >= 65536) {
			if (write_all(fd, out.data, out.len))
				child_end(1);
			buf_reset(&out);
		}
	}
	if (put_head(&out, 'D', 0) || write_all(fd, out.data, out.len))
		child_end(1);
	child_end(0);
fail:
	if (write_all(fd, out.data, out.len))   /* the rows so far first: order kept */
		child_end(1);
	if (rc == FREEXL_INSUFFICIENT_MEMORY)
		buf_adds(&msg, "out of memory");
	else if (rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND)
		buf_adds(&msg, "this is an Office file but not an Excel workbook; give koder the "
			 "survey as .xlsx, .xls, .sav or CSV");
	else
		buf_addf(&msg, "the Excel 97-2003 workbook is damaged (FreeXL error %d%s%s); open "
			 "it in Excel or LibreOffice and save it again, best as .xlsx", rc,
			 sheet ? " in sheet " : "", sheet ? sheet : "");
	child_fail(fd, &out, rc == FREEXL_INSUFFICIENT_MEMORY ? KERR_NOMEM : KERR_SYNTAX, &msg);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Read the child's whole message into b; 0, or a KERR code with e set. */
static int take_message(int fd, struct buf *b, struct kerr *e)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = XLS_SECONDS * 1000L - ms_since(&t0);
		char chunk[65536];
		ssize_t n;

		if (left <= 0)
			return kerr_set(e, KERR_LIMIT, "reading the Excel 97-2003 workbook took more "
					"than %d s; open it in Excel or LibreOffice and save it as "
					".xlsx", XLS_SECONDS);
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return kerr_errno(e, errno, NULL, "cannot read from the .xls reader");
		}
		if (!p.revents)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (buf_add(b, chunk, (size_t)n))
			return kerr_set(e, KERR_LIMIT, "the sheet holds more than %zu MB of cells; "
					"save it as .xlsx or CSV", TABLE_XLS_MAX_BYTES >> 20);
	}
}

/* Check the message: the sheet's name, then rows, then the end (kept in
 * s->rows from the first row on), or an error record (reported). */
static int check_message(struct xls_sheet *s, int status, struct kerr *e)
{
	struct buf *b = &s->rows;
	size_t at, rows_at = 0;

	for (at = 0; at + 5 <= b->len; at += 5 + get_u32(b->data + at + 1)) {
		const char *p = b->data + at;
		uint32_t n = get_u32(p + 1);

		if (n > b->len - at - 5)
			break;
		if (*p == 'E' && n >= 1)
			return kerr_set(e, (enum kerr_code)(unsigned char)p[5], "%.*s", (int)(n - 1), p + 6);
		if (*p == 'L' && !s->sheets && (!n || !p[5 + n - 1])) {
			if (!(s->sheets = malloc(n + 1)))
				return kerr_set(e, KERR_NOMEM, "out of memory");
			memcpy(s->sheets, p + 5, n);
			s->sheets_len = n;
		}
		if (*p == 'S' && !s->name) {
			if (!(s->name = strndup(p + 5, n)))
				return kerr_set(e, KERR_NOMEM, "out of memory");
			rows_at = at + 5 + n;
		}
		if (*p == 'D' && s->name && s->sheets && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			memmove(b->data, b->data + rows_at, at - rows_at);
			buf_truncate(b, at - rows_at);
			return 0;
		}
	}
	/* crashed or stopped short: the same to the user (a crash under a
	 * sanitizer is an exit, not a signal) */
	return kerr_set(e, KERR_SYNTAX, "the Excel 97-2003 workbook is damaged (its reader "
			"failed on it); open it in Excel or LibreOffice and save it again, best "
			"as .xlsx");
}

int xls_read(const char *path, const char *want, struct xls_sheet *s, struct kerr *e)
{
	int fds[2], status = 0, rc;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	buf_init(&s->rows, TABLE_XLS_MAX_BYTES);
	if (pipe(fds))
		return kerr_errno(e, errno, NULL, "cannot start the .xls reader");
	fflush(NULL);   /* nothing buffered here is written twice by the child */
	if ((pid = fork()) < 0) {
		rc = kerr_errno(e, errno, NULL, "cannot start the .xls reader");
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* what FreeXL or a crash handler would print is no message for
		 * the user: the parent says what went wrong */
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		child(fds[1], path, want);
	}
	close(fds[1]);
	rc = take_message(fds[0], &s->rows, e);
	close(fds[0]);
	if (rc)
		kill(pid, SIGKILL);   /* too slow or too big: stop it */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return rc ? rc : check_message(s, status, e);
}

int xls_row(const struct xls_sheet *s, size_t *pos, struct xls_cell *cell, size_t *n)
{
	const char *p = s->rows.data + *pos, *end;

	*n = 0;
	if (*pos + 5 > s->rows.len || *p != 'R')
		return 0;
	end = p + 5 + get_u32(p + 1);
	*pos = (size_t)(end - s->rows.data);
	for (p += 5; p + 5 <= end && *n < XLS_MAX_COLS; (*n)++) {
		uint32_t len = get_u32(p + 1);
		struct xls_cell *c = &cell[*n];

		if (len > (size_t)(end - p - 5))
			break;
		c->is_num = *p == 'n' && len == sizeof(double);
		if (c->is_num)
			memcpy(&c->num, p + 5, sizeof(double));
		c->text = p + 5;
		c->len = c->is_num ? 0 : len;
		p += 5 + len;
	}
	return 1;
}

void xls_release(struct xls_sheet *s)
{
	free(s->name);
	free(s->sheets);
	s->name = s->sheets = NULL;
	buf_release(&s->rows);
}

/*
 * xls.h - an Excel 97-2003 sheet (.xls) read whole, its cells typed: text,
 * or a number for the caller to write out (table.h does, as it writes the
 * numbers of the other formats).
 *
 * Why its own module, and a child process: FreeXL 1.0.6, the one .xls
 * reader Debian ships, crashed on 2 of 30 damaged files tried, and koder
 * reads every file as untrusted.  xls_read forks; the child parses the
 * sheet with FreeXL and sends its cells down a pipe, and exits.  Here a
 * crash, a parse of more than XLS_SECONDS, more than TABLE_XLS_MAX_BYTES
 * (table.h) of cells or a message cut short is an error naming the file;
 * nothing of FreeXL runs in the caller's process.  Dates read as FreeXL
 * writes them ("2024-05-01"); number formats ("000") are not known.
 *
 * Ownership: xls_read fills a sheet the caller releases with xls_release
 * (also after an error).  Cells handed out by xls_row point into it.
 */
#ifndef KODER_XLS_H
#define KODER_XLS_H

#include <stddef.h>

#include "buf.h"

struct kerr;

#define XLS_MAX_COLS 256      /* BIFF8's width */
#define XLS_SECONDS 60        /* a parse that takes longer is stopped */

struct xls_sheet {
	char *name;           /* the sheet read */
	char *sheets;         /* every sheet's name, each ending in a NUL */
	size_t sheets_len;
	struct buf rows;      /* the child's row records (xls.c) */
};

struct xls_cell {
	int is_num;
	double num;           /* is_num */
	const char *text;     /* else: UTF-8, not NUL-terminated */
	size_t len;
};

/*
 * Read sheet `want` (compared as header names are; NULL: the first) of the
 * .xls at `path`.  Returns 0, or KERR_IO (cannot start the reader),
 * KERR_NOTFOUND (no such sheet: the message lists the sheets), KERR_SYNTAX
 * (damaged, not a workbook, a password), KERR_LIMIT (too big, too slow) or
 * KERR_NOMEM with `e` set (its file not set: the caller names it).
 */
int xls_read(const char *path, const char *want, struct xls_sheet *out, struct kerr *e);
/*
 * The row at *pos (0 for the first): returns 1 with its cells in
 * cell[0..*n) (*n <= XLS_MAX_COLS; every column of the sheet's width) and
 * *pos moved past it, or 0 after the last row.
 */
int xls_row(const struct xls_sheet *s, size_t *pos, struct xls_cell *cell, size_t *n);
void xls_release(struct xls_sheet *s);

#endif

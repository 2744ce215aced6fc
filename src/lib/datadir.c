/* datadir.c - locate shipped data files, in a checkout or installed. */
#include "datadir.h"
#include "buf.h"
#include "error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KODER_DATADIR
#define KODER_DATADIR "/usr/local/share/koder"
#endif

static int try_root(const char *root, size_t rootlen, const char *rel, struct buf *out)
{
	size_t mark = out->len;

	if (buf_add(out, root, rootlen) || buf_addch(out, '/') || buf_adds(out, rel))
		return KERR_NOMEM;
	if (access(out->data + mark, R_OK) == 0)
		return 0;
	buf_truncate(out, mark);
	return KERR_NOTFOUND;
}

int datadir_find(const char *rel, struct buf *out)
{
	const char *env = getenv("KODER_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;
	int up;

	if (env && *env && try_root(env, strlen(env), rel, out) == 0)
		return 0;
	/* A binary in <tree>/, <tree>/build/ or <tree>/build/x/: look upwards
	 * for a directory that has the file, stopping at a source tree marker. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (!slash || slash == exe)
				break;
			*slash = '\0';
			if (try_root(exe, strlen(exe), rel, out) == 0)
				return 0;
			/* an installed tree: <prefix>/bin/koder -> <prefix>/share/koder */
			if (up == 1) {
				char share[PATH_MAX + 16];

				snprintf(share, sizeof(share), "%s/share/koder", exe);
				if (try_root(share, strlen(share), rel, out) == 0)
					return 0;
			}
		}
	}
	if (try_root(KODER_DATADIR, strlen(KODER_DATADIR), rel, out) == 0)
		return 0;
	if (buf_adds(out, KODER_DATADIR "/") || buf_adds(out, rel))
		return KERR_NOMEM;
	return KERR_NOTFOUND;
}

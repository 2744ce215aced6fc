/*
 * distance.c - the one edit distance (see distance.h).
 */
#include "distance.h"

#include <stdlib.h>

size_t distance_edit(const char *a, size_t n, const char *b, size_t m)
{
	/* Three rolling rows: the one two back is needed for the swap. */
	size_t *rows = malloc(3 * (m + 1) * sizeof(*rows)), i, j, d;
	size_t *pp, *p, *c;

	if (!rows)
		return (size_t)-1;
	pp = rows;
	p = rows + (m + 1);
	c = rows + 2 * (m + 1);
	for (j = 0; j <= m; j++)
		p[j] = j;
	for (i = 1; i <= n; i++) {
		size_t *t;

		c[0] = i;
		for (j = 1; j <= m; j++) {
			size_t best = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (c[j - 1] + 1 < best)
				best = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
			    && pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			c[j] = best;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	d = p[m];
	free(rows);
	return d;
}

/*
 * distance.h - the edit distance behind every "did you mean": misspelt
 * JSON keys in codebooks and descriptors (jsonin_nearest) and misspelt
 * category ids or labels in decision files (project).
 *
 * Why one function: two "did you mean"s that measured nearness differently
 * would suggest differently for the same slip.  An adjacent swap counts as
 * one edit ("tdi" for "tid"), because that is the commonest typing slip.
 */
#ifndef KODER_DISTANCE_H
#define KODER_DISTANCE_H

#include <stddef.h>

/* Optimal string alignment distance between the bytes a[0..n) and b[0..m):
 * insertions, deletions, substitutions and adjacent swaps, each one edit.
 * Allocates three rows of m + 1 entries and frees them before returning;
 * (size_t)-1 when out of memory.  Bytes, not characters: "ø" for "o" is two
 * edits, which is fine for ranking near candidates. */
size_t distance_edit(const char *a, size_t n, const char *b, size_t m);

#endif

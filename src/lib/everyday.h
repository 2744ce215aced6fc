/*
 * everyday.h - the everyday Danish words (og, det, ikke, også ...) that say
 * nothing about what an answer is about: `koder words` leaves them out as
 * one-word terms and `koder discover` does not group answers by them.
 *
 * Why one list: the two kept a list each, and a word one of them learnt to
 * skip the other still counted.  The list holds the words as written
 * (lower case, also as typed without æ ø å: "ogsa", "pa") and their
 * Danish Snowball stems where those differ ("ikk", "nogl"), so a caller
 * may ask about either.
 *
 * Ownership: nothing is allocated; the list is static and thread-safe.
 */
#ifndef KODER_EVERYDAY_H
#define KODER_EVERYDAY_H

#include <stddef.h>

/* 1 if w[0..n) (lower case UTF-8, a word or a stem) is an everyday word. */
int everyday_word(const char *w, size_t n);

#endif

/*
 * exit.c - library error codes to documented exit statuses (see exit.h).
 */
#include "exit.h"

int kerr_exit(enum kerr_code code)
{
	switch (code) {
	case KERR_OK:
		return EXIT_OK;
	case KERR_IO:
	case KERR_NOTFOUND:
		return EXIT_NOINPUT;
	case KERR_ENCODING:
	case KERR_SYNTAX:
	case KERR_SCHEMA:
	case KERR_PATTERN:
		return EXIT_DATAERR;
	case KERR_CHECK:
		return EXIT_PROBLEMS;
	case KERR_LIMIT:
		return EXIT_LIMIT;
	case KERR_STORE:
		return EXIT_STORE;
	case KERR_USAGE:
	case KERR_INVALID:
		return EXIT_USAGE;
	case KERR_INTERRUPTED:
		return EXIT_INTERRUPTED;
	case KERR_WRITE:
		return EXIT_CANTCREATE;
	default:
		return EXIT_SOFTWARE;
	}
}

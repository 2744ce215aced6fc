/*
 * cmd_export.c - `koder export`: the survey with its coded answers merged
 * in (.sav, .zsav, .dta, .xlsx or CSV).
 *
 * The survey arguments, the coding (decisions from --db or --codes, else the
 * engine) and every check on the survey are tally's, so export runs tally's
 * pass (cmd_tally_run) with the data-set writer of export.h as its output
 * instead of the tables: what the 0/1 columns sum to is what tally counts.
 */
#include "cmd.h"

int cmd_export(int argc, char **argv)
{
	return cmd_tally_run(argc, argv, 1);
}

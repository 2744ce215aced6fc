/* test_decisions.c - coders' final codes by respondent: a decision with a
 * wave is found only in that wave (a panel id in two waves never borrows
 * the other wave's decision); one without a wave is found in any wave but
 * flagged when one id matches in two; unused decisions counted; a codes
 * file with a respondent twice refused naming both lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions.h"
#include "error.h"

static void panel_keys(void **state)
{
	struct decisions d;
	const char *ids[4];

	(void)state;
	assert_int_equal(decisions_init(&d), 0);
	assert_int_equal(decisions_add(&d, "B", "1", "afstand"), 0);
	assert_int_equal(decisions_add(&d, "A", "2", "tid"), 0);
	/* respondent 1 in wave A has no decision of its own */
	assert_null(decisions_get(&d, "A", "1", 1));
	assert_string_equal(decisions_get(&d, "B", "1", 1), "afstand");
	assert_null(decisions_get(&d, "B", "2", 1));
	assert_int_equal(decisions_unused(&d, ids, 4), 1);      /* A/2 */
	assert_string_equal(ids[0], "2");
	assert_int_equal(decisions_ambiguous(&d, ids, 4), 0);
	decisions_release(&d);
}

/* A decision migrate flagged: its carried codes, and the parts the rules
 * settle; an ordinary one beside it has none. */
static void interim(void **state)
{
	struct decisions d;
	const char *split = "x", *added = "x", *ids[2];

	(void)state;
	assert_int_equal(decisions_init(&d), 0);
	assert_int_equal(decisions_add_interim(&d, "A", "1", "hjaelpemidler", "psykisk;fysisk",
		"regler"), 0);
	assert_int_equal(decisions_add(&d, "A", "2", "tid"), 0);
	assert_string_equal(decisions_find(&d, "A", "1", 1, &split, &added), "hjaelpemidler");
	assert_string_equal(split, "psykisk;fysisk");
	assert_string_equal(added, "regler");
	assert_string_equal(decisions_find(&d, "A", "2", 1, &split, &added), "tid");
	assert_null(split);
	assert_null(added);
	assert_null(decisions_find(&d, "B", "1", 1, &split, &added));
	assert_int_equal(decisions_unused(&d, ids, 2), 0);
	decisions_release(&d);
}

static void waveless(void **state)
{
	struct decisions d;
	const char *ids[4];

	(void)state;
	assert_int_equal(decisions_init(&d), 0);
	assert_int_equal(decisions_add(&d, "", "7", "andet"), 0);
	assert_int_equal(decisions_add(&d, NULL, "8", "tid"), 0);
	assert_string_equal(decisions_get(&d, "A", "7", 1), "andet");
	assert_string_equal(decisions_get(&d, "A", "7", 1), "andet");
	assert_int_equal(decisions_ambiguous(&d, ids, 4), 0);
	assert_string_equal(decisions_get(&d, "B", "7", 1), "andet");
	assert_int_equal(decisions_ambiguous(&d, ids, 4), 1);
	assert_string_equal(ids[0], "7");
	assert_int_equal(decisions_unused(&d, ids, 4), 1);      /* 8 */
	assert_string_equal(ids[0], "8");
	decisions_release(&d);
}

static void codes_file(void **state)
{
	char dir[] = "/tmp/test_decisions.XXXXXX", p[96], cmd[128];
	struct decisions d;
	struct kerr e;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/codes.csv", dir);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("id,codes,wave\n1,afstand,A\n1,tid,B\n,x,A\n2,andet,A\n", fp);
	fclose(fp);
	assert_int_equal(decisions_init(&d), 0);
	kerr_clear(&e);
	assert_int_equal(decisions_load_codes(&d, p, &e), 0);
	assert_string_equal(decisions_get(&d, "B", "1", 1), "tid");
	assert_string_equal(decisions_get(&d, "A", "1", 1), "afstand");
	assert_int_equal(d.n, 3);
	decisions_release(&d);

	fp = fopen(p, "w");
	fputs("id,codes\n1,afstand\n2,tid\n1,andet\n", fp);
	fclose(fp);
	assert_int_equal(decisions_init(&d), 0);
	assert_int_equal(decisions_load_codes(&d, p, &e), KERR_SCHEMA);
	assert_string_equal(e.msg, "respondent \"1\" has codes twice: on line 2 and on line 4; "
			    "if they are answers from different waves, add a 'wave' column saying "
			    "which wave each row is for (id,wave,codes)");
	assert_int_equal(e.line, 4);
	decisions_release(&d);

	snprintf(p, sizeof p, "%s/none.csv", dir);
	assert_int_equal(decisions_init(&d), 0);
	assert_int_not_equal(decisions_load_codes(&d, p, &e), 0);
	assert_non_null(strstr(e.msg, "cannot open the codes file"));
	decisions_release(&d);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(panel_keys),
		cmocka_unit_test(interim),
		cmocka_unit_test(waveless),
		cmocka_unit_test(codes_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

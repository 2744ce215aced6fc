/* test_rules.c - the rule engine: the pattern language (words, `*`,
 * alternatives, NEAR/BEFORE, raw regexes), negation before and after a
 * match, excludes, ingen_svar / andet, evidence spans in the original text,
 * the backtracking limit, and compile errors with their locations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "csv.h"
#include "error.h"
#include "normalize.h"
#include "rules.h"

struct fix {
	struct codebook *cb;
	struct rules *r;
	struct normalized ans;
	struct rules_result res;
};

static const char book[] =
	"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"sagsantal*\", \"(ingen|ikke|manglende) (nok)? tid\","
	"  \"travl*\"]},\n"
	"{\"id\": \"afstand\", \"label\": \"Afstand\", \"include\": [\"*afstand*\", \"langt BEFORE/3 kore\"]},\n"
	"{\"id\": \"ag\", \"label\": \"AG\", \"include\": [\"arbejdsgiver* NEAR/3 (vil|ønsker) ikke\", \"ag\"],"
	"  \"exclude\": [\"ag's hr\"]},\n"
	"{\"id\": \"foerste\", \"label\": \"Første\", \"include\": [\"første samtale\", \"1. samtale\"]},\n"
	"{\"id\": \"raw\", \"label\": \"Raw\", \"include\": [\"re:\\\\bmsb\\\\d?\\\\b\"]},\n"
	"{\"id\": \"km\", \"label\": \"Km\", \"include\": [\"# km\"]},\n"
	"{\"id\": \"always\", \"label\": \"Always\", \"include\": [\"noneg:ikke relevant for os\", \"xyz\"], \"negation\": false},\n"
	"{\"id\": \"andet\", \"label\": \"Andet\"}\n"
	"], \"nonsubstantive\": [\"ingen barrierer\"]}\n";

/* Compile the codebook `json` (which must have no problems) into f. */
static void fix_open(struct fix *f, const char *json)
{
	struct kerr_list errs = KERR_LIST_INIT;

	memset(f, 0, sizeof *f);
	assert_int_equal(codebook_parse(json, strlen(json), "t.json", &f->cb, &errs), 0);
	assert_int_equal(rules_compile(f->cb, &f->r, &errs), 0);
	assert_int_equal(errs.n, 0);
	normalized_init(&f->ans);
	rules_result_init(&f->res);
}

static void fix_close(struct fix *f)
{
	rules_result_release(&f->res);
	normalized_release(&f->ans);
	rules_free(f->r);
	codebook_free(f->cb);
}

static int setup(void **state)
{
	struct fix *f = malloc(sizeof *f);

	assert_non_null(f);
	fix_open(f, book);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix_close(*state);
	free(*state);
	return 0;
}

/* Code `text` (key only, no word repair) and return the codes as "a;b". */
static const char *code(struct fix *f, const char *text)
{
	static char out[256];
	struct kerr e;
	size_t i;

	buf_reset(&f->ans.key);
	assert_int_equal(normalize_key(text, strlen(text), &f->ans.key, NULL), 0);
	/* an identity map is enough for ASCII-only texts; tests with æøå use the normalizer */
	free(f->ans.key_map);
	f->ans.key_map = malloc((f->ans.key.len + 1) * sizeof *f->ans.key_map);
	for (i = 0; i <= f->ans.key.len; i++)
		f->ans.key_map[i] = i;
	f->ans.key_map_cap = f->ans.key.len + 1;
	assert_int_equal(rules_match(f->r, &f->ans, &f->res, &e), 0);
	out[0] = 0;
	for (i = 0; i < f->res.ncats; i++) {
		if (i)
			strcat(out, ";");
		strcat(out, f->cb->cats[f->res.cats[i]].id);
	}
	return out;
}

static void test_words(void **state)
{
	struct fix *f = *state;

	assert_string_equal(code(f, "Sagsantallet er for højt"), "tid");
	assert_string_equal(code(f, "sagsantal"), "tid");
	assert_string_equal(code(f, "sagsantalsreduktion var godt"), "tid");
	assert_string_equal(code(f, "Vi har ikke tid"), "tid");
	assert_string_equal(code(f, "Ingen tid til det!"), "tid");
	assert_string_equal(code(f, "tidsplan"), "andet");   /* word boundary */
	assert_string_equal(code(f, "Køreafstanden er lang"), "afstand");
	assert_string_equal(code(f, "AFSTAND"), "afstand");
	/* a pattern that begins with * shows the whole word as evidence */
	assert_string_equal(code(f, "lang koreafstand"), "afstand");
	assert_int_equal(f->res.nev, 1);
	assert_int_equal(f->res.ev[0].start, 5);
	assert_int_equal(f->res.ev[0].end, 16);
	assert_string_equal(code(f, "det er langt at køre"), "afstand");
	assert_string_equal(code(f, "langt hjem, meget langt at køre ud"), "afstand");
	assert_string_equal(code(f, "at køre er langt"), "andet");   /* BEFORE keeps order */
	/* a cue at the end of the gap turns the second term around ... */
	assert_string_equal(code(f, "langt uden at køre"), "andet");
	/* ... one earlier in the gap does not */
	assert_string_equal(code(f, "langt ikke sandt at køre"), "afstand");
	assert_string_equal(code(f, "Første samtale er svær"), "foerste");
	assert_string_equal(code(f, "forste samtale"), "foerste");
	assert_string_equal(code(f, "1. samtale"), "foerste");
	assert_string_equal(code(f, "1.samtale"), "foerste");
	assert_string_equal(code(f, "30 km"), "km");
	assert_string_equal(code(f, "over 2,5 km væk"), "km");
	assert_string_equal(code(f, "km"), "andet");
	assert_string_equal(code(f, "ikke tid"), "tid");
	assert_string_equal(code(f, "ikke nok tid"), "tid");
	/* a match that starts with a cue keeps it, whatever came before */
	assert_string_equal(code(f, "AG vil ikke og vi har ikke tid"), "tid;ag");
	assert_string_equal(code(f, "msb2 og travlhed"), "tid;raw");
}

static void test_near(void **state)
{
	struct fix *f = *state;

	assert_string_equal(code(f, "arbejdsgiveren vil ikke"), "ag");
	assert_string_equal(code(f, "arbejdsgiverne siger de vil ikke"), "ag");
	assert_string_equal(code(f, "vil ikke siger arbejdsgiveren"), "ag");
	/* NEAR stays in its clause ... */
	assert_string_equal(code(f, "vil ikke, siger arbejdsgiveren"), "andet");
	/* ... but a relative clause belongs to its noun */
	assert_string_equal(code(f, "arbejdsgiverne, som bare vil ikke"), "ag");
	assert_string_equal(code(f, "arbejdsgiveren vil meget gerne men borgeren ikke"), "andet");
	assert_string_equal(code(f, "AG"), "ag");
	assert_string_equal(code(f, "AG's HR afdeling"), "andet");   /* exclude */
	/* the search starts only where both ends lie close enough: the match
	 * is the later employer, with the whole of it as evidence */
	assert_string_equal(code(f, "arbejdsgiveren kom. en to tre fire fem, seks. "
				 "arbejdsgiveren vil ikke"), "ag");
	assert_int_equal(f->res.nev, 1);
	assert_int_equal(f->res.ev[0].start, 46);
	assert_int_equal(f->res.ev[0].end, 69);
	/* a match that starts right after a word ends, at a word's last letter */
	assert_string_equal(code(f, "vil ikke arbejdsgiver"), "ag");
	assert_int_equal(f->res.ev[0].start, 0);
	assert_int_equal(f->res.ev[0].end, 21);
}

static void test_negation(void **state)
{
	struct fix *f = *state;

	assert_string_equal(code(f, "Afstand er ikke et problem hos os"), "andet");
	assert_string_equal(code(f, "afstanden spiller ingen rolle"), "andet");
	/* small words do not use up the window (and a short "have not seen
	 * any problems" is no answer, as coders code it) */
	assert_string_equal(code(f, "Vi har ikke oplevet problemer med afstand"), "ingen_svar");
	assert_string_equal(code(f, "ikke, siger de, at afstand er stor"), "afstand");
	assert_string_equal(code(f, "det er ikke noget vi tænker på men afstand"), "afstand");
	assert_string_equal(code(f, "ikke problemer med afstand"), "andet");
	assert_string_equal(code(f, "ikke afstand, men sagsantal"), "tid");
	assert_string_equal(code(f, "ikke kun afstand"), "afstand");
	assert_string_equal(code(f, "ikke mindst afstanden"), "afstand");
	assert_string_equal(code(f, "ikke alle har afstand"), "afstand");
	assert_string_equal(code(f, "afstand bruger vi ikke som kriterium"), "andet");
	assert_string_equal(code(f, "ingen travlhed. Afstand er stor"), "afstand");
	/* a negated match does not hide a later plain one */
	assert_string_equal(code(f, "ikke afstand i by, men afstand på land"), "afstand");
	/* opt-out: the cue is part of the pattern, category negation off */
	assert_string_equal(code(f, "det er ikke relevant for os"), "always");
	assert_string_equal(code(f, "ikke xyz"), "always");
}

static void test_nonsubstantive(void **state)
{
	struct fix *f = *state;

	assert_string_equal(code(f, ""), "ingen_svar");
	assert_true(f->res.nonsubstantive);
	assert_string_equal(code(f, " - "), "ingen_svar");
	assert_string_equal(code(f, "Ved ikke."), "ingen_svar");
	assert_string_equal(code(f, "Nej. Ingen kommentarer"), "ingen_svar");
	assert_string_equal(code(f, "ingen barrierer"), "ingen_svar");
	assert_string_equal(code(f, "nej, sagsantal"), "tid");
	assert_string_equal(code(f, "Det er noget andet"), "andet");
	assert_true(f->res.residual);
}

/* A codebook without NEAR/BEFORE has match data for no groups: the
 * no-answer regexes still match ("Nej" was once coded andet there). */
static void test_nonsubstantive_without_gaps(void **state)
{
	static const char plain[] =
		"{\"id\": \"p\", \"version\": 1, \"categories\": ["
		"{\"id\": \"ryg\", \"label\": \"Ryg\", \"include\": [\"ryg*\"]},"
		"{\"id\": \"andet\", \"label\": \"Andet\"}], \"nonsubstantive\": [\"privat\"]}";
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(codebook_parse(plain, sizeof plain - 1, "p.json", &f.cb, &errs), 0);
	assert_int_equal(rules_compile(f.cb, &f.r, &errs), 0);
	normalized_init(&f.ans);
	rules_result_init(&f.res);
	assert_string_equal(code(&f, "Nej"), "ingen_svar");
	assert_string_equal(code(&f, "privat"), "ingen_svar");
	assert_string_equal(code(&f, "ved ikke, er ny"), "ingen_svar");
	assert_string_equal(code(&f, "ondt i ryggen"), "ryg");
	assert_string_equal(code(&f, "stress"), "andet");
	fix_close(&f);
	kerr_list_release(&errs);
}

/* A short answer that no category matched, built from a strong no-answer
 * phrase plus a reason or filler, is no answer; a long one, one a category
 * matched, or one whose only no-answer word is weak ("ingen", "nej") is not. */
static void test_short_nonanswer(void **state)
{
	struct fix *f = *state;

	assert_string_equal(code(f, "Ved ikke, er ny i teamet"), "ingen_svar");
	assert_true(f->res.nonsubstantive);
	assert_int_equal(f->res.nev, 1);
	assert_string_equal(code(f, "Kan ikke huske det"), "ingen_svar");
	assert_string_equal(code(f, "ingen barrierer hos os i teamet"), "ingen_svar");
	assert_string_equal(code(f, "det ved min leder mere om"), "ingen_svar");
	assert_string_equal(code(f, "Ikke relevant for mig"), "ingen_svar");
	assert_string_equal(code(f, "har ingen erfaring med det endnu"), "ingen_svar");
	assert_string_equal(code(f, "vi har ikke nogen"), "ingen_svar");
	assert_string_equal(code(f, "I don't know"), "ingen_svar");
	assert_string_equal(code(f, "nix"), "ingen_svar");
	assert_string_equal(code(f, "ved ikke, men sagsantal er højt"), "tid");
	assert_string_equal(code(f, "Ingen opbakning fra ledelsen"), "andet");
	assert_string_equal(code(f, "Nej, ledelsen bakker ikke op"), "andet");
	assert_string_equal(code(f, "Ved ikke om det hjælper, men ledelsen bakker slet ikke op "
				 "om projektet og borgerne er for syge"), "andet");
	/* a phrase must be whole words: "ved ikke" is not in "oplevede ikke" */
	assert_string_equal(code(f, "oplevede ikke meget"), "andet");
}

static void test_evidence_original_offsets(void **state)
{
	struct fix *f = *state;
	struct normalizer *n = NULL;
	struct normalize_opts o = { 1 };
	struct kerr e;
	static const char text[] = "Vi synes: FØRSTE samtale og sagsantallet";

	(void)state;
	assert_int_equal(normalizer_new(&n, &o, &e), 0);
	assert_int_equal(normalize_text(n, text, strlen(text), &f->ans, &e), 0);
	assert_int_equal(rules_match(f->r, &f->ans, &f->res, &e), 0);
	assert_int_equal(f->res.ncats, 2);
	assert_int_equal(f->res.nev, 2);
	assert_string_equal(f->cb->cats[f->res.ev[0].cat].id, "tid");
	assert_int_equal(f->res.ev[0].pattern, 0);
	assert_memory_equal(text + f->res.ev[0].start, "sagsantallet", 12);
	assert_int_equal(f->res.ev[0].end, strlen(text));
	assert_string_equal(f->cb->cats[f->res.ev[1].cat].id, "foerste");
	assert_int_equal(f->res.ev[1].end - f->res.ev[1].start, strlen("FØRSTE samtale"));
	assert_memory_equal(text + f->res.ev[1].start, "FØRSTE samtale", strlen("FØRSTE samtale"));
	normalizer_free(n);
}

static void test_limit(void **state)
{
	static const char bad[] =
		"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
		"{\"id\": \"evil\", \"label\": \"E\", \"include\": [\"re:(a|aa)+(a|aa)+(a|aa)+$\"]}]}";
	struct codebook *cb = NULL;
	struct rules *r = NULL;
	struct normalized ans;
	struct rules_result res;
	struct kerr e;
	char text[4096];

	(void)state;
	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'b';
	text[sizeof text - 1] = 0;
	assert_int_equal(codebook_parse(bad, sizeof bad - 1, "evil.json", &cb, NULL), 0);
	assert_int_equal(rules_compile(cb, &r, NULL), 0);
	rules_set_limits(r, 20000, 1000);
	normalized_init(&ans);
	rules_result_init(&res);
	assert_int_equal(normalize_key(text, strlen(text), &ans.key, NULL), 0);
	ans.key_map = calloc(ans.key.len + 1, sizeof *ans.key_map);
	assert_int_equal(rules_match(r, &ans, &res, &e), KERR_LIMIT);
	assert_string_equal(e.path, "categories[0].include[0]");
	assert_non_null(strstr(e.msg, "evil"));
	assert_int_equal(e.line, 2);
	normalized_release(&ans);
	rules_result_release(&res);
	rules_free(r);
	codebook_free(cb);
}

static void test_compile_errors(void **state)
{
	static const char bad[] =
		"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
		"{\"id\": \"a\", \"label\": \"A\", \"include\": [\"(tid\", \"ok\"]},\n"
		"{\"id\": \"b\", \"label\": \"B\", \"include\": [\"re:a(b\", \"x | | y\", \"a NEAR/x b\"]}],\n"
		"\"nonsubstantive\": [\"ved )\"]}";
	struct codebook *cb = NULL;
	struct rules *r = NULL;
	struct kerr_list errs = KERR_LIST_INIT;

	(void)state;
	assert_int_equal(codebook_parse(bad, sizeof bad - 1, "bad.json", &cb, NULL), 0);
	assert_int_equal(rules_compile(cb, &r, &errs), KERR_PATTERN);
	assert_null(r);
	assert_int_equal(errs.n, 5);
	assert_string_equal(errs.items[0].path, "categories[0].include[0]");
	assert_int_equal(errs.items[0].line, 2);
	assert_int_equal(errs.items[0].col, 39);
	assert_non_null(strstr(errs.items[0].msg, "no matching )"));
	assert_string_equal(errs.items[1].path, "categories[1].include[0]");
	assert_non_null(strstr(errs.items[1].msg, "offset"));
	assert_string_equal(errs.items[2].path, "categories[1].include[1]");
	assert_string_equal(errs.items[3].path, "categories[1].include[2]");
	assert_string_equal(errs.items[4].path, "nonsubstantive[0]");
	assert_int_equal(errs.items[4].line, 4);
	kerr_list_release(&errs);
	codebook_free(cb);
}

/* "when WORDS re:REGEX": the regex is tried only where the words occur,
 * and may match elsewhere in the answer than they do; a "when" without
 * "re:" or with a bad word list is an error at its path. */
static void test_when(void **state)
{
	static const char book2[] =
		"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
		"{\"id\": \"s\", \"label\": \"S\", \"include\": [\"when (smerte*|ondt) re:(?s)^(?!.*ryg).*?\\\\bsmerte\"]},\n"
		"{\"id\": \"andet\", \"label\": \"Andet\"}]}";
	static const char bad[] =
		"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
		"{\"id\": \"a\", \"label\": \"A\", \"include\": [\"when smerte\", \"when (ondt re:x\", \"when re:x\"]}]}";
	struct fix f;
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	struct rules *r = NULL;
	int pre;

	(void)state;
	fix_open(&f, book2);
	for (pre = 1; pre >= 0; pre--) {
		rules_set_prefilter(f.r, pre);
		assert_string_equal(code(&f, "smerter i hele kroppen"), "s");
		assert_string_equal(code(&f, "ondt, smerterne kommer og går"), "s");
		assert_string_equal(code(&f, "smerter i ryggen"), "andet");
		assert_string_equal(code(&f, "hovedpine"), "andet");
	}
	fix_close(&f);
	assert_int_equal(codebook_parse(bad, sizeof bad - 1, "bad.json", &cb, NULL), 0);
	assert_int_equal(rules_compile(cb, &r, &errs), KERR_PATTERN);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.items[0].path, "categories[0].include[0]");
	assert_non_null(strstr(errs.items[0].msg, "re:"));
	assert_string_equal(errs.items[1].path, "categories[0].include[1]");
	/* "when" with no words before " re:" (found by fuzzing: read past the words) */
	assert_string_equal(errs.items[2].path, "categories[0].include[2]");
	kerr_list_release(&errs);
	codebook_free(cb);
}

/* The trigger-word prefilter only saves time: on every development and SOF
 * answer, with every shipped codebook, the codes and evidence are the same
 * as when every pattern runs on every answer. */
/* Alternatives written as a tree of their shared beginnings match what
 * the list says, in its order: the first alternative that matches at the
 * leftmost place is the evidence, and no alternative matches mid-word. */
static void test_shared_beginnings(void **state)
{
	static const char book3[] =
		"{\"id\": \"t\", \"version\": 1, \"categories\": [\n"
		"{\"id\": \"a\", \"label\": \"A\", \"include\": [\"(ikke vil|ikke vil have|ikke gider|afvis*|ag|agt)"
		" BEFORE/2 (nu|igen)\"]},\n"
		"{\"id\": \"b\", \"label\": \"B\", \"include\": [\"x (ikke|ikke vil|ikke vil have|ikkevil) y\"]},\n"
		"{\"id\": \"c\", \"label\": \"C\", \"include\": [\"(sag*|sager|sags*) (ikke|i dag)\"]},\n"
		"{\"id\": \"andet\", \"label\": \"Andet\"}]}";
	static const struct { const char *text, *codes; size_t ev_len; } cases[] = {
		{ "de ikke vil have det igen", "a", 22 },   /* "ikke vil have det igen" */
		{ "ikke gider nu", "a", 13 },
		{ "dag nu", "andet", 0 },                  /* ag is no word start in dag */
		{ "agt nu", "a", 6 },
		{ "afviser det nu", "a", 14 },
		{ "x ikke vil have y", "b", 17 },
		{ "x ikkevil y", "b", 11 },
		{ "x ikke y", "b", 8 },
		{ "sagerne i dag", "c", 13 },
		{ "sager ikke", "c", 10 },
	};
	struct fix f;
	size_t i;

	(void)state;
	fix_open(&f, book3);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(code(&f, cases[i].text), cases[i].codes);
		if (cases[i].ev_len) {
			assert_int_equal(f.res.nev, 1);
			assert_int_equal(f.res.ev[0].end - f.res.ev[0].start, cases[i].ev_len);
		}
	}
	fix_close(&f);
}

static void test_prefilter_changes_nothing(void **state)
{
	static const char *const books[] = {
		"codebooks/sof-barrierer.json", "codebooks/sof-undtagelser.json",
		"codebooks/sygdom-aarsager.json", NULL
	};
	static const char *const files[] = {
		"corpora/dev/barrierer.csv", "corpora/dev/undtagelser.csv",
		"corpora/dev/sygdom.csv", "corpora/sof/survey.csv", NULL
	};
	struct normalizer *n = NULL;
	struct normalize_opts o = { 1 };
	struct normalized ans;
	struct rules_result a, b;
	struct kerr e;
	size_t bi, fi, compared = 0;

	(void)state;
	assert_int_equal(normalizer_new(&n, &o, &e), 0);
	normalized_init(&ans);
	rules_result_init(&a);
	rules_result_init(&b);
	for (bi = 0; books[bi]; bi++) {
		struct codebook *cb = NULL;
		struct rules *r = NULL;

		assert_int_equal(codebook_load(books[bi], &cb, NULL), 0);
		assert_int_equal(rules_compile(cb, &r, NULL), 0);
		for (fi = 0; files[fi]; fi++) {
			FILE *fp = fopen(files[fi], "rb");
			struct csv_reader *rd = NULL;
			struct csv_row row;
			size_t col, k;

			if (!fp)
				continue;
			assert_int_equal(csv_open(&rd, fp, files[fi], NULL, &e), 0);
			while (csv_next(rd, &row, &e) == CSV_ROW) {
				for (col = 0; col < row.n; col++) {
					assert_int_equal(normalize_text(n, row.field[col], row.len[col], &ans, &e), 0);
					rules_set_prefilter(r, 1);
					assert_int_equal(rules_match(r, &ans, &a, &e), 0);
					rules_set_prefilter(r, 0);
					assert_int_equal(rules_match(r, &ans, &b, &e), 0);
					if (a.ncats != b.ncats || a.nev != b.nev)
						fail_msg("%s on \"%s\": %zu codes with the prefilter, %zu without",
							books[bi], row.field[col], a.ncats, b.ncats);
					for (k = 0; k < a.ncats; k++)
						assert_int_equal(a.cats[k], b.cats[k]);
					for (k = 0; k < a.nev; k++) {
						assert_int_equal(a.ev[k].pattern, b.ev[k].pattern);
						assert_int_equal(a.ev[k].start, b.ev[k].start);
					}
					compared++;
				}
			}
			csv_close(rd);
			fclose(fp);
		}
		rules_free(r);
		codebook_free(cb);
	}
	assert_true(compared > 1000);
	rules_result_release(&a);
	rules_result_release(&b);
	normalized_release(&ans);
	normalizer_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonsubstantive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_nonanswer, setup, teardown),
		cmocka_unit_test(test_nonsubstantive_without_gaps),
		cmocka_unit_test_setup_teardown(test_evidence_original_offsets, setup, teardown),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_shared_beginnings),
		cmocka_unit_test(test_prefilter_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

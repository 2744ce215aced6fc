/* test_session.c - the review session as a library: resume, decide, notes
 * kept on revisit, undo of this session's decisions only, bulk decisions
 * with one undo, filters (older codebook version, notes, disagreements
 * that update while others code), search, adjudication starting empty,
 * progress per wave, and samples assigned, listed, removed, reassigned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "error.h"
#include "project.h"
#include "session.h"
#include "store.h"
#include "tally.h"

static char dir[] = "/tmp/koder-session-XXXXXX";
static char cbpath[256];
static int nstore;

static const char codebook_json[] =
	"{\"id\": \"t\", \"version\": 2, \"title\": \"T\", \"language\": \"da\",\n"
	" \"categories\": [\n"
	"  {\"id\": \"tid\", \"label\": \"Manglende tid\", \"description\": \"For lidt tid.\",\n"
	"   \"include\": [\"tid\"], \"examples\": [\"ingen tid\"]},\n"
	"  {\"id\": \"afstand\", \"label\": \"Afstand\", \"include\": [\"afstand\"]},\n"
	"  {\"id\": \"andet\", \"label\": \"Andet\"}\n"
	" ]}\n";

/* Category bits in the codebook above. */
#define TID ((uint64_t)1 << 0)
#define AFSTAND ((uint64_t)1 << 1)
#define ANDET ((uint64_t)1 << 2)
#define INGEN ((uint64_t)1 << 3)

static int setup(void **state)
{
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(cbpath, sizeof(cbpath), "%s/t.json", dir);
	if (!(f = fopen(cbpath, "w")))
		return -1;
	fputs(codebook_json, f);
	return fclose(f);
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static long long add(struct store *s, const char *resp, const char *wave, long long seq,
	const char *text, const char *sugg, const char *evidence)
{
	struct store_answer a = { 0, "q", "t", wave, "Leder", resp, text,
		"{\"Kommune\":\"Vejle\"}", seq };
	struct store_suggestion g = { 0, "t", "2", sugg, evidence, NULL };
	long long id = 0;

	assert_int_equal(store_add_answer(s, &a, &id, NULL, NULL), 0);
	g.answer_id = id;
	assert_int_equal(store_add_suggestion(s, &g, NULL), 0);
	return id;
}

/* A store with five answers of question "q": respondent 1 answers in both
 * waves A and B (two answers: a respondent is (id, wave)). */
static struct store *fresh(long long id[5])
{
	struct store *s = NULL;
	char path[300];

	snprintf(path, sizeof(path), "%s/s%d.db", dir, nstore++);
	assert_int_equal(store_open(&s, path, STORE_CREATE, NULL), 0);
	id[0] = add(s, "1", "A", 1, "ingen tid til det", "tid",
		"[{\"cat\":\"tid\",\"start\":6,\"end\":9}]");
	id[1] = add(s, "2", "A", 2, "lang afstand", "afstand",
		"[{\"cat\":\"afstand\",\"start\":5,\"end\":12}]");
	id[2] = add(s, "3", "A", 3, "noget helt andet", "andet", NULL);
	id[3] = add(s, "1", "B", 4, "stadig ingen tid", "tid", NULL);
	id[4] = add(s, "2", "B", 5, "bøvl med afstand og tid", "tid;afstand",
		"[{\"cat\":\"tid\",\"start\":21,\"end\":24},{\"cat\":\"afstand\",\"start\":10,\"end\":17}]");
	assert_int_equal(project_set_codebook(s, "q", cbpath, NULL), 0);
	return s;
}

static struct session *open_as(struct store *s, const char *coder, enum session_mode m)
{
	struct session *ss = NULL;
	struct kerr e;

	kerr_clear(&e);
	assert_int_equal(session_open(&ss, s, "q", coder, m, &e), 0);
	assert_non_null(ss);
	return ss;
}

static void test_open_and_answer(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session_category c;
	struct session_answer a;
	struct buf b = BUF_INIT;
	uint64_t set;

	(void)state;
	assert_int_equal(session_count(ss), 5);
	assert_int_equal(session_ncategories(ss), 4);
	assert_int_equal(session_category(ss, 0, &c), 0);
	assert_string_equal(c.id, "tid");
	assert_string_equal(c.label, "Manglende tid");
	assert_string_equal(c.description, "For lidt tid.");
	assert_int_equal(c.nexamples, 1);
	assert_string_equal(c.examples[0], "ingen tid");
	assert_int_equal(session_category(ss, 3, &c), 0);
	assert_true(c.nonsubstantive);
	assert_int_equal(session_category(ss, 4, &c), KERR_NOTFOUND);

	assert_int_equal(session_current(ss, &a, NULL), 0);
	assert_int_equal(a.id, id[0]);
	assert_string_equal(a.respondent, "1");
	assert_string_equal(a.wave, "A");
	assert_string_equal(a.place, "Kommune: Vejle");
	assert_string_equal(a.suggested, "tid");
	assert_int_equal(a.suggested_set, TID);
	assert_int_equal(a.start_set, TID);        /* arrives with the suggestion ticked */
	assert_int_equal(a.nevidence, 1);
	assert_int_equal(a.evidence[0].start, 6);
	assert_int_equal(a.evidence[0].end, 9);
	assert_false(a.decided);
	assert_string_equal(a.codes, "");
	assert_string_equal(a.codebook_version, "2");
	/* evidence comes sorted by position */
	assert_int_equal(session_answer(ss, id[4], &a, NULL), 0);
	assert_int_equal(a.nevidence, 2);
	assert_true(a.evidence[0].start < a.evidence[1].start);
	assert_int_equal(a.evidence[0].cat, 1);
	assert_int_equal(session_answer(ss, 999, &a, NULL), KERR_NOTFOUND);

	assert_int_equal(session_codes_set(ss, "afstand;tid", &set, NULL), 0);
	assert_int_equal(set, TID | AFSTAND);
	assert_int_equal(session_codes_set(ss, "tidd", &set, NULL), KERR_NOTFOUND);
	assert_int_equal(session_set_codes(ss, AFSTAND | TID, &b), 0);
	assert_string_equal(b.data, "tid;afstand");
	buf_release(&b);
	session_close(ss);
	store_close(s);
}

static void test_decide_resume_and_identity(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session_answer a;
	struct kerr e;

	(void)state;
	kerr_clear(&e);
	assert_int_equal(session_decide_set(ss, 0, 0, NULL, &e), KERR_INVALID);
	assert_int_equal(session_decide_set(ss, 0, INGEN | TID, NULL, NULL), KERR_SCHEMA);
	assert_int_equal(session_decide(ss, 0, "tid", NULL, NULL), 0);
	assert_int_equal(session_advance(ss), 0);
	assert_int_equal(session_pos(ss), 1);
	assert_int_equal(session_decide(ss, 0, "afstand;andet", NULL, NULL), 0);
	session_close(ss);

	/* Durable at once, and resumed at the first answer not decided. */
	ss = open_as(s, "anna", SESSION_CODE);
	assert_int_equal(session_pos(ss), 2);
	/* Respondent 1 of wave A is decided, respondent 1 of wave B is not. */
	assert_int_equal(session_answer(ss, id[0], &a, NULL), 0);
	assert_true(a.decided);
	assert_string_equal(a.codes, "tid");
	assert_int_equal(session_answer(ss, id[3], &a, NULL), 0);
	assert_false(a.decided);
	session_close(ss);
	store_close(s);
}

static void test_note_kept_on_revisit(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session_answer a;
	struct store_decision d;
	int saved = -1;

	(void)state;
	/* a note before deciding waits for the decision */
	assert_int_equal(session_note(ss, 0, "spørg Lone", &saved, NULL), 0);
	assert_int_equal(saved, 0);
	assert_int_equal(session_current(ss, &a, NULL), 0);
	assert_string_equal(a.note, "spørg Lone");
	assert_int_equal(session_decide_set(ss, 0, TID, NULL, NULL), 0);
	session_advance(ss);
	session_close(ss);

	/* another day: back to the answer, Enter again -> the note stays */
	ss = open_as(s, "anna", SESSION_CODE);
	assert_int_equal(session_goto_id(ss, id[0]), 0);
	assert_int_equal(session_current(ss, &a, NULL), 0);
	assert_string_equal(a.note, "spørg Lone");
	assert_int_equal(session_decide_set(ss, 0, a.start_set, NULL, NULL), 0);
	assert_int_equal(store_latest(s, id[0], "anna", &d, NULL), 0);
	assert_string_equal(d.note, "spørg Lone");
	store_decision_release(&d);
	/* a note can be found and filtered on */
	assert_int_equal(session_set_filter(ss, SESSION_NOTED, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 1);
	assert_int_equal(session_set_filter(ss, SESSION_ALL, 0, NULL), 0);
	/* editing the note of a decided answer saves it at once */
	assert_int_equal(session_note(ss, id[0], "", &saved, NULL), 0);
	assert_int_equal(saved, 1);
	assert_int_equal(store_latest(s, id[0], "anna", &d, NULL), 0);
	assert_null(d.note);
	assert_string_equal(d.codes, "tid");
	store_decision_release(&d);
	/* undo brings the note back with the codes */
	assert_int_equal(session_undo(ss, NULL, NULL, NULL), 0);
	assert_int_equal(session_answer(ss, id[0], &a, NULL), 0);
	assert_string_equal(a.note, "spørg Lone");
	session_close(ss);
	/* ...also for a session that only reads it (the note of an undo row) */
	ss = open_as(s, "anna", SESSION_CODE);
	assert_int_equal(session_answer(ss, id[0], &a, NULL), 0);
	assert_string_equal(a.note, "spørg Lone");
	assert_int_equal(session_set_filter(ss, SESSION_NOTED, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 1);
	session_close(ss);
	store_close(s);
}

static void test_undo_only_own(void **state)
{
	long long id[5], undone = 0;
	struct store *s = fresh(id);
	struct session *a = open_as(s, "anna", SESSION_CODE);
	struct session *b = open_as(s, "anna", SESSION_CODE);
	struct store_decision d;
	size_t skipped = 9;

	(void)state;
	assert_int_equal(session_decide_set(a, id[0], TID, NULL, NULL), 0);
	assert_int_equal(session_decide_set(b, id[1], AFSTAND, NULL, NULL), 0);
	/* A's undo takes A's decision, though B's is the coder's latest */
	assert_int_equal(session_undo(a, &undone, &skipped, NULL), 0);
	assert_int_equal(undone, id[0]);
	assert_int_equal(skipped, 0);
	assert_int_equal(store_latest(s, id[0], "anna", &d, NULL), KERR_NOTFOUND);
	assert_int_equal(store_latest(s, id[1], "anna", &d, NULL), 0);
	assert_string_equal(d.codes, "afstand");
	store_decision_release(&d);
	assert_int_equal(session_undo(a, NULL, NULL, NULL), KERR_NOTFOUND);

	/* what B decides shows in A after a refresh, note and all */
	assert_int_equal(session_decide_set(b, id[3], TID, "fra B", NULL), 0);
	{
		struct session_progress p;
		struct session_brief br;

		assert_int_equal(session_refresh(a, NULL), 0);
		session_progress(a, &p);
		assert_int_equal(p.done, 2);            /* id[1] and id[3], both from B */
		assert_int_equal(session_brief(a, 3, &br), 0);
		assert_int_equal(br.id, id[3]);
		assert_true(br.decided);
		assert_string_equal(br.note, "fra B");
	}
	/* A decides, B decides the same answer again: A's undo leaves B's */
	assert_int_equal(session_decide_set(a, id[2], ANDET, NULL, NULL), 0);
	assert_int_equal(session_decide_set(b, id[2], TID, NULL, NULL), 0);
	assert_int_equal(session_undo(a, NULL, &skipped, NULL), 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(store_latest(s, id[2], "anna", &d, NULL), 0);
	assert_string_equal(d.codes, "tid");
	store_decision_release(&d);
	/* B's own undo goes back to A's decision, then to nothing */
	assert_int_equal(session_undo(b, NULL, NULL, NULL), 0);
	assert_int_equal(store_latest(s, id[2], "anna", &d, NULL), 0);
	assert_string_equal(d.codes, "andet");
	store_decision_release(&d);
	session_close(a);
	session_close(b);
	store_close(s);
}

static void test_bulk_one_undo(void **state)
{
	long long id[5], ids[3], *found = NULL;
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session_progress p;
	struct session_answer a;
	size_t n = 0, i;

	(void)state;
	assert_int_equal(session_search_all(ss, "TID", &found, &n, NULL), 0);
	assert_int_equal(n, 3);                 /* id 0, 3, 4 mention tid */
	for (i = 0; i < n; i++)
		ids[i] = found[i];
	free(found);
	assert_int_equal(ids[0], id[0]);
	assert_int_equal(ids[2], id[4]);
	assert_int_equal(session_decide_many(ss, ids, n, "tid", NULL), 0);
	session_progress(ss, &p);
	assert_int_equal(p.done, 3);
	assert_int_equal(p.decided, 3);
	assert_int_equal(p.nwaves, 2);
	assert_string_equal(p.waves[0].wave, "A");
	assert_int_equal(p.waves[0].total, 3);
	assert_int_equal(p.waves[0].done, 1);
	assert_int_equal(p.waves[1].done, 2);
	/* unknown answers refuse the whole bulk */
	ids[1] = 999;
	assert_int_equal(session_decide_many(ss, ids, 2, "afstand", NULL), KERR_INVALID);
	assert_int_equal(session_undo(ss, NULL, NULL, NULL), 0);   /* one step, three answers */
	session_progress(ss, &p);
	assert_int_equal(p.done, 0);
	assert_int_equal(session_answer(ss, id[4], &a, NULL), 0);
	assert_false(a.decided);
	assert_int_equal(session_undo(ss, NULL, NULL, NULL), KERR_NOTFOUND);
	session_close(ss);
	store_close(s);
}

static void test_identical_and_brief(void **state)
{
	long long id[5], *ids = NULL, one;
	struct store *s = fresh(id);
	struct session *ss;
	struct session_brief b;
	size_t n = 0;

	(void)state;
	one = add(s, "9", "B", 6, "  Ingen  TID til det ", "tid", NULL);
	ss = open_as(s, "anna", SESSION_CODE);
	assert_int_equal(session_identical(ss, id[0], &ids, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], id[0]);
	assert_int_equal(ids[1], one);
	free(ids);
	assert_int_equal(session_identical(ss, 999, &ids, &n, NULL), KERR_NOTFOUND);
	assert_int_equal(session_decide_set(ss, id[1], AFSTAND, "tjek", NULL), 0);
	assert_int_equal(session_brief(ss, 1, &b), 0);
	assert_int_equal(b.id, id[1]);
	assert_string_equal(b.respondent, "2");
	assert_true(b.decided);
	assert_int_equal(b.codes_set, AFSTAND);
	assert_string_equal(b.note, "tjek");
	assert_int_equal(session_brief(ss, 6, &b), KERR_NOTFOUND);
	session_close(ss);
	/* hand-picked work: the coder then sees only those */
	assert_int_equal(session_sample_add(s, "bo", id + 3, 2, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(session_sample_add(s, "bo", id + 3, 2, &n, NULL), 0);
	assert_int_equal(n, 0);
	one = 999;
	assert_int_equal(session_sample_add(s, "bo", &one, 1, &n, NULL), KERR_NOTFOUND);
	ss = open_as(s, "bo", SESSION_CODE);
	assert_int_equal(session_count(ss), 2);
	session_close(ss);
	store_close(s);
}

static void test_json(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct session_answer a;
	struct buf b = BUF_INIT;
	cJSON *o, *ev, *x;

	(void)state;
	assert_int_equal(session_decide(bo, id[4], "afstand", "\"<b>\"", NULL), 0);
	assert_int_equal(session_answer(ss, id[4], &a, NULL), 0);
	assert_int_equal(session_answer_json(ss, &a, &b, NULL), 0);
	o = cJSON_Parse(b.data);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "text")->valuestring, "bøvl med afstand og tid");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "extra"), "Kommune")
		->valuestring, "Vejle");
	ev = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "evidence"), 0);
	assert_int_equal(cJSON_GetObjectItem(ev, "start")->valueint, 10);   /* bytes */
	assert_int_equal(cJSON_GetObjectItem(ev, "start16")->valueint, 9);  /* ø is one unit */
	assert_string_equal(cJSON_GetObjectItem(ev, "category")->valuestring, "afstand");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "suggested")), 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "codes")), 0);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "decided")));
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "coders"), 0);
	assert_string_equal(cJSON_GetObjectItem(x, "coder")->valuestring, "bo");
	assert_string_equal(cJSON_GetObjectItem(x, "note")->valuestring, "\"<b>\"");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(x, "codes"), 0)->valuestring,
		"afstand");
	cJSON_Delete(o);

	buf_reset(&b);
	assert_int_equal(session_categories_json(ss, &b, NULL), 0);
	o = cJSON_Parse(b.data);
	assert_int_equal(cJSON_GetArraySize(o), 4);
	x = cJSON_GetArrayItem(o, 0);
	assert_string_equal(cJSON_GetObjectItem(x, "label")->valuestring, "Manglende tid");
	assert_int_equal(cJSON_GetObjectItem(x, "number")->valueint, 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(x, "examples"), 0)->valuestring,
		"ingen tid");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 3), "nonsubstantive")));
	cJSON_Delete(o);

	buf_reset(&b);
	assert_int_equal(session_decide_set(ss, id[0], TID, NULL, NULL), 0);
	assert_int_equal(session_progress_json(ss, &b, NULL), 0);
	o = cJSON_Parse(b.data);
	assert_int_equal(cJSON_GetObjectItem(o, "done")->valueint, 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "waves")), 2);
	cJSON_Delete(o);
	buf_release(&b);
	session_close(ss);
	session_close(bo);
	store_close(s);
}

static void test_filters_and_search(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct store_decision d = { 0 };
	struct session_answer a;
	int how = -1;

	(void)state;
	assert_int_equal(session_set_filter(ss, SESSION_UNCERTAIN, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 1);        /* only andet suggested */
	assert_int_equal(session_set_filter(ss, SESSION_BY_CODE, 1, NULL), 0);
	assert_int_equal(session_view_count(ss), 2);        /* afstand suggested */
	assert_int_equal(session_set_filter(ss, SESSION_BY_CODE, 9, NULL), KERR_NOTFOUND);

	/* decided under version 1 of the codebook: the older-version filter */
	d.answer_id = id[1];
	d.coder = "anna";
	d.codebook_id = "t";
	d.codebook_version = "1";
	d.codes = "afstand";
	d.action = "import";
	assert_int_equal(store_add_decision(s, &d, NULL, NULL), 0);
	assert_int_equal(session_decide_set(ss, id[0], TID, NULL, NULL), 0);
	assert_int_equal(session_refresh(ss, NULL), 0);
	assert_int_equal(session_set_filter(ss, SESSION_OLDER, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 1);
	assert_int_equal(session_view_id(ss, 0), id[1]);
	assert_int_equal(session_set_filter(ss, SESSION_UNREVIEWED, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 3);

	/* disagreements: bo codes differently; anna sees it after a refresh,
	 * and each coder's codes with the answer */
	assert_int_equal(session_set_filter(ss, SESSION_DISPUTED, 0, NULL), 0);
	assert_int_equal(session_view_count(ss), 0);
	assert_int_equal(session_decide_set(bo, id[0], ANDET, NULL, NULL), 0);
	assert_int_equal(session_refresh(ss, NULL), 0);
	assert_int_equal(session_view_count(ss), 1);
	assert_int_equal(session_current(ss, &a, NULL), 0);
	assert_true(a.disputed);
	assert_int_equal(a.ncoders, 2);
	assert_string_equal(a.coders[0].coder, "anna");
	assert_string_equal(a.coders[0].codes, "tid");
	assert_string_equal(a.coders[1].coder, "bo");
	assert_string_equal(a.coders[1].codes, "andet");
	/* an adjudication elsewhere settles it, in this view too */
	{
		struct session *chef = open_as(s, "chef", SESSION_ADJUDICATE);

		assert_int_equal(session_decide_set(chef, id[0], TID, NULL, NULL), 0);
		session_close(chef);
	}
	assert_int_equal(session_refresh(ss, NULL), 0);
	assert_int_equal(session_view_count(ss), 0);
	assert_int_equal(session_answer(ss, id[0], &a, NULL), 0);
	assert_true(a.adjudicated);

	/* search: text (æøå-insensitive), respondent, note */
	assert_int_equal(session_set_filter(ss, SESSION_ALL, 0, NULL), 0);
	session_goto(ss, 0);
	assert_int_equal(session_search(ss, "boevl", &how, NULL), 0);
	assert_int_equal(session_view_id(ss, session_pos(ss)), id[4]);
	assert_int_equal(how, 0);
	assert_int_equal(session_search(ss, "3", &how, NULL), 0);
	assert_int_equal(how, 1);
	assert_int_equal(session_view_id(ss, session_pos(ss)), id[2]);
	assert_int_equal(session_note(ss, id[3], "ring til kommunen", NULL, NULL), 0);
	assert_int_equal(session_search(ss, "kommunen", &how, NULL), 0);
	assert_int_equal(session_view_id(ss, session_pos(ss)), id[3]);
	assert_int_equal(session_search(ss, "kommunen", &how, NULL), 0);
	assert_int_equal(how, 2);               /* only here */
	assert_int_equal(session_search(ss, "xyzzy", &how, NULL), KERR_NOTFOUND);
	/* a pending note survives a refresh */
	assert_int_equal(session_refresh(ss, NULL), 0);
	assert_int_equal(session_answer(ss, id[3], &a, NULL), 0);
	assert_string_equal(a.note, "ring til kommunen");
	session_close(ss);
	session_close(bo);
	store_close(s);
}

static void test_adjudicate_starts_empty(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *anna = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct session *chef;
	struct session_answer a;
	struct store_decision d;

	(void)state;
	assert_int_equal(session_decide_set(anna, id[1], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_decide_set(bo, id[1], AFSTAND | TID, NULL, NULL), 0);
	assert_int_equal(session_decide_set(anna, id[2], ANDET, NULL, NULL), 0);
	assert_int_equal(session_decide_set(bo, id[2], ANDET, NULL, NULL), 0);
	chef = open_as(s, "chef", SESSION_ADJUDICATE);
	assert_int_equal(session_count(chef), 1);           /* the one disagreement */
	assert_int_equal(session_current(chef, &a, NULL), 0);
	assert_int_equal(a.id, id[1]);
	assert_int_equal(a.start_set, 0);                   /* nothing ticked */
	assert_int_equal(a.ncoders, 2);
	assert_string_equal(a.coders[0].codes, "afstand");
	assert_string_equal(a.coders[1].codes, "tid;afstand");
	assert_int_equal(session_decide_set(chef, 0, AFSTAND, NULL, NULL), 0);
	assert_int_equal(store_latest(s, id[1], "chef", &d, NULL), 0);
	assert_int_equal(d.final, 1);
	assert_string_equal(d.action, "adjudicate");
	store_decision_release(&d);
	assert_int_equal(session_current(chef, &a, NULL), 0);
	assert_true(a.adjudicated);
	assert_false(a.disputed);
	session_close(chef);
	session_close(anna);
	session_close(bo);
	store_close(s);
}

/* Coding sessions of one store and question share the answers; each keeps
 * its own coder's state, a session opened later still sees the
 * disagreements made before it, and an answer added meanwhile. */
static void test_shared_answers(void **state)
{
	long long id[5], extra;
	struct store *s = fresh(id);
	struct session *anna = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct session *cara, *dan;
	struct session_answer a;
	struct session_brief br;

	(void)state;
	assert_int_equal(session_decide_set(anna, id[1], AFSTAND, "annas note", NULL), 0);
	assert_int_equal(session_decide_set(bo, id[1], AFSTAND | TID, NULL, NULL), 0);
	assert_int_equal(session_note(bo, id[3], "bo venter", NULL, NULL), 0);
	cara = open_as(s, "cara", SESSION_CODE);     /* on the table anna's open built */
	assert_int_equal(session_count(cara), 5);
	assert_int_equal(session_set_filter(cara, SESSION_DISPUTED, 0, NULL), 0);
	assert_int_equal(session_view_count(cara), 1);
	assert_int_equal(session_view_id(cara, 0), id[1]);
	assert_int_equal(session_answer(cara, id[1], &a, NULL), 0);
	assert_false(a.decided);
	assert_string_equal(a.note, "");
	assert_string_equal(a.text, "lang afstand");
	assert_int_equal(a.ncoders, 2);
	/* the coders' own state stayed their own */
	assert_int_equal(session_answer(anna, id[1], &a, NULL), 0);
	assert_string_equal(a.note, "annas note");
	assert_int_equal(a.codes_set, AFSTAND);
	assert_int_equal(session_brief(bo, 3, &br), 0);
	assert_int_equal(br.id, id[3]);
	assert_string_equal(br.note, "bo venter");
	assert_int_equal(session_answer(anna, id[3], &a, NULL), 0);
	assert_string_equal(a.note, "");
	/* a new answer: the next session reads the answers again */
	extra = add(s, "9", "B", 6, "helt ny", "tid", NULL);
	dan = open_as(s, "dan", SESSION_CODE);
	assert_int_equal(session_count(dan), 6);
	assert_int_equal(session_answer(dan, extra, &a, NULL), 0);
	assert_string_equal(a.text, "helt ny");
	assert_int_equal(session_count(anna), 5);
	session_close(anna);
	session_close(bo);
	assert_int_equal(session_answer(cara, id[4], &a, NULL), 0);   /* still there */
	assert_string_equal(a.text, "bøvl med afstand og tid");
	session_close(cara);
	session_close(dan);
	store_close(s);
}

/* The dispute flags live in the table the sessions share: a dispute made
 * by two coders reaches an adjudication opened before it and another
 * coder's filter on a cheap refresh; a decision made through another store
 * handle (a terminal review, an import) is noticed and read; a coder's
 * adjudication reaches the same coder's coding session; and an
 * adjudication settles the dispute for everyone. */
static void test_flags_live(void **state)
{
	long long id[5];
	struct store *s = fresh(id), *s2 = NULL;
	struct session *anna = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct session *lead = open_as(s, "lead", SESSION_ADJUDICATE);
	struct session *annadj, *cara;
	struct session_brief br;

	(void)state;
	assert_int_equal(session_count(lead), 0);
	assert_int_equal(session_decide_set(anna, id[0], TID, NULL, NULL), 0);
	assert_int_equal(session_decide_set(bo, id[0], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_refresh(lead, NULL), 0);
	assert_int_equal(session_count(lead), 1);
	assert_int_equal(session_view_id(lead, 0), id[0]);
	assert_int_equal(session_set_filter(anna, SESSION_DISPUTED, 0, NULL), 0);
	assert_int_equal(session_view_count(anna), 1);

	/* another handle on the same file: its decisions are not the table's */
	assert_int_equal(session_decide_set(anna, id[1], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_refresh(anna, NULL), 0);
	assert_int_equal(session_view_count(anna), 1);
	assert_int_equal(store_open(&s2, store_path(s), 0, NULL), 0);
	cara = open_as(s2, "cara", SESSION_CODE);
	assert_int_equal(session_decide_set(cara, id[1], TID, NULL, NULL), 0);
	session_close(cara);
	store_close(s2);
	assert_int_equal(session_refresh(anna, NULL), 0);
	assert_int_equal(session_view_count(anna), 2);
	assert_int_equal(session_refresh(lead, NULL), 0);
	assert_int_equal(session_count(lead), 2);

	/* anna adjudicates: her coding session shows her final codes, and
	 * the dispute is settled in everyone's view */
	annadj = open_as(s, "anna", SESSION_ADJUDICATE);
	assert_int_equal(session_decide_set(annadj, id[0], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_refresh(anna, NULL), 0);
	assert_int_equal(session_set_filter(anna, SESSION_ALL, 0, NULL), 0);
	assert_int_equal(session_brief(anna, 0, &br), 0);
	assert_int_equal(br.id, id[0]);
	assert_int_equal(br.codes_set, AFSTAND);
	assert_true(br.adjudicated);
	assert_false(br.disputed);
	assert_int_equal(session_set_filter(bo, SESSION_DISPUTED, 0, NULL), 0);
	assert_int_equal(session_view_count(bo), 1);
	assert_int_equal(session_view_id(bo, 0), id[1]);
	/* still the lead's to see, now adjudicated */
	assert_int_equal(session_refresh(lead, NULL), 0);
	assert_int_equal(session_count(lead), 2);
	assert_int_equal(session_brief(lead, 0, &br), 0);
	assert_int_equal(br.id, id[0]);
	assert_true(br.adjudicated);
	/* anna comes round to cara's codes on id[1]: it leaves the lead's answers */
	assert_int_equal(session_decide_set(anna, id[1], TID, NULL, NULL), 0);
	assert_int_equal(session_refresh(lead, NULL), 0);
	assert_int_equal(session_count(lead), 1);
	/* alone on its handle, an adjudication reads the disputes itself */
	assert_int_equal(store_open(&s2, store_path(s), 0, NULL), 0);
	cara = open_as(s2, "lead2", SESSION_ADJUDICATE);
	assert_int_equal(session_count(cara), 1);
	assert_int_equal(session_view_id(cara, 0), id[0]);
	assert_int_equal(session_decide_set(bo, id[2], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_decide_set(anna, id[2], TID, NULL, NULL), 0);
	assert_int_equal(session_refresh(cara, NULL), 0);
	assert_int_equal(session_count(cara), 2);
	session_close(cara);
	store_close(s2);
	session_close(annadj);
	session_close(lead);
	session_close(anna);
	session_close(bo);
	store_close(s);
}

/* A new codebook version while coders work (a category added): the next
 * session's table is derived from the old version's, its code bits
 * following the new codebook (andet moves up one), its dispute flags kept. */
static void test_new_version_derived(void **state)
{
	static const char v3[] =
		"{\"id\": \"t\", \"version\": 3, \"title\": \"T\", \"language\": \"da\",\n"
		" \"categories\": [\n"
		"  {\"id\": \"tid\", \"label\": \"Manglende tid\", \"include\": [\"tid\"]},\n"
		"  {\"id\": \"afstand\", \"label\": \"Afstand\", \"include\": [\"afstand\"]},\n"
		"  {\"id\": \"boevl\", \"label\": \"Bøvl\", \"include\": [\"bøvl\"]},\n"
		"  {\"id\": \"andet\", \"label\": \"Andet\"}\n"
		" ]}\n";
	long long id[5];
	struct store *s = fresh(id);
	struct session *anna = open_as(s, "anna", SESSION_CODE);
	struct session *bo = open_as(s, "bo", SESSION_CODE);
	struct session *cara;
	struct session_answer a;
	char path[300];
	FILE *f;

	(void)state;
	assert_int_equal(session_decide_set(anna, id[1], AFSTAND, NULL, NULL), 0);
	assert_int_equal(session_decide_set(bo, id[1], TID, NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/t3.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(v3, f);
	fclose(f);
	assert_int_equal(project_set_codebook(s, "q", path, NULL), 0);
	cara = open_as(s, "cara", SESSION_CODE);
	assert_int_equal(session_count(cara), 5);
	assert_int_equal(session_answer(cara, id[2], &a, NULL), 0);
	assert_string_equal(a.text, "noget helt andet");
	assert_int_equal(a.suggested_set, (uint64_t)1 << 3);     /* andet, now fourth */
	assert_int_equal(session_answer(cara, id[4], &a, NULL), 0);
	assert_int_equal(a.suggested_set, TID | AFSTAND);
	assert_string_equal(a.respondent, "2");
	assert_int_equal(session_set_filter(cara, SESSION_DISPUTED, 0, NULL), 0);
	assert_int_equal(session_view_count(cara), 1);
	assert_int_equal(session_view_id(cara, 0), id[1]);
	assert_int_equal(session_set_filter(cara, SESSION_UNCERTAIN, 0, NULL), 0);
	assert_int_equal(session_view_count(cara), 1);
	assert_int_equal(session_view_id(cara, 0), id[2]);
	session_close(anna);
	session_close(bo);
	assert_int_equal(session_answer(cara, id[0], &a, NULL), 0);   /* its own copy */
	assert_string_equal(a.text, "ingen tid til det");
	session_close(cara);
	store_close(s);
}

struct rows {
	char got[512];
	size_t n;
};

/* The live tally: per wave and role, decisions over suggestions,
 * ingen_svar outside the base. */
static void test_tally(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	struct tally *t = NULL;
	const struct tally_cell *a, *b;
	long tid, afstand;

	(void)state;
	assert_int_equal(session_decide(ss, id[1], "tid", NULL, NULL), 0);   /* was afstand */
	assert_int_equal(session_decide(ss, id[2], "ingen_svar", NULL, NULL), 0);
	assert_int_equal(session_tally_store(s, "q", &t, NULL), 0);
	assert_int_equal(t->nwaves, 2);
	assert_int_equal(t->nroles, 1);
	assert_string_equal(t->waves[0].name, "A");
	assert_string_equal(t->roles[0].name, "Leder");
	tid = tally_cat_index(t, "tid");
	afstand = tally_cat_index(t, "afstand");
	assert_true(tid >= 0 && afstand >= 0);
	a = tally_cell(t, 0, 0, 0);
	b = tally_cell(t, 0, 1, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->answered, 3);
	assert_int_equal(a->base, 2);              /* ingen_svar is not in Y */
	assert_int_equal(a->reviewed, 2);
	assert_int_equal(a->count[tid], 2);        /* the suggestion and anna's override */
	assert_int_equal(a->count[afstand], 0);
	assert_int_equal(b->base, 2);
	assert_int_equal(b->reviewed, 0);
	assert_int_equal(b->count[tid], 2);
	assert_int_equal(b->count[afstand], 1);
	tally_free(t);
	session_close(ss);
	store_close(s);
}

static int row(void *ctx, const struct session_sample_row *r)
{
	struct rows *l = ctx;
	size_t len = strlen(l->got);

	snprintf(l->got + len, sizeof(l->got) - len, "%s:%s/%s%s ", r->coder, r->respondent,
		r->wave, r->decided ? "*" : "");
	l->n++;
	return 0;
}

static void test_samples(void **state)
{
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss;
	struct rows l = { "", 0 };
	size_t n = 0;

	(void)state;
	assert_int_equal(session_sample_assign(s, "q", "anna", 2, 7, &n, NULL), 0);
	assert_int_equal(n, 2);
	ss = open_as(s, "anna", SESSION_CODE);
	assert_true(session_has_sample(ss));
	assert_int_equal(session_count(ss), 2);
	assert_int_equal(session_decide_set(ss, 0, TID, NULL, NULL), 0);
	session_close(ss);
	assert_int_equal(session_sample_list(s, "q", NULL, row, &l, NULL), 0);
	assert_int_equal(l.n, 2);
	assert_non_null(strchr(l.got, '*'));                /* one decided */

	/* the wrong coder: bo gets the sample, anna's decision stays anna's */
	assert_int_equal(session_sample_reassign(s, "q", "anna", "anna", &n, NULL), KERR_INVALID);
	assert_int_equal(session_sample_reassign(s, "q", "anna", "bo", &n, NULL), 0);
	assert_int_equal(n, 2);
	ss = open_as(s, "anna", SESSION_CODE);
	assert_false(session_has_sample(ss));
	assert_int_equal(session_count(ss), 5);             /* all her work again */
	session_close(ss);
	ss = open_as(s, "bo", SESSION_CODE);
	assert_int_equal(session_count(ss), 2);
	session_close(ss);
	memset(&l, 0, sizeof(l));
	assert_int_equal(session_sample_list(s, "q", "bo", row, &l, NULL), 0);
	assert_int_equal(l.n, 2);
	assert_null(strchr(l.got, '*'));
	assert_int_equal(session_sample_remove(s, "q", "bo", &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(session_sample_remove(s, "q", "bo", &n, NULL), KERR_NOTFOUND);
	assert_int_equal(session_sample_reassign(s, "q", "bo", "cy", &n, NULL), KERR_NOTFOUND);
	ss = open_as(s, "bo", SESSION_CODE);
	assert_int_equal(session_count(ss), 5);
	session_close(ss);
	store_close(s);
}

/* The uncertain order.  Without a model: the answer the patterns left
 * to andet comes first, the rest in survey order.  With one: where the
 * patterns and the model disagree first (the further apart the sooner),
 * then the model's least sure, ties in survey order; filters still apply,
 * the position is the first undecided answer, and survey order comes back. */
static void test_order(void **state)
{
	static const char model[] =
		"koder-model\t1\ncodebook\tt\ncategories\ttid\tafstand\tandet\n"
		"thresholds\t0.5\t0.9\t0.9\n"
		"bias\t-3\t-3\t-3\n"
		"w:tid\t6\t0\t0\n"        /* tid: 0.95 where the word is */
		"w:afstand\t0\t6\t0\n"
		"w:lang\t0\t-3\t0\n"      /* "lang afstand": afstand 0.5, least sure */
		"w:stadig\t-6\t0\t6\n"    /* "stadig ingen tid": andet, as the patterns */
		"w:noget\t5\t0\t6\n";     /* "noget helt andet": tid 0.88, patterns say no */
	long long id[5];
	struct store *s = fresh(id);
	struct session *ss = open_as(s, "anna", SESSION_CODE);
	char path[300], mpath[300];
	struct session_answer a;
	enum session_order o;
	FILE *f;
	size_t i;
	struct kerr e;

	(void)state;
	kerr_clear(&e);
	assert_int_equal(session_order_parse("uncertain", &o), 0);
	assert_int_equal(o, SESSION_ORDER_UNCERTAIN);
	assert_int_equal(session_order_parse("random", &o), KERR_NOTFOUND);
	assert_string_equal(session_order_name(SESSION_ORDER_SURVEY), "survey");
	assert_true(session_priority(ss, 0) < 0);

	/* no model: what the patterns left uncoded first ("ingen tid" is
	 * negated, "noget helt andet" only andet), then the rest */
	assert_int_equal(session_set_order(ss, SESSION_ORDER_UNCERTAIN, &e), 0);
	assert_int_equal(session_order_model(ss), 0);
	{
		const long long want[5] = { id[0], id[2], id[3], id[1], id[4] };

		for (i = 0; i < 5; i++)
			assert_int_equal(session_view_id(ss, i), want[i]);
	}
	assert_true(session_priority(ss, 0) == 1.0);
	assert_true(session_priority(ss, 3) == 0.0);
	assert_int_equal(session_current(ss, &a, &e), 0);
	assert_int_equal(a.id, id[0]);
	session_close(ss);
	store_close(s);

	/* with a model */
	snprintf(mpath, sizeof(mpath), "%s/t.model", dir);
	assert_non_null(f = fopen(mpath, "w"));
	fputs(model, f);
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/tm.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"id\": \"t\", \"version\": 2, \"title\": \"T\", \"language\": \"da\",\n"
		" \"model\": \"t.model\", \"categories\": [\n"
		"  {\"id\": \"tid\", \"label\": \"Manglende tid\", \"include\": [\"tid\"]},\n"
		"  {\"id\": \"afstand\", \"label\": \"Afstand\", \"include\": [\"afstand\"]},\n"
		"  {\"id\": \"andet\", \"label\": \"Andet\"}]}\n", f);
	assert_int_equal(fclose(f), 0);
	s = fresh(id);
	assert_int_equal(project_set_codebook(s, "q", path, NULL), 0);
	ss = open_as(s, "anna", SESSION_CODE);
	/* "ingen tid til det": the patterns see a negation, the model tid
	 * (0.95): first.  It is decided, so the position skips it. */
	assert_int_equal(session_decide(ss, id[0], "andet", NULL, &e), 0);
	assert_int_equal(session_set_order(ss, SESSION_ORDER_UNCERTAIN, &e), 0);
	assert_int_equal(session_get_order(ss), SESSION_ORDER_UNCERTAIN);
	assert_int_equal(session_order_model(ss), 1);
	{
		const long long want[5] = { id[0], id[2], id[1], id[3], id[4] };

		for (i = 0; i < 5; i++)
			assert_int_equal(session_view_id(ss, i), want[i]);
	}
	assert_true(session_priority(ss, 0) > session_priority(ss, 1));
	assert_true(session_priority(ss, 1) > 1.5);
	assert_true(session_priority(ss, 2) > 0.99 && session_priority(ss, 2) <= 1.0);
	assert_true(session_priority(ss, 3) < 0.2);
	assert_int_equal(session_pos(ss), 1);     /* id[0] is decided */
	/* a decision moves on in this order */
	assert_int_equal(session_decide(ss, 0, "andet", NULL, &e), 0);
	assert_int_equal(session_advance(ss), 0);
	assert_int_equal(session_view_id(ss, session_pos(ss)), id[1]);
	/* a filter keeps the order */
	assert_int_equal(session_set_filter(ss, SESSION_UNREVIEWED, 0, &e), 0);
	assert_int_equal(session_view_count(ss), 3);
	assert_int_equal(session_view_id(ss, 0), id[1]);
	assert_int_equal(session_view_id(ss, 1), id[3]);
	assert_int_equal(session_view_id(ss, 2), id[4]);
	assert_int_equal(session_refresh(ss, &e), 0);
	assert_int_equal(session_view_id(ss, 0), id[1]);
	/* back to survey order */
	assert_int_equal(session_set_filter(ss, SESSION_ALL, 0, &e), 0);
	assert_int_equal(session_view_id(ss, 1), id[2]);
	assert_int_equal(session_set_order(ss, SESSION_ORDER_SURVEY, &e), 0);
	assert_int_equal(session_view_id(ss, 0), id[0]);
	assert_int_equal(session_view_id(ss, 1), id[1]);
	assert_true(session_priority(ss, 0) >= 0);   /* still known */
	session_close(ss);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_answer),
		cmocka_unit_test(test_decide_resume_and_identity),
		cmocka_unit_test(test_note_kept_on_revisit),
		cmocka_unit_test(test_undo_only_own),
		cmocka_unit_test(test_bulk_one_undo),
		cmocka_unit_test(test_identical_and_brief),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_filters_and_search),
		cmocka_unit_test(test_adjudicate_starts_empty),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_shared_answers),
		cmocka_unit_test(test_flags_live),
		cmocka_unit_test(test_new_version_derived),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_tally),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

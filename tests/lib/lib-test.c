/*
 * lib-test.c - a program that links build/libkoder.a alone (and the system
 * libraries) and uses only include/koder.h: it reads the small survey
 * beside it (survey.csv, corpus.json, cb.json), codes every answer, checks
 * the codes and the reasons (a pattern, a match cancelled by a negation cue,
 * an exclusion), tallies, checks the cells against the counts `koder tally`
 * gives on the same files, runs a project store through a decision, and a
 * review session through decisions, a note, undo and a reopen.
 * Run from tests/lib (make lib-test does).  Exit 0 when every check holds.
 */
#include <koder.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "lib-test: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	failures++; } } while (0)

static void die(const char *what, const koder_error *err)
{
	char msg[1024];

	koder_error_format(err, msg, sizeof msg);
	fprintf(stderr, "lib-test: %s: %s\n", what, msg);
	exit(1);
}

/* The reason of kind `why` for category `cat`, or NULL. */
static int find_reason(const koder_coding *c, int why, long cat, koder_reason *out)
{
	for (size_t i = 0; i < koder_coding_nreasons(c); i++)
		if (!koder_coding_reason(c, i, out) && out->why == why && (long)out->category == cat)
			return 1;
	return 0;
}

struct want {
	const char *wave, *role, *category;
	size_t count, base, respondents;
};

/* `koder tally corpus.json --format json` on the same files. */
static const struct want cells[] = {
	{ "Nulpunkt", "Medarbejder", "tid", 1, 2, 4 },
	{ "Nulpunkt", "Leder", "tid", 0, 1, 1 },
	{ "Afslutning", "Medarbejder", "tid", 1, 2, 2 },
	{ "Afslutning", "Leder", "tid", 0, 1, 1 },
	{ "Nulpunkt", "Medarbejder", "afstand", 1, 2, 4 },
	{ "Nulpunkt", "Leder", "afstand", 0, 1, 1 },
	{ "Afslutning", "Medarbejder", "afstand", 1, 2, 2 },
	{ "Afslutning", "Leder", "afstand", 0, 1, 1 },
	{ "Nulpunkt", "Medarbejder", "andet", 0, 2, 4 },
	{ "Nulpunkt", "Leder", "andet", 1, 1, 1 },
	{ "Afslutning", "Medarbejder", "andet", 1, 2, 2 },
	{ "Afslutning", "Leder", "andet", 1, 1, 1 },
};

static void code_and_tally(void)
{
	koder_survey_spec spec = { 0 };
	koder_survey *sv;
	koder_engine *en;
	koder_coding *c;
	koder_tally *t;
	koder_error err;
	koder_row row;
	koder_reason why;
	long tid, afstand, andet;
	int got, n = 0;

	spec.corpus = "corpus.json";
	if (koder_survey_open(&spec, &sv, &err))
		die("open the survey", &err);
	CHECK(koder_survey_nquestions(sv) == 1);
	CHECK(!strcmp(koder_survey_question(sv, 0), "barrierer"));
	if (koder_engine_open(koder_survey_codebook(sv, 0), NULL, &en, &err))
		die("open the codebook", &err);
	CHECK(!strcmp(koder_engine_codebook_id(en), "libtest"));
	CHECK(koder_engine_ncategories(en) == 4);   /* tid, afstand, andet, ingen_svar */
	tid = koder_engine_find(en, "tid");
	afstand = koder_engine_find(en, "afstand");
	andet = koder_engine_find(en, "andet");
	CHECK(tid == 0 && afstand == 1 && andet == 2);
	if (koder_coding_new(&c, &err) || koder_tally_new(en, "barrierer", &t, &err))
		die("make a coding and a tally", &err);
	while ((got = koder_survey_next(sv, &row, &err)) > 0) {
		const char *text = row.answers[0];

		n++;
		if (koder_code(en, text, strlen(text), c, &err))
			die("code an answer", &err);
		if (koder_tally_add(t, row.wave, row.role, c, &err))
			die("tally an answer", &err);
		if (!strcmp(row.respondent, "1") && !strcmp(row.wave, "Nulpunkt")) {
			/* "ikke tid" is cancelled by its cue, "travlt" codes it */
			CHECK(!strcmp(koder_coding_codes_text(c), "tid"));
			CHECK(!strcmp(row.role, "Medarbejder"));   /* Sagsbehandler is one */
			CHECK(find_reason(c, KODER_WHY_PATTERN, tid, &why));
			CHECK(why.pattern == 1 && !strcmp(why.pattern_text, "travl*"));
			CHECK(!strncmp(text + why.start, "travlt", why.end - why.start));
		} else if (!strcmp(row.respondent, "3") && !strcmp(row.wave, "Nulpunkt")) {
			/* "Afstanden er ikke et problem": matched, cancelled by "ikke" */
			CHECK(koder_coding_status(c) == KODER_ANDET);
			CHECK(find_reason(c, KODER_WHY_RESIDUAL, andet, &why));
			CHECK(find_reason(c, KODER_WHY_NEGATED, afstand, &why));
			CHECK(!strncmp(text + why.start, "Afstanden", why.end - why.start));
			CHECK(why.cue_end - why.cue_start == 4
			      && !strncmp(text + why.cue_start, "ikke", 4));
		} else if (!strcmp(row.respondent, "2") && !strcmp(row.wave, "Afslutning")) {
			/* "afstand til borgerne" is an exclude of afstand */
			CHECK(koder_coding_status(c) == KODER_ANDET);
			CHECK(find_reason(c, KODER_WHY_EXCLUDED, afstand, &why));
			CHECK(!strcmp(why.pattern_text, "afstand til borgerne"));
		} else if (!strcmp(row.respondent, "1") && !strcmp(row.wave, "Afslutning")) {
			CHECK(!strcmp(koder_coding_codes_text(c), "tid;afstand"));
			CHECK(koder_coding_ncodes(c) == 2 && koder_coding_code(c, 1) == (size_t)afstand);
		} else if (!strcmp(row.respondent, "4")) {
			CHECK(koder_coding_status(c) == KODER_INGEN_SVAR);
			CHECK(find_reason(c, KODER_WHY_NONSUBSTANTIVE, koder_engine_find(en, "ingen_svar"),
					  &why));
		}
	}
	if (got < 0)
		die("read the survey", &err);
	CHECK(n == 8);
	CHECK(koder_tally_ncells(t) == sizeof cells / sizeof cells[0]);
	for (size_t i = 0; i < koder_tally_ncells(t) && i < sizeof cells / sizeof cells[0]; i++) {
		koder_cell cell;

		CHECK(!koder_tally_cell(t, i, &cell));
		CHECK(!strcmp(cell.wave, cells[i].wave) && !strcmp(cell.role, cells[i].role)
		      && !strcmp(cell.category, cells[i].category));
		CHECK(cell.count == cells[i].count && cell.base == cells[i].base
		      && cell.respondents == cells[i].respondents);
		CHECK(!strcmp(cell.question, "barrierer") && !strcmp(cell.codebook, "libtest"));
	}
	koder_tally_free(t);
	koder_coding_free(c);
	koder_engine_close(en);
	koder_survey_close(sv);
}

/* A respondent twice in one wave is named with both lines. */
static void duplicate(void)
{
	koder_survey_spec spec = { 0 };
	koder_survey *sv;
	koder_error err;
	koder_row row;
	int got, dup = 0;

	spec.file = "dup.csv";
	spec.id = "id";
	spec.wave = "Måling";
	spec.text = "Svar";
	if (koder_survey_open(&spec, &sv, &err))
		die("open dup.csv", &err);
	while ((got = koder_survey_next(sv, &row, &err)) != 0)
		if (got == -KODER_ESCHEMA) {
			dup++;
			CHECK(err.line == 4 && strstr(err.message, "on line 2 and on line 4"));
		}
	CHECK(dup == 1);
	koder_survey_close(sv);
}

struct sum {
	size_t answers, decided;
};

static int count_answer(void *ctx, const koder_answer *a)
{
	struct sum *s = ctx;

	s->answers++;
	if (a->codes) {
		s->decided++;
		if (strcmp(a->codes, "afstand") || strcmp(a->coder, "bo"))
			failures++, fprintf(stderr, "lib-test: decision read back as %s by %s\n",
				a->codes, a->coder ? a->coder : "(none)");
	}
	return 0;
}

static int first_id(void *ctx, const koder_answer *a)
{
	*(long long *)ctx = a->id;
	return 1;
}

static void project(void)
{
	char path[64];
	koder_project *p;
	koder_error err;
	struct sum s = { 0, 0 };
	size_t n = 0;
	long long id = 0;

	snprintf(path, sizeof path, "/tmp/koder-lib-test-%ld.db", (long)getpid());
	unlink(path);
	if (koder_project_open(path, 1, &p, &err))
		die("create a store", &err);
	if (koder_project_add_survey(p, "corpus.json", NULL, &n, &err))
		die("read the survey into the store", &err);
	CHECK(n == 7);   /* one answer is blank */
	CHECK(koder_project_each_answer(p, "barrierer", first_id, &id, &err) == 1 && id > 0);
	CHECK(koder_project_decide(p, id, "bo", "nosuch", NULL, &err) == KODER_ENOTFOUND);
	if (koder_project_decide(p, id, "bo", "afstand", "a note", &err))
		die("decide", &err);
	if (koder_project_each_answer(p, "barrierer", count_answer, &s, &err))
		die("read the answers", &err);
	CHECK(s.answers == 7 && s.decided == 1);
	koder_project_close(p);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
}

static void remove_store(char *path)
{
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
	path[strlen(path) - 4] = '\0';
}

struct samples {
	size_t rows;
	const char *coder;
};

static int count_sample(void *ctx, const koder_sample_row *r)
{
	struct samples *s = ctx;

	s->rows++;
	if (strcmp(r->coder, s->coder))
		failures++, fprintf(stderr, "lib-test: sample of %s listed for %s\n", r->coder, s->coder);
	return 0;
}

/* A review session through the public API: decide with a note, undo only
 * this session's own decision, a note kept on revisit and after reopening,
 * the filters, a sample given to the wrong coder and moved, adjudication. */
static void review_session(void)
{
	char path[64];
	koder_project *p;
	koder_session *s, *w;
	koder_session_answer a;
	koder_error err;
	struct samples sm = { 0, "cy" };
	long long first, second, undone = 0;
	size_t skipped = 9, total = 0, done = 0, n = 0;

	snprintf(path, sizeof path, "/tmp/koder-lib-session-%ld.db", (long)getpid());
	remove_store(path);
	if (koder_project_open(path, 1, &p, &err)
	    || koder_project_add_survey(p, "corpus.json", NULL, NULL, &err))
		die("make a store", &err);
	if (koder_session_open(p, "barrierer", "anna", KODER_SESSION_CODE, &s, &err))
		die("open a session", &err);
	CHECK(koder_session_count(s) == 7 && koder_session_pos(s) == 0);
	if (koder_session_current(s, &a, &err))
		die("the current answer", &err);
	first = a.id;
	CHECK(!a.decided && !*a.note && !strcmp(a.start, a.suggested) && !strcmp(a.suggested, "tid"));
	CHECK(koder_session_decide(s, 0, "nosuch", NULL, &err) == KODER_ENOTFOUND
	      && !strcmp(err.path, "nosuch"));
	if (koder_session_decide(s, 0, "tid", "ring til lederen", &err))
		die("decide", &err);
	CHECK(koder_session_advance(s) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && a.id != first && !a.decided);
	second = a.id;
	/* a note on an undecided answer waits for the decision */
	CHECK(koder_session_note(s, 0, "spørg Bo", &err) == 0);
	if (koder_session_decide(s, 0, "afstand", NULL, &err))
		die("decide the second", &err);
	/* revisit the first: its note is shown, and kept on a new decision */
	CHECK(koder_session_goto(s, first, &err) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && a.decided
	      && !strcmp(a.codes, "tid") && !strcmp(a.note, "ring til lederen"));
	CHECK(koder_session_decide(s, 0, "tid;afstand", NULL, &err) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && !strcmp(a.note, "ring til lederen"));
	/* a second window of the same coder: its undo leaves this one's alone */
	if (koder_session_open(p, "barrierer", "anna", KODER_SESSION_CODE, &w, &err))
		die("open a second window", &err);
	CHECK(koder_session_undo(w, NULL, NULL, &err) == KODER_ENOTFOUND);
	koder_session_close(w);
	/* undo here: the latest step (tid;afstand) goes, tid comes back */
	CHECK(koder_session_undo(s, &undone, &skipped, &err) == 0 && undone == first && skipped == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && !strcmp(a.codes, "tid"));
	koder_session_progress(s, &total, &done);
	CHECK(total == 7 && done == 2);
	/* filters: the noted answers, an unknown category refused */
	CHECK(koder_session_filter(s, KODER_FILTER_NOTED, NULL, &err) == 0 && koder_session_count(s) == 2);
	CHECK(koder_session_filter(s, KODER_FILTER_BY_CODE, "nosuch", &err) == KODER_ENOTFOUND);
	CHECK(koder_session_filter(s, KODER_FILTER_UNREVIEWED, NULL, &err) == 0 && koder_session_count(s) == 5);
	CHECK(koder_session_filter(s, KODER_FILTER_ALL, NULL, &err) == 0);
	CHECK(koder_session_search(s, "spørg bo", &err) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && a.id == second);
	koder_session_close(s);

	/* reopen: the notes are there */
	if (koder_session_open(p, "barrierer", "anna", KODER_SESSION_CODE, &s, &err))
		die("reopen", &err);
	CHECK(koder_session_goto(s, second, &err) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && !strcmp(a.note, "spørg Bo")
	      && !strcmp(a.codes, "afstand"));
	CHECK(koder_session_undo(s, NULL, NULL, &err) == KODER_ENOTFOUND);
	koder_session_close(s);

	/* a sample given to the wrong coder is removed, then reassigned */
	CHECK(koder_session_sample_assign(p, "barrierer", "bo", 3, 7, &n, &err) == 0 && n == 3);
	CHECK(koder_session_sample_reassign(p, "barrierer", "bo", "cy", &n, &err) == 0 && n == 3);
	CHECK(koder_session_sample_list(p, "barrierer", NULL, count_sample, &sm, &err) == 0 && sm.rows == 3);
	CHECK(koder_session_sample_remove(p, "barrierer", "cy", &n, &err) == 0 && n == 3);
	CHECK(koder_session_sample_remove(p, "barrierer", "cy", &n, &err) == KODER_ENOTFOUND);

	/* bo disagrees on the first answer; adjudication shows both, ticks nothing */
	if (koder_project_decide(p, first, "bo", "afstand", NULL, &err))
		die("bo decides", &err);
	if (koder_session_open(p, "barrierer", "lead", KODER_SESSION_ADJUDICATE, &s, &err))
		die("open adjudication", &err);
	CHECK(koder_session_count(s) == 1);
	CHECK(koder_session_current(s, &a, &err) == 0 && a.id == first && a.disputed
	      && a.ncoders == 2 && !*a.start);
	CHECK(koder_session_decide(s, 0, "tid", NULL, &err) == 0);
	CHECK(koder_session_current(s, &a, &err) == 0 && a.adjudicated && !a.disputed);
	koder_session_close(s);
	koder_project_close(p);
	remove_store(path);
}

int main(void)
{
	koder_error err;

	CHECK(!strcmp(koder_version(), "0.1.0") || koder_version()[0]);
	CHECK(koder_engine_open("no-such-codebook.json", NULL, &(koder_engine *){ NULL }, &err)
	      == KODER_ENOTFOUND && err.code == KODER_ENOTFOUND);
	code_and_tally();
	duplicate();
	project();
	review_session();
	if (failures) {
		fprintf(stderr, "lib-test: %d checks failed\n", failures);
		return 1;
	}
	printf("lib-test: libkoder.a codes, explains and tallies the test survey as koder does\n");
	return 0;
}

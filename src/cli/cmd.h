/*
 * cmd.h - the subcommands.  Each lives in src/cmd_<name>.c, parses its own
 * options with cli.h, and returns an exit status from enum koder_exit.
 * argv[0] is the command's name.  main.c dispatches from a table.
 */
#ifndef KODER_CMD_H
#define KODER_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "gold.h"

int cmd_normalize(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_code(int argc, char **argv);
int cmd_codebook(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
/* The side-by-side X/Y table of effect.h, as diff and migrate show it
 * (cmd_diff.c); `counted` says whose codes X counts, so that a rules-only
 * table is not read as the report's.  Returns 0 or KERR_WRITE with `e` set. */
struct effect_table;
struct kerr;
int cmd_print_effect_table(FILE *fp, const struct effect_table *t, const char *before_name,
	const char *after_name, const char *counted, struct kerr *e);

struct codebook;
/* Load a codebook for a command, printing every problem found; returns an
 * exit status (0 = loaded, *cb then owned by the caller). */
int cmd_load_codebook(const char *path, struct codebook **cb);
/* Say that `stale` decisions made under a codebook version other than
 * `version` were left out of training or scoring (after 'koder migrate'
 * they await review; their codes mean the old categories).  0: silent. */
void cmd_note_stale(unsigned long stale, const char *version);
struct cli_parser;
/* Like cli_next, but options may also follow operands ("koder diff a b -o x"):
 * returns 0 with *operand set for each operand; everything after "--" is an
 * operand.  *rest starts at 0. */
int cmd_next_or_operand(struct cli_parser *p, int argc, char **argv, int *rest,
	const char **operand);

int cmd_scan(int argc, char **argv);
struct cli_usage;
/* The --mask and --mask-kinds rows of an option table (keys of the command's
 * choosing), for every command that writes answer text. */
#define CMD_MASK_OPTS(key_mask, key_kinds, what) \
	{ key_mask, "mask", NULL, "replace CPR numbers, phones, e-mails and names in " what }, \
	{ key_kinds, "mask-kinds", "LIST", "mask only these: cpr,phone,email,name (implies --mask)" }
/* The same rows for a command whose output holds no answer text. */
#define CMD_NO_MASK_OPTS(key_mask, key_kinds) \
	{ key_mask, "mask", NULL, "accepted; this output holds no answer text to mask" }, \
	{ key_kinds, "mask-kinds", "LIST", "accepted like --mask (the LIST is checked)" }
/* The survey-flag rows of a command that reads a bare survey without a
 * corpus descriptor (review, serve): its answer, id, wave and role columns. */
#define CMD_SURVEY_OPTS(key_text, key_id, key_wave, key_role) \
	{ key_text, "text", "COLUMN", "the answer column (without a corpus descriptor)" }, \
	{ key_id, "id", "COLUMN", "the respondent id column" }, \
	{ key_wave, "wave", "COLUMN", "the wave column" }, \
	{ key_role, "role", "COLUMN", "the role column" }
/* The --order row of a review front end (session.h's orders). */
#define CMD_ORDER_OPT(key) \
	{ key, "order", "ORDER", "survey (default) or uncertain: where the patterns and the " \
	  "learned model disagree, or the model is least sure, first" }
/* Handle --mask (list NULL: every kind, unless --mask-kinds chose) or
 * --mask-kinds LIST: sets *mask to a pii.h kind set (mask NULL: a command
 * whose output holds no answer text only checks the list).  Returns 0, or
 * prints the misuse with `u` and returns EXIT_USAGE. */
int cmd_mask_opt(const char *list, unsigned *mask, const struct cli_usage *u);

/* Where score and train read coded answers: the option keys are
 * CMD_GOLD_FIRST and the eight after it; `verb` opens the --db and --gold
 * help ("learn from", "score against"). */
enum { CMD_GOLD_FIRST = 0x4000 };
#define CMD_GOLD_OPTS(verb) \
	{ CMD_GOLD_FIRST, "db", "PATH", verb " the coders' decisions in this project store" }, \
	{ CMD_GOLD_FIRST + 1, "question", "ID", "the corpus question (default: its only one); with --db the store's (default: the codebook's id)" }, \
	{ CMD_GOLD_FIRST + 2, "gold", "FILE", verb " a CSV of coded answers (may be repeated)" }, \
	{ CMD_GOLD_FIRST + 3, "text", "COL", "the answer column of --gold files (default: text)" }, \
	{ CMD_GOLD_FIRST + 4, "codes", "COL", "the codes column of --gold files (default: codes)" }, \
	{ CMD_GOLD_FIRST + 5, "survey", "FILE", "the survey (or its corpus) with the answers of --gold files of id,codes rows" }, \
	{ CMD_GOLD_FIRST + 6, "id", "COL", "the survey's respondent id column" }, \
	{ CMD_GOLD_FIRST + 7, "answer", "COL", "the survey's answer column" }, \
	{ CMD_GOLD_FIRST + 8, "wave", "COL", "the survey's wave column: a panel's id,wave,codes rows are matched by wave and id" }

int cmd_tally(int argc, char **argv);
/* tally's survey pass, as tally (export_mode 0) or as export (1). */
int cmd_tally_run(int argc, char **argv, int export_mode);
int cmd_export(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_agree(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_kwic(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_words(int argc, char **argv);

/* The survey of a project command (review, serve): a corpus descriptor or
 * a bare SURVEY.csv with the column flags.  cmd_load_source fills `c`
 * (the caller releases it with corpus_release when src->loaded), may set
 * src->question to --text, and returns an exit status (0 = loaded). */
struct cmd_source {
	const char *source, *text, *codebook, *id, *wave, *role;
	const char *question;   /* in: --question; out: --text when not given */
	int loaded;             /* 1 once `c` holds something to release */
	int codebook_optional;  /* in: --text without --codebook is fine (kwic) */
};
struct corpus;
int cmd_load_source(struct cmd_source *src, struct corpus *c, const struct cli_usage *u);
/* 1 when `arg` names a corpus descriptor (a directory or a .json file)
 * rather than a survey file: tally's, code's and score's operand. */
int cmd_is_corpus(const char *arg);
/* Describe a survey file given without a descriptor by its column flags
 * (id, wave, role may be NULL; text becomes its one question) into `c`,
 * which the caller releases with corpus_release.  Dies when out of memory. */
void cmd_survey_corpus(struct corpus *c, const char *file, const char *text, const char *id,
	const char *wave, const char *role);
/* The question of corpus `c` a command of one question works on: `key` (an
 * id or column), else the only one.  NULL after printing the misuse (the
 * question is not there, or which of several?), *status then set. */
struct corpus_question;
const struct corpus_question *cmd_one_question(const struct corpus *c, const char *key,
	const struct cli_usage *u, int *status);

/* The coded answers a command was given: the --gold files and the store
 * (src), and the survey that id,codes files take their answers from:
 * --survey FILE with its columns, or a corpus descriptor (the command's
 * CORPUS operand, or --survey DIR|corpus.json), whose question may also
 * bring the codebook and the gold file. */
struct cmd_gold {
	struct gold_source src;
	struct cmd_source survey;    /* source: --survey or CORPUS; text: --answer */
	struct corpus *corpus;       /* owned (cmd_gold_release) */
	const char *codebook;        /* --codebook, else the corpus question's */
	struct buf cbpath, goldpath; /* the corpus question's codebook and gold */
};
/* Take option c (from CMD_GOLD_OPTS) into g.  Returns 1 when c was one of
 * them, else 0. */
int cmd_gold_opt(int c, struct cmd_gold *g);
/* After parsing (g->codebook from --codebook, g->survey.source from the
 * operand): load the corpus or describe the --survey file, pick the
 * question, and fill in the codebook, gold file and survey the options
 * left out.  `what` completes "X what?".  Returns an exit status (0 =
 * ready); release g either way. */
int cmd_gold_setup(struct cmd_gold *g, const char *what, const struct cli_usage *u);
void cmd_gold_release(struct cmd_gold *g);
/* --codebook: a file (made absolute, since a descriptor's directory is not
 * the user's), or the id of a shipped codebook; the caller frees it. */
char *cmd_codebook_arg(const char *arg);

/* The rows of the source options (--question --text --id --wave --role
 * --codebook) for an option table, keys first .. first + 5, in that order;
 * cmd_source_opt takes them while parsing.  `qhelp`, `cbhelp`: what
 * --question and --codebook mean to the command. */
#define CMD_SOURCE_OPTS(first, qhelp, cbhelp) \
	{ (first), "question", "ID", qhelp }, \
	{ (first) + 1, "text", "COL", "the answer column of a bare SURVEY.csv" }, \
	{ (first) + 2, "id", "COL", "the respondent id column" }, \
	{ (first) + 3, "wave", "COL", "the wave column" }, \
	{ (first) + 4, "role", "COL", "the role column" }, \
	{ (first) + 5, "codebook", "CB", cbhelp }
/* 1 if option key c is one of the source options (keys from `first`) and
 * was stored in src (--codebook resolved by cmd_codebook_arg into
 * *cbarg, which the caller frees), else 0. */
int cmd_source_opt(struct cmd_source *src, int first, int c, const char *arg, char **cbarg);

/*
 * The answers of a source, question by question, for the commands that
 * read them one at a time (words, kwic, discover): the survey opened, and
 * for every question that has a codebook (--codebook, or the
 * descriptor's) an engine, all sharing one normalizer (a bare one when no
 * question has a codebook).  Owns all of it; cmd_answers_close frees it.
 */
struct survey;
struct survey_row;
struct engine;
struct engine_answer;
struct normalizer;
struct cmd_answers {
	struct cmd_source *src;
	struct corpus *corpus;   /* owned */
	struct survey *sv;
	size_t nq;
	struct engine **en;      /* [nq]: NULL where the question has no codebook */
	struct normalizer *norm;
	int first_only;          /* in: only the first question (words) */
	int code;                /* in: code each answer (else only normalize it;
	                            the callback may engine_match) */
};
/* One answer as cmd_each_answer hands it over: never blank. */
struct cmd_answer {
	const struct survey_row *row;
	size_t q;                /* the question's index */
	const char *text;        /* as written, len bytes */
	size_t len;
	struct engine *en;       /* the question's engine, or NULL */
	struct engine_answer *ans;   /* ans->n normalized; ans->res coded when
	                                a->code and en */
};
/* Load src (cmd_load_source) and open the survey and engines into a
 * (zeroed by the caller, first_only and code set).  Returns an exit status;
 * a is to be closed either way. */
int cmd_answers_open(struct cmd_answers *a, struct cmd_source *src, const struct cli_usage *u);
/* Every answer of every question, in survey order, to fn; a row the survey
 * cannot read is reported and skipped when reading may go on.  fn returns
 * 0 to go on, or an exit status to stop with.  Returns the worst exit
 * status. */
int cmd_each_answer(struct cmd_answers *a, int (*fn)(void *ctx, struct cmd_answer *x),
	void *ctx);
void cmd_answers_close(struct cmd_answers *a);

#endif

/*
 * store.c - the project store on SQLite (schema and rules in store.h).
 *
 * Point queries on the review path (add a decision, latest decision, one
 * answer) use statements prepared once per handle, because a coder waits
 * for each of them; iterations prepare their own statement so a callback
 * may call any point query of the same handle while the iteration runs.
 */
#include "store.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STORE_APP_ID 0x4B4F4452  /* 'KODR' */
#define BUSY_TIMEOUT_MS 15000

enum stmt_id {
	ST_ADD_DECISION,
	ST_LATEST,
	ST_GET_ANSWER,
	ST_FIND_ANSWER,
	ST_FIND_ANSWER_ANYWAVE,
	ST_INSERT_ANSWER,
	ST_UPDATE_ANSWER,
	ST_ADD_SUGGESTION,
	ST_GET_SUGGESTION,
	ST_SAMPLE_ADD,
	ST_SAMPLE_HAS,
	ST_META_GET,
	ST_HISTORY_ONE,
	ST_LAST_DECISION,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_ADD_DECISION] =
		"INSERT INTO decisions(answer_id, coder, decided_at, codebook_id,"
		" codebook_version, codes, suggested, action, final, note)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_LATEST] =
		"SELECT decision_id, answer_id, coder, decided_at, codebook_id,"
		" codebook_version, codes, suggested, action, note, final"
		" FROM decisions WHERE answer_id = ?1 AND coder = ?2"
		" ORDER BY decision_id DESC LIMIT 1",
	[ST_GET_ANSWER] =
		"SELECT answer_id, question, codebook_id, wave, role, respondent, text,"
		" extra, seq FROM answers WHERE answer_id = ?1",
	[ST_FIND_ANSWER] =
		"SELECT answer_id FROM answers WHERE question = ?1 AND wave = ?2"
		" AND respondent = ?3",
	[ST_FIND_ANSWER_ANYWAVE] =
		"SELECT answer_id FROM answers WHERE question = ?1 AND respondent = ?2"
		" LIMIT 2",
	[ST_INSERT_ANSWER] =
		"INSERT INTO answers(question, codebook_id, wave, role, respondent, text,"
		" extra, seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_UPDATE_ANSWER] =
		"UPDATE answers SET codebook_id = ?2, role = ?3, text = ?4, extra = ?5,"
		" seq = ?6 WHERE answer_id = ?1",
	[ST_ADD_SUGGESTION] =
		"INSERT OR REPLACE INTO suggestions(answer_id, codebook_id,"
		" codebook_version, codes, evidence, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_GET_SUGGESTION] =
		"SELECT answer_id, codebook_id, codebook_version, codes, evidence, created"
		" FROM suggestions WHERE answer_id = ?1 ORDER BY rowid DESC LIMIT 1",
	[ST_SAMPLE_ADD] =
		"INSERT OR IGNORE INTO samples(answer_id, coder, seed, assigned_at)"
		" VALUES(?1, ?2, ?3, ?4)",
	[ST_SAMPLE_HAS] =
		"SELECT 1 FROM samples WHERE answer_id = ?1 AND coder = ?2",
	/* Both run on every request of koder serve (the login check, the
	 * answer's history): prepared once, not parsed again each time. */
	[ST_META_GET] =
		"SELECT value FROM meta WHERE key = ?1",
	[ST_HISTORY_ONE] =
		"SELECT d.decision_id, d.answer_id, d.coder, d.decided_at, d.codebook_id,"
		" d.codebook_version, d.codes, d.suggested, d.action, d.note, d.final"
		" FROM decisions d WHERE d.answer_id = ?1 ORDER BY d.decision_id",
	[ST_LAST_DECISION] = "SELECT coalesce(max(decision_id), 0) FROM decisions",
};

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE answers("
	" answer_id INTEGER PRIMARY KEY,"
	" question TEXT NOT NULL, codebook_id TEXT NOT NULL,"
	" wave TEXT NOT NULL DEFAULT '', role TEXT NOT NULL DEFAULT '',"
	" respondent TEXT NOT NULL, text TEXT NOT NULL, extra TEXT,"
	" seq INTEGER NOT NULL,"
	" UNIQUE(question, wave, respondent));"
	"CREATE INDEX answers_order ON answers(question, seq, answer_id);"
	"CREATE INDEX answers_respondent ON answers(question, respondent);"
	"CREATE TABLE suggestions("
	" answer_id INTEGER NOT NULL REFERENCES answers(answer_id),"
	" codebook_id TEXT NOT NULL, codebook_version TEXT NOT NULL,"
	" codes TEXT NOT NULL, evidence TEXT, created TEXT NOT NULL,"
	" PRIMARY KEY(answer_id, codebook_id, codebook_version));"
	"CREATE INDEX suggestions_answer ON suggestions(answer_id);"
	"CREATE TABLE decisions("
	" decision_id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" answer_id INTEGER NOT NULL REFERENCES answers(answer_id),"
	" coder TEXT NOT NULL, decided_at TEXT NOT NULL,"
	" codebook_id TEXT NOT NULL, codebook_version TEXT NOT NULL,"
	" codes TEXT, suggested TEXT,"
	" action TEXT NOT NULL CHECK(action IN ('confirm','override','import',"
	"  'adjudicate','migrate','undo')),"
	" final INTEGER NOT NULL DEFAULT 0, note TEXT,"
	" CHECK(codes IS NOT NULL OR action = 'undo'));"
	"CREATE INDEX decisions_answer ON decisions(answer_id, coder, decision_id);"
	"CREATE INDEX decisions_coder ON decisions(coder, decision_id);"
	/* History is evidence: a decision once made is never changed. */
	"CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions"
	" BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	"CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions"
	" BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	"CREATE TABLE samples("
	" answer_id INTEGER NOT NULL REFERENCES answers(answer_id),"
	" coder TEXT NOT NULL, seed INTEGER NOT NULL, assigned_at TEXT NOT NULL,"
	" PRIMARY KEY(answer_id, coder));"
	"CREATE TABLE versions("
	" codebook_id TEXT NOT NULL, version TEXT NOT NULL,"
	" recorded_at TEXT NOT NULL, note TEXT,"
	" PRIMARY KEY(codebook_id, version));";

struct store {
	sqlite3 *db;
	char *path;
	char *tmp;     /* store_create: the temp file until store_publish */
	int in_tx;
	sqlite3_stmt *st[ST__COUNT];
	/* store_defer_sync: the -wal file, for store_sync, and a connection
	 * of its own for store_checkpoint (both used by one other thread). */
	int deferred, walfd;
	sqlite3 *ckdb;
	atomic_int wal_frames;   /* frames in the -wal file after the last commit */
	int page_size, ck_last, ck_base;   /* store_checkpoint's own (one thread) */
};

/* ---------------------------------------------------------------- errors */

static int fail(struct store *s, struct kerr *e, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db), sys = sqlite3_system_errno(s->db);
	enum kerr_code code = KERR_STORE;
	const char *hint = "";

	/* A write that found no room: SQLite says SQLITE_FULL for ENOSPC but
	 * only "disk I/O error" when a size limit (EFBIG, a quota) stopped
	 * it, and by the time a COMMIT reports it the errno is often gone (0).
	 * Either way the transaction was rolled back and the cure is space,
	 * which "disk I/O error" does not tell a user. */
	if ((rc & 0xff) == SQLITE_FULL || (rc == SQLITE_IOERR_WRITE
			&& (sys == 0 || sys == ENOSPC || sys == EFBIG || sys == EDQUOT))) {
		kerr_set(e, KERR_STORE, "%s: the disk is full (or a file size limit was "
			"reached): nothing of this change was stored; free space and try again",
			what);
		if (e)
			e->sys_errno = ENOSPC;
		kerr_at(e, s->path, 0, 0);
		return KERR_STORE;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		hint = " (another koder kept the store busy too long; try again)";
		break;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_PERM:
		code = KERR_IO;
		break;
	case SQLITE_NOMEM:
		code = KERR_NOMEM;
		break;
	default:
		break;
	}
	kerr_set(e, code, "%s: %s%s", what, sqlite3_errmsg(s->db), hint);
	kerr_at(e, s->path, 0, 0);
	return code;
}

/* ------------------------------------------------------------ statements */

static sqlite3_stmt *stmt(struct store *s, enum stmt_id id, struct kerr *e)
{
	if (!s->st[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
			SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL) != SQLITE_OK) {
		fail(s, e, "cannot prepare a query");
		return NULL;
	}
	return s->st[id];
}

static void done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static int bind_text(sqlite3_stmt *q, int i, const char *v)
{
	return v ? sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(q, i);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static int exec(struct store *s, const char *sql, struct kerr *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, e, "cannot update the store");
	return 0;
}

/* ---------------------------------------------------------- transactions */

int store_begin(struct store *s, struct kerr *e)
{
	if (s->in_tx)
		return kerr_set(e, KERR_INVALID, "store transaction already open");
	if (exec(s, "BEGIN IMMEDIATE", e))
		return KERR_STORE;
	s->in_tx = 1;
	return 0;
}

int store_commit(struct store *s, struct kerr *e)
{
	int rc;

	if (!s->in_tx)
		return kerr_set(e, KERR_INVALID, "no store transaction open");
	rc = exec(s, "COMMIT", e);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	return 0;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

int store_in_tx(const struct store *s)
{
	return s->in_tx;
}

/* ------------------------------------------------------- deferred sync */

/*
 * WAL with synchronous=NORMAL: a commit writes its frames to the -wal file
 * (the operating system has them: readers see them, a killed process loses
 * nothing) without waiting for the disk, and checkpoints still sync the
 * -wal file before copying it and the database after.  fdatasync on the
 * -wal file then makes every commit written before it durable, which is
 * exactly what synchronous=FULL would have waited for on each commit.
 * Checkpoints move off the writing connection (wal_autocheckpoint = 0) to
 * store_checkpoint's connection, so the writer never waits for their syncs.
 */
static int pragma_int(struct store *s, const char *sql, long long *out, struct kerr *e);

/* After each commit on the deferring connection: how far the -wal file
 * has grown, for store_checkpoint in the other thread. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
	struct store *s = ctx;

	(void)db;
	(void)name;
	atomic_store(&s->wal_frames, frames);
	return SQLITE_OK;
}

/*
 * Lays the -wal file out to `bytes` ahead of the commits: zeros after
 * SQLite's last frame, which it never reads as frames (a frame is one only
 * with the file's salt and a matching checksum, and after a reset SQLite
 * leaves old frames past its end the same way).  A commit then overwrites
 * blocks the file already has, and fdatasync writes only that data, not
 * the file's new size and blocks as well: one disk write per sync, not
 * two.  Done under the write lock, so no other connection appends while
 * the zeros go in.
 */
static int wal_lay_out(struct store *s, const char *wal, long long bytes, struct kerr *e)
{
	static const char zero[1 << 16];
	struct stat st;
	long long at;
	int fd, rc;

	if (bytes <= 0)
		return 0;
	if ((rc = store_begin(s, e)))
		return rc;
	if ((fd = open(wal, O_WRONLY | O_CLOEXEC)) < 0 || fstat(fd, &st)) {
		rc = kerr_errno(e, errno, wal, "cannot open the store's -wal file");
		goto out;
	}
	for (at = st.st_size; at < bytes;) {
		size_t n = bytes - at < (long long)sizeof zero ? (size_t)(bytes - at) : sizeof zero;
		ssize_t w = pwrite(fd, zero, n, (off_t)at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0 && (w == 0 || errno == ENOSPC || errno == EDQUOT || errno == EFBIG)) {
			/* No room for the layout: it only spares the syncs a
			 * write, so the -wal file goes back to its size and grows
			 * with the commits as it would without. */
			if (ftruncate(fd, st.st_size))
				rc = kerr_errno(e, errno, wal, "cannot give the store's -wal file "
					"back its size");
			goto out;
		}
		if (w < 0) {
			rc = kerr_errno(e, errno, wal, "cannot lay out the store's -wal file");
			goto out;
		}
		at += w;
	}
	if (st.st_size < bytes && fdatasync(fd))
		rc = kerr_errno(e, errno, wal, "cannot write the store's -wal file to disk");
out:
	if (fd >= 0)
		close(fd);
	store_rollback(s);
	return rc;
}

int store_defer_sync(struct store *s, long long wal_bytes, struct kerr *e)
{
	long long ps = 4096;
	const char *wal;
	int rc;

	if (s->deferred)
		return 0;
	if (s->tmp || sqlite3_db_readonly(s->db, "main") == 1)
		return kerr_set(e, KERR_INVALID, "deferred sync needs a published, writable store");
	if ((rc = exec(s, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0", e)))
		return rc;
	/* Reading once makes SQLite create the -wal file if it is not there. */
	if ((rc = exec(s, "SELECT count(*) FROM sqlite_master", e)))
		return rc;
	wal = sqlite3_filename_wal(sqlite3_db_filename(s->db, "main"));
	if (!wal || (s->walfd = open(wal, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = kerr_errno(e, errno, wal ? wal : s->path, "cannot open the store's -wal file");
		goto undo;
	}
	if ((rc = wal_lay_out(s, wal, wal_bytes, e))) {
		close(s->walfd);
		goto undo;
	}
	if (sqlite3_open_v2(s->path, &s->ckdb, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = kerr_set(e, KERR_STORE, "%s: cannot open the store for checkpoints: %s",
			s->path, s->ckdb ? sqlite3_errmsg(s->ckdb) : "out of memory");
		sqlite3_close(s->ckdb);
		s->ckdb = NULL;
		close(s->walfd);
		goto undo;
	}
	sqlite3_busy_timeout(s->ckdb, BUSY_TIMEOUT_MS);
	/* A connection learns that the store is in WAL mode only when it first
	 * reads it: until then sqlite3_wal_checkpoint_v2 on it does nothing
	 * and says so only through its frame counts (-1), and the -wal file
	 * grew for as long as the server ran. */
	if (sqlite3_exec(s->ckdb, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL)
	    != SQLITE_OK) {
		rc = kerr_set(e, KERR_STORE, "%s: cannot read the store for checkpoints: %s",
			s->path, sqlite3_errmsg(s->ckdb));
		sqlite3_close(s->ckdb);
		s->ckdb = NULL;
		close(s->walfd);
		goto undo;
	}
	pragma_int(s, "PRAGMA page_size", &ps, NULL);
	s->page_size = ps > 0 ? (int)ps : 4096;
	atomic_init(&s->wal_frames, 0);
	s->ck_last = s->ck_base = 0;
	sqlite3_wal_hook(s->db, wal_hook, s);
	s->deferred = 1;
	return 0;
undo:
	exec(s, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000", NULL);
	return rc;
}

int store_sync(struct store *s, struct kerr *e)
{
	if (!s->deferred)
		return 0;
	if (fdatasync(s->walfd))
		return kerr_errno(e, errno, s->path, "cannot write the store to disk "
			"(is the disk full or failing?)");
	return 0;
}

int store_checkpoint(struct store *s, long long min_bytes, struct kerr *e)
{
	long long step = min_bytes / (s->deferred ? s->page_size : 1);
	int n, rc, nlog = -1, nck = -1;

	if (!s->deferred)
		return 0;
	/* Counted in frames since the last checkpoint, not by the file's size:
	 * the file keeps its size when SQLite starts it over, and a checkpoint
	 * a reader kept from finishing is not tried again at every sync. */
	n = atomic_load(&s->wal_frames);
	if (n < s->ck_last)
		s->ck_base = 0;         /* SQLite started the file over */
	s->ck_last = n;
	if ((long long)n - s->ck_base < step)
		return 0;
	rc = sqlite3_wal_checkpoint_v2(s->ckdb, "main", SQLITE_CHECKPOINT_PASSIVE, &nlog, &nck);
	s->ck_base = n;
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return kerr_set(e, KERR_STORE, "%s: checkpoint failed: %s", s->path,
			sqlite3_errmsg(s->ckdb));
	if (rc == SQLITE_OK && nlog < 0)
		return kerr_set(e, KERR_STORE, "%s: checkpoint did not run (the store is not "
			"in WAL mode on the checkpoint's connection)", s->path);
	return 0;
}

/* A write of several statements runs in its own transaction unless the
 * caller already opened one. */
static int tx_enter(struct store *s, int *own, struct kerr *e)
{
	*own = !s->in_tx;
	return *own ? store_begin(s, e) : 0;
}

static int tx_leave(struct store *s, int own, int rc, struct kerr *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ------------------------------------------------------------ open/close */

static int pragma_int(struct store *s, const char *sql, long long *out, struct kerr *e)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, e, "cannot read the store");
	rc = sqlite3_step(q);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, e, "cannot read the store");
	return 0;
}

static int not_ours(struct store *s, struct kerr *e)
{
	kerr_set(e, KERR_STORE, "not a koder project store; give --db a new file name "
		"or a store koder made");
	kerr_at(e, s->path, 0, 0);
	return KERR_STORE;
}

/* Create the schema, or check the one there.  Runs under the write lock so
 * two koders creating the same new store at once do not both create it. */
static int check_schema(struct store *s, int flags, struct kerr *e)
{
	long long ver, app, ntables;
	int rc;

	if ((rc = pragma_int(s, "PRAGMA user_version", &ver, e)))
		return (rc == KERR_STORE && sqlite3_errcode(s->db) == SQLITE_NOTADB)
			? not_ours(s, e) : rc;
	if ((rc = pragma_int(s, "PRAGMA application_id", &app, e)))
		return rc;
	if (app == STORE_APP_ID && ver > STORE_SCHEMA_VERSION) {
		kerr_set(e, KERR_STORE, "the store was written by a newer koder (schema %lld; "
			"this koder reads up to %d); use that koder or upgrade this one",
			ver, STORE_SCHEMA_VERSION);
		kerr_at(e, s->path, 0, 0);
		return KERR_STORE;
	}
	if (app == STORE_APP_ID && ver >= 1)
		return 0;
	if ((rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &ntables, e)))
		return rc;
	if (ntables > 0 || app != 0)
		return not_ours(s, e);
	/* an empty file (a failed copy, a typo in --db) is no store: a
	 * command that only reads must not turn it into one */
	if (!(flags & STORE_CREATE)) {
		kerr_set(e, KERR_NOTFOUND, "the file is empty: no project store here; "
			"'koder review --import' or 'koder review' with a survey creates one");
		kerr_at(e, s->path, 0, 0);
		return KERR_NOTFOUND;
	}
	/* it will hold respondents' answers: owner only, as if created here */
	if (chmod(s->path, 0600) != 0)
		return kerr_errno(e, errno, s->path, "cannot make the project store private");
	if ((rc = store_begin(s, e)))
		return rc;
	if ((rc = pragma_int(s, "PRAGMA user_version", &ver, e)) == 0 && ver == 0) {
		char sql[96];

		rc = exec(s, schema_sql, e);
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
			STORE_APP_ID, STORE_SCHEMA_VERSION);
		if (!rc)
			rc = exec(s, sql, e);
	}
	return tx_leave(s, 1, rc, e);
}

/* Internal flag: the temp file of store_create, built in rollback-journal
 * mode (its -wal would be named after the temp file) and fsync'd once at
 * store_publish rather than at every commit. */
#define STORE_BUILDING_ 0x100

/* Can this user write `path` and create files beside it?  Write bits
 * count even for root, who may write anything: a store made 0400 on
 * purpose is read as read-only. */
static int writable_here(const char *path, const struct stat *st)
{
	char *dir = strdup(path), *slash;
	int ok;

	if (!dir)
		return 0;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	ok = (st->st_mode & 0222) && access(path, W_OK) == 0 && access(dir, W_OK | X_OK) == 0;
	free(dir);
	return ok;
}

/* How a read-only command opens a store this user cannot write (0400, or a
 * read-only directory).  SQLite would otherwise make -wal and -shm files
 * with the store's mode (0400: useless to its owner afterwards, who then
 * cannot open the store until they are deleted) or, in a read-only
 * directory, fail.  With no unfinished changes in a -wal file the store file
 * is all there is, and `immutable=1` reads it with no side files and no
 * locks: nobody can be writing a file this user may not write beside.  With
 * a -wal holding changes, the shared-memory file that goes with it must
 * exist already; SQLite is not allowed to create one. */
static int open_readonly(struct store *s, const char *path, int *sqlrc, struct kerr *e)
{
	struct buf side = BUF_INIT, uri = BUF_INIT;
	struct stat wal, shm;
	const char *p;
	int rc, has_wal, has_shm;

	if (buf_addf(&side, "%s-wal", path))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	has_wal = stat(side.data, &wal) == 0 && wal.st_size > 0;
	buf_reset(&side);
	buf_addf(&side, "%s-shm", path);
	has_shm = stat(side.data, &shm) == 0;
	buf_release(&side);
	if (has_wal && !has_shm) {
		kerr_set(e, KERR_STORE, "the store has changes not yet folded into it "
			"(%s-wal) and koder may not write beside it to read them; run any "
			"koder command on it as a user who may write it, or copy the store "
			"and its -wal file somewhere writable", path);
		kerr_at(e, path, 0, 0);
		return KERR_STORE;
	}
	rc = buf_adds(&uri, "file:");
	for (p = path; *p && !rc; p++) {  /* a URI: escape what would end the path */
		unsigned char c = (unsigned char)*p;

		rc = (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f)
			? buf_addf(&uri, "%%%02X", c) : buf_addch(&uri, (char)c);
	}
	if (!rc)
		rc = buf_adds(&uri, has_wal ? "?mode=ro" : "?mode=ro&immutable=1");
	if (rc) {
		buf_release(&uri);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	*sqlrc = sqlite3_open_v2(uri.data, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	buf_release(&uri);
	return 0;
}

/* Open or create the store at `path` (see store_open and store_create). */
static int open_at(struct store **out, const char *path, int flags, struct kerr *e)
{
	struct store *s;
	struct stat st;
	int rc, sqlrc = SQLITE_OK, readonly = 0;

	*out = NULL;
	if (stat(path, &st) != 0) {
		int fd;

		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			if (errno == ENOENT) {
				kerr_set(e, KERR_NOTFOUND, "no project store here; "
					"'koder review --import' or 'koder review' with a survey "
					"creates one");
				kerr_at(e, path, 0, 0);
				return KERR_NOTFOUND;
			}
			return kerr_errno(e, errno, path, "cannot open the project store");
		}
		/* Created here, not by SQLite, so it is 0600 from the first byte;
		 * SQLite gives its -wal and -shm files the same mode. */
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return kerr_errno(e, errno, path, "cannot create the project store");
		if (fd >= 0)
			close(fd);
	} else if (S_ISDIR(st.st_mode)) {
		kerr_set(e, KERR_IO, "is a directory; give --db a file name such as project.db");
		kerr_at(e, path, 0, 0);
		return KERR_IO;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	/* A read-only command on a store it could write opens it read-write
	 * all the same: on close SQLite then folds the -wal file in and removes
	 * its side files, where a read-only connection would leave them. */
	if ((flags & STORE_READONLY) && !writable_here(path, &st)) {
		readonly = 1;
		if ((rc = open_readonly(s, path, &sqlrc, e))) {
			store_close(s);
			return rc;
		}
		rc = sqlrc;
	} else {
		rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	}
	if (rc != SQLITE_OK) {
		rc = s->db ? fail(s, e, "cannot open the project store")
			: kerr_set(e, KERR_NOMEM, "out of memory");
		store_close(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	rc = check_schema(s, readonly ? flags & ~STORE_CREATE : flags, e);
	/* WAL lets a coder read while another writes; FULL makes every commit
	 * reach the disk before store_add_decision returns.  A store being
	 * built is private to this run until published: it needs neither. */
	if (!rc && (flags & STORE_BUILDING_))
		rc = exec(s, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
			" PRAGMA foreign_keys = ON", e);
	else if (!rc && !readonly)
		rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			" PRAGMA foreign_keys = ON", e);
	if (rc) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int store_open(struct store **out, const char *path, int flags, struct kerr *e)
{
	return open_at(out, path, flags & (STORE_CREATE | STORE_READONLY), e);
}

/* Remove a store file and the side files SQLite may have made beside it. */
static void remove_store_files(const char *path)
{
	static const char *const side[] = { "-wal", "-shm", "-journal" };
	struct buf b = BUF_INIT;
	size_t i;

	unlink(path);
	for (i = 0; i < sizeof side / sizeof *side; i++) {
		buf_reset(&b);
		if (!buf_addf(&b, "%s%s", path, side[i]))
			unlink(b.data);
	}
	buf_release(&b);
}

static void close_db(struct store *s)
{
	size_t i;

	/* The checkpoint connection first, so the main one is the last and
	 * folds the -wal file in on closing. */
	if (s->deferred) {
		sqlite3_close(s->ckdb);
		s->ckdb = NULL;
		close(s->walfd);
		s->deferred = 0;
	}
	store_rollback(s);
	for (i = 0; i < ST__COUNT; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
}

int store_create(struct store **out, const char *path, struct kerr *e)
{
	struct buf tmp = BUF_INIT;
	const char *slash = strrchr(path, '/');
	int fd, rc;

	*out = NULL;
	/* beside the target, so link(2) can put it there; the name bad-input
	 * tests look for when they check nothing was left behind */
	if (buf_addf(&tmp, "%.*s.%s.koder-XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
			slash ? slash + 1 : path)) {
		buf_release(&tmp);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if ((fd = mkstemp(tmp.data)) < 0) {  /* 0600 from the first byte */
		rc = kerr_errno(e, errno, path, "cannot create the project store");
		buf_release(&tmp);
		return rc;
	}
	close(fd);
	if ((rc = open_at(out, tmp.data, STORE_CREATE | STORE_BUILDING_, e))) {
		kerr_at(e, path, 0, 0);
		remove_store_files(tmp.data);
		buf_release(&tmp);
		return rc;
	}
	/* messages name the store the user asked for */
	free((*out)->path);
	if (!((*out)->path = strdup(path))) {
		(*out)->tmp = buf_detach(&tmp, NULL);
		store_close(*out);
		*out = NULL;
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	(*out)->tmp = buf_detach(&tmp, NULL);
	return 0;
}

/* Another run published the store first: add what this run built (answers,
 * their suggestions, settings, codebook versions; nothing was decided yet)
 * to that store in one transaction, keeping whatever is there already.  The
 * survey is not read again: it may have been a pipe. */
static int adopt(struct store *s, const char *tmp, struct kerr *e)
{
	static const char copy_sql[] =
		"INSERT OR IGNORE INTO answers(question, codebook_id, wave, role,"
		"  respondent, text, extra, seq)"
		" SELECT question, codebook_id, wave, role, respondent, text, extra, seq"
		" FROM src.answers ORDER BY answer_id;"
		"INSERT OR IGNORE INTO suggestions(answer_id, codebook_id, codebook_version,"
		"  codes, evidence, created)"
		" SELECT a.answer_id, g.codebook_id, g.codebook_version, g.codes, g.evidence,"
		"  g.created FROM src.suggestions g"
		" JOIN src.answers t ON t.answer_id = g.answer_id"
		" JOIN main.answers a ON a.question = t.question AND a.wave = t.wave"
		"  AND a.respondent = t.respondent;"
		"INSERT OR IGNORE INTO meta SELECT key, value FROM src.meta;"
		"INSERT OR IGNORE INTO versions SELECT codebook_id, version, recorded_at, note"
		" FROM src.versions;";
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS src", -1, &q, NULL) != SQLITE_OK
	    || sqlite3_bind_text(q, 1, tmp, -1, SQLITE_STATIC) != SQLITE_OK
	    || sqlite3_step(q) != SQLITE_DONE) {
		sqlite3_finalize(q);
		return fail(s, e, "cannot add to the project store another run created");
	}
	sqlite3_finalize(q);
	if (!(rc = store_begin(s, e))) {
		rc = exec(s, copy_sql, e);
		rc = tx_leave(s, 1, rc, e);
	}
	if (exec(s, "DETACH src", NULL) && !rc)
		rc = fail(s, e, "cannot add to the project store another run created");
	return rc;
}

int store_publish(struct store **sp, int *raced, struct kerr *e)
{
	struct store *s = *sp;
	char *path;
	int fd, rc = 0;

	*raced = 0;
	if (!s->tmp)
		return 0;
	*sp = NULL;
	if (s->in_tx)
		return kerr_set(e, KERR_INVALID, "store_publish inside a transaction");
	close_db(s);
	/* on the disk before it has a name others can see */
	if ((fd = open(s->tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0)
		rc = kerr_errno(e, errno, s->path, "cannot write the project store");
	if (fd >= 0)
		close(fd);
	/* link(2) never replaces: if another run created the store first, its
	 * store (and whatever was stored in it since) stays as it is */
	if (!rc && link(s->tmp, s->path) != 0) {
		int err = errno;

#ifdef SYS_renameat2
		/* a file system without hard links (FAT, some network and FUSE
		 * ones): rename that refuses to replace does the same */
		if (err == EPERM || err == EOPNOTSUPP || err == ENOSYS)
			err = syscall(SYS_renameat2, AT_FDCWD, s->tmp, AT_FDCWD, s->path,
				      1 /* RENAME_NOREPLACE */) == 0 ? 0 : errno;
#endif
		if (err == EEXIST)
			*raced = 1;
		else if (err)
			rc = kerr_errno(e, err, s->path, "cannot create the project store");
	}
	path = s->path;
	s->path = NULL;
	if (!rc)
		rc = open_at(sp, path, 0, e);
	if (!rc && *raced && (rc = adopt(*sp, s->tmp, e))) {
		store_close(*sp);
		*sp = NULL;
	}
	store_close(s);  /* removes the temp file */
	free(path);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	close_db(s);
	if (s->tmp)  /* never published: nobody else ever saw it */
		remove_store_files(s->tmp);
	free(s->tmp);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

/* ------------------------------------------------------------------ meta */

int store_meta_get(struct store *s, const char *key, struct buf *out, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_META_GET, e);
	int rc;

	if (!q)
		return KERR_STORE;
	bind_text(q, 1, key);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = buf_adds(out, col_text(q, 0)) ? kerr_set(e, KERR_NOMEM, "out of memory") : 0;
	else if (rc == SQLITE_DONE)
		rc = kerr_set(e, KERR_NOTFOUND, "'%s' is not set in the store", key);
	else
		rc = fail(s, e, "cannot read the store");
	done(q);
	return rc;
}

int store_meta_set(struct store *s, const char *key, const char *value, struct kerr *e)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
			-1, &q, NULL) != SQLITE_OK)
		return fail(s, e, "cannot update the store");
	bind_text(q, 1, key);
	bind_text(q, 2, value ? value : "");
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot update the store");
	sqlite3_finalize(q);
	return rc;
}

/* --------------------------------------------------------------- answers */

static void read_answer(sqlite3_stmt *q, int c, struct store_answer *a)
{
	a->id = sqlite3_column_int64(q, c);
	a->question = col_text(q, c + 1);
	a->codebook_id = col_text(q, c + 2);
	a->wave = col_text(q, c + 3);
	a->role = col_text(q, c + 4);
	a->respondent = col_text(q, c + 5);
	a->text = col_text(q, c + 6);
	a->extra = col_text(q, c + 7);
	a->seq = sqlite3_column_int64(q, c + 8);
}

int store_add_answer(struct store *s, const struct store_answer *a, long long *id,
	int *added, struct kerr *e)
{
	sqlite3_stmt *q;
	long long found = 0;
	int rc;

	if (!a->question || !a->codebook_id || !a->respondent || !a->text)
		return kerr_set(e, KERR_INVALID, "an answer needs question, codebook, "
			"respondent and text");
	rc = store_find_answer(s, a->question, a->wave ? a->wave : "", a->respondent,
		&found, e);
	if (rc && rc != KERR_NOTFOUND)
		return rc;
	if (rc)
		kerr_clear(e);
	if (found) {
		if (!(q = stmt(s, ST_UPDATE_ANSWER, e)))
			return KERR_STORE;
		sqlite3_bind_int64(q, 1, found);
		bind_text(q, 2, a->codebook_id);
		bind_text(q, 3, a->role ? a->role : "");
		bind_text(q, 4, a->text);
		bind_text(q, 5, a->extra);
		sqlite3_bind_int64(q, 6, a->seq);
	} else {
		if (!(q = stmt(s, ST_INSERT_ANSWER, e)))
			return KERR_STORE;
		bind_text(q, 1, a->question);
		bind_text(q, 2, a->codebook_id);
		bind_text(q, 3, a->wave ? a->wave : "");
		bind_text(q, 4, a->role ? a->role : "");
		bind_text(q, 5, a->respondent);
		bind_text(q, 6, a->text);
		bind_text(q, 7, a->extra);
		sqlite3_bind_int64(q, 8, a->seq);
	}
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot store an answer");
	done(q);
	if (rc)
		return rc;
	if (id)
		*id = found ? found : sqlite3_last_insert_rowid(s->db);
	if (added)
		*added = !found;
	return 0;
}

int store_find_answer(struct store *s, const char *question, const char *wave,
	const char *respondent, long long *id, struct kerr *e)
{
	sqlite3_stmt *q;
	int rc, n = 0;

	*id = 0;
	q = stmt(s, wave ? ST_FIND_ANSWER : ST_FIND_ANSWER_ANYWAVE, e);
	if (!q)
		return KERR_STORE;
	bind_text(q, 1, question);
	if (wave) {
		bind_text(q, 2, wave);
		bind_text(q, 3, respondent);
	} else {
		bind_text(q, 2, respondent);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		n++;
	}
	rc = rc == SQLITE_DONE ? 0 : fail(s, e, "cannot read the store");
	done(q);
	if (rc)
		return rc;
	if (n > 1) {
		*id = 0;
		return kerr_set(e, KERR_INVALID, "respondent '%s' answered '%s' in several waves; "
			"give the wave", respondent, question);
	}
	if (n == 0)
		return kerr_set(e, KERR_NOTFOUND, "no answer from respondent '%s' to '%s' "
			"in the store", respondent, question);
	return 0;
}

int store_get_answer(struct store *s, long long id, struct store_answer *out, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_GET_ANSWER, e);
	struct store_answer a;
	int rc, bad = 0;

	memset(out, 0, sizeof(*out));
	if (!q)
		return KERR_STORE;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		read_answer(q, 0, &a);
		out->id = a.id;
		out->seq = a.seq;
		out->question = buf_dup(a.question, &bad);
		out->codebook_id = buf_dup(a.codebook_id, &bad);
		out->wave = buf_dup(a.wave, &bad);
		out->role = buf_dup(a.role, &bad);
		out->respondent = buf_dup(a.respondent, &bad);
		out->text = buf_dup(a.text, &bad);
		out->extra = buf_dup(a.extra, &bad);
		rc = 0;
		if (bad) {
			store_answer_release(out);
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		}
	} else if (rc == SQLITE_DONE) {
		rc = kerr_set(e, KERR_NOTFOUND, "no answer %lld in the store", id);
	} else {
		rc = fail(s, e, "cannot read the store");
	}
	done(q);
	return rc;
}

void store_answer_release(struct store_answer *a)
{
	free((void *)a->question);
	free((void *)a->codebook_id);
	free((void *)a->wave);
	free((void *)a->role);
	free((void *)a->respondent);
	free((void *)a->text);
	free((void *)a->extra);
	memset(a, 0, sizeof(*a));
}

/* Run an iteration query: `bind` has set the parameters; each row goes to
 * `row`, which returns non-zero to stop. */
/* Step q through `row` until it says stop; q is finalized, or only reset
 * when it is one of s->st (cached). */
static int iterate(struct store *s, sqlite3_stmt *q,
	int (*row)(sqlite3_stmt *q, void *arg), void *arg, struct kerr *e)
{
	int rc, stop = 0;
	size_t i;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((stop = row(q, arg)))
			break;
	if (!stop && rc != SQLITE_DONE)
		stop = fail(s, e, "cannot read the store");
	for (i = 0; i < ST__COUNT && s->st[i] != q; i++)
		;
	if (i < ST__COUNT)
		done(q);
	else
		sqlite3_finalize(q);
	return stop;
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **q, struct kerr *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, q, NULL) != SQLITE_OK)
		return fail(s, e, "cannot read the store");
	return 0;
}

struct answer_iter {
	int (*cb)(void *ctx, const struct store_answer *a);
	void *ctx;
};

static int answer_row(sqlite3_stmt *q, void *arg)
{
	struct answer_iter *it = arg;
	struct store_answer a;

	read_answer(q, 0, &a);
	return it->cb(it->ctx, &a);
}

int store_each_answer(struct store *s, const char *question,
	int (*cb)(void *ctx, const struct store_answer *a), void *ctx, struct kerr *e)
{
	struct answer_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT answer_id, question, codebook_id, wave, role, respondent,"
			" text, extra, seq FROM answers WHERE ?1 IS NULL OR question = ?1"
			" ORDER BY seq, answer_id", &q, e))
		return KERR_STORE;
	bind_text(q, 1, question);
	return iterate(s, q, answer_row, &it, e);
}

int store_count_answers(struct store *s, const char *question, size_t *n, struct kerr *e)
{
	sqlite3_stmt *q;
	int rc;

	*n = 0;
	/* Two statements, not "?1 IS NULL OR question = ?1": with the OR,
	 * SQLite reads every answer's row (a review session counts at each
	 * opening, 53 M instructions at 100,000 answers); without it, the
	 * count walks the question's entries of an index. */
	if (prepare(s, question ? "SELECT count(*) FROM answers WHERE question = ?1"
			: "SELECT count(*) FROM answers", &q, e))
		return KERR_STORE;
	if (question)
		bind_text(q, 1, question);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : fail(s, e, "cannot read the store");
}

struct question_iter {
	int (*cb)(void *ctx, const char *question, const char *codebook_id);
	void *ctx;
};

static int question_row(sqlite3_stmt *q, void *arg)
{
	struct question_iter *it = arg;

	return it->cb(it->ctx, col_text(q, 0), col_text(q, 1));
}

int store_each_question(struct store *s,
	int (*cb)(void *ctx, const char *question, const char *codebook_id), void *ctx,
	struct kerr *e)
{
	struct question_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT question, codebook_id, min(answer_id) AS first FROM answers"
			" GROUP BY question ORDER BY first", &q, e))
		return KERR_STORE;
	return iterate(s, q, question_row, &it, e);
}

/* ----------------------------------------------------------- suggestions */

int store_add_suggestion(struct store *s, const struct store_suggestion *g, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_ADD_SUGGESTION, e);
	char now[32];
	int rc;

	if (!q)
		return KERR_STORE;
	if (!g->codebook_id || !g->codebook_version || !g->codes)
		return kerr_set(e, KERR_INVALID, "a suggestion needs codebook, version and codes");
	store_now(now);
	sqlite3_bind_int64(q, 1, g->answer_id);
	bind_text(q, 2, g->codebook_id);
	bind_text(q, 3, g->codebook_version);
	bind_text(q, 4, g->codes);
	bind_text(q, 5, g->evidence);
	bind_text(q, 6, now);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot store a suggestion");
	done(q);
	return rc;
}

int store_get_suggestion(struct store *s, long long answer_id,
	int (*cb)(void *ctx, const struct store_suggestion *g), void *ctx, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_GET_SUGGESTION, e);
	struct store_suggestion g;
	int rc;

	if (!q)
		return KERR_STORE;
	sqlite3_bind_int64(q, 1, answer_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		g.answer_id = sqlite3_column_int64(q, 0);
		g.codebook_id = col_text(q, 1);
		g.codebook_version = col_text(q, 2);
		g.codes = col_text(q, 3);
		g.evidence = col_text(q, 4);
		g.created = col_text(q, 5);
		rc = cb(ctx, &g);
	} else if (rc == SQLITE_DONE) {
		rc = kerr_set(e, KERR_NOTFOUND, "no suggestion for answer %lld", answer_id);
	} else {
		rc = fail(s, e, "cannot read the store");
	}
	done(q);
	return rc;
}

/* ------------------------------------------------------------- decisions */

static const char *const actions[] = {
	"confirm", "override", "import", "adjudicate", "migrate", "undo", NULL
};

static int valid_action(const char *a)
{
	size_t i;

	for (i = 0; a && actions[i]; i++)
		if (!strcmp(a, actions[i]))
			return 1;
	return 0;
}

int store_add_decision(struct store *s, const struct store_decision *d, long long *id,
	struct kerr *e)
{
	sqlite3_stmt *q;
	char now[32];
	int rc;

	if (!d->coder || !*d->coder)
		return kerr_set(e, KERR_INVALID, "a decision needs a coder name");
	if (!valid_action(d->action))
		return kerr_set(e, KERR_INVALID, "'%s' is not a decision action",
			d->action ? d->action : "(null)");
	if (!d->codes && strcmp(d->action, "undo"))
		return kerr_set(e, KERR_INVALID, "a decision needs codes");
	if (!d->codebook_id || !d->codebook_version)
		return kerr_set(e, KERR_INVALID, "a decision needs the codebook id and version");
	if (!(q = stmt(s, ST_ADD_DECISION, e)))
		return KERR_STORE;
	store_now(now);
	sqlite3_bind_int64(q, 1, d->answer_id);
	bind_text(q, 2, d->coder);
	bind_text(q, 3, now);
	bind_text(q, 4, d->codebook_id);
	bind_text(q, 5, d->codebook_version);
	bind_text(q, 6, d->codes);
	bind_text(q, 7, d->suggested);
	bind_text(q, 8, d->action);
	sqlite3_bind_int(q, 9, d->final ? 1 : 0);
	bind_text(q, 10, d->note);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot store the decision");
	done(q);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static void read_decision(sqlite3_stmt *q, struct store_decision *d)
{
	d->id = sqlite3_column_int64(q, 0);
	d->answer_id = sqlite3_column_int64(q, 1);
	d->coder = col_text(q, 2);
	d->decided_at = col_text(q, 3);
	d->codebook_id = col_text(q, 4);
	d->codebook_version = col_text(q, 5);
	d->codes = col_text(q, 6);
	d->suggested = col_text(q, 7);
	d->action = col_text(q, 8);
	d->note = col_text(q, 9);
	d->final = sqlite3_column_int(q, 10);
}

int store_latest(struct store *s, long long answer_id, const char *coder,
	struct store_decision *out, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_LATEST, e);
	struct store_decision d;
	int rc, bad = 0;

	memset(out, 0, sizeof(*out));
	if (!q)
		return KERR_STORE;
	sqlite3_bind_int64(q, 1, answer_id);
	bind_text(q, 2, coder);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		read_decision(q, &d);
		if (!d.codes) {
			rc = KERR_NOTFOUND;
		} else {
			out->id = d.id;
			out->answer_id = d.answer_id;
			out->final = d.final;
			out->coder = buf_dup(d.coder, &bad);
			out->decided_at = buf_dup(d.decided_at, &bad);
			out->codebook_id = buf_dup(d.codebook_id, &bad);
			out->codebook_version = buf_dup(d.codebook_version, &bad);
			out->codes = buf_dup(d.codes, &bad);
			out->suggested = buf_dup(d.suggested, &bad);
			out->action = buf_dup(d.action, &bad);
			out->note = buf_dup(d.note, &bad);
			rc = 0;
			if (bad) {
				store_decision_release(out);
				rc = kerr_set(e, KERR_NOMEM, "out of memory");
			}
		}
	} else {
		rc = rc == SQLITE_DONE ? KERR_NOTFOUND : fail(s, e, "cannot read the store");
	}
	done(q);
	if (rc == KERR_NOTFOUND)
		kerr_set(e, KERR_NOTFOUND, "%s has not decided answer %lld", coder, answer_id);
	return rc;
}

void store_decision_release(struct store_decision *d)
{
	free((void *)d->coder);
	free((void *)d->decided_at);
	free((void *)d->codebook_id);
	free((void *)d->codebook_version);
	free((void *)d->codes);
	free((void *)d->suggested);
	free((void *)d->action);
	free((void *)d->note);
	memset(d, 0, sizeof(*d));
}

/* Find the decision an undo by `coder` takes back: walking the coder's rows
 * newest first, every undo row cancels one earlier non-undo row. */
static int undo_target(struct store *s, const char *coder, long long *target,
	struct kerr *e)
{
	sqlite3_stmt *q;
	long long skip = 0;
	int rc;

	*target = 0;
	if (prepare(s, "SELECT decision_id, action FROM decisions WHERE coder = ?1"
			" ORDER BY decision_id DESC", &q, e))
		return KERR_STORE;
	bind_text(q, 1, coder);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (!strcmp(col_text(q, 1), "undo"))
			skip++;
		else if (skip > 0)
			skip--;
		else {
			*target = sqlite3_column_int64(q, 0);
			break;
		}
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : fail(s, e, "cannot read the store");
	sqlite3_finalize(q);
	if (!rc && !*target)
		rc = kerr_set(e, KERR_NOTFOUND, "%s has no decision to undo", coder);
	return rc;
}

/* Append the 'undo' row that undoes decision `target` of `coder`: the state
 * before it is the coder's previous row on the same answer (undo rows
 * record a state too), or nothing.  Runs inside the caller's transaction. */
static int undo_row(struct store *s, const char *coder, long long target,
	long long *answer_id, struct kerr *e)
{
	sqlite3_stmt *q = NULL;
	char note[64];
	int rc;

	rc = prepare(s, "SELECT t.answer_id, t.codebook_id, t.codebook_version,"
			" t.suggested, p.codes, p.final, p.codebook_id, p.codebook_version"
			" FROM decisions t LEFT JOIN decisions p ON p.decision_id ="
			"  (SELECT max(decision_id) FROM decisions WHERE coder = t.coder"
			"   AND answer_id = t.answer_id AND decision_id < t.decision_id)"
			" WHERE t.decision_id = ?1", &q, e);
	if (!rc) {
		sqlite3_bind_int64(q, 1, target);
		if (sqlite3_step(q) == SQLITE_ROW) {
			struct store_decision d = { 0 };
			int prev = sqlite3_column_type(q, 6) != SQLITE_NULL;

			snprintf(note, sizeof(note), "undoes decision %lld", target);
			d.answer_id = sqlite3_column_int64(q, 0);
			d.coder = coder;
			d.codebook_id = col_text(q, prev ? 6 : 1);
			d.codebook_version = col_text(q, prev ? 7 : 2);
			d.suggested = col_text(q, 3);
			d.codes = col_text(q, 4);
			d.final = sqlite3_column_int(q, 5);
			d.action = "undo";
			d.note = note;
			rc = store_add_decision(s, &d, NULL, e);
			if (!rc && answer_id)
				*answer_id = d.answer_id;
		} else {
			rc = fail(s, e, "cannot read the store");
		}
		sqlite3_finalize(q);
	}
	return rc;
}

int store_undo(struct store *s, const char *coder, long long *answer_id, struct kerr *e)
{
	long long target = 0;
	int own, rc;

	if ((rc = tx_enter(s, &own, e)))
		return rc;
	rc = undo_target(s, coder, &target, e);
	if (!rc)
		rc = undo_row(s, coder, target, answer_id, e);
	return tx_leave(s, own, rc, e);
}

int store_undo_decision(struct store *s, const char *coder, long long decision_id,
	int *undone, long long *answer_id, struct kerr *e)
{
	sqlite3_stmt *q = NULL;
	long long latest = 0, answer = 0;
	int own, rc;

	*undone = 0;
	if ((rc = tx_enter(s, &own, e)))
		return rc;
	/* Still the coder's current row on its answer?  Checked in the same
	 * transaction as the write, so a second window cannot slip in. */
	rc = prepare(s, "SELECT t.answer_id, (SELECT max(decision_id) FROM decisions"
		" WHERE coder = t.coder AND answer_id = t.answer_id)"
		" FROM decisions t WHERE t.decision_id = ?1 AND t.coder = ?2", &q, e);
	if (!rc) {
		sqlite3_bind_int64(q, 1, decision_id);
		bind_text(q, 2, coder);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			answer = sqlite3_column_int64(q, 0);
			latest = sqlite3_column_int64(q, 1);
			rc = 0;
		} else if (rc == SQLITE_DONE) {
			rc = kerr_set(e, KERR_NOTFOUND, "%s has no decision %lld", coder, decision_id);
		} else {
			rc = fail(s, e, "cannot read the store");
		}
		sqlite3_finalize(q);
	}
	if (!rc && answer_id)
		*answer_id = answer;
	if (!rc && latest == decision_id) {
		rc = undo_row(s, coder, decision_id, NULL, e);
		*undone = !rc;
	}
	return tx_leave(s, own, rc, e);
}

struct decision_iter {
	int (*cb)(void *ctx, const struct store_decision *d);
	void *ctx;
};

static int decision_row(sqlite3_stmt *q, void *arg)
{
	struct decision_iter *it = arg;
	struct store_decision d;

	read_decision(q, &d);
	return it->cb(it->ctx, &d);
}

#define DECISION_COLS "d.decision_id, d.answer_id, d.coder, d.decided_at, d.codebook_id," \
	" d.codebook_version, d.codes, d.suggested, d.action, d.note, d.final"

int store_each_latest(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct store_decision *d), void *ctx, struct kerr *e)
{
	struct decision_iter it = { cb, ctx };
	sqlite3_stmt *q;

	/* One coder's through the coder index, not "?2 IS NULL OR coder = ?2",
	 * with which SQLite reads every coder's decisions to keep one coder's
	 * (a login on a big project reads its own few thousand, not 200,000) */
#define LATEST_OF(last_ids) "SELECT " DECISION_COLS " FROM (" last_ids ") l" \
	" JOIN decisions d ON d.decision_id = l.last_id" \
	" JOIN answers a ON a.answer_id = d.answer_id" \
	" WHERE d.codes IS NOT NULL AND (?1 IS NULL OR a.question = ?1)" \
	" ORDER BY a.seq, a.answer_id, d.decision_id"
	if (prepare(s, coder
			? LATEST_OF("SELECT max(decision_id) AS last_id FROM decisions"
				    " WHERE coder = ?2 GROUP BY answer_id")
			: LATEST_OF("SELECT max(decision_id) AS last_id FROM decisions"
				    " GROUP BY answer_id, coder"), &q, e))
		return KERR_STORE;
#undef LATEST_OF
	bind_text(q, 1, question);
	if (coder)
		bind_text(q, 2, coder);
	return iterate(s, q, decision_row, &it, e);
}

int store_last_decision(struct store *s, long long *id, struct kerr *e)
{
	sqlite3_stmt *q;
	int rc;

	*id = 0;
	if (!(q = stmt(s, ST_LAST_DECISION, e)))
		return KERR_STORE;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		rc = 0;
	} else {
		rc = fail(s, e, "cannot read the store");
	}
	done(q);
	return rc;
}

int store_history(struct store *s, long long answer_id,
	int (*cb)(void *ctx, const struct store_decision *d), void *ctx, struct kerr *e)
{
	struct decision_iter it = { cb, ctx };
	sqlite3_stmt *q;

	/* Two statements, not "?1 = 0 OR answer_id = ?1": with the OR, SQLite
	 * scans every decision even for one answer (the review shows one answer's
	 * history per frame, so that is a scan per key on a big project).  One
	 * answer's is the cached one (ST_HISTORY_ONE). */
	if (answer_id > 0) {
		if (!(q = stmt(s, ST_HISTORY_ONE, e)))
			return KERR_STORE;
	} else if (prepare(s, "SELECT " DECISION_COLS " FROM decisions d"
			" ORDER BY d.decision_id", &q, e)) {
		return KERR_STORE;
	}
	sqlite3_bind_int64(q, 1, answer_id);
	return iterate(s, q, decision_row, &it, e);
}

/* ----------------------------------------------------------- final codes */

struct coder_state {
	char *coder, *codes, *version;
	long long first, last;
	int final;
};

struct final_iter {
	int (*cb)(void *ctx, const struct store_final *f);
	void *ctx;
	long long cur;             /* answer being collected, 0 = none */
	struct store_answer a;     /* its fields, owned (store_answer_release) */
	char *suggested;
	struct coder_state *cs;
	size_t ncs, cap;
	int nomem;
};

static void final_clear(struct final_iter *it)
{
	size_t i;

	for (i = 0; i < it->ncs; i++) {
		free(it->cs[i].coder);
		free(it->cs[i].codes);
		free(it->cs[i].version);
	}
	it->ncs = 0;
	store_answer_release(&it->a);
	free(it->suggested);
	it->suggested = NULL;
	it->cur = 0;
}

static int final_emit(struct final_iter *it)
{
	struct store_final f = { 0 };
	const struct coder_state *adj = NULL, *primary = NULL;
	size_t i;

	f.answer = &it->a;
	f.suggested = it->suggested;
	for (i = 0; i < it->ncs; i++) {
		const struct coder_state *c = &it->cs[i];

		if (!c->codes)
			continue;
		if (c->final) {
			if (!adj || c->last > adj->last)
				adj = c;
			continue;
		}
		f.ncoders++;
		if (!primary || c->first < primary->first)
			primary = c;
	}
	for (i = 0; primary && i < it->ncs; i++) {
		const struct coder_state *c = &it->cs[i];

		if (c->codes && !c->final && !store_codes_equal(c->codes, primary->codes))
			f.disputed = !adj;
	}
	if (adj || primary) {
		const struct coder_state *w = adj ? adj : primary;

		f.codes = w->codes;
		f.coder = w->coder;
		f.codebook_version = w->version;
		f.adjudicated = adj != NULL;
	}
	return it->cb(it->ctx, &f);
}

static int final_row(sqlite3_stmt *q, void *arg)
{
	struct final_iter *it = arg;
	long long id = sqlite3_column_int64(q, 0);
	int bad = 0, rc;

	if (id != it->cur) {
		if (it->cur && (rc = final_emit(it)))
			return rc;
		final_clear(it);
		it->cur = id;
		read_answer(q, 0, &it->a);
		it->a.question = buf_dup(it->a.question, &bad);
		it->a.codebook_id = buf_dup(it->a.codebook_id, &bad);
		it->a.wave = buf_dup(it->a.wave, &bad);
		it->a.role = buf_dup(it->a.role, &bad);
		it->a.respondent = buf_dup(it->a.respondent, &bad);
		it->a.text = buf_dup(it->a.text, &bad);
		it->a.extra = buf_dup(it->a.extra, &bad);
		it->suggested = buf_dup(col_text(q, 9), &bad);
	}
	if (sqlite3_column_type(q, 10) != SQLITE_NULL) {
		struct coder_state *c;

		if (it->ncs == it->cap) {
			size_t ncap = it->cap ? it->cap * 2 : 4;
			void *p = realloc(it->cs, ncap * sizeof(*it->cs));

			if (!p)
				return it->nomem = KERR_NOMEM;
			it->cs = p;
			it->cap = ncap;
		}
		c = &it->cs[it->ncs++];
		c->coder = buf_dup(col_text(q, 10), &bad);
		c->first = sqlite3_column_int64(q, 11);
		c->last = sqlite3_column_int64(q, 12);
		c->codes = buf_dup(col_text(q, 13), &bad);
		c->final = sqlite3_column_int(q, 14);
		c->version = buf_dup(col_text(q, 15), &bad);
	}
	return bad ? (it->nomem = KERR_NOMEM) : 0;
}

int store_each_final(struct store *s, const char *question,
	int (*cb)(void *ctx, const struct store_final *f), void *ctx, struct kerr *e)
{
	struct final_iter it;
	sqlite3_stmt *q;
	int rc;

	memset(&it, 0, sizeof(it));
	it.cb = cb;
	it.ctx = ctx;
	if (prepare(s, "SELECT a.answer_id, a.question, a.codebook_id, a.wave, a.role,"
			" a.respondent, a.text, a.extra, a.seq,"
			" (SELECT g.codes FROM suggestions g WHERE g.answer_id = a.answer_id"
			"  ORDER BY g.rowid DESC LIMIT 1),"
			" l.coder, l.first_id, l.last_id, d.codes, d.final, d.codebook_version"
			" FROM answers a"
			" LEFT JOIN (SELECT answer_id, coder, min(decision_id) AS first_id,"
			"  max(decision_id) AS last_id FROM decisions GROUP BY answer_id, coder) l"
			"  ON l.answer_id = a.answer_id"
			" LEFT JOIN decisions d ON d.decision_id = l.last_id"
			" WHERE ?1 IS NULL OR a.question = ?1"
			" ORDER BY a.seq, a.answer_id, l.last_id", &q, e))
		return KERR_STORE;
	bind_text(q, 1, question);
	rc = iterate(s, q, final_row, &it, e);
	if (!rc && it.cur)
		rc = final_emit(&it);
	final_clear(&it);
	free(it.cs);
	if (it.nomem && rc == KERR_NOMEM)
		kerr_set(e, KERR_NOMEM, "out of memory");
	return rc;
}

/* ------------------------------------------------------ coders, versions */

struct name_iter {
	int (*cb)(void *ctx, const char *name);
	void *ctx;
};

static int name_row(sqlite3_stmt *q, void *arg)
{
	struct name_iter *it = arg;

	return it->cb(it->ctx, col_text(q, 0));
}

int store_each_coder(struct store *s, int (*cb)(void *ctx, const char *coder), void *ctx,
	struct kerr *e)
{
	struct name_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT DISTINCT coder FROM decisions ORDER BY coder", &q, e))
		return KERR_STORE;
	return iterate(s, q, name_row, &it, e);
}

int store_add_version(struct store *s, const char *codebook_id, const char *version,
	const char *note, struct kerr *e)
{
	sqlite3_stmt *q;
	char now[32];
	int rc;

	if (prepare(s, "INSERT OR IGNORE INTO versions(codebook_id, version, recorded_at, note)"
			" VALUES(?1, ?2, ?3, ?4)", &q, e))
		return KERR_STORE;
	store_now(now);
	bind_text(q, 1, codebook_id);
	bind_text(q, 2, version);
	bind_text(q, 3, now);
	bind_text(q, 4, note);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot record a codebook version");
	sqlite3_finalize(q);
	return rc;
}

struct version_iter {
	int (*cb)(void *ctx, const char *codebook_id, const char *version);
	void *ctx;
};

static int version_row(sqlite3_stmt *q, void *arg)
{
	struct version_iter *it = arg;

	return it->cb(it->ctx, col_text(q, 0), col_text(q, 1));
}

int store_each_version(struct store *s,
	int (*cb)(void *ctx, const char *codebook_id, const char *version), void *ctx,
	struct kerr *e)
{
	struct version_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT codebook_id, version, min(at) AS first FROM ("
			" SELECT codebook_id, version, recorded_at AS at FROM versions"
			" UNION ALL SELECT codebook_id, codebook_version, decided_at FROM decisions"
			" UNION ALL SELECT codebook_id, codebook_version, created FROM suggestions)"
			" GROUP BY codebook_id, version ORDER BY first, codebook_id, version", &q, e))
		return KERR_STORE;
	return iterate(s, q, version_row, &it, e);
}

/* --------------------------------------------------------------- samples */

int store_sample_add(struct store *s, long long answer_id, const char *coder,
	long long seed, struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_SAMPLE_ADD, e);
	char now[32];
	int rc;

	if (!q)
		return KERR_STORE;
	store_now(now);
	sqlite3_bind_int64(q, 1, answer_id);
	bind_text(q, 2, coder);
	sqlite3_bind_int64(q, 3, seed);
	bind_text(q, 4, now);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot store a sample");
	done(q);
	return rc;
}

int store_sample_has(struct store *s, long long answer_id, const char *coder, int *has,
	struct kerr *e)
{
	sqlite3_stmt *q = stmt(s, ST_SAMPLE_HAS, e);
	int rc;

	*has = 0;
	if (!q)
		return KERR_STORE;
	sqlite3_bind_int64(q, 1, answer_id);
	bind_text(q, 2, coder);
	rc = sqlite3_step(q);
	*has = rc == SQLITE_ROW;
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : fail(s, e, "cannot read the store");
	done(q);
	return rc;
}

struct sample_iter {
	int (*cb)(void *ctx, long long answer_id);
	void *ctx;
};

static int sample_row(sqlite3_stmt *q, void *arg)
{
	struct sample_iter *it = arg;

	return it->cb(it->ctx, sqlite3_column_int64(q, 0));
}

int store_each_sample(struct store *s, const char *coder,
	int (*cb)(void *ctx, long long answer_id), void *ctx, struct kerr *e)
{
	struct sample_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT m.answer_id FROM samples m JOIN answers a"
			" ON a.answer_id = m.answer_id WHERE m.coder = ?1"
			" ORDER BY a.seq, a.answer_id", &q, e))
		return KERR_STORE;
	bind_text(q, 1, coder);
	return iterate(s, q, sample_row, &it, e);
}

int store_sample_remove(struct store *s, long long answer_id, const char *coder,
	struct kerr *e)
{
	sqlite3_stmt *q;
	int rc;

	if (prepare(s, "DELETE FROM samples WHERE answer_id = ?1 AND coder = ?2", &q, e))
		return KERR_STORE;
	sqlite3_bind_int64(q, 1, answer_id);
	bind_text(q, 2, coder);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, e, "cannot remove a sample");
	sqlite3_finalize(q);
	return rc;
}

struct assignment_iter {
	int (*cb)(void *ctx, const struct store_assignment *a);
	void *ctx;
};

static int assignment_row(sqlite3_stmt *q, void *arg)
{
	struct assignment_iter *it = arg;
	struct store_assignment a;

	a.answer_id = sqlite3_column_int64(q, 0);
	a.coder = col_text(q, 1);
	a.seed = sqlite3_column_int64(q, 2);
	a.assigned_at = col_text(q, 3);
	return it->cb(it->ctx, &a);
}

int store_each_assignment(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct store_assignment *a), void *ctx, struct kerr *e)
{
	struct assignment_iter it = { cb, ctx };
	sqlite3_stmt *q;

	if (prepare(s, "SELECT m.answer_id, m.coder, m.seed, m.assigned_at FROM samples m"
			" JOIN answers a ON a.answer_id = m.answer_id"
			" WHERE (?1 IS NULL OR a.question = ?1) AND (?2 IS NULL OR m.coder = ?2)"
			" ORDER BY m.coder, a.seq, a.answer_id", &q, e))
		return KERR_STORE;
	bind_text(q, 1, question);
	bind_text(q, 2, coder);
	return iterate(s, q, assignment_row, &it, e);
}

/* ----------------------------------------------------------------- utils */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split a code list into sorted, trimmed ids inside `copy`.  Returns the
 * count, or -1 when out of memory. */
static long split_codes(const char *s, char **copy, char ***ids)
{
	size_t n = 1, k = 0;
	char *p, *tok, *save = NULL;

	*ids = NULL;
	*copy = strdup(s);
	if (!*copy)
		return -1;
	for (p = *copy; *p; p++)
		n += *p == ';';
	*ids = malloc(n * sizeof(**ids));
	if (!*ids)
		return -1;
	for (tok = strtok_r(*copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *end;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok)
			(*ids)[k++] = tok;
	}
	qsort(*ids, k, sizeof(**ids), cmp_str);
	return (long)k;
}

int store_codes_equal(const char *a, const char *b)
{
	char *ca = NULL, *cb = NULL, **ia = NULL, **ib = NULL;
	long na, nb, i, ka = 0, kb = 0;
	int eq;

	if (!a || !b)
		return a == b;
	if (!strcmp(a, b))
		return 1;
	na = split_codes(a, &ca, &ia);
	nb = split_codes(b, &cb, &ib);
	eq = na >= 0 && nb >= 0;
	/* Sets: a repeated id counts once. */
	while (eq && (ka < na || kb < nb)) {
		if (ka >= na || kb >= nb || strcmp(ia[ka], ib[kb])) {
			eq = 0;
			break;
		}
		for (i = ka; i < na && !strcmp(ia[i], ia[ka]); i++)
			;
		ka = i;
		for (i = kb; i < nb && !strcmp(ib[i], ib[kb]); i++)
			;
		kb = i;
	}
	free(ca);
	free(cb);
	free(ia);
	free(ib);
	return eq;
}

void store_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

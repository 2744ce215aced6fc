/*
 * outfile.c - every output file koder writes: temp file + fsync + rename, so
 * outputs are whole or absent, and what the user named is honoured: a link
 * stays a link (the file it points to is written), a device or FIFO is
 * written in place, a file keeps its mode and a read-only one is refused.
 */
#include "outfile.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Links followed before giving up, as the kernel's own limit (ELOOP). */
#define OUTFILE_MAX_LINKS 40

/* "/dev/stdout", "/dev/stderr", "/dev/fd/N", "/proc/self/fd/N" and
 * "/proc/<our pid>/fd/N" name a descriptor koder already holds: returns N,
 * or -1.  Following such a name as a link would lead to the file behind the
 * descriptor (or to "pipe:[1234]", no path at all), and replacing that file
 * would take it away from the shell that opened it. */
static int fd_path(const char *p)
{
	char pid[32];
	const char *n = NULL;
	char *end;
	long v;

	if (!strcmp(p, "/dev/stdout"))
		return 1;
	if (!strcmp(p, "/dev/stderr"))
		return 2;
	snprintf(pid, sizeof(pid), "/proc/%ld/fd/", (long)getpid());
	if (!strncmp(p, "/dev/fd/", 8))
		n = p + 8;
	else if (!strncmp(p, "/proc/self/fd/", 14))
		n = p + 14;
	else if (!strncmp(p, pid, strlen(pid)))
		n = p + strlen(pid);
	if (!n || *n < '0' || *n > '9')
		return -1;
	errno = 0;
	v = strtol(n, &end, 10);
	if (*end || errno || v > INT_MAX)
		return -1;
	return (int)v;
}

/* Follow `path` through symbolic links to the name that is not one (which
 * may not exist yet: a dangling link creates its target).  Sets *fd to a
 * descriptor number when the chain reaches one of fd_path's names.  Returns
 * a malloc'd path, or NULL with errno set (ELOOP, ENOMEM, a lstat error). */
static char *resolve(const char *path, int *fd)
{
	char *cur = strdup(path);
	int hops;

	*fd = -1;
	for (hops = 0; cur; hops++) {
		struct stat st;
		char link[PATH_MAX], *dir, *next;
		ssize_t n;
		size_t len;

		if ((*fd = fd_path(cur)) >= 0)
			return cur;
		if (lstat(cur, &st) != 0) {
			if (errno == ENOENT)
				return cur;  /* created by the rename */
			free(cur);
			return NULL;
		}
		if (!S_ISLNK(st.st_mode))
			return cur;
		if (hops == OUTFILE_MAX_LINKS || (n = readlink(cur, link, sizeof(link) - 1)) < 0) {
			free(cur);
			errno = hops == OUTFILE_MAX_LINKS ? ELOOP : errno;
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/') {
			next = strdup(link);
		} else {  /* relative to the directory holding the link */
			dir = dirname(cur);
			len = strlen(dir) + (size_t)n + 2;
			if ((next = malloc(len)))
				snprintf(next, len, "%s/%s", dir, link);
		}
		free(cur);
		cur = next;
	}
	errno = ENOMEM;
	return NULL;
}

/* Write to a descriptor koder holds (standard output, or one the shell
 * passed as /dev/fd/N): straight through, at its offset. */
static int open_fd(struct outfile *o, const char *path, int fd, struct kerr *e)
{
	int flags, dup_fd;

	if (fd == STDOUT_FILENO) {
		o->fp = stdout;
		return 0;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
		return kerr_write_errno(e, flags < 0 ? errno : EBADF, path,
			"cannot open output file");
	if ((dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
		return kerr_write_errno(e, errno, path, "cannot open output file");
	if (!(o->fp = fdopen(dup_fd, "w"))) {
		int err = errno;

		close(dup_fd);
		return kerr_write_errno(e, err, path, "cannot open output file");
	}
	return 0;
}

int outfile_open(struct outfile *o, const char *path, struct kerr *e)
{
	char *dircopy = NULL, *basecopy = NULL, *target;
	struct stat st;
	size_t n;
	mode_t mode, mask;
	int fd, have, owner = 0;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	if (!(o->path = strdup(path)))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	if (!(target = resolve(path, &fd))) {
		int err = errno;

		outfile_abort(o);
		return kerr_write_errno(e, err, path, "cannot create output file");
	}
	if (fd >= 0) {
		free(target);
		if (open_fd(o, path, fd, e)) {
			outfile_abort(o);
			return KERR_WRITE;
		}
		return 0;
	}
	have = stat(target, &st) == 0;
	if (!have && errno != ENOENT) {
		int err = errno;

		free(target);
		outfile_abort(o);
		return kerr_write_errno(e, err, path, "cannot create output file");
	}
	if (have && S_ISDIR(st.st_mode)) {
		free(target);
		outfile_abort(o);
		kerr_set(e, KERR_WRITE, "is a directory; name a file (such as %s/out.csv)", path);
		kerr_at(e, path, 0, 0);
		return KERR_WRITE;
	}
	if (have && !S_ISREG(st.st_mode)) {
		/* A device or FIFO (/dev/null, /dev/tty, a named pipe) is written
		 * in place: renaming a temp file over it would replace it. */
		fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		free(target);
		if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
			int err = errno;

			if (fd >= 0)
				close(fd);
			outfile_abort(o);
			return kerr_write_errno(e, err, path, "cannot open output file");
		}
		return 0;
	}
	if (have && (!(st.st_mode & 0222) || access(target, W_OK) != 0)) {
		/* Write-protected on purpose (root could replace it anyway): say
		 * so instead of swapping in a new, writable file. */
		free(target);
		outfile_abort(o);
		kerr_set(e, KERR_WRITE, "the file is read-only, so koder leaves it alone; "
			"make it writable (chmod u+w) or name another file");
		kerr_at(e, path, 0, 0);
		return KERR_WRITE;
	}
	o->target = target;
	dircopy = strdup(target);
	basecopy = strdup(target);
	n = strlen(target) + 32;
	o->tmp = malloc(n);
	if (!dircopy || !basecopy || !o->tmp) {
		free(dircopy);
		free(basecopy);
		outfile_abort(o);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	snprintf(o->tmp, n, "%s/.%s.koder-XXXXXX", dirname(dircopy), basename(basecopy));
	free(dircopy);
	free(basecopy);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;

		free(o->tmp);
		o->tmp = NULL;
		outfile_abort(o);
		return kerr_write_errno(e, err, path, "cannot create output file");
	}
	if (have) {  /* the file it replaces keeps its mode and, if it can, owner */
		mode = st.st_mode & 07777;
		owner = st.st_uid != getuid() || st.st_gid != getgid();
	} else {     /* mkstemp makes 0600; give the mode a plain creat() would */
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (owner && fchown(fd, st.st_uid, st.st_gid) != 0)
		(void)fchown(fd, (uid_t)-1, st.st_gid);
	(void)fchmod(fd, mode);
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		int err = errno;

		close(fd);
		outfile_abort(o);
		return kerr_write_errno(e, err, path, "cannot create output file");
	}
	return 0;
}

int outfile_commit(struct outfile *o, struct kerr *e)
{
	int err = 0;

	if (!o->tmp) {  /* standard output, or a device written in place */
		/* errno as a failed fwrite left it, if fflush has nothing to add */
		if (o->fp && (fflush(o->fp) || ferror(o->fp)))
			err = errno ? errno : EIO;
		if (o->fp && o->fp != stdout && fclose(o->fp) && !err)
			err = errno ? errno : EIO;
		if (o->fp != stdout)
			o->fp = NULL;
		if (err)
			kerr_write_errno(e, err, o->path ? o->path : "standard output", "cannot write");
		free(o->path);
		o->path = NULL;
		return err ? KERR_WRITE : 0;
	}
	if (o->fp) {
		if (fflush(o->fp) || ferror(o->fp) || fsync(fileno(o->fp)))
			err = errno ? errno : EIO;
		if (fclose(o->fp) && !err)
			err = errno ? errno : EIO;
		o->fp = NULL;
	}
	/* onto the file a link points to, so the link itself stays */
	if (!err && rename(o->tmp, o->target))
		err = errno;
	if (err) {
		kerr_write_errno(e, err, o->path,
			"cannot write output file (the old file, if any, is unchanged)");
		outfile_abort(o);
		return KERR_WRITE;
	}
	free(o->tmp);
	free(o->path);
	free(o->target);
	o->tmp = o->path = o->target = NULL;
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp && o->fp != stdout)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o->target);
	o->tmp = o->path = o->target = NULL;
}

int outfile_named(const struct outfile *o, const char *path, struct kerr *e)
{
	if (o->tmp)
		return 0;
	kerr_set(e, KERR_WRITE, "an Excel workbook cannot be written to %s (standard output, "
		 "a device or a pipe: it is written by seeking in a file); give -o a file name "
		 "ending in .xlsx", path && strcmp(path, "-") ? path : "standard output");
	kerr_at(e, path && strcmp(path, "-") ? path : NULL, 0, 0);
	return KERR_WRITE;
}

/* outfile.c - temp file + fsync + rename, so outputs are whole or absent. */
#include "outfile.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_open(struct outfile *o, const char *path, struct kerr *e)
{
	char *dircopy, *basecopy;
	size_t n;
	mode_t mask;
	struct stat st;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		/* A device or FIFO (/dev/null, /dev/full, a pipe) is written in
		 * place: renaming a temp file over it would replace the device. */
		o->fp = fopen(path, "w");
		if (!o->fp)
			return kerr_errno(e, errno, path, "cannot open output file");
		if (!(o->path = strdup(path))) {
			fclose(o->fp);
			o->fp = NULL;
			return kerr_set(e, KERR_NOMEM, "out of memory");
		}
		return 0;
	}
	o->path = strdup(path);
	dircopy = strdup(path);
	basecopy = strdup(path);
	if (!o->path || !dircopy || !basecopy) {
		free(dircopy);
		free(basecopy);
		free(o->path);
		o->path = NULL;
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	n = strlen(path) + 32;
	o->tmp = malloc(n);
	if (o->tmp)
		snprintf(o->tmp, n, "%s/.%s.koder-XXXXXX", dirname(dircopy), basename(basecopy));
	free(dircopy);
	free(basecopy);
	if (!o->tmp) {
		free(o->path);
		o->path = NULL;
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;

		free(o->tmp);
		o->tmp = NULL;
		kerr_errno(e, err, path, "cannot create output file");
		free(o->path);
		o->path = NULL;
		return KERR_IO;
	}
	/* mkstemp makes 0600; give the file the mode a plain creat() would. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		int err = errno;

		close(fd);
		kerr_errno(e, err, path, "cannot create output file");
		outfile_abort(o);
		return KERR_IO;
	}
	return 0;
}

int outfile_commit(struct outfile *o, struct kerr *e)
{
	int err = 0;

	if (!o->tmp) {  /* standard output, or a device written in place */
		if (o->fp && (fflush(o->fp) || ferror(o->fp)))
			err = errno ? errno : EIO;
		if (o->fp && o->fp != stdout && fclose(o->fp) && !err)
			err = errno ? errno : EIO;
		if (o->fp != stdout)
			o->fp = NULL;
		if (err)
			kerr_errno(e, err, o->path ? o->path : "standard output", "cannot write");
		free(o->path);
		o->path = NULL;
		return err ? KERR_IO : 0;
	}
	if (o->fp) {
		if (fflush(o->fp) || ferror(o->fp) || fsync(fileno(o->fp)))
			err = errno ? errno : EIO;
		if (fclose(o->fp) && !err)
			err = errno ? errno : EIO;
		o->fp = NULL;
	}
	if (!err && rename(o->tmp, o->path))
		err = errno;
	if (err) {
		kerr_errno(e, err, o->path, "cannot write output file (the old file, if any, is unchanged)");
		outfile_abort(o);
		return KERR_IO;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
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
	o->tmp = o->path = NULL;
}

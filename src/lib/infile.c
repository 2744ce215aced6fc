/* infile.c - inputs that must be regular files, opened without blocking. */
#include "infile.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *infile_open(const char *path, const char *what, struct kerr *e)
{
	char msg[128];
	struct stat st;
	FILE *fp;
	int fd, flags;

	/* O_NONBLOCK: opening a FIFO with no writer returns at once instead
	 * of waiting for one that never comes */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "cannot open %s", what);
		kerr_errno(e, errno, path, msg);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int dir = S_ISDIR(st.st_mode);

		close(fd);
		kerr_set(e, KERR_IO, "%s is a %s, not a regular file; give the file itself",
			 what, dir ? "directory" : "FIFO, socket or device");
		kerr_at(e, path, 0, 0);
		return NULL;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0
	    || !(fp = fdopen(fd, "rb"))) {
		int err = errno;

		close(fd);
		snprintf(msg, sizeof(msg), "cannot open %s", what);
		kerr_errno(e, err, path, msg);
		return NULL;
	}
	return fp;
}

/* gitmsg.c: libgit2's last error and typed git results, said once */
#include <stdarg.h>
#include <stdio.h>

#include <git2.h>

#include "gitmsg.h"

const char *
gitmsg_last(void)
{
	const git_error	*e = git_error_last();

	return e != NULL && e->message != NULL ? e->message : "unknown error";
}

void
gitmsg_set(char *err, size_t errsz, const char *what)
{
	if (err != NULL && errsz > 0)
		snprintf(err, errsz, "%s: %s", what, gitmsg_last());
}

int
gitmsg_result(char *msg, size_t msgsz, int rc, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	return rc;
}

/* gitmsg.h: libgit2's last error and typed git results, said once */
#ifndef SWARM_GITMSG_H
#define SWARM_GITMSG_H

#include <stddef.h>

#include "log.h"

/* libgit2's message for the last failure of this thread, never NULL. */
const char *gitmsg_last(void);
/* err = "what: <libgit2's message>" (nothing when err is NULL). */
void	gitmsg_set(char *err, size_t errsz, const char *what);
/* Format a result message into msg; returns rc. */
int	gitmsg_result(char *msg, size_t msgsz, int rc, const char *fmt, ...)
	    FMT(4, 5);
/*
 * Fill a typed result (a struct with kind and char msg[]) and return
 * rc: merge, rebase and push report their failures this way.
 */
#define GITMSG_FAIL(out, rc, k, ...) \
	((out)->kind = (k), \
	    gitmsg_result((out)->msg, sizeof((out)->msg), (rc), __VA_ARGS__))

#endif

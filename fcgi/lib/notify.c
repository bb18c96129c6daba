/* notify.c: tell swarm-stream that rows changed (fire-and-forget datagrams) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "notify.h"
#include "uuid.h"

const char *const notify_kind_names[NOTIFY__MAX] = {
	"board", "procs", "logs", "horg", "hkey"
};

static int			 notify_fd = -1;
static struct sockaddr_un	 notify_addr;
static int			 notify_ready;	/* 1 ok, -1 no address */

/* The target address from the environment, once per process. */
static int
notify_setup(void)
{
	const char	*p, *run;
	int		 n;

	if (notify_ready != 0)
		return notify_ready;
	notify_ready = -1;
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	if ((p = getenv("SWARM_STREAM_NOTIFY")) != NULL && *p != '\0')
		n = snprintf(notify_addr.sun_path, sizeof(notify_addr.sun_path),
		    "%s", p);
	else if ((run = getenv("SWARM_RUN")) != NULL && *run != '\0')
		n = snprintf(notify_addr.sun_path, sizeof(notify_addr.sun_path),
		    "%s/%s", run, NOTIFY_SOCK_NAME);
	else
		return notify_ready;
	if (n < 0 || (size_t)n >= sizeof(notify_addr.sun_path))
		return notify_ready;
	notify_ready = 1;
	return notify_ready;
}

void
notify_send(enum notify_kind kind, const char *id)
{
	char	 msg[NOTIFY_MSG_MAX];
	int	 n, saved = errno;

	if (kind < 0 || kind >= NOTIFY__MAX || id == NULL ||
	    notify_setup() != 1)
		return;
	n = snprintf(msg, sizeof(msg), "%s %s", notify_kind_names[kind], id);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	/* A socket per process, kept: a fork inherits it, which is harmless
	 * for datagrams (each send is one whole message). */
	if (notify_fd < 0 && (notify_fd = socket(AF_UNIX, SOCK_DGRAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		errno = saved;
		return;
	}
	(void)sendto(notify_fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_addr, sizeof(notify_addr));
	errno = saved;
}

int
notify_parse(enum notify_kind *kind, char *id, const char *buf, size_t len)
{
	char	 tmp[NOTIFY_MSG_MAX];
	char	*sp;
	int	 k;

	if (len == 0 || len >= sizeof(tmp) || memchr(buf, '\0', len) != NULL)
		return E_INVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if ((sp = strchr(tmp, ' ')) == NULL)
		return E_INVAL;
	*sp++ = '\0';
	for (k = 0; k < NOTIFY__MAX; k++)
		if (strcmp(tmp, notify_kind_names[k]) == 0)
			break;
	if (k == NOTIFY__MAX || strlen(sp) != UUID_STRLEN ||
	    uuid_parse(id, sp) != 0)
		return E_INVAL;
	*kind = (enum notify_kind)k;
	return 0;
}

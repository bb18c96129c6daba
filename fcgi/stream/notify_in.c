/* notify_in.c: the datagrams FastCGI workers and runners send after commits */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "notify.h"
#include "stream.h"

/* Read every waiting datagram; each names one thing that changed. */
static void
notify_in_read(int fd, void *arg)
{
	enum notify_kind	 kind;
	char			 buf[NOTIFY_MSG_MAX + 1], id[UUID_STRLEN + 1];
	ssize_t			 n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (notify_parse(&kind, id, buf, (size_t)n) != 0)
			continue;	/* not ours: ignored */
		/* Each role acts on its own kinds only. */
		if ((kind == NOTIFY_HORG || kind == NOTIFY_HKEY) !=
		    (stream_role() == ROLE_HIVE))
			continue;
		switch (kind) {
		case NOTIFY_BOARD:
			board_notify(id);
			break;
		case NOTIFY_PROCS:
			procs_notify(id);
			logs_notify_attempt(id);
			break;
		case NOTIFY_LOGS:
			logs_notify(id);
			break;
		case NOTIFY_HORG:
			hivelink_notify_org(id);
			break;
		case NOTIFY_HKEY:
			hivelink_key_revoked(id);
			break;
		default:
			break;
		}
	}
}

int
notify_in_init(const char *path)
{
	struct sockaddr_un	 sa;
	int			 fd, rcvbuf = 1 << 20;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path) >=
	    sizeof(sa.sun_path))
		return E_FAIL;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return E_FAIL;
	/* Our lock is held: a leftover path is a dead instance's. */
	(void)unlink(path);
	/* Room for bursts (a runner flushing, many workers writing). */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0 || loop_fd_add(fd, notify_in_read, NULL)
	    != 0) {
		log_warn("%s", path);
		close(fd);
		return E_FAIL;
	}
	return 0;
}

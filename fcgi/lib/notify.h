/* notify.h: tell swarm-stream that rows changed (fire-and-forget datagrams) */
#ifndef SWARM_NOTIFY_H
#define SWARM_NOTIFY_H

/*
 * After a commit that changes what a stream shows, a writer sends one
 * datagram "<kind> <uuid>" to $SWARM_RUN/stream-notify.sock (or
 * $SWARM_STREAM_NOTIFY). It never blocks and never fails the caller:
 * nobody listening, a full socket buffer or a missing variable just
 * drop the message, and swarm-stream's periodic database check picks
 * the change up a little later instead.
 */
#define NOTIFY_SOCK_NAME	"stream-notify.sock"
#define NOTIFY_MSG_MAX		64

enum notify_kind {
	NOTIFY_BOARD,		/* tasks of a project changed: project id */
	NOTIFY_PROCS,		/* processes of an attempt changed: attempt id */
	NOTIFY_LOGS,		/* a process's log rows grew: process id */
	/* The hive's workers to the hive's swarm-stream (node links). */
	NOTIFY_HORG,		/* swarm state of an organization changed */
	NOTIFY_HKEY,		/* a node API key was revoked: key id */
	NOTIFY__MAX
};

/* The word of each kind on the wire ("board", "procs", "logs", ...). */
extern const char *const notify_kind_names[NOTIFY__MAX];

void	notify_send(enum notify_kind, const char *id);
/*
 * Parse one datagram: 0 with *kind and id[37] (canonical UUID) set, or
 * E_INVAL. Used by swarm-stream.
 */
int	notify_parse(enum notify_kind *kind, char *id, const char *buf,
	    size_t len);

#endif

/* stream.h: swarm-stream's shared internals (clients, loop, the streams) */
#ifndef SWARM_STREAM_H
#define SWARM_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "outq.h"
#include "route.h"

struct db;
struct hlink;

/* ---------------------------------------------------------------- loop */

/*
 * Everything runs on lws's one service thread (no EXTERNAL_POLL in this
 * lws build), so other work joins the lws loop:
 *
 *  - a timer: embed a struct loop_timer, then loop_every() for periodic
 *    work or loop_after() for a one-shot (both re-arm a pending timer);
 *    loop_cancel() before the memory goes.
 *  - an fd (inotify, a datagram socket, a pipe): loop_fd_add() adopts it
 *    as an lws RAW_FILE; fn runs when it is readable. It must be
 *    non-blocking and read until EAGAIN.
 *
 * An lws client connection (say, the node's link to the hive) is one
 * more protocol in main.c's protocols[] and a lws_client_connect_via_info
 * call from a timer; a server endpoint is one more row in route.c.
 */
struct loop_timer {
	lws_sorted_usec_list_t	 sul;		/* first: container of sul */
	int64_t			 every_ms;	/* 0: one-shot */
	void			(*fn)(void *);
	void			*arg;
	int			 armed;
};

void	loop_init(struct lws_context *, struct lws_vhost *);
struct lws_context *loop_context(void);
void	loop_every(struct loop_timer *, int64_t ms, void (*fn)(void *),
	    void *arg);
void	loop_after(struct loop_timer *, int64_t ms, void (*fn)(void *),
	    void *arg);
void	loop_cancel(struct loop_timer *);
/* 0, or E_FAIL (lws refused the fd; it is not closed). */
int	loop_fd_add(int fd, void (*fn)(int fd, void *), void *arg);
/* The lws protocol that serves loop_fd_add (main.c lists it). */
int	loop_fd_callback(struct lws *, enum lws_callback_reasons, void *,
	    void *, size_t);
/* Monotonic milliseconds. */
int64_t	loop_now_ms(void);

/* --------------------------------------------------------------- clients */

struct client {
	struct lws		*wsi;
	struct route_req	 req;
	struct outq		 q;
	/* The shared source the client follows (a board, a watch set...). */
	void			*topic;
	struct client		*tprev, *tnext;	/* the topic's clients */
	struct client		*aprev, *anext;	/* every client */
	int64_t			 next_ping_ms, last_pong_ms;
	unsigned int		 established:1, ping_due:1, closing:1,
				 close_after_drain:1, finished:1;
	int			 close_code;
	char			 close_reason[96];
	/* The hive's node link: its session (hivelink.c). */
	struct hlink		*link;
	/* Diff streams: content bytes still allowed on this connection. */
	uint64_t		 budget;
	unsigned int		 budget_out:1;
};

/* The clients of one topic. */
struct clist {
	struct client		*head;
	size_t			 n;
};

void	clist_add(struct clist *, struct client *);
void	clist_remove(struct clist *, struct client *);

/*
 * Queue m for c (a reference is taken). A live message over the queue's
 * bound drops the queue and ends the client with refresh_required.
 */
void	client_send(struct client *, struct msg *m, int live);
/* client_send to every client of l. */
void	client_broadcast(struct clist *, struct msg *m);
/* Send {"finished":true}, then close (1000) once it is written. */
void	client_finish(struct client *);
/* Drop what is queued, send refresh_required, then close. */
void	client_refresh(struct client *, const char *reason);
/* Close with a WebSocket close code and reason after what is queued. */
void	client_close(struct client *, int code, const char *reason);

/* Every connected client, for keep-alive. */
void	clients_link(struct client *);
void	clients_unlink(struct client *);
/* Ping due clients, close those without a pong in time (once a second). */
void	clients_keepalive(void *);
size_t	clients_count(void);

/* The WebSocket protocol callback (ws.c), protocols[0] in main.c. */
int	ws_callback(struct lws *, enum lws_callback_reasons, void *, void *,
	    size_t);

/* --------------------------------------------------------------- streams */

/*
 * Each stream kind: check runs before the upgrade (return 0, or an HTTP
 * status with a message in err, e.g. 404 for an unknown id); open runs
 * once the socket is a WebSocket (attach to the topic, queue the
 * snapshot; non-zero closes with 1011); close detaches.
 */
struct stream_ops {
	int	(*check)(const struct route_req *, char *err, size_t errsz);
	int	(*open)(struct client *);
	void	(*close)(struct client *);
	/*
	 * Optional: a piece of a client frame (streams without it ignore
	 * what clients send, as the original). final: the message ends
	 * here; binary: a binary frame. Non-zero closes the connection.
	 */
	int	(*receive)(struct client *, const void *in, size_t len,
		    int final, int binary);
};

extern const struct stream_ops stream_ops[STREAM__MAX];

/* Which host swarm-stream serves: a node's streams, or the hive's links. */
enum stream_role { ROLE_NODE, ROLE_HIVE };
enum stream_role stream_role(void);

/* The process's database handle (one connection, reconnects itself). */
struct db *stream_db(void);
/* Executor profiles, for the normalizer mode of a process (may be NULL). */
const struct executors *stream_executors(void);

int	board_check(const struct route_req *, char *, size_t);
int	board_open(struct client *);
void	board_close(struct client *);
void	board_notify(const char *project_id);
void	board_init(void);

int	procs_check(const struct route_req *, char *, size_t);
int	procs_open(struct client *);
void	procs_close(struct client *);
void	procs_notify(const char *attempt_id);
void	procs_init(void);

int	logs_check(const struct route_req *, char *, size_t);
int	logs_open(struct client *);
void	logs_close(struct client *);
void	logs_notify(const char *process_id);
void	logs_notify_attempt(const char *attempt_id);
void	logs_init(void);

int	diff_check(const struct route_req *, char *, size_t);
int	diff_open(struct client *);
void	diff_close(struct client *);
int	diff_init(void);

/*
 * hivelink.c: the hive's end of the node link (hive-api.md §4): auth
 * with the node API key, registration, heartbeats (written in batches),
 * link/unlink, notifications pushed to the nodes of an organization.
 */
int	hivelink_check(const struct route_req *, char *, size_t);
int	hivelink_open(struct client *);
void	hivelink_close(struct client *);
int	hivelink_receive(struct client *, const void *, size_t, int, int);
/* Tell every linked node of org_id to pull (a datagram "horg <id>"). */
void	hivelink_notify_org(const char *org_id);
/* Close every link authenticated with key_id (revoked). */
void	hivelink_key_revoked(const char *key_id);
void	hivelink_init(void);
size_t	hivelink_count(void);

/*
 * nodelink.c: the node's end: a persistent lws client to the hive when
 * VK_HIVE_URL and VK_NODE_API_KEY are set (nothing otherwise), with
 * heartbeats, reconnect with backoff, and a sync run on notifications.
 */
void	nodelink_init(void);
int	nodelink_callback(struct lws *, enum lws_callback_reasons, void *,
	    void *, size_t);

/* The datagram socket writers notify (lib/notify.h). 0 or E_FAIL. */
int	notify_in_init(const char *path);
/* Reap orphaned runs and sweep idle worktrees, now and periodically. */
void	orphans_init(void);

#endif

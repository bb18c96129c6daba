/* outq.h: a client's bounded queue of outgoing messages */
#ifndef SWARM_STREAM_OUTQ_H
#define SWARM_STREAM_OUTQ_H

#include <stddef.h>

#include "msg.h"

/*
 * Messages wait here until the socket can take them. A snapshot (the
 * initial state, a log's history) is always queued whole; live updates
 * queued behind it are bounded by count and bytes, because only a client
 * that does not read lets them pile up: past the bound the caller drops
 * the queue and tells the client to refresh (outq_push says E_TOOBIG).
 */
#define OUTQ_MAX_LIVE		1000		/* the original's channel size */
#define OUTQ_MAX_LIVE_BYTES	(64u << 20)

struct outq_item {
	struct msg		*m;
	struct outq_item	*next;
	int			 live;
};

struct outq {
	struct outq_item	*head, *tail;
	size_t			 n, bytes;
	size_t			 live_n, live_bytes;
	size_t			 max_live_n, max_live_bytes;
};

/* An empty queue with the default bounds. */
void		 outq_init(struct outq *);
/*
 * Queue a reference to m (live: counts against the bounds). 0, E_TOOBIG
 * (over a bound: nothing queued), E_FAIL (OOM).
 */
int		 outq_push(struct outq *, struct msg *m, int live);
/* The first message (borrowed), or NULL. */
struct msg	*outq_peek(const struct outq *);
void		 outq_pop(struct outq *);
/* Drop everything. */
void		 outq_clear(struct outq *);

#endif

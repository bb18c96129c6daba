/* client.c: one WebSocket client: its queue, keep-alive and ending */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "stream.h"

/* A client told to refresh or close gets this long to drain. */
#define CLIENT_DRAIN_SECS	10

static struct client	*all_clients;
static size_t		 all_n;

void
clist_add(struct clist *l, struct client *c)
{
	c->tprev = NULL;
	c->tnext = l->head;
	if (l->head != NULL)
		l->head->tprev = c;
	l->head = c;
	l->n++;
}

void
clist_remove(struct clist *l, struct client *c)
{
	if (c->tprev != NULL)
		c->tprev->tnext = c->tnext;
	else if (l->head == c)
		l->head = c->tnext;
	else
		return;		/* not in this list */
	if (c->tnext != NULL)
		c->tnext->tprev = c->tprev;
	c->tprev = c->tnext = NULL;
	l->n--;
}

void
clients_link(struct client *c)
{
	c->aprev = NULL;
	c->anext = all_clients;
	if (all_clients != NULL)
		all_clients->aprev = c;
	all_clients = c;
	all_n++;
}

void
clients_unlink(struct client *c)
{
	if (c->aprev != NULL)
		c->aprev->anext = c->anext;
	else if (all_clients == c)
		all_clients = c->anext;
	else
		return;
	if (c->anext != NULL)
		c->anext->aprev = c->aprev;
	c->aprev = c->anext = NULL;
	all_n--;
}

size_t
clients_count(void)
{
	return all_n;
}

/* Stop taking messages and give the client a bounded time to drain. */
static void
client_ending(struct client *c, int code, const char *reason)
{
	c->closing = 1;
	c->close_after_drain = 1;
	c->close_code = code;
	snprintf(c->close_reason, sizeof(c->close_reason), "%s", reason);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, CLIENT_DRAIN_SECS);
	lws_callback_on_writable(c->wsi);
}

void
client_refresh(struct client *c, const char *reason)
{
	struct msg	*m;

	if (c->closing)
		return;
	outq_clear(&c->q);
	if ((m = msg_refresh(reason)) != NULL) {
		(void)outq_push(&c->q, m, 0);
		msg_unref(m);
	}
	log_info("client %p: %s", (void *)c, reason);
	client_ending(c, 1000, "refresh required");
}

void
client_send(struct client *c, struct msg *m, int live)
{
	int	 rc;

	if (c->closing || m == NULL)
		return;
	if ((rc = outq_push(&c->q, m, live)) == E_TOOBIG) {
		client_refresh(c, "the client fell too far behind");
		return;
	}
	if (rc != 0) {
		client_close(c, 1011, "out of memory");
		return;
	}
	lws_callback_on_writable(c->wsi);
}

void
client_broadcast(struct clist *l, struct msg *m)
{
	struct client	*c, *next;

	for (c = l->head; c != NULL; c = next) {
		next = c->tnext;	/* a refresh does not unlink, but be safe */
		client_send(c, m, 1);
	}
}

void
client_finish(struct client *c)
{
	struct msg	*m;

	if (c->closing || c->finished)
		return;
	c->finished = 1;
	if ((m = msg_finished()) != NULL) {
		(void)outq_push(&c->q, m, 0);
		msg_unref(m);
	}
	client_ending(c, 1000, "finished");
}

void
client_close(struct client *c, int code, const char *reason)
{
	if (c->closing)
		return;
	client_ending(c, code, reason);
}

void
clients_keepalive(void *arg)
{
	struct client	*c;
	int64_t		 now = loop_now_ms();

	for (c = all_clients; c != NULL; c = c->anext) {
		if (!c->established || c->closing || now < c->next_ping_ms)
			continue;
		if (now - c->last_pong_ms >
		    (int64_t)c->req.route->pong_timeout_secs * 1000) {
			/* As the original: no pong in time, the socket goes. */
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_ASYNC);
			c->closing = 1;
			continue;
		}
		c->ping_due = 1;
		c->next_ping_ms = now +
		    (int64_t)c->req.route->ping_secs * 1000;
		lws_callback_on_writable(c->wsi);
	}
}

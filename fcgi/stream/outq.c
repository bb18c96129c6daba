/* outq.c: a client's bounded queue of outgoing messages */
#include <stdlib.h>

#include "err.h"
#include "outq.h"

void
outq_init(struct outq *q)
{
	q->head = q->tail = NULL;
	q->n = q->bytes = q->live_n = q->live_bytes = 0;
	q->max_live_n = OUTQ_MAX_LIVE;
	q->max_live_bytes = OUTQ_MAX_LIVE_BYTES;
}

int
outq_push(struct outq *q, struct msg *m, int live)
{
	struct outq_item	*it;

	if (live && (q->live_n + 1 > q->max_live_n ||
	    q->live_bytes + m->len > q->max_live_bytes))
		return E_TOOBIG;
	if ((it = malloc(sizeof(*it))) == NULL)
		return E_FAIL;
	it->m = msg_ref(m);
	it->next = NULL;
	it->live = live;
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
	q->bytes += m->len;
	if (live) {
		q->live_n++;
		q->live_bytes += m->len;
	}
	return 0;
}

struct msg *
outq_peek(const struct outq *q)
{
	return q->head != NULL ? q->head->m : NULL;
}

void
outq_pop(struct outq *q)
{
	struct outq_item	*it = q->head;

	if (it == NULL)
		return;
	if ((q->head = it->next) == NULL)
		q->tail = NULL;
	q->n--;
	q->bytes -= it->m->len;
	if (it->live) {
		q->live_n--;
		q->live_bytes -= it->m->len;
	}
	msg_unref(it->m);
	free(it);
}

void
outq_clear(struct outq *q)
{
	while (q->head != NULL)
		outq_pop(q);
}

/* req.c: query parameters and the end of a request */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "text.h"

#define REQ_MAX_QUERY_PAIRS	64

/* Split the raw query into decoded pairs; on a bad escape keep none. */
static int
req_parse_query(struct req *rq)
{
	const char	*p, *amp, *eq;
	size_t		 n = 0, i;

	rq->q_parsed = 1;
	if (rq->query == NULL || *rq->query == '\0')
		return 0;
	if ((rq->q = calloc(REQ_MAX_QUERY_PAIRS, sizeof(*rq->q))) == NULL)
		return E_FAIL;
	for (p = rq->query; *p != '\0' && n < REQ_MAX_QUERY_PAIRS; p = amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if (amp == p) {
			amp++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		rq->q[n].key = text_urldecode(p, (size_t)((eq ? eq : amp) - p), 1);
		rq->q[n].val = eq ? text_urldecode(eq + 1,
		    (size_t)(amp - eq - 1), 1) : strdup("");
		if (rq->q[n].key == NULL || rq->q[n].val == NULL) {
			free(rq->q[n].key);
			free(rq->q[n].val);
			for (i = 0; i < n; i++) {
				free(rq->q[i].key);
				free(rq->q[i].val);
			}
			free(rq->q);
			rq->q = NULL;
			rq->nq = 0;
			return E_INVAL;
		}
		n++;
		if (*amp == '&')
			amp++;
	}
	rq->nq = n;
	return *p == '\0' ? 0 : E_INVAL;	/* too many pairs */
}

int
req_query_check(struct req *rq)
{
	return rq->q_parsed ? 0 : req_parse_query(rq);
}

const char *
req_query(struct req *rq, const char *name)
{
	size_t	 i;

	if (!rq->q_parsed)
		(void)req_parse_query(rq);
	for (i = 0; i < rq->nq; i++)
		if (strcmp(rq->q[i].key, name) == 0)
			return rq->q[i].val;
	return NULL;
}

void
req_clear(struct req *rq)
{
	size_t	 i;

	for (i = 0; i < rq->nq; i++) {
		free(rq->q[i].key);
		free(rq->q[i].val);
	}
	free(rq->q);
	free(rq->path);
	free(rq->query);
	free(rq->body);
	free(rq->rest);
	json_object_put(rq->json);
	memset(rq, 0, sizeof(*rq));
}

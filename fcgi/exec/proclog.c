/* proclog.c: append a running process's output to execution_process_logs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "jsonx.h"
#include "notify.h"
#include "proclog.h"
#include "text.h"

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
proclog_init(struct proclog *pl, struct db *db, const char *exec_id,
    unsigned long long max)
{
	memset(pl, 0, sizeof(*pl));
	pl->db = db;
	snprintf(pl->exec_id, sizeof(pl->exec_id), "%s", exec_id);
	pl->max = max;
}

static int
append(struct proclog *pl, const char *s, size_t n)
{
	char	*grown;
	size_t	 cap;

	if (pl->len + n + 1 > pl->cap) {
		cap = pl->cap ? pl->cap : 4096;
		while (cap < pl->len + n + 1)
			cap *= 2;
		if ((grown = realloc(pl->buf, cap)) == NULL)
			return E_FAIL;
		pl->buf = grown;
		pl->cap = cap;
	}
	memcpy(pl->buf + pl->len, s, n);
	pl->len += n;
	pl->buf[pl->len] = '\0';
	return 0;
}

/* {"<kind>":"<text>"}\n into the batch. */
static int
append_msg(struct proclog *pl, const char *kind, const char *text, size_t len)
{
	json_object	*o = NULL;
	const char	*r;
	char		*clean = NULL;
	size_t		 rlen, clen;
	int		 rc = E_FAIL;

	if ((clean = text_utf8_lossy(text, len, &clen)) == NULL ||
	    (o = json_object_new_object()) == NULL ||
	    jsonx_add(o, kind, json_object_new_string_len(clean,
	    (int)clen)) != 0 ||
	    (r = jsonx_render(o, &rlen)) == NULL)
		goto out;
	if (pl->len == 0)
		pl->batch_ms = now_ms();
	if (append(pl, r, rlen) == 0 && append(pl, "\n", 1) == 0)
		rc = 0;
out:
	free(clean);
	json_object_put(o);
	return rc;
}

int
proclog_add(struct proclog *pl, const char *kind, const char *text, size_t len)
{
	char	 marker[128];
	int	 rc;

	if (pl->truncated)
		return 0;
	if (pl->stored + pl->len + len > pl->max) {
		pl->truncated = 1;
		snprintf(marker, sizeof(marker), "[swarm] log truncated: more "
		    "than %llu bytes of output; the rest is not kept\n",
		    pl->max);
		if ((rc = append_msg(pl, "Stderr", marker, strlen(marker))) != 0)
			return rc;
		return proclog_flush(pl, 1);
	}
	if ((rc = append_msg(pl, kind, text, len)) != 0)
		return rc;
	return proclog_flush(pl, pl->len >= PROCLOG_BATCH_BYTES);
}

int
proclog_flush(struct proclog *pl, int force)
{
	static const char sql[] = "INSERT INTO execution_process_logs "
	    "(execution_id, logs, byte_size) VALUES (?, ?, ?)";
	int	 rc;

	if (pl->len == 0 ||
	    (!force && now_ms() - pl->batch_ms < PROCLOG_BATCH_MS))
		return 0;
	struct db_param	 p[] = { DB_STR(pl->exec_id), DB_STR(pl->buf),
	    DB_INT((long long)pl->len) };
	if ((rc = db_exec(pl->db, sql, p, DB_NPARAMS(p), NULL)) != 0)
		return rc;
	pl->stored += pl->len;
	pl->len = 0;
	/* Log streams (swarm-stream) read the new row now. */
	notify_send(NOTIFY_LOGS, pl->exec_id);
	return 0;
}

void
proclog_clear(struct proclog *pl)
{
	free(pl->buf);
	memset(pl, 0, sizeof(*pl));
}

/* proclog.h: append a running process's output to execution_process_logs */
#ifndef SWARM_PROCLOG_H
#define SWARM_PROCLOG_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define PROCLOG_MAX_DEFAULT	(32ULL * 1024 * 1024)	/* per process */
#define PROCLOG_BATCH_BYTES	65536
#define PROCLOG_BATCH_MS	100

/*
 * Output is stored as LogMsg JSON lines ({"Stdout":"..."}), several per
 * row: a row is written when the batch is 64 KiB or 100 ms old, so a
 * chatty agent costs few inserts and a quiet one is seen at once. Past
 * max bytes one marker line says the log was truncated and the rest is
 * dropped (the process goes on).
 */
struct proclog {
	struct db		*db;
	char			 exec_id[37];
	char			*buf;
	size_t			 len, cap;
	unsigned long long	 stored;
	unsigned long long	 max;
	int			 truncated;
	int64_t			 batch_ms;	/* when the batch began */
};

void	proclog_init(struct proclog *, struct db *, const char *exec_id,
	    unsigned long long max);
/*
 * Add one message: kind is "Stdout" or "Stderr" (or another LogMsg tag
 * with a string value); text need not be valid UTF-8. Flushes when due.
 * 0, or the database error of a flush.
 */
int	proclog_add(struct proclog *, const char *kind, const char *text,
	    size_t len);
/* Write the batch if it is older than PROCLOG_BATCH_MS (or force). */
int	proclog_flush(struct proclog *, int force);
void	proclog_clear(struct proclog *);

#endif

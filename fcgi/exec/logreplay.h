/* logreplay.h: stored process logs back into LogMsgs and normalized ops */
#ifndef SWARM_LOGREPLAY_H
#define SWARM_LOGREPLAY_H

#include <stdint.h>
#include <json.h>

#include "normalize.h"

struct executors;

/*
 * A row of execution_process_logs holds LogMsg JSON lines
 * ({"Stdout":"..."}, {"Stderr":"..."}). Call fn for each one of text,
 * in order (the message is borrowed); a line that does not parse is
 * skipped. Stops at and returns fn's first non-zero result.
 */
int	logreplay_lines(const char *text,
	    int (*fn)(json_object *msg, void *), void *arg);
/*
 * Feed one stored LogMsg to a normalizer as the runner fed the line:
 * *ops gets the JSON-Patch ops (an array, possibly empty; owned by the
 * caller). *ms is the replay clock: stored lines carry no time, so each
 * one advances it past the stderr joining gap. The runner's own
 * "setup required" line becomes the setup_required error entry. 0 or
 * E_FAIL.
 */
int	logreplay_normalize(json_object **ops, struct normalizer *,
	    json_object *msg, int64_t *ms);
/* The normalizer mode of a process row: its agent's log format, or plain. */
enum normalize_mode logreplay_mode(json_object *proc,
	    const struct executors *);
/* "Stdout" / "Stderr" text of a LogMsg (borrowed) and *is_err; NULL else. */
const char *logreplay_text(json_object *msg, int *is_err);

#endif

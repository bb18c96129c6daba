/* timefmt.h: database times to RFC 3339 */
#ifndef SWARM_TIMEFMT_H
#define SWARM_TIMEFMT_H

#include <stddef.h>

#define TIMEFMT_LEN	27	/* 2026-11-26T09:21:01.881359Z */

/*
 * Format a UTC broken-down time with microseconds as RFC 3339
 * ("2026-11-26T09:21:01.881359Z") into out[TIMEFMT_LEN + 1].
 * Returns 0, or E_INVAL when a field is out of range.
 */
int	timefmt_rfc3339(char out[TIMEFMT_LEN + 1], unsigned year,
	    unsigned month, unsigned day, unsigned hour, unsigned minute,
	    unsigned second, unsigned long usec);

#endif

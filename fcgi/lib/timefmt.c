/* timefmt.c: database times to RFC 3339 */
#include <stdio.h>

#include "err.h"
#include "timefmt.h"

int
timefmt_rfc3339(char out[TIMEFMT_LEN + 1], unsigned year, unsigned month,
    unsigned day, unsigned hour, unsigned minute, unsigned second,
    unsigned long usec)
{
	int	 n;

	if (year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour > 23 || minute > 59 || second > 60 || usec > 999999)
		return E_INVAL;
	n = snprintf(out, TIMEFMT_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%06luZ",
	    year, month, day, hour, minute, second, usec);
	return n == TIMEFMT_LEN ? 0 : E_INVAL;
}

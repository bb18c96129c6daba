/* log.c: one-line-per-event logging to stderr, err(3) style */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_role = "swarm";
static enum log_level	 log_level = LOG_LVL_INFO;

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

/*
 * Set the role printed on every line and the level from its name
 * ("error", "warn", "info", "debug"); an unknown name keeps "info".
 */
void
log_init(const char *role, const char *level)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	size_t	 i;

	log_role = role;
	if (level == NULL)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(level, names[i]) == 0)
			log_level = (enum log_level)i;
}

void
log_escape(char *dst, size_t dstsz, const char *src)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 o = 0;
	unsigned char		 c;

	if (dstsz == 0)
		return;
	for (; (c = (unsigned char)*src) != '\0'; src++) {
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
}

/* Times are UTC: logs from several hosts of a swarm must line up. */
static void
log_vline(const char *lvl, int with_errno, int saved_errno, const char *fmt,
    va_list ap)
{
	char		 msg[2048], ts[32];
	struct timespec	 now;
	struct tm	 tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno)
		fprintf(stderr, "%s.%03ldZ %s[%d] %s %s: %s\n", ts,
		    now.tv_nsec / 1000000, log_role, (int)getpid(), lvl, msg,
		    strerror(saved_errno));
	else
		fprintf(stderr, "%s.%03ldZ %s[%d] %s %s\n", ts,
		    now.tv_nsec / 1000000, log_role, (int)getpid(), lvl, msg);
}

#define LOG_BODY(lvl_enum, name, with_errno) do {			\
	int	 e = errno;						\
	va_list	 ap;							\
	if (log_level < (lvl_enum))					\
		return;							\
	va_start(ap, fmt);						\
	log_vline(name, with_errno, e, fmt, ap);			\
	va_end(ap);							\
	errno = e;							\
} while (0)

void log_warn(const char *fmt, ...)  { LOG_BODY(LOG_LVL_WARN, "warn", 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_LVL_WARN, "warn", 0); }
void log_info(const char *fmt, ...)  { LOG_BODY(LOG_LVL_INFO, "info", 0); }
void log_debug(const char *fmt, ...) { LOG_BODY(LOG_LVL_DEBUG, "debug", 0); }

void
fatal(const char *fmt, ...)
{
	int	 e = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vline("fatal", 1, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline("fatal", 0, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

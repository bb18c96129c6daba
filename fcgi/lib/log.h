/* log.h: one-line-per-event logging to stderr, err(3) style */
#ifndef SWARM_LOG_H
#define SWARM_LOG_H

#include <stdarg.h>

#define FMT(a, b)	__attribute__((format(printf, a, b)))

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void	log_init(const char *role, const char *level);
void	log_set_level(enum log_level);
void	log_warn(const char *, ...) FMT(1, 2);	/* appends strerror(errno) */
void	log_warnx(const char *, ...) FMT(1, 2);
void	log_info(const char *, ...) FMT(1, 2);
void	log_debug(const char *, ...) FMT(1, 2);
void	fatal(const char *, ...) FMT(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) FMT(1, 2) __attribute__((noreturn));
/* Copy untrusted bytes into dst escaping controls and non-ASCII (\xNN). */
void	log_escape(char *dst, size_t dstsz, const char *src);

#endif

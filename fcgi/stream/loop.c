/* loop.c: timers and extra fds on lws's service loop */
#include <stdlib.h>
#include <time.h>

#include "err.h"
#include "log.h"
#include "stream.h"

static struct lws_context	*loop_ctx;
static struct lws_vhost		*loop_vh;

/* What an adopted fd calls (the wsi's opaque user data). */
struct loop_fd {
	int	 fd;
	void	(*fn)(int, void *);
	void	*arg;
};

void
loop_init(struct lws_context *ctx, struct lws_vhost *vh)
{
	loop_ctx = ctx;
	loop_vh = vh;
}

struct lws_context *
loop_context(void)
{
	return loop_ctx;
}

int64_t
loop_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
loop_fire(lws_sorted_usec_list_t *sul)
{
	struct loop_timer	*t = (struct loop_timer *)sul;

	t->armed = 0;
	/* Re-arm first: fn may cancel or re-arm it itself. */
	if (t->every_ms > 0) {
		t->armed = 1;
		lws_sul_schedule(loop_ctx, 0, &t->sul, loop_fire,
		    t->every_ms * LWS_US_PER_MS);
	}
	t->fn(t->arg);
}

static void
loop_arm(struct loop_timer *t, int64_t ms, int64_t every, void (*fn)(void *),
    void *arg)
{
	t->fn = fn;
	t->arg = arg;
	t->every_ms = every;
	t->armed = 1;
	lws_sul_schedule(loop_ctx, 0, &t->sul, loop_fire, ms * LWS_US_PER_MS);
}

void
loop_every(struct loop_timer *t, int64_t ms, void (*fn)(void *), void *arg)
{
	loop_arm(t, ms, ms, fn, arg);
}

void
loop_after(struct loop_timer *t, int64_t ms, void (*fn)(void *), void *arg)
{
	loop_arm(t, ms, 0, fn, arg);
}

void
loop_cancel(struct loop_timer *t)
{
	if (t->armed)
		lws_sul_cancel(&t->sul);
	t->armed = 0;
	t->every_ms = 0;
}

int
loop_fd_add(int fd, void (*fn)(int, void *), void *arg)
{
	lws_sock_file_fd_type	 u;
	struct loop_fd		*lf;
	struct lws		*wsi;

	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		return E_FAIL;
	lf->fd = fd;
	lf->fn = fn;
	lf->arg = arg;
	u.filefd = (lws_filefd_type)(intptr_t)fd;
	if ((wsi = lws_adopt_descriptor_vhost(loop_vh, LWS_ADOPT_RAW_FILE_DESC,
	    u, "swarm-fd", NULL)) == NULL) {
		free(lf);
		return E_FAIL;
	}
	lws_set_opaque_user_data(wsi, lf);
	return 0;
}

int
loop_fd_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct loop_fd	*lf = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (lf != NULL)
			lf->fn(lf->fd, lf->arg);
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (lf != NULL)
			log_debug("fd %d left the event loop", lf->fd);
		lws_set_opaque_user_data(wsi, NULL);
		free(lf);
		return 0;
	default:
		return 0;
	}
}

/* linkload.c: simulated nodes holding node links to a hive (make bench) */
/*
 * One process, one epoll loop, N WebSocket clients of the hive's node
 * link (GET /hive/v1/nodes/ws, hive-api.md §4), each a node of its own
 * (machine id "<prefix>-<i>"): upgrade, `auth`, then a `heartbeat`
 * every --interval ms (first one at a random phase, so they spread),
 * answering pings. The latency of a heartbeat is the time from its send
 * to its `heartbeat_ack`; once every link is up the histogram restarts,
 * so the figures are the steady state. A link refused before it is up
 * (listen backlog full, the hive busy) is tried again after 0.5-1.5 s,
 * as a node would; "failed" counts links lost after they were up. Connects to a unix socket
 * (swarm-stream directly) or host:port (nginx).
 *
 *   linkload --unix PATH | --tcp HOST:PORT --key KEY --links N
 *            [--prefix P] [--interval MS] [--rate PER_S] [--hold S]
 *            [--hist FILE]
 *
 * Prints a status line every 5 s and "RESULT up=.. failed=.. sent=..
 * acked=.. p50_ms=.. p99_ms=.. max_ms=.. ramp_s=.." at the end; --hist
 * writes "bin_us count" lines (100 µs bins) for merging.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RBUF		8192
#define BIN_US		100
#define NBINS		100000		/* 10 s */

enum state { S_CONNECTING, S_HANDSHAKE, S_AUTH, S_UP, S_DEAD, S_RETRY };

struct conn {
	int		 fd;
	enum state	 st;
	size_t		 rlen;
	int64_t		 next_hb_us, sent_us;
	unsigned char	*rbuf;
};

static struct conn	*cs;
static int		 nconn, ep;
static const char	*unix_path, *key, *prefix = "load";
static struct sockaddr_in tcp_addr;
static int64_t		 interval_ms = 15000, rate = 2000, hold_s = 30;
static uint64_t		 hist[NBINS + 1], sent, acked, failed, up, retries;
static int64_t		 max_us;
static volatile sig_atomic_t stop;

static int64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One masked (zero key) text frame. */
static int
send_text(struct conn *c, const char *s, size_t n)
{
	unsigned char	 buf[2048];
	size_t		 h;

	if (n + 8 > sizeof(buf))
		return -1;
	buf[0] = 0x81;
	if (n < 126) {
		buf[1] = 0x80 | (unsigned char)n;
		h = 2;
	} else {
		buf[1] = 0x80 | 126;
		buf[2] = (unsigned char)(n >> 8);
		buf[3] = (unsigned char)n;
		h = 4;
	}
	memset(buf + h, 0, 4);
	memcpy(buf + h + 4, s, n);
	return write(c->fd, buf, h + 4 + n) == (ssize_t)(h + 4 + n) ? 0 : -1;
}

static void
send_pong(struct conn *c, const unsigned char *p, size_t n)
{
	unsigned char	 buf[2 + 4 + 125];

	if (n > 125)
		n = 125;
	buf[0] = 0x8a;
	buf[1] = 0x80 | (unsigned char)n;
	memset(buf + 2, 0, 4);
	memcpy(buf + 6, p, n);
	(void)write(c->fd, buf, 6 + n);
}

static void
kill_conn(struct conn *c)
{
	if (c->st == S_DEAD || c->st == S_RETRY)
		return;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->st == S_UP) {
		up--;
		failed++;
		c->st = S_DEAD;
		return;
	}
	retries++;
	c->st = S_RETRY;
	c->next_hb_us = now_us() + 500000 + random() % 1000000;
}

static void
open_conn(int i)
{
	struct conn	*c = &cs[i];
	struct sockaddr_un sa;
	struct epoll_event ev;
	int		 fd, one = 1;

	if (unix_path != NULL) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", unix_path);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
		    errno != EINPROGRESS && errno != EAGAIN) {
			close(fd);
			fd = -1;
		}
	} else {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		if (fd >= 0 && connect(fd, (struct sockaddr *)&tcp_addr,
		    sizeof(tcp_addr)) != 0 && errno != EINPROGRESS) {
			close(fd);
			fd = -1;
		}
	}
	c->fd = fd;
	c->st = S_CONNECTING;
	if (fd < 0) {
		kill_conn(c);
		return;
	}
	c->st = S_CONNECTING;
	c->rlen = 0;
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		kill_conn(c);
}

static void
send_upgrade(struct conn *c)
{
	static const char req[] = "GET /hive/v1/nodes/ws HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n";
	struct epoll_event ev;

	if (write(c->fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		kill_conn(c);
		return;
	}
	c->st = S_HANDSHAKE;
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u32 = (uint32_t)(c - cs);
	(void)epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
send_auth(struct conn *c)
{
	char	 m[600];
	int	 n;

	n = snprintf(m, sizeof(m), "{\"type\":\"auth\",\"data\":{\"api_key\":"
	    "\"%s\",\"machine_id\":\"%s-%ld\",\"name\":\"%s-%ld\","
	    "\"capabilities\":{},\"public_url\":null,\"protocol_version\":1}}",
	    key, prefix, (long)(c - cs), prefix, (long)(c - cs));
	if (send_text(c, m, (size_t)n) != 0)
		kill_conn(c);
	else
		c->st = S_AUTH;
}

static void
on_text(struct conn *c, const unsigned char *p, size_t n)
{
	int64_t	 t, d;

	if (c->st == S_AUTH) {
		if (memmem(p, n, "\"success\":true", 14) == NULL) {
			fprintf(stderr, "auth refused: %.*s\n", (int)(n > 200 ?
			    200 : n), p);
			kill_conn(c);
			return;
		}
		c->st = S_UP;
		up++;
		c->next_hb_us = now_us() + (int64_t)(random() %
		    (interval_ms * 1000));
		return;
	}
	if (memmem(p, n, "\"heartbeat_ack\"", 15) != NULL && c->sent_us > 0) {
		t = now_us();
		d = t - c->sent_us;
		c->sent_us = 0;
		acked++;
		hist[d / BIN_US < NBINS ? d / BIN_US : NBINS]++;
		if (d > max_us)
			max_us = d;
	}
}

/* Parse whole frames out of rbuf. */
static void
on_frames(struct conn *c)
{
	size_t	 off = 0, h, len;
	unsigned char *b = c->rbuf;
	int	 op;

	while (c->st != S_DEAD && c->rlen - off >= 2) {
		op = b[off] & 0x0f;
		len = b[off + 1] & 0x7f;
		h = 2;
		if (len == 126) {
			if (c->rlen - off < 4)
				break;
			len = (size_t)b[off + 2] << 8 | b[off + 3];
			h = 4;
		} else if (len == 127) {
			kill_conn(c);	/* nothing the hive sends is that big */
			return;
		}
		if (c->rlen - off < h + len)
			break;
		if (op == 1)
			on_text(c, b + off + h, len);
		else if (op == 9)
			send_pong(c, b + off + h, len);
		else if (op == 8) {
			kill_conn(c);
			return;
		}
		off += h + len;
	}
	if (off > 0 && c->st != S_DEAD) {
		memmove(b, b + off, c->rlen - off);
		c->rlen -= off;
	}
}

static void
on_readable(struct conn *c)
{
	ssize_t	 n;
	char	*e;

	for (;;) {
		if (c->rlen >= RBUF) {
			kill_conn(c);
			return;
		}
		n = read(c->fd, c->rbuf + c->rlen, RBUF - c->rlen);
		if (n == 0) {
			kill_conn(c);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN)
				kill_conn(c);
			break;
		}
		c->rlen += (size_t)n;
	}
	if (c->st == S_HANDSHAKE) {
		if ((e = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4)) == NULL)
			return;
		if (c->rlen < 12 || memcmp(c->rbuf + 9, "101", 3) != 0) {
			kill_conn(c);
			return;
		}
		e += 4;
		c->rlen -= (size_t)(e - (char *)c->rbuf);
		memmove(c->rbuf, e, c->rlen);
		send_auth(c);
	}
	if (c->st == S_AUTH || c->st == S_UP)
		on_frames(c);
}

static void
heartbeats(void)
{
	static const char hb[] = "{\"type\":\"heartbeat\",\"data\":{\"status\":"
	    "\"online\",\"active_tasks\":0,\"available_capacity\":1}}";
	int64_t	 t = now_us();
	int	 i;

	for (i = 0; i < nconn; i++) {
		struct conn *c = &cs[i];

		if (c->st == S_RETRY && t >= c->next_hb_us) {
			open_conn(i);
			continue;
		}
		if (c->st != S_UP || t < c->next_hb_us)
			continue;
		c->next_hb_us = t + interval_ms * 1000;
		if (send_text(c, hb, sizeof(hb) - 1) != 0) {
			kill_conn(c);
			continue;
		}
		c->sent_us = t;
		sent++;
	}
}

static double
quantile(double q)
{
	uint64_t	 total = 0, acc = 0;
	int		 i;

	for (i = 0; i <= NBINS; i++)
		total += hist[i];
	if (total == 0)
		return 0;
	for (i = 0; i <= NBINS; i++) {
		acc += hist[i];
		if ((double)acc >= q * (double)total)
			return (double)(i + 1) * BIN_US / 1000.0;
	}
	return (double)NBINS * BIN_US / 1000.0;
}

static void
on_signal(int s __attribute__((unused)))
{
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct epoll_event evs[512];
	const char	*tcp = NULL, *histfile = NULL;
	int64_t		 start, t, next_open, ramp_done = 0, end = 0, last_print;
	int		 i, n, opened = 0, links = 0;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--unix") == 0) unix_path = argv[i + 1];
		else if (strcmp(argv[i], "--tcp") == 0) tcp = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0) key = argv[i + 1];
		else if (strcmp(argv[i], "--links") == 0) links = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--prefix") == 0) prefix = argv[i + 1];
		else if (strcmp(argv[i], "--interval") == 0) interval_ms = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--rate") == 0) rate = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--hold") == 0) hold_s = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--hist") == 0) histfile = argv[i + 1];
		else break;
	}
	if (i != argc || links <= 0 || key == NULL || (unix_path == NULL) ==
	    (tcp == NULL) || interval_ms <= 0 || rate <= 0) {
		fprintf(stderr, "usage: linkload --unix PATH | --tcp HOST:PORT "
		    "--key KEY --links N [--prefix P] [--interval MS] "
		    "[--rate N] [--hold S] [--hist FILE]\n");
		return 2;
	}
	if (tcp != NULL) {
		char	 host[64];
		const char *colon = strrchr(tcp, ':');

		if (colon == NULL || (size_t)(colon - tcp) >= sizeof(host))
			return 2;
		memcpy(host, tcp, (size_t)(colon - tcp));
		host[colon - tcp] = '\0';
		tcp_addr.sin_family = AF_INET;
		tcp_addr.sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &tcp_addr.sin_addr) != 1)
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	srandom((unsigned int)getpid());
	nconn = links;
	if ((cs = calloc((size_t)links, sizeof(*cs))) == NULL ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return 1;
	for (i = 0; i < links; i++)
		if ((cs[i].rbuf = malloc(RBUF)) == NULL)
			return 1;
	start = last_print = next_open = now_us();
	while (!stop) {
		t = now_us();
		/* Open at --rate per second. */
		while (opened < links && next_open <= t) {
			open_conn(opened++);
			next_open += 1000000 / rate;
		}
		/* Up, or given up on after 300 s. */
		if (!ramp_done && opened == links && (up + failed >=
		    (uint64_t)links || t - start > 300000000)) {
			ramp_done = t;
			end = t + hold_s * 1000000;
			memset(hist, 0, sizeof(hist));
			max_us = 0;
			sent = acked = 0;
			printf("ramp %.1f s: %lu up, %lu retries\n",
			    (double)(t - start) / 1e6, (unsigned long)up,
			    (unsigned long)retries);
			fflush(stdout);
		}
		if (ramp_done && t >= end)
			break;
		n = epoll_wait(ep, evs, 512, 20);
		for (i = 0; i < n; i++) {
			struct conn *c = &cs[evs[i].data.u32];

			if (c->st == S_DEAD)
				continue;
			if (c->st == S_CONNECTING && (evs[i].events & EPOLLOUT)) {
				if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
					kill_conn(c);
					continue;
				}
				send_upgrade(c);
			}
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR))
				on_readable(c);
		}
		heartbeats();
		if (t - last_print >= 5000000) {
			last_print = t;
			printf("t=%.0fs up=%lu failed=%lu sent=%lu acked=%lu "
			    "p99_ms=%.1f\n", (double)(t - start) / 1e6,
			    (unsigned long)up, (unsigned long)failed,
			    (unsigned long)sent, (unsigned long)acked,
			    quantile(0.99));
			fflush(stdout);
		}
	}
	printf("RESULT up=%lu failed=%lu sent=%lu acked=%lu p50_ms=%.1f "
	    "p99_ms=%.1f max_ms=%.1f ramp_s=%.1f retries=%lu\n",
	    (unsigned long)up, (unsigned long)failed, (unsigned long)sent,
	    (unsigned long)acked,
	    quantile(0.5), quantile(0.99), (double)max_us / 1000.0,
	    ramp_done ? (double)(ramp_done - start) / 1e6 : -1.0,
	    (unsigned long)retries);
	if (histfile != NULL) {
		FILE	*f = fopen(histfile, "w");

		for (i = 0; f != NULL && i <= NBINS; i++)
			if (hist[i] > 0)
				fprintf(f, "%d %lu\n", i * BIN_US,
				    (unsigned long)hist[i]);
		if (f != NULL)
			fclose(f);
	}
	return 0;
}

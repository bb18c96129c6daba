/* test_fsbrowse.c: directories and files within a root (fsbrowse.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fsbrowse.h"
#include "text.h"
#include "jsonx.h"

/* A byte string that may hold NUL: pointer and length. */
#define B(s)	(s), (sizeof(s) - 1)

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

#define ALPHA	"int main(void) { return 0; }\n"
#define BADUTF8	"ok \xff \xc3( end\n"

/*
 * The tree every case starts from (base is a fresh mkdtemp directory):
 *
 *   base/root/            the root handed to fsb_*
 *     README.md alpha.c Beta.txt Makefile empty.txt
 *     a/inner.txt a/b/deep.txt
 *     B-dir/              empty
 *     repo/.git/ repo/file.txt     a nested repository
 *     wt/.git wt/x.txt             .git as a file (a worktree)
 *     .hidden .hiddendir/x
 *     etc-link -> /etc    inlink -> a    dangling -> nowhere
 *     sib -> ../rootevil  (outside, but its name starts with "root")
 *     binary.bin          a NUL in the first bytes
 *     nul-8191.bin        a NUL at offset 8191 (inside the scan)
 *     nul-8192.txt        a NUL at offset 8192 (past the scan)
 *     big.txt             FSB_MAX_FILE + 1 bytes
 *     max.txt             FSB_MAX_FILE bytes
 *     bad-utf8.txt        invalid UTF-8
 *     fifo                a named pipe
 *   base/rootevil/secret.txt
 */
struct tree {
	char	 base[64];
	char	 root[64 + 8];
	char	 rroot[PATH_MAX];	/* realpath of root */
};

static void
put(const struct tree *t, const char *rel, const char *data, size_t len)
{
	char	 path[PATH_MAX * 2];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", t->base, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
dir(const struct tree *t, const char *rel)
{
	char	 path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", t->base, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
link_to(const struct tree *t, const char *target, const char *rel)
{
	char	 path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", t->base, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int
setup_tree(void **state)
{
	struct tree	*t;
	char		 path[PATH_MAX * 2], *buf;

	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	snprintf(t->base, sizeof(t->base), "/tmp/swarm-test-fsbrowse-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	snprintf(t->root, sizeof(t->root), "%s/root", t->base);

	dir(t, "root");
	dir(t, "rootevil");
	put(t, "rootevil/secret.txt", B("secret\n"));
	put(t, "root/README.md", B("# hi\n"));
	put(t, "root/alpha.c", B(ALPHA));
	put(t, "root/Beta.txt", B("beta\n"));
	put(t, "root/Makefile", B("all:\n"));
	put(t, "root/empty.txt", B(""));
	dir(t, "root/a");
	put(t, "root/a/inner.txt", B("inner\n"));
	dir(t, "root/a/b");
	put(t, "root/a/b/deep.txt", B("deep\n"));
	dir(t, "root/B-dir");
	dir(t, "root/repo");
	dir(t, "root/repo/.git");
	put(t, "root/repo/file.txt", B("f\n"));
	dir(t, "root/wt");
	put(t, "root/wt/.git", B("gitdir: /elsewhere\n"));
	put(t, "root/wt/x.txt", B("x\n"));
	put(t, "root/.hidden", B("h\n"));
	dir(t, "root/.hiddendir");
	put(t, "root/.hiddendir/x", B("x\n"));
	link_to(t, "/etc", "root/etc-link");
	link_to(t, "a", "root/inlink");
	link_to(t, "nowhere", "root/dangling");
	link_to(t, "../rootevil", "root/sib");
	put(t, "root/binary.bin", B("ab\0cd"));
	put(t, "root/bad-utf8.txt", B(BADUTF8));

	buf = malloc(FSB_MAX_FILE + 1);
	assert_non_null(buf);
	memset(buf, 'x', FSB_MAX_FILE + 1);
	put(t, "root/big.txt", buf, FSB_MAX_FILE + 1);
	put(t, "root/max.txt", buf, FSB_MAX_FILE);
	buf[FSB_BINARY_SCAN - 1] = '\0';
	put(t, "root/nul-8191.bin", buf, FSB_BINARY_SCAN);
	buf[FSB_BINARY_SCAN - 1] = 'x';
	buf[FSB_BINARY_SCAN] = '\0';
	buf[FSB_BINARY_SCAN + 1] = 'y';
	put(t, "root/nul-8192.txt", buf, FSB_BINARY_SCAN + 2);
	free(buf);

	snprintf(path, sizeof(path), "%s/root/fifo", t->base);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_non_null(realpath(t->root, t->rroot));
	*state = t;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
teardown_tree(void **state)
{
	struct tree	*t = *state;
	int		 rc;

	/* FTW_PHYS: never follow etc-link into /etc. */
	rc = nftw(t->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return rc;
}

/* Expected real path: "" is the root itself, "/x" is root/x. */
struct resolve_case {
	const char	*rel;
	int		 rc;
	const char	*real;
};

static int
resolve_table(const struct tree *tr, const char *root,
    const struct resolve_case *t, size_t n)
{
	char	*out, want[PATH_MAX * 2];
	size_t	 i;
	int	 rc, nfail = 0;

	for (i = 0; i < n; i++) {
		out = (char *)&out;
		rc = fsb_resolve(&out, root, t[i].rel);
		if (rc != t[i].rc) {
			CHECK(0, "fsb_resolve(%s): rc %d (%s), want %d\n",
			    t[i].rel != NULL ? t[i].rel : "NULL", rc,
			    rc == 0 ? out : "-", t[i].rc);
		} else if (rc == 0) {
			snprintf(want, sizeof(want), "%s%s", tr->rroot,
			    t[i].real);
			CHECK(strcmp(out, want) == 0, "fsb_resolve(%s): %s, "
			    "want %s\n", t[i].rel != NULL ? t[i].rel : "NULL",
			    out, want);
		} else
			CHECK(out == NULL, "fsb_resolve(%s): error but *out "
			    "set\n", t[i].rel);
		if (rc == 0)
			free(out);
	}
	return nfail;
}

static void
fsbrowse_resolve_inside(void **state)
{
	static const struct resolve_case t[] = {
		{ NULL,			0, "" },
		{ "",			0, "" },
		{ ".",			0, "" },
		{ "./",			0, "" },
		{ "a",			0, "/a" },
		{ "a/b",		0, "/a/b" },
		{ "a/b/",		0, "/a/b" },
		{ "a//b",		0, "/a/b" },
		{ "./a",		0, "/a" },
		{ "a/./b",		0, "/a/b" },
		{ "a/b/deep.txt",	0, "/a/b/deep.txt" },
		{ "a/../alpha.c",	0, "/alpha.c" },
		{ "a/b/../inner.txt",	0, "/a/inner.txt" },
		{ "a/b/../../a",	0, "/a" },
		/* A symlink whose target is inside the root. */
		{ "inlink",		0, "/a" },
		{ "inlink/b/deep.txt",	0, "/a/b/deep.txt" },
		{ "inlink/..",		0, "" },
		{ "repo/.git",		0, "/repo/.git" },
	};
	struct tree	*tr = *state;

	assert_int_equal(resolve_table(tr, tr->root, t,
	    sizeof(t) / sizeof(t[0])), 0);
}

static void
fsbrowse_resolve_forbidden(void **state)
{
	static const struct resolve_case t[] = {
		{ "..",			E_FORBIDDEN, NULL },
		{ "../",		E_FORBIDDEN, NULL },
		{ "../root",		E_FORBIDDEN, NULL },
		{ "../rootevil/secret.txt", E_FORBIDDEN, NULL },
		{ "a/../..",		E_FORBIDDEN, NULL },
		{ "a/b/../../..",	E_FORBIDDEN, NULL },
		{ "./../x",		E_FORBIDDEN, NULL },
		{ "inlink/../..",	E_FORBIDDEN, NULL },
		{ "/etc",		E_FORBIDDEN, NULL },
		{ "/",			E_FORBIDDEN, NULL },
		{ "//etc",		E_FORBIDDEN, NULL },
		/* Symlinks whose targets are outside the root. */
		{ "etc-link",		E_FORBIDDEN, NULL },
		{ "etc-link/passwd",	E_FORBIDDEN, NULL },
		{ "etc-link/..",	E_FORBIDDEN, NULL },
		{ "sib",		E_FORBIDDEN, NULL },
		{ "sib/secret.txt",	E_FORBIDDEN, NULL },
		/* Checked before the disk: refused even when missing. */
		{ "../no/such/thing",	E_FORBIDDEN, NULL },
	};
	struct tree	*tr = *state;

	assert_int_equal(resolve_table(tr, tr->root, t,
	    sizeof(t) / sizeof(t[0])), 0);
}

static void
fsbrowse_resolve_missing(void **state)
{
	static const struct resolve_case t[] = {
		{ "missing",		E_NOTFOUND, NULL },
		{ "a/missing",		E_NOTFOUND, NULL },
		{ "a/missing/x",	E_NOTFOUND, NULL },
		{ "alpha.c/x",		E_NOTFOUND, NULL },	/* ENOTDIR */
		{ "dangling",		E_NOTFOUND, NULL },
		{ "...",		E_NOTFOUND, NULL },
		{ "..x",		E_NOTFOUND, NULL },
		{ "x..",		E_NOTFOUND, NULL },
	};
	struct tree	*tr = *state;

	assert_int_equal(resolve_table(tr, tr->root, t,
	    sizeof(t) / sizeof(t[0])), 0);
}

/* The root may be given with a trailing slash or through a symlink. */
static void
fsbrowse_resolve_root_forms(void **state)
{
	static const struct resolve_case t[] = {
		{ NULL,			0, "" },
		{ "a/b",		0, "/a/b" },
		{ "..",			E_FORBIDDEN, NULL },
		{ "sib",		E_FORBIDDEN, NULL },
	};
	struct tree	*tr = *state;
	char		 root[PATH_MAX * 2], *out;

	snprintf(root, sizeof(root), "%s/", tr->root);
	assert_int_equal(resolve_table(tr, root, t, sizeof(t) / sizeof(t[0])),
	    0);
	snprintf(root, sizeof(root), "%s/root/inlink/..", tr->base);
	assert_int_equal(resolve_table(tr, root, t, sizeof(t) / sizeof(t[0])),
	    0);

	snprintf(root, sizeof(root), "%s/nonexistent", tr->base);
	out = (char *)&out;
	assert_int_equal(fsb_resolve(&out, root, NULL), E_NOTFOUND);
	assert_null(out);
}

/* With "/" as the root everything absolute-looking is still relative. */
static void
fsbrowse_resolve_slash_root(void **state)
{
	char	*out;

	assert_int_equal(fsb_resolve(&out, "/", "etc"), 0);
	assert_string_equal(out, "/etc");
	free(out);
	assert_int_equal(fsb_resolve(&out, "/", NULL), 0);
	assert_string_equal(out, "/");
	free(out);
	assert_int_equal(fsb_resolve(&out, "/", ".."), E_FORBIDDEN);
	assert_null(out);
}

struct entry_want {
	const char	*name;
	int		 is_dir;
	int		 is_git;	/* -1: outside the tree, not checked */
};

/* Check a DirectoryListResponse against names, paths and flags. */
static int
check_listing(json_object *res, const char *rel, const char *prefix,
    const char *current, const struct entry_want *w, size_t nw)
{
	json_object	*entries, *e, *v;
	char		 path[PATH_MAX];
	size_t		 i, n;
	int		 nfail = 0;

	CHECK(json_object_object_length(res) == 2, "%s: %d keys\n", rel,
	    json_object_object_length(res));
	CHECK(current == NULL || (jsonx_get_str(res, "current_path") != NULL &&
	    strcmp(jsonx_get_str(res, "current_path"), current) == 0),
	    "%s: current_path %s, want %s\n", rel,
	    jsonx_get_str(res, "current_path"), current);
	if (!json_object_object_get_ex(res, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array)) {
		print_error("%s: no entries array\n", rel);
		return nfail + 1;
	}
	n = json_object_array_length(entries);
	CHECK(n == nw, "%s: %zu entries, want %zu\n", rel, n, nw);
	for (i = 0; i < n && i < nw; i++) {
		e = json_object_array_get_idx(entries, i);
		CHECK(json_object_object_length(e) == 5, "%s[%zu]: %d keys\n",
		    rel, i, json_object_object_length(e));
		CHECK(jsonx_get_str(e, "name") != NULL &&
		    strcmp(jsonx_get_str(e, "name"), w[i].name) == 0,
		    "%s[%zu]: name %s, want %s\n", rel, i,
		    jsonx_get_str(e, "name"), w[i].name);
		snprintf(path, sizeof(path), "%s%s", prefix, w[i].name);
		CHECK(jsonx_get_str(e, "path") != NULL &&
		    strcmp(jsonx_get_str(e, "path"), path) == 0,
		    "%s[%zu]: path %s, want %s\n", rel, i,
		    jsonx_get_str(e, "path"), path);
		CHECK(json_object_object_get_ex(e, "is_directory", &v) &&
		    json_object_is_type(v, json_type_boolean) &&
		    json_object_get_boolean(v) == w[i].is_dir,
		    "%s[%zu] %s: is_directory, want %d\n", rel, i, w[i].name,
		    w[i].is_dir);
		CHECK(json_object_object_get_ex(e, "is_git_repo", &v) &&
		    json_object_is_type(v, json_type_boolean) &&
		    (w[i].is_git < 0 ||
		    json_object_get_boolean(v) == w[i].is_git),
		    "%s[%zu] %s: is_git_repo, want %d\n", rel, i, w[i].name,
		    w[i].is_git);
		/* The age in seconds: the tree was made just now. */
		CHECK(json_object_object_get_ex(e, "last_modified", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) >= 0 && (w[i].is_git < 0 ||
		    json_object_get_int64(v) < 300),
		    "%s[%zu] %s: last_modified %s\n", rel, i, w[i].name,
		    json_object_to_json_string(v));
	}
	return nfail;
}

static const struct entry_want root_entries[] = {
	/* Directories first (symlinks to directories count), by name... */
	{ "a",		1, 0 },
	{ "B-dir",	1, 0 },
	{ "etc-link",	1, -1 },
	{ "inlink",	1, 0 },
	{ "repo",	1, 1 },
	{ "sib",	1, 0 },
	{ "wt",		1, 1 },
	/* ...then files, both without regard to case. */
	{ "alpha.c",	0, 0 },
	{ "bad-utf8.txt", 0, 0 },
	{ "Beta.txt",	0, 0 },
	{ "big.txt",	0, 0 },
	{ "binary.bin",	0, 0 },
	{ "empty.txt",	0, 0 },
	{ "fifo",	0, 0 },
	{ "Makefile",	0, 0 },
	{ "max.txt",	0, 0 },
	{ "nul-8191.bin", 0, 0 },
	{ "nul-8192.txt", 0, 0 },
	{ "README.md",	0, 0 },
};
#define NROOT	(sizeof(root_entries) / sizeof(root_entries[0]))

/* The root, however named: hidden and dangling entries are skipped. */
static void
fsbrowse_list_root(void **state)
{
	static const char *const rels[] = { NULL, "", "." };
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		msg = NULL;
		res = (json_object *)&res;
		assert_int_equal(fsb_list(&res, tr->root, rels[i], &msg), 0);
		assert_non_null(res);
		nfail += check_listing(res, rels[i] != NULL ? rels[i] : "NULL",
		    "", ".", root_entries, NROOT);
		json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

static void
fsbrowse_list_subdir(void **state)
{
	static const struct entry_want a[] = {
		{ "b", 1, 0 }, { "inner.txt", 0, 0 },
	};
	static const struct entry_want repo[] = {
		{ "file.txt", 0, 0 },
	};
	static const struct entry_want deep[] = {
		{ "deep.txt", 0, 0 },
	};
	static const struct {
		const char		*rel, *prefix, *current;
		const struct entry_want	*w;
		size_t			 nw;
	} t[] = {
		{ "a",		"a/",		"a",		a, 2 },
		{ "a/b",	"a/b/",		"a/b",		deep, 1 },
		{ "inlink",	"inlink/",	"inlink",	a, 2 },
		{ "repo",	"repo/",	"repo",		repo, 1 },
	};
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = fsb_list(&res, tr->root, t[i].rel, &msg);
		CHECK(rc == 0, "fsb_list(%s): rc %d (%s)\n", t[i].rel, rc,
		    msg);
		if (rc != 0)
			continue;
		nfail += check_listing(res, t[i].rel, t[i].prefix,
		    t[i].current, t[i].w, t[i].nw);
		json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

/*
 * A trailing slash in rel must not double the slash in entry paths
 * (current_path is not checked here).
 */
static void
fsbrowse_list_trailing_slash(void **state)
{
	static const struct entry_want a[] = {
		{ "b", 1, 0 }, { "inner.txt", 0, 0 },
	};
	static const struct entry_want deep[] = {
		{ "deep.txt", 0, 0 },
	};
	static const struct {
		const char		*rel, *prefix;
		const struct entry_want	*w;
		size_t			 nw;
	} t[] = {
		{ "a/",		"a/",		a, 2 },
		{ "a/b/",	"a/b/",		deep, 1 },
		{ "./",		"",		root_entries, NROOT },
	};
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = fsb_list(&res, tr->root, t[i].rel, &msg);
		CHECK(rc == 0, "fsb_list(%s): rc %d (%s)\n", t[i].rel, rc,
		    msg);
		if (rc != 0)
			continue;
		nfail += check_listing(res, t[i].rel, t[i].prefix, NULL,
		    t[i].w, t[i].nw);
		json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

/*
 * An empty directory lists as no entries. Run in a child: a sanitizer
 * report there (qsort of a NULL array) aborts the child, not the suite.
 */
static void
fsbrowse_list_empty_dir(void **state)
{
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	pid_t		 pid;
	int		 status, rc;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rc = fsb_list(&res, tr->root, "B-dir", &msg);
		if (rc != 0)
			_exit(10);
		if (check_listing(res, "B-dir", "B-dir/", "B-dir", NULL, 0))
			_exit(11);
		json_object_put(res);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		print_error("fsb_list(B-dir) killed by signal %d\n",
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		print_error("fsb_list(B-dir): child exit %d (1: the "
		    "sanitizer report above)\n",
		    WEXITSTATUS(status));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* last_modified is the age in seconds, not a time stamp. */
static void
fsbrowse_list_last_modified(void **state)
{
	struct tree	*tr = *state;
	struct timespec	 ts[2];
	json_object	*res, *entries, *e, *v;
	const char	*msg;
	char		 path[PATH_MAX * 2];
	size_t		 i;
	long long	 age = -1;

	snprintf(path, sizeof(path), "%s/alpha.c", tr->root);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 3600;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(fsb_list(&res, tr->root, NULL, &msg), 0);
	assert_true(json_object_object_get_ex(res, "entries", &entries));
	for (i = 0; i < json_object_array_length(entries); i++) {
		e = json_object_array_get_idx(entries, i);
		if (strcmp(jsonx_get_str(e, "name"), "alpha.c") == 0 &&
		    json_object_object_get_ex(e, "last_modified", &v))
			age = json_object_get_int64(v);
	}
	json_object_put(res);
	assert_in_range(age, 3600, 3660);
}

static void
fsbrowse_list_errors(void **state)
{
	static const struct {
		const char	*rel;
		int		 rc;
		const char	*msg;
	} t[] = {
		{ "alpha.c",	E_INVAL,	"Path is not a directory" },
		{ "a/inner.txt", E_INVAL,	"Path is not a directory" },
		{ "fifo",	E_INVAL,	"Path is not a directory" },
		{ "..",		E_FORBIDDEN,	"Path traversal not allowed" },
		{ "a/../..",	E_FORBIDDEN,	"Path traversal not allowed" },
		{ "/etc",	E_FORBIDDEN,	"Path traversal not allowed" },
		{ "etc-link",	E_FORBIDDEN,	"Path traversal not allowed" },
		{ "sib",	E_FORBIDDEN,	"Path traversal not allowed" },
		{ "missing",	E_NOTFOUND,	"Directory does not exist" },
		{ "a/missing",	E_NOTFOUND,	"Directory does not exist" },
		{ "dangling",	E_NOTFOUND,	"Directory does not exist" },
	};
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		res = (json_object *)&res;
		msg = NULL;
		rc = fsb_list(&res, tr->root, t[i].rel, &msg);
		CHECK(rc == t[i].rc && res == NULL && msg != NULL &&
		    strcmp(msg, t[i].msg) == 0, "fsb_list(%s): rc %d \"%s\", "
		    "want %d \"%s\"\n", t[i].rel, rc, msg, t[i].rc, t[i].msg);
		if (rc == 0)
			json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

struct read_case {
	const char	*rel;
	const char	*json;	/* the whole FileContentResponse */
};

static void
fsbrowse_read_text(void **state)
{
	static const struct read_case t[] = {
		{ "alpha.c", "{\"path\":\"alpha.c\",\"content\":"
		  "\"int main(void) { return 0; }\\n\",\"size_bytes\":29,"
		  "\"truncated\":false,\"language\":\"c\"}" },
		{ "README.md", "{\"path\":\"README.md\",\"content\":"
		  "\"# hi\\n\",\"size_bytes\":5,\"truncated\":false,"
		  "\"language\":\"markdown\"}" },
		{ "Makefile", "{\"path\":\"Makefile\",\"content\":\"all:\\n\","
		  "\"size_bytes\":5,\"truncated\":false,\"language\":null}" },
		{ "empty.txt", "{\"path\":\"empty.txt\",\"content\":\"\","
		  "\"size_bytes\":0,\"truncated\":false,\"language\":"
		  "\"text\"}" },
		{ "a/inner.txt", "{\"path\":\"a/inner.txt\",\"content\":"
		  "\"inner\\n\",\"size_bytes\":6,\"truncated\":false,"
		  "\"language\":\"text\"}" },
		/* path is echoed as requested. */
		{ "inlink/b/deep.txt", "{\"path\":\"inlink/b/deep.txt\","
		  "\"content\":\"deep\\n\",\"size_bytes\":5,\"truncated\":"
		  "false,\"language\":\"text\"}" },
		{ "a/../alpha.c", "{\"path\":\"a/../alpha.c\",\"content\":"
		  "\"int main(void) { return 0; }\\n\",\"size_bytes\":29,"
		  "\"truncated\":false,\"language\":\"c\"}" },
		/* Invalid UTF-8 is replaced; size_bytes is the file's. */
		{ "bad-utf8.txt", "{\"path\":\"bad-utf8.txt\",\"content\":"
		  "\"ok \xef\xbf\xbd \xef\xbf\xbd( end\\n\",\"size_bytes\":12,"
		  "\"truncated\":false,\"language\":\"text\"}" },
	};
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg, *s;
	long long	 size;
	size_t		 i, len;
	int		 rc, nfail = 0;

	assert_int_equal(strlen(ALPHA), 29);
	assert_int_equal(strlen(BADUTF8), 12);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		res = NULL;
		rc = fsb_read(&res, tr->root, t[i].rel, &size, &msg);
		CHECK(rc == 0, "fsb_read(%s): rc %d (%s)\n", t[i].rel, rc,
		    msg);
		if (rc != 0)
			continue;
		s = jsonx_render(res, &len);
		CHECK(strcmp(s, t[i].json) == 0,
		    "fsb_read(%s): %s\n  want %s\n", t[i].rel, s, t[i].json);
		json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

/* Exactly FSB_MAX_FILE bytes is read whole. */
static void
fsbrowse_read_at_limit(void **state)
{
	struct tree	*tr = *state;
	json_object	*res, *v;
	const char	*msg;
	long long	 size = -1;

	assert_int_equal(fsb_read(&res, tr->root, "max.txt", &size, &msg), 0);
	assert_true(json_object_object_get_ex(res, "size_bytes", &v));
	assert_int_equal(json_object_get_int64(v), FSB_MAX_FILE);
	assert_true(json_object_object_get_ex(res, "content", &v));
	assert_int_equal(json_object_get_string_len(v), FSB_MAX_FILE);
	assert_true(json_object_object_get_ex(res, "truncated", &v));
	assert_false(json_object_get_boolean(v));
	json_object_put(res);
}

/* A NUL past the first FSB_BINARY_SCAN bytes does not make it binary. */
static void
fsbrowse_read_nul_past_scan(void **state)
{
	struct tree	*tr = *state;
	json_object	*res, *v;
	const char	*msg, *s;
	long long	 size;

	assert_int_equal(fsb_read(&res, tr->root, "nul-8192.txt", &size,
	    &msg), 0);
	assert_true(json_object_object_get_ex(res, "content", &v));
	assert_int_equal(json_object_get_string_len(v), FSB_BINARY_SCAN + 2);
	s = json_object_get_string(v);
	assert_int_equal(s[FSB_BINARY_SCAN - 1], 'x');
	assert_int_equal(s[FSB_BINARY_SCAN], '\0');
	assert_int_equal(s[FSB_BINARY_SCAN + 1], 'y');
	json_object_put(res);
}

static void
fsbrowse_read_errors(void **state)
{
	static const struct {
		const char	*rel;
		int		 rc;
		const char	*msg;
	} t[] = {
		{ "binary.bin",	E_UNSUPPORTED,	"Cannot display binary file" },
		{ "nul-8191.bin", E_UNSUPPORTED, "Cannot display binary file" },
		{ "big.txt",	E_TOOBIG,	"File too large" },
		{ "a",		E_INVAL,	"Path is not a file" },
		{ "inlink",	E_INVAL,	"Path is not a file" },
		{ "",		E_INVAL,	"Path is not a file" },
		{ NULL,		E_INVAL,	"Path is not a file" },
		{ "fifo",	E_INVAL,	"Path is not a file" },
		{ "..",		E_FORBIDDEN,	"Path traversal not allowed" },
		{ "../rootevil/secret.txt", E_FORBIDDEN,
		  "Path traversal not allowed" },
		{ "/etc/passwd", E_FORBIDDEN,	"Path traversal not allowed" },
		{ "etc-link/passwd",
		  E_FORBIDDEN, "Path traversal not allowed" },
		{ "sib/secret.txt", E_FORBIDDEN, "Path traversal not allowed" },
		{ "missing.txt", E_NOTFOUND,	"File does not exist" },
		{ "a/missing",	E_NOTFOUND,	"File does not exist" },
		{ "dangling",	E_NOTFOUND,	"File does not exist" },
		{ "alpha.c/x",	E_NOTFOUND,	"File does not exist" },
	};
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	long long	 size;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		res = (json_object *)&res;
		msg = NULL;
		rc = fsb_read(&res, tr->root, t[i].rel, &size, &msg);
		CHECK(rc == t[i].rc && res == NULL && msg != NULL &&
		    strcmp(msg, t[i].msg) == 0, "fsb_read(%s): rc %d \"%s\", "
		    "want %d \"%s\"\n", t[i].rel != NULL ? t[i].rel : "NULL",
		    rc, msg, t[i].rc, t[i].msg);
		if (rc == 0)
			json_object_put(res);
	}
	assert_int_equal(nfail, 0);
}

/* E_TOOBIG reports the file's size for the message. */
static void
fsbrowse_read_too_big_size(void **state)
{
	struct tree	*tr = *state;
	json_object	*res;
	const char	*msg;
	long long	 size = -1;

	assert_int_equal(fsb_read(&res, tr->root, "big.txt", &size, &msg),
	    E_TOOBIG);
	assert_null(res);
	assert_true(size == FSB_MAX_FILE + 1);
}

static void
fsbrowse_utf8_lossy_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
		size_t		 outlen;
	} t[] = {
		{ B(""),			B("") },
		{ B("abc"),			B("abc") },
		{ B("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		  B("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") },
		{ B("\xf4\x8f\xbf\xbf"),	B("\xf4\x8f\xbf\xbf") },
		{ B("a\0b"),			B("a\0b") },
		/* One U+FFFD for each byte that can start nothing. */
		{ B("\xff"),			B("\xef\xbf\xbd") },
		{ B("a\x80z"),			B("a\xef\xbf\xbdz") },
		{ B("\xfe\xff"),		B("\xef\xbf\xbd\xef\xbf\xbd") },
		{ B("\xc0\xaf"),		B("\xef\xbf\xbd\xef\xbf\xbd") },
		{ B("\xed\xa0\x80"),
		  B("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") },
		{ B("\xf4\x90\x80\x80"),
		  B("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") },
		{ B("\xe0\x80\xaf"),
		  B("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") },
		{ B("\xc3"),			B("\xef\xbf\xbd") },
		{ B("\xc3(x"),			B("\xef\xbf\xbd(x") },
		/* Cut by len: no read past it. */
		{ "\xc3\xa9", 1,		B("\xef\xbf\xbd") },
		{ B(BADUTF8), B("ok \xef\xbf\xbd \xef\xbf\xbd( end\n") },
	};
	char	*s;
	size_t	 i, len;
	int	 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = 12345;
		s = text_utf8_lossy(t[i].in, t[i].len, &len);
		CHECK(s != NULL && len == t[i].outlen &&
		    memcmp(s, t[i].out, len) == 0 && s[len] == '\0',
		    "text_utf8_lossy row %zu: len %zu, want %zu\n", i, len,
		    t[i].outlen);
		free(s);
	}
	assert_int_equal(nfail, 0);
}

/*
 * A truncated sequence (a lead byte and some of its continuation
 * bytes, then something else or the end) is one maximal subpart: one
 * U+FFFD, as Rust's String::from_utf8_lossy, the original's, gives
 * ("Hello \xF0\x90\x80World" -> "Hello \u{FFFD}World") and as the API
 * says ("invalid sequences replaced with U+FFFD").
 */
static void
fsbrowse_utf8_lossy_truncated(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
		size_t		 outlen;
	} t[] = {
		{ B("\xe2\x82"),		B("\xef\xbf\xbd") },
		{ B("\xe2\x82z"),		B("\xef\xbf\xbdz") },
		{ B("\xf0\x9f\x98"),		B("\xef\xbf\xbd") },
		{ B("Hello \xf0\x90\x80World"),	B("Hello \xef\xbf\xbdWorld") },
		{ B("\xf0\x9f\x98\xe2\x82\xac"),
		  B("\xef\xbf\xbd\xe2\x82\xac") },
	};
	char	*s;
	size_t	 i, len, k;
	int	 nfail = 0;
	char	 hex[128];

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = 12345;
		s = text_utf8_lossy(t[i].in, t[i].len, &len);
		for (k = 0, hex[0] = '\0'; s != NULL && k < len && k < 40; k++)
			snprintf(hex + 3 * k, sizeof(hex) - 3 * k, "%02x ",
			    (unsigned char)s[k]);
		CHECK(s != NULL && len == t[i].outlen &&
		    memcmp(s, t[i].out, len) == 0, "text_utf8_lossy row %zu: "
		    "%s(len %zu), want len %zu\n", i, hex, len, t[i].outlen);
		free(s);
	}
	assert_int_equal(nfail, 0);
}

static void
fsbrowse_language_table(void **state)
{
	static const struct { const char *name, *lang; } t[] = {
		{ "a.c",		"c" },
		{ "a.h",		"c" },
		{ "a.cc",		"cpp" },
		{ "a.cpp",		"cpp" },
		{ "a.hpp",		"cpp" },
		{ "a.rs",		"rust" },
		{ "a.go",		"go" },
		{ "a.py",		"python" },
		{ "a.PY",		"python" },
		{ "a.js",		"javascript" },
		{ "a.mjs",		"javascript" },
		{ "a.jsx",		"javascript" },
		{ "a.ts",		"typescript" },
		{ "a.tsx",		"typescript" },
		{ "a.java",		"java" },
		{ "a.rb",		"ruby" },
		{ "a.php",		"php" },
		{ "a.sh",		"bash" },
		{ "a.bash",		"bash" },
		{ "a.json",		"json" },
		{ "a.yaml",		"yaml" },
		{ "a.yml",		"yaml" },
		{ "a.toml",		"toml" },
		{ "a.md",		"markdown" },
		{ "a.html",		"html" },
		{ "a.css",		"css" },
		{ "a.sql",		"sql" },
		{ "a.xml",		"xml" },
		{ "a.swift",		"swift" },
		{ "a.kt",		"kotlin" },
		{ "a.lua",		"lua" },
		{ "a.txt",		"text" },
		{ "src/lib/main.c",	"c" },
		{ "a.tar.gz",		NULL },
		{ "a.min.js",		"javascript" },
		{ "Makefile",		NULL },
		{ "a.",			NULL },
		{ "a.unknown",		NULL },
		{ ".bashrc",		NULL },
		{ ".c",			NULL },
		{ "dir.d/file",		NULL },
		{ "a.c/x",		NULL },
		{ "",			NULL },
		/* A dot file in a directory has no extension either. */
		{ "a/.c",		NULL },
		{ "a/.md",		NULL },
	};
	const char	*l;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		l = fsb_language(t[i].name);
		if (t[i].lang == NULL)
			CHECK(l == NULL, "fsb_language(%s): %s, want NULL\n",
			    t[i].name, l);
		else
			CHECK(l != NULL && strcmp(l, t[i].lang) == 0,
			    "fsb_language(%s): %s, want %s\n", t[i].name,
			    l != NULL ? l : "NULL", t[i].lang);
	}
	assert_int_equal(nfail, 0);
}

#define TREE(f)	cmocka_unit_test_setup_teardown(f, setup_tree, teardown_tree)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TREE(fsbrowse_resolve_inside),
		TREE(fsbrowse_resolve_forbidden),
		TREE(fsbrowse_resolve_missing),
		TREE(fsbrowse_resolve_root_forms),
		cmocka_unit_test(fsbrowse_resolve_slash_root),
		TREE(fsbrowse_list_root),
		TREE(fsbrowse_list_subdir),
		TREE(fsbrowse_list_trailing_slash),
		TREE(fsbrowse_list_empty_dir),
		TREE(fsbrowse_list_last_modified),
		TREE(fsbrowse_list_errors),
		TREE(fsbrowse_read_text),
		TREE(fsbrowse_read_at_limit),
		TREE(fsbrowse_read_nul_past_scan),
		TREE(fsbrowse_read_errors),
		TREE(fsbrowse_read_too_big_size),
		cmocka_unit_test(fsbrowse_utf8_lossy_table),
		cmocka_unit_test(fsbrowse_utf8_lossy_truncated),
		cmocka_unit_test(fsbrowse_language_table),
	};

	return cmocka_run_group_tests_name("fsbrowse", tests, NULL, NULL);
}

/* fsbrowse.c: reading directories and files from a request, within a root */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fsbrowse.h"
#include "jsonx.h"
#include "text.h"

/*
 * 1 if rel climbs above its starting point at any step ("..", "a/../..").
 * Checked before touching the disk so that a path outside the root is
 * refused even when it does not exist.
 */
static int
climbs_out(const char *rel)
{
	const char	*p = rel;
	size_t		 len;
	long		 depth = 0;

	while (*p != '\0') {
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (len > 0 && !(len == 1 && p[0] == '.'))
			depth++;
		p += len;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* 1 if the real path real is root or below it. */
static int
within(const char *root, const char *real)
{
	size_t	 rl = strlen(root);

	if (real == NULL)
		return 0;
	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(real, root, rl) == 0 &&
	    (real[rl] == '\0' || real[rl] == '/');
}

/* The real path of the longest existing prefix of path (caller frees). */
static char *
nearest_existing(const char *path)
{
	char	*copy, *slash, *real = NULL;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	while (real == NULL && (slash = strrchr(copy, '/')) != NULL) {
		*slash = '\0';
		real = realpath(*copy != '\0' ? copy : "/", NULL);
	}
	free(copy);
	return real;
}

int
fsb_resolve(char **out, const char *root, const char *rel)
{
	char	*rroot = NULL, *joined = NULL, *real = NULL;
	int	 rc = E_FAIL;

	*out = NULL;
	if (rel == NULL)
		rel = "";
	if (rel[0] == '/' || climbs_out(rel))
		return E_FORBIDDEN;
	if ((rroot = realpath(root, NULL)) == NULL)
		return errno == ENOENT ? E_NOTFOUND : E_FAIL;
	if (asprintf(&joined, "%s/%s", rroot, rel) < 0) {
		joined = NULL;
		goto out;
	}
	if ((real = realpath(joined, NULL)) == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			goto out;
		/*
		 * Missing: say so only if the part that exists lies inside
		 * the root, or a symlink would tell what exists outside it.
		 */
		rc = within(rroot, real = nearest_existing(joined)) ?
		    E_NOTFOUND : E_FORBIDDEN;
		goto out;
	}
	/* Symlinks inside the root may point anywhere: check the target. */
	if (!within(rroot, real)) {
		rc = E_FORBIDDEN;
		goto out;
	}
	*out = real;
	real = NULL;
	rc = 0;
out:
	free(rroot);
	free(joined);
	free(real);
	return rc;
}

/*
 * rel without empty and "." segments, ".." applied (climbs_out has
 * refused any that leave the root): "a//b/./c/" is "a/b/c", the root "".
 * Caller frees.
 */
static char *
rel_clean(const char *rel)
{
	char	*out;
	size_t	 o = 0, len;

	if ((out = malloc(strlen(rel) + 1)) == NULL)
		return NULL;
	while (*rel != '\0') {
		len = strcspn(rel, "/");
		if (len == 2 && rel[0] == '.' && rel[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (len > 0 && !(len == 1 && rel[0] == '.')) {
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, rel, len);
			o += len;
		}
		rel += len;
		if (*rel == '/')
			rel++;
	}
	out[o] = '\0';
	return out;
}

struct entry {
	char	*name;
	int	 is_dir;
	int	 is_git;
	time_t	 mtime;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;

	if (x->is_dir != y->is_dir)
		return y->is_dir - x->is_dir;
	return strcasecmp(x->name, y->name);
}

static json_object *
entry_json(const struct entry *e, const char *rel, time_t now)
{
	json_object	*o;
	char		*path = NULL;
	int		 ok;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (*rel != '\0') {
		if (asprintf(&path, "%s/%s", rel, e->name) < 0)
			path = NULL;
	} else
		path = strdup(e->name);
	ok = path != NULL &&
	    jsonx_add_str(o, "name", e->name) == 0 &&
	    jsonx_add_str(o, "path", path) == 0 &&
	    jsonx_add_bool(o, "is_directory", e->is_dir) == 0 &&
	    jsonx_add_bool(o, "is_git_repo", e->is_git) == 0 &&
	    jsonx_add_int(o, "last_modified",
	    now > e->mtime ? (long long)(now - e->mtime) : 0) == 0;
	free(path);
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
fsb_list(json_object **out, const char *root, const char *rel,
    const char **msg)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	struct entry	*ents = NULL, *grown;
	size_t		 n = 0, cap = 0, i;
	json_object	*res = NULL, *arr = NULL, *o;
	char		*dir = NULL, *sub = NULL, *clean = NULL;
	time_t		 now = time(NULL);
	int		 rc, dfd;

	*out = NULL;
	*msg = "Failed to list directory";
	if ((rc = fsb_resolve(&dir, root, rel)) != 0) {
		*msg = rc == E_FORBIDDEN ? "Path traversal not allowed" :
		    rc == E_NOTFOUND ? "Directory does not exist" : *msg;
		return rc;
	}
	rc = E_FAIL;
	if ((clean = rel_clean(rel != NULL ? rel : "")) == NULL ||
	    stat(dir, &st) != 0)
		goto out;
	if (!S_ISDIR(st.st_mode)) {
		*msg = "Path is not a directory";
		rc = E_INVAL;
		goto out;
	}
	if ((d = opendir(dir)) == NULL)
		goto out;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL && n < FSB_MAX_ENTRIES) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dfd, de->d_name, &st, 0) != 0)
			continue;	/* dangling symlink or raced away */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = realloc(ents, cap * sizeof(*ents))) == NULL)
				goto out;
			ents = grown;
		}
		memset(&ents[n], 0, sizeof(ents[n]));
		if ((ents[n].name = strdup(de->d_name)) == NULL)
			goto out;
		ents[n].is_dir = S_ISDIR(st.st_mode);
		ents[n].mtime = st.st_mtime;
		if (ents[n].is_dir) {
			free(sub);
			if (asprintf(&sub, "%s/.git", de->d_name) < 0) {
				sub = NULL;
				n++;
				goto out;
			}
			ents[n].is_git = fstatat(dfd, sub, &st, 0) == 0;
		}
		n++;
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), entry_cmp);
	if ((res = json_object_new_object()) == NULL ||
	    (arr = json_object_new_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((o = entry_json(&ents[i], clean, now)) == NULL)
			goto out;
		if (json_object_array_add(arr, o) != 0) {
			json_object_put(o);
			goto out;
		}
	}
	if (jsonx_add(res, "entries", arr) != 0) {
		arr = NULL;
		goto out;
	}
	arr = NULL;
	if (jsonx_add_str(res, "current_path", *clean != '\0' ? clean : ".") != 0)
		goto out;
	*out = res;
	res = NULL;
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	free(dir);
	free(sub);
	free(clean);
	json_object_put(arr);
	json_object_put(res);
	return rc;
}

const char *
fsb_language(const char *name)
{
	static const struct { const char *ext, *lang; } langs[] = {
		{ "c", "c" }, { "h", "c" }, { "cc", "cpp" }, { "cpp", "cpp" },
		{ "hpp", "cpp" }, { "rs", "rust" }, { "go", "go" },
		{ "py", "python" }, { "js", "javascript" },
		{ "mjs", "javascript" }, { "jsx", "javascript" },
		{ "ts", "typescript" }, { "tsx", "typescript" },
		{ "java", "java" }, { "rb", "ruby" }, { "php", "php" },
		{ "sh", "bash" }, { "bash", "bash" }, { "json", "json" },
		{ "yaml", "yaml" }, { "yml", "yaml" }, { "toml", "toml" },
		{ "md", "markdown" }, { "html", "html" }, { "css", "css" },
		{ "sql", "sql" }, { "xml", "xml" }, { "swift", "swift" },
		{ "kt", "kotlin" }, { "lua", "lua" }, { "txt", "text" },
	};
	const char	*base = strrchr(name, '/'), *dot;
	size_t		 i;

	base = base != NULL ? base + 1 : name;
	/* No extension, or a dot-file such as ".c". */
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return NULL;
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcasecmp(dot + 1, langs[i].ext) == 0)
			return langs[i].lang;
	return NULL;
}

int
fsb_read(json_object **out, const char *root, const char *rel,
    long long *size, const char **msg)
{
	struct stat	 st;
	char		*file = NULL, *buf = NULL, *text = NULL;
	size_t		 got = 0, tlen;
	ssize_t		 n;
	json_object	*o = NULL;
	int		 fd = -1, rc;

	*out = NULL;
	*msg = "Failed to read file";
	if ((rc = fsb_resolve(&file, root, rel)) != 0) {
		*msg = rc == E_FORBIDDEN ? "Path traversal not allowed" :
		    rc == E_NOTFOUND ? "File does not exist" : *msg;
		return rc;
	}
	rc = E_FAIL;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 ||
	    fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		*msg = "Path is not a file";
		rc = E_INVAL;
		goto out;
	}
	*size = (long long)st.st_size;
	if (st.st_size > FSB_MAX_FILE) {
		*msg = "File too large";
		rc = E_TOOBIG;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto out;
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (memchr(buf, '\0', got < FSB_BINARY_SCAN ? got : FSB_BINARY_SCAN)) {
		*msg = "Cannot display binary file";
		rc = E_UNSUPPORTED;
		goto out;
	}
	if ((text = text_utf8_lossy(buf, got, &tlen)) == NULL ||
	    (o = json_object_new_object()) == NULL)
		goto out;
	if (jsonx_add_str(o, "path", rel) != 0 ||
	    jsonx_add(o, "content", json_object_new_string_len(text,
	    (int)tlen)) != 0 ||
	    jsonx_add_int(o, "size_bytes", (long long)got) != 0 ||
	    jsonx_add_bool(o, "truncated", 0) != 0 ||
	    jsonx_add_str(o, "language", fsb_language(rel)) != 0)
		goto out;
	*out = o;
	o = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(file);
	free(buf);
	free(text);
	json_object_put(o);
	return rc;
}

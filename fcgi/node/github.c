/* github.c: the GitHub REST calls pull requests need (create, find, get) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <git2.h>

#include "err.h"
#include "github.h"
#include "httpc.h"
#include "jsonx.h"

static const char *const github_headers[] = {
	"Accept: application/vnd.github+json",
	"X-GitHub-Api-Version: 2022-11-28",
	NULL
};

/* The last two '/'- or ':'-separated parts of s, ".git" stripped. */
static int
last_two(char *owner, size_t osz, char *repo, size_t rsz, const char *s)
{
	char		 buf[2048], *end, *a, *b;
	size_t		 n;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", s) >= sizeof(buf))
		return E_NOTFOUND;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
	if (n > 4 && strcmp(buf + n - 4, ".git") == 0)
		buf[n -= 4] = '\0';
	if ((b = strrchr(buf, '/')) == NULL)
		return E_NOTFOUND;
	*b++ = '\0';
	end = buf + strlen(buf);
	for (a = end; a > buf && a[-1] != '/' && a[-1] != ':'; a--)
		;
	if (*a == '\0' || *b == '\0' ||
	    (size_t)snprintf(owner, osz, "%s", a) >= osz ||
	    (size_t)snprintf(repo, rsz, "%s", b) >= rsz)
		return E_NOTFOUND;
	return 0;
}

int
github_repo_of(char *owner, size_t osz, char *repo, size_t rsz,
    const char *path)
{
	git_repository	*r = NULL;
	git_config	*cfg = NULL;
	const char	*url;
	int		 rc = E_NOTFOUND;

	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (git_repository_config_snapshot(&cfg, r) == 0 &&
	    git_config_get_string(&url, cfg, "remote.origin.url") == 0)
		rc = last_two(owner, osz, repo, rsz, url);
	git_config_free(cfg);
	git_repository_free(r);
	return rc;
}

int
github_repo_of_url(char *owner, size_t osz, char *repo, size_t rsz,
    const char *url)
{
	char	 buf[2048], *pull;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", url) >= sizeof(buf) ||
	    (pull = strstr(buf, "/pull/")) == NULL)
		return E_NOTFOUND;
	*pull = '\0';
	return last_two(owner, osz, repo, rsz, buf);
}

/* One call to the API; status classified, GitHub's message in err. */
static enum github_fail
call(json_object **out, const char *method, const char *path,
    json_object *body, long want, char *err, size_t errsz)
{
	const char	*base = getenv("SWARM_GITHUB_API_URL");
	const char	*token = getenv("SWARM_GITHUB_TOKEN");
	const char	*msg, *detail = NULL;
	json_object	*errs;
	char		 url[4096];
	long		 status;

	*out = NULL;
	if (token == NULL || *token == '\0') {
		snprintf(err, errsz, "no GitHub token (SWARM_GITHUB_TOKEN)");
		return GITHUB_NO_TOKEN;
	}
	if ((size_t)snprintf(url, sizeof(url), "%s%s", base != NULL ? base :
	    GITHUB_API_DEFAULT, path) >= sizeof(url)) {
		snprintf(err, errsz, "URL too long");
		return GITHUB_UNREACHABLE;
	}
	if (httpc_json(&status, out, method, url, token, github_headers, body,
	    err, errsz) != 0)
		return GITHUB_UNREACHABLE;
	if (status == want)
		return GITHUB_OK;
	msg = *out != NULL ? jsonx_get_str(*out, "message") : NULL;
	/* 422 details ("A pull request already exists") are in errors[]. */
	if (*out != NULL && json_object_object_get_ex(*out, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) &&
	    json_object_array_length(errs) > 0)
		detail = jsonx_get_str(json_object_array_get_idx(errs, 0),
		    "message");
	snprintf(err, errsz, "GitHub answered %ld%s%s%s%s", status,
	    msg != NULL ? ": " : "", msg != NULL ? msg : "",
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	json_object_put(*out);
	*out = NULL;
	return status == 401 || status == 403 ? GITHUB_NO_TOKEN :
	    status == 422 ? GITHUB_INVALID : status == 404 ? GITHUB_NOT_FOUND :
	    GITHUB_UNREACHABLE;
}

/* Path components are escaped: owner, repo and branches come from git. */
static char *
esc(const char *s)
{
	return curl_easy_escape(NULL, s, 0);
}

enum github_fail
github_pr_create(json_object **pr, const char *owner, const char *repo,
    const char *head, const char *base, const char *title, const char *body,
    char *err, size_t errsz)
{
	json_object	*req;
	char		 path[1024], *o = esc(owner), *r = esc(repo);
	enum github_fail f = GITHUB_UNREACHABLE;

	*pr = NULL;
	if ((req = json_object_new_object()) == NULL || o == NULL || r == NULL)
		goto out;
	if (jsonx_add_str(req, "title", title) != 0 ||
	    jsonx_add_str(req, "head", head) != 0 ||
	    jsonx_add_str(req, "base", base) != 0 ||
	    jsonx_add_str(req, "body", body != NULL ? body : "") != 0)
		goto out;
	snprintf(path, sizeof(path), "/repos/%s/%s/pulls", o, r);
	f = call(pr, "POST", path, req, 201, err, errsz);
out:
	json_object_put(req);
	curl_free(o);
	curl_free(r);
	return f;
}

enum github_fail
github_pr_find(json_object **pr, const char *owner, const char *repo,
    const char *branch, char *err, size_t errsz)
{
	json_object	*list = NULL;
	char		 path[2048], head[1024], *o = esc(owner), *r = esc(repo),
			*h = NULL;
	enum github_fail f = GITHUB_UNREACHABLE;

	*pr = NULL;
	snprintf(head, sizeof(head), "%s:%s", owner, branch);
	if (o == NULL || r == NULL || (h = esc(head)) == NULL)
		goto out;
	snprintf(path, sizeof(path), "/repos/%s/%s/pulls?state=all&head=%s",
	    o, r, h);
	if ((f = call(&list, "GET", path, NULL, 200, err, errsz)) == GITHUB_OK &&
	    json_object_is_type(list, json_type_array) &&
	    json_object_array_length(list) > 0)
		*pr = json_object_get(json_object_array_get_idx(list, 0));
out:
	json_object_put(list);
	curl_free(o);
	curl_free(r);
	curl_free(h);
	return f;
}

enum github_fail
github_pr_get(json_object **pr, const char *owner, const char *repo,
    long long number, char *err, size_t errsz)
{
	char		 path[1024], *o = esc(owner), *r = esc(repo);
	enum github_fail f = GITHUB_UNREACHABLE;

	*pr = NULL;
	if (o != NULL && r != NULL) {
		snprintf(path, sizeof(path), "/repos/%s/%s/pulls/%lld", o, r,
		    number);
		f = call(pr, "GET", path, NULL, 200, err, errsz);
	}
	curl_free(o);
	curl_free(r);
	return f;
}

const char *
github_pr_status(json_object *pr)
{
	json_object	*m;
	const char	*state = jsonx_get_str(pr, "state");

	if (json_object_object_get_ex(pr, "merged_at", &m) && m != NULL)
		return "merged";
	return state != NULL && strcmp(state, "open") == 0 ? "open" : "closed";
}

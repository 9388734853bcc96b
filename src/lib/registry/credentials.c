#include "credentials.h"
#include "util/error.h"
#include "lib/json.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_URL "https://index.docker.io/v1/"
#define HELPER_PREFIX "docker-credential-"
#define HELPER_NAME_MAX 64
#define HELPER_ERR_KEEP 1024 /* bytes of a helper's stderr kept for the first line */
#define HELPER_ERR_SHOW 200  /* characters of that line shown in a detail */
#define NOT_FOUND_MSG "credentials not found"
#define REGISTRY_MAX 512

static unsigned helper_timeout_ms = LSC_CREDENTIALS_HELPER_TIMEOUT_MS;

void lsc_credentials_set_helper_timeout_ms(unsigned ms)
{
	helper_timeout_ms = ms ? ms : LSC_CREDENTIALS_HELPER_TIMEOUT_MS;
}

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static void buf_wipe_dispose(struct lsc_buf *b)
{
	if (b->data) {
		OPENSSL_cleanse(b->data, b->cap);
	}
	lsc_buf_dispose(b);
}

/*
 * Gives b room for n bytes up front, so that appends up to n never realloc: a realloc would leave
 * a copy of the secrets in freed memory, out of reach of the wipe.
 */
static int buf_presize(struct lsc_buf *b, size_t n)
{
	b->data = malloc(n + 1);
	if (!b->data) {
		return -ENOMEM;
	}
	b->data[0] = 0;
	b->cap = n + 1;
	return 0;
}

void lsc_credential_dispose(struct lsc_credential *c)
{
	wipe_free(c->username);
	wipe_free(c->password);
	wipe_free(c->identity_token);
	memset(c, 0, sizeof(*c));
}

/* Fills out with copies; NULL members stay NULL. 1 or -ENOMEM (out disposed). */
static int fill(struct lsc_credential *out, const char *user, const char *pass, const char *token,
		const char *source)
{
	out->username = user ? strdup(user) : NULL;
	out->password = pass ? strdup(pass) : NULL;
	out->identity_token = token ? strdup(token) : NULL;
	snprintf(out->source, sizeof(out->source), "%s", source);
	if ((user && !out->username) || (pass && !out->password) ||
	    (token && !out->identity_token)) {
		lsc_credential_dispose(out);
		return -ENOMEM;
	}
	return 1;
}

/* ---- base64 of "user:password" ---- */

/*
 * Decodes standard base64 (padding optional but complete when present, nothing else tolerated)
 * into a new NUL-terminated string in *out, the caller's to wipe and free. 0, -EINVAL when
 * malformed, -ENOMEM.
 */
static int b64_decode(char **out, const char *s)
{
	size_t n = strlen(s), room = lsc_base64_room(n);
	long len;
	char *d;

	*out = NULL;
	d = malloc(room + 1);
	if (!d) {
		return -ENOMEM;
	}
	len = lsc_base64_decode((uint8_t *)d, room, s, n, LSC_BASE64_STD | LSC_BASE64_PAD);
	/* a NUL inside would cut the password short without a word */
	if (len < 0 || memchr(d, 0, (size_t)len)) {
		OPENSSL_cleanse(d, room);
		free(d);
		return -EINVAL;
	}
	d[len] = 0;
	*out = d;
	return 0;
}

/* ---- auth file ---- */

/*
 * Reads path into b (bounded). 1 when read, 0 when absent and !must, negative otherwise (detail
 * names path).
 */
static int read_file(struct lsc_buf *b, const char *path, bool must)
{
	struct stat st;
	char chunk[8192];
	int fd, rc = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			return must ? lsc_error(LSC_E_NOT_FOUND, "auth file %s: no such file", path)
				    : 0;
		}
		return lsc_error(-errno, "auth file %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		rc = lsc_error(-errno, "auth file %s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lsc_error(S_ISDIR(st.st_mode) ? -EISDIR : LSC_E_FORMAT,
			       "auth file %s: not a regular file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > b->max) {
		rc = lsc_error(LSC_E_TOO_LARGE, "auth file %s: larger than %u bytes", path,
			       LSC_CREDENTIALS_FILE_MAX);
		goto done;
	}
	if (buf_presize(b, (size_t)st.st_size) < 0) {
		rc = -ENOMEM;
		goto done;
	}
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got < 0) {
			rc = lsc_error(-errno, "auth file %s: %s", path, strerror(errno));
			break;
		}
		if (got == 0) {
			break;
		}
		if (lsc_buf_append(b, chunk, (size_t)got) < 0) {
			rc = lsc_error(LSC_E_TOO_LARGE, "auth file %s: larger than %u bytes", path,
				       LSC_CREDENTIALS_FILE_MAX);
			break;
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
done:
	close(fd);
	return rc;
}

static bool is_hub_name(const char *s, size_t n)
{
	return (n == 9 && memcmp(s, "docker.io", 9) == 0) ||
	       (n == 15 && memcmp(s, "index.docker.io", 15) == 0) ||
	       (n == 20 && memcmp(s, "registry-1.docker.io", 20) == 0);
}

/* Whether an auths/credHelpers key names registry the way docker reads keys. */
static bool key_matches(const char *key, const char *registry, bool hub)
{
	const char *host = key, *slash;
	size_t n;

	if (lsc_str_starts(host, "https://")) {
		host += 8;
	} else if (lsc_str_starts(host, "http://")) {
		host += 7;
	}
	slash = strchr(host, '/');
	n = slash ? (size_t)(slash - host) : strlen(host);
	if (hub) {
		return is_hub_name(host, n);
	}
	return n == strlen(registry) && memcmp(host, registry, n) == 0;
}

/* The member of obj whose key names registry: exact first, then the first match in order. */
static json_t *lookup(const json_t *obj, const char *registry, bool hub, const char **key_out)
{
	const char *key;
	json_t *v;

	*key_out = NULL;
	if (!json_is_object(obj)) {
		return NULL;
	}
	v = json_object_get(obj, registry);
	if (v) {
		*key_out = registry;
		return v;
	}
	if (hub) {
		v = json_object_get(obj, DOCKER_HUB_URL);
		if (v) {
			*key_out = DOCKER_HUB_URL;
			return v;
		}
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		if (key_matches(key, registry, hub)) {
			*key_out = key;
			return v;
		}
	}
	return NULL;
}

/* Member key of obj as a string or absent; anything else is LSC_E_FORMAT naming what. */
static int get_str(const char **out, const json_t *obj, const char *key, const char *path,
		   const char *what)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_string(v)) {
		return lsc_error(LSC_E_FORMAT, "auth file %s: %s.%s must be a string", path, what,
				 key);
	}
	*out = json_string_value(v);
	return 0;
}

/* An auths entry: 1 with out filled, 0 when it holds no credential, negative. */
static int use_entry(struct lsc_credential *out, const json_t *entry, const char *key,
		     const char *path)
{
	const char *auth, *user, *pass, *token;
	char what[320], *decoded = NULL, *colon;
	size_t dlen = 0;
	int rc;

	snprintf(what, sizeof(what), "auths[\"%.200s\"]", key);
	if (!json_is_object(entry)) {
		return lsc_error(LSC_E_FORMAT, "auth file %s: %s must be an object", path, what);
	}
	rc = get_str(&auth, entry, "auth", path, what);
	if (rc == 0) {
		rc = get_str(&user, entry, "username", path, what);
	}
	if (rc == 0) {
		rc = get_str(&pass, entry, "password", path, what);
	}
	if (rc == 0) {
		rc = get_str(&token, entry, "identitytoken", path, what);
	}
	if (rc < 0) {
		return rc;
	}
	if (token && !*token) {
		token = NULL;
	}
	if (auth && *auth) {
		rc = b64_decode(&decoded, auth);
		if (rc == -ENOMEM) {
			return rc;
		}
		if (rc < 0) {
			return lsc_error(LSC_E_FORMAT, "auth file %s: %s.auth is not valid base64",
					 path, what);
		}
		dlen = strlen(decoded);
		colon = strchr(decoded, ':');
		if (!colon || colon == decoded) {
			wipe_free(decoded);
			return lsc_error(LSC_E_FORMAT,
					 "auth file %s: %s.auth does not decode to user:password",
					 path, what);
		}
		*colon = 0;
		user = decoded;
		pass = colon + 1;
	}
	if (user && !*user) {
		user = NULL;
	}
	if (!user && !token) {
		rc = 0;
	} else {
		rc = fill(out, user, pass, token, path);
	}
	if (decoded) {
		OPENSSL_cleanse(decoded, dlen);
		free(decoded);
	}
	return rc;
}

/* ---- credential helpers ---- */

static bool helper_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > HELPER_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			return false;
		}
	}
	return true;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The first line of a helper's stderr, control characters replaced, at most HELPER_ERR_SHOW. */
static void first_line(char *dst, size_t room, const struct lsc_buf *err)
{
	size_t o = 0;

	dst[0] = 0;
	for (size_t i = 0; err->data && i < err->len && o + 1 < room && o < HELPER_ERR_SHOW; i++) {
		unsigned char c = err->data[i];

		if (c == '\n' || c == '\r') {
			if (o) {
				break;
			}
			continue;
		}
		dst[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[o] = 0;
}

struct helper_run {
	struct lsc_buf out, err;
	int status;
	bool timed_out, overflow;
};

/* Reads what fd has now into b (keeping at most b->max, discarding the rest when discard). */
static int drain(int fd, struct lsc_buf *b, bool discard, bool *overflow)
{
	char chunk[4096];

	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got < 0) {
			int err = errno;

			OPENSSL_cleanse(chunk, sizeof(chunk));
			return err == EAGAIN || err == EWOULDBLOCK ? 1 : -err;
		}
		if (got == 0) {
			OPENSSL_cleanse(chunk, sizeof(chunk));
			return 0; /* EOF */
		}
		if (lsc_buf_append(b, chunk, (size_t)got) < 0) {
			if (discard) {
				size_t room = b->max - b->len;

				lsc_buf_append(b, chunk, room < (size_t)got ? room : (size_t)got);
			} else {
				*overflow = true;
				OPENSSL_cleanse(chunk, sizeof(chunk));
				return 0;
			}
		}
	}
}

/*
 * Runs PROG get with input on stdin, collecting stdout and stderr into r, within the timeout.
 * 0 when it ran (r->status is waitpid's), or negative (detail set) when it could not start.
 */
static int spawn_helper(struct helper_run *r, const char *prog, const char *input)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int in[2] = {-1, -1}, outp[2] = {-1, -1}, errp[2] = {-1, -1};
	char *argv[] = {(char *)prog, (char *)"get", NULL};
	size_t sent = 0, inlen = strlen(input);
	uint64_t deadline;
	bool exited = false;
	pid_t pid;
	int rc;

	/* a socket for stdin: send(MSG_NOSIGNAL) cannot raise SIGPIPE if the helper never reads */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 ||
	    pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		rc = lsc_error(-errno, "credential helper %s: %s", prog, strerror(errno));
		goto close_all;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[1], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&pid, prog, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		rc = rc == ENOENT
			 ? lsc_error(LSC_E_AUTH, "credential helper %s: not found on PATH", prog)
			 : lsc_error(LSC_E_AUTH, "credential helper %s: cannot run: %s", prog,
				     strerror(rc));
		goto close_all;
	}
	close(in[1]);
	close(outp[1]);
	close(errp[1]);
	in[1] = outp[1] = errp[1] = -1;
	fcntl(in[0], F_SETFL, O_NONBLOCK);
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);

	deadline = now_ms() + helper_timeout_ms;
	for (;;) {
		struct pollfd pfd[3];
		uint64_t now;
		int nfd = 0, wait, got, st;
		bool open_out = outp[0] >= 0 || errp[0] >= 0;

		if (!open_out) {
			/* both at EOF: the helper is exiting, or closed them and runs on */
			pid_t w = waitpid(pid, &st, WNOHANG);

			if (w == pid || (w < 0 && errno != EINTR)) {
				exited = true;
				r->status = w == pid ? st : -1;
				break;
			}
		}
		now = now_ms();
		if (now >= deadline) {
			r->timed_out = true;
			break;
		}
		if (in[0] >= 0) {
			pfd[nfd++] = (struct pollfd){.fd = in[0], .events = POLLOUT};
		}
		if (outp[0] >= 0) {
			pfd[nfd++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		}
		if (errp[0] >= 0) {
			pfd[nfd++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
		}
		/* wake now and then: a grandchild may hold the pipes after the helper exited */
		wait = open_out ? 100 : 5;
		if (deadline - now < (uint64_t)wait) {
			wait = (int)(deadline - now);
		}
		got = poll(pfd, (nfds_t)nfd, wait);
		if (got < 0 && errno != EINTR) {
			r->timed_out = true; /* cannot wait for it: treat as hung */
			break;
		}
		for (int i = 0; got > 0 && i < nfd; i++) {
			if (!pfd[i].revents) {
				continue;
			}
			if (pfd[i].fd == in[0]) {
				ssize_t w = send(in[0], input + sent, inlen - sent,
						 MSG_NOSIGNAL | MSG_DONTWAIT);

				if (w > 0) {
					sent += (size_t)w;
				}
				if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == inlen) {
					/* done, or the helper does not read: either way, EOF */
					shutdown(in[0], SHUT_WR);
					close(in[0]);
					in[0] = -1;
				}
			} else if (pfd[i].fd == outp[0]) {
				if (drain(outp[0], &r->out, false, &r->overflow) <= 0) {
					close(outp[0]);
					outp[0] = -1;
				}
			} else if (drain(errp[0], &r->err, true, &r->overflow) <= 0) {
				close(errp[0]);
				errp[0] = -1;
			}
		}
		if (r->overflow) {
			break;
		}
		if (got == 0 && open_out && waitpid(pid, &st, WNOHANG) == pid) {
			exited = true;
			r->status = st;
			/* what it wrote is in the pipes already */
			if (outp[0] >= 0) {
				drain(outp[0], &r->out, false, &r->overflow);
			}
			if (errp[0] >= 0) {
				drain(errp[0], &r->err, true, &r->overflow);
			}
			break;
		}
	}
	if (!exited) {
		/* timed out or too much output: it is not waited for any longer */
		kill(pid, SIGKILL);
		while (waitpid(pid, &r->status, 0) < 0) {
			if (errno != EINTR) {
				r->status = -1;
				break;
			}
		}
	}
	rc = 0;
close_all:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0) {
			close(in[i]);
		}
		if (outp[i] >= 0) {
			close(outp[i]);
		}
		if (errp[i] >= 0) {
			close(errp[i]);
		}
	}
	return rc;
}

static bool buf_has(const struct lsc_buf *b, const char *needle)
{
	return b->data && lsc_memcasemem(b->data, b->len, needle) != NULL;
}

/* Asks helper NAME for registry's credential: 1, 0 (none), or -LSC_E_AUTH naming it. */
static int run_helper(struct lsc_credential *out, const char *name, const char *registry)
{
	struct helper_run r;
	char prog[sizeof(HELPER_PREFIX) + HELPER_NAME_MAX], source[sizeof(out->source)];
	char line[HELPER_ERR_SHOW + 1];
	const char *url = strcmp(registry, DOCKER_HUB) == 0 ? DOCKER_HUB_URL : registry;
	const char *user, *secret;
	json_error_t jerr;
	json_t *root = NULL;
	int rc;

	snprintf(prog, sizeof(prog), HELPER_PREFIX "%s", name);
	snprintf(source, sizeof(source), "credential helper %s", prog);
	memset(&r, 0, sizeof(r));
	lsc_buf_init(&r.out, LSC_CREDENTIALS_HELPER_OUT_MAX);
	lsc_buf_init(&r.err, HELPER_ERR_KEEP);
	rc = buf_presize(&r.out, LSC_CREDENTIALS_HELPER_OUT_MAX);
	if (rc < 0) {
		goto done;
	}
	rc = spawn_helper(&r, prog, url);
	if (rc < 0) {
		goto done;
	}
	first_line(line, sizeof(line), &r.err);
	if (r.timed_out) {
		rc = lsc_error(LSC_E_AUTH, "credential helper %s: no answer within %u ms (killed)",
			       prog, helper_timeout_ms);
		goto done;
	}
	if (r.overflow) {
		rc = lsc_error(LSC_E_AUTH, "credential helper %s: answer larger than %u bytes",
			       prog, LSC_CREDENTIALS_HELPER_OUT_MAX);
		goto done;
	}
	if (r.status == -1 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		if (buf_has(&r.out, NOT_FOUND_MSG) || buf_has(&r.err, NOT_FOUND_MSG)) {
			rc = 0;
		} else if (r.status != -1 && WIFSIGNALED(r.status)) {
			rc = lsc_error(LSC_E_AUTH, "credential helper %s: killed by signal %d%s%s",
				       prog, WTERMSIG(r.status), line[0] ? ": " : "", line);
		} else {
			rc = lsc_error(
			    LSC_E_AUTH, "credential helper %s: exited with status %d%s%s", prog,
			    r.status == -1 ? -1 : WEXITSTATUS(r.status), line[0] ? ": " : "", line);
		}
		goto done;
	}
	/* never quote stdout, nor jansson's text of it: it may hold the secret */
	root = r.out.len ? json_loadb((const char *)r.out.data, r.out.len, 0, &jerr) : NULL;
	if (!json_is_object(root)) {
		if (buf_has(&r.out, NOT_FOUND_MSG)) {
			rc = 0;
		} else {
			rc = lsc_error(LSC_E_AUTH,
				       "credential helper %s: answer is not a JSON object", prog);
		}
		goto done;
	}
	user = lsc_json_str(root, "Username");
	secret = lsc_json_str(root, "Secret");
	if (!secret) {
		rc = lsc_error(LSC_E_AUTH, "credential helper %s: answer has no Secret string",
			       prog);
	} else if (user && strcmp(user, "<token>") == 0) {
		rc = fill(out, NULL, NULL, secret, source);
	} else if ((!user || !*user) && !*secret) {
		rc = 0;
	} else {
		rc = fill(out, user && *user ? user : NULL, secret, NULL, source);
	}
done:
	json_decref(root);
	buf_wipe_dispose(&r.out);
	buf_wipe_dispose(&r.err);
	return rc;
}

/* ---- the lookup ---- */

static int from_file(struct lsc_credential *out, const char *registry, const char *path, bool must)
{
	struct lsc_buf b;
	json_error_t jerr;
	json_t *root = NULL, *helpers, *auths, *store, *v;
	const char *key, *helper = NULL;
	bool hub = strcmp(registry, DOCKER_HUB) == 0;
	int rc;

	lsc_buf_init(&b, LSC_CREDENTIALS_FILE_MAX);
	rc = read_file(&b, path, must);
	if (rc <= 0) {
		goto done;
	}
	/* the detail gives the place only: jansson's text quotes the input, which holds secrets */
	root = json_loadb(b.data ? (const char *)b.data : "", b.len, 0, &jerr);
	if (!root) {
		rc = lsc_error(LSC_E_FORMAT, "auth file %s: invalid JSON at line %d column %d",
			       path, jerr.line, jerr.column);
		goto done;
	}
	if (!json_is_object(root)) {
		rc = lsc_error(LSC_E_FORMAT, "auth file %s: not a JSON object", path);
		goto done;
	}
	helpers = json_object_get(root, "credHelpers");
	auths = json_object_get(root, "auths");
	store = json_object_get(root, "credsStore");
	if ((helpers && !json_is_object(helpers) && !json_is_null(helpers)) ||
	    (auths && !json_is_object(auths) && !json_is_null(auths)) ||
	    (store && !json_is_string(store) && !json_is_null(store))) {
		rc = lsc_error(LSC_E_FORMAT, "auth file %s: %s", path,
			       helpers && !json_is_object(helpers) && !json_is_null(helpers)
				   ? "credHelpers must be an object"
			       : auths && !json_is_object(auths) && !json_is_null(auths)
				   ? "auths must be an object"
				   : "credsStore must be a string");
		goto done;
	}
	v = lookup(helpers, registry, hub, &key);
	if (v) {
		if (!json_is_string(v) || !helper_name_ok(json_string_value(v))) {
			rc = lsc_error(LSC_E_FORMAT,
				       "auth file %s: credHelpers[\"%.200s\"] must name a helper "
				       "(letters, digits, '.', '_', '-')",
				       path, key);
			goto done;
		}
		helper = json_string_value(v);
	}
	if (!helper) {
		v = lookup(auths, registry, hub, &key);
		if (v) {
			rc = use_entry(out, v, key, path);
			if (rc != 0) {
				goto done;
			}
		}
		if (json_is_string(store) && *json_string_value(store)) {
			helper = json_string_value(store);
			if (!helper_name_ok(helper)) {
				rc = lsc_error(LSC_E_FORMAT,
					       "auth file %s: credsStore must name a helper "
					       "(letters, digits, '.', '_', '-')",
					       path);
				goto done;
			}
		}
	}
	rc = helper ? run_helper(out, helper, registry) : 0;
done:
	json_decref(root);
	buf_wipe_dispose(&b);
	return rc;
}

/*
 * One entry of a host list ("127.0.0.1:5001", " ghcr.io ", "https://r.example.com/") against
 * registry: the scheme, the surrounding blanks and a trailing '/' do not count; the comparison
 * ignores case; Docker Hub's spellings are one registry; a port must match exactly (an entry
 * without one names the registry without one).
 */
static bool entry_names(const char *e, size_t n, const char *registry)
{
	while (n && (*e == ' ' || *e == '\t')) {
		e++;
		n--;
	}
	while (n && (e[n - 1] == ' ' || e[n - 1] == '\t' || e[n - 1] == '/')) {
		n--;
	}
	if (n >= 8 && strncasecmp(e, "https://", 8) == 0) {
		e += 8;
		n -= 8;
	} else if (n >= 7 && strncasecmp(e, "http://", 7) == 0) {
		e += 7;
		n -= 7;
	}
	if (n == 0 || memchr(e, '/', n)) {
		return false;
	}
	if (is_hub_name(registry, strlen(registry))) {
		char low[21];

		if (n >= sizeof(low)) {
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			low[i] = (char)(e[i] >= 'A' && e[i] <= 'Z' ? e[i] + 32 : e[i]);
		}
		return is_hub_name(low, n);
	}
	return n == strlen(registry) && strncasecmp(e, registry, n) == 0;
}

bool lsc_credentials_host_listed(const char *list, const char *registry)
{
	const char *p = list;

	if (!list || !registry || !*registry) {
		return false;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (entry_names(p, n, registry)) {
			return true;
		}
		if (!comma) {
			return false;
		}
		p = comma + 1;
	}
}

bool lsc_credentials_env_applies(const char *registry, const char *scanned, const char *creds_for)
{
	if (!registry || !*registry) {
		return false;
	}
	if (scanned && *scanned && entry_names(scanned, strlen(scanned), registry)) {
		return true;
	}
	return lsc_credentials_host_listed(creds_for, registry) ||
	       lsc_credentials_host_listed(getenv("LAYERSCAN_REGISTRY"), registry);
}

int lsc_credentials_find(struct lsc_credential *out, const char *registry, const char *authfile,
			 bool env_applies)
{
	const char *user = getenv("LAYERSCAN_USERNAME"), *pass = getenv("LAYERSCAN_PASSWORD");
	const char *env;
	char path[4096];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!registry || !*registry || strlen(registry) > REGISTRY_MAX) {
		return lsc_error(LSC_E_USAGE, "credentials: bad registry name");
	}
	if (env_applies && user && *user && pass) {
		return fill(out, user, pass, NULL, "LAYERSCAN_USERNAME");
	}
	if (authfile && *authfile) {
		rc = from_file(out, registry, authfile, true);
		goto done;
	}
	env = getenv("REGISTRY_AUTH_FILE");
	if (env && *env) {
		rc = from_file(out, registry, env, true);
		goto done;
	}
	env = getenv("DOCKER_CONFIG");
	if (env && *env) {
		if ((size_t)snprintf(path, sizeof(path), "%s/config.json", env) >= sizeof(path)) {
			return lsc_error(-ENAMETOOLONG, "DOCKER_CONFIG: path too long");
		}
		rc = from_file(out, registry, path, false);
		goto done;
	}
	env = getenv("HOME");
	if (!env || !*env) {
		struct passwd pw, *res = NULL;
		char pwbuf[4096];

		if (getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &res) != 0 || !res ||
		    !pw.pw_dir || !*pw.pw_dir) {
			return 0;
		}
		snprintf(path, sizeof(path), "%s/.docker/config.json", pw.pw_dir);
	} else if ((size_t)snprintf(path, sizeof(path), "%s/.docker/config.json", env) >=
		   sizeof(path)) {
		return lsc_error(-ENAMETOOLONG, "HOME: path too long");
	}
	rc = from_file(out, registry, path, false);
done:
	if (rc <= 0) {
		lsc_credential_dispose(out);
	}
	return rc;
}

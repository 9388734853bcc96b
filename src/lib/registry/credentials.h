/*
 * Registry credentials found the way docker and skopeo find them (environment, auth file,
 * credential helpers). The WWW-Authenticate challenge a registry answers 401 with is challenge.h.
 * No secret ever goes into an error detail: details name the file, the key or the helper.
 */
#ifndef LSC_LIB_CREDENTIALS_H
#define LSC_LIB_CREDENTIALS_H

#include <stdbool.h>

#define LSC_CREDENTIALS_FILE_MAX (1u << 20)	   /* config.json / auth.json */
#define LSC_CREDENTIALS_HELPER_OUT_MAX (64u << 10) /* a helper's stdout */
#define LSC_CREDENTIALS_HELPER_TIMEOUT_MS 8000	   /* a helper is killed after this */

/* All strings owned by the credential; lsc_credential_dispose() wipes and frees them. */
struct lsc_credential {
	char *username;	      /* NULL when none */
	char *password;	      /* NULL when none */
	char *identity_token; /* a refresh token ("identitytoken" in config.json, or a helper's
				 Secret when its Username is "<token>"), or NULL */
	/* where it came from, for messages, never the secret: "LAYERSCAN_USERNAME",
	   "/root/.docker/config.json", "credential helper docker-credential-pass" */
	char source[256];
};

/*
 * Whether registry is named by list, comma-separated hosts[:port] ("127.0.0.1:5001,ghcr.io"):
 * blanks around an entry, an "https://"/"http://" prefix and a trailing '/' are ignored, case
 * is not significant, Docker Hub's spellings (docker.io, index.docker.io, registry-1.docker.io)
 * are one registry, and a port must match exactly: "r.example.com" does not name
 * "r.example.com:5000". An entry with a path names nothing. NULL or empty lists name nothing.
 */
bool lsc_credentials_host_listed(const char *list, const char *registry);

/*
 * Whether LAYERSCAN_USERNAME/LAYERSCAN_PASSWORD may be sent to registry: it is the scanned
 * image's registry (scanned: NULL for a local target: docker-archive, oci, standard input), or
 * it is named by creds_for (--creds-for, comma-separated) or by $LAYERSCAN_REGISTRY (the same
 * syntax). Never because an image names a registry: a base image's registry gets them only so.
 */
bool lsc_credentials_env_applies(const char *registry, const char *scanned, const char *creds_for);

/*
 * Finds the credential for registry (lsc_reference.registry: "docker.io", "127.0.0.1:5000").
 * Order:
 *  1. LAYERSCAN_USERNAME and LAYERSCAN_PASSWORD, when env_applies (see
 *     lsc_credentials_env_applies()), both are set and the username is not empty (one alone is
 *     ignored);
 *  2. the auth file: authfile when given, else $REGISTRY_AUTH_FILE when set and non-empty (both
 *     must exist: -LSC_E_NOT_FOUND naming it), else $DOCKER_CONFIG/config.json when DOCKER_CONFIG
 *     is set, else $HOME/.docker/config.json (the home directory from the password database when
 *     HOME is unset); these last two may be absent, then there is no credential. In the file:
 *     credHelpers[registry] names a helper; else an "auths" entry whose key is the registry as
 *     docker matches it (exact, or with a "https://"/"http://" prefix and/or a "/v1/"-style
 *     path; for docker.io also "https://index.docker.io/v1/", "index.docker.io",
 *     "registry-1.docker.io"; an exact key wins, then the first match in file order) with
 *     "auth" (base64 of "user:password") or "username"/"password", and "identitytoken"; an
 *     entry with none of them (as docker writes when a credsStore holds the secret) does not
 *     count; else credsStore names a helper.
 *  3. a helper: "docker-credential-NAME get" from PATH (no shell), given the server URL on
 *     stdin ("https://index.docker.io/v1/" for docker.io, else the registry), answering
 *     {"ServerURL","Username","Secret"} on stdout (at most LSC_CREDENTIALS_HELPER_OUT_MAX
 *     bytes), killed after the helper timeout. A "credentials not found" answer is no
 *     credential.
 * Returns 1 with *out filled (the caller's to lsc_credential_dispose()), 0 when there is none
 * (*out zeroed), or a negative code (*out zeroed): -LSC_E_NOT_FOUND (missing authfile or
 * REGISTRY_AUTH_FILE), -LSC_E_TOO_LARGE (auth file over LSC_CREDENTIALS_FILE_MAX), -LSC_E_FORMAT
 * (malformed auth file: bad JSON, wrong types, "auth" that is not base64 of "user:password"; the
 * detail names the file and the key), -LSC_E_AUTH (a helper that is missing, fails, times out or
 * answers garbage; the detail names the helper and quotes at most the first line of its stderr),
 * a negated errno (auth file unreadable).
 */
int lsc_credentials_find(struct lsc_credential *out, const char *registry, const char *authfile,
			 bool env_applies);

/* Wipes (OPENSSL_cleanse) and frees every secret, then zeroes c; disposing twice is harmless. */
void lsc_credential_dispose(struct lsc_credential *c);

/*
 * For tests: the helper timeout in milliseconds for every later lookup in the process; 0 restores
 * LSC_CREDENTIALS_HELPER_TIMEOUT_MS. Not thread-safe against running lookups.
 */
void lsc_credentials_set_helper_timeout_ms(unsigned ms);

#endif

/*
 * Encoded secrets: the base64 values of a file that hide a secret from the rules, decoded so
 * the secret engine can read them as text.
 *
 * - a Kubernetes Secret (`kind: Secret`): every `key: <base64>` line (the `data:` values; the
 *   plain `stringData:` values the rules read as they are);
 * - any file: a base64 value assigned to a secret-named key (password, secret, token, api key,
 *   credential, private key, auth);
 * - Docker registry credentials: each `"auth": "<base64 of user:password>"` of a config.json or
 *   .dockercfg, and of a `.dockerconfigjson` / `.dockercfg` value decoded as above (the one
 *   second decoding: a decoded value is never decoded again beyond that).
 *
 * Each value is handed over as the text `KEY=DECODED` (the key name is the context the
 * generic rules need), with the line of its key and the span of the encoded value in the input.
 * Bounded: at most LSC_ENCODED_MAX_VALUES values per input, encoded values of at most
 * LSC_ENCODED_MAX_LEN characters, decoded values that are printable text only.
 */
#ifndef LSC_LIB_SECRETS_ENCODED_H
#define LSC_LIB_SECRETS_ENCODED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LSC_ENCODED_MAX_VALUES 64
#define LSC_ENCODED_MAX_LEN 16384 /* encoded characters of one value */
#define LSC_ENCODED_MIN_LEN 8	  /* encoded characters: 6 decoded bytes */
#define LSC_ENCODED_MAX_KEY 128

struct lsc_encoded_value {
	const char *text; /* KEY=DECODED, borrowed for the callback */
	size_t len;
	size_t value_at;    /* where DECODED starts in text */
	uint64_t line;	    /* 1-based line of the key in the input */
	uint64_t offset;    /* the encoded value's first byte in the input */
	size_t enclen;	    /* and its length */
	bool registry_auth; /* a Docker registry auth: text is password=PASSWORD */
};

/* Returns 0 to go on, or a negative code that stops the walk (returned). */
typedef int (*lsc_encoded_cb)(const struct lsc_encoded_value *v, void *payload);

/*
 * Calls cb for each encoded value of p (n bytes) as described above, in the order of the
 * input. 0, the callback's negative code, or -ENOMEM. Never reads past p + n.
 */
int lsc_encoded_foreach(const uint8_t *p, size_t n, lsc_encoded_cb cb, void *payload);

/* A Kubernetes Secret: a line (or a JSON member) saying kind is Secret. */
bool lsc_encoded_k8s_secret(const uint8_t *p, size_t n);

#endif

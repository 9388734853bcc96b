/*
 * lib/secrets/encoded: which base64 values are decoded, what text each gives, at which line and
 * span, and the bounds (count, length, text only, one second decoding).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secrets/encoded.h"
#include "util/base64.h"

#define MAX_SEEN 80

struct seen {
	unsigned n;
	char text[MAX_SEEN][256];
	uint64_t line[MAX_SEEN];
	uint64_t offset[MAX_SEEN];
	size_t enclen[MAX_SEEN];
	bool auth[MAX_SEEN];
};

static int collect(const struct lsc_encoded_value *v, void *payload)
{
	struct seen *s = payload;

	cr_assert_lt(s->n, MAX_SEEN);
	cr_assert_gt(v->value_at, 0);
	cr_assert_eq(v->text[v->value_at - 1], '=');
	snprintf(s->text[s->n], sizeof(s->text[0]), "%.*s", (int)v->len, v->text);
	s->line[s->n] = v->line;
	s->offset[s->n] = v->offset;
	s->enclen[s->n] = v->enclen;
	s->auth[s->n] = v->registry_auth;
	s->n++;
	return 0;
}

static struct seen *walk(const char *in)
{
	struct seen *s = calloc(1, sizeof(*s));

	cr_assert_not_null(s);
	cr_assert_eq(lsc_encoded_foreach((const uint8_t *)in, strlen(in), collect, s), 0);
	return s;
}

Test(encoded, k8s_secret_data_every_key_at_its_line)
{
	/* x7Gq2LpV9sKd4RmW1tZe, and a user name */
	const char *in = "apiVersion: v1\n"
			 "kind: Secret\n"
			 "metadata:\n"
			 "  name: db\n"
			 "type: Opaque\n"
			 "data:\n"
			 "  username: YWRtaW4=\n"
			 "  password: eDdHcTJMcFY5c0tkNFJtVzF0WmU=\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 2);
	cr_assert_str_eq(s->text[0], "username=admin");
	cr_assert_eq(s->line[0], 7);
	cr_assert_str_eq(s->text[1], "password=x7Gq2LpV9sKd4RmW1tZe");
	cr_assert_eq(s->line[1], 8);
	cr_assert_eq(s->offset[1], (uint64_t)(strstr(in, "eDdH") - in));
	cr_assert_eq(s->enclen[1], 28);
	cr_assert_not(s->auth[1]);
	free(s);
}

Test(encoded, outside_a_secret_only_secret_named_keys)
{
	const char *in = "kind: ConfigMap\n"
			 "data:\n"
			 "  username: YWRtaW4=\n"
			 "  db_password: \"eDdHcTJMcFY5c0tkNFJtVzF0WmU=\",\n"
			 "API_TOKEN=eDdHcTJMcFY5c0tkNFJtVzF0WmU=\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 2);
	cr_assert_str_eq(s->text[0], "db_password=x7Gq2LpV9sKd4RmW1tZe");
	cr_assert_eq(s->line[0], 4);
	cr_assert_str_eq(s->text[1], "API_TOKEN=x7Gq2LpV9sKd4RmW1tZe");
	cr_assert_eq(s->line[1], 5);
	free(s);
}

Test(encoded, k8s_json_secret_is_a_secret)
{
	cr_assert(lsc_encoded_k8s_secret((const uint8_t *)"{\"kind\": \"Secret\"}", 18));
	cr_assert(lsc_encoded_k8s_secret((const uint8_t *)"kind: Secret\n", 13));
	cr_assert(lsc_encoded_k8s_secret((const uint8_t *)"kind: Secret", 12));
	cr_assert_not(lsc_encoded_k8s_secret((const uint8_t *)"kind: SecretStore\n", 18));
	cr_assert_not(lsc_encoded_k8s_secret((const uint8_t *)"mykind: Secret\n", 15));
	cr_assert_not(lsc_encoded_k8s_secret((const uint8_t *)"secretName: Secret\n", 19));
	cr_assert_not(lsc_encoded_k8s_secret((const uint8_t *)"Secret", 6));
}

Test(encoded, not_text_not_base64_too_short_empty)
{
	/* random bytes (not text), a value with '_' (not the standard alphabet), a bad length,
	 * six characters, an empty value */
	const char *in = "kind: Secret\n"
			 "data:\n"
			 "  key: 3q2+7wABAgMEBQYHCAkKCw==\n"
			 "  tok: YWJj_GVm\n"
			 "  odd: YWJjZGVmZ2g\n"
			 "  short: YWJjZA\n"
			 "  empty: \"\"\n"
			 "  password:\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 0);
	free(s);
}

Test(encoded, docker_config_each_auth_gives_its_password)
{
	/* ci:LVfB~9FvJ5jAuY on line 4; an auth without a password and one that is no base64 */
	const char *in = "{\n"
			 "  \"auths\": {\n"
			 "    \"registry.acme.example\": {\n"
			 "      \"auth\": \"Y2k6TFZmQn45RnZKNWpBdVk=\"\n"
			 "    },\n"
			 "    \"b.acme.example\": {\"auth\": \"Y2k6\"},\n"
			 "    \"c.acme.example\": {\"auth\": \"not base64\"}\n"
			 "  }\n"
			 "}\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 1);
	cr_assert_str_eq(s->text[0], "password=LVfB~9FvJ5jAuY");
	cr_assert_eq(s->line[0], 4);
	cr_assert_eq(s->offset[0], (uint64_t)(strstr(in, "Y2k6TFZm") - in));
	cr_assert_eq(s->enclen[0], 24);
	cr_assert(s->auth[0]);
	free(s);
}

Test(encoded, dockerconfigjson_in_a_secret_decoded_twice)
{
	/* {"auths":{"r.acme.example":{"auth":"<deploy:Qm7vT2pLx9Kz4RwY>"}}} */
	const char *in =
	    "apiVersion: v1\n"
	    "kind: Secret\n"
	    "type: kubernetes.io/dockerconfigjson\n"
	    "data:\n"
	    "  .dockerconfigjson: eyJhdXRocyI6eyJyLmFjbWUuZXhhbXBsZSI6eyJhdXRoIjoiWkdWd2JH"
	    "OTVPbEZ0TjNaVU1uQk1lRGxMZWpSU2Qxaz0ifX19\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 1);
	cr_assert_str_eq(s->text[0], "password=Qm7vT2pLx9Kz4RwY");
	cr_assert_eq(s->line[0], 5);
	cr_assert_eq(s->offset[0], (uint64_t)(strstr(in, "eyJh") - in));
	cr_assert(s->auth[0]);
	free(s);
}

Test(encoded, a_decoded_value_is_not_decoded_again)
{
	/* password: base64(base64("x7Gq2LpV9sKd4RmW1tZe")): the text is the inner base64 */
	const char *in = "password: ZURkSGNUSk1jRlk1YzB0a05GSnRWekYwV21VPQ==\n";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 1);
	cr_assert_str_eq(s->text[0], "password=eDdHcTJMcFY5c0tkNFJtVzF0WmU=");
	free(s);
}

Test(encoded, at_most_max_values)
{
	size_t n = (LSC_ENCODED_MAX_VALUES + 20) * 40;
	char *in = malloc(n + 1), *p = in;
	struct seen *s = calloc(1, sizeof(*s));

	cr_assert_not_null(in);
	for (int i = 0; i < LSC_ENCODED_MAX_VALUES + 20; i++) {
		p += sprintf(p, "token%d: eDdHcTJMcFY5c0tkNFJtVzF0WmU=\n", i);
	}
	cr_assert_eq(lsc_encoded_foreach((const uint8_t *)in, (size_t)(p - in), collect, s), 0);
	cr_assert_eq(s->n, LSC_ENCODED_MAX_VALUES);
	free(s);
	free(in);
}

Test(encoded, too_long_a_value_is_skipped)
{
	size_t n = LSC_ENCODED_MAX_LEN + 4;
	char *in = malloc(n + 32);
	struct seen *s = calloc(1, sizeof(*s));

	cr_assert_not_null(in);
	strcpy(in, "password: ");
	memset(in + 10, 'Q', n);
	strcpy(in + 10 + n, "\n");
	cr_assert_eq(lsc_encoded_foreach((const uint8_t *)in, strlen(in), collect, s), 0);
	cr_assert_eq(s->n, 0);
	free(s);
	free(in);
}

static int stop(const struct lsc_encoded_value *v, void *payload)
{
	(void)v;
	(*(int *)payload)++;
	return -1234;
}

Test(encoded, the_callback_stops_the_walk)
{
	const char *in =
	    "token: eDdHcTJMcFY5c0tkNFJtVzF0WmU=\nsecret: eDdHcTJMcFY5c0tkNFJtVzF0WmU=\n";
	int calls = 0;

	cr_assert_eq(lsc_encoded_foreach((const uint8_t *)in, strlen(in), stop, &calls), -1234);
	cr_assert_eq(calls, 1);
}

Test(encoded, empty_input)
{
	struct seen *s = calloc(1, sizeof(*s));

	cr_assert_eq(lsc_encoded_foreach((const uint8_t *)"", 0, collect, s), 0);
	cr_assert_eq(s->n, 0);
	free(s);
}

Test(encoded, docker_config_in_one_line)
{
	const char *in =
	    "{\"auths\":{\"registry.acme.example\":{\"auth\":\"Y2k6TFZmQn45RnZKNWpBdVk=\"}}}";
	struct seen *s = walk(in);

	cr_assert_eq(s->n, 1);
	cr_assert_str_eq(s->text[0], "password=LVfB~9FvJ5jAuY");
	cr_assert_eq(s->line[0], 1);
	free(s);
}

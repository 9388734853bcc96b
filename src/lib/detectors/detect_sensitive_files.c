/*
 * The sensitive-file detector.
 *
 * The rules are data. A row of `rows` names a rule, the paths it looks at and how it decides:
 * a gate regex the content must match, a find regex whose `value` group is the credential (and
 * whose optional `key` group names it in the detail), or a validator for the structural formats
 * (PEM, OpenSSH, PuTTY and OpenPGP keys, JKS, Docker, Composer and GCP JSON). A row with none of
 * these reports every non-empty file it matches. A new credential store is a new row.
 *
 * Path patterns: without '/' a pattern matches the basename; with '/' it matches the trailing
 * components ("~/.aws/credentials" of any user); with a leading '/' the whole path.
 *
 * A value that only stands for a credential (empty, ${VAR}, <token>, changeme, xxxx...) is no
 * credential: is_placeholder() decides that for every rule.
 *
 * Threads: entry callbacks of different layers run at once. The regexes and path patterns are
 * prepared once for the process (pthread_once) and only read afterwards; match data is per call;
 * everything else lives on the stack or in the layer's state.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "detect_sensitive_files.h"
#include "util/error.h"
#include "lib/json.h"
#include "lib/secrets/keys.h"
#include "keystore.h"
#include "package_place.h"
#include "lib/secrets/placeholder.h"
#include "util/base64.h"
#include "util/str.h"
#include "util/strmap.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DETECTOR "sensitive-file"
#define TEXT_PREFIX (64u << 10) /* credential stores, and the private-key search of every file */
#define WHOLE_PREFIX LSC_MAX_PREFIX /* documents that are parsed whole */
#define MAX_KEYS 16		    /* private keys reported per file */
#define MAX_KEY_ATTEMPTS 64	    /* private-key markers examined per file */
#define MAX_REMEMBERED 65536	    /* paths remembered per layer (.git directories, findings) */
#define MATCH_MAX 512		    /* bytes of a credential passed as the match */
#define DETAIL_MAX 256
#define NAME_MAX_SHOWN 64 /* bytes of a name from the content (host, alias, key) in a detail */
#define B64_HEAD 256	  /* decoded bytes of a Basic auth value kept */

enum {
	R_ENV_FILE,
	R_PRIVATE_KEY,
	R_ENCRYPTED_PRIVATE_KEY,
	R_AWS,
	R_GCP,
	R_AZURE,
	R_DOCKER,
	R_NPMRC,
	R_PYPIRC,
	R_NETRC,
	R_GIT_CREDENTIALS,
	R_KUBECONFIG,
	R_HTPASSWD,
	R_TFSTATE,
	R_KEYSTORE,
	R_GIT_DIRECTORY,
	R_SHELL_HISTORY,
	R_PGPASS,
	R_MYSQL,
	R_S3CFG,
	R_GH_CLI,
	R_CARGO,
	R_GEM,
	R_COMPOSER,
	R_MAVEN,
	R_VAULT,
	R_TERRAFORM_CLI,
	R_NUGET,
	R_GNUPG,
	R_YARNRC,
	R_PIP_CONF,
	R_SSH_HOST_KEY,
	NRULES
};

/* the tables read best laid out by hand */
/* clang-format off */
#define RULE(idx, id_, sev, title_, desc)                                                        \
	[idx] = {.id = id_,                                                                      \
		 .category = LSC_CAT_SENSITIVE_FILE,                                             \
		 .severity = sev,                                                                \
		 .title = title_,                                                                \
		 .description = desc,                                                            \
		 .detector = DETECTOR}

static const struct lsc_rule rules[NRULES] = {
	RULE(R_ENV_FILE, "env-file", LSC_SEV_HIGH, "Environment file",
	     "A dotenv file (.env, .env.production, prod.env, ...) with variable assignments. It "
	     "usually holds the application's secrets and belongs in .dockerignore."),
	RULE(R_PRIVATE_KEY, "private-key", LSC_SEV_CRITICAL, "Private key",
	     "An unencrypted private key (PEM, PKCS#8, OpenSSH, PuTTY or OpenPGP), whatever the file "
	     "is called. Everyone who can pull the image holds the key."),
	RULE(R_ENCRYPTED_PRIVATE_KEY, "encrypted-private-key", LSC_SEV_MEDIUM,
	     "Encrypted private key",
	     "A passphrase-protected private key. The key material still ships to everyone who can "
	     "pull the image, open to offline guessing of the passphrase."),
	RULE(R_AWS, "aws-credentials", LSC_SEV_CRITICAL, "AWS credentials file",
	     "An AWS CLI credentials or config file with a secret access key or session token."),
	RULE(R_GCP, "gcp-credentials", LSC_SEV_CRITICAL, "Google Cloud credentials",
	     "A Google Cloud service account key, application default credentials or a gcloud "
	     "credential store with a refresh token."),
	RULE(R_AZURE, "azure-credentials", LSC_SEV_HIGH, "Azure CLI credentials",
	     "Azure CLI token caches or service principal entries (~/.azure), which grant access to "
	     "the subscriptions of the signed-in account."),
	RULE(R_DOCKER, "docker-config-auth", LSC_SEV_HIGH, "Docker registry credentials",
	     "A Docker client config (.docker/config.json, .dockercfg) with registry credentials "
	     "stored inline instead of in a credential helper."),
	RULE(R_NPMRC, "npmrc-token", LSC_SEV_HIGH, "npm registry token",
	     "An .npmrc with a literal registry auth token or password; a ${NPM_TOKEN} reference is "
	     "fine."),
	RULE(R_PYPIRC, "pypirc-password", LSC_SEV_HIGH, "PyPI password",
	     "A .pypirc with a literal password or API token for a Python package index."),
	RULE(R_NETRC, "netrc-password", LSC_SEV_HIGH, "netrc password",
	     "A .netrc or _netrc with a password, which curl, git, ftp and others use to log in "
	     "automatically."),
	RULE(R_GIT_CREDENTIALS, "git-credentials", LSC_SEV_HIGH, "Git credentials",
	     "Git credentials in clear: a .git-credentials store, or a remote URL with a password "
	     "in a repository's .git/config."),
	RULE(R_KUBECONFIG, "kubeconfig-credentials", LSC_SEV_HIGH, "Kubernetes credentials",
	     "A Kubernetes client config (kubeconfig, /etc/kubernetes/*.conf) with a token, client "
	     "key, password or auth-provider token."),
	RULE(R_HTPASSWD, "htpasswd-file", LSC_SEV_MEDIUM, "htpasswd file",
	     "An htpasswd file with password hashes, open to offline cracking."),
	RULE(R_TFSTATE, "terraform-state", LSC_SEV_HIGH, "Terraform state",
	     "A Terraform state file, which records the attributes of every managed resource in "
	     "clear, secrets included."),
	RULE(R_KEYSTORE, "keystore", LSC_SEV_HIGH, "Keystore",
	     "A PKCS#12, JKS, JCEKS or BKS keystore with private or secret keys. A truststore that "
	     "holds only certificates is not reported."),
	RULE(R_GIT_DIRECTORY, "git-directory", LSC_SEV_MEDIUM, "Git directory",
	     "A .git directory: the repository's whole history (secrets removed from the tree "
	     "included), its config and hooks. Usually COPY . without a .dockerignore."),
	RULE(R_SHELL_HISTORY, "shell-history", LSC_SEV_MEDIUM, "Shell history",
	     "A shell or REPL history file, which often holds typed passwords, tokens and connection "
	     "strings."),
	RULE(R_PGPASS, "pgpass", LSC_SEV_HIGH, "PostgreSQL password file",
	     "A PostgreSQL .pgpass with a password."),
	RULE(R_MYSQL, "mysql-client-password", LSC_SEV_HIGH, "MySQL client password",
	     "A MySQL client option file (.my.cnf) with a password, or an obfuscated login path file "
	     "(.mylogin.cnf), which is trivially decoded."),
	RULE(R_S3CFG, "s3cfg", LSC_SEV_HIGH, "s3cmd credentials",
	     "An s3cmd configuration (.s3cfg) with a secret key or access token."),
	RULE(R_GH_CLI, "gh-cli-token", LSC_SEV_HIGH, "GitHub CLI token",
	     "A GitHub CLI hosts.yml with an OAuth token stored in clear."),
	RULE(R_CARGO, "cargo-credentials", LSC_SEV_HIGH, "Cargo registry token",
	     "Cargo registry credentials with a publish token."),
	RULE(R_GEM, "gem-credentials", LSC_SEV_HIGH, "RubyGems API key",
	     "RubyGems credentials with an API key that can push gems."),
	RULE(R_COMPOSER, "composer-auth", LSC_SEV_HIGH, "Composer credentials",
	     "A Composer auth.json with HTTP basic, GitHub, GitLab, Bitbucket or bearer "
	     "credentials."),
	RULE(R_MAVEN, "maven-settings-password", LSC_SEV_HIGH, "Maven settings password",
	     "A Maven settings.xml with a server password or passphrase, or a settings-security.xml "
	     "with the master password."),
	RULE(R_VAULT, "vault-token", LSC_SEV_HIGH, "Vault token",
	     "A HashiCorp Vault token file (.vault-token)."),
	RULE(R_TERRAFORM_CLI, "terraform-cli-credentials", LSC_SEV_HIGH, "Terraform CLI token",
	     "Terraform CLI credentials (credentials.tfrc.json, .terraformrc) with an API token for "
	     "Terraform Cloud or a private registry."),
	RULE(R_NUGET, "nuget-config-password", LSC_SEV_HIGH, "NuGet source password",
	     "A NuGet.Config with a package source password in clear text."),
	RULE(R_GNUPG, "gnupg-private-keys", LSC_SEV_HIGH, "GnuPG private keys",
	     "A GnuPG private key store (private-keys-v1.d, secring.gpg)."),
	RULE(R_YARNRC, "yarnrc-token", LSC_SEV_HIGH, "Yarn registry token",
	     "A Yarn .yarnrc.yml with a literal npm registry auth token or ident."),
	RULE(R_PIP_CONF, "pip-conf-credentials", LSC_SEV_HIGH, "pip index credentials",
	     "A pip configuration with a user name and password in a package index URL."),
	RULE(R_SSH_HOST_KEY, "ssh-host-key", LSC_SEV_HIGH, "SSH host key baked into the image",
	     "A private SSH host key (/etc/ssh/ssh_host_*_key), generated when openssh-server was "
	     "installed at build time: every container of the image, and everyone who can pull it, "
	     "shares the key, so any of them can impersonate the server. Generate host keys when "
	     "the container starts, or mount them."),
};
/* clang-format on */

_Static_assert(NRULES <= 64, "a rule set is a uint64_t");

struct ctx;

enum {
	ROW_ICASE = 1u << 0,	   /* path patterns ignore case */
	ROW_COVERS_KEYS = 1u << 1, /* its finding already reports the file's private key */
	ROW_TEXT = 1u << 2,	   /* only text: a program may bear the same name (bin/htpasswd) */
};

struct row {
	int rule;
	unsigned flags;
	const char *const *paths;    /* NULL-terminated; NULL: every regular file */
	const char *const *except;   /* paths the row never looks at, or NULL */
	size_t prefix;		     /* content bytes it reads */
	int64_t max_size;	     /* larger files are left alone; 0: no bound */
	const char *needle;	     /* a literal the content must hold before any regex runs */
	const char *gate;	     /* a regex the content must match, or NULL */
	const char *find;	     /* a regex with a `value` group (and maybe `key`), or NULL */
	int (*check)(struct ctx *c); /* a validator that emits, or NULL */
	const char *what;	     /* the start of the detail, for rows without a check */
};

/* The entry in hand, for the validators. */
struct ctx {
	struct lsc_layer *layer;
	const struct lsc_tar_entry *e;
	const uint8_t *p;
	size_t n;
	bool whole;
	const struct row *row;
	uint64_t emitted;  /* rules already reported for this entry */
	bool keys_covered; /* a finding of this entry already reports its private key */
	size_t key_at;	   /* the offset of the private key being reported */
};

static int check_keys(struct ctx *c);
static int check_keystore(struct ctx *c);
static int check_keystore_magic(struct ctx *c);
static int check_docker(struct ctx *c);
static int check_gcp_service_account(struct ctx *c);
static int check_azure(struct ctx *c);
static int check_composer(struct ctx *c);
static int check_ssh_host_key(struct ctx *c);

#define PATHS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* key = value, key: value; the value up to the end of the line, trimmed and unquoted later */
#define INI(keys) "^[ \\t]*(?<key>" keys ")[ \\t]*=[ \\t]*(?<value>[^\\r\\n]*)"
#define YAML(keys) "^[ \\t]*(?<key>" keys ")[ \\t]*:[ \\t]*(?<value>[^\\r\\n]*)"
#define JSON_STR(keys) "\"(?<key>" keys ")\"[ \\t]*:[ \\t]*(?<value>\"[^\"\\r\\n]*\")"
/* scheme://user:password@host, bounded so that the unanchored search stays linear */
#define URL_PASSWORD                                                                               \
	"[A-Za-z][A-Za-z0-9+.-]{0,31}://[^:@/\\s]{0,256}:(?<value>[^@/\\s]{1,512})@"               \
	"(?<key>[^@/:\\s]{1,253})"

#define KUBE_CREDENTIAL                                                                            \
	"^[ \\t-]*[\"']?(?<key>token|client-key-data|password|refresh-token|id-token|"             \
	"client-secret)[\"']?[ \\t]*:[ \\t]*(?<value>[^\\r\\n]*)"

#define KEYSTORE_NEVER PATHS("cacerts", "*truststore*")

/* clang-format off */
static const struct row rows[] = {
	{.rule = R_ENV_FILE,
	 /* prod.env, app.env: compose's env_file and dotenv's other common naming */
	 .paths = PATHS(".env", ".env.*", "*.env", "*.env.*"),
	 .except = PATHS(".env.example", ".env.sample", ".env.template", ".env.dist",
			 ".env.defaults", ".env.schema", ".env.*.example", ".env.*.sample",
			 ".env.*.template", ".env.*.dist", "?*.env.example", "?*.env.sample",
			 "?*.env.template", "?*.env.dist", "?*.env.*.example", "?*.env.*.sample",
			 "?*.env.*.template", "?*.env.*.dist",
			 /* x.env.js, x.env.d.ts, x.env.bak: code, documents, backups (not .env.bak) */
			 "?*.env.js", "?*.env.mjs", "?*.env.cjs", "?*.env.ts", "?*.env.*.ts",
			 "?*.env.json", "?*.env.py", "?*.env.rb", "?*.env.go", "?*.env.txt", "?*.env.md",
			 "?*.env.bak",
			 /* templates named as the stem: example.env, app.sample.env */
			 "*example.env", "*sample.env", "*template.env"),
	 .prefix = TEXT_PREFIX,
	 .gate = "^[ \\t]*(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \\t]*=",
	 .what = ".env file"},
	{.rule = R_AWS,
	 .paths = PATHS(".aws/credentials", ".aws/config"),
	 .prefix = TEXT_PREFIX,
	 .find = "^[ \\t]*(?<key>aws_secret_access_key|aws_session_token)[ \\t]*[=:][ \\t]*"
		 "(?<value>[^\\r\\n]*)",
	 .what = "AWS credentials file with"},
	{.rule = R_GCP,
	 .flags = ROW_COVERS_KEYS,
	 .paths = PATHS("*.json"),
	 .prefix = TEXT_PREFIX,
	 .max_size = TEXT_PREFIX,
	 .check = check_gcp_service_account},
	{.rule = R_GCP,
	 .paths = PATHS("application_default_credentials.json", ".config/gcloud/credentials.db",
			".config/gcloud/access_tokens.db",
			".config/gcloud/legacy_credentials/*/adc.json"),
	 .prefix = WHOLE_PREFIX,
	 .find = JSON_STR("refresh_token"),
	 .what = "Google Cloud user credentials with a"},
	{.rule = R_AZURE,
	 .paths = PATHS(".azure/accessTokens.json", ".azure/msal_token_cache.json",
			".azure/service_principal_entries.json"),
	 .prefix = WHOLE_PREFIX,
	 .check = check_azure},
	{.rule = R_DOCKER,
	 .paths = PATHS(".docker/config.json", ".dockercfg"),
	 .prefix = WHOLE_PREFIX,
	 .check = check_docker},
	{.rule = R_NPMRC,
	 .paths = PATHS(".npmrc", "/etc/npmrc", "/usr/etc/npmrc", "/usr/local/etc/npmrc"),
	 .prefix = TEXT_PREFIX,
	 .find = "^[ \\t]*(?:\\S*:)?(?<key>_authToken|_auth|_password)[ \\t]*=[ \\t]*"
		 "(?<value>[^\\r\\n]*)",
	 .what = "npm configuration with"},
	{.rule = R_PYPIRC,
	 .paths = PATHS(".pypirc"),
	 .prefix = TEXT_PREFIX,
	 .find = "^[ \\t]*(?<key>password)[ \\t]*[=:][ \\t]*(?<value>[^\\r\\n]*)",
	 .what = "PyPI configuration with a"},
	{.rule = R_NETRC,
	 .paths = PATHS(".netrc", "_netrc"),
	 .prefix = TEXT_PREFIX,
	 .find = "(?:^|[ \\t])(?<key>password)[ \\t]+(?<value>[^ \\t\\r\\n]+)",
	 .what = "netrc file with a"},
	{.rule = R_GIT_CREDENTIALS,
	 .paths = PATHS(".git-credentials", ".config/git/credentials", ".git/config"),
	 .prefix = TEXT_PREFIX,
	 .find = URL_PASSWORD,
	 .what = "Git credentials with a password for"},
	{.rule = R_KUBECONFIG,
	 .flags = ROW_TEXT,
	 .paths = PATHS(".kube/config", "kubeconfig", "*.kubeconfig", "/etc/kubernetes/admin.conf",
			"/etc/kubernetes/super-admin.conf", "/etc/kubernetes/kubelet.conf",
			"/etc/kubernetes/controller-manager.conf",
			"/etc/kubernetes/scheduler.conf"),
	 .prefix = TEXT_PREFIX,
	 .find = KUBE_CREDENTIAL,
	 .what = "kubeconfig with a"},
	/* any other kubeconfig, recognised by its content */
	{.rule = R_KUBECONFIG,
	 .paths = PATHS("*.yaml", "*.yml", "*.conf", "config", "*.config"),
	 .prefix = TEXT_PREFIX,
	 .max_size = TEXT_PREFIX,
	 .needle = "Config",
	 .gate = "\\A(?=[\\s\\S]*?^kind:[ \\t]*[\"']?Config[\"']?[ \\t]*$)(?=[\\s\\S]*?^users:)",
	 .find = KUBE_CREDENTIAL,
	 .what = "kubeconfig with a"},
	{.rule = R_HTPASSWD,
	 .flags = ROW_TEXT,
	 .paths = PATHS(".htpasswd", "htpasswd", "*.htpasswd"),
	 .prefix = TEXT_PREFIX,
	 .find = "^(?<key>[^:#\\s][^:\\s]*):(?<value>[^:\\s]+)",
	 .what = "htpasswd file with a password hash for"},
	{.rule = R_TFSTATE, .paths = PATHS("*.tfstate", "*.tfstate.backup"), .what = "Terraform state"},
	{.rule = R_KEYSTORE,
	 .flags = ROW_ICASE,
	 .paths = PATHS("*.p12", "*.pfx", "*.jks", "*.keystore", "*.jceks", "*.bks"),
	 .except = KEYSTORE_NEVER,
	 .prefix = WHOLE_PREFIX,
	 .check = check_keystore},
	/* a JKS or JCEKS keystore under any other name (read no further than any file) */
	{.rule = R_KEYSTORE,
	 .flags = ROW_ICASE,
	 .except = KEYSTORE_NEVER,
	 .prefix = TEXT_PREFIX,
	 .check = check_keystore_magic},
	{.rule = R_SHELL_HISTORY,
	 .paths = PATHS(".bash_history", ".zsh_history", ".zhistory", ".sh_history", ".ash_history",
			".history", ".python_history", ".mysql_history", ".psql_history",
			".node_repl_history", ".rediscli_history", ".sqlite_history",
			".irb_history", ".dbshell", ".local/share/fish/fish_history"),
	 .what = "shell history"},
	{.rule = R_PGPASS,
	 .paths = PATHS(".pgpass"),
	 .prefix = TEXT_PREFIX,
	 /* host:port:database:user:password, with \: and \\ escapes */
	 /* possessive: a long line without colons must fail in linear time */
	 .find = "^(?!#)(?:(?:[^:\\\\\\r\\n]++|\\\\.)*+:){3}(?<key>(?:[^:\\\\\\r\\n]++|\\\\.)*+):"
		 "(?<value>(?:[^:\\\\\\r\\n]++|\\\\.)++)$",
	 .what = "PostgreSQL password file with a password for user"},
	{.rule = R_MYSQL,
	 .paths = PATHS(".my.cnf"),
	 .prefix = TEXT_PREFIX,
	 .find = INI("(?i)password"),
	 .what = "MySQL option file with a"},
	{.rule = R_MYSQL, .paths = PATHS(".mylogin.cnf"), .what = "MySQL obfuscated login path file"},
	{.rule = R_S3CFG,
	 .paths = PATHS(".s3cfg"),
	 .prefix = TEXT_PREFIX,
	 .find = INI("secret_key|access_token"),
	 .what = "s3cmd configuration with"},
	{.rule = R_GH_CLI,
	 .paths = PATHS(".config/gh/hosts.yml"),
	 .prefix = TEXT_PREFIX,
	 .find = YAML("oauth_token"),
	 .what = "GitHub CLI hosts file with an"},
	{.rule = R_CARGO,
	 .paths = PATHS(".cargo/credentials", ".cargo/credentials.toml"),
	 .prefix = TEXT_PREFIX,
	 .find = INI("token"),
	 .what = "Cargo credentials with a"},
	{.rule = R_GEM,
	 .paths = PATHS(".gem/credentials", ".local/share/gem/credentials"),
	 .prefix = TEXT_PREFIX,
	 .find = "^[ \\t]*(?<key>:?[A-Za-z0-9_]*api_key):?[ \\t]+(?<value>[^\\r\\n]*)",
	 .what = "RubyGems credentials with"},
	{.rule = R_COMPOSER,
	 .paths = PATHS(".composer/auth.json", ".config/composer/auth.json"),
	 .prefix = WHOLE_PREFIX,
	 .check = check_composer},
	{.rule = R_MAVEN,
	 .paths = PATHS(".m2/settings.xml", ".m2/settings-security.xml",
			"*maven*/conf/settings.xml"),
	 .prefix = TEXT_PREFIX,
	 /*
	  * commented-out examples, as in Maven's own settings.xml, do not count; an unclosed
	  * comment runs to the end, so that the skip stays linear
	  */
	 .find = "<!--[\\s\\S]*?(?:-->|\\z)(*SKIP)(*FAIL)|"
		 "<(?<key>password|passphrase|master)>(?<value>[^<]*)<",
	 .what = "Maven settings with a"},
	{.rule = R_VAULT,
	 .paths = PATHS(".vault-token"),
	 .prefix = TEXT_PREFIX,
	 .find = "\\A\\s*(?<value>\\S+)",
	 .what = "Vault token file"},
	{.rule = R_TERRAFORM_CLI,
	 .paths = PATHS(".terraform.d/credentials.tfrc.json"),
	 .prefix = TEXT_PREFIX,
	 .find = JSON_STR("token"),
	 .what = "Terraform CLI credentials with a"},
	{.rule = R_TERRAFORM_CLI,
	 .paths = PATHS(".terraformrc", "terraform.rc"),
	 .prefix = TEXT_PREFIX,
	 .find = INI("token"),
	 .what = "Terraform CLI configuration with a"},
	{.rule = R_NUGET,
	 .flags = ROW_ICASE,
	 .paths = PATHS("nuget.config"),
	 .prefix = TEXT_PREFIX,
	 .find = "(?i)<add\\s+key\\s*=\\s*\"(?<key>ClearTextPassword)\"\\s+value\\s*=\\s*\""
		 "(?<value>[^\"]*)\"",
	 .what = "NuGet config with a"},
	{.rule = R_GNUPG,
	 .paths = PATHS(".gnupg/private-keys-v1.d/*.key", ".gnupg/secring.gpg"),
	 .what = "GnuPG private key"},
	{.rule = R_YARNRC,
	 .paths = PATHS(".yarnrc.yml"),
	 .prefix = TEXT_PREFIX,
	 .find = YAML("npmAuthToken|npmAuthIdent"),
	 .what = "Yarn configuration with"},
	{.rule = R_PIP_CONF,
	 .paths = PATHS("pip.conf", "pip.ini"),
	 .prefix = TEXT_PREFIX,
	 .find = URL_PASSWORD,
	 .what = "pip configuration with an index password for"},
	/* the host key by its path, whatever it holds: one finding instead of private-key too */
	{.rule = R_SSH_HOST_KEY,
	 .flags = ROW_COVERS_KEYS,
	 .paths = PATHS("/etc/ssh/ssh_host_*_key"),
	 .prefix = TEXT_PREFIX,
	 .check = check_ssh_host_key},
	/* last: a row above may already report the file's key (ROW_COVERS_KEYS) */
	{.rule = R_PRIVATE_KEY, .prefix = TEXT_PREFIX, .check = check_keys},
};
/* clang-format on */

#define NROWS (sizeof(rows) / sizeof(rows[0]))

_Static_assert(NROWS <= 64, "a row set is a uint64_t");

/* ---- regexes and path patterns, prepared once ---- */

struct re {
	pcre2_code *code;
	uint32_t key, value; /* group numbers, 0 when absent */
};

/*
 * A path pattern, classified once: most are a literal basename or a "*.ext" suffix, compared
 * without fnmatch, since every entry of every layer goes past every row.
 */
struct pattern {
	const char *text;
	unsigned comps; /* 0: the whole path; k: the last k components (1: the basename) */
	bool glob;	/* fnmatch(text) */
	bool suffix;	/* "*lit": lit ends the subject; otherwise lit is the subject */
	const char *lit;
	size_t len;
};

struct row_patterns {
	size_t paths, npaths, except, nexcept; /* ranges of `patterns` */
};

#define MAX_COMPS 6
#define MAX_PATTERNS 256

static struct re gates[NROWS], finds[NROWS];
static struct pattern patterns[MAX_PATTERNS];
static struct row_patterns row_patterns[NROWS];
static size_t npatterns;
static pthread_once_t prepared = PTHREAD_ONCE_INIT;
static char prepare_failed[160]; /* why preparing failed, "" when it did not */

static int compile(struct re *re, const char *pattern, pcre2_compile_context *cc)
{
	int err, n;
	PCRE2_SIZE at;
	PCRE2_UCHAR msg[96];

	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE, &err,
				 &at, cc);
	if (!re->code) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		snprintf(prepare_failed, sizeof(prepare_failed), "regex %.40s at %zu: %s", pattern,
			 (size_t)at, (char *)msg);
		return -1;
	}
	/* best effort: without JIT the interpreter matches all the same, only slower */
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR) "key");
	re->key = n > 0 ? (uint32_t)n : 0;
	n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR) "value");
	re->value = n > 0 ? (uint32_t)n : 0;
	return 0;
}

/* Appends the patterns of list; the index of the first in *first, their number in *count. */
static int add_patterns(size_t *first, size_t *count, const char *const *list)
{
	*first = npatterns;
	*count = 0;
	for (size_t i = 0; list && list[i]; i++) {
		struct pattern *pt = &patterns[npatterns];
		const char *t = list[i];

		if (npatterns == MAX_PATTERNS) {
			snprintf(prepare_failed, sizeof(prepare_failed),
				 "more than %d path patterns", MAX_PATTERNS);
			return -1;
		}
		pt->text = t;
		pt->comps = 1;
		if (t[0] == '/') {
			pt->comps = 0;
		} else {
			for (const char *c = t; *c; c++) {
				pt->comps += *c == '/';
			}
		}
		pt->suffix = t[0] == '*' && !strpbrk(t + 1, "*?[/");
		pt->glob = !pt->suffix && strpbrk(t, "*?[") != NULL;
		pt->lit = pt->suffix ? t + 1 : t;
		pt->len = strlen(pt->lit);
		if (pt->comps > MAX_COMPS) {
			snprintf(prepare_failed, sizeof(prepare_failed), "pattern %s is too deep",
				 t);
			return -1;
		}
		npatterns++;
		(*count)++;
	}
	return 0;
}

static void prepare(void)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);

	if (!cc) {
		snprintf(prepare_failed, sizeof(prepare_failed), "out of memory");
		return;
	}
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		struct row_patterns *rp = &row_patterns[i];

		if (add_patterns(&rp->paths, &rp->npaths, r->paths) < 0 ||
		    add_patterns(&rp->except, &rp->nexcept, r->except) < 0 ||
		    (r->gate && compile(&gates[i], r->gate, cc) < 0) ||
		    (r->find && compile(&finds[i], r->find, cc) < 0)) {
			break;
		}
		if (r->find && finds[i].value == 0) {
			snprintf(prepare_failed, sizeof(prepare_failed), "regex %.40s has no value",
				 r->find);
			break;
		}
	}
	pcre2_compile_context_free(cc);
}

/* 0, or -LSC_E_INTERNAL when a row of the table is broken (a programming error). */
static int prepare_once(void)
{
	pthread_once(&prepared, prepare);
	if (prepare_failed[0]) {
		return lsc_error(LSC_E_INTERNAL, "sensitive-file: %s", prepare_failed);
	}
	return 0;
}

/*
 * pcre2_match, retried without JIT when the JIT stack runs out (deep lookaheads over 64 KiB),
 * so that a limit of the matcher never hides a finding.
 */
static int re_match(const struct re *re, const uint8_t *p, size_t n, size_t off,
		    pcre2_match_data *md)
{
	int rc = pcre2_match(re->code, p, n, off, 0, md, NULL);

	if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
		rc = pcre2_match(re->code, p, n, off, PCRE2_NO_JIT, md, NULL);
	}
	return rc;
}

/* 1 when re matches somewhere in the n bytes at p, 0 when not, -ENOMEM. */
static int re_search(const struct re *re, const uint8_t *p, size_t n)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
	int rc;

	if (!md) {
		return -ENOMEM;
	}
	rc = re_match(re, p, n, 0, md);
	pcre2_match_data_free(md);
	return rc >= 0 ? 1 : 0;
}

/* ---- small helpers ---- */

/* The 1-based line of offset off. */
static long line_at(const uint8_t *p, size_t off)
{
	long line = 1;
	const uint8_t *end = p + off, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			break;
		}
		line++;
		p = nl + 1;
	}
	return line;
}

/* The line where s first occurs in the content, 0 when it does not. */
static long line_of(const struct ctx *c, const char *s)
{
	const uint8_t *at = memmem(c->p, c->n, s, strlen(s));

	return at ? line_at(c->p, (size_t)(at - c->p)) : 0;
}

/* Copies up to cap - 1 bytes of s into dst, control characters replaced, for a detail. */
static const char *printable(char *dst, size_t cap, const void *s, size_t n)
{
	const uint8_t *b = s;
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++) {
		dst[i] = (b[i] < 0x20 || b[i] == 0x7f) ? '?' : (char)b[i];
	}
	dst[i] = 0;
	return dst;
}

static bool ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Trims blanks and unquotes: "abc" # comment -> abc. */
static void trim_value(const uint8_t **s, size_t *n)
{
	const uint8_t *p = *s, *q;
	size_t len = *n;

	while (len > 0 && ws(p[0])) {
		p++;
		len--;
	}
	while (len > 0 && ws(p[len - 1])) {
		len--;
	}
	if (len >= 2 && (p[0] == '"' || p[0] == '\'')) {
		q = memchr(p + 1, p[0], len - 1);
		if (q) {
			len = (size_t)(q - p - 1);
			p++;
		}
	}
	*s = p;
	*n = len;
}

/*
 * Whether a value only stands for a credential: the value as a file writes it ("abc" # comment)
 * trimmed and unquoted, then placeholder.h's one answer.
 */
static bool is_placeholder(const void *value, size_t n)
{
	const uint8_t *s = value;

	trim_value(&s, &n);
	return lsc_placeholder_is((const char *)s, n);
}

static int emit(struct ctx *c, int rule, long line, const void *match, size_t mlen, const char *fmt,
		...) __attribute__((format(printf, 6, 7)));

/* Reports rule for the entry in hand; match (mlen bytes, may be NULL) is the credential. */
static int emit(struct ctx *c, int rule, long line, const void *match, size_t mlen, const char *fmt,
		...)
{
	char detail[DETAIL_MAX], m[MATCH_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (match) {
		printable(m, sizeof(m), match, mlen);
	}
	c->emitted |= (uint64_t)1 << rule;
	if (c->row && (c->row->flags & ROW_COVERS_KEYS)) {
		c->keys_covered = true;
	}
	if ((rule == R_PRIVATE_KEY || rule == R_ENCRYPTED_PRIVATE_KEY) &&
	    lsc_place_package_tests(c->e->path)) {
		/* a key in a package's tests is the tests' own: info, said so, never hidden */
		return lsc_emit_noted(c->layer, c->e, &rules[rule], LSC_SEV_INFO, line,
				      match ? m : NULL, LSC_NOTE_PACKAGE_FIXTURE, "%s", detail);
	}
	if ((rule == R_PRIVATE_KEY || rule == R_ENCRYPTED_PRIVATE_KEY) &&
	    (lsc_place_package_docs(c->e->path) ||
	     (lsc_place_package_python(c->e->path) &&
	      lsc_place_in_triple_quotes(c->p, c->n, c->key_at)))) {
		/* a key in a package's documents or doc strings is a sample: info, never hidden */
		return lsc_emit_noted(c->layer, c->e, &rules[rule], LSC_SEV_INFO, line,
				      match ? m : NULL, LSC_NOTE_PACKAGE_DOC, "%s", detail);
	}
	if (rule == R_ENV_FILE && lsc_place_in_package(c->e->path)) {
		/* a dotenv file a package ships (its tests', its build's) is not the image's: info
		 */
		return lsc_emit_noted(c->layer, c->e, &rules[rule], LSC_SEV_INFO, line,
				      match ? m : NULL, LSC_NOTE_PACKAGE_FILE, "%s", detail);
	}
	return lsc_emit_finding(c->layer, c->e, &rules[rule], rules[rule].severity, line,
				match ? m : NULL, "%s", detail);
}

/* ---- base64 of a short value (a Docker auth), keeping the first bytes ---- */

struct b64 {
	uint8_t head[B64_HEAD];
	size_t total; /* decoded bytes, once b64_ok() said yes */
	struct lsc_base64 dec;
};

static void b64_start(struct b64 *d)
{
	d->total = 0;
	lsc_base64_init(&d->dec, LSC_BASE64_STD | LSC_BASE64_SPACE, d->head, sizeof(d->head));
}

static void b64_feed(struct b64 *d, const uint8_t *s, size_t n)
{
	lsc_base64_feed(&d->dec, s, n);
}

/* Whether what was fed is complete, valid, non-empty base64; sets d->total. */
static bool b64_ok(struct b64 *d)
{
	long len = lsc_base64_finish(&d->dec);

	d->total = len > 0 ? (size_t)len : 0;
	return len > 0;
}

/* ---- private keys (keys.c parses them) ---- */

/* private-key / encrypted-private-key: every real key in the content, wherever it is. */
static int check_keys(struct ctx *c)
{
	struct lsc_keys_block k;
	size_t pos = 0;
	unsigned budget = MAX_KEY_ATTEMPTS;
	int found = 0, rc;

	if (c->keys_covered) {
		return 0;
	}
	while (found < MAX_KEYS) {
		rc = lsc_keys_next_pem(&k, c->p, c->n, &pos, &budget);
		if (rc <= 0) {
			if (rc < 0) {
				return rc;
			}
			break;
		}
		c->key_at = k.start;
		rc = emit(c, k.encrypted ? R_ENCRYPTED_PRIVATE_KEY : R_PRIVATE_KEY,
			  line_at(c->p, k.start), NULL, 0, "%s", k.desc);
		if (rc < 0) {
			return rc;
		}
		found++;
	}
	pos = 0;
	while (found < MAX_KEYS) {
		rc = lsc_keys_next_putty(&k, c->p, c->n, &pos, &budget);
		if (rc <= 0) {
			if (rc < 0) {
				return rc;
			}
			break;
		}
		c->key_at = k.start;
		rc = emit(c, k.encrypted ? R_ENCRYPTED_PRIVATE_KEY : R_PRIVATE_KEY,
			  line_at(c->p, k.start), NULL, 0, "%s", k.desc);
		if (rc < 0) {
			return rc;
		}
		found++;
	}
	return 0;
}

/* An SSH host key: the file at its path is the finding; the key's kind, when it parses, says more.
 */
static int check_ssh_host_key(struct ctx *c)
{
	struct lsc_keys_block k;
	size_t pos = 0;
	unsigned budget = MAX_KEY_ATTEMPTS;
	int rc = lsc_keys_next_pem(&k, c->p, c->n, &pos, &budget);

	if (rc < 0) {
		return rc;
	}
	if (rc > 0) {
		return emit(c, R_SSH_HOST_KEY, line_at(c->p, k.start), NULL, 0, "SSH host key: %s",
			    k.desc);
	}
	return emit(c, R_SSH_HOST_KEY, 0, NULL, 0, "SSH host key file (%" PRId64 " bytes)",
		    c->e->size);
}

/* ---- keystores ---- */

/*
 * keystore: JKS and JCEKS by their entries; PKCS#12 and BKS, which need a password, by name.
 * A JKS found by its magic under another name is only reported when it surely holds a key.
 */
static int keystore(struct ctx *c, bool by_name)
{
	uint32_t magic = lsc_keystore_magic(c->p, c->n);
	const char *kind = magic == LSC_KEYSTORE_JCEKS_MAGIC ? "JCEKS" : "JKS";
	char alias[NAME_MAX_SHOWN];
	enum lsc_keystore_result res;
	const uint8_t *a;
	size_t an;

	if (magic != LSC_KEYSTORE_JKS_MAGIC && magic != LSC_KEYSTORE_JCEKS_MAGIC) {
		return emit(c, R_KEYSTORE, 0, NULL, 0, "%s keystore (%" PRId64 " bytes)",
			    c->n > 0 && c->p[0] == 0x30			      ? "PKCS#12"
			    : fnmatch("*.bks", c->e->path, FNM_CASEFOLD) == 0 ? "BKS"
									      : "unrecognised",
			    c->e->size);
	}
	res = lsc_keystore_jks_parse(&a, &an, c->p, c->n);
	printable(alias, sizeof(alias), a, an);
	switch (res) {
	case LSC_KEYSTORE_TRUSTED_ONLY:
		return 0;
	case LSC_KEYSTORE_PRIVATE_KEY:
		return emit(c, R_KEYSTORE, 0, NULL, 0,
			    "%s keystore with a private key entry \"%s\"", kind, alias);
	case LSC_KEYSTORE_SECRET_KEY:
		return emit(c, R_KEYSTORE, 0, NULL, 0, "%s keystore with a secret key entry \"%s\"",
			    kind, alias);
	case LSC_KEYSTORE_SHORT:
		if (!c->whole) {
			if (!by_name) {
				return 0;
			}
			return emit(c, R_KEYSTORE, 0, NULL, 0,
				    "%s keystore of %" PRId64 " bytes, too large to inspect", kind,
				    c->e->size);
		}
		break;
	case LSC_KEYSTORE_MALFORMED:
		break;
	}
	return emit(c, R_KEYSTORE, 0, NULL, 0, "%s keystore that cannot be parsed", kind);
}

static int check_keystore(struct ctx *c)
{
	return keystore(c, true);
}

static int check_keystore_magic(struct ctx *c)
{
	uint32_t magic = lsc_keystore_magic(c->p, c->n);

	return magic == LSC_KEYSTORE_JKS_MAGIC || magic == LSC_KEYSTORE_JCEKS_MAGIC
		   ? keystore(c, false)
		   : 0;
}

/* ---- JSON credential stores ---- */

/*
 * Parses the whole content as JSON. A file that is not JSON is simply no finding: the error
 * detail lsc_json_parse() leaves on this thread is cleared, so that it cannot become the message
 * of an unrelated later failure of the layer.
 */
static json_t *parse_json(const struct ctx *c)
{
	json_t *root = NULL;

	if (!c->whole || lsc_json_parse(&root, c->p, c->n, c->e->path) < 0) {
		lsc_error_clear();
		return NULL;
	}
	return root;
}

/* Whether a docker "auth" (base64 of user:password) holds a real password. */
static bool basic_auth_has_password(const char *auth)
{
	struct b64 d;
	const uint8_t *colon;
	size_t hn;

	b64_start(&d);
	b64_feed(&d, (const uint8_t *)auth, strlen(auth));
	if (!b64_ok(&d) || d.total > sizeof(d.head)) {
		return true; /* opaque to us: a credential all the same */
	}
	hn = d.total;
	colon = memchr(d.head, ':', hn);
	if (!colon) {
		return true;
	}
	return !is_placeholder(colon + 1, hn - (size_t)(colon + 1 - d.head));
}

/* docker-config-auth: an auths entry (or, in .dockercfg, a top-level entry) with a secret. */
static int check_docker(struct ctx *c)
{
	static const char *const fields[] = {"auth", "password", "identitytoken", "registrytoken"};
	json_t *root = NULL, *auths, *entry;
	const char *reg, *v;
	char name[NAME_MAX_SHOWN], quoted[MATCH_MAX + 3];
	int rc = 0;

	root = parse_json(c);
	auths = strcmp(lsc_path_base(c->e->path), ".dockercfg") == 0
		    ? root
		    : json_object_get(root, "auths");
	json_object_foreach(auths, reg, entry)
	{
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			v = lsc_json_str(entry, fields[f]);
			if (!v || is_placeholder(v, strlen(v)) ||
			    (f == 0 && !basic_auth_has_password(v))) {
				continue;
			}
			snprintf(quoted, sizeof(quoted), "\"%s\"", v);
			rc = emit(c, R_DOCKER, line_of(c, quoted), v, strlen(v),
				  "Docker config with an inline %s for %s", fields[f],
				  printable(name, sizeof(name), reg, strlen(reg)));
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

/* gcp-credentials: a service account key file, with a real key in it. */
static int check_gcp_service_account(struct ctx *c)
{
	json_t *root = NULL;
	const char *type, *pk, *id, *email;
	char name[NAME_MAX_SHOWN];
	struct lsc_keys_block k;
	size_t pos = 0;
	unsigned budget = 1;
	int rc = 0;

	if (!memmem(c->p, c->n, "service_account", 15) ||
	    !memmem(c->p, c->n, "\"private_key\"", 13)) {
		return 0;
	}
	root = parse_json(c);
	type = lsc_json_str(root, "type");
	pk = lsc_json_str(root, "private_key");
	if (!type || strcmp(type, "service_account") != 0 || !pk) {
		goto out;
	}
	rc = lsc_keys_next_pem(&k, (const uint8_t *)pk, strlen(pk), &pos, &budget);
	if (rc <= 0) {
		goto out;
	}
	id = lsc_json_str(root, "private_key_id");
	email = lsc_json_str(root, "client_email");
	rc = emit(c, R_GCP, line_of(c, "\"private_key\""), id, id ? strlen(id) : 0,
		  "GCP service account key for %s",
		  email ? printable(name, sizeof(name), email, strlen(email))
			: "an unnamed account");
out:
	json_decref(root);
	return rc;
}

/* The first string under node (at most depth levels down) that is no placeholder. */
static const char *first_string(const json_t *node, int depth)
{
	const char *key, *s;
	json_t *v;
	size_t i;

	if (json_is_string(node)) {
		s = json_string_value(node);
		return is_placeholder(s, strlen(s)) ? NULL : s;
	}
	if (depth == 0) {
		return NULL;
	}
	if (json_is_object(node)) {
		json_object_foreach((json_t *)node, key, v)
		{
			s = first_string(v, depth - 1);
			if (s) {
				return s;
			}
		}
	}
	if (json_is_array(node)) {
		json_array_foreach(node, i, v)
		{
			s = first_string(v, depth - 1);
			if (s) {
				return s;
			}
		}
	}
	return NULL;
}

/* azure-credentials: a token cache or principal list that holds anything (logged out: {} or []). */
static int check_azure(struct ctx *c)
{
	json_t *root = NULL;
	const char *base = lsc_path_base(c->e->path);
	int rc = 0;
	bool has;

	root = parse_json(c);
	if (root) {
		has = first_string(root, 8) != NULL;
	} else {
		const uint8_t *s = c->p;
		size_t n = c->n;

		trim_value(&s, &n);
		has = n > 0; /* not JSON as the CLI writes it: report what is there */
	}
	if (has) {
		rc = emit(c, R_AZURE, 0, NULL, 0,
			  "Azure CLI credential store %s with stored entries", base);
	}
	json_decref(root);
	return rc;
}

/* composer-auth: a secret under one of Composer's authentication sections. */
static int check_composer(struct ctx *c)
{
	static const char *const sections[] = {
	    "http-basic",      "github-oauth", "gitlab-oauth",	"gitlab-token",
	    "bitbucket-oauth", "bearer",       "forgejo-token", NULL};
	static const char *const secrets[] = {"password", "token", "consumer-secret",
					      "access-token", NULL};
	json_t *root = NULL, *sec, *v;
	const char *host, *s;
	char name[NAME_MAX_SHOWN], quoted[MATCH_MAX + 3];
	int rc = 0;

	root = parse_json(c);
	for (size_t i = 0; root && sections[i]; i++) {
		sec = json_object_get(root, sections[i]);
		json_object_foreach(sec, host, v)
		{
			s = json_is_string(v) ? json_string_value(v) : NULL;
			for (size_t j = 0; !s && secrets[j]; j++) {
				s = lsc_json_str(v, secrets[j]);
			}
			if (!s || is_placeholder(s, strlen(s))) {
				continue;
			}
			snprintf(quoted, sizeof(quoted), "\"%s\"", s);
			rc = emit(c, R_COMPOSER, line_of(c, quoted), s, strlen(s),
				  "Composer auth.json with %s credentials for %s", sections[i],
				  printable(name, sizeof(name), host, strlen(host)));
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

/* ---- rows ---- */

/* The first credential that find locates and that is no placeholder. */
static int find_credential(struct ctx *c, const struct re *re)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
	PCRE2_SIZE *ov;
	const uint8_t *v;
	size_t off = 0, vn;
	char key[NAME_MAX_SHOWN];
	int rc = 0;

	if (!md) {
		return -ENOMEM;
	}
	ov = pcre2_get_ovector_pointer(md);
	while (off <= c->n && re_match(re, c->p, c->n, off, md) >= 0) {
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (ov[2 * re->value] == PCRE2_UNSET) {
			continue;
		}
		v = c->p + ov[2 * re->value];
		vn = ov[2 * re->value + 1] - ov[2 * re->value];
		trim_value(&v, &vn);
		if (is_placeholder(v, vn)) {
			continue;
		}
		key[0] = 0;
		if (re->key && ov[2 * re->key] != PCRE2_UNSET) {
			printable(key, sizeof(key), c->p + ov[2 * re->key],
				  ov[2 * re->key + 1] - ov[2 * re->key]);
		}
		rc = emit(c, c->row->rule, line_at(c->p, (size_t)(v - c->p)), v, vn, "%s%s%s",
			  c->row->what, key[0] ? " " : "", key);
		break;
	}
	pcre2_match_data_free(md);
	return rc;
}

static int run_row(struct ctx *c, size_t i)
{
	const struct row *r = &rows[i];
	int rc;

	c->row = r;
	if ((r->needle && !memmem(c->p, c->n, r->needle, strlen(r->needle))) ||
	    ((r->flags & ROW_TEXT) && !lsc_is_text(c->p, c->n))) {
		return 0;
	}
	if (r->gate) {
		rc = re_search(&gates[i], c->p, c->n);
		if (rc <= 0) {
			return rc;
		}
	}
	if (r->find) {
		return find_credential(c, &finds[i]);
	}
	if (r->check) {
		return r->check(c);
	}
	return emit(c, r->rule, 0, NULL, 0, "%s (%" PRId64 " bytes)", r->what, c->e->size);
}

/* The path, its basename and its other trailing components, for the patterns. */
struct subject {
	const char *tail[MAX_COMPS + 1]; /* [0] the path, [k] its last k components or NULL */
	size_t len[MAX_COMPS + 1];
};

static void subject_init(struct subject *sub, const char *path)
{
	size_t n = strlen(path), k = 1;

	memset(sub, 0, sizeof(*sub));
	sub->tail[0] = path;
	sub->len[0] = n;
	for (size_t i = n; i > 0 && k <= MAX_COMPS; i--) {
		if (path[i - 1] == '/') {
			sub->tail[k] = path + i;
			sub->len[k] = n - i;
			k++;
		}
	}
}

static bool pattern_match(const struct pattern *pt, const struct subject *sub, bool icase)
{
	const char *s = sub->tail[pt->comps];
	size_t n = sub->len[pt->comps];

	if (!s) {
		return false;
	}
	if (pt->glob) {
		return fnmatch(pt->text, s, FNM_PATHNAME | (icase ? FNM_CASEFOLD : 0)) == 0;
	}
	if (pt->suffix ? n < pt->len : n != pt->len) {
		return false;
	}
	s += n - pt->len;
	return icase ? strncasecmp(s, pt->lit, pt->len) == 0 : memcmp(s, pt->lit, pt->len) == 0;
}

static bool any_match(size_t first, size_t count, const struct subject *sub, bool icase)
{
	for (size_t i = first; i < first + count; i++) {
		if (pattern_match(&patterns[i], sub, icase)) {
			return true;
		}
	}
	return false;
}

/* The rows that look at a regular file e, and the content they want. */
static uint64_t select_rows(const struct lsc_tar_entry *e, size_t *prefix)
{
	struct subject sub;
	uint64_t set = 0;
	size_t want = 0;

	subject_init(&sub, e->path);
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		const struct row_patterns *rp = &row_patterns[i];
		bool icase = r->flags & ROW_ICASE;

		if ((r->max_size && e->size > r->max_size) ||
		    (r->paths && !any_match(rp->paths, rp->npaths, &sub, icase)) ||
		    any_match(rp->except, rp->nexcept, &sub, icase)) {
			continue;
		}
		set |= (uint64_t)1 << i;
		if (r->prefix > want) {
			want = r->prefix;
		}
	}
	*prefix = want;
	return set;
}

/* ---- the detector ---- */

struct state {
	struct lsc_strmap git_dirs; /* .git directories reported in this layer */
	struct lsc_strmap reported; /* path -> rules reported for its content, for hard links */
	uint64_t index;		    /* the entry entry_begin chose rows for */
	uint64_t rows;
	bool have_rows;
};

_Static_assert(NRULES <= sizeof(uintptr_t) * 8, "a rule set fits a strmap value");

static int sf_layer_new(void **out, void *shared)
{
	struct state *st = calloc(1, sizeof(*st));

	(void)shared;
	if (!st) {
		return -ENOMEM;
	}
	lsc_strmap_init(&st->git_dirs, MAX_REMEMBERED);
	lsc_strmap_init(&st->reported, MAX_REMEMBERED);
	*out = st;
	return 0;
}

static void sf_layer_free(void *state)
{
	struct state *st = state;

	if (!st) {
		return;
	}
	lsc_strmap_dispose(&st->git_dirs);
	lsc_strmap_dispose(&st->reported);
	free(st);
}

/*
 * git-directory: the first ".git" component of a path names a repository directory when
 * something lies inside it or the entry is that directory itself (a .git file is a submodule's
 * pointer). Reported once per directory and layer, at the directory's path.
 */
static int check_git_dir(struct state *st, struct lsc_layer *layer, const struct lsc_tar_entry *e)
{
	const char *s = e->path, *end;
	char dir[LSC_PATH_MAX];
	struct lsc_tar_entry d;
	uintptr_t *v;
	int rc;

	for (;;) {
		s = strstr(s, "/.git");
		if (!s) {
			return 0;
		}
		if (s[5] == '/' || s[5] == 0) {
			break;
		}
		s += 5;
	}
	end = s + 5;
	if (*end == 0 && e->type != LSC_TAR_DIR) {
		return 0;
	}
	if ((size_t)(end - e->path) >= sizeof(dir)) {
		return 0;
	}
	memcpy(dir, e->path, (size_t)(end - e->path));
	dir[end - e->path] = 0;
	rc = lsc_strmap_get(&v, &st->git_dirs, dir, 1);
	if (rc == 1 || rc == -EFBIG) {
		return 0; /* reported already, or more repositories than anyone needs listed */
	}
	if (rc < 0) {
		return rc;
	}
	d = *e;
	if (*end != 0) {
		/* the directory has no entry of its own yet: report it at this entry's position */
		d.path = dir;
		d.raw_path = dir;
		d.type = LSC_TAR_DIR;
		d.size = 0;
		d.link = NULL;
	}
	return lsc_emit_finding(layer, &d, &rules[R_GIT_DIRECTORY], rules[R_GIT_DIRECTORY].severity,
				0, NULL, ".git directory: repository history and config");
}

static int sf_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			  const struct lsc_tar_entry *e)
{
	struct state *st = state;
	size_t prefix;
	int rc;

	rc = check_git_dir(st, layer, e);
	if (rc < 0) {
		return rc;
	}
	st->have_rows = false;
	if (e->type != LSC_TAR_REG || e->size <= 0) {
		return 0;
	}
	rc = prepare_once();
	if (rc < 0) {
		return rc;
	}
	st->rows = select_rows(e, &prefix);
	st->index = e->index;
	st->have_rows = true;
	if ((int64_t)prefix > e->size) {
		prefix = (size_t)e->size;
	}
	want->prefix = prefix < LSC_MAX_PREFIX ? prefix : LSC_MAX_PREFIX;
	return 0;
}

/* Records which rules the content now at path was reported under (0: none). */
static int remember(struct state *st, const char *path, uint64_t emitted)
{
	uintptr_t *v;
	int rc;

	if (emitted == 0 && st->reported.count == 0) {
		return 0; /* the common case: nothing to forget */
	}
	rc = lsc_strmap_get(&v, &st->reported, path, emitted != 0);
	if (rc == -EFBIG) {
		return 0; /* its hard links will go unreported: a bound, not an error */
	}
	if (rc < 0) {
		return rc;
	}
	if (v) {
		*v = (uintptr_t)emitted;
	}
	return 0;
}

/*
 * A hard link is a regular file of its own name with its target's content, which entry_end saw
 * under the target's name. A rule reported for that content is reported for the link too when
 * the link's name is one the rule looks at (.env.bak linked to .env). Rules found by content
 * alone (private keys) are reported once, at the target.
 */
static int check_hard_link(struct state *st, struct lsc_layer *layer, const struct lsc_tar_entry *e)
{
	uintptr_t target = e->link ? lsc_strmap_value(&st->reported, e->link, 0) : 0;
	struct lsc_tar_entry as_file;
	uint64_t by_name = 0, set;
	size_t want;
	int rc;

	if (target == 0) {
		return 0;
	}
	as_file = *e;
	as_file.type = LSC_TAR_REG;
	set = select_rows(&as_file, &want);
	for (size_t i = 0; i < NROWS; i++) {
		if ((set & ((uint64_t)1 << i)) && rows[i].paths) {
			by_name |= (uint64_t)1 << rows[i].rule;
		}
	}
	for (int r = 0; r < NRULES; r++) {
		if (!(target & by_name & ((uint64_t)1 << r))) {
			continue;
		}
		rc = lsc_emit_finding(layer, e, &rules[r], rules[r].severity, 0, NULL,
				      "%s: hard link to %s", rules[r].title, e->link);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int sf_entry_end(void *state, struct lsc_layer *layer, const struct lsc_tar_entry *e,
			const uint8_t *prefix, size_t n, bool whole)
{
	struct state *st = state;
	struct ctx c = {.layer = layer, .e = e, .p = prefix, .n = n, .whole = whole};
	uint64_t set;
	size_t want;
	int rc;

	if (e->type != LSC_TAR_REG && e->type != LSC_TAR_HARDLINK) {
		return 0;
	}
	rc = prepare_once();
	if (rc < 0) {
		return rc;
	}
	if (e->type == LSC_TAR_HARDLINK) {
		return check_hard_link(st, layer, e);
	}
	if (e->size <= 0) {
		st->have_rows = false;
		return remember(st, e->path, 0);
	}
	set = st->have_rows && st->index == e->index ? st->rows : select_rows(e, &want);
	st->have_rows = false;
	if (!c.p) {
		c.p = (const uint8_t *)"";
		c.n = 0;
	}
	for (size_t i = 0; i < NROWS; i++) {
		if (!(set & ((uint64_t)1 << i)) || (c.emitted & ((uint64_t)1 << rows[i].rule))) {
			continue;
		}
		rc = run_row(&c, i);
		if (rc < 0) {
			return rc;
		}
	}
	return remember(st, e->path, c.emitted);
}

const struct lsc_detector_ops lsc_detect_sensitive_files = {
    .name = DETECTOR,
    .rules = rules,
    .nrules = NRULES,
    .layer_new = sf_layer_new,
    .layer_free = sf_layer_free,
    .entry_begin = sf_entry_begin,
    .entry_end = sf_entry_end,
};

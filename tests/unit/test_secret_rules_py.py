#!/usr/bin/env python3
"""Checks of the secret rule data and its generator (src/lib/secrets/rules/).

- gen_rules.py accepts the real secrets.toml and writes the C table, byte-identical on a second run,
  and (when a C compiler is around) that C compiles cleanly against secret_rules.h;
- the rule set is big enough, ids are unique and do not collide with other detectors' rule ids,
  every rule has at least 2 positive and 2 negative examples, and every provider family of the
  coverage list below has at least one rule;
- the generator rejects each kind of broken rule, naming the rule and the field.

Running every example through the real engine is the job of the C unit test of the secret engine.
Exit 0 when everything passes, 1 otherwise; the last line is "N passed, M failed".

    python3 tests/unit/test_secret_rules_py.py [--srcdir DIR]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.normpath(os.path.join(HERE, "..", ".."))
if "--srcdir" in sys.argv:
    SRCDIR = os.path.abspath(sys.argv[sys.argv.index("--srcdir") + 1])
RULES_DIR = os.path.join(SRCDIR, "src", "lib", "secrets", "rules")
GEN = os.path.join(RULES_DIR, "gen_rules.py")
sys.path.insert(0, RULES_DIR)
import gen_rules  # noqa: E402  (rule_files, load_rules: the one reader of the rule files)

TOMLS = gen_rules.rule_files(RULES_DIR)

MIN_RULES = 150

# Each family the rule set must cover, with the rule-id prefixes that count for it.
COVERAGE = {
    # cloud
    "AWS access key ID": ["aws-access-key-id"],
    "AWS secret access key": ["aws-secret-access-key"],
    "AWS session token": ["aws-session-token"],
    "GCP service account key": ["gcp-service-account-key"],
    "GCP / Gemini API key": ["gcp-api-key"],
    "GCP OAuth client secret": ["gcp-oauth-client-secret"],
    "Azure storage account key": ["azure-storage-account-key"],
    "Azure connection string": ["azure-connection-string"],
    "Azure AD client secret": ["azure-ad-client-secret"],
    "Azure SAS token": ["azure-sas-token"],
    "Alibaba Cloud": ["alibaba-access-key-id", "alibaba-access-key-secret"],
    "IBM Cloud": ["ibm-cloud"],
    "Oracle Cloud": ["oracle-cloud"],
    # source hosting
    "GitHub classic tokens": ["github-pat", "github-oauth-token", "github-user-to-server-token",
                              "github-app-installation-token", "github-refresh-token"],
    "GitHub fine-grained PAT": ["github-fine-grained-pat"],
    "GitLab tokens": ["gitlab-pat", "gitlab-deploy-token", "gitlab-runner-token", "gitlab-ci-job-token",
                      "gitlab-pipeline-trigger-token", "gitlab-feed-token", "gitlab-incoming-mail-token",
                      "gitlab-kubernetes-agent-token", "gitlab-scim-token", "gitlab-runner-registration-token",
                      "gitlab-oauth-app-secret"],
    "Bitbucket": ["bitbucket-app-password", "bitbucket-access-token"],
    "Atlassian": ["atlassian-api-token"],
    # CI/CD, registries, platforms
    "npm": ["npm-access-token"],
    "PyPI": ["pypi-upload-token"],
    "RubyGems": ["rubygems-api-key"],
    "NuGet": ["nuget-api-key"],
    "Docker Hub": ["dockerhub-pat"],
    "Artifactory": ["artifactory-api-key", "artifactory-reference-token"],
    "Maven settings.xml": ["maven-server-password"],
    "CircleCI": ["circleci-"],
    "Travis CI": ["travis-ci-"],
    "Buildkite": ["buildkite-"],
    "Jenkins": ["jenkins-"],
    "Octopus Deploy": ["octopus-deploy-"],
    "Terraform Cloud": ["terraform-cloud-"],
    "Pulumi": ["pulumi-"],
    "Doppler": ["doppler-"],
    "Vault": ["vault-service-token", "vault-batch-token", "vault-legacy-token"],
    "Databricks": ["databricks-"],
    "Heroku": ["heroku-api-key"],
    "DigitalOcean": ["digitalocean-pat", "digitalocean-oauth-token", "digitalocean-refresh-token"],
    "Fly.io": ["flyio-"],
    "Netlify": ["netlify-"],
    "Vercel": ["vercel-"],
    "Render": ["render-"],
    "Railway": ["railway-"],
    "Supabase": ["supabase-"],
    "PlanetScale": ["planetscale-api-token", "planetscale-password"],
    "Linear": ["linear-"],
    "Postman": ["postman-"],
    "Sentry": ["sentry-org-token", "sentry-user-token", "sentry-dsn"],
    "Grafana": ["grafana-cloud-token", "grafana-service-account-token"],
    "Datadog": ["datadog-api-key", "datadog-app-key"],
    "New Relic": ["newrelic-user-api-key", "newrelic-insert-key", "newrelic-browser-key"],
    "Dynatrace": ["dynatrace-"],
    "Honeycomb": ["honeycomb-"],
    "Lightstep": ["lightstep-"],
    "Splunk": ["splunk-"],
    "Elastic": ["elastic"],
    # chat
    "Slack tokens": ["slack-bot-token", "slack-user-token", "slack-app-token", "slack-legacy-workspace-token",
                     "slack-config-token"],
    "Slack webhooks": ["slack-webhook-url"],
    "Discord": ["discord-bot-token", "discord-webhook-url"],
    "Telegram": ["telegram-bot-token"],
    "Microsoft Teams webhooks": ["microsoft-teams-webhook-url", "microsoft-teams-workflow-webhook-url"],
    "Mattermost": ["mattermost-"],
    "Twilio": ["twilio-api-key", "twilio-auth-token"],
    "Zendesk": ["zendesk-"],
    # payments
    "Stripe": ["stripe-secret-key", "stripe-restricted-key", "stripe-webhook-secret", "stripe-test-secret-key"],
    "Square": ["square-access-token", "square-oauth-secret"],
    "PayPal / Braintree": ["braintree-access-token"],
    "Shopify": ["shopify-access-token", "shopify-custom-app-token", "shopify-private-app-token",
                "shopify-shared-secret"],
    "Adyen": ["adyen-"],
    "Razorpay": ["razorpay-"],
    "Plaid": ["plaid-"],
    "Coinbase": ["coinbase-"],
    # AI
    "OpenAI": ["openai-project-key", "openai-service-account-key", "openai-legacy-key"],
    "Anthropic": ["anthropic-api-key", "anthropic-admin-key"],
    "Hugging Face": ["huggingface-"],
    "Cohere": ["cohere-"],
    "Replicate": ["replicate-"],
    "Groq": ["groq-"],
    "Mistral": ["mistral-"],
    "Perplexity": ["perplexity-"],
    "Together AI": ["together-"],
    "DeepSeek": ["deepseek-"],
    "xAI": ["xai-"],
    # mail
    "SendGrid": ["sendgrid-"],
    "Mailgun": ["mailgun-"],
    "Mailchimp": ["mailchimp-"],
    "Postmark": ["postmark-"],
    "Brevo / Sendinblue": ["brevo-api-key"],
    "Mandrill": ["mandrill-"],
    # generic formats
    "JWT": ["jwt"],
    "URLs with passwords": ["postgres-url-password", "mysql-url-password", "mongodb-url-password",
                            "redis-url-password", "amqp-url-password", "ldap-url-password", "ftp-url-password",
                            "smtp-url-password", "http-url-password"],
    "PEM private keys": ["pem-private-key"],
    "OpenSSH private keys": ["openssh-private-key"],
    "PuTTY private keys": ["putty-private-key"],
    "PGP private keys": ["pgp-private-key"],
    "age secret keys": ["age-secret-key"],
    "generic assignments": ["generic-password", "generic-secret", "generic-token", "generic-api-key"],
    # platforms A to K (platforms-a-k.toml)
    "Adafruit IO": ["adafruit-io-key", "adafruit-io-legacy-key"],
    "Adobe": ["adobe-client-secret"],
    "Airtable": ["airtable-pat", "airtable-api-key"],
    "Algolia": ["algolia-admin-api-key"],
    "Asana": ["asana-pat", "asana-client-secret"],
    "Authress": ["authress-service-client-key"],
    "Beamer": ["beamer-api-key"],
    "Bittrex": ["bittrex-api-key"],
    "Cisco Meraki": ["cisco-meraki-api-key"],
    "ClickHouse Cloud": ["clickhouse-cloud-api-secret"],
    "Clojars": ["clojars-deploy-token"],
    "Cloudflare": ["cloudflare-api-token", "cloudflare-global-api-key", "cloudflare-origin-ca-key"],
    "Codecov": ["codecov-upload-token"],
    "Confluent": ["confluent-cloud-api-key", "confluent-cloud-api-secret"],
    "Contentful": ["contentful-delivery-token", "contentful-management-token"],
    "Defined Networking": ["defined-networking-api-key"],
    "Discord client secrets": ["discord-client-secret", "discord-app-hex-key"],
    "Drone CI": ["drone-ci-token"],
    "Dropbox": ["dropbox-short-lived-token", "dropbox-long-lived-token", "dropbox-app-secret"],
    "Duffel": ["duffel-live-access-token", "duffel-test-access-token"],
    "EasyPost": ["easypost-api-key", "easypost-test-api-key"],
    "Etsy": ["etsy-api-key"],
    "Facebook": ["facebook-app-secret", "facebook-app-access-token", "facebook-access-token"],
    "Fastly": ["fastly-api-token"],
    "Finicity": ["finicity-app-key", "finicity-partner-secret"],
    "Finnhub": ["finnhub-api-key"],
    "Flickr": ["flickr-api-key"],
    "Flutterwave": ["flutterwave-secret-key", "flutterwave-test-secret-key", "flutterwave-encryption-key"],
    "Frame.io": ["frameio-api-token"],
    "Freemius": ["freemius-secret-key"],
    "FreshBooks": ["freshbooks-access-token"],
    "GoCardless": ["gocardless-live-access-token", "gocardless-sandbox-access-token"],
    "Gitter": ["gitter-access-token"],
    "Harness": ["harness-access-token"],
    "HubSpot": ["hubspot-private-app-token", "hubspot-api-key"],
    "Infracost": ["infracost-api-key"],
    "Intercom": ["intercom-access-token", "intercom-client-secret"],
    "Intra42": ["intra42-client-secret"],
    "Ionic": ["ionic-api-token"],
    "Kraken": ["kraken-api-secret"],
    "KuCoin": ["kucoin-api-key", "kucoin-api-secret"],
    # platforms L to Z (platforms-l-z.toml)
    "LaunchDarkly": ["launchdarkly-access-token", "launchdarkly-sdk-key"],
    "LinkedIn": ["linkedin-client-secret"],
    "Lob": ["lob-live-api-key", "lob-test-api-key"],
    "Looker": ["looker-client-secret", "looker-client-id"],
    "MaxMind": ["maxmind-license-key"],
    "MessageBird": ["messagebird-api-key"],
    "Notion": ["notion-api-token", "notion-integration-secret"],
    "New York Times": ["nytimes-api-key"],
    "Okta": ["okta-api-token"],
    "OpenShift": ["openshift-user-token"],
    "1Password": ["onepassword-service-account-token", "onepassword-secret-key"],
    "Prefect": ["prefect-api-key"],
    "Private AI": ["privateai-api-key"],
    "Private Packagist": ["private-packagist-token"],
    "RapidAPI": ["rapidapi-key"],
    "ReadMe": ["readme-api-key"],
    "Scalingo": ["scalingo-api-token"],
    "Sendbird": ["sendbird-api-token"],
    "SettleMint": ["settlemint-personal-access-token", "settlemint-application-access-token",
                   "settlemint-service-access-token"],
    "Shippo": ["shippo-live-api-token", "shippo-test-api-token"],
    "Sidekiq": ["sidekiq-license-credentials", "sidekiq-sensitive-url"],
    "Snyk": ["snyk-api-token"],
    "Sonar": ["sonar-token", "sonar-legacy-token"],
    "Sourcegraph": ["sourcegraph-access-token"],
    "Squarespace": ["squarespace-api-key"],
    "Sumo Logic": ["sumologic-access-id", "sumologic-access-key"],
    "Twitch": ["twitch-api-token"],
    "Twitter/X": ["twitter-api-key", "twitter-api-secret", "twitter-access-token", "twitter-access-token-secret",
                  "twitter-bearer-token"],
    "Typeform": ["typeform-api-token"],
    "Yandex": ["yandex-api-key", "yandex-static-access-key-secret", "yandex-iam-token", "yandex-oauth-token"],
    # Azure, chat, shell and more (cloud-chat-shell.toml)
    "Azure DevOps PAT": ["azure-devops-pat", "azure-devops-pat-identifiable"],
    "Azure Container Registry": ["azure-container-registry-key", "azure-container-registry-password"],
    "Azure App Configuration": ["azure-app-configuration-connection-string"],
    "Azure AI services": ["azure-ai-services-key", "azure-ai-services-key-legacy"],
    "Azure identifiable keys": ["azure-identifiable-key"],
    "GitLab session cookie": ["gitlab-session-cookie"],
    "Slack legacy tokens": ["slack-legacy-bot-token", "slack-legacy-token"],
    "GitHub App installation token (JWT form)": ["github-app-installation-token-jwt"],
    "Maven server passphrase": ["maven-server-passphrase"],
    "Symfony default secret": ["symfony-default-secret"],
    "OpenAI realtime client secret": ["openai-realtime-client-secret"],
    "curl and wget credentials": ["curl-basic-auth", "curl-auth-header", "wget-password"],
    "base64-encoded JWT": ["jwt-base64"],
}

FAILS = []
PASSES = [0]


def check(cond, what):
    if cond:
        PASSES[0] += 1
    else:
        FAILS.append(what)
        print(f"FAIL: {what}", flush=True)


def run_gen(*args):
    return subprocess.run([sys.executable, GEN, *args], capture_output=True, text=True)


def test_real_file(tmp):
    out1 = os.path.join(tmp, "secret_rules.c")
    p = run_gen(*TOMLS, out1)
    check(p.returncode == 0, f"gen_rules.py rejects the rule files (exit {p.returncode}):\n{p.stderr}")
    if p.returncode != 0:
        return
    out2 = os.path.join(tmp, "again.c")
    run_gen(*TOMLS, out2)
    with open(out1, "rb") as a, open(out2, "rb") as b:
        text = a.read()
        check(text == b.read(), "the generated C differs between two runs")
    n = len(gen_rules.load_rules(RULES_DIR))
    if len(TOMLS) > 1:
        p = run_gen(*TOMLS[:-1], os.path.join(tmp, "short.c"))
        check(p.returncode == 1 and "not among the inputs" in p.stderr,
              "gen_rules.py accepts the rule files with one of them left out")
    check(f"const size_t lsc_secret_nrules = {n};".encode() in text, "lsc_secret_nrules is not the rule count")
    check(text.count(b"\t\t.detector = \"secret\",\n") == n, "every lsc_rule has detector \"secret\"")
    check(text.count(b"\t\t.category = LSC_CAT_SECRET,\n") == n, "every lsc_rule has category LSC_CAT_SECRET")

    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        print("SKIP: no C compiler, generated C not compiled")
        return
    p = subprocess.run([cc, "-std=c11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                        "-I", os.path.join(SRCDIR, "include"), "-I", os.path.join(SRCDIR, "src"), out1],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"the generated C does not compile cleanly:\n{p.stderr[:3000]}")


def other_detector_ids():
    ids = set()
    pat = re.compile(r'(?:RULE\(\s*\w+\s*,\s*|\{\s*|\.id\s*=\s*)"([a-z0-9]+(?:-[a-z0-9]+)*)"\s*,\s*'
                     r'(?:LSC_SEV_|LSC_CAT_|\.category)')
    libdir = os.path.join(SRCDIR, "src", "lib")
    for name in sorted(os.listdir(libdir)):
        if name.endswith(".c"):
            with open(os.path.join(libdir, name), encoding="utf-8", errors="replace") as f:
                ids.update(pat.findall(f.read()))
    return ids


def test_rule_set(tmp):
    rules = gen_rules.load_rules(RULES_DIR)
    ids = [r.get("id") for r in rules]
    check(len(rules) >= MIN_RULES, f"only {len(rules)} rules, want at least {MIN_RULES}")
    dups = sorted({i for i in ids if ids.count(i) > 1})
    check(not dups, f"duplicate rule ids: {dups}")
    for r in rules:
        for k in ("positive", "negative"):
            check(len(r.get(k, [])) >= 2, f"{r.get('id')}: fewer than 2 {k} examples")
    for family, prefixes in COVERAGE.items():
        missing = [p for p in prefixes if not any(i.startswith(p) for i in ids)]
        check(not missing, f"coverage: {family}: no rule id starts with {missing}")
    clash = sorted(set(ids) & other_detector_ids())
    check(not clash, f"rule ids also used by another detector: {clash}")
    sev = {r["id"]: r["severity"] for r in rules}
    check(all(sev[i] == "low" for i in ids if i.startswith("generic-")), "generic rules are not all low severity")


# A valid minimal rule; each bad case below breaks one thing in it.
GOOD = """
[[rule]]
id = "acme-token"
title = "ACME token"
description = "An ACME API token."
severity = "high"
confidence = "high"
keywords = ["acme_"]
pattern = '''\\b(?P<secret>acme_[a-z0-9]{16})\\b'''
min_entropy = 3.0
positive = ["ACME_TOKEN=acme_k3j9x0q2m7w4z8r1", "token: acme_p0o9i8u7y6t5r4e3"]
negative = ["ACME_TOKEN=acme_short", "ACME_TOKEN=${ACME_TOKEN}"]
"""


def case(name, text, want_field, want_rc=1):
    return name, text, want_field, want_rc


def test_rejects(tmp):
    second = GOOD.replace('"acme-token"', '"acme-token-2"')
    cases = [
        case("the good rule", GOOD, None, 0),
        case("PCRE (?<secret>) syntax", GOOD.replace("(?P<secret>", "(?<secret>"), None, 0),
        case("duplicate id", GOOD + GOOD, "id"),
        case("unknown key", GOOD.replace('severity = "high"', 'severity = "high"\nseverty = "low"'), "severty"),
        case("missing key", GOOD.replace('title = "ACME token"\n', ""), "title"),
        case("bad severity", GOOD.replace('severity = "high"', 'severity = "urgent"'), "severity"),
        case("bad confidence", GOOD.replace('confidence = "high"', 'confidence = "sure"'), "confidence"),
        case("bad check", GOOD.replace("min_entropy", 'check = "luhn"\non_fail = "drop"\nmin_entropy'), "check"),
        case("check without on_fail", GOOD.replace("min_entropy", 'check = "generic"\nmin_entropy'), "on_fail"),
        case("on_fail not lower", GOOD.replace("min_entropy", 'check = "generic"\non_fail = "high"\nmin_entropy'),
             "on_fail"),
        case("binary without check", GOOD.replace("min_entropy", "binary = true\nmin_entropy"), "binary"),
        case("keyword in no positive", GOOD.replace('["acme_"]', '["acme_", "acmx_"]'), "keywords"),
        case("positive without keyword", GOOD.replace('"token: acme_p0o9i8u7y6t5r4e3"', '"token: nothing"'),
             "positive[1]"),
        case("one positive", GOOD.replace(', "token: acme_p0o9i8u7y6t5r4e3"', ""), "positive"),
        case("one negative", GOOD.replace(', "ACME_TOKEN=${ACME_TOKEN}"', ""), "negative"),
        case("pattern re cannot compile", GOOD.replace("[a-z0-9]{16})", "[a-z0-9]{16}"), "pattern"),
        case("pcre_only skips re", GOOD.replace("(?P<secret>", "\\K(?P<secret>").replace(
            "min_entropy", "pcre_only = true\nmin_entropy"), None, 0),
        case("positive not matched", GOOD.replace("acme_k3j9x0q2m7w4z8r1", "acme_k3j9x0q2"), "positive[0]"),
        case("positive matched twice", GOOD.replace('"token: acme_p0o9i8u7y6t5r4e3"',
                                                    '"a=acme_p0o9i8u7y6t5r4e3 b=acme_q1w2e3r4t5y6u7i8"'),
             "positive[1]"),
        case("positive below min_entropy", GOOD.replace("acme_k3j9x0q2m7w4z8r1", "acme_aaaaaaaaaaaaaaab"),
             "positive[0]"),
        case("negative nothing rejects", GOOD.replace('"ACME_TOKEN=acme_short"', '"acme_z9y8x7w6v5u4t3s2"'),
             "negative[0]"),
        case("back that holds", GOOD.replace('["acme_"]', '["me_"]\nback = 2'), None, 0),
        case("back too small", GOOD.replace('["acme_"]', '["me_"]\nback = 1'), "positive[0]"),
        case("back out of range", GOOD.replace('["acme_"]', '["acme_"]\nback = 4096'), "back"),
        case("back not a number", GOOD.replace('["acme_"]', '["acme_"]\nback = "near"'), "back"),
        case("bad id", GOOD.replace('"acme-token"', '"Acme_Token"'), "id"),
        case("second rule fine", GOOD + second, None, 0),
        case("unknown macro", GOOD.replace("\\b(?P<secret>", "token{{asign}}(?P<secret>"), "pattern"),
        case("family that holds", GOOD.replace('["acme_"]', '["acme_"]\nfamily = "acme-corp"'), None, 0),
        case("bad family", GOOD.replace('["acme_"]', '["acme_"]\nfamily = "Acme Corp"'), "family"),
        case("known_value of two values", GOOD.replace('["acme_"]', '["acme_"]\nknown_value = true'),
             "known_value"),
        case("known_value not a boolean", GOOD.replace('["acme_"]', '["acme_"]\nknown_value = "yes"'),
             "known_value"),
    ]
    for name, text, field, want_rc in cases:
        path = os.path.join(tmp, "case.toml")
        with open(path, "w") as f:
            f.write(text)
        p = run_gen(path, os.path.join(tmp, "case.c"))
        ok = p.returncode == want_rc
        if ok and field:
            ok = any(f": {field}:" in line and "acme" in line.lower() for line in p.stderr.splitlines())
        check(ok, f"generator on '{name}': exit {p.returncode} (want {want_rc}"
                  f"{', naming ' + field if field else ''}):\n{p.stderr}")
    # a rule's family is its `family`, else its id's first word, in the table `layerscan rules` reads
    for text, want in ((GOOD, '"acme",'), (GOOD.replace('["acme_"]', '["acme_"]\nfamily = "acme-corp"'),
                                          '"acme-corp",')):
        with open(os.path.join(tmp, "fam.toml"), "w") as f:
            f.write(text)
        p = run_gen(os.path.join(tmp, "fam.toml"), os.path.join(tmp, "fam.c"))
        with open(os.path.join(tmp, "fam.c")) as f:
            c = f.read()
        fam = c[c.find("static const char *const family[]"):]
        check(p.returncode == 0 and "lsc_secret_rule_family" in c and want in fam.split("};")[0],
              f"generator: family {want} in the family table:\n{p.stderr}{fam[:200]}")
    # several files are one rule list: ids unique across them, macros expanded in the C
    a, b = os.path.join(tmp, "a.toml"), os.path.join(tmp, "b.toml")
    with open(a, "w") as f:
        f.write(GOOD)
    with open(b, "w") as f:
        f.write(GOOD)
    p = run_gen(a, b, os.path.join(tmp, "two.c"))
    check(p.returncode == 1 and any("b.toml" in line and ": id:" in line for line in p.stderr.splitlines()),
          f"generator accepts one id in two files:\n{p.stderr}")
    with open(b, "w") as f:
        f.write(GOOD.replace("acme", "acma").replace("\\b(?P<secret>", "(?i:token){{assign}}(?P<secret>")
                .replace('"ACME_TOKEN=acma_k3j9x0q2m7w4z8r1"', '"ACMA_TOKEN=acma_k3j9x0q2m7w4z8r1"'))
    p = run_gen(a, b, os.path.join(tmp, "two.c"))
    check(p.returncode == 0, f"generator rejects two good files:\n{p.stderr}")
    if p.returncode == 0:
        with open(os.path.join(tmp, "two.c")) as f:
            c = f.read()
        check("lsc_secret_nrules = 2;" in c and "{{assign}}" not in c and "|=>|" in c,
              "two files are not one table of 2 rules with {{assign}} expanded")
    p = run_gen(os.path.join(tmp, "does-not-exist.toml"))
    check(p.returncode == 1, "generator on a missing file does not exit 1")
    with open(os.path.join(tmp, "broken.toml"), "w") as f:
        f.write("[[rule]\nid = 1\n")
    p = run_gen(os.path.join(tmp, "broken.toml"))
    check(p.returncode == 1 and "not valid TOML" in p.stderr, "generator on broken TOML does not exit 1")


def main():
    tests = [test_real_file, test_rule_set, test_rejects]
    for t in tests:
        with tempfile.TemporaryDirectory(prefix="test-secret-rules-") as tmp:
            print(f"-- {t.__name__}", flush=True)
            try:
                t(tmp)
            except Exception as e:  # a crash is a failure with a traceback, not a silent pass
                import traceback
                traceback.print_exc()
                check(False, f"{t.__name__} crashed: {e!r}")
    print(f"test_secret_rules_py: {PASSES[0]} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

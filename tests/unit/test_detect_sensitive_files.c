/*
 * The sensitive-file detector, driven directly through its ops: hand-made tar entries and their
 * content go through layer_new, entry_begin, entry_end and layer_free as the layer walker calls
 * them, and every finding the detector emits is checked exactly (rule, path, line, severity,
 * detail, match).
 *
 * The keys below are throwaway test keys generated for this file (openssl genrsa/genpkey/ecparam,
 * ssh-keygen, gpg --quick-gen-key, keytool); the PuTTY keys are hand-written, whose header lines
 * are what the detector reads. Real keys are the point: the detector must tell them from
 * documentation snippets and placeholders.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/detectors/detect_sensitive_files.h"
#include "lib/layer.h"

/* ---- test keys ---- */

/* clang-format off */

static const char RSA_PKCS1[] =
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIIBOgIBAAJBAMTe0IFeMd03a69ErfqTksR83OZsGirBG/gAUzmFIEnww+nnbIY+\n"
	"wOFqdMglMYiReeM3lM9Z/UmSNdynGI9rGAMCAwEAAQJATi/fx0FNtHnKPrWcEySA\n"
	"6aBdavYL/mbrYLdgVjvU8wgE495IzgmuUwu0iwZ0U1ruivnQM7Awgs+m0Ik0RWdu\n"
	"QQIhAPcIEKcPA/T9vobwYnnICI6NkLIyAvoRwc7kMtLJ9jSbAiEAzASMA7O2rn5Y\n"
	"aNbThfdint+zST5nODjLyH+EFIdMfLkCIQCKfFb5kI1jVqzs8O4D34QMhohLnYXV\n"
	"swa3eW6UhOwlaQIgOcV32HyFWHgSlO1wTFk3JgH2hOEU3YjHu+jP//goIpECIH1G\n"
	"QiQyWIJAn1aWqI7pCVJ0NIue8TF2kJd8CVqB3Dox\n"
	"-----END RSA PRIVATE KEY-----\n";

static const char RSA_PKCS1_ENCRYPTED[] =
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"Proc-Type: 4,ENCRYPTED\n"
	"DEK-Info: AES-128-CBC,0D8B95DEC0EE2DEBD91B12CFF3FC8A97\n"
	"\n"
	"9MWJkv22zqTbNUNQRqncWk1mYXbLfHq8VAzlF9J4YCohnOtfJWWCCyS39YWAYfcl\n"
	"22Ozkk20i6530UODb+gfgeItwi49meGq0GrvheA6RFPeZNAgHnsiIIQU9ZrdgZre\n"
	"xXTATMlT7hNWeuMz5rAbEvebYZuM1/PHOVQiLCzg9N1eCff9Oo9csiHtZMNjphLz\n"
	"IZq9izc6GIW6NFj08NI37YwQDeZ8kNg2mIWvCDGEPVC7jub6USJnoiT84KygMhbi\n"
	"CzZelaJBf4P+h32kHEWbn/fJbJT+hEeRC8m4p6W7NialNQ/Ihcyw22LKI+Xz35VP\n"
	"2ESEN7xAfxFget37qyPXw0uoc8a+cUaHpw3o0r1L43mKFhwDgFjnt73T4F1gs8+X\n"
	"+b+JQtZ4ByybjDgg6X3/cD5ieIqQFmQ8LLH7Dj8lpJg=\n"
	"-----END RSA PRIVATE KEY-----\n";

static const char EC_SEC1[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIDco01XhADdYBzO7DN59JfrgZPTRLPCc7K8w5C5WuuBioAoGCCqGSM49\n"
	"AwEHoUQDQgAEar3CcydfDTAyixZREsi0gE4Z595e/nriDLylPtLQK1brdsjXkva5\n"
	"dRSKggBZ5EVQJfVhrTWSqOoZv6jOG+/lBw==\n"
	"-----END EC PRIVATE KEY-----\n";

static const char DSA_TRADITIONAL[] =
	"-----BEGIN DSA PRIVATE KEY-----\n"
	"MIIBygIBAAKBgQCXbt4JCyntKyGGyZsv2nojP96fqngweqad1mrl/cy29zU8T4Dr\n"
	"AnsWqlbIUji+aAjMxrwPkvwDtiBAQ2099JtegSlRuCSX26qv4OVQqvZ2BkxFkuXl\n"
	"m92PO8EY+AknAXxO4uv62I8/JTzbSwWJwoQpmuNce18692wx0bpPSRFuzwIdAIUe\n"
	"mG8nn+U+ZU3eCCH+xfYH9VQp2SMVldI7/McCgYBkKQZL9Fi54lEzxB/wCbwX0yeC\n"
	"zgsJPhfcK4u1lL/JTMORUDQ7sDyoyPWeqUWwQ5TsiQdXEhJTI6gBjMBMglAAu0Su\n"
	"8Xn+V1AtoGfQqWCKLpAGkHYSNOGfaFAz7cAH5Hs97wulfeQAGgBb2jiwBsRtM47K\n"
	"xEJS65iQ8JD8h/rK8gKBgFty7XWc5D9ItYE1DySA7aqzkD3La0ry4qxu7Mog/9oK\n"
	"SGXvjex1On81tiNJ8m/2A/KUTJSq+1G774Yjb0VRY1YdVYpPjHqJ3w81tlq0XbyB\n"
	"10KqSgYbxm8p3BK80ubuck8re4ZMuvmSwg8vl4MLonla4dkfaVtZdVdT8QP5KI4h\n"
	"Ahxp90NydPS7bwIPn5fum4EZnL2DCZjg90kB/X4a\n"
	"-----END DSA PRIVATE KEY-----\n";

static const char ED25519_PKCS8[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MC4CAQAwBQYDK2VwBCIEICuPcvqpJNbwkLtfjwjfobEpfIJWDPgSdnNPGz5g1Iba\n"
	"-----END PRIVATE KEY-----\n";

static const char EC_PKCS8[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNyjTVeEAN1gHM7sM\n"
	"3n0l+uBk9NEs8JzsrzDkLla64GKhRANCAARqvcJzJ18NMDKLFlESyLSAThnn3l7+\n"
	"euIMvKU+0tArVut2yNeS9rl1FIqCAFnkRVAl9WGtNZKo6hm/qM4b7+UH\n"
	"-----END PRIVATE KEY-----\n";

static const char EC_PKCS8_ENCRYPTED[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiHEYFGdNdwHQICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEECURnk7/OvgGZHkTRd41vaEEgZB7\n"
	"B+c3CMkjs2ZptvRWFF17ePmE4Ko1oF+xeWVvMaTSve7BbWiQp5yDEkaWUIR7cZQv\n"
	"EFNAbSdCGcX3WUMEzlWLOPoA2g1yzMoUuiFjQCiR33LENVVbH2Qub9xkt93jdSyI\n"
	"2Q+3+GZ0G0eDWkO7QTeas471hPH+z0zEU5GVckivaiklnX4p1NcsCEJYQ6aKgMg=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

static const char OPENSSH_PLAIN[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	"QyNTUxOQAAACBr7CIptN/aZu0S0Os8/M6AL+c65UNr47wg1Ojo2pWw1gAAAIgIsmssCLJr\n"
	"LAAAAAtzc2gtZWQyNTUxOQAAACBr7CIptN/aZu0S0Os8/M6AL+c65UNr47wg1Ojo2pWw1g\n"
	"AAAED0FBj5vKcAdU9syydjbJssqa4mb6R1hb8CkU05RUNNHmvsIim039pm7RLQ6zz8zoAv\n"
	"5zrlQ2vjvCDU6OjalbDWAAAAAXQBAgME\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

static const char OPENSSH_ENCRYPTED[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABBT+lFhuz\n"
	"hxF/TYkBgTUrsnAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIArvwwP73JX+jZcE\n"
	"goqAFaMdWPwZI28PNW2HjAihEmpzAAAAkAiM3plm371Vo2Rcyl/GWiB8SjALguY3tlSC/s\n"
	"4CCdmyMZ5HivpTE4ahZBlvkqjH6mBHezCb/pIx6y9qmEh9pku2Y90Rq6WNdNPD/una1OwB\n"
	"mq5VEg9mdFFSJfrCaEBL8tKIWaxDfm29RC01zJoB3qa/X05ZPKqcnFbhylHfZRJ7gDw93S\n"
	"NjGAiTI/P0B9+vVg==\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

static const char PGP_SECRET[] =
	"-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
	"\n"
	"lFgEawOuxBYJKwYBBAHaRw8BAQdActDn4T1Go5yhSaeeYHmxFoCmNhtp0oE1M/p2\n"
	"OCI/XLgAAP9bqNpwjK3CIjFhKSbzDqu88Qtbnv0vTeV0l+lZoiuzvRGPtBVUIDx0\n"
	"QGV4YW1wbGUuaW52YWxpZD6IkAQTFggAOBYhBM3i/CuYNmMwpYSKGWNEZbI6mXTW\n"
	"BQJrA67EAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEGNEZbI6mXTWftYA\n"
	"/RbvA+RliG4CGByv4vJDF1F/PorMcGX3BhEUc5bncbZ/AQCCl+kjJ3N30dADnfWC\n"
	"hUsjNrOUUqHCYHjDss5Gd1EhCQ==\n"
	"=oos2\n"
	"-----END PGP PRIVATE KEY BLOCK-----\n";

static const char CERTIFICATE[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBbjCCAROgAwIBAgIUQ3u7lcprcIyT56HGtrtUXKr58RwwCgYIKoZIzj0EAwIw\n"
	"DDEKMAgGA1UEAwwBdDAeFw0yNjExMjMwMzEwNTRaFw0yNjExMjQwMzEwNTRaMAwx\n"
	"CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARqvcJzJ18NMDKL\n"
	"FlESyLSAThnn3l7+euIMvKU+0tArVut2yNeS9rl1FIqCAFnkRVAl9WGtNZKo6hm/\n"
	"qM4b7+UHo1MwUTAdBgNVHQ4EFgQUhUuxezGXwqiXlZ0wJCcM2ld9ewkwHwYDVR0j\n"
	"BBgwFoAUhUuxezGXwqiXlZ0wJCcM2ld9ewkwDwYDVR0TAQH/BAUwAwEB/zAKBggq\n"
	"hkjOPQQDAgNJADBGAiEAhcGELHuXPGhJIrZjnizCn7uNOk1DFiVRh//uvh3T1bQC\n"
	"IQDb32sOKlny/ocw0LoO6eobPOrgQ8J45dNts0EoL0BSqg==\n"
	"-----END CERTIFICATE-----\n";

static const unsigned char JKS_PRIVATE[] = {
	0xfe, 0xed, 0xfe, 0xed, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x6b, 0x00, 0x00, 0x01, 0xa2, 0x06,
	0x62, 0xc2, 0x38, 0x00, 0x00, 0x00, 0x7f, 0x30, 0x7d, 0x30, 0x0e, 0x06,
	0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01, 0x05,
	0x00, 0x04, 0x6b, 0x6a, 0x3d, 0x78, 0x54, 0x5f, 0x55, 0xc2, 0x6b, 0x24,
	0x2e, 0xc1, 0x3c, 0x7a, 0x8f, 0xf2, 0x3e, 0xb5, 0x4b, 0x94, 0x9a, 0x45,
	0x40, 0x1e, 0xb5, 0x21, 0x0e, 0x6a, 0x32, 0x61, 0x35, 0x1a, 0x41, 0x16,
	0x9f, 0xf6, 0x0d, 0x00, 0x00, 0xd2, 0x05, 0x5d, 0x51, 0x17, 0x3e, 0xdb,
	0xf9, 0x6f, 0x92, 0xc9, 0x9c, 0x35, 0x47, 0x97, 0xa9, 0xd1, 0x21, 0x01,
	0xfd, 0x0a, 0xfd, 0x7b, 0x1d, 0xa4, 0x94, 0xf9, 0xf7, 0xeb, 0xe7, 0xc7,
	0xaf, 0x41, 0x9e, 0x64, 0xc8, 0xf8, 0x6e, 0xb0, 0x96, 0xa0, 0x91, 0xfd,
	0x9c, 0xc1, 0x84, 0x1d, 0xe5, 0x34, 0xf7, 0x4f, 0xce, 0x43, 0xea, 0x81,
	0x1f, 0xcb, 0xa6, 0x49, 0xa6, 0xcd, 0xac, 0x81, 0x75, 0x11, 0x28, 0xaf,
	0x1f, 0x53, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, 0x58, 0x2e, 0x35, 0x30,
	0x39, 0x00, 0x00, 0x01, 0x31, 0x30, 0x82, 0x01, 0x2d, 0x30, 0x81, 0xd5,
	0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x08, 0x6c, 0x06, 0x5a, 0x97, 0x92,
	0x84, 0x38, 0x48, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x04, 0x03, 0x02, 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55,
	0x04, 0x03, 0x13, 0x01, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31,
	0x31, 0x32, 0x33, 0x30, 0x33, 0x31, 0x31, 0x30, 0x35, 0x5a, 0x17, 0x0d,
	0x32, 0x36, 0x31, 0x31, 0x32, 0x35, 0x30, 0x33, 0x31, 0x31, 0x30, 0x35,
	0x5a, 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03,
	0x13, 0x01, 0x74, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
	0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0x20, 0x8c, 0x3a, 0x5f, 0xea, 0x1c,
	0x2d, 0xe2, 0x0c, 0x0d, 0xc4, 0x74, 0x17, 0xe3, 0x43, 0xc6, 0x86, 0x70,
	0x30, 0x38, 0xec, 0xea, 0x43, 0x34, 0x13, 0x3b, 0x43, 0x1b, 0xaa, 0x43,
	0xe2, 0x60, 0xd0, 0xef, 0xba, 0x27, 0xf7, 0x20, 0x64, 0xa9, 0x5a, 0x2e,
	0x59, 0x3b, 0x8d, 0x37, 0xfc, 0xd1, 0x21, 0xe1, 0xdf, 0x13, 0xd6, 0xc4,
	0x11, 0xa4, 0x17, 0x67, 0x1c, 0x60, 0x04, 0xdb, 0x06, 0xc3, 0xa3, 0x21,
	0x30, 0x1f, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04,
	0x14, 0x78, 0x59, 0xfe, 0xf3, 0x8c, 0x5e, 0x2b, 0x62, 0xc0, 0xf7, 0xa3,
	0x7e, 0x28, 0x7e, 0x8b, 0xba, 0xd2, 0x8d, 0x93, 0x72, 0x30, 0x0a, 0x06,
	0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x47, 0x00,
	0x30, 0x44, 0x02, 0x20, 0x1b, 0x35, 0xc4, 0x71, 0x06, 0xdd, 0x1b, 0xa1,
	0xed, 0x08, 0x1a, 0x4f, 0x7f, 0xee, 0x14, 0x53, 0x9c, 0xc0, 0xc6, 0x29,
	0x96, 0x81, 0xa3, 0xde, 0xd8, 0xd9, 0xa8, 0x9a, 0x88, 0x75, 0xc9, 0x0a,
	0x02, 0x20, 0x3e, 0x04, 0x40, 0xc4, 0xc9, 0x08, 0xba, 0x1b, 0x46, 0x7f,
	0xd2, 0x18, 0x02, 0xb4, 0x02, 0x7b, 0x92, 0xba, 0x88, 0xc2, 0xfa, 0xd2,
	0xbf, 0x17, 0xe9, 0x43, 0x25, 0xbd, 0xbf, 0xe1, 0x04, 0xa3, 0x24, 0xc9,
	0x2e, 0x4b, 0xf9, 0xf6, 0xf2, 0x94, 0xf2, 0xf0, 0x13, 0xdb, 0xab, 0x30,
	0xa4, 0x15, 0xce, 0x9b, 0x9a, 0x0d,
};

static const unsigned char JKS_TRUSTED[] = {
	0xfe, 0xed, 0xfe, 0xed, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x63, 0x61, 0x00, 0x00, 0x01, 0xa2,
	0x06, 0x62, 0xc3, 0x37, 0x00, 0x05, 0x58, 0x2e, 0x35, 0x30, 0x39, 0x00,
	0x00, 0x01, 0x72, 0x30, 0x82, 0x01, 0x6e, 0x30, 0x82, 0x01, 0x13, 0xa0,
	0x03, 0x02, 0x01, 0x02, 0x02, 0x14, 0x43, 0x7b, 0xbb, 0x95, 0xca, 0x6b,
	0x70, 0x8c, 0x93, 0xe7, 0xa1, 0xc6, 0xb6, 0xbb, 0x54, 0x5c, 0xaa, 0xf9,
	0xf1, 0x1c, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
	0x03, 0x02, 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04,
	0x03, 0x0c, 0x01, 0x74, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31,
	0x32, 0x33, 0x30, 0x33, 0x31, 0x30, 0x35, 0x34, 0x5a, 0x17, 0x0d, 0x32,
	0x36, 0x31, 0x31, 0x32, 0x34, 0x30, 0x33, 0x31, 0x30, 0x35, 0x34, 0x5a,
	0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x01, 0x74, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00, 0x04, 0x6a, 0xbd, 0xc2, 0x73, 0x27, 0x5f, 0x0d,
	0x30, 0x32, 0x8b, 0x16, 0x51, 0x12, 0xc8, 0xb4, 0x80, 0x4e, 0x19, 0xe7,
	0xde, 0x5e, 0xfe, 0x7a, 0xe2, 0x0c, 0xbc, 0xa5, 0x3e, 0xd2, 0xd0, 0x2b,
	0x56, 0xeb, 0x76, 0xc8, 0xd7, 0x92, 0xf6, 0xb9, 0x75, 0x14, 0x8a, 0x82,
	0x00, 0x59, 0xe4, 0x45, 0x50, 0x25, 0xf5, 0x61, 0xad, 0x35, 0x92, 0xa8,
	0xea, 0x19, 0xbf, 0xa8, 0xce, 0x1b, 0xef, 0xe5, 0x07, 0xa3, 0x53, 0x30,
	0x51, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14,
	0x85, 0x4b, 0xb1, 0x7b, 0x31, 0x97, 0xc2, 0xa8, 0x97, 0x95, 0x9d, 0x30,
	0x24, 0x27, 0x0c, 0xda, 0x57, 0x7d, 0x7b, 0x09, 0x30, 0x1f, 0x06, 0x03,
	0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x85, 0x4b, 0xb1,
	0x7b, 0x31, 0x97, 0xc2, 0xa8, 0x97, 0x95, 0x9d, 0x30, 0x24, 0x27, 0x0c,
	0xda, 0x57, 0x7d, 0x7b, 0x09, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13,
	0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x49,
	0x00, 0x30, 0x46, 0x02, 0x21, 0x00, 0x85, 0xc1, 0x84, 0x2c, 0x7b, 0x97,
	0x3c, 0x68, 0x49, 0x22, 0xb6, 0x63, 0x9e, 0x2c, 0xc2, 0x9f, 0xbb, 0x8d,
	0x3a, 0x4d, 0x43, 0x16, 0x25, 0x51, 0x87, 0xff, 0xee, 0xbe, 0x1d, 0xd3,
	0xd5, 0xb4, 0x02, 0x21, 0x00, 0xdb, 0xdf, 0x6b, 0x0e, 0x2a, 0x59, 0xf2,
	0xfe, 0x87, 0x30, 0xd0, 0xba, 0x0e, 0xe9, 0xea, 0x1b, 0x3c, 0xea, 0xe0,
	0x43, 0xc2, 0x78, 0xe5, 0xd3, 0x6d, 0xb3, 0x41, 0x28, 0x2f, 0x40, 0x52,
	0xaa, 0x35, 0x52, 0xe4, 0x6c, 0xa5, 0x64, 0xd5, 0x58, 0x5c, 0x70, 0x6a,
	0xff, 0x70, 0xf9, 0x39, 0xf5, 0xed, 0x93, 0x36, 0x67,
};

static const unsigned char JCEKS_SECRET[] = {
	0xce, 0xce, 0xce, 0xce, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x73, 0x00, 0x00, 0x01, 0xa2, 0x06,
	0x62, 0xc4, 0x50, 0xac, 0xed, 0x00, 0x05, 0x73, 0x72, 0x00, 0x33, 0x63,
	0x6f, 0x6d, 0x2e, 0x73, 0x75, 0x6e, 0x2e, 0x63, 0x72, 0x79, 0x70, 0x74,
	0x6f, 0x2e, 0x70, 0x72, 0x6f, 0x76, 0x69, 0x64, 0x65, 0x72, 0x2e, 0x53,
	0x65, 0x61, 0x6c, 0x65, 0x64, 0x4f, 0x62, 0x6a, 0x65, 0x63, 0x74, 0x46,
	0x6f, 0x72, 0x4b, 0x65, 0x79, 0x50, 0x72, 0x6f, 0x74, 0x65, 0x63, 0x74,
	0x6f, 0x72, 0xcd, 0x57, 0xca, 0x59, 0xe7, 0x30, 0xbb, 0x53, 0x02, 0x00,
	0x00, 0x78, 0x72, 0x00, 0x19, 0x6a, 0x61, 0x76, 0x61, 0x78, 0x2e, 0x63,
	0x72, 0x79, 0x70, 0x74, 0x6f, 0x2e, 0x53, 0x65, 0x61, 0x6c, 0x65, 0x64,
	0x4f, 0x62, 0x6a, 0x65, 0x63, 0x74, 0x3e, 0x36, 0x3d, 0xa6, 0xc3, 0xb7,
	0x54, 0x70, 0x02, 0x00, 0x04, 0x5b, 0x00, 0x0d, 0x65, 0x6e, 0x63, 0x6f,
	0x64, 0x65, 0x64, 0x50, 0x61, 0x72, 0x61, 0x6d, 0x73, 0x74, 0x00, 0x02,
	0x5b, 0x42, 0x5b, 0x00, 0x10, 0x65, 0x6e, 0x63, 0x72, 0x79, 0x70, 0x74,
	0x65, 0x64, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x71, 0x00, 0x7e,
	0x00, 0x02, 0x4c, 0x00, 0x09, 0x70, 0x61, 0x72, 0x61, 0x6d, 0x73, 0x41,
	0x6c, 0x67, 0x74, 0x00, 0x12, 0x4c, 0x6a, 0x61, 0x76, 0x61, 0x2f, 0x6c,
	0x61, 0x6e, 0x67, 0x2f, 0x53, 0x74, 0x72, 0x69, 0x6e, 0x67, 0x3b, 0x4c,
	0x00, 0x07, 0x73, 0x65, 0x61, 0x6c, 0x41, 0x6c, 0x67, 0x71, 0x00, 0x7e,
	0x00, 0x03, 0x78, 0x70, 0x75, 0x72, 0x00, 0x02, 0x5b, 0x42, 0xac, 0xf3,
	0x17, 0xf8, 0x06, 0x08, 0x54, 0xe0, 0x02, 0x00, 0x00, 0x78, 0x70, 0x00,
	0x00, 0x00, 0x11, 0x30, 0x0f, 0x04, 0x08, 0x89, 0x0e, 0xf4, 0x48, 0x70,
	0x65, 0x3a, 0x3f, 0x02, 0x03, 0x03, 0x0d, 0x40, 0x75, 0x71, 0x00, 0x7e,
	0x00, 0x05, 0x00, 0x00, 0x00, 0x90, 0x5a, 0x9d, 0x43, 0xca, 0x02, 0x47,
	0x3b, 0x7a, 0x38, 0xcc, 0x05, 0xfc, 0xa4, 0x66, 0xd2, 0x2a, 0x72, 0xe6,
	0x0a, 0xed, 0x67, 0x56, 0xc0, 0x0e, 0x4f, 0x5b, 0x9b, 0xc1, 0xc2, 0x27,
	0x7d, 0x59, 0xb3, 0xe0, 0xa9, 0x00, 0x60, 0xc8, 0xcf, 0x4c, 0x92, 0x91,
	0xe7, 0x3f, 0xe3, 0x69, 0xba, 0x3f, 0x42, 0x3a, 0x74, 0x66, 0xb2, 0x49,
	0xb6, 0x71, 0xa2, 0xf8, 0x8c, 0x7d, 0xfd, 0x2f, 0x0e, 0x15, 0xbe, 0xd2,
	0xbd, 0x06, 0x4c, 0x6f, 0x6e, 0xdb, 0xea, 0xf8, 0xc5, 0x3c, 0xff, 0x05,
	0x9e, 0x58, 0x79, 0x9d, 0xda, 0x0e, 0x52, 0x45, 0x40, 0x1d, 0x70, 0x4e,
	0x6a, 0xf1, 0x3a, 0x99, 0xcd, 0x1b, 0x9d, 0x88, 0x96, 0x2f, 0x66, 0xd0,
	0x8d, 0x01, 0x1b, 0x85, 0x65, 0xcf, 0xa8, 0xe2, 0xc9, 0xce, 0x0f, 0xbb,
	0xc0, 0x95, 0x30, 0xec, 0x8b, 0x0c, 0xd5, 0x18, 0x3d, 0x80, 0x27, 0x87,
	0x0e, 0xa7, 0x9a, 0xd5, 0x67, 0xcd, 0x3a, 0xfb, 0x0f, 0xe3, 0x57, 0x03,
	0x6c, 0x44, 0x36, 0x46, 0x50, 0x00, 0x74, 0x00, 0x16, 0x50, 0x42, 0x45,
	0x57, 0x69, 0x74, 0x68, 0x4d, 0x44, 0x35, 0x41, 0x6e, 0x64, 0x54, 0x72,
	0x69, 0x70, 0x6c, 0x65, 0x44, 0x45, 0x53, 0x74, 0x00, 0x16, 0x50, 0x42,
	0x45, 0x57, 0x69, 0x74, 0x68, 0x4d, 0x44, 0x35, 0x41, 0x6e, 0x64, 0x54,
	0x72, 0x69, 0x70, 0x6c, 0x65, 0x44, 0x45, 0x53, 0x68, 0xed, 0x03, 0xc3,
	0xe9, 0x42, 0xa8, 0x7b, 0x5a, 0xe4, 0x1c, 0x9d, 0x50, 0x2f, 0xf7, 0x32,
	0x6d, 0xcd, 0xd4, 0xcb,
};

static const char PUTTY_PLAIN[] = "PuTTY-User-Key-File-3: ssh-ed25519\n"
				  "Encryption: none\n"
				  "Comment: t\n"
				  "Public-Lines: 2\n"
				  "AAAAC3NzaC1lZDI1NTE5AAAAIGvsIim039pm7RLQ6zz8zoAv5zrlQ2vjvCDU6Oja\n"
				  "lbDW\n"
				  "Private-Lines: 1\n"
				  "qOfxGNxR9wEJ5Aa/QvxyIUHHzd20lC7mSMZz1yONp15scOQ2\n"
				  "Private-MAC: 6d2c0c9c1b8e1f3a5e0f4c2b7a9d8e6f5c4b3a291807f6e5d4c3b2a190807f6e\n";

static const char PUTTY_ENCRYPTED[] =
	"PuTTY-User-Key-File-2: ssh-rsa\n"
	"Encryption: aes256-cbc\n"
	"Comment: t\n"
	"Public-Lines: 1\n"
	"AAAAB3NzaC1yc2EAAAADAQABAAAAQQDE3tCBXjHdN2uvRK36k5LEfNzmbBoqwRv4\n"
	"Private-Lines: 1\n"
	"2S119Gp8JWTaJkbByD+E6nGTp9cmw42aVxFxOf2jP36LbT6N/jZn7I9D3MdApCHu\n"
	"Private-MAC: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c\n";

/* clang-format on */

/* ---- harness ---- */

static const struct lsc_detector_ops *ops = &lsc_detect_sensitive_files;
static struct lsc_layer *L;
static void *S;
static uint64_t next_index;

static void start(void)
{
	struct lsc_layer_limits lim = {0};

	cr_assert_eq(lsc_layer_new(&L, "test", &lim, NULL), 0);
	cr_assert_eq(ops->layer_new(&S, NULL), 0);
	next_index = 0;
}

static void stop(void)
{
	ops->layer_free(S);
	lsc_layer_free(L);
	S = NULL;
	L = NULL;
}

/* A new layer: per-layer memory (the .git directories reported) starts over. */
static void restart(void)
{
	stop();
	start();
}

/* The findings so far, for failure messages. */
static const char *dump(void)
{
	static char buf[8192];
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < L->nfound && o < sizeof(buf) - 1; i++) {
		const struct lsc_finding *f = &L->found[i].f;
		int k = snprintf(buf + o, sizeof(buf) - o, "\n  [%zu] %s %s line %ld: %s", i,
				 f->rule->id, f->path, f->line, f->detail ? f->detail : "(null)");

		if (k < 0) {
			break;
		}
		o += (size_t)k;
	}
	return L->nfound ? buf : " (none)";
}

/*
 * One entry through entry_begin and entry_end, with the content the detector asked for. link is
 * a symlink's or hard link's target.
 */
static void feed_link(const char *path, enum lsc_tar_type type, const char *link, const void *data,
		      size_t size)
{
	struct lsc_tar_entry e;
	struct lsc_want want;
	size_t n = 0;
	bool reg = type == LSC_TAR_REG;

	memset(&e, 0, sizeof(e));
	memset(&want, 0, sizeof(want));
	e.path = path;
	e.raw_path = path + 1;
	e.type = type;
	e.size = reg ? (int64_t)size : 0;
	e.mode = 0644;
	e.link = link;
	e.index = next_index++;
	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0, "entry_begin %s", path);
	cr_assert_leq(want.prefix, LSC_MAX_PREFIX, "%s", path);
	if (reg) {
		n = want.prefix < size ? want.prefix : size;
	}
	cr_assert_eq(ops->entry_end(S, L, &e, n ? data : NULL, n, reg && n == size), 0,
		     "entry_end %s", path);
}

static void feed(const char *path, enum lsc_tar_type type, const void *data, size_t size)
{
	bool link = type == LSC_TAR_SYMLINK || type == LSC_TAR_HARDLINK;

	feed_link(path, type, link ? "/elsewhere" : NULL, data, size);
}

static void file(const char *path, const char *content)
{
	feed(path, LSC_TAR_REG, content, strlen(content));
}

/* Scans one file in a fresh layer. */
static void scan(const char *path, const void *content, size_t size)
{
	restart();
	feed(path, LSC_TAR_REG, content, size);
}

/* Exactly one finding for the file: rule at line, with the rule's severity and the file's path. */
static const struct lsc_finding *one(const char *path, const char *content, const char *rule,
				     long line)
{
	const struct lsc_finding *f;

	scan(path, content, strlen(content));
	cr_assert_eq(L->nfound, 1, "%s: want one %s, got%s", path, rule, dump());
	f = &L->found[0].f;
	cr_assert_str_eq(f->rule->id, rule, "%s:%s", path, dump());
	cr_assert_eq(f->line, line, "%s: line %ld, want %ld", path, f->line, line);
	cr_assert_str_eq(f->path, path);
	cr_assert_eq(f->severity, f->rule->severity);
	cr_assert_eq(f->rule->category, LSC_CAT_SENSITIVE_FILE);
	cr_assert_str_eq(f->rule->detector, "sensitive-file");
	cr_assert_eq(L->found[0].seq, next_index - 1);
	return f;
}

static void none(const char *path, const char *content)
{
	scan(path, content, strlen(content));
	cr_assert_eq(L->nfound, 0, "%s: want nothing, got%s", path, dump());
}

static void assert_match(const struct lsc_finding *f, const char *match)
{
	if (!match) {
		cr_assert_null(f->match, "%s: match %s, want none", f->path, f->match);
		return;
	}
	cr_assert_not_null(f->match, "%s: no match, want %s", f->path, match);
	cr_assert_str_eq(f->match, match);
}

static void assert_detail(const struct lsc_finding *f, const char *detail)
{
	cr_assert_not_null(f->detail);
	cr_assert_str_eq(f->detail, detail);
}

/* content with printf-style substitution, for tables of values */
static char *fmt(const char *f, const char *v)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), f, v);
	return buf;
}

TestSuite(sensitive_files, .init = start, .fini = stop);

/* ---- the rule table ---- */

Test(sensitive_files, rules_are_the_contract)
{
	static const struct {
		const char *id;
		enum lsc_severity sev;
	} want[] = {
	    {"env-file", LSC_SEV_HIGH},
	    {"private-key", LSC_SEV_CRITICAL},
	    {"encrypted-private-key", LSC_SEV_MEDIUM},
	    {"aws-credentials", LSC_SEV_CRITICAL},
	    {"gcp-credentials", LSC_SEV_CRITICAL},
	    {"azure-credentials", LSC_SEV_HIGH},
	    {"docker-config-auth", LSC_SEV_HIGH},
	    {"npmrc-token", LSC_SEV_HIGH},
	    {"pypirc-password", LSC_SEV_HIGH},
	    {"netrc-password", LSC_SEV_HIGH},
	    {"git-credentials", LSC_SEV_HIGH},
	    {"kubeconfig-credentials", LSC_SEV_HIGH},
	    {"htpasswd-file", LSC_SEV_MEDIUM},
	    {"terraform-state", LSC_SEV_HIGH},
	    {"keystore", LSC_SEV_HIGH},
	    {"git-directory", LSC_SEV_MEDIUM},
	    {"shell-history", LSC_SEV_MEDIUM},
	    {"pgpass", LSC_SEV_HIGH},
	    {"mysql-client-password", LSC_SEV_HIGH},
	    {"s3cfg", LSC_SEV_HIGH},
	    {"gh-cli-token", LSC_SEV_HIGH},
	    {"cargo-credentials", LSC_SEV_HIGH},
	    {"gem-credentials", LSC_SEV_HIGH},
	    {"composer-auth", LSC_SEV_HIGH},
	    {"maven-settings-password", LSC_SEV_HIGH},
	    {"vault-token", LSC_SEV_HIGH},
	    {"terraform-cli-credentials", LSC_SEV_HIGH},
	    {"nuget-config-password", LSC_SEV_HIGH},
	    {"gnupg-private-keys", LSC_SEV_HIGH},
	    {"yarnrc-token", LSC_SEV_HIGH},
	    {"pip-conf-credentials", LSC_SEV_HIGH},
	    {"ssh-host-key", LSC_SEV_HIGH},
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	cr_assert_str_eq(ops->name, "sensitive-file");
	cr_assert_eq(ops->nrules, n);
	for (size_t i = 0; i < n; i++) {
		const struct lsc_rule *r = &ops->rules[i];

		cr_assert_str_eq(r->id, want[i].id);
		cr_assert_eq(r->severity, want[i].sev, "%s", r->id);
		cr_assert_eq(r->category, LSC_CAT_SENSITIVE_FILE, "%s", r->id);
		cr_assert_str_eq(r->detector, "sensitive-file");
		cr_assert(r->title && r->title[0], "%s has no title", r->id);
		cr_assert(r->description && strlen(r->description) > 20, "%s", r->id);
	}
}

/* ---- env-file ---- */

Test(sensitive_files, env_file)
{
	const struct lsc_finding *f;

	f = one("/app/.env", "# settings\nDB_PASSWORD=hunter2\n", "env-file", 0);
	assert_detail(f, ".env file (31 bytes)");
	assert_match(f, NULL);
	one("/srv/api/.env.production", "export API_KEY=abc\n", "env-file", 0);
	one("/app/.env.local", "FOO = bar\n", "env-file", 0);
}

Test(sensitive_files, env_templates_and_lookalikes_are_not_env_files)
{
	static const char *const names[] = {
	    "/app/.env.example",  "/app/.env.sample",  "/app/.env.template",	  "/app/.env.dist",
	    "/app/.env.defaults", "/app/.env.schema",  "/app/.env.local.example", "/app/env",
	    "/app/.envrc",	  "/app/prod.env.bak",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		none(names[i], "DB_PASSWORD=hunter2\n");
	}
	none("/app/.env", "");
	none("/app/.env", "# nothing set here\n\n");
	restart();
	feed("/app/.env", LSC_TAR_DIR, NULL, 0);
	feed("/app/.env.prod", LSC_TAR_SYMLINK, NULL, 0);
	feed("/app/.env.hard", LSC_TAR_HARDLINK, NULL, 0);
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

/* *.env and *.env.* are env files too (issue 14): compose's env_file, dotenv's naming. */
Test(sensitive_files, env_files_named_name_dot_env)
{
	static const char *const named[] = {
	    "/app/prod.env",   "/app/production.env", "/srv/app.env",
	    "/app/.env.local", "/app/app.env.local",  "/etc/svc/db.env.production",
	};
	static const char *const not_env[] = {
	    "/app/prod.env.example", "/app/app.env.sample",	 "/app/app.env.local.template",
	    "/app/prod.env.dist",    "/app/config.env.js",	 "/app/types/process.env.d.ts",
	    "/app/app.env.json",     "/app/notes.env.md",	 "/app/environment",
	    "/app/dev.envrc",	     "/app/prod.environment",	 "/app/example.env",
	    "/app/app.sample.env",   "/app/deploy.template.env",
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		one(named[i], "DB_PASSWORD=Xq7vLm2pR9tK4wZs8nB3cJ6h\n", "env-file", 0);
	}
	for (size_t i = 0; i < sizeof(not_env) / sizeof(not_env[0]); i++) {
		none(not_env[i], "DB_PASSWORD=Xq7vLm2pR9tK4wZs8nB3cJ6h\n");
	}
	/* no assignment: no env file, whatever the name */
	none("/app/prod.env", "# nothing here\n");
}

/* ---- private keys ---- */

static void key(const char *content, const char *rule, const char *detail)
{
	const struct lsc_finding *f = one("/home/app/.ssh/id_test", content, rule, 1);

	assert_detail(f, detail);
	assert_match(f, NULL);
}

Test(sensitive_files, unencrypted_private_keys)
{
	key(RSA_PKCS1, "private-key", "unencrypted RSA private key (PEM)");
	key(EC_SEC1, "private-key", "unencrypted EC private key (PEM)");
	key(DSA_TRADITIONAL, "private-key", "unencrypted DSA private key (PEM)");
	key(ED25519_PKCS8, "private-key", "unencrypted Ed25519 private key (PKCS#8)");
	key(EC_PKCS8, "private-key", "unencrypted EC private key (PKCS#8)");
	key(OPENSSH_PLAIN, "private-key", "unencrypted OpenSSH private key (ssh-ed25519)");
	key(PGP_SECRET, "private-key", "OpenPGP secret key block");
	key(PUTTY_PLAIN, "private-key", "unencrypted PuTTY private key (ssh-ed25519)");
	cr_assert_eq(L->found[0].f.severity, LSC_SEV_CRITICAL);
}

Test(sensitive_files, encrypted_private_keys)
{
	key(RSA_PKCS1_ENCRYPTED, "encrypted-private-key",
	    "encrypted RSA private key (PEM, Proc-Type 4,ENCRYPTED)");
	key(EC_PKCS8_ENCRYPTED, "encrypted-private-key", "encrypted private key (PKCS#8)");
	key(OPENSSH_ENCRYPTED, "encrypted-private-key",
	    "encrypted OpenSSH private key (aes256-ctr, ssh-ed25519)");
	key(PUTTY_ENCRYPTED, "encrypted-private-key",
	    "encrypted PuTTY private key (aes256-cbc, ssh-rsa)");
	cr_assert_eq(L->found[0].f.severity, LSC_SEV_MEDIUM);
}

Test(sensitive_files, keys_are_found_by_content_under_any_name)
{
	char buf[8192];

	one("/usr/share/doc/app/README", RSA_PKCS1, "private-key", 1);
	one("/etc/nginx/tls/server.crt", EC_SEC1, "private-key", 1);
	/* a bundle: the key after the certificate, reported at its BEGIN line */
	snprintf(buf, sizeof(buf), "%s%s", CERTIFICATE, EC_PKCS8);
	one("/etc/ssl/private/bundle.pem", buf, "private-key", 11);
	/* indented in YAML */
	snprintf(buf, sizeof(buf),
		 "apiVersion: v1\nkind: Secret\nstringData:\n  tls.key: |\n"
		 "    -----BEGIN EC PRIVATE KEY-----\n"
		 "    MHcCAQEEIDco01XhADdYBzO7DN59JfrgZPTRLPCc7K8w5C5WuuBioAoGCCqGSM49\n"
		 "    AwEHoUQDQgAEar3CcydfDTAyixZREsi0gE4Z595e/nriDLylPtLQK1brdsjXkva5\n"
		 "    dRSKggBZ5EVQJfVhrTWSqOoZv6jOG+/lBw==\n"
		 "    -----END EC PRIVATE KEY-----\n");
	one("/deploy/secret.yaml", buf, "private-key", 5);
	/* escaped into one line of a JSON or .env value */
	one("/app/config/settings.js",
	    "module.exports = {\n  key: \"-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEICuPcvq"
	    "pJNbwkLtfjwjfobEpfIJWDPgSdnNPGz5g1Iba\\n-----END PRIVATE KEY-----\\n\"\n};\n",
	    "private-key", 2);
}

Test(sensitive_files, every_key_of_a_file_is_reported)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s\n%s%s", RSA_PKCS1, CERTIFICATE, OPENSSH_ENCRYPTED);
	scan("/keys.txt", buf, strlen(buf));
	cr_assert_eq(L->nfound, 2, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "private-key");
	cr_assert_eq(L->found[0].f.line, 1);
	cr_assert_str_eq(L->found[1].f.rule->id, "encrypted-private-key");
	cr_assert_eq(L->found[1].f.line, 21);
}

Test(sensitive_files, public_material_and_fake_keys_are_not_keys)
{
	char buf[8192];
	size_t n;

	none("/etc/ssl/certs/app.pem", CERTIFICATE);
	none("/etc/ssl/app.pub",
	     "-----BEGIN PUBLIC KEY-----\n"
	     "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEar3CcydfDTAyixZREsi0gE4Z595e\n"
	     "/nriDLylPtLQK1brdsjXkva5dRSKggBZ5EVQJfVhrTWSqOoZv6jOG+/lBw==\n"
	     "-----END PUBLIC KEY-----\n");
	none("/root/.ssh/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvsIim039pm7RLQ6zz8"
					  "zoAv5zrlQ2vjvCDU6OjalbDW t\n");
	none("/root/.ssh/authorized_keys", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAQQDE3tCBXjHdN2uvR"
					   "K36k5LEfNzmbBoqwRv4 ci\n");
	/* documentation snippets */
	none("/usr/share/doc/README.md", "Put your key in key.pem:\n\n"
					 "    -----BEGIN RSA PRIVATE KEY-----\n    ...\n"
					 "    -----END RSA PRIVATE KEY-----\n");
	none("/usr/share/doc/ssh.md", "-----BEGIN OPENSSH PRIVATE KEY-----\n"
				      "b3BlbnNzaC1rZXktdjEAAAAA...\n"
				      "-----END OPENSSH PRIVATE KEY-----\n");
	none("/app/docs/tls.md", "-----BEGIN PRIVATE KEY-----\n"
				 "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
				 "-----END PRIVATE KEY-----\n");
	none("/app/docs/tls2.md", "-----BEGIN RSA PRIVATE KEY-----\nMIIE<your key here>\n"
				  "-----END RSA PRIVATE KEY-----\n");
	none("/app/docs/putty.txt", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
				    "Private-Lines: 1\n...\n");
	none("/app/check.py", "if line.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n");
	/* a BEGIN without its END, and an END of another type */
	n = strlen(RSA_PKCS1) - strlen("-----END RSA PRIVATE KEY-----\n");
	memcpy(buf, RSA_PKCS1, n);
	buf[n] = 0;
	none("/tmp/cut.pem", buf);
	snprintf(buf, sizeof(buf), "%.*s-----END EC PRIVATE KEY-----\n", (int)n, RSA_PKCS1);
	none("/tmp/mismatch.pem", buf);
	/* a body line lost: the DER no longer spans the body */
	snprintf(buf, sizeof(buf), "%s", RSA_PKCS1);
	memmove(strchr(buf, '\n') + 1, strchr(strchr(buf, '\n') + 1, '\n') + 1,
		strlen(strchr(strchr(buf, '\n') + 1, '\n') + 1) + 1);
	none("/tmp/lost-line.pem", buf);
	/* a real key's first line, then filler: base64 all right, but no DER of that length */
	none("/app/docs/fake.pem",
	     "-----BEGIN RSA PRIVATE KEY-----\n"
	     "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	     "-----END RSA PRIVATE KEY-----\n");
	/* a character outside base64 */
	snprintf(buf, sizeof(buf), "%s", EC_SEC1);
	buf[40] = '!';
	none("/tmp/garbled.pem", buf);
}

Test(sensitive_files, keys_are_searched_in_the_first_64_KiB)
{
	size_t fill = 70000, klen = strlen(EC_SEC1);
	char *buf = malloc(fill + klen + 1);

	memset(buf, '#', fill);
	buf[fill - 1] = '\n';
	memcpy(buf + fill, EC_SEC1, klen + 1);
	scan("/opt/big.txt", buf, fill + klen);
	cr_assert_eq(L->nfound, 0, "%s", dump());
	memcpy(buf, EC_SEC1, klen);
	scan("/opt/big.txt", buf, fill + klen);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_eq(L->found[0].f.line, 1);
	free(buf);
}

Test(sensitive_files, links_carry_no_key)
{
	feed("/root/.ssh/id_rsa", LSC_TAR_HARDLINK, NULL, 0);
	feed("/root/.ssh/id_ed25519", LSC_TAR_SYMLINK, NULL, 0);
	cr_assert_eq(L->nfound, 0, "%s", dump());
	/* a key found by content is reported once, at the link's target */
	file("/root/.ssh/id_ec", EC_SEC1);
	feed_link("/root/.ssh/id_ec.bak", LSC_TAR_HARDLINK, "/root/.ssh/id_ec", NULL, 0);
	feed_link("/root/.ssh/id_ec.lnk", LSC_TAR_SYMLINK, "id_ec", NULL, 0);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.path, "/root/.ssh/id_ec");
}

Test(sensitive_files, hard_links_are_files_of_their_own_name)
{
	file("/app/.env", "DEBUG=1\n");
	feed_link("/app/.env.bak", LSC_TAR_HARDLINK, "/app/.env", NULL, 0);
	cr_assert_eq(L->nfound, 2, "%s", dump());
	cr_assert_str_eq(L->found[1].f.rule->id, "env-file");
	cr_assert_str_eq(L->found[1].f.path, "/app/.env.bak");
	cr_assert_str_eq(L->found[1].f.detail, "Environment file: hard link to /app/.env");
	cr_assert_eq(L->found[1].seq, 1);
	/* a name the rule does not look at, and a target with no finding */
	feed_link("/app/settings.bak", LSC_TAR_HARDLINK, "/app/.env", NULL, 0);
	file("/app/data", "DEBUG=1\n");
	feed_link("/app/.env.prod", LSC_TAR_HARDLINK, "/app/data", NULL, 0);
	cr_assert_eq(L->nfound, 2, "%s", dump());
	/* the target overwritten later in the layer by a template: links now get its content */
	file("/srv/.env", "A=1\n");
	file("/srv/.env", "# nothing\n");
	feed_link("/srv/.env.old", LSC_TAR_HARDLINK, "/srv/.env", NULL, 0);
	cr_assert_eq(L->nfound, 3, "%s", dump());
	cr_assert_str_eq(L->found[2].f.path, "/srv/.env");
}

/* ---- cloud credentials ---- */

Test(sensitive_files, aws_credentials)
{
	const struct lsc_finding *f;

	f = one("/root/.aws/credentials",
		"[default]\naws_access_key_id = AKIA2OGYBAH6QEXAMPL3\n"
		"aws_secret_access_key = 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\n",
		"aws-credentials", 3);
	assert_match(f, "9drTJvcXLB89EXwGrL5rIeNzqqh8fJaU0CzwHKXY");
	assert_detail(f, "AWS credentials file with aws_secret_access_key");
	f = one(
	    "/home/dev/.aws/config",
	    "[profile ci]\nregion = eu-west-1\naws_session_token=IQoJb3JpZ2luX2VjEJr//////////w\n",
	    "aws-credentials", 3);
	assert_detail(f, "AWS credentials file with aws_session_token");
}

Test(sensitive_files, aws_credentials_without_a_secret)
{
	static const char *const values[] = {
	    "",
	    "${AWS_SECRET_ACCESS_KEY}",
	    "$AWS_SECRET_ACCESS_KEY",
	    "<secret>",
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    "YOUR_SECRET_ACCESS_KEY",
	    "changeme",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "REPLACE_ME",
	    "\"\"",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		none("/root/.aws/credentials",
		     fmt("[default]\naws_access_key_id = AKIA2OGYBAH6QEXAMPL3\n"
			 "aws_secret_access_key = %s\n",
			 values[i]));
	}
	none("/root/.aws/config", "[default]\nregion = us-east-1\noutput = json\n");
	/* not where the CLI reads it */
	none("/app/aws/credentials",
	     "aws_secret_access_key = 9drTJvcXLB89EXwGrL5rIeNzqqh8fJaU0Czw\n");
}

#define SA_KEY                                                                                     \
	"-----BEGIN PRIVATE "                                                                      \
	"KEY-----\\nMC4CAQAwBQYDK2VwBCIEICuPcvqpJNbwkLtfjwjfobEpfIJWDPgSdnNPGz5g"                  \
	"1Iba\\n-----END PRIVATE KEY-----\\n"

static const char SERVICE_ACCOUNT[] =
    "{\n"
    "  \"type\": \"service_account\",\n"
    "  \"project_id\": \"demo-project\",\n"
    "  \"private_key_id\": \"8f14e45fceea167a5a36dedd4bea2543aa0b1c2d\",\n"
    "  \"private_key\": \"" SA_KEY "\",\n"
    "  \"client_email\": \"deployer@demo-project.iam.gserviceaccount.com\",\n"
    "  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n"
    "}\n";

Test(sensitive_files, gcp_service_account_key)
{
	const struct lsc_finding *f;

	/* reported once, as what it is: not again as a bare private key */
	f = one("/app/secrets/deployer-8f14e4.json", SERVICE_ACCOUNT, "gcp-credentials", 5);
	assert_match(f, "8f14e45fceea167a5a36dedd4bea2543aa0b1c2d");
	assert_detail(f,
		      "GCP service account key for deployer@demo-project.iam.gserviceaccount.com");
	/* not a .json: the key inside is still found */
	one("/app/secrets/deployer.txt", SERVICE_ACCOUNT, "private-key", 5);
}

Test(sensitive_files, gcp_json_without_a_real_key)
{
	none("/app/sa.json",
	     "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE "
	     "KEY-----\\n...\\n-----END PRIVATE KEY-----\\n\"}\n");
	none("/app/sa.json", "{\"type\": \"service_account\", \"private_key\": \"\"}\n");
	none("/app/adc.json", "{\"type\": \"authorized_user\", \"private_key\": \"x\", "
			      "\"service_account\": 1}\n");
	none("/app/package.json", "{\"name\": \"service_account\", \"private_key\": true}\n");
}

Test(sensitive_files, gcp_user_credentials)
{
	static const char adc[] =
	    "{\n  \"client_id\": \"764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur"
	    ".apps.googleusercontent.com\",\n"
	    "  \"refresh_token\": \"1//0gdGYpXOb7d2nCgYIARAAGBASNwF-L9IrXh3b\",\n"
	    "  \"type\": \"authorized_user\"\n}\n";
	const struct lsc_finding *f;
	char db[512];
	size_t n;

	f = one("/root/.config/gcloud/application_default_credentials.json", adc, "gcp-credentials",
		3);
	assert_match(f, "1//0gdGYpXOb7d2nCgYIARAAGBASNwF-L9IrXh3b");
	assert_detail(f, "Google Cloud user credentials with a refresh_token");
	one("/root/.config/gcloud/legacy_credentials/dev@example.org/adc.json", adc,
	    "gcp-credentials", 3);
	none("/root/.config/gcloud/application_default_credentials.json",
	     "{\"refresh_token\": \"\", \"type\": \"authorized_user\"}");
	/* SQLite: binary pages around the JSON text */
	memset(db, 0, sizeof(db));
	memcpy(db, "SQLite format 3", 16);
	n = (size_t)snprintf(db + 100, sizeof(db) - 100,
			     "{\"refresh_token\": \"1//0gdGYpXOb7d2nCgYIARAAGBASNwF\"}") +
	    140;
	scan("/root/.config/gcloud/credentials.db", db, n);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "gcp-credentials");
	cr_assert_str_eq(L->found[0].f.match, "1//0gdGYpXOb7d2nCgYIARAAGBASNwF");
}

Test(sensitive_files, azure_credentials)
{
	const struct lsc_finding *f;

	f = one("/root/.azure/msal_token_cache.json",
		"{\"RefreshToken\": {\"uid.utid-login.microsoftonline.com-refreshtoken-04b0\": "
		"{\"credential_type\": \"RefreshToken\", \"secret\": \"0.AX0AzZJhT6Q\"}}}",
		"azure-credentials", 0);
	assert_detail(f, "Azure CLI credential store msal_token_cache.json with stored entries");
	one("/root/.azure/accessTokens.json", "[{\"accessToken\": \"eyJ0eXAiOiJKV1Qi\"}]",
	    "azure-credentials", 0);
	one("/root/.azure/service_principal_entries.json",
	    "[{\"client_id\": \"a0b1\", \"client_secret\": \"Zx8Q~abc\"}]", "azure-credentials", 0);
	/* logged out */
	none("/root/.azure/accessTokens.json", "[]");
	none("/root/.azure/msal_token_cache.json",
	     "{\"AccessToken\": {}, \"Account\": {}, \"IdToken\": {}, \"RefreshToken\": {}}");
	none("/root/.azure/azureProfile.json", "{\"subscriptions\": [{\"id\": \"x\"}]}");
}

/* ---- registries and package managers ---- */

Test(sensitive_files, docker_config_auth)
{
	const struct lsc_finding *f;

	f = one("/root/.docker/config.json",
		"{\n\t\"auths\": {\n\t\t\"registry.example.com\": {\n"
		"\t\t\t\"auth\": \"dXNlcjpzM2NyM3QtcGFzcw==\"\n\t\t}\n\t}\n}\n",
		"docker-config-auth", 4);
	assert_match(f, "dXNlcjpzM2NyM3QtcGFzcw==");
	assert_detail(f, "Docker config with an inline auth for registry.example.com");
	f = one("/kaniko/.docker/config.json",
		"{\"auths\": {\"ghcr.io\": {\"identitytoken\": \"eyJhbGciOiJSUzI1NiJ9.e30.sig\"}}}",
		"docker-config-auth", 1);
	assert_detail(f, "Docker config with an inline identitytoken for ghcr.io");
	/* legacy: the registries at the top level */
	one("/home/u/.dockercfg",
	    "{\"https://index.docker.io/v1/\": {\"auth\": \"dXNlcjpzM2NyM3QtcGFzcw==\", "
	    "\"email\": \"u@example.org\"}}",
	    "docker-config-auth", 1);
}

Test(sensitive_files, docker_config_without_credentials)
{
	none("/root/.docker/config.json", "{\"credsStore\": \"desktop\", \"auths\": "
					  "{\"registry.example.com\": {}}}");
	none("/root/.docker/config.json", "{\"credHelpers\": {\"gcr.io\": \"gcloud\"}}");
	/* user:(nothing) */
	none("/root/.docker/config.json", "{\"auths\": {\"r.io\": {\"auth\": \"dXNlcjo=\"}}}");
	none("/root/.docker/config.json", "{\"auths\": {\"r.io\": {\"auth\": \"\"}}}");
	none("/root/.docker/config.json", "{\"auths\": {\"r.io\": {\"password\": \"${PASS}\"}}}");
	none("/root/.docker/config.json", "not json {\"auth\": \"dXNlcjpzM2NyM3QtcGFzcw==\"");
	/* another program's config.json */
	none("/app/config.json",
	     "{\"auths\": {\"r.io\": {\"auth\": \"dXNlcjpzM2NyM3QtcGFzcw==\"}}}");
}

Test(sensitive_files, npmrc_token)
{
	const struct lsc_finding *f;

	f = one("/app/.npmrc",
		"registry=https://registry.npmjs.org/\n"
		"//registry.npmjs.org/:_authToken=npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n",
		"npmrc-token", 2);
	assert_match(f, "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
	assert_detail(f, "npm configuration with _authToken");
	one("/root/.npmrc", "_auth = dXNlcjpzM2NyM3QtcGFzcw==\n", "npmrc-token", 1);
	one("/usr/local/etc/npmrc", "//npm.internal:8443/:_password=czNjcjN0\n", "npmrc-token", 1);
	none("/app/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
	none("/app/.npmrc", "//registry.npmjs.org/:_authToken=\"${NPM_TOKEN}\"\n");
	none("/app/.npmrc", "_auth=\nalways-auth=true\n");
	none("/app/.npmrc", "registry=https://registry.npmjs.org/\n");
}

Test(sensitive_files, pypirc_password)
{
	const struct lsc_finding *f;

	f = one("/root/.pypirc",
		"[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n"
		"password = pypi-AgEIcHlwaS5vcmcCJGE4ZjY\n",
		"pypirc-password", 6);
	assert_match(f, "pypi-AgEIcHlwaS5vcmcCJGE4ZjY");
	none("/root/.pypirc", "[pypi]\nusername = __token__\npassword = %(PYPI_TOKEN)s\n");
	none("/root/.pypirc", "[pypi]\nusername = __token__\npassword: ${PYPI_TOKEN}\n");
	none("/root/.pypirc", "[pypi]\nusername = __token__\npassword =\n");
}

Test(sensitive_files, netrc_password)
{
	const struct lsc_finding *f;

	f = one("/root/.netrc", "machine github.com login bot password ghp_Zx81kLmN0pQ\n",
		"netrc-password", 1);
	assert_match(f, "ghp_Zx81kLmN0pQ");
	one("/home/u/_netrc", "machine ftp.internal\n  login deploy\n  password Tr0ub4dor&3\n",
	    "netrc-password", 3);
	none("/root/.netrc", "machine github.com login bot\n");
	none("/root/.netrc", "machine github.com login bot password\n");
}

Test(sensitive_files, git_credentials)
{
	const struct lsc_finding *f;

	f = one("/root/.git-credentials",
		"https://bot:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com\n",
		"git-credentials", 1);
	assert_match(f, "ghp_16C7e42F292c6912E7710c838347Ae178B4a");
	assert_detail(f, "Git credentials with a password for github.com");
	none("/root/.git-credentials", "https://github.com\n");
	none("/root/.git-credentials", "https://bot:${GIT_TOKEN}@github.com\n");
	none("/root/.gitconfig", "[credential]\n\thelper = store\n");
}

Test(sensitive_files, git_config_with_a_token_in_a_remote)
{
	restart();
	file("/src/.git/config", "[remote \"origin\"]\n\turl = https://x-access-token:"
				 "ghs_Q2Vyd2l0aGhvbGRlcnM@github.com/org/app.git\n");
	cr_assert_eq(L->nfound, 2, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "git-directory");
	cr_assert_str_eq(L->found[0].f.path, "/src/.git");
	cr_assert_str_eq(L->found[1].f.rule->id, "git-credentials");
	cr_assert_eq(L->found[1].f.line, 2);
	cr_assert_str_eq(L->found[1].f.match, "ghs_Q2Vyd2l0aGhvbGRlcnM");
}

static const char KUBECONFIG_HEAD[] = "apiVersion: v1\n"
				      "kind: Config\n"
				      "clusters:\n"
				      "- cluster:\n"
				      "    server: https://10.0.0.1:6443\n"
				      "  name: prod\n"
				      "users:\n"
				      "- name: admin\n"
				      "  user:\n";

Test(sensitive_files, kubeconfig_credentials)
{
	char buf[2048];
	const struct lsc_finding *f;

	snprintf(buf, sizeof(buf), "%s    token: eyJhbGciOiJSUzI1NiIsImtpZCI6\n", KUBECONFIG_HEAD);
	f = one("/root/.kube/config", buf, "kubeconfig-credentials", 10);
	assert_match(f, "eyJhbGciOiJSUzI1NiIsImtpZCI6");
	assert_detail(f, "kubeconfig with a token");
	snprintf(buf, sizeof(buf),
		 "%s    client-certificate-data: LS0tLS1CRUdJTg==\n"
		 "    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=\n",
		 KUBECONFIG_HEAD);
	one("/etc/kubernetes/admin.conf", buf, "kubeconfig-credentials", 11);
	snprintf(buf, sizeof(buf),
		 "%s    auth-provider:\n      name: oidc\n      config:\n"
		 "        id-token: eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n",
		 KUBECONFIG_HEAD);
	one("/app/staging.kubeconfig", buf, "kubeconfig-credentials", 13);
	/* sniffed: any YAML that is a kubeconfig */
	snprintf(buf, sizeof(buf), "%s    password: Kub3Adm1nPw\n", KUBECONFIG_HEAD);
	one("/deploy/clusters/prod.yaml", buf, "kubeconfig-credentials", 10);
}

Test(sensitive_files, kubeconfig_without_credentials)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
		 "%s    client-certificate-data: LS0tLS1CRUdJTg==\n"
		 "    client-key: /etc/keys/admin.key\n",
		 KUBECONFIG_HEAD);
	none("/root/.kube/config", buf);
	snprintf(buf, sizeof(buf), "%s    token: \"\"\n", KUBECONFIG_HEAD);
	none("/root/.kube/config", buf);
	snprintf(buf, sizeof(buf),
		 "%s    exec:\n      command: aws\n      args: [eks, get-token]\n",
		 KUBECONFIG_HEAD);
	none("/root/.kube/config", buf);
	/* a manifest with a token: key is no kubeconfig */
	none("/deploy/app.yaml", "kind: Deployment\nspec:\n  token: abcdef123456\n");
}

Test(sensitive_files, htpasswd_file)
{
	const struct lsc_finding *f;

	f = one("/etc/nginx/.htpasswd", "# users\nadmin:$apr1$Zq2Vb0nM$5r6sQ1e4yF2oGkQ0b7Gq01\n",
		"htpasswd-file", 2);
	assert_detail(f, "htpasswd file with a password hash for admin");
	cr_assert_eq(f->severity, LSC_SEV_MEDIUM);
	one("/etc/apache2/htpasswd", "u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "htpasswd-file", 1);
	none("/etc/nginx/.htpasswd", "# no users yet\n\n");
	/* the program of that name: "a:b" at a line start in its bytes is no user */
	static const char prog[] = "\x7f"
				   "ELF\x02\x01\x01\0\0\nusage:htpasswd\n";
	scan("/usr/bin/htpasswd", prog, sizeof(prog) - 1);
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

Test(sensitive_files, terraform_state)
{
	const struct lsc_finding *f;

	f = one("/infra/terraform.tfstate", "{\"version\": 4, \"resources\": []}\n",
		"terraform-state", 0);
	assert_detail(f, "Terraform state (32 bytes)");
	one("/infra/prod.tfstate.backup", "{\"version\": 4}", "terraform-state", 0);
	none("/infra/terraform.tfstate", "");
	none("/infra/main.tf", "resource \"null_resource\" \"x\" {}\n");
}

/* ---- keystores ---- */

static void store(const char *path, const unsigned char *p, size_t n)
{
	scan(path, p, n);
}

Test(sensitive_files, java_keystores_by_their_entries)
{
	store("/app/server.jks", JKS_PRIVATE, sizeof(JKS_PRIVATE));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "keystore");
	cr_assert_str_eq(L->found[0].f.detail, "JKS keystore with a private key entry \"k\"");
	cr_assert_eq(L->found[0].f.line, 0);
	store("/app/secrets.jceks", JCEKS_SECRET, sizeof(JCEKS_SECRET));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.detail, "JCEKS keystore with a secret key entry \"s\"");
	/* by magic, under any name */
	store("/opt/app/conf/identity", JKS_PRIVATE, sizeof(JKS_PRIVATE));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "keystore");
	/* only trusted certificates: a truststore */
	store("/app/client.jks", JKS_TRUSTED, sizeof(JKS_TRUSTED));
	cr_assert_eq(L->nfound, 0, "%s", dump());
	store("/opt/app/conf/trust", JKS_TRUSTED, sizeof(JKS_TRUSTED));
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

Test(sensitive_files, truststore_names_are_never_keystores)
{
	store("/usr/lib/jvm/java-17/lib/security/cacerts", JKS_PRIVATE, sizeof(JKS_PRIVATE));
	cr_assert_eq(L->nfound, 0, "%s", dump());
	store("/app/conf/client-truststore.jks", JKS_PRIVATE, sizeof(JKS_PRIVATE));
	cr_assert_eq(L->nfound, 0, "%s", dump());
	store("/app/conf/TrustStore.p12", (const unsigned char *)"\x30\x82\x01\x00", 4);
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

Test(sensitive_files, keystores_that_cannot_be_read)
{
	static const unsigned char bad_version[] = {0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 7, 0, 0, 0, 1};
	static const unsigned char huge_alias[] = {0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2,	  0,
						   0,	 0,    1,    0,	   0, 0, 2, 0xff, 0xff};

	/* cut in the middle of the first certificate */
	store("/app/client.jks", JKS_TRUSTED, 60);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.detail, "JKS keystore that cannot be parsed");
	store("/app/x.jks", bad_version, sizeof(bad_version));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.detail, "JKS keystore that cannot be parsed");
	store("/app/x.keystore", huge_alias, sizeof(huge_alias));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.detail, "JKS keystore that cannot be parsed");
}

Test(sensitive_files, other_keystores_by_name)
{
	static const unsigned char p12[] = {0x30, 0x82, 0x0a, 0x5b, 0x02, 0x01, 0x03, 0x30};

	store("/app/cert/client.p12", p12, sizeof(p12));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "keystore");
	cr_assert_str_eq(L->found[0].f.detail, "PKCS#12 keystore (8 bytes)");
	store("/app/cert/CLIENT.PFX", p12, sizeof(p12));
	cr_assert_eq(L->nfound, 1, "%s", dump());
	store("/app/res/raw/store.bks", (const unsigned char *)"\0\0\0\2abc", 7);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.detail, "BKS keystore (7 bytes)");
	store("/app/cert/empty.p12", p12, 0);
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

/* ---- .git directories ---- */

Test(sensitive_files, git_directory_once_per_directory)
{
	feed("/app/.git", LSC_TAR_DIR, NULL, 0);
	file("/app/.git/HEAD", "ref: refs/heads/main\n");
	file("/app/.git/config", "[core]\n\tbare = false\n");
	feed("/app/.git/objects", LSC_TAR_DIR, NULL, 0);
	file("/app/.git/objects/ab/cdef", "x");
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "git-directory");
	cr_assert_str_eq(L->found[0].f.path, "/app/.git");
	cr_assert_eq(L->found[0].seq, 0);
	cr_assert_eq(L->found[0].f.line, 0);
	cr_assert_eq(L->found[0].f.severity, LSC_SEV_MEDIUM);
	/* a second repository, and a submodule's repository inside the first */
	file("/srv/tool/.git/HEAD", "ref: refs/heads/main\n");
	file("/app/.git/modules/lib/.git/HEAD", "x");
	cr_assert_eq(L->nfound, 2, "%s", dump());
	cr_assert_str_eq(L->found[1].f.path, "/srv/tool/.git");
	/* the next layer reports its own */
	restart();
	file("/app/.git/HEAD", "ref: refs/heads/main\n");
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.path, "/app/.git");
}

Test(sensitive_files, git_directory_without_its_own_entry)
{
	file("/app/README.md", "hi\n");
	file("/app/.git/HEAD", "ref: refs/heads/main\n");
	file("/app/.git/index", "DIRC");
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.path, "/app/.git");
	cr_assert_eq(L->found[0].seq, 1);
}

Test(sensitive_files, not_git_directories)
{
	file("/app/lib/.git", "gitdir: ../.git/modules/lib\n"); /* a submodule's gitfile */
	feed("/app/vendor/.git", LSC_TAR_SYMLINK, NULL, 0);
	file("/app/.gitignore", "node_modules\n");
	file("/app/.github/workflows/ci.yml", "on: push\n");
	feed("/app/.gitlab", LSC_TAR_DIR, NULL, 0);
	file("/app/x.git/HEAD", "x");
	cr_assert_eq(L->nfound, 0, "%s", dump());
}

/* ---- histories ---- */

Test(sensitive_files, shell_history)
{
	static const char *const names[] = {
	    "/root/.bash_history",
	    "/root/.zsh_history",
	    "/root/.sh_history",
	    "/root/.ash_history",
	    "/root/.history",
	    "/root/.python_history",
	    "/root/.mysql_history",
	    "/root/.psql_history",
	    "/root/.node_repl_history",
	    "/root/.rediscli_history",
	    "/root/.sqlite_history",
	    "/root/.irb_history",
	    "/home/u/.local/share/fish/fish_history",
	};
	const struct lsc_finding *f;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f = one(names[i], "mysql -uroot -pS3cret\n", "shell-history", 0);
		assert_detail(f, "shell history (22 bytes)");
	}
	none("/root/.bash_history", "");
	none("/root/.lesshst", ".less-history-file:\n.search\n\"foo\n");
	none("/root/.bashrc", "alias ll='ls -l'\n");
}

/* ---- more credential stores ---- */

Test(sensitive_files, pgpass)
{
	const struct lsc_finding *f;

	f = one("/root/.pgpass",
		"# host:port:db:user:password\n"
		"db.internal:5432:*:postgres:Pg\\:S3cret\n",
		"pgpass", 2);
	assert_match(f, "Pg\\:S3cret");
	assert_detail(f, "PostgreSQL password file with a password for user postgres");
	none("/root/.pgpass", "# db.internal:5432:*:postgres:S3cret\n");
	none("/root/.pgpass", "db.internal:5432:*:postgres\n");
	none("/root/.pgpass", "db.internal:5432:*:postgres:\n");
}

Test(sensitive_files, mysql_client_password)
{
	const struct lsc_finding *f;

	f = one("/root/.my.cnf", "[client]\nuser=root\npassword=\"Sup3r-S3cret\"\n",
		"mysql-client-password", 3);
	assert_match(f, "Sup3r-S3cret");
	/* binary: four zero bytes, then the obfuscated options */
	scan("/root/.mylogin.cnf", "\0\0\0\0\x15\x1a\x7f obfuscated", 16);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "mysql-client-password");
	cr_assert_str_eq(L->found[0].f.detail, "MySQL obfuscated login path file (16 bytes)");
	none("/root/.my.cnf", "[client]\nuser=root\npassword=\n");
	none("/root/.my.cnf", "[client]\nuser=root\n");
}

Test(sensitive_files, s3cfg)
{
	one("/root/.s3cfg",
	    "[default]\naccess_key = AKIA2OGYBAH6QEXAMPL3\n"
	    "secret_key = 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\n",
	    "s3cfg", 3);
	none("/root/.s3cfg", "[default]\naccess_key =\naccess_token =\nsecret_key =\n");
}

Test(sensitive_files, gh_cli_token)
{
	const struct lsc_finding *f;

	f = one("/root/.config/gh/hosts.yml",
		"github.com:\n    user: bot\n    oauth_token: gho_16C7e42F292c6912E7710c838347\n"
		"    git_protocol: https\n",
		"gh-cli-token", 3);
	assert_match(f, "gho_16C7e42F292c6912E7710c838347");
	none("/root/.config/gh/hosts.yml", "github.com:\n    user: bot\n    git_protocol: https\n");
}

Test(sensitive_files, cargo_credentials)
{
	one("/root/.cargo/credentials.toml", "[registry]\ntoken = \"cio4vQv3b2Lr8kNn1Vt\"\n",
	    "cargo-credentials", 2);
	one("/root/.cargo/credentials", "[registries.internal]\ntoken = \"Bearer x9Z8y7\"\n",
	    "cargo-credentials", 2);
	none("/root/.cargo/credentials.toml", "[registry]\ntoken = \"\"\n");
}

Test(sensitive_files, placeholders_are_not_credentials)
{
	static const char *const fake[] = {
	    "",
	    "${CARGO_TOKEN}",
	    "$CARGO_TOKEN",
	    "$(cat /run/secrets/token)",
	    "<token>",
	    "%CARGO_TOKEN%",
	    "{{ cargo_token }}",
	    "changeme",
	    "CHANGE_ME",
	    "xxxxxxxxxxxxxxxx",
	    "********",
	    "ghp_xxxxxxxxxxxxxxxxxxxx",
	    "your_token_here",
	    "YOUR-API-KEY",
	    "REPLACE_ME",
	    "EXAMPLE",
	    "cio-example-token",
	    "token",
	    "...",
	};
	static const char *const real[] = {"cio4vQv3b2Lr8kNn1Vt", "hunter2x", "$ecret!42"};

	for (size_t i = 0; i < sizeof(fake) / sizeof(fake[0]); i++) {
		none("/root/.cargo/credentials.toml", fmt("[registry]\ntoken = \"%s\"\n", fake[i]));
	}
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		assert_match(one("/root/.cargo/credentials.toml",
				 fmt("[registry]\ntoken = \"%s\"\n", real[i]), "cargo-credentials",
				 2),
			     real[i]);
	}
}

Test(sensitive_files, gem_credentials)
{
	const struct lsc_finding *f;

	f = one("/root/.gem/credentials", "---\n:rubygems_api_key: rubygems_4f2a9b8c7d6e5f4a3b2c\n",
		"gem-credentials", 2);
	assert_match(f, "rubygems_4f2a9b8c7d6e5f4a3b2c");
	assert_detail(f, "RubyGems credentials with :rubygems_api_key");
	none("/root/.gem/credentials", "---\n:rubygems_api_key: \n");
}

Test(sensitive_files, composer_auth)
{
	const struct lsc_finding *f;

	f = one("/root/.composer/auth.json",
		"{\n    \"github-oauth\": {\n        \"github.com\": "
		"\"ghp_0aB1cD2eF3gH4iJ5kL6m\"\n    }\n}\n",
		"composer-auth", 3);
	assert_match(f, "ghp_0aB1cD2eF3gH4iJ5kL6m");
	assert_detail(f, "Composer auth.json with github-oauth credentials for github.com");
	f = one("/root/.config/composer/auth.json",
		"{\"http-basic\": {\"repo.packagist.com\": {\"username\": \"u\", "
		"\"password\": \"p4ss-w0rd\"}}}",
		"composer-auth", 1);
	assert_match(f, "p4ss-w0rd");
	none("/root/.composer/auth.json", "{\"github-oauth\": {}, \"http-basic\": {}}");
	none("/root/.composer/auth.json", "{\"http-basic\": {\"repo.packagist.com\": "
					  "{\"username\": \"u\", \"password\": \"\"}}}");
	none("/app/auth.json",
	     "{\"github-oauth\": {\"github.com\": \"ghp_0aB1cD2eF3gH4iJ5kL6m\"}}");
}

Test(sensitive_files, maven_settings_password)
{
	const struct lsc_finding *f;

	f = one("/root/.m2/settings.xml",
		"<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n"
		"      <username>deploy</username>\n      <password>N3xus-Depl0y</password>\n"
		"    </server>\n  </servers>\n</settings>\n",
		"maven-settings-password", 6);
	assert_match(f, "N3xus-Depl0y");
	assert_detail(f, "Maven settings with a password");
	one("/root/.m2/settings-security.xml",
	    "<settingsSecurity>\n  "
	    "<master>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=}</master>\n"
	    "</settingsSecurity>\n",
	    "maven-settings-password", 2);
	/* Maven's own settings.xml: examples inside comments */
	none("/usr/share/maven/conf/settings.xml",
	     "<settings>\n  <servers>\n    <!--\n    <server>\n      <id>deploymentRepo</id>\n"
	     "      <password>repopwd</password>\n    </server>\n    -->\n  "
	     "</servers>\n</settings>\n");
	none("/root/.m2/settings.xml",
	     "<server><password>${env.NEXUS_PASSWORD}</password></server>");
}

Test(sensitive_files, vault_token)
{
	const struct lsc_finding *f;

	f = one("/root/.vault-token", "hvs.CAESIJlWkZxSu8F2e8b4\n", "vault-token", 1);
	assert_match(f, "hvs.CAESIJlWkZxSu8F2e8b4");
	assert_detail(f, "Vault token file");
	none("/root/.vault-token", " \n");
}

Test(sensitive_files, terraform_cli_credentials)
{
	one("/root/.terraform.d/credentials.tfrc.json",
	    "{\n  \"credentials\": {\n    \"app.terraform.io\": {\n"
	    "      \"token\": \"mD4bq1.atlasv1.Zk9x8c7v6b5n4m3\"\n    }\n  }\n}\n",
	    "terraform-cli-credentials", 4);
	one("/root/.terraformrc",
	    "credentials \"app.terraform.io\" {\n  token = \"mD4bq1.atlasv1.Zk9\"\n}\n",
	    "terraform-cli-credentials", 2);
	none("/root/.terraformrc", "plugin_cache_dir = \"$HOME/.terraform.d/plugin-cache\"\n");
}

Test(sensitive_files, nuget_config_password)
{
	static const char cfg[] =
	    "<configuration>\n  <packageSourceCredentials>\n    <internal>\n"
	    "      <add key=\"Username\" value=\"ci\" />\n"
	    "      <add key=\"ClearTextPassword\" value=\"%s\" />\n"
	    "    </internal>\n  </packageSourceCredentials>\n</configuration>\n";

	assert_match(one("/root/.nuget/NuGet/NuGet.Config", fmt(cfg, "Nu6et-Pw"),
			 "nuget-config-password", 5),
		     "Nu6et-Pw");
	one("/src/nuget.config", fmt(cfg, "Nu6et-Pw"), "nuget-config-password", 5);
	none("/src/nuget.config", fmt(cfg, "%NUGET_PASSWORD%"));
}

Test(sensitive_files, gnupg_private_keys)
{
	one("/root/.gnupg/private-keys-v1.d/1B2AFA1C6B6EF3E4AA2B3C4D5E6F7A8B9C0D1E2F.key",
	    "Created: 20260101T000000\nKey: (private-key (ecc ...))\n", "gnupg-private-keys", 0);
	one("/root/.gnupg/secring.gpg", "\x95\x01\xd8", "gnupg-private-keys", 0);
	none("/root/.gnupg/pubring.kbx", "\x00\x00\x00\x20\x01\x01KBXf");
	none("/root/.gnupg/secring.gpg", "");
}

Test(sensitive_files, yarnrc_token)
{
	one("/app/.yarnrc.yml",
	    "nodeLinker: node-modules\nnpmAuthToken: \"npm_Zz9Yy8Xx7Ww6Vv5Uu4\"\n", "yarnrc-token",
	    2);
	none("/app/.yarnrc.yml", "npmAuthToken: \"${NPM_TOKEN}\"\n");
}

Test(sensitive_files, pip_conf_credentials)
{
	const struct lsc_finding *f;

	f = one("/etc/pip.conf",
		"[global]\nindex-url = https://ci:p4ssw0rd-x@pypi.internal.corp/simple\n",
		"pip-conf-credentials", 2);
	assert_match(f, "p4ssw0rd-x");
	assert_detail(f, "pip configuration with an index password for pypi.internal.corp");
	one("/root/.config/pip/pip.conf",
	    "[global]\nextra-index-url =\n    https://pypi.org/simple\n"
	    "    https://u:Tok3n@gitlab.corp/api/v4/projects/1/packages/pypi/simple\n",
	    "pip-conf-credentials", 4);
	none("/etc/pip.conf", "[global]\nindex-url = https://pypi.internal.corp/simple\n");
	none("/etc/pip.conf",
	     "[global]\nindex-url = https://ci:${PIP_PASSWORD}@pypi.corp/simple\n");
}

/* ---- the walker's contract ---- */

Test(sensitive_files, ordinary_files_are_quiet)
{
	static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};

	store("/usr/bin/true", elf, sizeof(elf));
	cr_assert_eq(L->nfound, 0, "%s", dump());
	none("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	none("/etc/os-release", "ID=alpine\nVERSION_ID=3.20.0\n");
	none("/app/package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
}

Test(sensitive_files, regular_files_ask_for_a_bounded_prefix)
{
	struct lsc_tar_entry e;
	struct lsc_want want;

	memset(&e, 0, sizeof(e));
	e.path = "/usr/lib/libbig.so";
	e.type = LSC_TAR_REG;
	e.size = (int64_t)100 << 20;
	memset(&want, 0, sizeof(want));
	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0);
	cr_assert_eq(want.prefix, 64u << 10);
	cr_assert_not(want.stream);
	e.path = "/app/app.keystore";
	memset(&want, 0, sizeof(want));
	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0);
	cr_assert_eq(want.prefix, LSC_MAX_PREFIX);
	e.path = "/app/.env";
	e.size = 10;
	memset(&want, 0, sizeof(want));
	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0);
	cr_assert_eq(want.prefix, 10);
	e.type = LSC_TAR_DIR;
	e.size = 0;
	memset(&want, 0, sizeof(want));
	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0);
	cr_assert_eq(want.prefix, 0);
}

Test(sensitive_files, entry_end_alone_still_decides)
{
	struct lsc_tar_entry e;
	static const char env[] = "TOKEN=abc\n";

	/* entry_end without this entry's entry_begin (another entry's was last) */
	memset(&e, 0, sizeof(e));
	e.path = "/app/.env";
	e.type = LSC_TAR_REG;
	e.size = (int64_t)strlen(env);
	e.index = 7;
	cr_assert_eq(ops->entry_end(S, L, &e, (const uint8_t *)env, strlen(env), true), 0);
	cr_assert_eq(L->nfound, 1, "%s", dump());
	cr_assert_str_eq(L->found[0].f.rule->id, "env-file");
	cr_assert_eq(L->found[0].seq, 7);
}

Test(sensitive_files, layer_free_accepts_null)
{
	ops->layer_free(NULL);
}

/*
 * SHA-256, with the lowercase hex form that sha256sum and Python's
 * hexdigest() print. The backend is chosen at build time: libmd's portable
 * code by default, or OpenSSL's libcrypto (make SHA256=openssl, which
 * defines HF_SHA256_OPENSSL) where the processor's SHA extensions make it
 * several times faster. Only this file knows which one is in use.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#ifdef HF_SHA256_OPENSSL
#include <openssl/evp.h>
#else
#include <sha2.h>
#endif

#include "hf.h"

struct hf_sha256 {
#ifdef HF_SHA256_OPENSSL
	EVP_MD_CTX	*ctx;
#else
	SHA2_CTX	 ctx;
#endif
};

struct hf_sha256 *
hf_sha256_new(void)
{
	struct hf_sha256 *h;

	h = hf_malloc(sizeof(*h));
#ifdef HF_SHA256_OPENSSL
	if ((h->ctx = EVP_MD_CTX_new()) == NULL)
		hf_die(HF_EUSAGE, "out of memory");
#endif
	return h;
}

void
hf_sha256_free(struct hf_sha256 *h)
{
	if (h == NULL)
		return;
#ifdef HF_SHA256_OPENSSL
	EVP_MD_CTX_free(h->ctx);
#endif
	free(h);
}

/*
 * libcrypto reports failure only for conditions such as a missing provider
 * or an allocation that failed, which leave no digest to print.
 */
void
hf_sha256_init(struct hf_sha256 *h)
{
#ifdef HF_SHA256_OPENSSL
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		hf_die(HF_EUSAGE, "libcrypto: SHA-256 unavailable");
#else
	SHA256Init(&h->ctx);
#endif
}

void
hf_sha256_update(struct hf_sha256 *h, const void *buf, size_t len)
{
#ifdef HF_SHA256_OPENSSL
	if (EVP_DigestUpdate(h->ctx, buf, len) != 1)
		hf_die(HF_EUSAGE, "libcrypto: SHA-256 update failed");
#else
	SHA256Update(&h->ctx, buf, len);
#endif
}

void
hf_sha256_final(struct hf_sha256 *h, unsigned char out[32])
{
#ifdef HF_SHA256_OPENSSL
	if (EVP_DigestFinal_ex(h->ctx, out, NULL) != 1)
		hf_die(HF_EUSAGE, "libcrypto: SHA-256 final failed");
#else
	SHA256Final(out, &h->ctx);
#endif
}

void
hf_sha256_raw(const void *buf, size_t len, unsigned char out[32])
{
#ifdef HF_SHA256_OPENSSL
	if (EVP_Digest(buf, len, out, NULL, EVP_sha256(), NULL) != 1)
		hf_die(HF_EUSAGE, "libcrypto: SHA-256 failed");
#else
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, buf, len);
	SHA256Final(out, &ctx);
#endif
}

void
hf_hexdigest(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
hf_sha256_hex(const void *buf, size_t len, char out[HF_SHA256_HEX])
{
	unsigned char d[32];

	hf_sha256_raw(buf, len, d);
	hf_hexdigest(d, sizeof(d), out);
}

/*
 * SHA-256 through libmd, with the lowercase hex form that sha256sum and
 * Python's hexdigest() print.
 */
#include <sys/types.h>

#include <stdint.h>
#include <sha2.h>

#include "hf.h"

void
hf_sha256_raw(const void *buf, size_t len, unsigned char out[32])
{
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, buf, len);
	SHA256Final(out, &ctx);
}

void
hf_sha256_hex(const void *buf, size_t len, char out[HF_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	int i;

	hf_sha256_raw(buf, len, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/*
 * Time: ISO 8601 UTC stamps, SOURCE_DATE_EPOCH, and ULIDs.
 *
 * Packages must be byte-identical when regenerated, so the only clock a
 * filter reads is hf_now(), which yields to SOURCE_DATE_EPOCH as the
 * reproducible-builds convention asks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hf.h"

time_t
hf_now(void)
{
	const char *s;
	char *end;
	long long v;

	if ((s = getenv("SOURCE_DATE_EPOCH")) == NULL || *s == '\0')
		return time(NULL);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || !isdigit((unsigned char)*s))
		hf_die(HF_EUSAGE, "SOURCE_DATE_EPOCH: not a number of seconds: "
		    "%s", s);
	return (time_t)v;
}

void
hf_isotime(time_t t, char buf[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		hf_die(HF_EUSAGE, "time %lld out of range", (long long)t);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long
daysfromcivil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
digits(const char *s, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

int
hf_parseiso(const char *s, time_t *t, unsigned *ms)
{
	static const unsigned mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned y, mo, d, h, mi, sec, frac = 0, scale = 100;
	const char *p;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
	    digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		for (p++; isdigit((unsigned char)*p); p++) {
			frac += (unsigned)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (strcmp(p, "Z") != 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*t = (time_t)(daysfromcivil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec);
	if (ms != NULL)
		*ms = frac;
	return 0;
}

/*
 * A ULID is 128 bits, 48 of time and 80 of entropy, written as 26
 * Crockford base32 digits; the first digit carries only 3 bits.
 */
void
hf_ulid(uint64_t ms, const unsigned char rnd[10], char out[27])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char v[16];
	int i, bit;

	for (i = 0; i < 6; i++)
		v[i] = (unsigned char)(ms >> (40 - 8 * i));
	memcpy(v + 6, rnd, 10);
	/* Digit i covers bits 5i-2 .. 5i+2 of the value, counted from the top. */
	for (i = 0; i < 26; i++) {
		unsigned d = 0;
		int k;

		for (k = 0; k < 5; k++) {
			bit = i * 5 + k - 2;
			d <<= 1;
			if (bit >= 0)
				d |= (v[bit / 8] >> (7 - bit % 8)) & 1;
		}
		out[i] = alphabet[d];
	}
	out[26] = '\0';
}

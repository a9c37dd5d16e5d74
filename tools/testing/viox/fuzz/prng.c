// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded PRNG: xoshiro256** seeded through splitmix64. Every thread of
 * a fuzzer has its own stream derived from the run's seed, so what one
 * thread does depends on the seed alone, not on how threads interleave.
 */
#include "fuzz.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	unsigned int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_u64(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n); n == 0 gives 0. */
uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rng_u64(r) >> 32) * n) >> 32) : 0;
}

bool rng_chance(struct rng *r, uint32_t one_in)
{
	return rng_below(r, one_in) == 0;
}

uint64_t rng_pick64(struct rng *r, const uint64_t *v, unsigned int n)
{
	return v[rng_below(r, n)];
}

void rng_fill(struct rng *r, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		uint64_t x = rng_u64(r);
		size_t k = n < 8 ? n : 8;

		memcpy(b, &x, k);
		b += k;
		n -= k;
	}
}

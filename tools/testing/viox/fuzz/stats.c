// SPDX-License-Identifier: GPL-2.0
/*
 * What a fuzzer did, by name: calls, and their outcomes by errno. The
 * selftests read the totals to assert that the fuzzer really ran.
 */
#include "fuzz.h"

#define MAX_STATS	128
#define MAX_ERRNO	134

struct counter {
	const char *name;
	unsigned long n, err[MAX_ERRNO + 1];
	bool counter;		/* a plain count, not calls */
};

static struct counter stats[MAX_STATS];
static unsigned int nstats;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Names are string literals: compared by address first, then by text. */
static struct counter *find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nstats; i++)
		if (stats[i].name == name || !strcmp(stats[i].name, name))
			return &stats[i];
	if (nstats == MAX_STATS)
		fz_die("too many stats");
	stats[nstats].name = name;
	return &stats[nstats++];
}

/* One call of @name that failed with @err (0: it succeeded). */
void stat_call(const char *name, int err)
{
	struct counter *s;

	pthread_mutex_lock(&lock);
	s = find(name);
	s->n++;
	s->err[err < 0 || err > MAX_ERRNO ? MAX_ERRNO : err]++;
	pthread_mutex_unlock(&lock);
}

void stat_add(const char *name, unsigned long n)
{
	struct counter *s;

	pthread_mutex_lock(&lock);
	s = find(name);
	s->counter = true;
	s->n += n;
	pthread_mutex_unlock(&lock);
}

unsigned long stat_get(const char *name)
{
	unsigned long n;

	pthread_mutex_lock(&lock);
	n = find(name)->n;
	pthread_mutex_unlock(&lock);
	return n;
}

unsigned long stat_total_calls(void)
{
	unsigned long n = 0;
	unsigned int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nstats; i++)
		if (!stats[i].counter)
			n += stats[i].n;
	pthread_mutex_unlock(&lock);
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->name, ((const struct counter *)b)->name);
}

/* "# name: N calls, ok N, EINVAL N, ..." or "# name: N". */
void stat_print(void)
{
	unsigned int i, e;

	pthread_mutex_lock(&lock);
	qsort(stats, nstats, sizeof(stats[0]), by_name);
	for (i = 0; i < nstats; i++) {
		struct counter *s = &stats[i];

		if (s->counter) {
			printf("# %s: %lu\n", s->name, s->n);
			continue;
		}
		printf("# %s: %lu calls", s->name, s->n);
		for (e = 0; e <= MAX_ERRNO; e++) {
			if (!s->err[e])
				continue;
			if (!e)
				printf(", ok %lu", s->err[e]);
			else if (e == MAX_ERRNO)
				printf(", other %lu", s->err[e]);
			else
				printf(", %s %lu", strerrorname_np(e) ?: "?", s->err[e]);
		}
		printf("\n");
	}
	pthread_mutex_unlock(&lock);
}

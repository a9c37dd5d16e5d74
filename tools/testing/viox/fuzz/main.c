// SPDX-License-Identifier: GPL-2.0
/*
 * viox-fuzz: fuzzers for /dev/viox-net from a guest's and a VMM's side.
 *
 *   rings  hostile split and packed rings, TX and RX, rewritten while the
 *          device reads them
 *   ioctl  the vhost ioctls in random sequences with odd arguments, racing
 *          traffic, memory damage, close and fork
 *
 * Prints the seed first and what it did last (calls by name and errno);
 * the same seed replays each thread's actions. Exits 0 unless the fuzzer
 * itself could not run: the kernel's log is where failures show.
 */
#include <getopt.h>
#include <signal.h>
#include <time.h>

#include "fuzz.h"

struct options opt = { .seconds = 10, .dev = "/dev/viox-net" };
static double deadline;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool fz_time_left(void)
{
	return fz_now() < deadline;
}

void fz_trace(const char *fmt, ...)
{
	va_list ap;

	if (!opt.trace)
		return;
	pthread_mutex_lock(&out_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void fz_die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(": %s\n", strerror(e));
	fflush(stdout);
	_exit(2);
}

static void usage(void)
{
	printf("usage: viox-fuzz rings|ioctl [--seed S] [--seconds N] [--threads N]\n"
	       "                 [--trace] [--dev PATH]\n"
	       "rings: hostile split/packed rings, TX and RX, and a thread rewriting\n"
	       "them while the device reads. ioctl: random vhost ioctls from N threads\n"
	       "(default 2) racing traffic, memory damage, close and fork. Runs N\n"
	       "seconds (default 10); --trace prints every action.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", 1, 0, 's' }, { "seconds", 1, 0, 'S' }, { "threads", 1, 0, 't' },
		{ "trace", 0, 0, 'T' }, { "dev", 1, 0, 'd' }, { "help", 0, 0, 'h' }, {}
	};
	const char *what;
	bool seeded = false;
	double start;
	int c, r;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'S': opt.seconds = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 'T': opt.trace = 1; break;
		case 'd': opt.dev = optarg; break;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage();
		return 2;
	}
	what = argv[optind];
	if (!seeded)
		opt.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# viox-fuzz %s: seed %llu, %u seconds\n", what,
	       (unsigned long long)opt.seed, opt.seconds);
	start = fz_now();
	deadline = start + opt.seconds;
	if (!strcmp(what, "rings"))
		r = fuzz_rings();
	else if (!strcmp(what, "ioctl"))
		r = fuzz_ioctl();
	else {
		usage();
		return 2;
	}
	stat_print();
	printf("# calls: %lu\n", stat_total_calls());
	printf("# seed %llu done in %.1f s\n", (unsigned long long)opt.seed, fz_now() - start);
	return r;
}

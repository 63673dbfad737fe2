/* SPDX-License-Identifier: BSD-3-Clause
 * Baseline for pacer lateness: the lateness an ideal pacer would show on
 * this machine. A busy loop pinned to one CPU "sends" events on a fixed
 * schedule (rate per second) and records how late it noticed each one. The
 * loop does no work, so every late event is the machine's doing (timer
 * interrupts, hypervisor steal): mediablast's pacer cannot beat this.
 * usage: stall_probe CPU RATE SECONDS -> "p50 p99 max" in microseconds */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BUCKETS 100000 /* 0.1 us buckets up to 10 ms */

static uint64_t tsc(void)
{
	return __builtin_ia32_rdtsc();
}

static double tsc_hz(void)
{
	struct timespec a, b;
	uint64_t t0 = tsc();

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 2e8);
	return (double)(tsc() - t0) / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
}

static double pct(const uint64_t *h, uint64_t n, double p)
{
	uint64_t want = (uint64_t)(p / 100.0 * (double)n), acc = 0;

	for (int i = 0; i < BUCKETS; i++)
		if ((acc += h[i]) > want)
			return i / 10.0;
	return BUCKETS / 10.0;
}

int main(int argc, char **argv)
{
	static uint64_t h[BUCKETS];
	cpu_set_t set;
	double hz, step, next;
	uint64_t end, n = 0, max = 0;

	if (argc != 4)
		return 2;
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	sched_setaffinity(0, sizeof(set), &set);
	hz = tsc_hz();
	step = hz / atof(argv[2]);
	next = (double)tsc();
	end = tsc() + (uint64_t)(hz * atof(argv[3]));
	for (uint64_t now; (now = tsc()) < end;)
		while (next <= (double)now) {
			uint64_t late = now - (uint64_t)next;
			uint64_t b = (uint64_t)(late / hz * 1e7);

			h[b < BUCKETS ? b : BUCKETS - 1]++;
			max = late > max ? late : max;
			n++;
			next += step;
		}
	printf("%.2f %.2f %.2f\n", pct(h, n, 50), pct(h, n, 99), max / hz * 1e6);
	return 0;
}

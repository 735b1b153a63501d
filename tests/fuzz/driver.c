/* SPDX-License-Identifier: GPL-2.0-or-later */
/* driver.c - run a libFuzzer target on files, without libFuzzer
 *
 *   regress_TARGET FILE|DIR...
 *
 * Every file named (and every file in a directory named) is read whole and
 * given to LLVMFuzzerTestOneInput() once, as libFuzzer would.  `make check`
 * builds each target with this driver and the normal compiler (with the
 * sanitizers too in the sanitizer build) and replays the seed corpus and
 * tests/fuzz/regress/TARGET/: every crash the fuzzer ever found stays
 * fixed.  A crash is the process dying; success is exit status 0 with a
 * count of the inputs run.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int drv_run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "driver: cannot read %s\n", path);
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *b;

			cap = cap ? 2 * cap : 65536;
			b = realloc(buf, cap);
			if (!b) {
				fclose(f);
				free(buf);
				fprintf(stderr, "driver: out of memory reading %s\n", path);
				return -1;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	/* libFuzzer hands over a buffer of exactly the input's size */
	LLVMFuzzerTestOneInput(n ? buf : (const uint8_t *)"", n);
	free(buf);
	return 0;
}

static int drv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the files of @dir, in name order (deterministic) */
static int drv_run_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "driver: cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **m;

			cap = cap ? 2 * cap : 32;
			m = realloc(names, cap * sizeof *m);
			if (!m)
				break;
			names = m;
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, drv_cmp);
	for (size_t i = 0; i < n; i++) {
		if (drv_run_file(names[i]) != 0)
			rc = -1;
		else
			(*count)++;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "driver: no such file %s\n", argv[i]);
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (drv_run_dir(argv[i], &count) != 0)
				rc = 1;
		} else if (drv_run_file(argv[i]) != 0) {
			rc = 1;
		} else {
			count++;
		}
	}
	printf("%u inputs run\n", count);
	return rc;
}

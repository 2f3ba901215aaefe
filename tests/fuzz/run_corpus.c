// SPDX-License-Identifier: GPL-2.0
/*
 * Plain driver for a fuzz target, without libFuzzer: feed every file named
 * on the command line to LLVMFuzzerTestOneInput() once. Built with
 * AddressSanitizer and UndefinedBehaviorSanitizer (no recovery), it is the
 * corpus regression run: a file that crashes or trips a sanitizer stops it
 * with a non-zero status.
 *
 * Usage: run_corpus FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long len;

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET)) {
			perror(argv[i]);
			return 2;
		}
		/* An exact-size heap copy, so that ASan sees any overread. */
		buf = malloc(len ? len : 1);
		if (!buf || (len && fread(buf, 1, len, f) != (size_t)len)) {
			perror(argv[i]);
			return 2;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("%d inputs run\n", n);
	return 0;
}

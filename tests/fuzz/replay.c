/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run a fuzz target over every file of its corpus directory (no libFuzzer needed): TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	DIR *d = opendir(argv[1]);
	if (!d) {
		printf("not ok 1 - corpus %s missing\n1..1\n", argv[1]);
		return 1;
	}
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		uint8_t buf[65536];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len); /* an invariant failure aborts: the test fails */
		printf("ok %d - %s\n", ++n, de->d_name);
	}
	closedir(d);
	printf("1..%d\n", n);
	return n ? 0 : 1;
}

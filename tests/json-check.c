/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-check: parse stdin strictly with json-c (the library vfioadm writes JSON with) and
 * exit 0 only for exactly one well-formed JSON value; prints the value's type and, for an
 * array, its length. Used by the CLI tests so JSON output is read back by json-c itself.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf)
		return 2;
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *obj = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	while (used < len && strchr(" \t\r\n", buf[used]))
		used++;
	if (!obj || err != json_tokener_success || used != len) {
		fprintf(stderr, "json-check: invalid JSON at byte %zu: %s\n", used,
			json_tokener_error_desc(err));
		return 1;
	}
	printf("%s", json_type_to_name(json_object_get_type(obj)));
	if (json_object_is_type(obj, json_type_array))
		printf(" %zu", json_object_array_length(obj));
	printf("\n");
	json_object_put(obj);
	json_tokener_free(tok);
	free(buf);
	return 0;
}

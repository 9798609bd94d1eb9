/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json: a writer for the one-line JSON objects of `@report` lines.
 *
 * Usage:
 *	struct json_writer w;
 *	char line[256];
 *
 *	json_begin(&w, line, sizeof(line));		{
 *	json_str(&w, "event", "boot");			"event":"boot"
 *	json_array_begin(&w, "cpus");			,"cpus":[
 *	json_u64(&w, NULL, 0);				0
 *	json_u64(&w, NULL, 1);				,1
 *	json_array_end(&w);				]
 *	if (!json_end(&w))				}
 *		... the line did not fit: buf holds "" ...
 *
 * Inside an object every value takes a key; inside an array the key is NULL.
 * The writer never stores past buf[size - 1] and keeps buf NUL-terminated.
 * When the output does not fit, or the calls are unbalanced (an _end with
 * nothing open, more than JSON_MAX_DEPTH open containers, a key where none
 * belongs or a missing one), later calls do nothing and json_end() empties
 * buf and returns NULL: a caller can never print half an object.
 */
#ifndef PULLKERN_LIB_JSON_H
#define PULLKERN_LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open containers, the outer object included. */
#define JSON_MAX_DEPTH 8

struct json_writer {
	char *buf;
	size_t size;
	size_t len;			/* bytes written; buf[len] == '\0' */
	int depth;			/* open containers, 1 after json_begin */
	bool need_comma[JSON_MAX_DEPTH];	/* a value already at this level */
	bool in_array[JSON_MAX_DEPTH];		/* level is [...] rather than {...} */
	bool overflow;			/* output did not fit in size - 1 bytes */
	bool misuse;			/* unbalanced or wrongly keyed calls */
};

void json_begin(struct json_writer *w, char *buf, size_t size);
/* Escapes '"', '\\' and bytes below 0x20 (as \u00XX); NULL val gives null. */
void json_str(struct json_writer *w, const char *key, const char *val);
void json_u64(struct json_writer *w, const char *key, uint64_t v);
void json_i64(struct json_writer *w, const char *key, int64_t v);
void json_bool(struct json_writer *w, const char *key, bool v);
void json_null(struct json_writer *w, const char *key);
/* A string "0x..." in lowercase hex, no padding: 255 -> "0xff". */
void json_hex(struct json_writer *w, const char *key, uint64_t v);
/* v / 10^decimals as a number without the FPU: (12345, 2) -> 123.45. */
void json_fixed(struct json_writer *w, const char *key, int64_t v,
		unsigned decimals);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);
void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
/* Closes the outer object; returns buf, or NULL (buf emptied) on failure. */
const char *json_end(struct json_writer *w);

#endif

/*
 * yamlparse: libyaml's parse-only speed, the floor for any converter built
 * on it.  Reads one YAML stream (file operand or stdin), pulls every event
 * and builds nothing; prints the number of events.  A benchmark tool of
 * bench/run.sh, not a filter.
 */
#include <stdio.h>
#include <stdlib.h>

#include <yaml.h>

int
main(int argc, char *argv[])
{
	yaml_parser_t parser;
	yaml_event_t event;
	FILE *fp;
	unsigned long n;
	int done;

	if (argc > 2) {
		fputs("usage: yamlparse [file]\n", stderr);
		return 2;
	}
	fp = argc == 2 ? fopen(argv[1], "rb") : stdin;
	if (fp == NULL) {
		perror(argv[1]);
		return 2;
	}
	if (!yaml_parser_initialize(&parser))
		return 2;
	yaml_parser_set_input_file(&parser, fp);
	for (n = 0, done = 0; !done; n++) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "yamlparse: %s\n", parser.problem);
			return 1;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	printf("%lu\n", n);
	return 0;
}

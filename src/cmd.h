/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - kmemsim commands that live outside main.c
 *
 * Each command gets main()'s argument vector from its own name on
 * (argv[0] is "replay", ...), parses its options, writes its output and
 * returns the process exit status: 0 ok, 1 the command failed, 2 usage
 * error.  main.c only dispatches; one line per command here.
 */
#ifndef SIM_CMD_H
#define SIM_CMD_H

#include <stdbool.h>
#include <stddef.h>

/* kmemsim replay TRACE|- [options]: cmd_replay.c, docs/replay.md */
int cmd_replay(int argc, char **argv);
/* kmemsim run [FILE.lua|-] [options]: cmd_run.c, docs/reports.md */
int cmd_run(int argc, char **argv);
/* kmemsim compare [FILE.lua|-] [options]: cmd_compare.c, docs/reports.md */
int cmd_compare(int argc, char **argv);
/* the usage of run and compare (--help), cmd_scenario.c */
extern const char cmd_run_usage[];

/* option parsing shared by the commands (cmd_scenario.c) */
/* "--name=value" or "--name value": the value, or NULL if absent */
const char *cmd_opt_value(int argc, char **argv, int *i, const char *name);
/* @arg is --name or --name=... */
bool cmd_opt_is(const char *arg, const char *name);
/*
 * cmd_config_set_kv - apply "KEY=VALUE" (--opt) to @cfg through
 * sim_config_set(); 0, or -1 with the reason in @err
 */
struct sim_config;
int cmd_config_set_kv(struct sim_config *cfg, const char *kv, char *err,
		      size_t errlen);

#endif /* SIM_CMD_H */

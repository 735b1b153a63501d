/* SPDX-License-Identifier: GPL-2.0-or-later */
/* simversion.c - sim_version(): which engine a program runs with
 *
 * Compiled into the library, so a program linked against libkmemsim.so
 * can tell the library it loaded from the headers it was built with
 * (SIM_VERSION_STRING).
 */
#include "config.h"

#include "simversion.h"

const char *sim_version(void)
{
	return PACKAGE_VERSION;
}

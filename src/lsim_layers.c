/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_layers.c - the simulator methods of each engine layer, in one list
 *
 * Each layer's binding file exports lsim_open_<layer>_methods(), which adds
 * its methods to the simulator's method table on top of the stack.  This
 * list is the only place that knows them all (Lua's linit.c pattern).
 */
#include "config.h"

#include "lsimaux.h"

void lsim_open_layer_methods(lua_State *L)
{
	(void)L;
	/* physical memory, GFP, slab, mempool bindings register here */
	lsim_open_mem_methods(L);
	lsim_open_slab_methods(L);
	lsim_open_gfp_methods(L);
	lsim_open_workload_methods(L);
}

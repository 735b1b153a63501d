/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lsim_strlib.c - string.find, match, gmatch and gsub on a step budget
 *
 * Lua's pattern matcher backtracks: with k quantifiers a match can try
 * O(n^k) positions of an n-byte subject, all inside one C call, where the
 * instruction-count hook of --max-steps never fires.  string.find(
 * ("a"):rep(1e5), ("a-"):rep(9) .. "b") would run for years.  The sandbox
 * replaces the four pattern functions by this matcher, which implements
 * the patterns of the Lua 5.4 manual (§6.4.1) -- character classes, sets,
 * the quantifiers * + - ?, captures and position captures, back
 * references %1-%9, %b and %f, anchors ^ and $ -- and counts every step
 * it takes against the same budget as the VM's instructions (lsim_charge):
 * a pathological pattern ends the run like a runaway loop.
 *
 * The matcher is a backtracking one, like Lua's: match() walks the pattern
 * item by item, recursing where it must try alternatives (a quantifier's
 * lengths, a capture's extent) and looping otherwise; its recursion depth
 * is bounded (LSIM_MATCH_DEPTH, "pattern too complex").  Results, errors
 * and corner cases (empty matches in gmatch and gsub, init beyond the end,
 * plain find) follow the manual, so scenarios see no difference.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "lsimaux.h"

#define LSIM_MATCH_DEPTH	200	/* nested quantifiers/captures (Lua's MAXCCALLS) */
#define LSIM_MATCH_CHUNK	4096	/* steps between budget checks */
#define LSIM_MAXCAPTURES	32	/* LUA_MAXCAPTURES */
#define LSIM_SPECIALS		"^$*+?.([%-"

#define CAP_UNFINISHED	(-1)
#define CAP_POSITION	(-2)

struct lsim_match {
	lua_State *L;
	const char *src, *src_end;	/* the subject */
	const char *pat_end;		/* the pattern's end */
	int depth;			/* recursion left */
	int level;			/* captures so far */
	struct {
		const char *init;
		ptrdiff_t len;		/* or CAP_UNFINISHED / CAP_POSITION */
	} cap[LSIM_MAXCAPTURES];
	unsigned left;			/* steps before the next budget check */
};

/* one step of work; the budget is charged a chunk at a time */
static inline void lm_step(struct lsim_match *ms)
{
	if (--ms->left == 0) {
		ms->left = LSIM_MATCH_CHUNK;
		lsim_charge(ms->L, LSIM_MATCH_CHUNK);
	}
}

static void lm_init(struct lsim_match *ms, lua_State *L, const char *s,
		    size_t ls, const char *p, size_t lp)
{
	ms->L = L;
	ms->src = s;
	ms->src_end = s + ls;
	ms->pat_end = p + lp;
	ms->left = LSIM_MATCH_CHUNK;
}

static void lm_reset(struct lsim_match *ms)
{
	ms->level = 0;
	ms->depth = LSIM_MATCH_DEPTH;
}

/* %a, %d, ... on character @c; @cl is the class letter (upper: complement) */
static bool lm_class(int c, int cl)
{
	bool r;

	switch (tolower(cl)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	case 'z': r = c == 0; break;	/* Lua 5.1's \0 class, still accepted */
	default: return cl == c;	/* %. %% %[ ...: the character itself */
	}
	return isupper(cl) ? !r : r;
}

/* [set] from @p (at '[') to @ec (at its ']') against @c */
static bool lm_set(int c, const char *p, const char *ec)
{
	bool in = true;

	p++;
	if (*p == '^') {
		in = false;
		p++;
	}
	while (p < ec) {
		if (*p == '%' && p + 1 < ec) {
			if (lm_class(c, (unsigned char)p[1]))
				return in;
			p += 2;
		} else if (p + 2 < ec && p[1] == '-') {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return in;
			p += 3;
		} else {
			if ((unsigned char)*p == c)
				return in;
			p++;
		}
	}
	return !in;
}

/* the end of the single-character class starting at @p */
static const char *lm_class_end(struct lsim_match *ms, const char *p)
{
	if (*p == '%') {
		if (p + 1 >= ms->pat_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 2;
	}
	if (*p == '[') {
		p++;
		if (p < ms->pat_end && *p == '^')
			p++;
		do {	/* a ']' right after '[' or '[^' is a member */
			if (p >= ms->pat_end)
				luaL_error(ms->L, "malformed pattern (missing ']')");
			if (*p++ == '%' && p < ms->pat_end)
				p++;
		} while (p >= ms->pat_end || *p != ']');
		return p + 1;
	}
	return p + 1;
}

/* does the subject byte at @s match the class from @p to @ep? */
static bool lm_single(struct lsim_match *ms, const char *s, const char *p,
		      const char *ep)
{
	int c;

	if (s >= ms->src_end)
		return false;
	c = (unsigned char)*s;
	switch (*p) {
	case '.':
		return true;
	case '%':
		return lm_class(c, (unsigned char)p[1]);
	case '[':
		return lm_set(c, p, ep - 1);
	default:
		return (unsigned char)*p == c;
	}
}

static const char *lm_match(struct lsim_match *ms, const char *s, const char *p);

/* a greedy quantifier: the longest run first, then shorter ones */
static const char *lm_greedy(struct lsim_match *ms, const char *s,
			     const char *p, const char *ep)
{
	ptrdiff_t i = 0;

	while (lm_single(ms, s + i, p, ep)) {
		lm_step(ms);
		i++;
	}
	for (; i >= 0; i--) {
		const char *r = lm_match(ms, s + i, ep + 1);

		if (r)
			return r;
		lm_step(ms);
	}
	return NULL;
}

/* a lazy quantifier ('-'): the shortest run first */
static const char *lm_lazy(struct lsim_match *ms, const char *s,
			   const char *p, const char *ep)
{
	for (;;) {
		const char *r = lm_match(ms, s, ep + 1);

		if (r)
			return r;
		if (!lm_single(ms, s, p, ep))
			return NULL;
		lm_step(ms);
		s++;
	}
}

static const char *lm_open(struct lsim_match *ms, const char *s,
			   const char *p, ptrdiff_t what)
{
	const char *r;

	if (ms->level >= LSIM_MAXCAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->cap[ms->level].init = s;
	ms->cap[ms->level].len = what;
	ms->level++;
	r = lm_match(ms, s, p);
	if (!r)
		ms->level--;
	return r;
}

static const char *lm_close(struct lsim_match *ms, const char *s,
			    const char *p)
{
	const char *r;
	int l;

	for (l = ms->level - 1; l >= 0; l--)
		if (ms->cap[l].len == CAP_UNFINISHED)
			break;
	if (l < 0)
		luaL_error(ms->L, "invalid pattern capture");
	ms->cap[l].len = s - ms->cap[l].init;
	r = lm_match(ms, s, p);
	if (!r)
		ms->cap[l].len = CAP_UNFINISHED;
	return r;
}

/* %bxy at @p (pointing at x) */
static const char *lm_balance(struct lsim_match *ms, const char *s,
			      const char *p)
{
	int depth = 1;

	if (p + 1 >= ms->pat_end)
		luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= ms->src_end || *s != p[0])
		return NULL;
	while (++s < ms->src_end) {
		lm_step(ms);
		if (*s == p[1]) {
			if (--depth == 0)
				return s + 1;
		} else if (*s == p[0]) {
			depth++;
		}
	}
	return NULL;
}

static int lm_capture_index(struct lsim_match *ms, int c)
{
	int l = c - '1';

	if (l < 0 || l >= ms->level || ms->cap[l].len == CAP_UNFINISHED)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	return l;
}

/* %1..%9: the text of capture @c again */
static const char *lm_backref(struct lsim_match *ms, const char *s, int c)
{
	int l = lm_capture_index(ms, c);
	size_t len = (size_t)ms->cap[l].len;

	if (ms->cap[l].len == CAP_POSITION)
		return NULL;	/* as Lua's: a position capture never matches */
	for (size_t i = 0; i < len; i += LSIM_MATCH_CHUNK / 8)
		lm_step(ms);
	if ((size_t)(ms->src_end - s) >= len &&
	    memcmp(ms->cap[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/*
 * The end of a match of pattern @p at subject position @s, or NULL.  Loops
 * along the pattern; recurses only where alternatives must be tried.
 */
static const char *lm_match(struct lsim_match *ms, const char *s, const char *p)
{
	const char *ep, *r;

	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
	for (;;) {
		lm_step(ms);
		if (p >= ms->pat_end)
			break;
		switch (*p) {
		case '(':
			if (p + 1 < ms->pat_end && p[1] == ')')
				s = lm_open(ms, s, p + 2, CAP_POSITION);
			else
				s = lm_open(ms, s, p + 1, CAP_UNFINISHED);
			goto out;
		case ')':
			s = lm_close(ms, s, p + 1);
			goto out;
		case '$':
			if (p + 1 == ms->pat_end) {
				if (s != ms->src_end)
					s = NULL;
				goto out;
			}
			break;	/* a '$' elsewhere is itself */
		case '%':
			if (p + 1 >= ms->pat_end)
				break;	/* lm_class_end names the error */
			if (p[1] == 'b') {
				s = lm_balance(ms, s, p + 2);
				if (!s)
					goto out;
				p += 4;
				continue;
			}
			if (p[1] == 'f') {
				int prev, cur;

				p += 2;
				if (p >= ms->pat_end || *p != '[')
					luaL_error(ms->L, "missing '[' after '%%f' in pattern");
				ep = lm_class_end(ms, p);
				prev = s == ms->src ? 0 : (unsigned char)s[-1];
				cur = s < ms->src_end ? (unsigned char)*s : 0;
				if (!lm_set(prev, p, ep - 1) && lm_set(cur, p, ep - 1)) {
					p = ep;
					continue;
				}
				s = NULL;
				goto out;
			}
			if (isdigit((unsigned char)p[1])) {
				s = lm_backref(ms, s, (unsigned char)p[1]);
				if (!s)
					goto out;
				p += 2;
				continue;
			}
			break;
		default:
			break;
		}
		/* a single-character class, perhaps with a quantifier */
		ep = lm_class_end(ms, p);
		if (!lm_single(ms, s, p, ep)) {
			if (ep < ms->pat_end && (*ep == '*' || *ep == '?' || *ep == '-')) {
				p = ep + 1;	/* zero repetitions */
				continue;
			}
			s = NULL;
			goto out;
		}
		switch (ep < ms->pat_end ? *ep : '\0') {
		case '?':
			r = lm_match(ms, s + 1, ep + 1);
			if (r) {
				s = r;
				goto out;
			}
			p = ep + 1;
			continue;
		case '+':
			s = lm_greedy(ms, s + 1, p, ep);
			goto out;
		case '*':
			s = lm_greedy(ms, s, p, ep);
			goto out;
		case '-':
			s = lm_lazy(ms, s, p, ep);
			goto out;
		default:
			s++;
			p = ep;
			continue;
		}
	}
out:
	ms->depth++;
	return s;
}

/* capture @i of a match from @s to @e, pushed */
static void lm_push_capture(struct lsim_match *ms, int i, const char *s,
			    const char *e)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(ms->L, s, (size_t)(e - s));	/* the whole match */
		return;
	}
	if (ms->cap[i].len == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	if (ms->cap[i].len == CAP_POSITION)
		lua_pushinteger(ms->L, (ms->cap[i].init - ms->src) + 1);
	else
		lua_pushlstring(ms->L, ms->cap[i].init, (size_t)ms->cap[i].len);
}

/* every capture (or the whole match if none and @s is set); how many */
static int lm_push_captures(struct lsim_match *ms, const char *s, const char *e)
{
	int n = (ms->level == 0 && s) ? 1 : ms->level;

	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		lm_push_capture(ms, i, s, e);
	return n;
}

/* Lua 5.4's rule for a start position: negative counts from the end */
static size_t lm_start(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

static bool lm_plain_pattern(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++)
		if (p[i] && strchr(LSIM_SPECIALS, p[i]))
			return false;
	return true;
}

/* plain substring search, charged per candidate position */
static const char *lm_find_plain(lua_State *L, const char *s, size_t ls,
				 const char *p, size_t lp)
{
	uint64_t work = 0;

	if (lp == 0)
		return s;
	for (const char *q = s; lp <= (size_t)(s + ls - q); q++) {
		q = memchr(q, p[0], (size_t)(s + ls - q) - lp + 1);
		if (!q)
			break;
		work += lp;
		if (work >= LSIM_MATCH_CHUNK) {
			lsim_charge(L, work);
			work = 0;
		}
		if (memcmp(q + 1, p + 1, lp - 1) == 0)
			return q;
	}
	lsim_charge(L, work + ls / 64);
	return NULL;
}

static int lm_find_aux(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = lm_start(luaL_optinteger(L, 3, 1), ls);
	struct lsim_match ms;
	const char *s1;
	bool anchor;

	if (init > ls + 1) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || lm_plain_pattern(p, lp))) {
		const char *q = lm_find_plain(L, s + init - 1, ls - init + 1, p, lp);

		if (q) {
			lua_pushinteger(L, (q - s) + 1);
			lua_pushinteger(L, (lua_Integer)((q - s) + (ptrdiff_t)lp));
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	lm_init(&ms, L, s, ls, p, lp);
	s1 = s + init - 1;
	do {
		const char *e;

		lm_reset(&ms);
		e = lm_match(&ms, s1, p);
		if (e) {
			if (find) {
				lua_pushinteger(L, (s1 - s) + 1);
				lua_pushinteger(L, e - s);
				return lm_push_captures(&ms, NULL, NULL) + 2;
			}
			return lm_push_captures(&ms, s1, e);
		}
	} while (s1++ < ms.src_end && !anchor);
	luaL_pushfail(L);
	return 1;
}

static int lm_find(lua_State *L)
{
	return lm_find_aux(L, true);
}

static int lm_str_match(lua_State *L)
{
	return lm_find_aux(L, false);
}

/* ---- gmatch ---- */

/* the iterator's state: offsets into the subject (upvalue 1) */
struct lm_gmatch {
	size_t pos;		/* where the next search starts */
	size_t last;		/* the end of the last match (SIZE_MAX: none) */
};

static int lm_gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	struct lm_gmatch *gm = lua_touserdata(L, lua_upvalueindex(3));
	struct lsim_match ms;

	lm_init(&ms, L, s, ls, p, lp);
	for (const char *src = s + gm->pos; src <= ms.src_end; src++) {
		const char *e;

		lm_reset(&ms);
		e = lm_match(&ms, src, p);
		if (e && (size_t)(e - s) != gm->last) {
			gm->pos = gm->last = (size_t)(e - s);
			return lm_push_captures(&ms, src, e);
		}
	}
	gm->pos = ls + 1;
	return 0;
}

static int lm_gmatch(lua_State *L)
{
	size_t ls;
	struct lm_gmatch *gm;
	size_t init;

	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	init = lm_start(luaL_optinteger(L, 3, 1), ls);
	if (init > ls + 1)	/* start just after the end */
		init = ls + 1;
	lua_settop(L, 2);
	gm = lua_newuserdatauv(L, sizeof *gm, 0);
	gm->pos = init - 1;
	gm->last = SIZE_MAX;
	lua_pushcclosure(L, lm_gmatch_next, 3);
	return 1;
}

/* ---- gsub ---- */

/* the replacement string @repl for a match from @s to @e */
static void lm_add_string(struct lsim_match *ms, luaL_Buffer *b, const char *s,
			  const char *e, int repl)
{
	lua_State *L = ms->L;
	size_t l;
	const char *r = lua_tolstring(L, repl, &l);
	const char *end = r + l;

	while (r < end) {
		const char *pc = memchr(r, '%', (size_t)(end - r));

		if (!pc) {
			luaL_addlstring(b, r, (size_t)(end - r));
			break;
		}
		luaL_addlstring(b, r, (size_t)(pc - r));
		pc++;
		if (pc < end && *pc == '%') {
			luaL_addchar(b, '%');
		} else if (pc < end && isdigit((unsigned char)*pc)) {
			if (*pc == '0') {
				luaL_addlstring(b, s, (size_t)(e - s));
			} else {
				lm_push_capture(ms, *pc - '1', s, e);
				luaL_tolstring(L, -1, NULL);
				lua_remove(L, -2);
				luaL_addvalue(b);
			}
		} else {
			luaL_error(L, "invalid use of '%%' in replacement string");
		}
		r = pc + 1;
	}
}

/* the replacement of a match from @s to @e by a string, table or function */
static void lm_add_value(struct lsim_match *ms, luaL_Buffer *b, const char *s,
			 const char *e, int tr)
{
	lua_State *L = ms->L;

	switch (tr) {
	case LUA_TFUNCTION: {
		int n;

		lua_pushvalue(L, 3);
		n = lm_push_captures(ms, s, e);
		lua_call(L, n, 1);
		break;
	}
	case LUA_TTABLE:
		lm_push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
		break;
	default:
		lm_add_string(ms, b, s, e, 3);
		return;
	}
	if (!lua_toboolean(L, -1)) {	/* nil or false: keep the match */
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
	} else if (!lua_isstring(L, -1)) {
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	} else {
		luaL_addvalue(b);
	}
}

static int lm_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last = NULL;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	struct lsim_match ms;
	luaL_Buffer b;
	bool anchor;

	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
			 tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
			 "string/function/table");
	luaL_buffinit(L, &b);
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	lm_init(&ms, L, src, ls, p, lp);
	while (n < max) {
		const char *e;

		lm_reset(&ms);
		e = lm_match(&ms, src, p);
		if (e && e != last) {
			n++;
			lm_add_value(&ms, &b, src, e, tr);
			src = last = e;
		} else if (src < ms.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

void lsim_open_strlib(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{ "find", lm_find },
		{ "match", lm_str_match },
		{ "gmatch", lm_gmatch },
		{ "gsub", lm_gsub },
		{ NULL, NULL },
	};

	luaL_setfuncs(L, funcs, 0);
}

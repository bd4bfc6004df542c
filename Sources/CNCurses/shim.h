#ifndef SVCTOP_CNCURSES_SHIM_H
#define SVCTOP_CNCURSES_SHIM_H

// SwiftPM drops pkg-config's -D flags, so the wide-character API is switched on here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <stdio.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 cannot reference mutable C globals or function-like macros; these accessors stand in for them.
static inline WINDOW *svctop_stdscr(void) { return stdscr; }
static inline WINDOW *svctop_curscr(void) { return curscr; }
static inline int svctop_cols(void) { return COLS; }
static inline int svctop_lines(void) { return LINES; }
static inline int svctop_colors(void) { return COLORS; }
static inline int svctop_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t svctop_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t svctop_a_bold(void) { return A_BOLD; }
static inline attr_t svctop_a_dim(void) { return A_DIM; }
static inline attr_t svctop_a_reverse(void) { return A_REVERSE; }
static inline attr_t svctop_a_underline(void) { return A_UNDERLINE; }
static inline attr_t svctop_a_normal(void) { return A_NORMAL; }
static inline FILE *svctop_stdout(void) { return stdout; }
static inline FILE *svctop_stdin(void) { return stdin; }
static inline const char *svctop_codeset(void) { return nl_langinfo(CODESET); }

/// Writes `n` wide characters at (y, x) with the given attributes and color pair.
static inline int svctop_put(int y, int x, const wchar_t *text, int n, attr_t attrs, short pair) {
    if (wmove(stdscr, y, x) == ERR) return ERR;
    wattr_set(stdscr, attrs, pair, NULL);
    return waddnwstr(stdscr, text, n);
}

#endif

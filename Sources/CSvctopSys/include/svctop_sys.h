#ifndef SVCTOP_SYS_H
#define SVCTOP_SYS_H

/// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP and SIGCONT that write the signal number
/// as one byte to `write_fd` (the self-pipe trick; the handlers are async-signal-safe). Returns 0 or -1.
int svctop_install_signal_pipe(int write_fd);

/// Stops the process the way the terminal's suspend key would (default SIGTSTP action), and returns after
/// the process is continued. The pipe handler is reinstalled before returning.
void svctop_suspend_self(void);

/// Saves the terminal settings of `fd` so that a crash path can put them back. Returns 0 or -1.
int svctop_save_terminal(int fd);

/// Puts back the saved terminal settings, shows the cursor and leaves the alternate screen.
/// Async-signal-safe; harmless when nothing was saved.
void svctop_restore_terminal(void);

/// Installs handlers for fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE) that restore the
/// terminal and then die of the same signal, and an atexit hook that restores it too.
void svctop_install_crash_restore(void);

/// Marks the terminal as no longer in full-screen mode, so later restores do nothing.
void svctop_terminal_released(void);

/// The commit the binary was built from ("unknown" for a development build; scripts/release sets it).
const char *svctop_build_commit(void);

/// Asks the kernel to reclaim the pages of the executable's own read-only mappings (code, relocations, symbol
/// tables) that this process alone maps. Much of what start-up reads is never read again but stays resident;
/// the pages still in use fault back in when next touched. Writable mappings are left alone. Returns the bytes
/// advised, or -1 when the kernel does not support it (MADV_PAGEOUT is Linux 5.4).
long svctop_release_startup_pages(void);

/// Gives the kernel back the free pages inside every malloc arena (glibc's malloc_trim(0)): a long-running process
/// whose threads allocate in several arenas holds freed memory in each of them, counted in its RSS. Returns 1 when
/// memory was given back, 0 otherwise.
int svctop_trim_heap(void);

/// Names the calling thread (at most 15 bytes are kept), as `top -H` and /proc/PID/task/TID/comm show it; a
/// thread otherwise carries the name of the thread that created it. Returns 0 or an error number.
int svctop_name_thread(const char *name);

#endif

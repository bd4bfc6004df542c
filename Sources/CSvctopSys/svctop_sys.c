#define _GNU_SOURCE
#include "svctop_sys.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

static volatile int pipe_fd = -1;
static struct termios saved_termios;
static volatile sig_atomic_t saved_fd = -1;
static volatile sig_atomic_t in_full_screen = 0;

static void pipe_handler(int sig) {
    int saved_errno = errno;
    unsigned char byte = (unsigned char)sig;
    if (pipe_fd >= 0) {
        ssize_t ignored = write(pipe_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved_errno;
}

static int install(int sig, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(sig, &action, NULL);
}

int svctop_install_signal_pipe(int write_fd) {
    pipe_fd = write_fd;
    int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (install(signals[i], pipe_handler) != 0) return -1;
    }
    return 0;
}

void svctop_suspend_self(void) {
    install(SIGTSTP, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    // Execution continues here after SIGCONT.
    install(SIGTSTP, pipe_handler);
}

int svctop_save_terminal(int fd) {
    if (tcgetattr(fd, &saved_termios) != 0) return -1;
    saved_fd = fd;
    in_full_screen = 1;
    return 0;
}

void svctop_terminal_released(void) { in_full_screen = 0; }

void svctop_restore_terminal(void) {
    if (!in_full_screen || saved_fd < 0) return;
    in_full_screen = 0;
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(saved_fd, reset, sizeof reset - 1);
    (void)ignored;
    tcsetattr(saved_fd, TCSAFLUSH, &saved_termios);
}

static void crash_handler(int sig) {
    svctop_restore_terminal();
    install(sig, SIG_DFL);
    raise(sig);
}

static void at_exit_restore(void) { svctop_restore_terminal(); }

void svctop_install_crash_restore(void) {
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signals[i], &action, NULL);
    }
    atexit(at_exit_restore);
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

long svctop_release_startup_pages(void) {
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return -1;
    exe[length] = 0;
    FILE *maps = fopen("/proc/self/maps", "re");
    if (!maps) return -1;
    char line[4352];
    long advised = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char perms[8];
        int path_at = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3 || path_at == 0) continue;
        char *path = line + path_at;
        path[strcspn(path, "\n")] = 0;
        if (perms[1] == 'w' || strcmp(path, exe) != 0) continue;
        if (madvise((void *)start, end - start, MADV_PAGEOUT) != 0) {
            fclose(maps);
            return errno == EINVAL ? -1 : advised;
        }
        advised += (long)(end - start);
    }
    fclose(maps);
    return advised;
}

int svctop_trim_heap(void) { return malloc_trim(0); }

int svctop_name_thread(const char *name) {
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = 0;
    return pthread_setname_np(pthread_self(), kept);
}

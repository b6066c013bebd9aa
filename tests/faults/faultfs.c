/* A fault injector for the storage tests, loaded into a real server with LD_PRELOAD.
 *
 * While the file $FAULT_DIR/short-writes exists, write() on a regular file writes at most 7 bytes
 * (a short write, as POSIX allows); while $FAULT_DIR/fail-sync exists, fsync() and fdatasync()
 * fail with EIO (what a failing disk answers). Nothing else changes: the server, its files and
 * the kernel are real. Built by tests/faults/__init__.py with gcc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int flag(const char *name) {
    const char *dir = getenv("FAULT_DIR");
    char path[4096];
    struct stat st;
    if (!dir) return 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static int regular(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

ssize_t write(int fd, const void *buf, size_t count) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = dlsym(RTLD_NEXT, "write");
    if (count > 7 && regular(fd) && flag("short-writes")) count = 7;
    return real(fd, buf, count);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = dlsym(RTLD_NEXT, "fdatasync");
    if (flag("fail-sync")) { errno = EIO; return -1; }
    return real(fd);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = dlsym(RTLD_NEXT, "fsync");
    if (flag("fail-sync")) { errno = EIO; return -1; }
    return real(fd);
}

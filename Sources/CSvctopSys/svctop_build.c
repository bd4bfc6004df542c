#include "svctop_sys.h"

// scripts/release passes the commit with -Xcc -DSVCTOP_COMMIT="...": a C string is the one way SwiftPM lets a
// build put a value into the binary without writing a source file.
#ifndef SVCTOP_COMMIT
#define SVCTOP_COMMIT "unknown"
#endif

const char *svctop_build_commit(void) { return SVCTOP_COMMIT; }

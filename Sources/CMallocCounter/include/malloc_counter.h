#ifndef SVCTOP_MALLOC_COUNTER_H
#define SVCTOP_MALLOC_COUNTER_H
#include <stdint.h>
/// Number of allocation calls (malloc, calloc, realloc, aligned variants) made by this process so far.
uint64_t svctop_malloc_count(void);
/// Bytes requested by those calls so far.
uint64_t svctop_malloc_bytes(void);
/// Bytes the allocator has handed out and not taken back, its own chunk headers included (glibc's mallinfo2).
uint64_t svctop_heap_in_use(void);
#endif

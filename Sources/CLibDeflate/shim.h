// libdeflate, as the system provides it (Debian: libdeflate-dev). Linked from its static archive by the
// SvctopNetwork target (Package.swift), so that the release binary needs no libdeflate at run time.
#include <libdeflate.h>

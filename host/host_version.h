/* host_version.h - the release number, and whether this is the host of a shipped build.
 */
#ifndef HOST_VERSION_H
#define HOST_VERSION_H

/* The release, printed by --version and written into livehost.pc (the Makefile reads it here). */
#define LIVEHOST_VERSION "0.1.0"

/* 1 in the host of a shipped build (make release: -DHOST_RELEASE=1), whose game is linked in
 * (hr_static.c in place of the loading core): no builds, assets beside the program, the
 * window named after the game. 0 in the hot-reload host. */
#ifndef HOST_RELEASE
#define HOST_RELEASE 0
#endif

#endif /* HOST_VERSION_H */

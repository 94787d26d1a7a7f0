/* hr_names.c - the names of the core's status and error codes, from one list each, so a code
 * and its name cannot drift apart. Shared by both implementations of hr.h: the loading core
 * (hr.c) and the linked-in one of a shipped build (hr_static.c). Owns nothing.
 */
#include "hr.h"

/* The one list of error codes and their names, so the two cannot drift apart. */
#define HR_ERRORS(X)                                                                               \
    X(HR_ERR_NONE, "ok")                                                                           \
    X(HR_ERR_NOMEM, "out of memory")                                                               \
    X(HR_ERR_MISSING, "file missing")                                                              \
    X(HR_ERR_NOT_FILE, "not a regular file")                                                       \
    X(HR_ERR_INCOMPLETE, "incomplete file")                                                        \
    X(HR_ERR_NOT_LIBRARY, "not a loadable library")                                                \
    X(HR_ERR_TEMP, "private copy failed")                                                          \
    X(HR_ERR_DLOPEN, "dlopen failed")                                                              \
    X(HR_ERR_SYMBOL, "symbol missing")                                                             \
    X(HR_ERR_REFUSED, "refused")                                                                   \
    X(HR_ERR_STILL_LOADED, "old copy still loaded")                                                \
    X(HR_ERR_NOT_LOADED, "nothing loaded")                                                         \
    X(HR_ERR_PREFLIGHT, "pre-flight failed")                                                       \
    X(HR_ERR_FORBIDDEN, "forbidden build")                                                         \
    X(HR_ERR_NO_ROLLBACK, "no build to roll back to")                                              \
    X(HR_ERR_CHECKING, "checking")                                                                 \
    X(HR_ERR_NO_WATCH, "no change notification")

#define HR_STATUSES(X)                                                                             \
    X(HR_UNCHANGED, "unchanged")                                                                   \
    X(HR_RELOADED, "reloaded")                                                                     \
    X(HR_NOT_READY, "not ready")                                                                   \
    X(HR_LOAD_FAILED, "load failed")                                                               \
    X(HR_REFUSED, "refused")

#define AS_CASE(code, text)                                                                        \
    case code: return text;

const char *hr_error_name(hr_error error)
{
    switch (error) {
        HR_ERRORS(AS_CASE)
    }
    return "unknown error";
}

const char *hr_status_name(hr_status status)
{
    switch (status) {
        HR_STATUSES(AS_CASE)
    }
    return "unknown status";
}

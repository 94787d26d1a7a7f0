/* host_layout_prefetch.c - a new build's state layout, read from its debug information in a
 * thread while the build's pre-flight runs, so the frame that loads the build does not wait for
 * libdw (a few milliseconds for a big library).
 *
 * hr's prepare hook names the private copy as soon as it is made, and the layout of the running
 * build's state_type is read from it here, in a thread. When the build is validated the layout
 * is taken if it was read from that copy for that type: the thread has ended by then (the
 * pre-flight, a process of its own, takes longer than the read). Otherwise (the first load, a
 * renamed state_type, no pre-flight) the caller reads it itself. Owns the thread and the layout
 * until it is taken; one read at a time.
 */
#include "host_layout.h"
#include "host_os.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
    pthread_t thread;
    int running;         /* started and not yet joined */
    char *path, *type;   /* what is being read */
    host_layout *layout; /* the thread's result: read only after the join */
} pf;

static void *read_layout(void *arg)
{
    (void)arg;
    /* The host's signals (a screenshot request, Ctrl-C, the watchdog's) stay with its threads. */
    host_os_thread_block_signals();
    pf.layout = host_layout_read(pf.path, pf.type);
    return NULL;
}

/* Waits for the read in flight, if any, and lets go of everything. */
static void drop(void)
{
    if (pf.running)
        pthread_join(pf.thread, NULL);
    pf.running = 0;
    host_layout_free(pf.layout);
    free(pf.path);
    free(pf.type);
    pf.layout = NULL;
    pf.path = pf.type = NULL;
}

void host_layout_prefetch(const char *path, const char *type_name)
{
    drop();
    pf.path = strdup(path);
    pf.type = strdup(type_name);
    if (!pf.path || !pf.type) {
        drop(); /* the build's validation reads it instead */
        return;
    }
    pf.running = pthread_create(&pf.thread, NULL, read_layout, NULL) == 0;
    if (!pf.running)
        drop();
}

host_layout *host_layout_prefetched(const char *path, const char *type_name)
{
    if (!pf.path || strcmp(pf.path, path) != 0 || strcmp(pf.type, type_name) != 0) {
        drop();
        return NULL;
    }
    if (pf.running)
        pthread_join(pf.thread, NULL);
    pf.running = 0;
    host_layout *layout = pf.layout;
    pf.layout = NULL;
    drop();
    return layout;
}

void host_layout_prefetch_end(void)
{
    drop();
}

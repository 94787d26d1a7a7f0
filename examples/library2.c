/* examples/library2.c - a second hot-reloadable library for examples/main.c, called by name
 * through hr_call(): its functions take one `void *` argument, as the original framework's
 * generic_call did. */
#include <stdio.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT void library2_greet(void *arg);

void library2_greet(void *arg)
{
    printf("library2 says hello to %s\n", (const char *)arg);
}

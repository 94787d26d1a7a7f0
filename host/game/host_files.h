/* host_files.h - the game's own files: the read_file and write_file services (host_files.c).
 */
#ifndef HOST_FILES_H
#define HOST_FILES_H

#include <stdint.h>

/* Names given to the file services resolve against project_dir (made absolute). */
void host_files_open(const char *project_dir);
/* The read_file / write_file services (see host_services). */
int64_t host_files_read(const char *name, void *buf, uint64_t size);
int host_files_write(const char *name, const void *data, uint64_t size);

#endif /* HOST_FILES_H */

/*
 * The sensitive-file detector ("sensitive-file"): files that should never ship in an image, found
 * by name and by content in every layer: .env files, private keys, cloud, registry and
 * package-manager credentials, keystores, .git directories, shell histories.
 *
 * Its rules are data (one table row per credential store) and its findings are per entry: a file
 * deleted or overwritten by a later layer still ships, and the overlay module tells the report
 * whether a container of the final image sees it.
 */
#ifndef LSC_LIB_DETECT_SENSITIVE_FILES_H
#define LSC_LIB_DETECT_SENSITIVE_FILES_H

#include "lib/detect.h"

extern const struct lsc_detector_ops lsc_detect_sensitive_files;

#endif

/* version.h - the koder release number, shown by `koder --version`. */
#ifndef KODER_VERSION_H
#define KODER_VERSION_H
#define KODER_VERSION "0.1.0"
#endif

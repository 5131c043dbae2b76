#ifndef SEGKIT_CZLIB_SHIM_H
#define SEGKIT_CZLIB_SHIM_H
#include <zlib.h>
#endif

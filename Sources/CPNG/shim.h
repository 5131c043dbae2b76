#ifndef SEGKIT_CPNG_SHIM_H
#define SEGKIT_CPNG_SHIM_H
#include <png.h>
#endif

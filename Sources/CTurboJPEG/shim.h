#ifndef SEGKIT_CTURBOJPEG_SHIM_H
#define SEGKIT_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif

#ifndef SEGKIT_CFUZZERDRIVER_H
#define SEGKIT_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>
/* libFuzzer's entry point for programs that have their own main (compiler-rt's fuzzer_no_main
   library, linked by fuzz/run.sh). */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif

// SwiftPM links ELF executables with `--defsym main=<Module>_main`, so that test targets can
// link an executable's code without its `main`. Under `-parse-as-library` the Swift module
// emits no `SIPCoreFuzzer_main`, which breaks the link; and libFuzzer brings its own `main`.
// This defines `SIPCoreFuzzer_main` as libFuzzer's driver, so `main` ends up being libFuzzer's
// whichever way the executable is linked. (Where SwiftPM does not rename, this is unused.)
#include "entry.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size);
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const unsigned char *data, unsigned long size));

int SIPCoreFuzzer_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

// Nothing to import: entry.c only provides the `SIPCoreFuzzer_main` symbol (see there).
#pragma once

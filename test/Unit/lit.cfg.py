# -*- Python -*-
# lit configuration that runs SPC's gtest binaries, one lit test per gtest case.

import os

import lit.formats

config.name = "SPC-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.spc_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")

for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "HOME", "TMP", "TEMP"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

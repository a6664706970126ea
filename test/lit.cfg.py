# -*- Python -*-
# lit configuration for SPC's FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SPC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Unit", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.spc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
llvm_config.with_system_environment(["HOME", "TMP", "TEMP", "ASAN_OPTIONS", "UBSAN_OPTIONS"])
llvm_config.use_default_substitutions()

# SPC_VERIFY_ROUNDTRIP=1 reruns every spc-opt invocation with
# --verify-roundtrip, which checks that the output parses back to the same IR.
spc_opt_args = []
if os.environ.get("SPC_VERIFY_ROUNDTRIP", "0") not in ("", "0"):
    spc_opt_args.append("--verify-roundtrip")

# Debian installs FileCheck, not and count under the LLVM tools directory,
# which is not on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Debian's interpreter, which has python3-onnx and numpy; a `python3` earlier
# on PATH may not.
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%spc_src", config.spc_src_root))
config.substitutions.append(("%spc_obj", config.spc_obj_root))
config.substitutions.append(("%spc_tools", config.spc_tools_dir))

tool_dirs = [config.spc_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("spc-opt", extra_args=spc_opt_args, unresolved="fatal"),
    ToolSubst("spc-translate", unresolved="fatal"),
    ToolSubst("spc-compile", unresolved="fatal"),
    ToolSubst("spc-objdump", unresolved="fatal"),
    ToolSubst("spc-run", unresolved="fatal"),
    ToolSubst("not", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# MLIR pass statistics exist only in builds with assertions (LLVM_ENABLE_STATS
# follows !NDEBUG); Debian's release packages compile them out.
llvm_config.feature_config([("--assertion-mode", {"ON": "asserts"})])

# Model tests export real architectures with Debian's python3-torch and
# python3-torchvision when they are installed.
import subprocess

if subprocess.call(["/usr/bin/python3", "-c", "import torch, torchvision, onnx"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("torch")

# The spc Python package (python/), built into the build tree; its pytest
# suites under test/Python run with %spc_python.
if config.spc_python_enabled.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("spc-python")
config.substitutions.append(
    ("%spc_python",
     "env PYTHONPATH={} SPC_BUILD_DIR={} SPC_TOOLS_DIR={} "
     "PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3".format(
         os.path.join(config.spc_obj_root, "python"), config.spc_obj_root,
         config.spc_tools_dir)))

# spc-run's HTML report renders in headless Chromium (Debian's chromium).
import shutil

if shutil.which("chromium"):
    config.available_features.add("chromium")

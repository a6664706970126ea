// spc-run --report-html rendered by headless Chromium (Debian's chromium):
// the sorting script runs (--dump-dom shows the headers it set up) and the
// screenshot shows every chart's bars (Inputs/check_report_html.py).
// REQUIRES: chromium
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=flexible-nm -o %t/block.spab
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(0).standard_normal((1, 32, 16, 16)).astype(np.float32))"
// RUN: spc-run %t/block.spab --input=input=%t/x.npy --output-dir=%t/out --stats=%t/stats.json --report-html=%t/report.html
// RUN: chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=%t/profile --window-size=1100,1400 --screenshot=%t/shot.png file://%t/report.html
// RUN: chromium --headless --no-sandbox --disable-gpu --user-data-dir=%t/profile --dump-dom file://%t/report.html > %t/dom.html
// RUN: %python %S/Inputs/check_report_html.py %t/report.html %t/stats.json --dom %t/dom.html --png %t/shot.png | FileCheck %s

// CHECK: ok

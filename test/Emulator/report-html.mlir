// spc-run --report-html: a self-contained page whose charts (cycles and
// energy, utilisation, weight bytes dense vs stored) have one bar per layer
// and whose sortable layer table holds the --stats figures
// (Inputs/check_report_html.py). A run that fails writes no page.
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=flexible-nm -o %t/block.spab
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(0).standard_normal((1, 32, 16, 16)).astype(np.float32))"
// RUN: spc-run %t/block.spab --input=input=%t/x.npy --output-dir=%t/out --stats=%t/stats.json --report-html=%t/report.html
// RUN: %python %S/Inputs/check_report_html.py %t/report.html %t/stats.json | FileCheck %s
// RUN: FileCheck %s --check-prefix=PAGE < %t/report.html
// RUN: %python -c "import numpy as np; np.save('%t/bad.npy', np.zeros((1, 3, 16, 16), np.float32))"
// RUN: not spc-run %t/block.spab --input=input=%t/bad.npy --output-dir=%t/out2 --report-html=%t/bad.html 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: test ! -e %t/bad.html

// CHECK: ok

// PAGE: <title>SPC run: block.spab on flexible-nm</title>
// PAGE: <svg id="chart-cycles-energy"
// PAGE: <svg id="chart-utilization"
// PAGE: <svg id="chart-weights"
// PAGE: <table id="layer-table" class="sortable">
// PAGE: <td>conv1+relu1</td>
// PAGE: <script>

// BAD: error: {{.*}}input

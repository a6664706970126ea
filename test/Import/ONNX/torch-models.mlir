// Real architectures exported from torch/torchvision (random weights) import
// cleanly, with every weight a resource blob and the shape subgraphs folded.
// REQUIRES: torch
// RUN: rm -rf %t && %python %S/Inputs/export_torch_models.py %t resnet18 mobilenet_v2 transformer > /dev/null

// RUN: spc-translate --import-onnx %t/resnet18.onnx | FileCheck %s --check-prefix=RESNET
// RESNET: func.func @main(%{{.*}}: tensor<?x3x224x224xf32> {onnx.name = "input"}) -> (tensor<?x1000xf32> {onnx.name = "output"})
// RESNET-COUNT-20: spa.constant dense_resource<
// RESNET: spa.conv2d {{.*}} strides [2, 2] pads [3, 3, 3, 3]
// RESNET-NEXT: spa.relu
// RESNET-NEXT: spa.max_pool2d {{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]
// RESNET-COUNT-19: spa.conv2d
// RESNET: spa.global_avg_pool2d
// RESNET: spa.reshape
// RESNET: spa.gemm
// RESNET-NOT: spa.batch_norm

// RUN: spc-translate --import-onnx %t/mobilenet_v2.onnx --input-shape=input=1,3,224,224 | FileCheck %s --check-prefix=MOBILENET
// MOBILENET: func.func @main(%{{.*}}: tensor<1x3x224x224xf32> {onnx.name = "input"}) -> (tensor<1x1000xf32> {onnx.name = "output"})
// MOBILENET-COUNT-52: spa.conv2d
// MOBILENET: spa.clip %{{.*}} min 0.000000e+00 max 6.000000e+00
// MOBILENET: spa.gemm

// The encoder's attention reshapes depend on the batch size: a dynamic batch
// must be fixed, and the error says which input dimension to fix.
// RUN: not spc-translate --import-onnx %t/transformer.onnx 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: {{.*}}'batch'{{.*}}--input-shape=ids=
// RUN: spc-translate --import-onnx %t/transformer.onnx --input-shape=ids=1,32 | FileCheck %s --check-prefix=ENCODER
// ENCODER: func.func @main(%{{.*}}: tensor<1x32xi64> {onnx.name = "ids"}) -> (tensor<1x32x2xf32> {onnx.name = "output"})
// ENCODER: spa.gather
// ENCODER: spa.softmax
// ENCODER: spa.erf
// ENCODER-NOT: spa.cast
// ENCODER: return

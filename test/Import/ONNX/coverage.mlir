// The coverage table in docs/Importer.md lists exactly the operators the
// importer converts.
// RUN: spc-translate --list-onnx-ops > %t.code
// RUN: %python -c "import re, sys; print('\n'.join(sorted(re.findall(r'^\| \x60(\w+)\x60 \|', open(sys.argv[1]).read(), re.M))))" %spc_src/docs/Importer.md > %t.doc
// RUN: diff %t.doc %t.code

// ort-run.mjs - Time an ONNX model on ONNX Runtime (CPU), the reference for
// bench/emulator-vs-ort.sh.
//
//   node bench/ort-run.mjs MODEL.onnx [--input=NAME=FILE.npy]...
//        [--input-shape=NAME=D0,D1,...]... [--iterations=N] [--threads=N]
//        [--seed=N] [--output-dir=DIR]
//
// Inputs come from .npy files (version 1.0 to 3.0, C order, little-endian
// f4/f8/i1/u1/i2/u2/i4/i8/b1); an input without a file gets seeded random
// values: standard normal for floats, integers in [0, 10) (valid token ids
// and indices for the bundled models). Symbolic dimensions of such an input
// are 1 unless --input-shape fixes them. One warm-up run, then N timed runs
// (default 10) on intraOpNumThreads threads (default 2, the machine's cores);
// prints the mean and minimum wall time per inference. --output-dir writes
// each output as .npy plus outputs.json, named as spc-run names them.
//
// Set-up, once, in bench/: npm install --ignore-scripts
// (the CPU library ships inside the npm package; --ignore-scripts skips the
// install script that would download the optional GPU libraries).

import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";

const NPY_TYPES = {
  f4: ["float32", Float32Array], f8: ["float64", Float64Array],
  i1: ["int8", Int8Array], u1: ["uint8", Uint8Array],
  i2: ["int16", Int16Array], u2: ["uint16", Uint16Array],
  i4: ["int32", Int32Array], i8: ["int64", BigInt64Array],
  b1: ["bool", Uint8Array],
};
const NPY_DESCR = {
  float32: "<f4", float64: "<f8", int8: "|i1", uint8: "|u1", int16: "<i2",
  uint16: "<u2", int32: "<i4", int64: "<i8", bool: "|b1",
};

function fail(message) {
  console.error(`ort-run: error: ${message}`);
  process.exit(1);
}

/** Reads a .npy file into an ort.Tensor. */
function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString("latin1", 0, 6) !== "\x93NUMPY")
    fail(`${file}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString("latin1", start, start + headerLength);
  const descr = /'descr':\s*'([<>|=])(\w+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header))
    fail(`${file}: unsupported header ${header.trim()}`);
  if (descr[1] === ">" || !(descr[2] in NPY_TYPES))
    fail(`${file}: unsupported dtype ${descr[1]}${descr[2]}`);
  const [type, ArrayType] = NPY_TYPES[descr[2]];
  const dims = shape[1].split(",").map((d) => d.trim()).filter((d) => d)
    .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  const data = new ArrayType(count);
  new Uint8Array(data.buffer).set(
    bytes.subarray(offset, offset + count * ArrayType.BYTES_PER_ELEMENT));
  return new ort.Tensor(type, type === "bool" ? Uint8Array.from(data, Boolean)
                                              : data, dims);
}

/** Writes an ort.Tensor as a version 1.0 .npy file. */
function writeNpy(file, tensor) {
  const descr = NPY_DESCR[tensor.type];
  if (!descr) fail(`output type ${tensor.type} has no .npy form here`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},`
                                        : tensor.dims.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const prefix = Buffer.alloc(10);
  prefix.write("\x93NUMPY", 0, "latin1");
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  fs.writeFileSync(file, Buffer.concat([
    prefix, Buffer.from(header, "latin1"),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function uniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTensor(meta, dims, next) {
  const count = dims.reduce((a, b) => a * b, 1);
  const entry = Object.values(NPY_TYPES).find(([t]) => t === meta.type);
  if (!entry) fail(`input '${meta.name}' has type ${meta.type}; give a .npy`);
  const [type, ArrayType] = entry;
  const data = new ArrayType(count);
  for (let i = 0; i < count; ++i) {
    if (type.startsWith("float")) {
      // Box-Muller: a standard normal value.
      data[i] = Math.sqrt(-2 * Math.log(1 - next())) *
                Math.cos(2 * Math.PI * next());
    } else {
      const value = Math.floor(next() * 10);
      data[i] = type === "int64" ? BigInt(value) : value;
    }
  }
  return new ort.Tensor(type, data, dims);
}

/** The file name spc-run gives an output: [A-Za-z0-9._-] kept. */
function fileNameFor(name, used) {
  let base = name.replace(/[^A-Za-z0-9._-]/g, "_");
  if (base === "" || base.startsWith(".")) base = "_" + base;
  let candidate = `${base}.npy`;
  for (let i = 1; used.has(candidate) || candidate === "outputs.json"; ++i)
    candidate = `${base}_${i}.npy`;
  used.add(candidate);
  return candidate;
}

function parseArgs(argv) {
  const args = { inputs: {}, shapes: {}, iterations: 10, threads: 2, seed: 0 };
  for (const arg of argv) {
    const [key, ...rest] = arg.split("=");
    const value = rest.join("=");
    if (!arg.startsWith("--")) {
      if (args.model) fail(`unexpected argument '${arg}'`);
      args.model = arg;
    } else if (key === "--input" || key === "--input-shape") {
      const cut = value.indexOf("=");
      if (cut <= 0) fail(`${key} expects NAME=VALUE, got '${arg}'`);
      const table = key === "--input" ? args.inputs : args.shapes;
      table[value.slice(0, cut)] = value.slice(cut + 1);
    } else if (["--iterations", "--threads", "--seed"].includes(key)) {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) fail(`bad ${arg}`);
      args[key.slice(2)] = number;
    } else if (key === "--output-dir") {
      args.outputDir = value;
    } else {
      fail(`unknown option '${arg}'`);
    }
  }
  if (!args.model) fail("usage: ort-run.mjs MODEL.onnx [options]");
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: args.threads, interOpNumThreads: 1,
    graphOptimizationLevel: "all", executionProviders: ["cpu"],
  });
  const next = uniform(args.seed);
  const feeds = {};
  for (const meta of session.inputMetadata) {
    if (meta.name in args.inputs) {
      feeds[meta.name] = readNpy(args.inputs[meta.name]);
      continue;
    }
    const dims = meta.name in args.shapes
      ? args.shapes[meta.name].split(",").map(Number)
      : meta.shape.map((d) => (typeof d === "number" ? d : 1));
    feeds[meta.name] = randomTensor(meta, dims, next);
  }
  for (const name of Object.keys(args.inputs))
    if (!session.inputNames.includes(name)) fail(`no input named '${name}'`);

  let outputs = await session.run(feeds);
  const times = [];
  for (let i = 0; i < args.iterations; ++i) {
    const start = process.hrtime.bigint();
    outputs = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (args.outputDir) {
    fs.mkdirSync(args.outputDir, { recursive: true });
    const used = new Set();
    const map = {};
    for (const name of session.outputNames) {
      map[name] = fileNameFor(name, used);
      writeNpy(path.join(args.outputDir, map[name]), outputs[name]);
    }
    fs.writeFileSync(path.join(args.outputDir, "outputs.json"),
                     JSON.stringify(map, null, 2) + "\n");
  }
  if (times.length) {
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`${path.basename(args.model)}: mean ${mean.toFixed(3)} ms, ` +
                `min ${Math.min(...times).toFixed(3)} ms per inference over ` +
                `${times.length} iterations (ONNX Runtime ${ort.env.versions.common}, ` +
                `CPU, ${args.threads} threads)`);
  }
}

main().catch((error) => fail(error.message));

//===- HtmlReport.h - A self-contained HTML page of run statistics -*- C++
//-*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// `spc-run --report-html=FILE.html`: one page with no network resources (the
// charts are inline SVG, the table sorts with inline script): the run's
// totals, a per-layer bar chart of cycles and energy, utilisation per layer,
// the weight bytes each layer streamed as stored against dense, and the
// layer table (docs/Emulator.md).
//
//===----------------------------------------------------------------------===//

#ifndef SPC_EMULATOR_HTMLREPORT_H
#define SPC_EMULATOR_HTMLREPORT_H

#include "spc/Emulator/Emulator.h"

#include "llvm/Support/raw_ostream.h"

namespace spc::emu {

/// Writes the page for `stats` of a run of the binary `title`.
void writeHtmlReport(const Stats &stats, llvm::StringRef title,
                     llvm::raw_ostream &os);

} // namespace spc::emu

#endif // SPC_EMULATOR_HTMLREPORT_H

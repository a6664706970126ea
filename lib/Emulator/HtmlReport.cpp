//===- HtmlReport.cpp - A self-contained HTML page of run statistics ------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Emulator/HtmlReport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace llvm;
using namespace spc;
using namespace spc::emu;

namespace {

/// `text` with the HTML special characters escaped (for element content
/// and quoted attribute values alike).
std::string escape(StringRef text) {
  std::string out;
  raw_string_ostream os(out);
  printHTMLEscaped(text, os);
  return out;
}

/// A count with thousands separators.
std::string group(uint64_t v) { return formatv("{0:N}", v).str(); }

constexpr const char *kStyle = R"(
body { font-family: sans-serif; margin: 24px; color: #1d2330; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #c9cfda; padding: 3px 8px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th.sortable { cursor: pointer; background: #eef1f6; user-select: none; }
th.sorted-asc::after { content: " \25B2"; } th.sorted-desc::after { content: " \25BC"; }
svg text { font-size: 11px; fill: #1d2330; }
.bar-cycles { fill: #3b6fd8; } .bar-energy { fill: #e08a2c; }
.bar-utilization { fill: #3a9d5d; } .bar-dense { fill: #b7bfcc; }
.bar-stored { fill: #8a4fc7; } .axis { stroke: #7b8494; stroke-width: 1; }
.legend svg { vertical-align: middle; margin-left: 12px; }
)";

/// Sorts the layer table by the clicked column: numbers by their
/// data-value, text by its content; a second click reverses.
constexpr const char *kScript = R"(
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.querySelectorAll("th");
  headers.forEach(function (th, column) {
    th.classList.add("sortable");
    th.addEventListener("click", function () {
      var descending = !th.classList.contains("sorted-desc");
      headers.forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(descending ? "sorted-desc" : "sorted-asc");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.dataset.type === "num";
      rows.sort(function (a, b) {
        var x = a.cells[column], y = b.cells[column];
        var c = numeric ? parseFloat(x.dataset.value) - parseFloat(y.dataset.value)
                        : x.textContent.localeCompare(y.textContent);
        return descending ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
)";

/// One bar of a horizontal bar chart.
struct Bar {
  const char *cssClass;
  double value;
  std::string label;
};

/// A horizontal bar chart, one group of bars per layer, each scaled to the
/// largest value of its series (or to `fixedMax` when it is positive).
void writeBarChart(raw_ostream &os, StringRef id, ArrayRef<std::string> names,
                   function_ref<SmallVector<Bar>(size_t)> barsOf,
                   double fixedMax = 0.0) {
  constexpr unsigned kLabelWidth = 300, kBarWidth = 560, kBarHeight = 13;
  size_t perLayer = names.empty() ? 0 : barsOf(0).size();
  SmallVector<double> maxima(perLayer, fixedMax);
  if (fixedMax <= 0.0)
    for (size_t i = 0; i < names.size(); ++i)
      for (auto [j, bar] : enumerate(barsOf(i)))
        maxima[j] = std::max(maxima[j], bar.value);
  unsigned rowHeight = unsigned(perLayer) * kBarHeight + 6;
  unsigned height = unsigned(names.size()) * rowHeight + 4;
  os << formatv(
      "<svg id=\"{0}\" role=\"img\" width=\"{1}\" height=\"{2}\" "
      "viewBox=\"0 0 {1} {2}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
      id, kLabelWidth + kBarWidth + 140, height);
  os << formatv("<line class=\"axis\" x1=\"{0}\" y1=\"0\" x2=\"{0}\" "
                "y2=\"{1}\"/>\n",
                kLabelWidth, height);
  for (auto [i, name] : enumerate(names)) {
    unsigned y = unsigned(i) * rowHeight + 2;
    // Long node names keep their tail, where ONNX puts the op.
    std::string shown =
        name.size() > 46 ? "\u2026" + name.substr(name.size() - 45) : name;
    os << formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">"
                  "<title>{2}</title>{3}</text>\n",
                  kLabelWidth - 6, y + rowHeight / 2 + 3, escape(name),
                  escape(shown));
    for (auto [j, bar] : enumerate(barsOf(i))) {
      double width =
          maxima[j] > 0.0 ? double(kBarWidth) * bar.value / maxima[j] : 0.0;
      unsigned by = y + unsigned(j) * kBarHeight;
      os << formatv("<rect class=\"{0}\" x=\"{1}\" y=\"{2}\" width=\"{3:f1}\" "
                    "height=\"{4}\"><title>{5}: {6}</title></rect>\n",
                    bar.cssClass, kLabelWidth, by, width, kBarHeight - 1,
                    escape(name), escape(bar.label));
      os << formatv("<text x=\"{0:f1}\" y=\"{1}\">{2}</text>\n",
                    kLabelWidth + width + 4, by + kBarHeight - 1,
                    escape(bar.label));
    }
  }
  os << "</svg>\n";
}

void writeLegend(raw_ostream &os,
                 ArrayRef<std::pair<const char *, const char *>> entries) {
  os << "<p class=\"legend\">";
  for (auto [cssClass, text] : entries)
    os << formatv("<svg width=\"12\" height=\"12\"><rect class=\"{0}\" "
                  "width=\"12\" height=\"12\"/></svg> {1} ",
                  cssClass, text);
  os << "</p>\n";
}

} // namespace

void emu::writeHtmlReport(const Stats &stats, StringRef title,
                          raw_ostream &os) {
  std::vector<std::string> names;
  for (const LayerStats &l : stats.layers)
    names.push_back(l.name);
  double edp = double(stats.cycles) * stats.energyPJ;

  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
     << "<title>SPC run: " << escape(title) << " on " << escape(stats.target)
     << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  os << "<h1>SPC run: " << escape(title) << " on " << escape(stats.target)
     << "</h1>\n";

  os << "<section id=\"summary\">\n<table class=\"summary\">\n";
  auto row = [&](StringRef key, const std::string &value) {
    os << "<tr><th>" << key << "</th><td class=\"num\">" << escape(value)
       << "</td></tr>\n";
  };
  row("Cycles", group(stats.cycles));
  row("Time", formatv("{0:f3} ms at {1:f0} MHz", stats.getSeconds() * 1e3,
                      stats.clockMHz)
                  .str());
  row("Energy", formatv("{0:f3} mJ", stats.energyPJ * 1e-9).str());
  row("Energy-delay product", formatv("{0:e3} cycles x pJ", edp).str());
  row("Matrix utilisation", formatv("{0:f1}%", stats.utilization * 100).str());
  row("Useful MACs", group(stats.macs));
  row("DRAM bytes", group(stats.dramBytes));
  row("SRAM bytes", group(stats.sramBytes));
  row("Layers", group(stats.layers.size()));
  os << "</table>\n</section>\n";

  os << "<section id=\"cycles-energy\">\n<h2>Cycles and energy per "
        "layer</h2>\n";
  writeLegend(os, {{"bar-cycles", "cycles"}, {"bar-energy", "energy"}});
  writeBarChart(os, "chart-cycles-energy", names, [&](size_t i) {
    const LayerStats &l = stats.layers[i];
    return SmallVector<Bar>{
        {"bar-cycles", double(l.cycles), group(l.cycles) + " cycles"},
        {"bar-energy", l.energyPJ,
         formatv("{0:f1} uJ", l.energyPJ * 1e-6).str()}};
  });
  os << "</section>\n";

  os << "<section id=\"utilization\">\n<h2>Matrix utilisation per layer</h2>\n";
  writeBarChart(
      os, "chart-utilization", names,
      [&](size_t i) {
        double u = stats.layers[i].utilization;
        return SmallVector<Bar>{
            {"bar-utilization", u, formatv("{0:f1}%", u * 100).str()}};
      },
      /*fixedMax=*/1.0);
  os << "</section>\n";

  // Only the layers that streamed weights through the matrix unit.
  std::vector<std::string> weighted;
  std::vector<const LayerStats *> weightedStats;
  for (const LayerStats &l : stats.layers)
    if (l.denseWeightBytes) {
      weighted.push_back(l.name);
      weightedStats.push_back(&l);
    }
  os << "<section id=\"weights\">\n<h2>Weight bytes per layer: dense vs "
        "stored</h2>\n";
  writeLegend(os, {{"bar-dense", "dense"}, {"bar-stored", "stored"}});
  if (weighted.empty())
    os << "<p>No layer streamed weights through the matrix unit.</p>\n";
  else
    writeBarChart(os, "chart-weights", weighted, [&](size_t i) {
      const LayerStats &l = *weightedStats[i];
      double dense = double(l.denseWeightBytes);
      return SmallVector<Bar>{
          {"bar-dense", dense, group(l.denseWeightBytes) + " B dense"},
          {"bar-stored", double(l.weightBytes),
           formatv("{0} B stored ({1:f1}%)", group(l.weightBytes),
                   100.0 * double(l.weightBytes) / dense)
               .str()}};
    });
  os << "</section>\n";

  os << "<section id=\"layers\">\n<h2>Layers</h2>\n"
        "<table id=\"layer-table\" class=\"sortable\">\n<thead><tr>"
        "<th data-type=\"text\">Layer</th><th data-type=\"num\">Start</th>"
        "<th data-type=\"num\">Cycles</th>"
        "<th data-type=\"num\">Energy (uJ)</th>"
        "<th data-type=\"num\">Utilisation</th>"
        "<th data-type=\"num\">MACs</th>"
        "<th data-type=\"num\">DRAM bytes</th>"
        "<th data-type=\"num\">SRAM bytes</th>"
        "<th data-type=\"text\">Weights</th>"
        "<th data-type=\"num\">Weight bytes stored</th>"
        "<th data-type=\"num\">Weight bytes dense</th>"
        "<th data-type=\"num\">Instructions</th></tr></thead>\n<tbody>\n";
  // Sortable cells carry their exact value.
  auto count = [&](uint64_t value) {
    os << formatv("<td class=\"num\" data-value=\"{0}\">{0:N}</td>", value);
  };
  auto real = [&](double value, const std::string &shown) {
    os << formatv("<td class=\"num\" data-value=\"{0:e15}\">{1}</td>", value,
                  escape(shown));
  };
  for (const LayerStats &l : stats.layers) {
    os << "<tr><td>" << escape(l.name) << "</td>";
    count(l.startCycle);
    count(l.cycles);
    real(l.energyPJ * 1e-6, formatv("{0:f3}", l.energyPJ * 1e-6).str());
    real(l.utilization, formatv("{0:f1}%", l.utilization * 100).str());
    count(l.macs);
    count(l.dramBytes);
    count(l.sramBytes);
    os << "<td>" << escape(l.format) << "</td>";
    count(l.weightBytes);
    count(l.denseWeightBytes);
    count(l.instructions);
    os << "</tr>\n";
  }
  os << "</tbody>\n</table>\n</section>\n<script>" << kScript
     << "</script>\n</body>\n</html>\n";
}

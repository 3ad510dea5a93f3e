#include "core/workload/trace_reader.h"

#include <array>
#include <cmath>
#include <string>

#include "core/workload/readers.h"

namespace bucketscope::workload {

const char* to_string(Op op) {
    switch (op) {
    case Op::Read: return "read";
    case Op::Write: return "write";
    case Op::Discard: return "discard";
    case Op::Flush: return "flush";
    }
    return "?";
}

namespace {
constexpr std::array kFormats = {
    std::pair{TraceFormat::Blkparse, "blkparse"}, std::pair{TraceFormat::Fio, "fio"},
    std::pair{TraceFormat::Msr, "msr"},           std::pair{TraceFormat::Csv, "csv"},
    std::pair{TraceFormat::Oracle, "oracle"},
};
} // namespace

const char* to_string(TraceFormat f) {
    for (auto [fmt, name] : kFormats)
        if (fmt == f)
            return name;
    return "?";
}

bool parse_trace_format(const std::string& s, TraceFormat& out) {
    for (auto [fmt, name] : kFormats)
        if (s == name) {
            out = fmt;
            return true;
        }
    return false;
}

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path,
                                               const TraceOptions& opts) {
    switch (opts.format) {
    case TraceFormat::Blkparse: return detail::make_blkparse_reader(path, opts);
    case TraceFormat::Fio: return detail::make_fio_reader(path, opts);
    case TraceFormat::Msr: return detail::make_msr_reader(path, opts);
    case TraceFormat::Csv: return detail::make_csv_reader(path, opts);
    case TraceFormat::Oracle: return detail::make_oracle_reader(path, opts);
    }
    throw TraceError(path + ": unknown trace format");
}

double TraceReader::progress() const {
    return src_.total() ? double(src_.consumed()) / double(src_.total()) : 1.0;
}

std::string TraceReader::where() const {
    return src_.path() + ":" + std::to_string(src_.line_number());
}

void TraceReader::bad(const std::string& what) {
    report_bad(where() + ": " + what);
}

void TraceReader::report_bad(const std::string& message) {
    if (!opts_.skip_bad)
        throw TraceError(message);
    if (bad_++ == 0)
        first_bad_ = message;
}

namespace detail {

std::vector<std::string_view> split_ws(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::vector<std::string_view> split_on(std::string_view line, char delim) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        const size_t at = line.find(delim, start);
        out.push_back(line.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos)
            return out;
        start = at + 1;
    }
}

bool parse_seconds(std::string_view s, double unit_ns, uint64_t& ns) {
    // Integer and fraction parsed separately so nanosecond timestamps stay exact.
    const size_t dot = s.find('.');
    uint64_t whole = 0;
    if (!parse_num(s.substr(0, dot), whole))
        return false;
    double frac = 0;
    if (dot != std::string_view::npos) {
        const auto f = s.substr(dot + 1);
        uint64_t digits = 0;
        if (f.empty() || f.size() > 18 || !parse_num(f, digits))
            return false;
        frac = double(digits) / std::pow(10.0, double(f.size()));
    }
    ns = static_cast<uint64_t>(double(whole) * unit_ns + std::llround(frac * unit_ns));
    return true;
}

} // namespace detail
} // namespace bucketscope::workload

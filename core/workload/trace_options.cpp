// Text forms of trace reader options; see trace_options.h.
#include "core/workload/trace_options.h"

#include <utility>

namespace bucketscope::workload {
namespace {

constexpr std::pair<const char*, double> kTimeUnits[] = {
    {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1}};

} // namespace

bool parse_csv_delimiter(const std::string& s, char& out) {
    if (s == "tab" || s == "\\t" || s == "\t")
        out = '\t';
    else if (s == "space")
        out = ' ';
    else if (s.size() == 1 && s[0] != '\n' && s[0] != '\r')
        out = s[0];
    else
        return false;
    return true;
}

std::string csv_delimiter_name(char c) {
    if (c == '\t')
        return "tab";
    if (c == ' ')
        return "space";
    return std::string(1, c);
}

bool parse_time_unit(const std::string& s, double& ns) {
    for (const auto& [name, v] : kTimeUnits)
        if (s == name) {
            ns = v;
            return true;
        }
    return false;
}

const char* time_unit_name(double ns) {
    for (const auto& [name, v] : kTimeUnits)
        if (ns == v)
            return name;
    return "s";
}

nlohmann::ordered_json trace_options_json(const TraceOptions& o) {
    nlohmann::ordered_json j = {{"format", to_string(o.format)}, {"skip_bad", o.skip_bad}};
    switch (o.format) {
    case TraceFormat::Blkparse:
        j["blkparse_action"] = std::string(1, o.blkparse_action);
        break;
    case TraceFormat::Csv:
        j["csv"] = {{"time_col", o.csv.time},
                    {"id_col", o.csv.obj_id},
                    {"size_col", o.csv.obj_size},
                    {"op_col", o.csv.op},
                    {"delimiter", csv_delimiter_name(o.csv.delimiter)},
                    {"header", o.csv.has_header},
                    {"ids_are_numbers", o.csv.obj_id_is_num},
                    {"time_unit", time_unit_name(o.csv.time_unit_ns)}};
        j["object_size"] = o.default_object_size;
        break;
    case TraceFormat::Oracle:
        j["object_size"] = o.default_object_size;
        break;
    case TraceFormat::Fio:
    case TraceFormat::Msr:
        break;
    }
    return j;
}

} // namespace bucketscope::workload

#pragma once
// The text forms of a trace's reader options, shared by every front end: the CLI's
// --csv-delimiter / --csv-time-unit / --object-size / --blkparse-action, the workbench's
// trace page, and the JSON a recorded session keeps so that the same trace can be read
// the same way again.

#include "core/workload/trace_reader.h"

#include <nlohmann/json.hpp>
#include <string>

namespace bucketscope::workload {

// One character, or "tab" / "\t" for a tab and "space" for a blank.
bool parse_csv_delimiter(const std::string& s, char& out);
std::string csv_delimiter_name(char c);

// "s", "ms", "us" or "ns": nanoseconds per unit of the csv time column.
bool parse_time_unit(const std::string& s, double& ns);
const char* time_unit_name(double ns); // "s" for anything that is not one of the four

// What the reader of `o.format` uses of `o`: the format, skip_bad, and the options of that
// format only (csv columns, delimiter, header, id kind and time unit; object size for
// object traces; the action for blkparse).
nlohmann::ordered_json trace_options_json(const TraceOptions& o);

} // namespace bucketscope::workload

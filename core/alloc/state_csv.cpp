// Bucket state CSV reader and writer (format in state_csv.h).
//
// The reader collects rows first and sizes the cache afterwards, since the bucket count
// is only known at the end; a per-bucket line table then finds duplicates and names both
// lines. Numbers are parsed with from_chars over the whole field, so "12x", "+3", " " or
// an overflow are rejected instead of silently truncated.

#include "core/alloc/state_csv.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bucketscope {

namespace {

struct Row {
    uint64_t bucket;
    Bucket state;
    size_t line;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

class RowParser {
  public:
    RowParser(const std::string& name, size_t line, std::string& error)
        : name_(name), line_(line), error_(error) {}

    // An unsigned decimal in [0, max], or an error naming the field.
    bool number(std::string_view field, std::string_view text, uint64_t max, uint64_t& out) {
        uint64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > max) {
            const bool negative = !text.empty() && text.front() == '-';
            fail(field, "expected " + std::string(negative ? "a non-negative" : "an") +
                            " integer from 0 to " + std::to_string(max) + ", got '" +
                            std::string(text) + "'");
            return false;
        }
        out = v;
        return true;
    }

    bool fail(std::string_view field, const std::string& what) {
        error_ = where() + ": field '" + std::string(field) + "': " + what;
        return false;
    }
    std::string where() const { return name_ + ":" + std::to_string(line_); }

  private:
    const std::string& name_;
    size_t line_;
    std::string& error_;
};

bool parse_row(std::string_view line, const std::string& name, size_t line_no, Row& row,
               std::string& error) {
    std::string_view fields[6];
    size_t n = 0;
    for (size_t start = 0;; ++n) {
        const size_t comma = line.find(',', start);
        if (n < 6)
            fields[n] = trim(line.substr(start, comma - start)); // npos: to the end
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    ++n;
    RowParser p(name, line_no, error);
    if (n != 6) {
        error = p.where() + ": expected 6 fields (" + std::string(kBucketStateCsvHeader) +
                "), got " + std::to_string(n);
        return false;
    }

    uint64_t bucket, gen, prio, sectors, pin;
    if (!p.number("bucket", fields[0], kMaxBucketStateBuckets - 1, bucket) ||
        !p.number("gen", fields[1], 255, gen) || !p.number("prio", fields[2], 65535, prio) ||
        !p.number("sectors_used", fields[4], MAX_GC_SECTORS_USED, sectors) ||
        !p.number("pin", fields[5], INT32_MAX, pin))
        return false;
    GcMark mark;
    if (!parse_gc_mark(std::string(fields[3]).c_str(), mark))
        return p.fail("mark", "expected unused, reclaimable, dirty or metadata, got '" +
                                  std::string(fields[3]) + "'");

    row.bucket = bucket;
    row.line = line_no;
    row.state = Bucket{};
    row.state.gen = static_cast<uint8_t>(gen);
    row.state.last_gc = row.state.gen;
    row.state.prio = static_cast<uint16_t>(prio);
    row.state.set_mark(mark);
    row.state.set_sectors_used(static_cast<uint32_t>(sectors));
    row.state.pin = static_cast<int32_t>(pin);
    return true;
}

} // namespace

bool parse_bucket_state_csv(std::string_view text, const std::string& name,
                            std::vector<Bucket>& out, std::string& error) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);

    std::vector<Row> rows;
    bool header_seen = false;
    size_t line_no = 0;
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        const std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (line.empty())
            continue;
        if (!header_seen) {
            if (line != kBucketStateCsvHeader) {
                error = name + ":" + std::to_string(line_no) + ": expected the header '" +
                        std::string(kBucketStateCsvHeader) + "', got '" + std::string(line) +
                        "'";
                return false;
            }
            header_seen = true;
            continue;
        }
        Row row;
        if (!parse_row(line, name, line_no, row, error))
            return false;
        rows.push_back(row);
    }
    if (!header_seen) {
        error = name + ": empty, expected the header '" + std::string(kBucketStateCsvHeader) +
                "'";
        return false;
    }

    uint64_t nbuckets = 0;
    for (const Row& r : rows)
        nbuckets = std::max(nbuckets, r.bucket + 1);
    out.assign(nbuckets, Bucket{});
    std::vector<size_t> seen_on(nbuckets, 0);
    for (const Row& r : rows) {
        if (seen_on[r.bucket]) {
            error = name + ":" + std::to_string(r.line) + ": field 'bucket': bucket " +
                    std::to_string(r.bucket) + " is already listed on line " +
                    std::to_string(seen_on[r.bucket]);
            return false;
        }
        seen_on[r.bucket] = r.line;
        out[r.bucket] = r.state;
    }
    return true;
}

bool load_bucket_state_csv(const std::string& path, std::vector<Bucket>& out,
                           std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        error = path + ": read error";
        return false;
    }
    return parse_bucket_state_csv(text.str(), path, out, error);
}

std::string format_bucket_state_csv(const std::vector<Bucket>& buckets) {
    std::string s(kBucketStateCsvHeader);
    s += '\n';
    for (size_t i = 0; i < buckets.size(); ++i) {
        const Bucket& b = buckets[i];
        const bool blank = b.gen == 0 && b.prio == 0 && b.mark() == GcMark::None &&
                           b.sectors_used() == 0 && b.pin == 0;
        if (blank && i + 1 != buckets.size())
            continue;
        s += std::to_string(i) + ',' + std::to_string(b.gen) + ',' + std::to_string(b.prio) +
             ',' + to_string(b.mark()) + ',' + std::to_string(b.sectors_used()) + ',' +
             std::to_string(b.pin) + '\n';
    }
    return s;
}

bool save_bucket_state_csv(const std::string& path, const std::vector<Bucket>& buckets,
                           std::string& error) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        error = path + ": cannot create: " + std::strerror(errno);
        return false;
    }
    const std::string text = format_bucket_state_csv(buckets);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        error = path + ": write error";
        return false;
    }
    return true;
}

} // namespace bucketscope

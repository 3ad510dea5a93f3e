#include "core/device/mount_table.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace bucketscope {

namespace {

std::string unescape(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && field.size() - i >= 4) {
            int value = 0;
            auto [end, ec] = std::from_chars(field.data() + i + 1, field.data() + i + 4, value, 8);
            if (ec == std::errc() && end == field.data() + i + 4) {
                out.push_back(static_cast<char>(value));
                i += 3;
                continue;
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t pos = 0;
    while (pos < line.size()) {
        size_t start = line.find_first_not_of(' ', pos);
        if (start == std::string_view::npos)
            break;
        size_t end = line.find(' ', start);
        if (end == std::string_view::npos)
            end = line.size();
        fields.push_back(line.substr(start, end - start));
        pos = end;
    }
    return fields;
}

bool parse_dev(std::string_view text, uint32_t& major, uint32_t& minor) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos)
        return false;
    auto a = std::from_chars(text.data(), text.data() + colon, major);
    auto b = std::from_chars(text.data() + colon + 1, text.data() + text.size(), minor);
    return a.ec == std::errc() && a.ptr == text.data() + colon && b.ec == std::errc() &&
           b.ptr == text.data() + text.size();
}

} // namespace

std::vector<MountEntry> parse_mountinfo(std::string_view text) {
    std::vector<MountEntry> mounts;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);

        auto fields = split_fields(line);
        // The optional fields end at a lone "-"; type and source follow it.
        size_t dash = 6;
        while (dash < fields.size() && fields[dash] != "-")
            ++dash;
        if (fields.size() < 6 || dash + 2 >= fields.size())
            continue;
        MountEntry entry;
        if (!parse_dev(fields[2], entry.major, entry.minor))
            continue;
        entry.mount_point = unescape(fields[4]);
        entry.fs_type = unescape(fields[dash + 1]);
        entry.source = unescape(fields[dash + 2]);
        mounts.push_back(std::move(entry));
    }
    return mounts;
}

std::vector<MountEntry> read_mountinfo() {
    std::ifstream in("/proc/self/mountinfo");
    std::stringstream text;
    text << in.rdbuf();
    return parse_mountinfo(text.str());
}

} // namespace bucketscope

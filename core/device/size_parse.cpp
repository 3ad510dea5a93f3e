#include "core/device/size_parse.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace bucketscope {

namespace {

Status bad_size(std::string_view text, const char* why) {
    return Status::error("bad size \"" + std::string(text) + "\": " + why +
                         " (expected a number with an optional suffix s, K, M, G or T)");
}

// Bytes per unit for a suffix, 0 if the suffix is unknown.
uint64_t unit_bytes(std::string suffix) {
    std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (suffix.empty() || suffix == "b")
        return 1;
    if (suffix == "s")
        return 512;
    static constexpr std::string_view kPrefixes = "kmgt";
    auto at = kPrefixes.find(suffix[0]);
    if (at == std::string_view::npos)
        return 0;
    std::string rest = suffix.substr(1);
    if (!rest.empty() && rest != "b" && rest != "ib")
        return 0;
    return uint64_t{1} << (10 * (at + 1));
}

} // namespace

Status parse_size(std::string_view text, uint64_t& bytes) {
    size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0)
        return bad_size(text, "no number");
    uint64_t value = 0;
    for (size_t i = 0; i < digits; ++i) {
        uint64_t digit = static_cast<uint64_t>(text[i] - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return bad_size(text, "too large");
        value = value * 10 + digit;
    }
    uint64_t unit = unit_bytes(std::string(text.substr(digits)));
    if (unit == 0)
        return bad_size(text, "unknown suffix");
    if (value != 0 && unit > UINT64_MAX / value)
        return bad_size(text, "too large");
    bytes = value * unit;
    return Status::ok();
}

} // namespace bucketscope

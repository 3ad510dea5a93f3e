#pragma once
// Parse results: a value or an error that names the structure, the byte offset and what
// was expected ("prio_set at byte 131072: bad magic 0x..., expected 0x...").

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace bucketscope::ondisk {

struct ParseError {
    std::string structure; // "superblock", "prio_set", "jset", "bset", "bkey", "uuid_entry"
    uint64_t offset = 0;   // byte offset on the device (or in the buffer, where no device)
    std::string message;   // what was found and what was expected

    std::string to_string() const;
};

template <typename T> class Result {
  public:
    Result(T v) : v_(std::move(v)) {}
    Result(ParseError e) : v_(std::move(e)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const ParseError& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, ParseError> v_;
};

} // namespace bucketscope::ondisk

#pragma once
// Kernel fixtures for the tests: lists every NAME.img.zst in the shared fixture folder
// (backing images excluded; hidden fixtures of the same shape are picked up too) and
// decompresses one into a per-process temp dir, as a sparse file, once per name.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bucketscope::testutil {

std::filesystem::path fixture_dir();
std::vector<std::string> fixture_names();
// Path of the decompressed image (cached for the process); throws on failure.
std::filesystem::path fixture_image(const std::string& name);
// A scratch copy the test may damage.
std::filesystem::path scratch_copy(const std::filesystem::path& image, const std::string& tag);
// `len` bytes at `offset` (fewer at the end of the file).
std::vector<std::byte> read_range(const std::filesystem::path& p, uint64_t offset, size_t len);
void write_range(const std::filesystem::path& p, uint64_t offset, const std::vector<std::byte>& data);
uint64_t file_crc(const std::filesystem::path& p);
// "key<TAB>value" lines of bcache-super-show output, key -> value text.
std::map<std::string, std::string> read_super_show(const std::filesystem::path& p);

} // namespace bucketscope::testutil

#include "core/device/open_device.h"

#include "core/device/block_device.h"
#include "core/device/image_file_device.h"
#include "core/device/posix_io.h"
#include "core/device/ram_device.h"
#include "core/device/size_parse.h"

#include <cerrno>
#include <sys/stat.h>

namespace bucketscope {

namespace {

template <typename T> Opened<Device> widen(Opened<T> opened) {
    return {std::move(opened.device), std::move(opened.status)};
}

} // namespace

Opened<Device> open_device(const std::string& target, OpenMode mode) {
    constexpr std::string_view kRam = "ram:";
    if (target.starts_with(kRam)) {
        uint64_t bytes = 0;
        if (auto s = parse_size(std::string_view(target).substr(kRam.size()), bytes); !s)
            return {nullptr, Status::error(target + ": " + s.message)};
        return {std::make_unique<RamDevice>(bytes), Status::ok()};
    }
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0)
        return {nullptr, Status::error(target + ": cannot open: " + errno_text(errno))};
    if (S_ISREG(st.st_mode))
        return widen(ImageFileDevice::open(target, mode));
    if (S_ISBLK(st.st_mode))
        return widen(BlockDevice::open(target, mode));
    return {nullptr, Status::error(target + ": not a regular file or a block device")};
}

} // namespace bucketscope

// The probe runs before anything is opened for writing, and opening an existing target
// read-write is the first thing that could change it: O_RDWR itself writes nothing, and
// the superblock write is the only write.
#include "core/device/format_target.h"

#include "core/device/image_file_device.h"
#include "core/device/open_device.h"

#include <filesystem>

namespace bucketscope {

Status format_target(const FormatRequest& req, FormatOutcome& out, Progress* progress) {
    const std::string& target = req.target;
    const bool ram = target.starts_with("ram:");
    std::error_code ec;
    const bool exists = ram || std::filesystem::exists(target, ec);
    if (!exists && req.options.size_bytes == 0)
        return Status::error(target + " does not exist, and no size was given to create it");

    if (!report_progress(progress, "probe", 0, 1))
        return Status::error(kCancelledMessage);
    if (!ram) {
        out.safety = probe_for_write(target);
        if (!out.safety.allows_write(req.force)) {
            out.refused = true;
            return Status::error("refusing to format " + target);
        }
    }

    if (!report_progress(progress, "plan", 0, 1))
        return Status::error(kCancelledMessage);
    std::unique_ptr<Device> device;
    FormatOptions options = req.options;
    if (exists) {
        auto opened = open_device(target, OpenMode::read_write);
        if (!opened)
            return opened.status;
        device = std::move(opened.device);
        options.block_bytes =
            req.block_bytes.value_or(default_block_bytes(target, device->logical_block_size()));
        if (auto s = plan_cache_format(options, device->size_bytes(), device->logical_block_size(),
                                       out.plan);
            !s)
            return Status::error(target + ": " + s.message);
    } else {
        options.block_bytes = req.block_bytes.value_or(default_block_bytes(target, 512));
        if (auto s = plan_cache_format(options, options.size_bytes, 512, out.plan); !s)
            return Status::error(target + ": " + s.message);
    }

    if (!report_progress(progress, "write", 0, 1))
        return Status::error(kCancelledMessage);
    if (!device) {
        auto created = ImageFileDevice::create(target, options.size_bytes);
        if (!created)
            return created.status;
        device = std::move(created.device);
        out.created = true;
    }
    if (auto s = write_cache_superblock(*device, out.plan.sb); !s)
        return s;
    out.written = true;
    report_progress(progress, "write", 1, 1);
    return Status::ok();
}

} // namespace bucketscope

#include "core/device/signature_probe.h"

#include "core/device/posix_io.h"

#include <blkid/blkid.h>
#include <cerrno>
#include <cstdlib>
#include <memory>

namespace bucketscope {

namespace {

struct ProbeDeleter {
    void operator()(blkid_probe pr) const { blkid_free_probe(pr); }
};

std::string lookup(blkid_probe pr, const char* key) {
    const char* value = nullptr;
    if (blkid_probe_lookup_value(pr, key, &value, nullptr) == 0 && value)
        return value;
    return {};
}

} // namespace

Status probe_signatures(const std::string& path, std::vector<Signature>& out) {
    errno = 0;
    std::unique_ptr<blkid_struct_probe, ProbeDeleter> pr(
        blkid_new_probe_from_filename(path.c_str()));
    if (!pr)
        return Status::error(
            path + ": cannot scan for signatures (libblkid): " + errno_text(errno ? errno : EIO));
    blkid_probe_enable_superblocks(pr.get(), 1);
    blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
                                                    BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM);
    blkid_probe_enable_partitions(pr.get(), 1);
    blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_MAGIC);

    // Each blkid_do_probe call moves on to the next matching prober, so the loop lists
    // every signature rather than the one blkid would pick.
    int rc;
    while ((rc = blkid_do_probe(pr.get())) == 0) {
        Signature sig;
        if (std::string type = lookup(pr.get(), "TYPE"); !type.empty()) {
            sig.type = type;
            std::string usage = lookup(pr.get(), "USAGE");
            sig.kind = usage.empty() ? "filesystem" : usage;
            sig.magic_offset =
                std::strtoull(lookup(pr.get(), "SBMAGIC_OFFSET").c_str(), nullptr, 10);
        } else if (std::string pttype = lookup(pr.get(), "PTTYPE"); !pttype.empty()) {
            sig.type = pttype;
            sig.kind = "partition table";
            sig.magic_offset =
                std::strtoull(lookup(pr.get(), "PTMAGIC_OFFSET").c_str(), nullptr, 10);
        } else {
            continue;
        }
        out.push_back(std::move(sig));
    }
    if (rc < 0)
        return Status::error(path + ": scanning for signatures (libblkid) failed");
    return Status::ok();
}

} // namespace bucketscope

// Jobs are children of this controller and delete themselves once their result is
// handed on; the controller's destructor (with the window) cancels and waits for one
// still running, through ~LongJob.
#include "widgets/image_controller.h"

#include "widgets/format_dialog.h"
#include "widgets/long_job.h"
#include "widgets/write_confirmation.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QWidget>

namespace bucketscope {
namespace {
const char* const kRecentKey = "recentFiles";
// The demo engine's geometry (demo_engine_options): 16384 buckets of 4 KiB.
constexpr uint64_t kDemoImageBytes = 64ull << 20;
constexpr uint64_t kDemoBucketBytes = 4096;
} // namespace

ImageController::ImageController(QWidget* window) : QObject(window), window_(window) {}

ImageController::~ImageController() = default;

bool ImageController::busy() {
    if (!job_)
        return false;
    emit message(tr("Another job is still running; wait for it or cancel it first."));
    return true;
}

LongJob* ImageController::open(const QString& path) {
    if (path.isEmpty() || busy())
        return nullptr;
    auto result = std::make_shared<std::shared_ptr<OpenedImage>>();
    auto* job = new LongJob([path, result](Progress& p) { *result = open_image(path, &p); }, this);
    job_ = job;
    connect(job, &LongJob::finished, this, [this, job, path, result](bool cancelled) {
        job->deleteLater();
        job_ = nullptr; // free for the next request, which a receiver may make at once
        if (cancelled && !(*result && (*result)->ok())) {
            emit message(tr("Opening %1 was cancelled.").arg(path));
            emit openCancelled(path);
            return;
        }
        if ((*result)->ok())
            addRecent(path);
        emit imageOpened(*result);
    });
    job->showDialog(window_, tr("Open image read-only"), tr("Inspecting %1…").arg(path));
    job->start();
    return job;
}

void ImageController::formatNew() {
    FormatDialog dialog(QString(), window_);
    if (dialog.exec() != QDialog::Accepted || !dialog.isValid())
        return;
    FormatRequest req = dialog.request();
    const SafetyReport report = probe_for_write(req.target);
    bool force = false;
    if (!WriteConfirmation::confirm(
            report, tr("a bcache cache superblock, as make-bcache -C writes it"), window_, force))
        return;
    req.force = force;
    startFormat(req);
}

LongJob* ImageController::startFormat(const FormatRequest& request) {
    if (busy())
        return nullptr;
    const QString path = QString::fromStdString(request.target);
    auto outcome = std::make_shared<FormatOutcome>();
    auto status = std::make_shared<Status>();
    auto* job = new LongJob(
        [request, outcome, status](Progress& p) { *status = format_target(request, *outcome, &p); },
        this);
    job_ = job;
    connect(job, &LongJob::finished, this, [this, job, path, outcome, status](bool) {
        job->deleteLater();
        job_ = nullptr; // free for the next request, which a receiver may make at once
        if (!status->good) {
            QString why = QString::fromStdString(status->message);
            if (outcome->refused)
                for (const auto& b : outcome->safety.blockers())
                    why += QLatin1Char('\n') + QString::fromStdString(b);
            if (status->message == kCancelledMessage)
                why = tr("cancelled before anything was written");
            emit message(tr("%1 was not formatted: %2").arg(path, why));
            emit formatFailed(path, why);
            return;
        }
        const auto& sb = outcome->plan.sb;
        QString summary =
            tr("%1 formatted: %2 buckets of %3 sectors, block %4 sectors, first bucket %5")
                .arg(path)
                .arg(sb.nbuckets)
                .arg(sb.bucket_sectors())
                .arg(sb.block_size)
                .arg(sb.first_bucket);
        for (const auto& w : outcome->plan.warnings)
            summary += QLatin1Char('\n') + QString::fromStdString(w);
        emit message(summary);
        emit formatted(path, summary);
    });
    job->showDialog(window_, tr("Format new image"), tr("Formatting %1…").arg(path));
    job->start();
    return job;
}

bool ImageController::confirmRun(const QString& path, bool& force) {
    const SafetyReport report = probe_for_write(path.toStdString());
    return WriteConfirmation::confirm(
        report,
        tr("run the engine on it: journal entries, prio sets, btree nodes and cached data, "
           "and an updated superblock"),
        window_, force);
}

LongJob* ImageController::startRun(const QString& path, bool force, const EngineOptions& opts) {
    if (busy())
        return nullptr;
    auto run = std::make_shared<EngineRunPtr>();
    auto why = std::make_shared<std::string>();
    auto* job = new LongJob(
        [p = path.toStdString(), force, opts, run, why](Progress& progress) {
            *run = open_device_run(p, force, opts, progress, *why);
        },
        this);
    job_ = job;
    connect(job, &LongJob::finished, this, [this, job, path, run, why](bool) {
        job->deleteLater();
        job_ = nullptr;
        if (!*run) {
            const QString reason = *why == kCancelledMessage
                                       ? tr("cancelled")
                                       : QString::fromStdString(*why);
            emit message(tr("The engine was not started on %1: %2").arg(path, reason));
            emit runFailed(path, reason);
            return;
        }
        addRecent(path);
        emit runOpened(*run);
    });
    job->showDialog(window_, tr("Open for running"), tr("Opening %1 for running…").arg(path));
    job->start();
    return job;
}

QStringList ImageController::recentFiles() const {
    return QSettings().value(QString::fromLatin1(kRecentKey)).toStringList().mid(0, kMaxRecent);
}

void ImageController::addRecent(const QString& path) {
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = recentFiles();
    list.removeAll(abs);
    list.prepend(abs);
    QSettings().setValue(QString::fromLatin1(kRecentKey), list.mid(0, kMaxRecent));
    emit recentFilesChanged();
}

QString ImageController::demoImagePath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("demo-cache.img"));
}

bool ImageController::ensureDemoImage(QString* why) {
    const QString path = demoImagePath();
    if (QFileInfo::exists(path))
        return true;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        if (why)
            *why = tr("cannot create %1").arg(QFileInfo(path).absolutePath());
        return false;
    }
    FormatRequest req;
    req.target = path.toStdString();
    req.options.size_bytes = kDemoImageBytes;
    req.options.bucket_bytes = kDemoBucketBytes;
    req.options.label = "bucketscope demo";
    req.block_bytes = 4096;
    FormatOutcome out;
    const Status s = format_target(req, out);
    if (!s && why)
        *why = QString::fromStdString(s.message);
    return bool(s);
}

} // namespace bucketscope

#pragma once
// Everything the File menu does with images, kept out of the main window: opening an image
// or device read-only (a LongJob running open_image, with a progress dialog), formatting a
// new one (FormatDialog, then WriteConfirmation, then format_target on a LongJob), opening
// one for running (WriteConfirmation, then open_device_run on a LongJob: the engine is
// registered off the UI thread and handed to the engine controller whole), the
// recent-files list in QSettings, and the demo image made on first start.
//
// Results come back as signals on the UI thread. At most one job runs at a time; a new
// request while one runs is refused with a message rather than queued.

#include "core/device/format_target.h"
#include "widgets/engine_run.h"
#include "widgets/long_job.h"
#include "widgets/opened_image.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <memory>

class QWidget;

namespace bucketscope {

class ImageController : public QObject {
    Q_OBJECT
  public:
    static constexpr int kMaxRecent = 8;

    // Dialogs are parented to `window`.
    explicit ImageController(QWidget* window);
    ~ImageController() override;

    // Opens `path` read-only off the UI thread; imageOpened() (also when inspect failed,
    // with the error in the image) or openCancelled() follows. Null if a job runs.
    LongJob* open(const QString& path);
    // The whole format flow, from the dialog to opening the new image.
    void formatNew();
    // Formats on a job, after the confirmation said yes (request.force as the user chose);
    // formatted() or formatFailed() follows. Null if a job runs.
    LongJob* startFormat(const FormatRequest& request);
    // The confirmation before running the engine on `path`: the probe's findings, and
    // "write anyway" where it refuses. True if confirmed, with `force` as the user chose.
    bool confirmRun(const QString& path, bool& force);
    // Opens `path` for running with `opts` on a job, after confirmRun said yes; runOpened()
    // or runFailed() follows. Null if a job runs.
    LongJob* startRun(const QString& path, bool force, const EngineOptions& opts);
    LongJob* currentJob() const { return job_; }
    bool isBusy() const { return job_ != nullptr; }

    QStringList recentFiles() const;
    void addRecent(const QString& path);

    // Where the demo image lives: the platform's application data folder.
    static QString demoImagePath();
    // Creates the demo image if it is missing: a cache formatted as make-bcache -C would,
    // with the demo engine's geometry. False (and why) if it cannot.
    static bool ensureDemoImage(QString* why = nullptr);

  signals:
    void imageOpened(std::shared_ptr<const bucketscope::OpenedImage> image);
    void openCancelled(const QString& path);
    void formatted(const QString& path, const QString& summary);
    void formatFailed(const QString& path, const QString& why);
    void runOpened(bucketscope::EngineRunPtr run);
    void runFailed(const QString& path, const QString& why);
    void recentFilesChanged();
    void message(const QString& text);

  private:
    bool busy();

    QWidget* window_;
    QPointer<LongJob> job_;
};

} // namespace bucketscope

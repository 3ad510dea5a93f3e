// The worker's report callback never blocks on the UI: it stores the figures under a
// mutex and queues one relay call at a time, so a fast loop reporting millions of units
// costs the UI thread at most one update per event-loop turn.
#include "widgets/long_job.h"

#include <QCoreApplication>
#include <QProgressDialog>
#include <QThread>

namespace bucketscope {
namespace {
constexpr int kDialogDelayMs = 300;
constexpr int kBusyRange = 0; // QProgressDialog shows a busy bar for a 0..0 range
} // namespace

LongJob::LongJob(Work work, QObject* parent) : QObject(parent), work_(std::move(work)) {}

LongJob::~LongJob() {
    cancel();
    if (thread_) {
        thread_->wait();
        delete thread_;
    }
}

void LongJob::start() {
    if (thread_)
        return;
    running_ = true;
    thread_ = QThread::create([this] {
        Progress progress(
            [this](std::string_view s, uint64_t d, uint64_t t) { return onReport(s, d, t); });
        work_(progress);
    });
    thread_->setObjectName(QStringLiteral("bucketscope job"));
    connect(thread_, &QThread::finished, this, &LongJob::onThreadFinished, Qt::QueuedConnection);
    thread_->start();
}

void LongJob::cancel() {
    cancel_ = true;
}

void LongJob::wait() {
    if (!thread_)
        return;
    thread_->wait();
    // Deliver the queued relay and finished calls now rather than at the next loop turn.
    QCoreApplication::sendPostedEvents(this);
    onThreadFinished();
}

bool LongJob::onReport(std::string_view stage, uint64_t done, uint64_t total) {
    {
        std::lock_guard lock(mutex_);
        stage_ = QString::fromUtf8(stage.data(), qsizetype(stage.size()));
        done_ = done;
        total_ = total;
    }
    if (!relay_queued_.exchange(true))
        QMetaObject::invokeMethod(this, &LongJob::relay, Qt::QueuedConnection);
    return !cancel_.load();
}

void LongJob::relay() {
    relay_queued_ = false;
    QString stage;
    uint64_t done, total;
    {
        std::lock_guard lock(mutex_);
        stage = stage_;
        done = done_;
        total = total_;
    }
    emit progressed(stage, qint64(done), qint64(total));
}

QString LongJob::stage() const {
    std::lock_guard lock(mutex_);
    return stage_;
}

void LongJob::onThreadFinished() {
    if (finished_emitted_)
        return;
    if (relay_queued_)
        relay();
    running_ = false;
    finished_emitted_ = true;
    emit finished(cancel_.load());
}

QProgressDialog* LongJob::showDialog(QWidget* parent, const QString& title, const QString& label) {
    auto* dialog = new QProgressDialog(label, tr("Cancel"), 0, kBusyRange, parent);
    dialog->setWindowTitle(title);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(kDialogDelayMs);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QProgressDialog::canceled, this, &LongJob::cancel);
    connect(this, &LongJob::progressed, dialog,
            [dialog, label](const QString& stage, qint64 done, qint64 total) {
                // Percent keeps the bar's range in int whatever the unit counts are.
                dialog->setMaximum(total > 0 ? 100 : kBusyRange);
                dialog->setValue(total > 0 ? int(done * 100 / total) : 0);
                dialog->setLabelText(label + QLatin1Char('\n') +
                                     progress_stage_text(stage, done, total));
            });
    connect(this, &LongJob::finished, dialog, &QProgressDialog::close);
    return dialog;
}

QString progress_stage_text(const QString& stage, qint64 done, qint64 total) {
    const QString of =
        total > 0 ? LongJob::tr("%1 of %2").arg(done).arg(total) : QString::number(done);
    if (stage == QLatin1String("journal"))
        return LongJob::tr("Reading the journal buckets (%1)").arg(of);
    if (stage == QLatin1String("prio sets"))
        return LongJob::tr("Reading the prio sets (%1)").arg(of);
    if (stage == QLatin1String("btree"))
        return LongJob::tr("Walking the btree (%1 nodes)").arg(of);
    if (stage == QLatin1String("journal replay"))
        return LongJob::tr("Replaying the journal (%1 keys)").arg(of);
    if (stage == QLatin1String("extents"))
        return LongJob::tr("Marking the buckets of %1 extents").arg(total);
    if (stage == QLatin1String("probe"))
        return LongJob::tr("Checking the target for mounts, holders and signatures");
    if (stage == QLatin1String("plan"))
        return LongJob::tr("Checking the geometry");
    if (stage == QLatin1String("write"))
        return LongJob::tr("Writing the superblock");
    if (stage == QLatin1String("register"))
        return LongJob::tr("Registering the cache: journal replay, prio sets, btree, initial GC");
    if (stage == QLatin1String("trace"))
        return LongJob::tr("Reading the trace (%1 %)").arg(total > 0 ? done * 100 / total : 0);
    return stage;
}

} // namespace bucketscope

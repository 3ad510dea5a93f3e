// Commands travel as queued lambdas, so they run on the worker thread in the order they
// were given, between two step batches, never in the middle of one.
#include "widgets/engine_controller.h"

#include <QCoreApplication>

#include "widgets/engine_worker.h"

namespace bucketscope {

EngineOptions demo_engine_options() {
    EngineOptions o;
    o.geometry.nbuckets = 16384;
    o.geometry.bucket_size = 8;
    o.geometry.block_size = 8;
    o.geometry.first_bucket = 1;
    o.policy = ReplacementPolicy::Lru;
    o.profile = KernelProfile::V6_2;
    o.seed = 1;
    o.workload.processes = 4;
    return o;
}

EngineController::EngineController(QObject* parent) : QObject(parent), worker_(new EngineWorker) {
    qRegisterMetaType<FramePtr>();
    thread_.setObjectName(QStringLiteral("bucketscope engine"));
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &EngineWorker::frameReady, this, [this](const FramePtr& f) {
        last_ = f;
        emit frameReady(f);
    });
    connect(worker_, &EngineWorker::opened, this, [this](bool ok, const QString& msg) {
        has_engine_ = ok;
        emit engineOpened(ok, msg);
    });
    connect(worker_, &EngineWorker::commandRefused, this, &EngineController::commandRefused);
    connect(worker_, &EngineWorker::closed, this, &EngineController::engineClosed);
    connect(worker_, &EngineWorker::recordingStatus, this, &EngineController::recordingStatus);
    thread_.start();
}

EngineController::~EngineController() {
    thread_.quit();
    thread_.wait();
}

template <typename F> void EngineController::post(F&& f) {
    QMetaObject::invokeMethod(worker_, std::forward<F>(f), Qt::QueuedConnection);
}

void EngineController::open(const EngineOptions& opts, const std::string& session_options) {
    options_ = opts;
    device_path_.clear();
    post([w = worker_, opts, session_options] { w->open(opts, session_options); });
}

void EngineController::adopt(EngineRunPtr run) {
    options_ = run->engine->options(); // not yet stepped: nothing else touches it
    device_path_ = QString::fromStdString(run->device);
    post([w = worker_, run = std::move(run)] { w->adopt(run); });
}

void EngineController::release(std::function<void()> then) {
    has_engine_ = false;
    device_path_.clear();
    post([w = worker_, c = this, then = std::move(then)] {
        w->release();
        QMetaObject::invokeMethod(c, then, Qt::QueuedConnection);
    });
}

bool EngineController::openSync(const EngineOptions& opts, QString* why,
                                const std::string& session_options) {
    options_ = opts;
    device_path_.clear();
    bool ok = false;
    QString message;
    QMetaObject::invokeMethod(
        worker_,
        [&, w = worker_] {
            const auto c = connect(w, &EngineWorker::opened, w, [&](bool o, const QString& m) {
                ok = o;
                message = m;
            });
            w->open(opts, session_options);
            disconnect(c);
        },
        Qt::BlockingQueuedConnection);
    QCoreApplication::sendPostedEvents(this);
    if (why)
        *why = message;
    return ok;
}

void EngineController::sync() {
    QMetaObject::invokeMethod(worker_, &EngineWorker::publish, Qt::BlockingQueuedConnection);
    QCoreApplication::sendPostedEvents(this);
}

void EngineController::setPlaying(bool on) { post([w = worker_, on] { w->setPlaying(on); }); }
void EngineController::stepOnce() { step(1); }
void EngineController::step(quint64 n) { post([w = worker_, n] { w->step(n); }); }
void EngineController::setStepsPerTick(quint64 n) {
    post([w = worker_, n] { w->setStepsPerTick(n); });
}
void EngineController::setPolicy(ReplacementPolicy p) {
    post([w = worker_, p] { w->setPolicy(int(p)); });
}
void EngineController::triggerGc() { post([w = worker_] { w->triggerGc(); }); }
void EngineController::forceInvalidate(std::optional<uint64_t> bucket) {
    const qint64 b = bucket ? qint64(*bucket) : -1;
    post([w = worker_, b] { w->forceInvalidate(b); });
}
void EngineController::rescale() { post([w = worker_] { w->rescale(); }); }
void EngineController::setDiscard(bool on) { post([w = worker_, on] { w->setDiscard(on); }); }
void EngineController::setVictimCount(int n) { post([w = worker_, n] { w->setVictimCount(n); }); }
void EngineController::closeEngine() { post([w = worker_] { w->closeEngine(); }); }
void EngineController::setRate(double r) { post([w = worker_, r] { w->setRate(r); }); }
void EngineController::setRecording(const RecordingSettings& s) {
    post([w = worker_, s] { w->setRecording(s); });
}

} // namespace bucketscope

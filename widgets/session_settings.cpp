#include "widgets/session_settings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace bucketscope {
namespace {
const char* const kEnabled = "sessions/record";
const char* const kDatabase = "sessions/database";
const char* const kInterval = "sessions/snapshotInterval";
} // namespace

RecordingSettings load_recording_settings() {
    QSettings q;
    RecordingSettings s;
    s.enabled = q.value(QString::fromLatin1(kEnabled), s.enabled).toBool();
    s.database = q.value(QString::fromLatin1(kDatabase)).toString();
    s.snapshot_interval_s =
        std::max(0.0, q.value(QString::fromLatin1(kInterval), s.snapshot_interval_s).toDouble());
    return s;
}

void save_recording_settings(const RecordingSettings& s) {
    QSettings q;
    q.setValue(QString::fromLatin1(kEnabled), s.enabled);
    q.setValue(QString::fromLatin1(kDatabase), s.database);
    q.setValue(QString::fromLatin1(kInterval), s.snapshot_interval_s);
}

QString default_session_database() {
    const QString env = qEnvironmentVariable("BUCKETSCOPE_DB");
    if (!env.isEmpty())
        return env;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("sessions.db"));
}

QString session_database(const RecordingSettings& s) {
    return s.database.isEmpty() ? default_session_database() : s.database;
}

} // namespace bucketscope

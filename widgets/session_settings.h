#pragma once
// The GUI's session recording settings (Settings > Sessions…), kept in QSettings:
// whether every engine run is recorded, where the database lives and how often bucket
// snapshots are taken. The database defaults to the platform's application data
// directory (QStandardPaths::AppDataLocation, on Linux ~/.local/share/bucketscope/
// bucketscope/sessions.db); $BUCKETSCOPE_DB overrides that default and a path chosen in
// the settings overrides both.

#include <QMetaType>
#include <QString>

namespace bucketscope {

struct RecordingSettings {
    bool enabled = true;
    QString database;                 // empty: default_session_database()
    double snapshot_interval_s = 1.0; // engine-clock seconds; 0 = only when a session ends

    bool operator==(const RecordingSettings&) const = default;
};

RecordingSettings load_recording_settings();
void save_recording_settings(const RecordingSettings& s);
// $BUCKETSCOPE_DB, else AppDataLocation/sessions.db.
QString default_session_database();
// The database `s` records into.
QString session_database(const RecordingSettings& s);

} // namespace bucketscope

Q_DECLARE_METATYPE(bucketscope::RecordingSettings)

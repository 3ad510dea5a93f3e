#include "widgets/session_menu.h"

#include "widgets/engine_controller.h"
#include "widgets/session_browser.h"
#include "widgets/session_list_model.h"
#include "widgets/session_replay_window.h"
#include "widgets/session_settings.h"
#include "widgets/session_settings_dialog.h"

#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace bucketscope {

SessionActions::SessionActions(QMainWindow* window, QMenuBar* bar, QMenu* settings,
                               EngineController* controller)
    : QObject(window), window_(window), controller_(controller) {
    QMenu* sessions = bar->addMenu(tr("S&essions"));
    browse_ =
        sessions->addAction(tr("&Browse recorded sessions…"), this, [this] { openBrowser(); });
    replay_latest_ =
        sessions->addAction(tr("&Replay the newest session"), this, &SessionActions::replayLatest);

    settings->addSeparator();
    record_ = settings->addAction(tr("&Record sessions"));
    record_->setCheckable(true);
    record_->setChecked(load_recording_settings().enabled);
    record_->setToolTip(tr("Record every engine run, with its commands, in the session database"));
    connect(record_, &QAction::toggled, this, [this](bool on) {
        RecordingSettings s = load_recording_settings();
        s.enabled = on;
        applySettings(s);
    });
    settings_ = settings->addAction(tr("&Sessions…"), this, &SessionActions::editSettings);

    connect(controller_, &EngineController::recordingStatus, this,
            [this](const QString& message, qint64 id) {
                live_ = id;
                window_->statusBar()->showMessage(message, 8000);
                if (browser_)
                    browser_->setLiveSession(id);
            });
}

void SessionActions::applySettings(const RecordingSettings& s) {
    save_recording_settings(s);
    {
        const QSignalBlocker quiet(record_);
        record_->setChecked(s.enabled);
    }
    controller_->setRecording(s);
}

void SessionActions::editSettings() {
    SessionSettingsDialog d(load_recording_settings(), window_);
    if (d.exec() == QDialog::Accepted)
        applySettings(d.settings());
}

SessionBrowser* SessionActions::openBrowser() {
    const QString db = session_database(load_recording_settings());
    if (browser_ && browser_->model()->path() != db)
        browser_->deleteLater();
    if (!browser_ || browser_->model()->path() != db) {
        browser_ = new SessionBrowser(db, window_);
        browser_->setAttribute(Qt::WA_DeleteOnClose);
    }
    browser_->setLiveSession(live_);
    browser_->refresh();
    browser_->show();
    browser_->raise();
    return browser_;
}

void SessionActions::replayLatest() {
    SessionBrowser* b = openBrowser();
    const int n = b->model()->rowCount();
    QString why = tr("No sessions recorded yet.");
    if (n == 0 || !b->replay(b->model()->session(n - 1).id, &why))
        QMessageBox::information(window_, tr("Replay session"), why);
}

SessionActions* install_session_actions(QMainWindow* window, QMenuBar* bar, QMenu* settings,
                                        EngineController* controller) {
    return new SessionActions(window, bar, settings, controller);
}

} // namespace bucketscope

#pragma once
// The main window's session entries: a Sessions menu (browse, replay the newest session),
// Settings > Record sessions and Settings > Sessions…, and the recording status in the
// status bar. Installed by MainWindow::buildMenus() with one call so the window itself
// stays about docks and menus of its own.

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QMenu;
class QMenuBar;

namespace bucketscope {

class EngineController;
class SessionBrowser;

class SessionActions : public QObject {
    Q_OBJECT
  public:
    SessionActions(QMainWindow* window, QMenuBar* bar, QMenu* settings,
                   EngineController* controller);

    QAction* recordAction() const { return record_; }
    QAction* browseAction() const { return browse_; }
    QAction* replayLatestAction() const { return replay_latest_; }
    QAction* settingsAction() const { return settings_; }
    // The session the workbench records now, -1 when none.
    qint64 liveSession() const { return live_; }
    // The browser, opened (or raised) on the current database.
    SessionBrowser* openBrowser();

  private:
    void applySettings(const struct RecordingSettings& s);
    void editSettings();
    void replayLatest();

    QMainWindow* window_;
    EngineController* controller_;
    QAction* record_;
    QAction* browse_;
    QAction* replay_latest_;
    QAction* settings_;
    QPointer<SessionBrowser> browser_;
    qint64 live_ = -1;
};

// Adds the entries to `bar` (a Sessions menu at its end) and `settings`.
SessionActions* install_session_actions(QMainWindow* window, QMenuBar* bar, QMenu* settings,
                                        EngineController* controller);

} // namespace bucketscope

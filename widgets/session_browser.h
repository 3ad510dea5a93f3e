#pragma once
// Sessions > Browse sessions…: the recorded sessions of the database in a table, the
// selected one's details and commands beside it, and what can be done with it: replay,
// export as CSV or JSON, delete, or prune old sessions. The session being recorded right
// now is marked and cannot be deleted while it runs.
//
// The actions that take a file or a number have forms without dialogs (exportSession,
// deleteSessions, pruneKeep, pruneBefore) so tests drive exactly what the buttons do.

#include <QDateTime>
#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace bucketscope {

class SessionListModel;
class SessionReplayWindow;

class SessionBrowser : public QDialog {
    Q_OBJECT
  public:
    explicit SessionBrowser(const QString& database, QWidget* parent = nullptr);

    SessionListModel* model() const { return model_; }
    QTableView* view() const { return view_; }
    QPlainTextEdit* details() const { return details_; }
    // The session the workbench records now (-1: none); it is protected from deletion.
    void setLiveSession(qint64 id);

    void refresh();
    void select(qint64 id);
    qint64 selectedSession() const; // -1 when none
    // Writes session `id` to `path`; false with `why` set when it cannot.
    bool exportSession(qint64 id, const QString& path, bool csv, QString* why = nullptr);
    // Deletes `ids` (never the live session); returns how many went, or -1 with `why`.
    int deleteSessions(const QList<qint64>& ids, QString* why = nullptr);
    int pruneKeep(int keep, QString* why = nullptr);
    int pruneBefore(const QDateTime& when, QString* why = nullptr);
    // Opens the replay window on session `id`; nullptr with `why` when it cannot.
    SessionReplayWindow* replay(qint64 id, QString* why = nullptr);

  private:
    void showDetails();
    void exportSelected(bool csv);
    void deleteSelected();
    void pruneDialog();
    void replaySelected();
    void updateButtons();
    template <typename F> int withWriter(F&& f, QString* why);

    QString database_;
    qint64 live_ = -1;
    SessionListModel* model_;
    QLabel* path_;
    QTableView* view_;
    QPlainTextEdit* details_;
    QPushButton* replay_;
    QPushButton* csv_;
    QPushButton* json_;
    QPushButton* delete_;
};

} // namespace bucketscope

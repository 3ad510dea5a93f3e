#pragma once
// The recorded sessions of one database as a table: id, start, end, outcome, where it was
// recorded, kernel profile, device and how much it holds. Read with SessionReader (its
// own read-only connection, so browsing never waits for the recording writer); refresh()
// re-reads the whole list, which stays small (one row per run).

#include "core/store/session_reader.h"

#include <QAbstractTableModel>
#include <vector>

namespace bucketscope {

class SessionListModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        Id,
        Started,
        Ended,
        Outcome,
        Origin,
        Profile,
        Device,
        Events,
        Snapshots,
        Dropped,
        ColumnCount
    };
    static constexpr int IdRole = Qt::UserRole;

    explicit SessionListModel(QObject* parent = nullptr);

    // Reads `path`. A missing database is an empty list; one that cannot be read is an
    // empty list with error() saying why.
    void load(const QString& path);
    void refresh();
    const QString& path() const { return path_; }
    const QString& error() const { return error_; }

    const store::SessionRow& session(int row) const { return rows_[size_t(row)]; }
    int rowOf(int64_t id) const; // -1 when not listed

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

  private:
    QString path_;
    QString error_;
    std::vector<store::SessionRow> rows_;
};

} // namespace bucketscope

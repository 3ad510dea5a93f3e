#include "widgets/session_list_model.h"

#include <QFileInfo>

namespace bucketscope {

SessionListModel::SessionListModel(QObject* parent) : QAbstractTableModel(parent) {}

void SessionListModel::load(const QString& path) {
    path_ = path;
    refresh();
}

void SessionListModel::refresh() {
    beginResetModel();
    rows_.clear();
    error_.clear();
    if (QFileInfo::exists(path_)) {
        try {
            rows_ = store::SessionReader(path_.toStdString()).list();
        } catch (const std::exception& e) {
            error_ = QString::fromStdString(e.what());
        }
    }
    endResetModel();
}

int SessionListModel::rowOf(int64_t id) const {
    for (size_t r = 0; r < rows_.size(); ++r)
        if (rows_[r].id == id)
            return int(r);
    return -1;
}

int SessionListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int SessionListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::SessionRow& r = rows_[size_t(index.row())];
    if (role == IdRole)
        return qint64(r.id);
    if (role == Qt::TextAlignmentRole) {
        const bool number = index.column() == Id || index.column() >= Events;
        return QVariant::fromValue(Qt::AlignVCenter | (number ? Qt::AlignRight : Qt::AlignLeft));
    }
    if (role == Qt::ToolTipRole)
        return tr("%1\nsuperblock: %2\noptions: %3")
            .arg(QString::fromStdString(r.info.device), QString::fromStdString(r.info.superblock),
                 QString::fromStdString(r.info.options));
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Id:
        return qint64(r.id);
    case Started:
        return QString::fromStdString(r.started_at);
    case Ended:
        return r.ended_at.empty() ? tr("(not ended)") : QString::fromStdString(r.ended_at);
    case Outcome:
        return QString::fromStdString(r.outcome);
    case Origin:
        return QString::fromStdString(r.info.origin);
    case Profile:
        return QString::fromStdString(r.info.profile);
    case Device:
        return QString::fromStdString(r.info.device);
    case Events:
        return qulonglong(r.events);
    case Snapshots:
        return qulonglong(r.snapshots);
    case Dropped:
        return qulonglong(r.dropped);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant SessionListModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (Column(section)) {
    case Id:
        return tr("Session");
    case Started:
        return tr("Started (UTC)");
    case Ended:
        return tr("Ended (UTC)");
    case Outcome:
        return tr("Outcome");
    case Origin:
        return tr("Recorded by");
    case Profile:
        return tr("Kernel");
    case Device:
        return tr("Device");
    case Events:
        return tr("Events");
    case Snapshots:
        return tr("Snapshots");
    case Dropped:
        return tr("Lost");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace bucketscope

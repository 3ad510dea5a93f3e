#pragma once
// The event log panel: the EventLogModel in a table that follows the newest event unless
// the user scrolls away or unticks "Follow", with a filter on the event kind.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QSortFilterProxyModel;
class QTableView;

namespace bucketscope {

class EventLogModel;

class EventLog : public QWidget {
    Q_OBJECT
  public:
    explicit EventLog(EventLogModel* model, QWidget* parent = nullptr);
    QTableView* view() const { return view_; }

  private:
    EventLogModel* model_;
    QSortFilterProxyModel* filter_;
    QTableView* view_;
    QCheckBox* follow_;
    QComboBox* kind_;
};

} // namespace bucketscope

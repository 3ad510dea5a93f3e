// The kind filter matches the tracepoint name column exactly, so "bcache_alloc" does not
// also show "bcache_alloc_fail".
#include "widgets/event_log.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "widgets/event_log_model.h"

namespace bucketscope {

EventLog::EventLog(EventLogModel* model, QWidget* parent)
    : QWidget(parent), model_(model), filter_(new QSortFilterProxyModel(this)),
      view_(new QTableView(this)), follow_(new QCheckBox(tr("Follow"), this)),
      kind_(new QComboBox(this)) {
    filter_->setSourceModel(model_);
    filter_->setFilterKeyColumn(EventLogModel::Kind);
    view_->setModel(filter_);
    view_->verticalHeader()->hide();
    view_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);

    kind_->addItem(tr("All events"), QString());
    for (int k = 0; k < int(EventKind::Count); ++k) {
        const QString name = QString::fromLatin1(to_string(EventKind(k)));
        kind_->addItem(name, name);
    }
    follow_->setChecked(true);
    follow_->setToolTip(tr("Keep the newest event in view"));
    auto* clear = new QPushButton(tr("Clear"), this);

    auto* bar = new QHBoxLayout;
    bar->addWidget(kind_);
    bar->addWidget(follow_);
    bar->addStretch(1);
    bar->addWidget(clear);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(2, 2, 2, 2);
    box->addLayout(bar);
    box->addWidget(view_, 1);

    connect(kind_, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = kind_->currentData().toString();
        filter_->setFilterRegularExpression(
            name.isEmpty() ? QRegularExpression()
                           : QRegularExpression(QStringLiteral("^%1$").arg(QRegularExpression::escape(name))));
    });
    connect(clear, &QPushButton::clicked, model_, &EventLogModel::clear);
    connect(filter_, &QAbstractItemModel::rowsInserted, this, [this] {
        if (follow_->isChecked())
            view_->scrollToBottom();
    });
}

} // namespace bucketscope

// The form's rows come from bucket_fields(), the same source as the heatmap tooltip, so
// the panel and the tooltip can never disagree about a bucket.
#include "widgets/bucket_details.h"

#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "widgets/bucket_text.h"
#include "widgets/event_log_model.h"

namespace bucketscope {
namespace {
constexpr int kHistoryLimit = 200;
}

BucketDetails::BucketDetails(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), form_(new QFormLayout),
      history_(new QListWidget(this)), invalidate_(new QPushButton(tr("Invalidate this bucket"), this)) {
    invalidate_->setToolTip(tr("Move the bucket to free_inc now, if the kernel would allow it"));
    title_->setWordWrap(true);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addWidget(title_);
    box->addLayout(form_);
    box->addWidget(invalidate_);
    box->addWidget(new QLabel(tr("Events since selected:"), this));
    box->addWidget(history_, 1);
    connect(invalidate_, &QPushButton::clicked, this, [this] {
        if (bucket_)
            emit invalidateRequested(*bucket_);
    });
    refresh();
}

void BucketDetails::setBucket(std::optional<uint64_t> bucket) {
    if (bucket == bucket_)
        return;
    bucket_ = bucket;
    history_->clear();
    refresh();
}

void BucketDetails::showFrame(const FramePtr& frame) {
    if (!frame)
        return;
    snap_ = frame->snapshot;
    if (bucket_) {
        for (size_t i = 0; i < frame->events.size(); ++i) {
            const EngineEvent& e = frame->events[i];
            const bool about_bucket = e.kind == EventKind::Invalidate || e.kind == EventKind::Alloc ||
                                      e.kind == EventKind::Discard ||
                                      e.kind == EventKind::BtreeNodeFree;
            if (about_bucket && e.dev == 0 && e.bucket == *bucket_)
                history_->addItem(explain_event({e, i < frame->gen_after.size() ? frame->gen_after[i] : uint8_t(0)}));
        }
        while (history_->count() > kHistoryLimit)
            delete history_->takeItem(0);
    }
    refresh();
}

QString BucketDetails::valueText(int row) const {
    return row >= 0 && size_t(row) < values_.size() ? values_[size_t(row)]->text() : QString();
}

void BucketDetails::refresh() {
    invalidate_->setEnabled(bucket_.has_value() && snap_);
    const FieldRows rows = bucket_ && snap_ ? bucket_fields(*snap_, *bucket_) : FieldRows{};
    title_->setText(rows.empty() ? tr("Click a bucket in a heatmap to follow it here.")
                                 : tr("<b>Bucket %1</b>").arg(*bucket_));
    // Rebuild the form only when the row count changes; otherwise update values in place.
    if (values_.size() != rows.size()) {
        while (form_->rowCount() > 0)
            form_->removeRow(0);
        values_.clear();
        for (const auto& [label, value] : rows) {
            auto* v = new QLabel(value, this);
            v->setTextInteractionFlags(Qt::TextSelectableByMouse);
            form_->addRow(label, v);
            values_.push_back(v);
        }
        return;
    }
    for (size_t i = 0; i < rows.size(); ++i)
        values_[i]->setText(rows[i].second);
}

} // namespace bucketscope

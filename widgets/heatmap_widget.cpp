// The worker hands its frame back with a queued call on this widget; the destructor waits
// for the worker first, and ~QObject then discards any call still queued, so a frame can
// never arrive at a dead widget.
#include "widgets/heatmap_widget.h"

#include <QCoreApplication>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include "widgets/bucket_text.h"

namespace bucketscope {
namespace {
constexpr int kClickSlop = 4;        // pixels a press may move and still be a click
constexpr size_t kMaxVictimMarks = 512;
} // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent) {
    worker_.setMaxThreadCount(1);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::WheelFocus);
    setMinimumSize(120, 90);
}

HeatmapWidget::~HeatmapWidget() { worker_.waitForDone(); }

void HeatmapWidget::setSnapshot(SnapshotPtr snap) {
    const bool reshape = !snap_ || !snap || snap->nbuckets != snap_->nbuckets;
    snap_ = std::move(snap);
    if (reshape)
        rebuildGrid();
    requestFrame();
}

void HeatmapWidget::setField(HeatmapField field) {
    if (field == field_)
        return;
    field_ = field;
    palette_.reset();
    requestFrame();
}

void HeatmapWidget::setLayoutKind(HeatmapLayout layout) {
    if (layout == layout_)
        return;
    layout_ = layout;
    auto_fit_ = true;
    rebuildGrid();
    requestFrame();
}

void HeatmapWidget::setVictims(std::vector<uint64_t> victims) {
    victims_ = std::move(victims);
    update();
}

void HeatmapWidget::setSelectedBucket(std::optional<uint64_t> bucket) {
    selected_ = bucket;
    update();
}

std::optional<uint64_t> HeatmapWidget::bucketAt(QPoint p) const {
    int64_t cx, cy;
    view_.cell_at(p, cx, cy);
    if (cx < 0 || cy < 0 || cx >= grid_.width || cy >= grid_.height)
        return std::nullopt;
    return grid_.bucket_at(uint32_t(cx), uint32_t(cy));
}

void HeatmapWidget::waitForFrame() {
    worker_.waitForDone();
    QCoreApplication::sendPostedEvents(this);
}

void HeatmapWidget::fitToWindow() {
    auto_fit_ = true;
    rebuildGrid();
    requestFrame();
}

void HeatmapWidget::zoomBy(int steps) {
    auto_fit_ = false;
    view_.zoom_around(rect().center(), steps, grid_);
    requestFrame();
}

void HeatmapWidget::rebuildGrid() {
    const uint64_t n = snap_ ? snap_->nbuckets : 0;
    const double aspect = height() > 0 ? double(width()) / height() : 1.0;
    grid_ = HeatmapGrid::make(layout_, n, aspect);
    if (auto_fit_)
        view_ = HeatmapView::fit(grid_, size());
}

void HeatmapWidget::requestFrame() {
    if (!snap_) {
        frame_ = QImage();
        update();
        return;
    }
    if (!palette_ || palette_bucket_size_ != snap_->bucket_size) {
        palette_ = std::make_shared<const HeatmapPalette>(make_palette(field_, snap_->bucket_size));
        palette_bucket_size_ = snap_->bucket_size;
        emit paletteChanged();
    }
    if (snap_->nbuckets <= kSyncRenderLimit) {
        frame_ = render_heatmap(*snap_, *palette_, grid_, view_, size());
        update();
        emit frameRendered();
        return;
    }
    if (rendering_) {
        frame_pending_ = true;
        return;
    }
    startRender();
}

void HeatmapWidget::startRender() {
    rendering_ = true;
    frame_pending_ = false;
    worker_.start([this, snap = snap_, palette = palette_, grid = grid_, view = view_,
                   size = size()] {
        QImage img = render_heatmap(*snap, *palette, grid, view, size);
        QMetaObject::invokeMethod(
            this,
            [this, img = std::move(img)]() mutable {
                rendering_ = false;
                frame_ = std::move(img);
                update();
                emit frameRendered();
                if (frame_pending_)
                    startRender();
            },
            Qt::QueuedConnection);
    });
}

void HeatmapWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor::fromRgb(HEATMAP_BACKGROUND));
    if (!snap_) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(rect(), Qt::AlignCenter, tr("No engine running"));
        return;
    }
    p.drawImage(0, 0, frame_);
    paintOverlay(p);
}

void HeatmapWidget::paintOverlay(QPainter& p) const {
    auto outline = [&](uint64_t bucket, const QColor& colour, int min_side) {
        uint32_t x, y;
        if (!grid_.cell_of(bucket, x, y))
            return;
        QRect r = view_.cell_rect(x, y);
        if (r.width() < min_side)
            r = QRect(r.center() - QPoint(min_side / 2, min_side / 2), QSize(min_side, min_side));
        if (!r.intersects(rect()))
            return;
        p.setPen(QPen(colour, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r.adjusted(0, 0, -1, -1));
    };
    const size_t n = std::min(victims_.size(), kMaxVictimMarks);
    for (size_t i = 0; i < n; ++i)
        outline(victims_[i], QColor(0, 255, 255), 5);
    if (selected_) {
        outline(*selected_, Qt::white, 9);
        outline(*selected_, Qt::black, 11);
    }
}

void HeatmapWidget::resizeEvent(QResizeEvent*) {
    if (auto_fit_)
        rebuildGrid();
    requestFrame();
}

void HeatmapWidget::wheelEvent(QWheelEvent* e) {
    const int delta = e->angleDelta().y();
    if (delta == 0)
        return;
    auto_fit_ = false;
    view_.zoom_around(e->position().toPoint(), delta > 0 ? -1 : 1, grid_);
    requestFrame();
    e->accept();
}

void HeatmapWidget::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton)
        return;
    press_pos_ = drag_last_ = e->position().toPoint();
    dragging_ = false;
}

void HeatmapWidget::mouseMoveEvent(QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton))
        return;
    const QPoint pos = e->position().toPoint();
    if (!dragging_ && (pos - press_pos_).manhattanLength() <= kClickSlop)
        return;
    dragging_ = true;
    auto_fit_ = false;
    view_.origin_x -= pos.x() - drag_last_.x();
    view_.origin_y -= pos.y() - drag_last_.y();
    drag_last_ = pos;
    requestFrame();
}

void HeatmapWidget::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || dragging_)
        return;
    if (const auto b = bucketAt(e->position().toPoint())) {
        selected_ = *b;
        update();
        emit bucketSelected(*b);
    }
}

void HeatmapWidget::mouseDoubleClickEvent(QMouseEvent*) { fitToWindow(); }

bool HeatmapWidget::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const auto b = bucketAt(help->pos());
        if (b && snap_)
            QToolTip::showText(help->globalPos(), bucket_tooltip(*snap_, *b), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

} // namespace bucketscope

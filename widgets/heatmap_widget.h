#pragma once
// The bucket heatmap: shows one field of the latest snapshot, zooms with the wheel, pans by
// dragging, explains the bucket under the cursor in a tooltip, selects one by clicking and
// marks the next victims of the current policy.
//
// Painting never computes pixels: the widget keeps the last rendered QImage and asks for a
// new one when the snapshot, field, layout, size or view change. Small caches render at
// once on the UI thread (well under a millisecond); large ones render on the widget's own
// worker thread, one frame at a time, and requests arriving meanwhile collapse into one
// follow-up frame, so the UI thread never waits for a 4M-bucket frame.

#include <QImage>
#include <QThreadPool>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "widgets/heatmap_render.h"

namespace bucketscope {

class HeatmapWidget : public QWidget {
    Q_OBJECT
  public:
    // Caches up to this many buckets render synchronously.
    static constexpr uint64_t kSyncRenderLimit = 1u << 18;

    explicit HeatmapWidget(QWidget* parent = nullptr);
    ~HeatmapWidget() override;

    void setSnapshot(SnapshotPtr snap);
    SnapshotPtr snapshot() const { return snap_; }
    void setField(HeatmapField field);
    HeatmapField field() const { return field_; }
    void setLayoutKind(HeatmapLayout layout);
    HeatmapLayout layoutKind() const { return layout_; }
    // Buckets to outline, in the order the policy would take them.
    void setVictims(std::vector<uint64_t> victims);
    void setSelectedBucket(std::optional<uint64_t> bucket);
    std::optional<uint64_t> selectedBucket() const { return selected_; }

    const HeatmapGrid& grid() const { return grid_; }
    const HeatmapView& view() const { return view_; }
    std::shared_ptr<const HeatmapPalette> heatmapPalette() const { return palette_; }
    // The bucket under widget pixel `p`, if any.
    std::optional<uint64_t> bucketAt(QPoint p) const;
    // The last finished frame (what paintEvent shows).
    const QImage& frame() const { return frame_; }
    // Blocks until no frame is being rendered (tests and screenshots).
    void waitForFrame();

    QSize sizeHint() const override { return {480, 360}; }

  public slots:
    void fitToWindow();
    void zoomBy(int steps); // negative zooms in, around the centre

  signals:
    void bucketSelected(quint64 bucket);
    void paletteChanged();
    void frameRendered();

  protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    bool event(QEvent*) override;

  private:
    void rebuildGrid();
    void requestFrame();
    void startRender();
    void paintOverlay(class QPainter& p) const;

    SnapshotPtr snap_;
    HeatmapField field_ = HeatmapField::Membership;
    HeatmapLayout layout_ = HeatmapLayout::Hilbert;
    std::shared_ptr<const HeatmapPalette> palette_;
    uint32_t palette_bucket_size_ = 0;
    HeatmapGrid grid_;
    HeatmapView view_;
    bool auto_fit_ = true;
    std::vector<uint64_t> victims_;
    std::optional<uint64_t> selected_;

    QImage frame_;
    bool rendering_ = false;
    bool frame_pending_ = false;
    QThreadPool worker_;

    QPoint press_pos_;
    QPoint drag_last_;
    bool dragging_ = false;
};

} // namespace bucketscope

#pragma once
// The colour scale under a heatmap: the gradient with its end labels, then one swatch per
// special value or category, straight from the palette the heatmap paints with.

#include <QWidget>
#include <memory>

#include "widgets/heatmap_palette.h"

namespace bucketscope {

class HeatmapLegend : public QWidget {
    Q_OBJECT
  public:
    explicit HeatmapLegend(QWidget* parent = nullptr);
    void setPalette(std::shared_ptr<const HeatmapPalette> palette);
    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override;

  protected:
    void paintEvent(QPaintEvent*) override;

  private:
    // Lays out (and optionally paints) the legend in width `w`; returns the height used.
    int layoutLegend(int w, class QPainter* p) const;

    std::shared_ptr<const HeatmapPalette> palette_;
};

} // namespace bucketscope

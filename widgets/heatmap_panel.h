#pragma once
// One heatmap with its controls: which field, which layout, zoom to fit, and the legend.
// The main window shows one or more of these side by side.

#include <QWidget>

#include "widgets/heatmap_widget.h"

class QComboBox;

namespace bucketscope {

class HeatmapLegend;

class HeatmapPanel : public QWidget {
    Q_OBJECT
  public:
    explicit HeatmapPanel(HeatmapField field, QWidget* parent = nullptr);

    HeatmapWidget* heatmap() const { return heatmap_; }
    void setField(HeatmapField field);

  private:
    HeatmapWidget* heatmap_;
    HeatmapLegend* legend_;
    QComboBox* field_box_;
    QComboBox* layout_box_;
};

} // namespace bucketscope

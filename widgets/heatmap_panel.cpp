// The combo boxes store the enum values as item data, so their order on screen is free.
#include "widgets/heatmap_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/heatmap_legend.h"

namespace bucketscope {

HeatmapPanel::HeatmapPanel(HeatmapField field, QWidget* parent)
    : QWidget(parent), heatmap_(new HeatmapWidget(this)), legend_(new HeatmapLegend(this)),
      field_box_(new QComboBox(this)), layout_box_(new QComboBox(this)) {
    for (int f = 0; f < int(HeatmapField::Count); ++f)
        field_box_->addItem(field_name(HeatmapField(f)), f);
    field_box_->setToolTip(tr("Bucket field shown by the heatmap"));
    layout_box_->addItem(tr("Hilbert curve"), int(HeatmapLayout::Hilbert));
    layout_box_->addItem(tr("Row by row"), int(HeatmapLayout::RowMajor));
    layout_box_->setToolTip(tr("How bucket numbers are laid out: the Hilbert curve keeps "
                               "neighbouring buckets together"));
    auto* fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Zoom to show every bucket (or double-click the map)"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(field_box_, 1);
    bar->addWidget(layout_box_);
    bar->addWidget(fit);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(2, 2, 2, 2);
    box->addLayout(bar);
    box->addWidget(heatmap_, 1);
    box->addWidget(legend_);

    connect(field_box_, &QComboBox::currentIndexChanged, this, [this] {
        heatmap_->setField(HeatmapField(field_box_->currentData().toInt()));
    });
    connect(layout_box_, &QComboBox::currentIndexChanged, this, [this] {
        heatmap_->setLayoutKind(HeatmapLayout(layout_box_->currentData().toInt()));
    });
    connect(fit, &QToolButton::clicked, heatmap_, &HeatmapWidget::fitToWindow);
    connect(heatmap_, &HeatmapWidget::paletteChanged, this,
            [this] { legend_->setPalette(heatmap_->heatmapPalette()); });
    setField(field);
}

void HeatmapPanel::setField(HeatmapField field) {
    field_box_->setCurrentIndex(field_box_->findData(int(field)));
    heatmap_->setField(field);
}

} // namespace bucketscope

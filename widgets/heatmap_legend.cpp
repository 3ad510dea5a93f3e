// Swatches flow left to right and wrap, so the legend fits a narrow dock as well as a
// wide one; the same routine measures and paints so the two never disagree.
#include "widgets/heatmap_legend.h"

#include <QPainter>

namespace bucketscope {
namespace {
constexpr int kMargin = 4;
constexpr int kSwatch = 12;
constexpr int kGap = 10;
constexpr int kGradientWidth = 160;
} // namespace

HeatmapLegend::HeatmapLegend(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
}

void HeatmapLegend::setPalette(std::shared_ptr<const HeatmapPalette> palette) {
    palette_ = std::move(palette);
    updateGeometry();
    update();
}

QSize HeatmapLegend::sizeHint() const { return {400, heightForWidth(400)}; }

int HeatmapLegend::heightForWidth(int w) const { return layoutLegend(w, nullptr); }

void HeatmapLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    layoutLegend(width(), &p);
}

int HeatmapLegend::layoutLegend(int w, QPainter* p) const {
    if (!palette_)
        return 0;
    const QFontMetrics fm = fontMetrics();
    const int line = std::max(fm.height(), kSwatch) + kMargin;
    int x = kMargin, y = kMargin;
    auto place = [&](int item_width) {
        if (x > kMargin && x + item_width > w - kMargin) {
            x = kMargin;
            y += line;
        }
        const QPoint at(x, y);
        x += item_width + kGap;
        return at;
    };
    if (p)
        p->setPen(QWidget::palette().color(QPalette::WindowText));
    if (!palette_->gradient.empty()) {
        const int lw = fm.horizontalAdvance(palette_->gradient_low);
        const int hw = fm.horizontalAdvance(palette_->gradient_high);
        const QPoint at = place(lw + hw + kGradientWidth + 2 * kMargin);
        if (p) {
            p->drawText(QRect(at.x(), at.y(), lw, line - kMargin), Qt::AlignVCenter, palette_->gradient_low);
            const int gx = at.x() + lw + kMargin;
            const size_t n = palette_->gradient.size();
            for (int i = 0; i < kGradientWidth; ++i)
                p->fillRect(gx + i, at.y(), 1, kSwatch,
                            QColor::fromRgb(palette_->gradient[size_t(i) * n / kGradientWidth]));
            p->drawText(QRect(gx + kGradientWidth + kMargin, at.y(), hw, line - kMargin),
                        Qt::AlignVCenter, palette_->gradient_high);
        }
    }
    for (const auto& entry : palette_->entries) {
        const QPoint at = place(kSwatch + kMargin + fm.horizontalAdvance(entry.label));
        if (p) {
            p->fillRect(at.x(), at.y(), kSwatch, kSwatch, QColor::fromRgb(entry.colour));
            p->drawRect(at.x(), at.y(), kSwatch, kSwatch);
            p->drawText(QRect(at.x() + kSwatch + kMargin, at.y(), w, line - kMargin),
                        Qt::AlignVCenter, entry.label);
        }
    }
    return y + line + kMargin;
}

} // namespace bucketscope

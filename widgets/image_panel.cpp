// Blockers and errors are shown in red so a mounted or foreign target
// stands out before anyone thinks of writing to it.
#include "widgets/image_panel.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace bucketscope {
namespace {
const QColor kWarning(0xc0, 0x20, 0x20);
constexpr int kTitlePathPixels = 220;
} // namespace

ImagePanel::ImagePanel(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), tree_(new QTreeWidget(this)),
      run_(new QPushButton(tr("Open for running…"), this)),
      simulate_(new QPushButton(tr("Run its geometry in RAM"), this)),
      close_(new QPushButton(tr("Close image"), this)) {
    title_->setWordWrap(true);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Field"), tr("Value")});
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree_->setWordWrap(true);
    run_->setToolTip(tr("Run the engine on this device; it will be written after you confirm"));
    simulate_->setToolTip(tr("Start the engine on a RAM device with this image's geometry, policy "
                             "and discard setting; the image itself is not written"));
    close_->setToolTip(tr("Show the live engine again"));

    // Two rows keep the dock narrow enough to share the window with the heatmaps.
    auto* buttons = new QGridLayout;
    buttons->addWidget(run_, 0, 0);
    buttons->addWidget(close_, 0, 1);
    buttons->addWidget(simulate_, 1, 0, 1, 2);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addWidget(title_);
    box->addWidget(tree_, 1);
    box->addLayout(buttons);

    connect(run_, &QPushButton::clicked, this, [this] {
        if (image_)
            emit runRequested(image_->path);
    });
    connect(simulate_, &QPushButton::clicked, this, [this] {
        if (image_ && image_->ok())
            emit simulateRequested(engine_options_for(image_->report->sb));
    });
    connect(close_, &QPushButton::clicked, this, &ImagePanel::closeRequested);
    showImage(nullptr);
}

void ImagePanel::showImage(std::shared_ptr<const OpenedImage> image) {
    image_ = std::move(image);
    tree_->clear();
    const bool ok = image_ && image_->ok();
    run_->setEnabled(ok);
    simulate_->setEnabled(ok);
    close_->setEnabled(image_ != nullptr);
    if (!image_) {
        title_->setText(tr("No image open. File ▸ Open image read-only… shows a cache device the "
                           "kernel (or the engine) wrote."));
        return;
    }
    // A path does not wrap: shorten it in the middle (the tooltip has it whole), or the
    // label would widen the dock and with it the window.
    const QString shown =
        fontMetrics().elidedText(image_->path, Qt::ElideMiddle, kTitlePathPixels).toHtmlEscaped();
    title_->setToolTip(image_->path);
    title_->setText(ok ? tr("<b>%1</b> (opened read-only; nothing is written)").arg(shown)
                       : tr("<b>%1</b> could not be inspected").arg(shown));

    auto section = [this](const QString& name) {
        auto* item = new QTreeWidgetItem(tree_, {name});
        item->setFirstColumnSpanned(true);
        QFont f = item->font(0);
        f.setBold(true);
        item->setFont(0, f);
        item->setExpanded(true);
        return item;
    };
    auto rows = [](QTreeWidgetItem* parent, const FieldRows& fields) {
        for (const auto& [label, value] : fields)
            (new QTreeWidgetItem(parent, {label, value}))->setToolTip(1, value);
    };

    if (!ok) {
        auto* err = section(tr("Error"));
        auto* item = new QTreeWidgetItem(err, {tr("inspect"), image_->error});
        item->setForeground(1, kWarning);
    }

    const SafetyReport& s = image_->safety;
    auto* safety = section(tr("Before writing (safety probe)"));
    const auto blockers = s.blockers();
    const auto notes = s.notes();
    for (const auto& b : blockers) {
        auto* item = new QTreeWidgetItem(safety, {tr("blocks writing"), QString::fromStdString(b)});
        item->setForeground(1, kWarning);
    }
    for (const auto& n : notes)
        (new QTreeWidgetItem(safety, {tr("note"), QString::fromStdString(n)}))
            ->setToolTip(1, QString::fromStdString(n));
    if (blockers.empty() && notes.empty())
        new QTreeWidgetItem(safety, {tr("found"), tr("nothing that would stop a write")});

    if (ok) {
        rows(section(tr("Inspect")), inspect_rows(*image_->report));
        rows(section(tr("Superblock")), superblock_rows(image_->report->sb));
    }
    tree_->expandAll();
}

} // namespace bucketscope

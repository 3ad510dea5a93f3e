#pragma once
// The image dock: the cache image or device shown in the heatmaps, opened read-only. It
// lists what the safety probe found on the target (what writing to it would meet), what
// inspect read (journal, prio sets, btree, extents, marks) and the superblock under
// bcache-super-show's names, or the error that stopped inspect.
//
// Two ways on from here: "Open for running" runs the engine on the device itself (after a
// confirmation that lists the probe's findings; see MainWindow::runImage), writing it as
// the kernel would. "Run its geometry in RAM" starts the demo engine on a RAM device with
// the image's geometry, policy and discard setting, which for a never-registered image is
// what the kernel would do with it, only without writing it.

#include "widgets/opened_image.h"

#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace bucketscope {

class ImagePanel : public QWidget {
    Q_OBJECT
  public:
    explicit ImagePanel(QWidget* parent = nullptr);

    void showImage(std::shared_ptr<const OpenedImage> image); // null: none
    std::shared_ptr<const OpenedImage> image() const { return image_; }

    QPushButton* runButton() const { return run_; }
    QPushButton* simulateButton() const { return simulate_; }
    QPushButton* closeButton() const { return close_; }
    QTreeWidget* tree() const { return tree_; }

  signals:
    void runRequested(const QString& path);
    void simulateRequested(const bucketscope::EngineOptions& opts);
    void closeRequested();

  private:
    std::shared_ptr<const OpenedImage> image_;
    QLabel* title_;
    QTreeWidget* tree_;
    QPushButton* run_;
    QPushButton* simulate_;
    QPushButton* close_;
};

} // namespace bucketscope
